"""The key the truth gate pairs gold rows with truth by is the grain dbt declares and tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ground_truth import marts
from ground_truth.marts import MARTS, Mart


def test_every_mart_the_gate_compares_has_a_declared_grain() -> None:
    undeclared = [m.table for m in MARTS if m.table not in marts.declared_grains()]
    assert undeclared == []
    assert all(m.key[0] == "production_date" for m in MARTS)  # the gate compares date by date


def test_a_mart_without_a_grain_test_is_refused_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kpi"
    folder.mkdir()
    (folder / "_kpi__models.yml").write_text(
        "models:\n- name: kpi_x\n  data_tests:\n  - unique_grain:\n      arguments:\n"
        "        columns: [production_date, line_id]\n- name: kpi_y\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(marts, "MARTS_DIR", tmp_path)
    marts.declared_grains.cache_clear()
    try:
        assert Mart("x", "kpi_x").key == ("production_date", "line_id")
        with pytest.raises(LookupError, match=r"gold\.kpi_y declares no `unique_grain`"):
            _ = Mart("y", "kpi_y").key
    finally:
        marts.declared_grains.cache_clear()
