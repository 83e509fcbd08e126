"""The `reports/daily_report` asset: after each successful publish, the daily report (PDF and
xlsx, reporting/) of every production date the run published, mailed when mail is configured.

Why an asset downstream of publish, partitioned like it: the report reads only the serving copy,
so it must run after the copy holds the run's dates, and a run that fails the gate (publish
skipped or failed) writes no report from stale numbers. In the serving group so that every job
that publishes (transform_job, daily_job) also reports. A mail that fails never fails the step:
the files are written first and stay, and the delivery record says what went wrong.

Why not every date of a long run: a report costs about 2 s, so a plant-year rebuild would spend
12 minutes re-drawing reports nobody asked for again, and would mail 365 of them. The asset
writes the newest `$SHOPFLOOR_REPORT_DAYS` dates of the run (default 7, enough for a daily run
and the dates its late rows restate) and mails only the newest one, the day the plant wants to
hear about; `shopfloor report --date D` writes any other date on demand from the same code.
"""

import os
import warnings
from collections.abc import Collection, Sequence
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
)

from notify.mail import DeliveryFailed, deliver_report
from orchestration.defs.serving.assets import SERVING_GROUP, publish_serving
from orchestration.instance import WRITER_POOL
from orchestration.partitions import production_date_partitions
from orchestration.resources import WarehouseResource
from plants.home import Home
from reporting.files import write_reports
from reporting.serving import open_serving, production_dates

REPORT_DAYS_ENV = "SHOPFLOOR_REPORT_DAYS"
DEFAULT_REPORT_DAYS = 7


def report_days() -> int:
    """How many of a run's newest published dates get their report written (at least 1)."""
    return max(1, int(os.environ.get(REPORT_DAYS_ENV, DEFAULT_REPORT_DAYS)))


def dates_to_report(
    run_dates: Sequence[date], published: Collection[date], limit: int
) -> list[date]:
    """The run's dates the serving copy holds production for, the newest `limit` of them, in
    order (a run's range can hold delivery dates that carry only late rows of earlier dates)."""
    return sorted(d for d in run_dates if d in published)[-limit:]


with warnings.catch_warnings():  # backfill_policy is a beta parameter of @asset
    warnings.simplefilter("ignore", BetaWarning)

    @asset(
        key=AssetKey(["reports", "daily_report"]),
        deps=[publish_serving.key],
        group_name=SERVING_GROUP,
        partitions_def=production_date_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WRITER_POOL,  # the delivery record is written to the warehouse's audit schema
        description="The daily report of a run's newest published production dates (at most "
        "$SHOPFLOOR_REPORT_DAYS, default 7): "
        "reports/DATE/shopfloor-report-DATE.pdf and .xlsx from the serving copy, mailed to "
        "the configured recipients when mail is set up.",
    )
    def daily_report(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        """Write the newest dates' PDF and workbook, then mail the newest date's."""
        home = Home(warehouse.home_path)
        days = [date.fromisoformat(k) for k in context.partition_keys]
        con = open_serving(home)
        try:
            held = set(production_dates(con))
        finally:
            con.close()
        without_data = [d for d in days if d not in held]
        wanted = dates_to_report(days, held, report_days())
        written = write_reports(home, wanted) if wanted else []
        mailed, failures = [], []
        for files in written[-1:]:
            try:
                delivery = deliver_report(
                    home, files.production_date, files.paths, run_id=context.run.run_id
                )
            except DeliveryFailed as exc:
                failures.append(f"{files.production_date}: {exc}")
                context.log.warning(f"report of {files.production_date} not mailed: {exc}")
                continue
            if delivery is not None:
                mailed.append(files.production_date.isoformat())
        return MaterializeResult(
            metadata={
                "reports": MetadataValue.json(
                    {f.production_date.isoformat(): [str(p) for p in f.paths] for f in written}
                ),
                "newest_pdf": MetadataValue.path(str(written[-1].pdf)) if written else "",
                "without_numbers": MetadataValue.json(
                    [f.production_date.isoformat() for f in written if not f.shows_numbers]
                ),
                "left_to_shopfloor_report": MetadataValue.json(
                    [d.isoformat() for d in sorted(held.intersection(days)) if d not in wanted]
                ),
                "dates_without_production": MetadataValue.json(
                    [d.isoformat() for d in without_data]
                ),
                "mailed_dates": MetadataValue.json(mailed),
                "mail_errors": MetadataValue.json(failures),
            }
        )
