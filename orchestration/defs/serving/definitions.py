"""Serving: validated gold and the audit trail published to the read-only serving copy."""

from dagster import Definitions

from orchestration.defs.serving.assets import publish_serving

defs = Definitions(assets=[publish_serving])
