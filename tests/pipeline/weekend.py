"""Weekend overtime written by hand: what the `prairie_week` fixture delivers on a day off."""

from __future__ import annotations

SATURDAY = "2026-11-21"  # prairie works Monday to Friday: its shift model leaves this day off
SATURDAY_LOG = f"""\
{SATURDAY}T08:00:00-06:00 [INFO] PR1: Shift DAY started, state RUNNING
{SATURDAY}T08:00:00-06:00 [INFO] PR1: Production running, product TINE
{SATURDAY}T10:00:00-06:00 [INFO] PR1: Idle - no orders
"""
SATURDAY_BATCH_ID = "B261121-PR1-0001"
SATURDAY_BATCH = (
    "batch_id,machine_id,product,operator_id,start_time,end_time,units_produced,"
    "units_defective,energy_kwh\n"
    f"{SATURDAY_BATCH_ID},Press 1,TINE,OP-001,{SATURDAY}T08:00:00-06:00,"
    f"{SATURDAY}T10:00:00-06:00,300,0,100.0\n"
)
