"""orchestration.defs.serving."""
