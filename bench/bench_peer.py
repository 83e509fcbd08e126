"""The peer: the product's pipeline vs a plain pandas script (bench/peers/) computing
kpi_machine_daily from the same landing files, timed in the same run, and their results compared.

The product run is a full rebuild (bronze per delivery date, silver, gold, truth gate, publish)
on a fresh copy of the landing files; the peer reads the same landing folder (never
ground_truth/). Runs alternate product / peer so both see the same machine load.

Target (issue 7): the product at least 2x faster than the pandas peer.
Agreement: per column, the machine-days whose values agree (counts and seconds exactly, other
numbers within 1e-6 relative, null = null), over the machine-days both produce.

    uv run python -m bench.bench_peer [--days 30] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import math
import shutil

import duckdb
import pandas as pd

from bench.common import (
    Figure,
    adopt_built_home,
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

TARGET = 2.0
KEYS = ["production_date", "machine_id"]
PEER_SOURCES = ("production_batches", "qc_checks", "asset_registry", "machine_logs")


def compare(product: pd.DataFrame, peer: pd.DataFrame) -> tuple[list[list[str]], dict]:
    """Per shared column: machine-days compared, agreeing, and the first few disagreements."""
    for df in (product, peer):
        df["production_date"] = pd.to_datetime(df["production_date"]).dt.date
    merged = product.merge(peer, on=KEYS, how="outer", suffixes=("_product", "_peer"),
                           indicator=True)  # fmt: skip
    both = merged[merged["_merge"] == "both"]
    counts = {
        "both": len(both),
        "only_product": int((merged["_merge"] == "left_only").sum()),
        "only_peer": int((merged["_merge"] == "right_only").sum()),
    }
    table = [["column", "compared", "agree", "disagree", "rule", "first disagreements "
              "(date machine: product / peer)"]]  # fmt: skip
    shared = [c for c in peer.columns if c in product.columns and c not in KEYS]
    for col in shared:
        a, b = both[f"{col}_product"], both[f"{col}_peer"]
        exact = col.endswith(("_qty", "_s", "_count")) and col != "ideal_production_time_s"
        agree = []
        for x, y in zip(a, b, strict=True):
            if pd.isna(x) or pd.isna(y):
                agree.append(bool(pd.isna(x) and pd.isna(y)))
            elif exact:
                agree.append(float(x) == float(y))
            else:
                agree.append(math.isclose(float(x), float(y), rel_tol=1e-6, abs_tol=0.0))
        bad = both[[not ok for ok in agree]]
        examples = "; ".join(
            f"{r.production_date} {r.machine_id}: {getattr(r, f'{col}_product')} / "
            f"{getattr(r, f'{col}_peer')}"
            for r in bad.head(3).itertuples()
        )
        rule = "exact" if exact else "rel 1e-6"
        table.append([col, f"{len(both):,}", f"{sum(agree):,}", f"{len(bad):,}", rule,
                      examples or "–"])  # fmt: skip
        counts.setdefault("disagreeing_columns", 0)
        counts["disagreeing_columns"] += int(len(bad) > 0)
    counts.setdefault("disagreeing_columns", 0)
    return table, counts


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"days": 2, "runs": 1})

    source = generated_home(args.days)
    volume = read_meta(source)["volume"]
    products, peers = [], []
    work = scratch_dir("peer_")
    try:
        peer_csv = work / "peer.csv"
        for i in range(args.runs):
            home = clone_home(source, work / f"product{i}")
            products.append(run_task("build", home=str(home)))
            peers.append(run_task("peer", home=str(source), out=str(peer_csv)))
            print(f"run {i + 1}: product {products[-1]['total_s']:.1f} s (ok "
                  f"{products[-1]['ok']}), pandas peer {peers[-1]['seconds']:.1f} s",
                  flush=True)  # fmt: skip
            if i < args.runs - 1:
                shutil.rmtree(home)
        con = duckdb.connect(str(home / "warehouse" / "shopfloor.duckdb"), read_only=True)
        product_kpi = con.execute("select * from gold.kpi_machine_daily").df()
        con.close()
        peer_kpi = pd.read_csv(peer_csv)
        if adopt_built_home(home, args.days, products[-1]):
            print(f"   kept as the cached {args.days}-day built home", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # what running each costs: a fresh process to its exit (interpreter and imports included)
    product_s = median(r["process_s"] for r in products)
    peer_s = median(r["process_s"] for r in peers)
    speedup = peer_s / product_s  # > 1: the product is faster
    shown = f"{speedup:.2f}x" if speedup >= 0.1 else f"{speedup:.4f}x"
    if speedup < 1:
        shown += f" (product {1 / speedup:,.0f}x slower)"
    met = speedup >= TARGET
    agreement, counts = compare(product_kpi, peer_kpi)
    lines, n_bytes = volume_totals(volume)
    peer_lines = sum(volume[s]["lines"] for s in PEER_SOURCES)
    peer_bytes = sum(volume[s]["bytes"] for s in PEER_SOURCES)
    table = [
        ["days", "product reads (lines / MB)", "peer reads (lines / MB)", "product end to end s",
         "pandas peer s", "peer / product", "target", "product peak RSS MiB",
         "peer peak RSS MiB", "product ok"],
        [str(args.days), f"{lines:,} / {fmt_mb(n_bytes)}", f"{peer_lines:,} / {fmt_mb(peer_bytes)}",
         fmt_s(product_s), fmt_s(peer_s), shown,
         f"product >= {TARGET:g}x faster: {verdict(met)}",
         f"{median(r['peak_rss_mib'] for r in products):,.0f}",
         f"{median(r['peak_rss_mib'] for r in peers):,.0f}",
         str(all(r["ok"] for r in products))],
    ]  # fmt: skip
    notes = (
        "peer / product = pandas seconds ÷ product seconds (above 1: the product is faster); "
        "each from starting its process to its exit, imports included (the peer's compute "
        f"alone: {fmt_s(median(r['seconds'] for r in peers))} s). "
        "The product run is the whole pipeline (all 10 sources into bronze with lineage, "
        "rejects and manifest; every silver model; all gold facts and marts; GX expectations; "
        "the truth gate; publish), while the peer reads the 4 sources kpi_machine_daily needs "
        f"({', '.join(PEER_SOURCES)}) and computes that one mart. Machine-days: "
        f"{counts['both']:,} in both, {counts['only_product']:,} only in the product, "
        f"{counts['only_peer']:,} only in the peer; {counts['disagreeing_columns']} column(s) "
        f"with disagreements. Medians of {args.runs} run(s), alternating product and peer; "
        "each in its own process."
    )
    cmd = effective_command("bench.bench_peer", args, ["days", "runs"])
    print(append_section(
        f"Peer: product pipeline vs pandas script, kpi_machine_daily, {args.days} days "
        f"({args.runs} run(s))", cmd, table, notes,
        extra_tables=[("Agreement on kpi_machine_daily (product gold vs pandas peer):",
                       agreement)],
        targets=[f"product >= {TARGET:g}x faster than the pandas peer"],
    ))  # fmt: skip
    agree_all = counts["disagreeing_columns"] == 0 and not counts["only_product"] + counts[
        "only_peer"
    ]  # fmt: skip
    return [
        Figure("peer", f"pandas peer time / product time, {args.days} d", shown,
               f">= {TARGET:g}x", met),
        Figure("peer", f"peer agrees with product gold, {args.days} d",
               f"{counts['both']:,} machine-days, {counts['disagreeing_columns']} column(s) "
               "disagree", "all agree", agree_all),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
