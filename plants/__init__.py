"""Plant definitions: one YAML file per plant holds every plant fact the pipeline needs."""
