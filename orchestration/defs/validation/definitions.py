"""Validation: the truth gate and the expectation suites, as asset checks on bronze and gold."""

from dagster import Definitions

from orchestration.defs.validation.checks import validation_checks

defs = Definitions(asset_checks=validation_checks())
