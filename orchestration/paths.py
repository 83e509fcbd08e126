"""Where Shopfloor keeps its run-time state: one home folder, `$SHOPFLOOR_HOME` (default ./data)."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "SHOPFLOOR_HOME"


def shopfloor_home() -> Path:
    return Path(os.environ.get(HOME_ENV, "data")).resolve()
