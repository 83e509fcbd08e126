"""The peer: kpi_machine_daily the way a plant engineer would write it, with pandas, straight
from the landing files. Not part of the product; the benchmark `bench.bench_peer` times it
against the pipeline and compares the two results.

What it does (data contract §2, §3, §5, §9; DESIGN §5), in plain pandas:
- reads every `landing/<delivery date>/` folder, so late files in later folders are included;
  skips byte-identical copies of a file (`x__resent.csv`, `x (1).csv`, `x_copy.csv`);
- drops partial writes (a line that is a strict prefix of the next line of the same file);
- production_batches and qc_checks: de-duplicates by batch_id / check_id (first delivered copy
  wins), maps name variants to canonical ids with the plant's spellings (the home's plant file,
  plants/spellings.py: reference data), reads both energy column names
  (schema drift), parses UTC, offset and offset-less (plant-local) timestamps;
- asset_registry: the ideal cycle time valid on a production date is the one in that date's export;
- machine_logs: one state per state line, lasting until the machine's next state line or the end
  of the production date (06:00 plant time next day); a line delivered twice counts once; of two
  lines at one instant the later one in the file lasts; a `Fault`/`Minor stop` repeated right
  after the break continues the same failure / small stop;
- plant file: time zone and day start; shift time = length of the production date in plant
  time (23/24/25 h; the peer assumes every shift runs every day, as the default plant does),
  planned stop time = the machine's logged PLANNED_STOP seconds.
It never reads ground_truth/.

    uv run python -m bench.peers.kpi_machine_daily_pandas --home DIR [--out kpi.csv]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

TZ = "UTC"  # the plant's time zone, set by compute() from the home's plant file
SPELLINGS: dict[str, dict[str, str]] = {}  # alias key → id, per kind, set by compute()


# ----------------------------------------------------------------------------- reading files


def landing_files(home: Path, source: str) -> list[Path]:
    """Every file of a source in every delivery folder, oldest folder first, byte-identical
    copies skipped."""
    seen, out = set(), []
    for path in sorted((home / "landing").glob(f"*/{source}/*")):
        digest = hashlib.sha256(path.read_bytes()).digest()
        if digest not in seen:
            seen.add(digest)
            out.append(path)
    return out


def clean_lines(path: Path) -> list[str]:
    """The file's lines without partial writes (a line the next line starts with)."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        line
        for i, line in enumerate(lines)
        if not (i + 1 < len(lines) and lines[i + 1] != line and lines[i + 1].startswith(line))
    ]


def read_csv_source(home: Path, source: str) -> pd.DataFrame:
    frames = []
    for order, path in enumerate(landing_files(home, source)):
        text = "\n".join(clean_lines(path))
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="skip")
        df["_file_order"] = order
        df["_row"] = np.arange(len(df))
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# ----------------------------------------------------------------------------- names and times


def alias_key(s: pd.Series) -> pd.Series:
    return s.fillna("").str.replace(r"[^A-Za-z0-9]", "", regex=True).str.upper()


def aliases(kind: str) -> dict[str, str]:
    """Alias key → canonical id for "machine" or "product" spellings of the plant."""
    return SPELLINGS[kind]


def load_plant_reference(home: Path) -> int:
    """Read the home's plant file: time zone and spellings into the module, day start returned."""
    global TZ
    from plants.home import home_plant
    from plants.spellings import all_machine_spellings, all_product_spellings

    plant = home_plant(home)
    TZ = plant.timezone
    for kind, pairs in (
        ("machine", all_machine_spellings(plant)),
        ("product", all_product_spellings(plant)),
    ):
        keys = alias_key(pd.Series([s for s, _ in pairs]))
        SPELLINGS[kind] = dict(zip(keys, [i for _, i in pairs], strict=True))
    return int(plant.day_start[:2])


def to_utc(s: pd.Series) -> pd.Series:
    """UTC instants from `...Z`, `...+02:00` or offset-less plant-local text."""
    s = s.str.strip()
    has_offset = s.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    with_offset = pd.to_datetime(s[has_offset], utc=True, format="ISO8601", errors="coerce")
    local = pd.to_datetime(s[~has_offset], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    local = local.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    return pd.concat([with_offset, local]).reindex(s.index)


def production_date(utc: pd.Series, day_start_h: int) -> pd.Series:
    """Plant-local date on which the shift started (the day starts at 06:00 local)."""
    local = utc.dt.tz_convert(TZ).dt.tz_localize(None)
    return (local - pd.Timedelta(hours=day_start_h)).dt.normalize()


def local_instant(days: pd.Series, hour: int) -> pd.Series:
    """`days` (naive dates) at `hour`:00 plant time, as UTC instants."""
    return (days + pd.Timedelta(hours=hour)).dt.tz_localize(TZ).dt.tz_convert("UTC")


# ----------------------------------------------------------------------------- sources


def batches(home: Path, day_start_h: int) -> pd.DataFrame:
    machines, products = (
        aliases("machine"),
        aliases("product"),
    )
    b = read_csv_source(home, "production_batches")
    b["batch_id"] = b["batch_id"].str.strip()
    b = b.sort_values(["_file_order", "_row"]).drop_duplicates("batch_id", keep="first")
    b["machine_id"] = alias_key(b["machine_id"]).map(machines)
    b["product_id"] = alias_key(b["product"]).map(products)
    b["started_at"] = to_utc(b["start_time"])
    b["production_date"] = production_date(b["started_at"], day_start_h)
    b["produced_qty"] = pd.to_numeric(b["units_produced"], errors="coerce")
    energy = b["energy_kwh"].fillna("") if "energy_kwh" in b else pd.Series("", index=b.index)
    if "energy_consumed_kwh" in b:  # schema drift: the column was renamed
        energy = energy.where(energy.str.strip() != "", b["energy_consumed_kwh"].fillna(""))
    b["energy_kwh"] = pd.to_numeric(energy, errors="coerce")

    qc = read_csv_source(home, "qc_checks")
    qc["check_id"] = qc["check_id"].str.strip()
    qc = qc.sort_values(["_file_order", "_row"]).drop_duplicates("check_id", keep="first")
    qc["batch_id"] = qc["batch_id"].str.strip()
    qc["disposition"] = qc["disposition"].str.strip().str.upper()
    qc["defects"] = pd.to_numeric(qc["defects_found"], errors="coerce").fillna(0)
    qc["scrap_qty"] = qc["defects"].where(qc["disposition"] == "SCRAP", 0)
    qc["rework_qty"] = qc["defects"].where(qc["disposition"] == "REWORK", 0)
    per_batch = qc.groupby("batch_id")[["scrap_qty", "rework_qty"]].sum()
    b = b.join(per_batch, on="batch_id")
    b[["scrap_qty", "rework_qty"]] = b[["scrap_qty", "rework_qty"]].fillna(0)
    b["good_qty"] = b["produced_qty"] - b["scrap_qty"] - b["rework_qty"]
    return b


def ideal_cycle_times(home: Path) -> pd.DataFrame:
    """(production_date, machine_id, product_id) -> ideal cycle s, from that date's export."""
    ar = read_csv_source(home, "asset_registry")
    ar["machine_id"] = ar["machine_id"].str.strip()
    ar["production_date"] = pd.to_datetime(ar["export_date"].str.strip(), errors="coerce")
    ar = ar.sort_values(["_file_order", "_row"]).drop_duplicates(
        ["production_date", "machine_id"], keep="first"
    )
    pairs = ar.assign(pair=ar["ideal_cycle_times"].str.split(";")).explode("pair")
    pairs = pairs[pairs["pair"].str.strip() != ""]
    split = pairs["pair"].str.split("=", n=1, expand=True)
    pairs["product_id"] = split[0].str.strip()
    pairs["ideal_cycle_s"] = pd.to_numeric(split[1].str.strip(), errors="coerce")
    return pairs[["production_date", "machine_id", "product_id", "ideal_cycle_s"]]


LINE_RE = r"^(\S+) \[([A-Z]+)\] (.*)$"
STATE_RULES = [  # (level or None, message regex, state, kind, counts); the first match wins
    ("INFO", r"^\S+: Shift (?:EARLY|LATE|NIGHT) started, state ([A-Z_]+)$", None, "SHIFT", None),
    ("INFO", r"^\S+: Production running, product \S+$", "RUNNING", "RUNNING", None),
    ("INFO", r"^Cycle started at \S+$", "RUNNING", "CYCLE_STARTED", None),
    ("INFO", r"^Cycle complete at \S+$", "IDLE", "CYCLE_COMPLETE", None),
    ("INFO", r"^\S+: Idle - (.+)$", "IDLE", "IDLE", None),
    ("WARN", r"^\S+: Minor stop \((.+)\)$", "IDLE", "MINOR_STOP", "small_stop"),
    ("INFO", r"^\S+: Changeover started, next product (\S+)$", "SETUP", "CHANGEOVER", None),
    ("ERROR", r"^\S+: Fault (E[0-9]+ .+)$", "DOWN", "FAULT", "failure"),
    ("INFO", r"^\S+: Planned stop \((.+)\)$", "PLANNED_STOP", "PLANNED_STOP", None),
]


def state_events(home: Path) -> pd.DataFrame:
    """One row per state line: machine, instant, state, kind, detail, what it counts."""
    machines = aliases("machine")
    frames = []
    for order, path in enumerate(landing_files(home, "machine_logs")):
        lines = clean_lines(path)
        frames.append(
            pd.DataFrame({"line": lines, "station": path.name.split("__")[0],
                          "_file_order": order, "_row": np.arange(len(lines))})
        )  # fmt: skip
    logs = pd.concat(frames, ignore_index=True)
    parts = logs["line"].str.extract(LINE_RE)
    logs["level"], logs["message"] = parts[1], parts[2]
    logs["logged_at"] = pd.to_datetime(parts[0], utc=True, format="ISO8601", errors="coerce")
    logs["state"] = logs["kind"] = logs["detail"] = logs["counts"] = None
    unmatched = pd.Series(True, index=logs.index)
    for level, pattern, state, kind, counts in STATE_RULES:
        hit = unmatched & (logs["level"] == level)
        hit &= logs["message"].str.match(pattern, na=False)
        if not hit.any():
            continue
        logs.loc[hit, "kind"], logs.loc[hit, "counts"] = kind, counts
        captured = None
        if re.compile(pattern).groups:
            captured = logs.loc[hit, "message"].str.extract(pattern)[0]
        if state is None:  # the shift line names the state it starts in
            logs.loc[hit, "state"] = captured
        else:
            logs.loc[hit, "state"] = state
            if captured is not None:
                logs.loc[hit, "detail"] = captured
        unmatched &= ~hit
    ev = logs[logs["state"].notna()].copy()
    ev["machine_id"] = alias_key(ev["station"]).map(machines)
    ev = ev[ev["machine_id"].notna() & ev["logged_at"].notna()]
    # the same line delivered twice (a late copy of a file) counts once; two different lines at
    # one instant both stay, in file order, so the later one is the state that lasts
    ev = ev.sort_values(["_file_order", "_row"]).drop_duplicates(
        ["machine_id", "logged_at", "line"], keep="first"
    )
    return ev.sort_values(["machine_id", "logged_at"], kind="stable").reset_index(drop=True)


def state_times(home: Path, day_start_h: int) -> pd.DataFrame:
    """Per machine and production date: seconds in each state, failures and small stops."""
    ev = state_events(home)
    by_machine = ev.groupby("machine_id", sort=False)
    ev["next_at"] = by_machine["logged_at"].shift(-1)
    prev_state = by_machine["state"].shift(1)
    prev2_kind, prev2_detail = by_machine["kind"].shift(2), by_machine["detail"].shift(2)
    ev["production_date"] = production_date(ev["logged_at"], day_start_h)
    day_end = local_instant(ev["production_date"] + pd.Timedelta(days=1), day_start_h)
    end = ev["next_at"].where(ev["next_at"].notna() & (ev["next_at"] < day_end), day_end)
    ev["seconds"] = (end - ev["logged_at"]).dt.total_seconds().clip(lower=0)
    continues = (
        (prev_state == "PLANNED_STOP")
        & (prev2_kind == ev["kind"])
        & (prev2_detail.fillna("") == ev["detail"].fillna(""))
    )
    ev["failure"] = (ev["counts"] == "failure") & ~continues
    ev["small_stop"] = (ev["counts"] == "small_stop") & ~continues
    times = ev.pivot_table(
        index=["production_date", "machine_id"], columns="state", values="seconds",
        aggfunc="sum", fill_value=0,
    )  # fmt: skip
    states = ["RUNNING", "IDLE", "SETUP", "DOWN", "PLANNED_STOP"]
    times = times.reindex(columns=states, fill_value=0)
    times.columns = ["running_s", "idle_s", "setup_s", "down_s", "planned_stop_s"]
    counts = ev.groupby(["production_date", "machine_id"])[["failure", "small_stop"]].sum()
    counts.columns = ["failure_count", "small_stop_count"]
    return times.join(counts, how="outer").fillna(0)


# ----------------------------------------------------------------------------- the mart


def compute(home: Path) -> pd.DataFrame:
    day_start_h = load_plant_reference(home)

    b = batches(home, day_start_h)
    b = b.merge(ideal_cycle_times(home), on=["production_date", "machine_id", "product_id"],
                how="left")  # fmt: skip
    b["ideal_production_time_s"] = b["produced_qty"] * b["ideal_cycle_s"]
    b["fully_productive_time_s"] = b["good_qty"] * b["ideal_cycle_s"]
    quantities = b.groupby(["production_date", "machine_id"]).agg(
        produced_qty=("produced_qty", "sum"), good_qty=("good_qty", "sum"),
        scrap_qty=("scrap_qty", "sum"), rework_qty=("rework_qty", "sum"),
        ideal_production_time_s=("ideal_production_time_s", "sum"),
        fully_productive_time_s=("fully_productive_time_s", "sum"),
        energy_kwh=("energy_kwh", "sum"), batch_count=("batch_id", "count"),
    )  # fmt: skip

    # every machine of the asset registry on every date from the first to the last one seen
    registry = read_csv_source(home, "asset_registry")
    seen = pd.concat([pd.to_datetime(registry["export_date"].str.strip()), b["production_date"]])
    dates = pd.date_range(seen.min(), seen.max(), freq="D")
    grid = pd.MultiIndex.from_product(
        [dates, sorted(registry["machine_id"].str.strip().unique())],
        names=["production_date", "machine_id"],
    )
    kpi = pd.DataFrame(index=grid).join(quantities).join(state_times(home, day_start_h))
    kpi = kpi.fillna(0).reset_index()

    day = kpi["production_date"]
    kpi["shift_time_s"] = (
        (local_instant(day + pd.Timedelta(days=1), day_start_h) - local_instant(day, day_start_h))
        .dt.total_seconds()
        .astype("int64")
    )
    kpi["planned_stop_time_s"] = kpi["planned_stop_s"].astype("int64")
    kpi["planned_busy_time_s"] = kpi["shift_time_s"] - kpi["planned_stop_time_s"]

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        return (num / den.where(den != 0)).round(6)

    pbt, running = kpi["planned_busy_time_s"], kpi["running_s"]
    availability = running / pbt.where(pbt != 0)
    performance = kpi["ideal_production_time_s"] / running.where(running != 0)
    # quality weighted by ideal cycle: fully productive / ideal production time (ISO 22400)
    ideal = kpi["ideal_production_time_s"]
    quality = kpi["fully_productive_time_s"] / ideal.where(ideal != 0)
    out = pd.DataFrame({
        "production_date": day.dt.date,
        "machine_id": kpi["machine_id"],
        "shift_time_s": kpi["shift_time_s"],
        "planned_stop_time_s": kpi["planned_stop_time_s"],
        "planned_busy_time_s": kpi["planned_busy_time_s"],
        "actual_production_time_s": running.astype("int64"),
        "idle_time_s": kpi["idle_s"].astype("int64"),
        "setup_time_s": kpi["setup_s"].astype("int64"),
        "down_time_s": kpi["down_s"].astype("int64"),
        "produced_qty": kpi["produced_qty"].astype("int64"),
        "good_qty": kpi["good_qty"].astype("int64"),
        "scrap_qty": kpi["scrap_qty"].astype("int64"),
        "rework_qty": kpi["rework_qty"].astype("int64"),
        "ideal_production_time_s": kpi["ideal_production_time_s"].round(3),
        "fully_productive_time_s": kpi["fully_productive_time_s"].round(3),
        "availability": availability.round(6),
        "performance": performance.round(6),
        "quality": quality.round(6),
        "oee": (availability * performance * quality).round(6),
        "scrap_ratio": ratio(kpi["scrap_qty"], kpi["produced_qty"]),
        "failure_count": kpi["failure_count"].astype("int64"),
        "small_stop_count": kpi["small_stop_count"].astype("int64"),
        "energy_kwh": kpi["energy_kwh"].round(3),
        "batch_count": kpi["batch_count"].astype("int64"),
    })  # fmt: skip
    return out.sort_values(["production_date", "machine_id"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--out", type=Path, default=Path("kpi_machine_daily_pandas.csv"))
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    df = compute(args.home)
    df.to_csv(args.out, index=False)
    print(f"{len(df):,} machine-days in {time.perf_counter() - t0:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
