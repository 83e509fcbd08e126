"""The benchmark's pandas peer must compute the same kpi_machine_daily as the product.

Why: issue 7 times the product against the peer, and a speed ratio means nothing unless both
compute the same numbers; this catches a change to either side that makes them drift apart."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.bench_peer import compare
from bench.peers.kpi_machine_daily_pandas import compute


def test_the_pandas_peer_agrees_with_the_product_on_every_machine_day(
    pipeline_home: Path,
) -> None:
    con = duckdb.connect(str(pipeline_home / "warehouse" / "shopfloor.duckdb"), read_only=True)
    try:
        product = con.execute("select * from gold.kpi_machine_daily").df()
    finally:
        con.close()
    table, counts = compare(product, compute(pipeline_home))
    disagreeing = [row for row in table[1:] if row[3] != "0"]
    assert counts["both"] == len(product) > 0
    assert counts["only_product"] == counts["only_peer"] == 0
    assert disagreeing == [], disagreeing
