"""orchestration.defs.landing."""
