"""Dashboard: time to render each page on 365 days of published data.

Each page is rendered with streamlit.testing's AppTest (the way tests/dashboard drives it)
against `$SHOPFLOOR_HOME/warehouse/serving.duckdb` of a built home. Per render: a fresh AppTest
session and an emptied query cache, so every query of the sidebar and the page runs (cold: the
first view after a publish); then one rerun of the same page (warm: every query cached). Two
date windows: the default (the last 7 days) and the whole published range. A warm-up render,
not counted, pays the one-off imports. AppTest runs the script without a browser: the figures
are server-side script time, not the browser's drawing of the charts.

Target (issue 7): <= 2 s per page (cold render).

    uv run python -m bench.bench_dashboard [--days 365] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse

import duckdb

from bench.common import (
    Figure,
    append_section,
    built_home,
    effective_command,
    fmt_s,
    median,
    parse_args,
    run_task,
    verdict,
)

TARGET_S = 2.0
PAGES = [
    "views/overview.py",
    "views/machines.py",
    "views/flow.py",
    "views/process.py",
    "views/quality.py",
    "views/data_quality.py",
]


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="days of published data")
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"days": 2, "runs": 1})

    home = built_home(args.days)
    serving = home / "warehouse" / "serving.duckdb"
    con = duckdb.connect(str(serving), read_only=True)
    first, last = con.execute(
        "select min(production_date), max(production_date) from gold.kpi_plant_daily"
    ).fetchone()
    con.close()
    windows = {"last 7 days (default)": None, f"all {args.days} days": [first, last]}
    measured = {}
    for label, dates in windows.items():
        measured[label] = run_task("dashboard", home=str(home), pages=PAGES, runs=args.runs,
                                   dates=dates)  # fmt: skip
        print(f"{label}: " + ", ".join(f"{p.split('/')[-1]} {median(v):.2f} s"
                                       for p, v in measured[label]["cold"].items()),
              flush=True)  # fmt: skip

    header = ["page", "title"]
    for label in windows:
        header += [f"cold s, {label}", f"warm s, {label}"]
    table = [[*header, "target (cold)"]]
    figures = []
    for page in PAGES:
        row = [page.split("/")[-1], measured[next(iter(windows))]["titles"].get(page, "")]
        worst = 0.0
        for label in windows:
            cold, warm = (
                median(measured[label]["cold"][page]),
                median(measured[label]["warm"][page]),
            )
            worst = max(worst, cold)
            row += [fmt_s(cold), fmt_s(warm)]
        met = worst <= TARGET_S
        table.append([*row, f"<= {TARGET_S:g} s: {verdict(met)}"])
        figures.append(Figure("dashboard", f"{page.split('/')[-1]} cold render, worst window",
                              f"{worst:.2f} s", f"<= {TARGET_S:g} s", met))  # fmt: skip
    notes = (
        f"Serving copy: {serving.stat().st_size / 1e6:,.0f} MB, production dates {first} .. "
        f"{last}. Medians of {args.runs} render(s) per page and window; each window in its own "
        "process. Cold = fresh AppTest session + st.cache_data cleared before the page's run "
        "(sidebar and page queries all executed); warm = an immediate rerun with every query "
        "cached. Peak RSS of the rendering process: "
        + ", ".join(f"{label} {m['peak_rss_mib']:,.0f} MiB" for label, m in measured.items())
        + "."
    )
    cmd = effective_command("bench.bench_dashboard", args, ["days", "runs"])
    print(append_section(
        f"Dashboard page render on {args.days} days of published data ({args.runs} run(s))",
        cmd, table, notes, targets=[f"<= {TARGET_S:g} s per page"],
    ))  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
