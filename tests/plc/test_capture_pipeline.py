"""The capture end to end: `shopfloor plc-sim` plays a generated day at high speed, `shopfloor
capture` lands it through a server restart, and the pipeline takes the captured file to gold.

Why one test: a pipeline run costs a minute; one home answers every question of issue 20's
"done when" (captured = generated except the endpoint, counters continue across the restart,
bronze accounts for every line, gold's counter and state quantities match truth, the gate passes).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from generators.run import generate
from plants.home import Home, home_plant
from plc.config import simulator_config
from plc.simulator import endpoint_url
from plc.snapshot import SOURCE, file_name
from tests.homes import query, read_truths, run_as_cron

DAY = date(2026, 10, 22)
SEED = 5
RATES = {"counter_resets": 0.5, "opcua_bad_values": 0.02}
SPEED = 3600  # a production date in 24 wall seconds: a busy machine still stops it mid-day
SHOPFLOOR = str(Path(sys.executable).parent / "shopfloor")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(home: Path, port: int, anchor: float) -> subprocess.Popen:
    rates = [a for name, rate in RATES.items() for a in ("--chaos-rate", f"{name}={rate}")]
    stamp = datetime.fromtimestamp(anchor, UTC).isoformat()
    return subprocess.Popen(
        [SHOPFLOOR, "--home", str(home), "plc-sim", "--port", str(port), "--speed", str(SPEED),
         "--anchor", stamp, "--start", DAY.isoformat(), "--days", "1", "--seed", str(SEED),
         "--chaos", "none", *rates],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def write_capture_config(home: Path, port: int) -> None:
    config = simulator_config(endpoint_url(port), home_plant(home))
    config |= {"poll_s": 0.05, "backoff": {"first_s": 0.1, "max_s": 0.5}}
    Home(home).capture_config.write_text(yaml.safe_dump(config), encoding="utf-8")


def spooled_lines(home: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in Home(home).capture_dir.rglob("*.jsonl"))


@pytest.mark.slow  # a pipeline run in the test: scheduled among the costliest
def test_a_captured_day_through_a_server_restart_is_the_generated_one_and_passes_the_gate(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    generate(home, DAY, 1, seed=SEED, chaos_level="none", overrides=RATES)
    landed = Home(home).delivery(DAY) / SOURCE / file_name(DAY)
    generated = [json.loads(line) for line in landed.read_bytes().splitlines()]
    landed.unlink()  # the capture delivers this source now
    port = free_port()
    write_capture_config(home, port)
    anchor = time.time() + 6  # the simulated day starts once the server is surely up
    server = start_simulator(home, port, anchor)
    capture = subprocess.Popen(
        [SHOPFLOOR, "--home", str(home), "capture", "--from", DAY.isoformat(), "--once"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while spooled_lines(home) == 0 or time.time() < anchor + 8:  # 14:00, the LATE shift
            assert capture.poll() is None, capture.communicate()
            time.sleep(0.1)
        server.terminate()  # the PLC goes away mid-day ...
        server.wait(timeout=30)
        time.sleep(1)  # ... for a while the capture retries against a closed port
        server = start_simulator(home, port, anchor)  # ... and comes back on the same clock
        _, err = capture.communicate(timeout=300)
    finally:
        server.terminate()
        capture.kill()
    assert capture.returncode == 0, err
    assert "retrying in" in err  # the outage was seen, not slept through

    captured = [json.loads(line) for line in landed.read_bytes().splitlines()]
    assert {line["endpoint"] for line in captured} == {endpoint_url(port)}
    # the same lines as the generator's, counters continuing across the restart, stale and bad
    # reads included: only the endpoint differs (the capture names the server it read)
    assert [{**c, "endpoint": None} for c in captured] == [
        {**g, "endpoint": None} for g in generated
    ]
    metrics = json.loads((Home(home).capture_dir / "metrics.json").read_text())
    assert metrics["gaps"] == 0 and metrics["reconnects"] >= 1
    assert metrics["published"] == [DAY.isoformat()]
    assert not list(Home(home).capture_dir.rglob("*.jsonl"))  # nothing left behind in the spool

    run = run_as_cron(home)
    assert run.returncode == 0, run.stdout + run.stderr
    [(read, loaded, rejected, written)] = query(
        home,
        "select rows_read, rows_loaded, rows_rejected, records_written from bronze._files "
        "where source = ? and outcome = 'loaded'",
        [SOURCE],
    )
    reads = sum(len(line["nodes"]) for line in captured)
    assert (read, loaded, rejected, written) == (len(captured), len(captured), 0, reads)

    truth = read_truths(home)[DAY.isoformat()]
    detected = dict(
        query(
            home,
            "select chaos_type, sum(items_found)::int from gold.data_quality_daily "
            "where production_date = ? and chaos_type in ('counter_resets', 'opcua_bad_values') "
            "group by chaos_type",
            [DAY],
        )
    )
    assert detected == {k: truth["chaos_summary"][k] for k in RATES}
    # units by the PLC counter, per machine-shift without a counter reset (a reset loses the
    # units of its minute) and before the NIGHT shift (the last loaded date lacks its closing read)
    counted = {
        (machine, shift): units
        for machine, shift, units in query(
            home,
            "select machine_id, shift_code, produced_qty_counter::int "
            "from silver.int_counter_produced_shift "
            "where production_date = ? and resets = 0 and shift_code <> 'NIGHT'",
            [DAY],
        )
    }
    produced = {
        (s["machine_id"], s["shift_code"]): s["produced_qty"] for s in truth["machine_shift"]
    }
    assert counted and counted == {key: produced[key] for key in counted}
    # every Good State read agrees with the state the machine logs have at that instant
    agreement = query(
        home,
        "select machine_id, agreeing_samples = snapshot_samples "
        "from silver.int_machine_state_snapshot_agreement where production_date = ?",
        [DAY],
    )
    assert sorted(agreement) == sorted((m.id, True) for m in home_plant(home).machines)
