"""The daily report (reporting/): the PDF names every machine and the date's OEE, the workbook
holds the serving copy's rows, and a date that did not pass the gate shows no numbers.

All read the session's `one_day_run` home (one clean day through `shopfloor run`) and write into
tmp_path; the failed-gate variants change a copy of its serving file only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from cli.main import _print_daily_report, main
from plants.home import Home
from reporting.files import write_reports
from tests.homes import query
from tests.notify.helpers import notify_section, serve, write_notify


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def _serving(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    return query(home, sql, params, serving=True)


@pytest.fixture(scope="module")
def built(one_day_run) -> Path:
    home, run = one_day_run
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return home


@pytest.fixture(scope="module")
def day(built) -> dt.date:
    return _serving(built, "select max(production_date) from gold.kpi_plant_daily")[0][0]


@pytest.fixture(scope="module")
def report(built, tmp_path_factory):
    (files,) = write_reports(Home(built), out_dir=tmp_path_factory.mktemp("report"))
    return files


def test_the_run_wrote_the_report_of_its_date(built, day):
    """`shopfloor run` ends with the report asset: the files are where Home says."""
    for suffix in ("pdf", "xlsx"):
        path = Home(built).daily_report(day, suffix)
        assert path.is_file() and path.stat().st_size > 0, path
    assert not list(Home(built).reports.rglob("*.tmp")), "a temp file was left behind"


def test_pdf_pages_machines_and_the_oee_of_the_date(built, day, report):
    pages = _pages(report.pdf)
    shifts = [
        r[0]
        for r in _serving(
            built,
            "select shift_code from gold.dim_shift where production_date = ? order by shift_index",
            [day],
        )
    ]
    # summary, machines × shifts, losses, losses per machine, downtime, quality, data quality,
    # one page per shift
    assert len(pages) == 7 + len(shifts)
    assert "Losses per machine" in pages[3]
    for shift, page in zip(shifts, pages[7:], strict=True):
        assert f"Shift handover: {shift}" in page
    machines = [
        r[0]
        for r in _serving(
            built,
            "select machine_id from gold.dim_machine where valid_from <= ? and valid_to > ?",
            [day, day],
        )
    ]
    assert machines
    for machine in machines:
        assert machine in pages[0], machine
        assert machine in pages[1], machine
    oee, status = _serving(
        built,
        "select k.oee, s.status from gold.kpi_plant_daily as k "
        "join gold.dim_date_status as s using (production_date) where production_date = ?",
        [day],
    )[0]
    assert f"OEE {100 * oee:.1f}%" in pages[0]
    assert ("PROVISIONAL" in pages[0]) == (status == "provisional")
    for machine, machine_oee in _serving(
        built, "select machine_id, oee from gold.kpi_machine_daily where production_date = ?", [day]
    ):
        assert f"{machine} day" in pages[1]
        line = next(li for li in pages[1].splitlines() if li.startswith(f"{machine} day"))
        assert f"{100 * machine_oee:.1f}%" in line, line


def _normal(value):
    """A serving-copy or workbook value in one form: dates and times as UTC milliseconds,
    decimals as floats, lists as text, numbers to 9 significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):  # Excel keeps a time to the millisecond
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return round((naive - dt.datetime(1970, 1, 1)) / dt.timedelta(milliseconds=1))
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | np.number):
        return float(f"{float(value):.9g}")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def test_workbook_holds_the_serving_rows_of_each_mart(built, day, report):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read_bytes()))
    marts = [name for name in book.sheetnames if name.startswith(("gold.", "audit."))]
    for expected in ("gold.kpi_plant_daily", "gold.kpi_machine_shift", "gold.kpi_quality_daily",
                     "gold.fct_machine_state", "gold.dim_target"):  # fmt: skip
        assert expected in marts, book.sheetnames
    for name in marts:
        sheet = book[name]
        headers = [cell.value.split(" [")[0] for cell in sheet[1]]
        dated = "production_date" in headers and not name.startswith("gold.dim_")
        sql = f"select * from {name}" + (" where production_date = ?" if dated else "")
        con = duckdb.connect(str(Home(built).serving), read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            cursor = con.execute(sql, [day] if dated else [])
            columns = [d[0] for d in cursor.description]
            expected = sorted(
                (tuple(_normal(v) for v in row) for row in cursor.fetchall()), key=repr
            )
        finally:
            con.close()
        assert headers == columns, name
        got = sorted(
            (
                tuple(_normal(c) for c in row)
                for row in sheet.iter_rows(min_row=2, values_only=True)
            ),
            key=repr,
        )
        assert got == expected, name


def _failed_copy(built: Path, tmp_path: Path, day: dt.date, variant: str) -> Home:
    """A home holding a copy of the serving file in which `day` did not pass the gate: a later
    run's validation of the date failed (the state a failing run leaves once a later run that
    passes publishes the audit schema again), or no gate ever judged it."""
    home = Home(tmp_path / "home")
    home.serving.parent.mkdir(parents=True)
    shutil.copy(Home(built).serving, home.serving)
    con = duckdb.connect(str(home.serving))
    try:
        if variant == "failed":
            con.execute(
                "insert into audit.validation_runs select 'failing-run', "
                "validated_at + interval 1 hour, production_date, truth_status, metrics_checked, "
                "metrics_passed - 1, 1, false from audit.validation_runs where production_date = ?",
                [day],
            )
            con.execute(
                "insert into audit.validation_results select 'failing-run', production_date, mart, "
                "key, metric, expected, 'wrong', tolerance, false from audit.validation_results "
                "where production_date = ? and mart = 'kpi_plant_daily' limit 1",
                [day],
            )
        else:
            con.execute("delete from audit.validation_runs where production_date = ?", [day])
    finally:
        con.close()
    return home


@pytest.mark.parametrize(("variant", "says"), [("failed", "FAILED"), ("never", "NOT VALIDATED")])
def test_a_date_that_did_not_pass_shows_no_numbers(built, day, tmp_path, variant, says):
    home = _failed_copy(built, tmp_path, day, variant)
    (files,) = write_reports(home, [day], out_dir=tmp_path / "out")
    assert not files.shows_numbers
    pages = _pages(files.pdf)
    assert len(pages) == 1
    text = pages[0]
    assert says in text and "no numbers" in text
    if variant == "failed":
        assert "kpi_plant_daily" in text  # the failed check is named
    for (machine,) in _serving(built, "select machine_id from gold.kpi_machine_daily "
                               "where production_date = ?", [day]):  # fmt: skip
        assert machine in text
    assert "%" not in text
    oee, produced = _serving(built, "select oee, produced_qty from gold.kpi_plant_daily "
                             "where production_date = ?", [day])[0]  # fmt: skip
    assert f"{100 * oee:.1f}" not in text and f"{produced:,}" not in text
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert not [s for s in book.sheetnames if s.startswith(("gold.kpi_", "gold.fct_"))]


def test_cli_report_writes_the_files_and_refuses_clearly(built, day, tmp_path, capsys):
    home = tmp_path / "home"
    assert main(["report", "--home", str(home)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no serving copy" in err
    (home / "warehouse").mkdir(parents=True)
    shutil.copy(Home(built).serving, Home(home).serving)
    assert main(["report", "--home", str(home), "--date", "2001-01-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no production date 2001-01-01" in err
    assert main(["report", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    for suffix in ("pdf", "xlsx"):
        path = Home(home).daily_report(day, suffix)
        assert path.is_file() and str(path) in out


def _home_with_serving(built: Path, home: Path) -> Home:
    Home(home).serving.parent.mkdir(parents=True)
    shutil.copy(Home(built).serving, Home(home).serving)
    return Home(home)


@pytest.mark.parametrize("answer", ["250 Message accepted for delivery", "554 5.7.1 refused"])
def test_report_to_mails_the_written_files(built, day, tmp_path, capsys, answer):
    """`--to` hands the report's own PDF and xlsx to notify.mail (a real SMTP server on
    127.0.0.1); a refusal is one line and exit 1, and the files stay."""
    home = _home_with_serving(built, tmp_path / "home")
    for server in serve(auth=False):
        write_notify(home.root, notify_section(server.port))
        server.inbox.answer = answer
        code = main(["report", "--home", str(home.root), "--to", "night@plant.test"])
        pdf, xlsx = (home.daily_report(day, suffix) for suffix in ("pdf", "xlsx"))
        assert pdf.is_file() and xlsx.is_file()
        if not answer.startswith("250"):
            assert code == 1
            err = capsys.readouterr().err.strip()
            assert err.count("\n") == 0 and "not mailed" in err and "554" in err
            return
        assert code == 0
        assert "mailed to night@plant.test" in capsys.readouterr().out
        (message,) = server.inbox.messages
        assert server.inbox.envelopes[0][1] == ["night@plant.test"]
        attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        assert attached == {pdf.name: pdf.read_bytes(), xlsx.name: xlsx.read_bytes()}


def test_demo_prints_where_the_newest_report_is(built, day, capsys):
    _print_daily_report(Home(built))
    out = capsys.readouterr().out
    for suffix in ("pdf", "xlsx"):
        assert f"daily report {suffix}" in out and str(Home(built).daily_report(day, suffix)) in out


def test_a_plant_sixteen_times_the_default_lists_every_machines_losses(built, day):
    """The losses per machine are one row per machine: a plant sixteen times the default one
    (the size `--scale 16` generates) once failed the whole report with fpdf's "not enough
    horizontal space" when they were one column per machine."""
    from reporting.pdf import pdf_bytes
    from reporting.serving import open_serving, read_report

    con = open_serving(Home(built))
    try:
        data = read_report(con, day)
    finally:
        con.close()
    copies = "abcdefghijklmnop"  # 16 copies of every machine, ids suffixed a..p
    machines = pd.concat(
        [data.machines.assign(machine_id=data.machines["machine_id"] + k) for k in copies]
    )
    tree = data.table("gold.kpi_loss_tree")
    per_machine = tree[tree["grain"] == "machine_day"]
    wide_tree = pd.concat(
        [tree[tree["grain"] != "machine_day"]]
        + [per_machine.assign(machine_id=per_machine["machine_id"] + k) for k in copies]
    )
    wide = dataclasses.replace(
        data, machines=machines, tables={**data.tables, "gold.kpi_loss_tree": wide_tree}
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(wide))).pages]
    first = next(i for i, page in enumerate(pages) if "Losses per machine" in page)
    after = next(i for i, page in enumerate(pages) if "downtime causes" in page)
    assert after - first > 1, "sixty-four machines and more fill more than one page"
    # a long id may wrap in its cell: the table's pages are read without line breaks
    text = "".join(pages[first:after]).replace("\n", "")
    listed = machines["machine_id"][machines["machine_id"].isin(wide_tree["machine_id"])]
    assert len(listed) == 16 * len(per_machine) > 16
    for machine in listed:
        assert machine in text, machine


def test_a_downtime_cause_names_the_machines_it_cost_most_and_counts_the_rest():
    from reporting.pdf import _hit_most

    rows = pd.DataFrame(
        {
            "machine_id": ["M1", "M2", "M3", "M2", "M4", "M5", "M6"],
            "loss_time_s": [10.0, 30.0, 50.0, 30.0, 5.0, 40.0, 1.0],
        }
    )
    assert _hit_most(rows)["machines"] == "M2, M3, M5, M1 + 2 more"
    assert _hit_most(rows.head(2))["machines"] == "M2, M1"
