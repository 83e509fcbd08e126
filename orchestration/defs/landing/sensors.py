"""A sensor that notices new or changed landing folders and requests their partitions.

Why: files arrive when plant systems deliver them, not on a clock. The cursor keeps a cheap
fingerprint (file count, total size, newest mtime) per delivery folder, so a new folder, or a
late file dropped into an old one, triggers a run for exactly that delivery date.
"""

import json
from datetime import date
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from ingestion.landing import delivery_dates
from orchestration.defs.landing.pending import unloaded_by_day
from orchestration.jobs import daily_job
from orchestration.partitions import is_valid_delivery, partition_key, refusal
from plants.home import Home


def folder_fingerprint(folder: Path) -> str:
    """Changes whenever a file is added, removed, grown or rewritten in the folder."""
    count = size = newest = 0
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            count, size, newest = count + 1, size + st.st_size, max(newest, st.st_mtime_ns)
    return f"{count}-{size}-{newest}"


def changed_folders(home: Path, cursor: dict[str, str]) -> dict[str, str]:
    """Delivery dates (ISO) whose fingerprint differs from the cursor, with the new fingerprint."""
    out = {}
    for day in delivery_dates(home):
        if not is_valid_delivery(day):
            continue
        key = partition_key(day)
        fp = folder_fingerprint(Home(home).landing / key)
        if cursor.get(key) != fp:
            out[key] = fp
    return out


def _refused(home: Path) -> str:
    """The landing folders that are no partition of this code location, with why (an older
    folder landed since it loaded, a folder dated after today): said on every skipped tick."""
    refused = [f"landing/{day}/ {why}" for day in delivery_dates(home) if (why := refusal(day))]
    return "; refused: " + "; ".join(refused) if refused else ""


@sensor(
    job=daily_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Requests the bronze partition of every new or changed landing/DATE/ folder.",
)
def landing_sensor(context: SensorEvaluationContext):
    cursor = json.loads(context.cursor) if context.cursor else {}
    changed = changed_folders(Home.from_env().root, cursor)
    if not changed:
        return SkipReason("no new or changed landing folder" + _refused(Home.from_env().root))
    cursor.update(changed)
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    # A folder whose files are all in bronze already (a first start on a loaded home, a touched
    # file) needs no run; None (warehouse busy) errs on the side of running.
    home = Home.from_env().root
    unloaded = unloaded_by_day(home, map(date.fromisoformat, changed))
    pending = [k for k in changed if unloaded[date.fromisoformat(k)] != []]
    if not pending:
        return SkipReason("changed landing folders hold no file that bronze has not loaded")
    return [RunRequest(run_key=f"{key}:{changed[key]}", partition_key=key) for key in pending]
