"""Bronze load time for N days vs DuckDB's bare read_csv / read_json scan of the same files (S).

Why: the ratio says what the bronze guarantees (line numbers, rejects with reasons, manifest,
dedupe, lineage) cost on top of just reading the bytes. Target (issue 7): bronze <= 4 x S.
Each phase runs in its own process, so its peak memory is its own; the bare scan and the load
alternate, so both see the same machine load. Figures are appended to bench/RESULTS.md.

    uv run python -m bench.bench_bronze --days 30 --runs 3
"""

from __future__ import annotations

import argparse
import shutil

from bench.common import (
    Figure,
    append_section,
    clone_home,
    effective_command,
    fmt_mb,
    fmt_s,
    generated_home,
    median,
    parse_args,
    read_meta,
    run_task,
    scratch_dir,
    verdict,
    volume_totals,
)

TARGET = 4.0


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"days": 2, "runs": 1})

    source = generated_home(args.days, scale=args.scale)
    volume = read_meta(source)["volume"]
    loads, scans = [], []
    for i in range(args.runs):
        scans.append(run_task("scan", home=str(source)))
        work = scratch_dir("bronze_")
        try:
            home = clone_home(source, work / "home")
            loads.append(run_task("bronze_loaders", home=str(home)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"run {i + 1}: bronze {loads[-1]['seconds']:.1f} s, "
              f"bare scan {scans[-1]['seconds']:.2f} s", flush=True)  # fmt: skip

    load_s = median(r["seconds"] for r in loads)
    scan_s = median(r["seconds"] for r in scans)
    ratio = load_s / scan_s
    lines, n_bytes = volume_totals(volume)
    rows = loads[0]["rows"] + loads[0]["rejected"]
    met = ratio <= TARGET
    table = [
        ["scale", "days", "MB", "lines", "bronze load s", "bare scan S s", "bronze / S",
         "target", "bronze lines/s", "peak RSS MiB load / scan"],
        [str(args.scale), str(args.days), fmt_mb(n_bytes), f"{lines:,}", fmt_s(load_s),
         fmt_s(scan_s), f"{ratio:.1f}x", f"<= {TARGET:g}x: {verdict(met)}", f"{rows / load_s:,.0f}",
         f"{median(r['peak_rss_mib'] for r in loads):.0f} / "
         f"{median(r['peak_rss_mib'] for r in scans):.0f}"],
    ]  # fmt: skip
    per_source = [["source", "files", "data lines", "MB", "S rows", "S s", "bronze rows loaded"]]
    for name, v in sorted(volume.items(), key=lambda kv: -kv[1]["bytes"]):
        s = scans[0]["per_source"].get(name, {"rows": 0})
        s_sec = median(r["per_source"].get(name, {"seconds": 0})["seconds"] for r in scans)
        per_source.append([name, f"{v['files']:,}", f"{v['lines']:,}", fmt_mb(v["bytes"]),
                           f"{s['rows']:,}", fmt_s(s_sec),
                           f"{loads[0]['per_source'].get(name, 0):,}"])  # fmt: skip
    notes = (
        "Bronze load = the loaders the Dagster assets run (split lines, screen, parse, insert "
        "with lineage, rejects, manifest, dedupe), into a fresh warehouse, without Dagster's own "
        "per-run overhead (the full rebuild scenario includes it). Bare scan S = DuckDB "
        "`read_csv`/`read_json` count(*) over the same files with `ignore_errors` (S rows differ "
        "from the data lines where DuckDB skips malformed lines). Data lines include duplicate "
        "copies and late files as delivered; bronze skips byte-identical copies (manifest) and "
        f"rejects malformed lines with a reason. Medians of {args.runs} run(s); each phase in "
        "its own process; files in the page cache for both."
    )
    cmd = effective_command("bench.bench_bronze", args, ["days", "scale", "runs"])
    print(append_section(
        f"Bronze load vs bare DuckDB scan, {args.days} days, scale {args.scale} "
        f"({args.runs} runs)", cmd, table, notes,
        extra_tables=[("Volume per source:", per_source)],
        targets=[f"bronze load <= {TARGET:g} x S (bare scan)"],
    ))  # fmt: skip
    return [Figure("bronze", f"bronze / S, {args.days} d", f"{ratio:.1f}x", f"<= {TARGET:g}x", met)]


if __name__ == "__main__":
    main()
