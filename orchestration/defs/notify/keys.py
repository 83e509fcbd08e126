"""The alerts asset's key, apart from its definition: publish depends on it
(orchestration/defs/serving/assets.py), and the alerts asset depends on gold through publish's
module, so the key lives where both can import it without a cycle."""

from dagster import AssetKey

ALERTS_KEY = AssetKey(["audit", "alerts"])
