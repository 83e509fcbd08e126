"""orchestration.defs."""
