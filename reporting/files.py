"""Write the daily report of production dates: the PDF and the workbook, each renamed into place.

Why a temp name and a rename: a mail attachment, a file share or a person opening the folder
never sees half a file (os.replace is atomic on one file system), and a failed write leaves the
previous report in place.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plants.home import Home
from reporting.pdf import pdf_bytes
from reporting.serving import newest_date, open_serving, read_report
from reporting.workbook import workbook_bytes


@dataclass(frozen=True)
class ReportFiles:
    """The files of one date's report, and whether it shows numbers (the gate passed)."""

    production_date: date
    pdf: Path
    xlsx: Path
    shows_numbers: bool
    status: str  # the date's status line (DateGate.headline)

    @property
    def paths(self) -> tuple[Path, Path]:
        return (self.pdf, self.xlsx)


def write_reports(
    home: Home, days: Sequence[date] | None = None, out_dir: Path | None = None
) -> list[ReportFiles]:
    """The reports of `days` (default: the newest date of the serving copy), written under
    `home.reports` or, when given, straight into `out_dir`; ReportUnavailable when the serving
    copy or a date is missing."""
    con = open_serving(home)
    try:
        wanted = list(days) if days else [newest_date(con)]
        reports = [read_report(con, day) for day in wanted]
    finally:
        con.close()
    written = []
    for report in reports:
        day = report.production_date
        pdf, xlsx = (home.daily_report(day, suffix) for suffix in ("pdf", "xlsx"))
        if out_dir is not None:
            pdf, xlsx = out_dir / pdf.name, out_dir / xlsx.name
        _replace_atomically(pdf, pdf_bytes(report))
        _replace_atomically(xlsx, workbook_bytes(report.sheets()))
        written.append(ReportFiles(day, pdf, xlsx, report.gate.shows_numbers, report.gate.headline))
    return written


def _replace_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
