"""The spark extra does not break the processes that never use Spark.

Great Expectations imports `pyspark.sql.connect` whenever pyspark is installed, and pyspark's
connect package calls `sys.exit(0)` on import in a process whose main module has no file (a
`python -c` child, an xdist worker) when its connect dependencies are missing: every bronze and
validation step then died with "SystemExit: 0" under `make test -n 2`. The extra installs
`pyspark[connect]` so that the import succeeds. Without the extra installed this passes trivially
(Great Expectations then does not import pyspark).
"""

from __future__ import annotations

import subprocess
import sys


def test_great_expectations_imports_in_a_process_without_a_main_file():
    done = subprocess.run(
        [sys.executable, "-c", "import great_expectations.util; print('imported')"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "imported", done.stderr[-2000:]
