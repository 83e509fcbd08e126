"""Landing: what starts a run — the sensor on new or changed delivery folders and the daily
schedule."""

from dagster import Definitions

from orchestration.defs.landing.schedules import daily_schedule
from orchestration.defs.landing.sensors import landing_sensor

defs = Definitions(schedules=[daily_schedule], sensors=[landing_sensor])
