"""orchestration.defs.dbt."""
