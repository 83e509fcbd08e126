"""Load one (source, delivery date) partition of landing into bronze, file by file.

Why: each partition is one transaction (its files' rows, rejects and manifest entries and the
load record commit together), so an interrupted load never leaves half a file behind, and a
re-run only sees what is new. A file's lines are screened and inserted inside DuckDB; Python
only cuts lines and hashes bytes.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import manifest, versions
from ingestion.compressed import compressed_reason
from ingestion.contracts import Format, SourceSpec, source
from ingestion.insert import Lineage, write_file
from ingestion.landing import (
    STRAY,
    LandedFile,
    remove_empty_undated_folders,
    sha256_of,
    source_files,
    stray_files,
    undated_files,
)
from ingestion.lines import LINES_VIEW, Parsed, Unreadable, split_lines
from ingestion.manifest import DUPLICATE, LOADED, QUARANTINED, REINSTATED, REJECTED, FileEntry
from ingestion.parse_csv import parse_csv
from ingestion.parse_json import parse_jsonl, parse_snapshots
from ingestion.parse_log import parse_log
from ingestion.quarantine import quarantine_target, remove_from_landing, stage_copy
from ingestion.warehouse import ensure_schema


@dataclass
class PartitionReport:
    """What one load of one partition did."""

    source: str
    delivery: date
    load_id: str
    entries: list[FileEntry] = field(default_factory=list)
    files_seen: int = 0
    already_processed: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for e in self.entries if e.outcome == outcome)

    @property
    def rows_loaded(self) -> int:
        return sum(e.rows_loaded for e in self.entries)

    @property
    def rows_rejected(self) -> int:
        return sum(e.rows_rejected for e in self.entries)

    @property
    def rows_read(self) -> int:
        return sum(e.rows_read for e in self.entries)

    def summary(self) -> str:
        return (
            f"{self.source} {self.delivery}: {len(self.entries)} new of {self.files_seen} files, "
            f"{self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected, "
            f"{self.count(QUARANTINED)} quarantined, {self.count(DUPLICATE)} duplicates skipped"
        )


def new_load_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _parse(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, landed: LandedFile, lines: pa.Table
) -> Parsed:
    """Screen the file's lines into `_screened`; Unreadable when the file cannot be read."""
    if spec.fmt is Format.CSV:
        return parse_csv(con, spec, lines, landed.name_date)
    if spec.fmt is Format.JSONL:
        return parse_jsonl(con, spec, lines, landed.name_date)
    if spec.fmt is Format.SNAPSHOT:
        return parse_snapshots(con, spec, lines, landed.name_date)
    match = spec.file_re.match(landed.name)
    assert match is not None  # misnamed files are quarantined before parsing
    return parse_log(con, spec, lines, match["stem"], landed.name_date)


class FileFailed(Exception):
    """DuckDB failed on one file: the partition's transaction is lost, the file is named."""

    def __init__(self, rel_path: str, error: str) -> None:
        super().__init__(f"{rel_path}: {error}")
        self.rel_path, self.error = rel_path, error


ERROR_CHARS = 300  # a DuckDB message may quote the whole input line (a 20 MB one too)


def _error_text(exc: duckdb.Error) -> str:
    """The error on one line, cut short: it goes into the manifest and the run's summary."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS] + " …"


def _failure_reason(error: str) -> str:
    return (
        f"the loader failed on this file ({error}); it is set aside so that the rest of its "
        "delivery loads: report it with the file attached"
    )


class PartitionLoader:
    """Loads the files of one partition; one instance per (source, delivery date) and load."""

    def __init__(self, con: duckdb.DuckDBPyConnection, home: Path, load_id: str) -> None:
        self.con, self.home, self.load_id = con, home, load_id
        self.leaving: list[LandedFile] = []  # quarantined: leave landing once the entry commits
        self.failed: dict[str, str] = {}  # path -> the DuckDB error it raised in an earlier try
        ensure_schema(con)

    def _entry(self, landed: LandedFile, data: bytes, sha: str, outcome: str, **kw) -> FileEntry:
        return FileEntry(self.load_id, landed.source, landed.delivery, landed.rel_path,
                         landed.name, landed.name_date, len(data), sha, outcome, **kw)  # fmt: skip

    def _quarantine(self, landed: LandedFile, data: bytes, sha: str, error: str) -> FileEntry:
        target = quarantine_target(self.home, landed, sha)
        stage_copy(landed, target)
        entry = self._entry(landed, data, sha, QUARANTINED, error=f"{landed.rel_path}: {error}",
                            quarantine_path=target.relative_to(self.home).as_posix())  # fmt: skip
        manifest.record(self.con, entry)
        self.leaving.append(landed)
        return entry

    def load_file(self, landed: LandedFile) -> FileEntry | None:
        """Process one file inside the partition's transaction; None when these bytes at this
        path were processed before."""
        try:
            data = landed.path.read_bytes()
        except OSError as exc:
            raise RuntimeError(f"{landed.rel_path}: cannot read file: {exc.strerror}") from exc
        sha = sha256_of(data)
        processed, original = manifest.lookup(self.con, landed.rel_path, sha)
        prior = versions.prior(self.con, landed.rel_path)  # other bytes here before: a new version
        if processed:
            if prior is None or prior.sha256 == sha or sha not in prior.shas:
                return None  # a re-run (or a retracted file left in landing): nothing new
            return self._reinstate(landed, data, sha, prior)
        compressed = compressed_reason(data)  # what the bytes are says more than the name
        if compressed or landed.problem or landed.source is None:
            reason = compressed or landed.problem or "file outside any source folder"
            return self._quarantine(landed, data, sha, reason)
        if landed.rel_path in self.failed:
            return self._quarantine(
                landed, data, sha, _failure_reason(self.failed[landed.rel_path])
            )
        if not data:
            return self._quarantine(landed, data, sha, "file is empty (0 bytes): nothing to read, "
                                    "not even a header")  # fmt: skip
        if original is not None:
            entry = self._entry(landed, data, sha, DUPLICATE, duplicate_of=original,
                                error=f"same bytes as {original}; not loaded again")  # fmt: skip
            manifest.record(self.con, entry)
            return entry
        spec = source(landed.source)
        lines = split_lines(data)
        self.con.register(LINES_VIEW, lines)
        try:
            try:
                parsed = _parse(self.con, spec, landed, lines)
            except Unreadable as exc:
                self.con.unregister(LINES_VIEW)
                return self._quarantine(landed, data, sha, str(exc))
            lineage = Lineage(
                landed.rel_path, sha, landed.delivery, datetime.now(UTC), self.load_id
            )
            written = write_file(self.con, spec, parsed, lineage)
        except duckdb.Error as exc:  # the transaction is aborted: `run` retries without the file
            raise FileFailed(landed.rel_path, _error_text(exc)) from exc
        self.con.unregister(LINES_VIEW)
        entry = self._entry(
            landed, data, sha, REJECTED if parsed.error else LOADED,
            rows_read=parsed.rows_read, rows_loaded=written.rows_loaded,
            rows_rejected=written.rows_rejected, records_written=written.records_written,
            header=parsed.header, added_columns=parsed.added_columns,
            renamed_columns=parsed.renamed_columns,
            error=f"{landed.rel_path}: {parsed.error}" if parsed.error else None,
        )  # fmt: skip
        if entry.rows_read != entry.rows_loaded + entry.rows_rejected:
            raise AssertionError(f"{landed.rel_path}: row accounting broken ({entry})")
        self._version(entry, spec, prior)
        manifest.record(self.con, entry)
        return entry

    def _version(self, entry: FileEntry, spec: SourceSpec, prior: versions.Prior | None) -> None:
        """Number a file that was read: version 1, or the next one, with its rows compared to
        the version it replaces (both versions' rows are in bronze until the commit)."""
        entry.version = prior.version + 1 if prior else 1
        if prior is None:
            return
        diff = versions.diff_rows(self.con, spec, entry.path, entry.delivery_date,
                                  prior.sha256, entry.sha256)  # fmt: skip
        entry.supersedes = prior.version
        entry.rows_changed, entry.rows_added = diff.changed, diff.added
        entry.rows_removed = diff.removed

    def _reinstate(
        self, landed: LandedFile, data: bytes, sha: str, prior: versions.Prior
    ) -> FileEntry:
        """Bytes of an earlier version of this path are back: they become the next version,
        reading that version's rows (in bronze already) instead of loading them twice."""
        entry = self._entry(landed, data, sha, REINSTATED,
                            error=f"same bytes as an earlier version of {landed.rel_path}; "
                            "its rows are read again")  # fmt: skip
        assert landed.source is not None  # only a source's file has versions
        self._version(entry, source(landed.source), prior)
        manifest.record(self.con, entry)
        return entry

    def run(self, source_name: str, files: list[LandedFile], delivery: date) -> PartitionReport:
        """Every file of the partition and the load record in one transaction (one commit: a
        commit costs a WAL flush, which used to dominate small files).

        A DuckDB error on one file aborts the transaction; it is rolled back and the partition
        loaded again with that file quarantined under the error, so one file the loader cannot
        handle never stops the rest of its delivery (each retry sets one more file aside)."""
        while True:
            try:
                return self._run_once(source_name, files, delivery)
            except FileFailed as exc:
                if exc.rel_path in self.failed:  # failed again while being set aside: give up
                    raise
                self.failed[exc.rel_path] = exc.error

    def _run_once(
        self, source_name: str, files: list[LandedFile], delivery: date
    ) -> PartitionReport:
        report = PartitionReport(source_name, delivery, self.load_id, files_seen=len(files))
        started = datetime.now(UTC)
        self.con.execute("BEGIN TRANSACTION")
        try:
            for landed in files:
                entry = self.load_file(landed)
                if entry is None:
                    report.already_processed += 1
                else:
                    report.entries.append(entry)
            manifest.record_load(self.con, self.load_id, source_name, delivery, started,
                                 len(files), len(report.entries))  # fmt: skip
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            with contextlib.suppress(duckdb.Error):  # still registered when a file failed
                self.con.unregister(LINES_VIEW)
            self.leaving.clear()
            raise
        for landed in self.leaving:  # the manifest says where they went: now they may leave landing
            remove_from_landing(landed)
        self.leaving.clear()
        return report


def load_partition(
    con: duckdb.DuckDBPyConnection, home: Path, source_name: str, delivery: date,
    load_id: str | None = None,
) -> PartitionReport:  # fmt: skip
    """Load every file of `landing/<delivery>/<source_name>/` that bronze has not seen."""
    loader = PartitionLoader(con, home, load_id or new_load_id())
    files = source_files(home, source(source_name), delivery)
    return loader.run(source_name, files, delivery)


def sweep_strays(
    con: duckdb.DuckDBPyConnection, home: Path, delivery: date, load_id: str | None = None
) -> PartitionReport:
    """Quarantine files of a delivery folder that sit outside every known source folder, and
    every file under landing/ outside a delivery-date folder (`not-a-date/`, `2026-13-45/`, a
    file directly in landing/): the first sweep that runs takes them, under its own date."""
    loader = PartitionLoader(con, home, load_id or new_load_id())
    files = stray_files(home, delivery) + undated_files(home, delivery)
    report = loader.run(STRAY, files, delivery)
    remove_empty_undated_folders(home)
    return report
