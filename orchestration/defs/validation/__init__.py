"""orchestration.defs.validation."""
