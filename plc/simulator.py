"""`shopfloor plc-sim`: an OPC-UA server playing the generator's simulation (asyncua).

One endpoint serves every controller of the plant under the contract's node ids (ns=2;s=<MACHINE>.
<NODE>, plc/nodes.py). Its clock is simulated: it stands at the period's start at `anchor` (a
wall-clock instant) and runs `speed` times real time, so a restarted server carries on where the
first left off (same counters) when given the same anchor. What it serves:

- the server's CurrentTime node (i=2258) holds the simulated time (asyncua's own real-time clock
  writer is disabled), so a client paces itself by the server's clock, as it would by a PLC's;
- every node holds the read of the last grid instant at or before that time, as the generator
  renders it (plc/schedule.py): value, status code (Good, UncertainLastUsableValue,
  BadCommunicationError), source timestamp, and the instant as the server timestamp;
- HistoryRead (raw) of a node returns its reads up to the simulated time, served straight from
  the schedule through asyncua's history-storage interface: a client that fell behind or was
  disconnected fetches what it missed instead of losing it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asyncua import Server, ua
from asyncua.server.history import HistoryStorageInterface

from plc import nodes
from plc.schedule import Read, Schedule

PATH = "/shopfloor/"
TICK_S = (0.01, 1.0)  # wall seconds between updates of the served values: at least, at most

log = logging.getLogger(__name__)


def endpoint_url(port: int, host: str = "127.0.0.1") -> str:
    """The simulator's endpoint."""
    return f"opc.tcp://{host}:{port}{PATH}"


def utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass(frozen=True)
class SimClock:
    """Simulated time: the period's start at the wall instant `anchor`, `speed` × real time."""

    start: int
    anchor: float
    speed: float

    def now(self) -> float:
        return self.start + (time.time() - self.anchor) * self.speed


def _given(stamp: datetime | None) -> bool:
    """Whether a HistoryRead bound was given (OPC-UA sends the 1601 epoch for none)."""
    return stamp is not None and stamp.year > 1601


def data_value(read: Read, instant: int) -> ua.DataValue:
    """One read as an OPC-UA DataValue: a Bad read has no value."""
    variant = (
        ua.Variant()
        if read.value is None
        else ua.Variant(read.value, ua.VariantType[read.data_type])
    )
    return ua.DataValue(
        Value=variant,
        StatusCode=ua.StatusCode(getattr(ua.StatusCodes, read.status)),
        SourceTimestamp=utc(read.source_time),
        ServerTimestamp=utc(instant),
    )


class ScheduleHistory(HistoryStorageInterface):
    """HistoryRead served from the schedule, never past the simulated clock (nothing is stored:
    the simulation already holds every read)."""

    def __init__(self, schedule: Schedule, clock: SimClock) -> None:
        super().__init__()
        self.schedule, self.clock = schedule, clock

    async def init(self) -> None:
        return None

    async def new_historized_node(self, node_id: ua.NodeId, period: Any, count: int = 0) -> None:
        return None

    async def save_node_value(self, node_id: ua.NodeId, datavalue: ua.DataValue) -> None:
        return None

    async def read_node_history(
        self, node_id: ua.NodeId, start: datetime | None, end: datetime | None, nb_values: int
    ) -> tuple[list[ua.DataValue], datetime | None]:
        series = self.schedule.nodes.get(node_id.to_string())
        if series is None:
            return [], None
        t0 = start.timestamp() if _given(start) else self.schedule.start
        t1 = min(end.timestamp() if _given(end) else self.clock.now(), self.clock.now())
        reads = series.between(t0, t1)
        if nb_values:
            reads = reads[:nb_values]
        return [data_value(read, t) for t, read in reads], None

    async def stop(self) -> None:
        return None


async def serve(
    schedule: Schedule, clock: SimClock, port: int, ready: asyncio.Event | None = None
) -> None:
    """Serve until cancelled."""
    server = Server()
    await server.init()
    server.disable_clock(True)  # CurrentTime is the simulated clock, written below
    server.set_endpoint(endpoint_url(port))
    server.set_server_name("Shopfloor PLC simulator")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    idx = await server.register_namespace("urn:shopfloor:plc-simulator")
    assert idx == nodes.NAMESPACE, f"namespace {idx}, the contract's node ids say {nodes.NAMESPACE}"
    server.iserver.history_manager.set_storage(ScheduleHistory(schedule, clock))
    variables = {}
    for node_id, series in schedule.nodes.items():
        text = ua.NodeId.from_string(node_id)
        machine, name = str(text.Identifier).split(".", 1)
        variables[node_id] = await server.nodes.objects.add_variable(
            text, f"{machine}.{name}", ua.Variant(0, ua.VariantType[series.reads[0].data_type])
        )
        await variables[node_id].write_attribute(
            ua.AttributeIds.AccessLevel,
            ua.DataValue(
                ua.Variant(
                    ua.AccessLevel.CurrentRead.mask | ua.AccessLevel.HistoryRead.mask,
                    ua.VariantType.Byte,
                )
            ),
        )
    current_time = ua.NodeId(ua.ObjectIds.Server_ServerStatus_CurrentTime)
    served: dict[str, int] = {}
    # four updates per grid step in wall time, within TICK_S: a real-time server idles, a fast
    # one keeps up
    step = int(schedule.plant.sampling["snapshot_interval_s"])
    tick = min(max(step / 4 / clock.speed, TICK_S[0]), TICK_S[1])
    async with server:
        if ready is not None:
            ready.set()
        while True:
            now = clock.now()
            for node_id, series in schedule.nodes.items():
                latest = series.latest(now)
                if latest is not None and served.get(node_id) != latest[0]:
                    served[node_id] = latest[0]
                    await server.write_attribute_value(
                        variables[node_id].nodeid, data_value(latest[1], latest[0])
                    )
            stamp = utc(now)
            await server.write_attribute_value(
                current_time,
                ua.DataValue(ua.Variant(stamp, ua.VariantType.DateTime), ServerTimestamp=stamp),
            )
            await asyncio.sleep(tick)
