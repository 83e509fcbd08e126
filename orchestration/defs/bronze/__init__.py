"""orchestration.defs.bronze."""
