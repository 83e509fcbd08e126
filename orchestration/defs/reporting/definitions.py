"""Reporting: the daily report (PDF and xlsx) after each publish."""

from dagster import Definitions

from orchestration.defs.reporting.assets import daily_report

defs = Definitions(assets=[daily_report])
