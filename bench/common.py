"""Shared helpers for benchmark scripts: machine facts, medians, child processes, the data-set cache
and appending to RESULTS.md.

The data-set cache: generating 365 days takes minutes and building them takes far longer, so the
scenarios share generated and built homes under `$SHOPFLOOR_BENCH_CACHE` (default
`<system temp>/shopfloor_bench`, e.g. `/tmp/shopfloor_bench`). Entries are keyed by days, scale,
seed and a hash of the product code they depend on (git tree + uncommitted diff of the product
folders), so a code change never reuses a stale build; older entries of the same size are pruned.
Delete the folder to reclaim the space (a 365-day built home is several GB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
RESULTS_ENV = "SHOPFLOOR_BENCH_RESULTS"  # --quick runs write here instead of RESULTS.md
QUICK_RESULTS = ROOT / "bench" / "out" / "RESULTS-quick.md"  # bench/out/ is git-ignored
CACHE_ENV = "SHOPFLOOR_BENCH_CACHE"

# Every bench data set: same start (covers both DST changes at 365 days), seed, default chaos.
# The start lies far enough in the past that a year and a day end before today: a delivery date
# after today is not a partition yet, so a single-date run for it is refused (2026-01-05 + 365
# days was, on 2026-12-02).
START = date(2025, 11, 3)
SEED = 42
GENERATOR_DIRS = ("generators", "plants")  # the simulator and the plant files it draws
PRODUCT_DIRS = ("plants", "generators", "ingestion", "orchestration", "dbt_project", "ground_truth")
# what a built or history home depends on: the product and the bench code that builds it
BUILD_KEY_PATHS = (*PRODUCT_DIRS, "bench/common.py", "bench/tasks.py")


# --------------------------------------------------------------------------------------------
# Machine facts and formatting
# --------------------------------------------------------------------------------------------


def machine() -> str:
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    one, five, fifteen = os.getloadavg()
    load = f", load {one:.1f}/{five:.1f}/{fifteen:.1f}"
    return (
        f"{os.cpu_count()} cores, {mem_gib:.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}{load}"
    )


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def commit() -> str:
    try:
        dirty = _git("status", "--porcelain").strip()
        return _git("rev-parse", "--short", "HEAD").strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def fmt_mb(n_bytes: float) -> str:
    mb = n_bytes / 1e6
    return f"{mb:,.2f}" if mb < 1 else f"{mb:,.1f}"


def command_line(module: str, argv: Sequence[str]) -> str:
    return " ".join(["uv run python -m", module, *argv]).strip()


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, quick: dict
) -> argparse.Namespace:
    """Parse with a `--quick` flag: smoke-test sizes for every option left at its default, and
    results appended to bench/out/RESULTS-quick.md (git-ignored) instead of RESULTS.md."""
    sizes = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in quick.items())
    parser.add_argument(
        "--quick", action="store_true",
        help=f"smoke test: {sizes}; results go to {QUICK_RESULTS.relative_to(ROOT)}",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in quick.items():
            if getattr(args, key) == parser.get_default(key):
                setattr(args, key, value)
        os.environ.setdefault(RESULTS_ENV, str(QUICK_RESULTS))
    return args


def effective_command(module: str, args: argparse.Namespace, names: Sequence[str]) -> str:
    """The command that reproduces this run, every size option spelled out."""
    parts: list[str] = []
    for name in names:
        value = getattr(args, name)
        flag = "--" + name.replace("_", "-")
        parts += [flag, *map(str, value)] if isinstance(value, list) else [flag, str(value)]
    return command_line(module, parts)


# --------------------------------------------------------------------------------------------
# Targets and the run summary
# --------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One headline figure for the final summary of `bench.run_all`."""

    scenario: str
    figure: str
    value: str
    target: str = "–"
    met: bool | None = None  # None: no target

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "–"}[self.met]


def verdict(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "–"}[met]


# --------------------------------------------------------------------------------------------
# RESULTS.md
# --------------------------------------------------------------------------------------------


def results_path() -> Path:
    return Path(os.environ[RESULTS_ENV]) if os.environ.get(RESULTS_ENV) else RESULTS


def _md_table(table: list[list[str]]) -> list[str]:
    header, *rows = table
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def append_section(
    title: str,
    command: str,
    table: list[list[str]],
    notes: str = "",
    extra_tables: Sequence[tuple[str, list[list[str]]]] = (),
    targets: Sequence[str] = (),
) -> str:
    """Append one dated section (header, command, tables, targets, notes) to the results file
    (bench/RESULTS.md, or $SHOPFLOOR_BENCH_RESULTS) and return it."""
    lines = [
        f"## {title}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit()}",
        f"- machine: {machine()}",
        f"- command: `{command}`",
        *(f"- target: {t}" for t in targets),
        "",
        *_md_table(table),
        "",
    ]
    for caption, extra in extra_tables:
        lines += [caption, "", *_md_table(extra), ""]
    if notes:
        lines += [notes, ""]
    text = "\n".join(lines) + "\n"
    path = results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(
            "# Benchmark results\n\nEach section is appended by a script in "
            "`bench/`; figures are medians of the runs stated.\n\n"
        )
    with path.open("a", encoding="utf-8") as f:
        f.write(text)
    return text


# --------------------------------------------------------------------------------------------
# Data volume of a landing folder
# --------------------------------------------------------------------------------------------


def landing_volume(home: Path, folder: str = "*") -> dict[str, dict[str, int]]:
    """Per source: files, bytes and data lines (physical lines minus CSV headers) of the
    delivery folders matching `folder`, every file counted as delivered (duplicate copies and
    late files included)."""
    from ingestion.contracts import SOURCES, Format

    out: dict[str, dict[str, int]] = {}
    for name, spec in SOURCES.items():
        files = bytes_ = lines = 0
        for path in (home / "landing").glob(f"{folder}/{name}/*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            files, bytes_ = files + 1, bytes_ + len(data)
            n = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
            lines += max(0, n - (1 if spec.fmt is Format.CSV and n else 0))
        out[name] = {"files": files, "bytes": bytes_, "lines": lines}
    return out


def volume_table(volume: dict[str, dict[str, int]]) -> list[list[str]]:
    table = [["source", "files", "data lines", "MB"]]
    for name, v in sorted(volume.items(), key=lambda kv: -kv[1]["bytes"]):
        table.append([name, f"{v['files']:,}", f"{v['lines']:,}", fmt_mb(v["bytes"])])
    total = {k: sum(v[k] for v in volume.values()) for k in ("files", "bytes", "lines")}
    table.append(
        ["**total**", f"{total['files']:,}", f"{total['lines']:,}", fmt_mb(total["bytes"])]
    )
    return table


def volume_totals(volume: dict[str, dict[str, int]]) -> tuple[int, int]:
    return sum(v["lines"] for v in volume.values()), sum(v["bytes"] for v in volume.values())


# --------------------------------------------------------------------------------------------
# Peak memory of a process tree (dbt runs as a child process of Dagster)
# --------------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, now (Linux /proc)."""
    children, total, todo = _children_map(), 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except OSError:
            continue
    return total


class PeakTreeRss:
    """Samples the summed RSS of this process and its descendants every `interval` seconds."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.peak = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakTreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_bytes(os.getpid()))

    @property
    def peak_mib(self) -> float:
        import resource

        single = max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )  # KiB: the largest single process, in case a short-lived peak fell between samples
        return max(self.peak / 2**20, single / 1024)


# --------------------------------------------------------------------------------------------
# Child processes: every measured phase runs in a fresh process (see bench/tasks.py)
# --------------------------------------------------------------------------------------------


def run_task(task: str, **kwargs) -> dict:
    """Run `bench.tasks.<task>(**kwargs)` in a fresh Python process; return its JSON result with
    `process_s` (the child's wall time as seen from here, interpreter start included)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.tasks", task, json.dumps(kwargs, default=str)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("{"):
        raise RuntimeError(
            f"bench task {task} failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
        )
    out = json.loads(lines[-1])
    out["process_s"] = elapsed
    return out


# --------------------------------------------------------------------------------------------
# dbt invocations of a Dagster run (dagster-dbt gives each its own target folder)
# --------------------------------------------------------------------------------------------

DBT_TARGET = ROOT / "dbt_project" / "target"


def dbt_invocation(folder: Path) -> dict:
    """Timing of one dbt invocation from its dbt.log: the process wall time dbt reports, its
    start-up + project parse (first log line to "Found N models"), the execution (run_results
    elapsed), and why partial parsing was refused, if it was."""
    out: dict = {"folder": folder.name, "wall_s": None, "parse_s": None, "elapsed_s": None,
                 "partial_parse": "used"}  # fmt: skip
    first = found = None
    log = folder / "dbt.log"
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        info, data = event.get("info", {}), event.get("data", {})
        ts = datetime.fromisoformat(info["ts"].replace("Z", "+00:00")) if "ts" in info else None
        first = first or ts
        if info.get("name") == "FoundStats" and found is None:
            found = ts
        elif info.get("name") == "UnableToPartialParse":
            reason = f"refused ({data.get('reason')})"
            out["partial_parse"] = (
                reason if out["partial_parse"] == "used" else (f"{out['partial_parse']}, {reason}")
            )
        elif info.get("name") == "ResourceReport":
            out["wall_s"] = data.get("command_wall_clock_time")
    if first and found:
        out["parse_s"] = (found - first).total_seconds()
    results = folder / "run_results.json"
    if results.exists():
        out["elapsed_s"] = json.loads(results.read_text())["elapsed_time"]
    return out


def dbt_invocations(run_id: str | None) -> dict[str, dict]:
    """{step: timing} for every dbt invocation of Dagster run `run_id`."""
    out = {}
    for folder in sorted(DBT_TARGET.glob(f"*-{(run_id or 'none')[:7]}-*")):
        out[folder.name.rsplit("-", 2)[0]] = dbt_invocation(folder)
    return out


# --------------------------------------------------------------------------------------------
# Homes: cloning and the shared cache
# --------------------------------------------------------------------------------------------


def cache_root() -> Path:
    root = os.environ.get(CACHE_ENV) or str(Path(tempfile.gettempdir()) / "shopfloor_bench")
    return Path(root)


def code_key(paths: Sequence[str]) -> str:
    """Hash of the committed trees plus uncommitted changes (and untracked files) of `paths`."""
    h = hashlib.sha1()
    for path in paths:
        try:
            h.update(_git("rev-parse", f"HEAD:{path}").encode())
        except (OSError, subprocess.CalledProcessError):
            h.update(b"not committed")
        try:
            h.update(_git("diff", "HEAD", "--", path).encode())
            for name in sorted(_git("ls-files", "--others", "--exclude-standard", path).split()):
                h.update(name.encode() + (ROOT / name).read_bytes())
        except (OSError, subprocess.CalledProcessError):
            h.update((ROOT / path).read_bytes() if (ROOT / path).is_file() else b"nogit")
    return h.hexdigest()[:10]


def clone_home(src: Path, dst: Path) -> Path:
    """A private copy of a home: landing and ground truth hard-linked (the pipeline only reads
    them), everything else (warehouse, Dagster instance, quarantine, reports) copied."""
    dst.mkdir(parents=True, exist_ok=False)
    for child in src.iterdir():
        if child.name.startswith("."):
            continue
        if child.is_dir():
            link = child.name in ("landing", "ground_truth")
            shutil.copytree(
                child, dst / child.name, copy_function=os.link if link else shutil.copy2
            )
        else:
            shutil.copy2(child, dst / child.name)
    return dst


def scratch_dir(prefix: str) -> Path:
    root = cache_root() / "scratch"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))


def _cached(prefix: str, key: str, build: Callable[[Path], None]) -> Path:
    """The cache entry `<prefix>_<key>`, built by `build(tmp)` and renamed into place once."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"{prefix}_{key}"
    if (final / "bench.json").exists():
        return final
    for stale in root.glob(f"{prefix}_*"):  # same size, other code: stale, several GB each
        if stale.name != final.name:
            shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{prefix}_", dir=root))
    try:
        build(tmp)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def read_meta(home: Path) -> dict:
    return json.loads((home / "bench.json").read_text())


def _write_meta(home: Path, meta: dict) -> None:
    (home / "bench.json").write_text(json.dumps(meta, indent=1, default=str))


def generated_home(days: int, scale: int = 1, seed: int = SEED) -> Path:
    """`days` production dates from START generated once (landing + ground truth), with the
    volume of every source in `bench.json`. Not for running the pipeline in: clone it."""

    def build(tmp: Path) -> None:
        from generators.run import generate

        print(f"   [cache] generating {days} days, scale {scale} -> {cache_root()}", flush=True)
        t0 = time.perf_counter()
        r = generate(tmp, START, days, seed=seed, chaos_level="default", scale=scale)
        meta = {
            "days": days, "scale": scale, "seed": seed, "start": START,
            "generate_s": time.perf_counter() - t0,
            "rows_by_source": dict(r.rows_by_source), "bytes_by_source": dict(r.bytes_by_source),
            "volume": landing_volume(tmp),
        }  # fmt: skip
        _write_meta(tmp, meta)

    key = f"{START:%Y%m%d}_{code_key(GENERATOR_DIRS)}"
    return _cached(f"gen_{days}d_scale{scale}_seed{seed}", key, build)


def delivery_folders(home: Path) -> list[date]:
    return sorted(date.fromisoformat(p.name) for p in (home / "landing").iterdir() if p.is_dir())


def built_home_path(days: int, seed: int = SEED) -> Path:
    return cache_root() / f"built_{days}d_seed{seed}_{code_key(BUILD_KEY_PATHS)}"


def built_home(days: int, seed: int = SEED) -> Path:
    """The generated `days` taken through the whole pipeline once (bronze for every delivery
    date, then one transform run: silver, gold, truth gate, publish). Clone before writing."""

    def build(tmp: Path) -> None:
        src = generated_home(days, seed=seed)
        print(f"   [cache] building {days} days through the pipeline (untimed)", flush=True)
        tmp.rmdir()
        clone_home(src, tmp)
        result = run_task("build", home=str(tmp))
        if not result["ok"]:
            raise RuntimeError(f"pipeline build of {days} days failed: {result['failures']}")
        _write_meta(tmp, read_meta(src) | {"build": result})

    return _cached(f"built_{days}d_seed{seed}", code_key(BUILD_KEY_PATHS), build)


def adopt_built_home(home: Path, days: int, result: dict, seed: int = SEED) -> bool:
    """Keep a home a timed full rebuild just produced as the cached built home (moved, not
    copied); False when one is cached already (the caller then deletes its home)."""
    final = built_home_path(days, seed)
    if (final / "bench.json").exists() or not result.get("ok"):
        return False
    for stale in cache_root().glob(f"built_{days}d_seed{seed}_*"):
        shutil.rmtree(stale, ignore_errors=True)
    _write_meta(home, read_meta(generated_home(days, seed=seed)) | {"build": result})
    os.replace(home, final)
    return True


def pull_back_late_files(home: Path, new_day: date) -> list[str]:
    """Move files of production dates before `new_day` that the generator delivered late into
    folders from `new_day` on, into the last history folder (new_day − 1). Without this, a late
    machine-log file of the last history date makes the history's silver build fail a blocking
    dbt test (the machine's timeline has a hole until the file arrives), and the history would
    have no gold at all."""
    last = (new_day - timedelta(days=1)).isoformat()
    moved = []
    for path in sorted((home / "landing").glob("*/*/*")):
        stamp = re.search(r"__(\d{4}-\d{2}-\d{2})", path.name)
        if date.fromisoformat(path.parts[-3]) < new_day or not stamp:
            continue
        if date.fromisoformat(stamp.group(1)) >= new_day:
            continue
        target = home / "landing" / last / path.parent.name / path.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, target)
            moved.append(path.relative_to(home).as_posix())
    return moved


def history_home(days: int, seed: int = SEED) -> tuple[Path, date]:
    """`days` + 1 generated days with bronze loaded for the first `days` delivery folders and
    silver/gold built for them: one new delivery day is landed but not loaded. Late files of
    history dates in the new day's folder are first moved into the history (see
    pull_back_late_files). Returns the home and the new day. Clone before writing."""
    new_day = START + timedelta(days=days)

    def build(tmp: Path) -> None:
        src = generated_home(days + 1, seed=seed)
        print(f"   [cache] building a {days}-day history (+1 day landed, untimed)", flush=True)
        tmp.rmdir()
        clone_home(src, tmp)
        moved = pull_back_late_files(tmp, new_day)
        result = run_task("build", home=str(tmp), before=new_day.isoformat())
        # Late rows of the last history dates sit in the new day's files, so the truth gate may
        # fail on those dates (and the history is then not published); silver and gold must
        # have been built.
        built = {"silver_and_dimensions", "gold_by_production_date"} <= set(result["steps"])
        other = [
            f
            for f in result["failures"]
            if f != "truth_gate" and ":matches_truth" not in f and ":chaos_recall" not in f
        ]
        if other or not built:
            raise RuntimeError(f"history build of {days} days failed: {result['failures']}")
        _write_meta(tmp, read_meta(src) | {"history_build": result, "new_day": new_day,
                                           "moved_late_files": moved})  # fmt: skip

    return _cached(f"history_{days}d_seed{seed}", code_key(BUILD_KEY_PATHS), build), new_day
