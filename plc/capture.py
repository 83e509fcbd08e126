"""`shopfloor capture`: read the configured controllers on the contract's 60-s grid and land
controller_snapshots files (data contract §5.9), as a long-lived service outside Dagster.

Polling, not a subscription: the contract wants one read of every node at each grid instant, and
a Bad read where there was none. A read at the instant says exactly that; a subscription reports
changes only (an unchanged value sends nothing, so a lost notification cannot be told from no
change). The grid runs on the server's clock, its CurrentTime node (i=2258): a PLC's own clock,
or the simulated time of `shopfloor plc-sim`, however fast it runs. Every `poll_s` wall seconds
the capture reads that clock; each grid instant it has passed is read:

- live (one Read of the clock and every node) when it is the instant the server holds now (a
  value's server timestamp in [t, t + 60 s));
- else from the server's history (HistoryRead raw; the last value stamped at or before t): the
  capture fell behind a fast server or was disconnected; a server without history, or an
  instant history lacks, gives a Bad read (BadCommunicationError, value null) counted as a gap
  in the log and in the metrics.

Only instants inside the plant's scheduled shifts are read, as the generator does. A Good read
is current at the instant, so its source timestamp is the instant (contract §5.9); an Uncertain
read keeps the server's source timestamp; any other status code is written by its severity as
one of the contract's three. Lost connections are retried with exponential backoff up to a cap;
lines already read are kept in the spool (plc/landing.py), so nothing read is lost and a
restarted capture continues after its last line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from asyncua import Client, ua
from asyncua.crypto import security_policies

from generators.calendar import day_bounds, shifts_for
from generators.timefmt import utc_iso
from plants.home import Home
from plants.model import PlantConfig
from plc import nodes, snapshot
from plc.config import CaptureConfig, Endpoint
from plc.landing import SnapshotSpool

log = logging.getLogger("shopfloor.capture")
CLOCK = ua.NodeId(ua.ObjectIds.Server_ServerStatus_CurrentTime)
CONNECTION_ERRORS = (OSError, asyncio.TimeoutError, ConnectionError, ua.UaError)


class CaptureUnreachable(Exception):
    """An endpoint could not be reached within the configured attempts."""


@dataclass
class Metrics:
    """What the capture did, written to <home>/capture/metrics.json."""

    lines: int = 0
    reads: dict[str, int] = field(default_factory=lambda: dict.fromkeys(nodes.STATUS_NAMES, 0))
    gaps: int = 0  # node reads the capture could not make, written Bad
    backfilled: int = 0  # instants read from the server's history instead of live
    reconnects: int = 0
    published: list[str] = field(default_factory=list)

    def write(self, home: Home) -> None:
        home.capture_dir.mkdir(parents=True, exist_ok=True)
        temp = home.capture_dir / ".metrics.json.partial"
        temp.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")
        os.replace(temp, home.capture_dir / "metrics.json")


class Grid:
    """The plant's snapshot grid: day start + k · interval, inside scheduled shifts."""

    def __init__(self, plant: PlantConfig) -> None:
        self.plant = plant
        self.step = int(plant.sampling["snapshot_interval_s"])
        self.tz = ZoneInfo(plant.timezone)

    def production_date(self, t: float) -> date:
        day = datetime.fromtimestamp(t, self.tz).date()
        return day - timedelta(days=1) if t < day_bounds(self.plant, day)[0] else day

    def instants(self, after: float, until: float) -> list[int]:
        """Grid instants t with after < t <= until in a scheduled shift, in order."""
        out: list[int] = []
        day = self.production_date(after)
        while day_bounds(self.plant, day)[0] <= until:
            start, end = day_bounds(self.plant, day)
            windows = [(w.start, w.end) for w in shifts_for(self.plant, day)]
            first = max(start, start + ((int(after) - start) // self.step + 1) * self.step)
            for t in range(first, min(end, int(until) + 1), self.step):
                if any(a <= t < b for a, b in windows):
                    out.append(t)
            day += timedelta(days=1)
        return out


def _epoch(stamp: datetime | None) -> float | None:
    if stamp is None:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def node_read(node_id: str, dv: ua.DataValue | None, t: int, data_type: str) -> dict[str, Any]:
    """One read in the contract's form; None (no read) is a Bad read."""
    status = dv.StatusCode if dv is not None and dv.StatusCode is not None else None
    if dv is None or status is None or status.is_bad():
        return snapshot.node_read(node_id, None, data_type, utc_iso(t), nodes.BAD)
    value = dv.Value.Value if dv.Value is not None else None
    if value is not None and dv.Value.VariantType.name != data_type:
        data_type = dv.Value.VariantType.name
    if status.is_good():
        return snapshot.node_read(node_id, value, data_type, utc_iso(t), nodes.GOOD)
    source = _epoch(dv.SourceTimestamp)
    stamp = utc_iso(int(source)) if source is not None else utc_iso(t)
    return snapshot.node_read(node_id, value, data_type, stamp, nodes.STALE)


async def connect(endpoint: Endpoint) -> Client:
    """A connected client, with the endpoint's security and user."""
    client = Client(endpoint.url, timeout=endpoint.timeout_s)
    sec = endpoint.security
    if sec.application_uri:
        client.application_uri = sec.application_uri
    if sec.policy != "None":
        password = os.environ.get(sec.private_key_password_env or "") or None
        await client.set_security(
            getattr(security_policies, f"SecurityPolicy{sec.policy}"),
            sec.certificate,
            sec.private_key,
            password,
            sec.server_certificate,
            getattr(ua.MessageSecurityMode, sec.mode),
        )
    if endpoint.username:
        client.set_user(endpoint.username)
        client.set_password(os.environ.get(endpoint.password_env or "", ""))
    await client.connect()
    return client


class EndpointCapture:
    """Reads one endpoint's machines on the grid into the spool."""

    def __init__(
        self, endpoint: Endpoint, grid: Grid, spool: SnapshotSpool, metrics: Metrics
    ) -> None:
        self.endpoint, self.grid, self.spool, self.metrics = endpoint, grid, spool, metrics
        # the last instant spooled per machine: a restarted capture goes on after it, and never
        # writes an instant twice (one machine can be ahead if the last run died mid-instant)
        self.written = {m: spool.last_instant(m) for m in endpoint.machines}
        known = [t for t in self.written.values() if t is not None]
        self.after: float | None = min(known) if len(known) == len(self.written) else None
        self.types: dict[str, str] = {}

    async def _types(self, client: Client) -> None:
        for machine_id, addresses in self.endpoint.machines.items():
            for node_id, address in addresses.items():
                name = node_id.rsplit(".", 1)[1]
                try:
                    vt = await client.get_node(address).read_data_type_as_variant_type()
                    self.types[node_id] = vt.name
                except ua.UaStatusCodeError:
                    log.warning("%s: cannot read the data type of %s", machine_id, address)
                    self.types.setdefault(node_id, nodes.data_type(name, False))

    async def _history(self, client: Client, address: str, t0: int, t1: int) -> list:
        try:
            return await client.get_node(address).read_raw_history(
                datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC)
            )
        except ua.UaStatusCodeError as exc:
            log.warning("%s: no history of %s (%s)", self.endpoint.url, address, exc)
            return []

    @staticmethod
    def _at(history: list, t: int) -> ua.DataValue | None:
        """The last history value stamped at or before t (server stamp, else source stamp)."""
        best = None
        for dv in history:
            stamp = _epoch(dv.ServerTimestamp) or _epoch(dv.SourceTimestamp)
            if stamp is not None and stamp <= t:
                best = dv
        return best

    async def sample(self, client: Client, due: list[int]) -> None:
        """Read the due instants and spool one line per machine and instant."""
        pairs = [
            (n, a) for addresses in self.endpoint.machines.values() for n, a in addresses.items()
        ]
        step = self.grid.step
        live: dict[str, ua.DataValue] = {}
        latest = due[-1]
        values = await client.read_attributes(
            [client.get_node(CLOCK)] + [client.get_node(a) for _, a in pairs]
        )
        clock = _epoch(values[0].Value.Value) or 0.0
        if clock < latest + step:
            for (node_id, _), dv in zip(pairs, values[1:], strict=True):
                stamp = _epoch(dv.ServerTimestamp)
                if stamp is None or latest <= stamp < latest + step:
                    live[node_id] = dv
        past = due if len(live) < len(pairs) else due[:-1]
        histories: dict[str, list] = {}
        if past:
            for node_id, address in pairs:
                histories[node_id] = await self._history(client, address, past[0] - step, past[-1])
        for t in due:
            from_history = False
            for machine_id, addresses in self.endpoint.machines.items():
                if t <= (self.written[machine_id] or 0):
                    continue
                reads = []
                for node_id in addresses:
                    if t == latest and node_id in live:
                        dv = live[node_id]
                    else:
                        dv = self._at(histories.get(node_id, []), t)
                        from_history = True
                        if dv is None:
                            self.metrics.gaps += 1
                            log.warning(
                                "%s: gap: %s at %s not read", self.endpoint.url, node_id, utc_iso(t)
                            )
                    read = node_read(node_id, dv, t, self.types.get(node_id, "UInt32"))
                    self.metrics.reads[read["status_code"]] += 1
                    reads.append(read)
                doc = snapshot.snapshot_doc(self.endpoint.url, utc_iso(t), reads)
                self.spool.append(self.grid.production_date(t), machine_id, snapshot.encode(doc))
                self.written[machine_id] = t
                self.metrics.lines += 1
            self.metrics.backfilled += from_history
        self.after = latest

    async def run(
        self, config: CaptureConfig, start_after: float | None, until: float, on_progress
    ) -> None:
        """Capture until the server's clock passes `until`; retry lost connections."""
        attempt, delay = 0, config.backoff_first_s
        if self.after is None:
            self.after = start_after
        while True:
            client = None
            try:
                client = await connect(self.endpoint)
                if attempt:
                    log.info(
                        "%s: connected again after %d failed attempts", self.endpoint.url, attempt
                    )
                attempt, delay = 0, config.backoff_first_s
                await self._types(client)
                while True:
                    clock = _epoch(await client.get_node(CLOCK).read_value()) or 0.0
                    if self.after is None:
                        self.after = clock - self.grid.step
                    due = self.grid.instants(self.after, min(clock, until))
                    if due:
                        await self.sample(client, due)
                        on_progress()
                    if clock >= until:
                        self.after = max(self.after, until)
                        return
                    await asyncio.sleep(config.poll_s)
            except CONNECTION_ERRORS as exc:
                attempt += 1
                self.metrics.reconnects += 1
                if config.attempts is not None and attempt >= config.attempts:
                    raise CaptureUnreachable(
                        f"cannot reach {self.endpoint.url} after {attempt} attempts: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                log.warning(
                    "%s: %s: %s; retrying in %.1f s (attempt %d)",
                    self.endpoint.url,
                    type(exc).__name__,
                    exc,
                    delay,
                    attempt,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, config.backoff_max_s)
            finally:
                if client is not None:
                    with contextlib.suppress(Exception):
                        await client.disconnect()


async def capture(
    home: Home,
    plant: PlantConfig,
    config: CaptureConfig,
    start: date | None,
    until: float,
) -> Metrics:
    """Capture every endpoint until `until` (epoch seconds on the servers' clocks); publish each
    production date whose every machine is read past its end."""
    grid = Grid(plant)
    spool = SnapshotSpool(home)
    metrics = Metrics()
    order = [m.id for m in plant.machines if any(m.id in e.machines for e in config.endpoints)]
    start_after = day_bounds(plant, start)[0] - 1 if start else None
    captures = [EndpointCapture(e, grid, spool, metrics) for e in config.endpoints]

    def publish_complete() -> None:
        if any(c.after is None for c in captures):
            return
        done = min(c.after for c in captures if c.after is not None)
        for folder in sorted(spool.root.glob("????-??-??")):
            day = date.fromisoformat(folder.name)
            if day_bounds(plant, day)[1] - grid.step <= done:
                path = spool.publish(day, order)
                metrics.published.append(day.isoformat())
                log.info("published %s", path)
                metrics.write(home)

    try:
        await asyncio.gather(
            *(c.run(config, start_after, until, publish_complete) for c in captures)
        )
        publish_complete()
    finally:
        metrics.write(home)
        log.info(
            "capture: %d lines, reads %s, %d gaps, %d instants from history, %d reconnects",
            metrics.lines,
            metrics.reads,
            metrics.gaps,
            metrics.backfilled,
            metrics.reconnects,
        )
    return metrics


async def server_clock(endpoint: Endpoint) -> float:
    """The server's clock now (epoch seconds)."""
    try:
        client = await connect(endpoint)
    except CONNECTION_ERRORS as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise CaptureUnreachable(f"cannot reach {endpoint.url}: {reason}") from exc
    try:
        return _epoch(await client.get_node(CLOCK).read_value()) or 0.0
    finally:
        await client.disconnect()


async def run_capture(
    home: Home,
    plant: PlantConfig,
    config: CaptureConfig,
    start: date | None,
    until: date | datetime | None,
    once: bool,
) -> Metrics:
    """`shopfloor capture`: `until` a production date (through its end) or a UTC instant; `once`
    the start date (else the date in progress on the first endpoint's clock)."""
    grid = Grid(plant)
    if once and until is None:
        if start is None:
            start_day = grid.production_date(await server_clock(config.endpoints[0]))
        else:
            start_day = start
        until = start_day
    if isinstance(until, datetime):
        stop = (until if until.tzinfo else until.replace(tzinfo=UTC)).timestamp()
    elif isinstance(until, date):
        stop = float(day_bounds(plant, until)[1] - 1)
    else:
        stop = float("inf")
    return await capture(home, plant, config, start, stop)
