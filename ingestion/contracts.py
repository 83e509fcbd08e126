"""The declared bronze contract: every source, its file format, file names and columns.

Why: the loaders must not guess. Everything a loader may accept (required and optional columns,
renames mapped by the alias table, the file-name pattern of each landing folder) is declared here
once, so that a deviation becomes a reject or a quarantine with a reason instead of silent loss.
All identifiers that reach SQL come from this module (a fixed whitelist).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    """How a source's files are laid out."""

    CSV = "csv"  # header line + one record per line
    JSONL = "jsonl"  # one JSON object per line
    SNAPSHOT = "snapshot"  # one OPC-UA snapshot object per line, flattened to one row per node
    LOG = "log"  # free text, one row per raw line


DATE_RE = r"(?P<date>\d{4}-\d{2}-\d{2})"
# Redelivered copies keep the original stem and add a suffix: `x__resent.csv`, `x (1).csv`, ...
SUFFIX_RE = r"(?P<suffix>[^/]*?)"


@dataclass(frozen=True)
class SourceSpec:
    """One raw source of the data contract as bronze sees it."""

    name: str
    fmt: Format
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # delivered column name -> bronze column name (schema drift: renames are declared, not guessed)
    aliases: dict[str, str] = field(default_factory=dict)
    # file stem before `__<date>`; None = the source name (machine logs use the station id)
    stem_re: str | None = None
    # explicit table order when it is not required + optional
    order: tuple[str, ...] | None = None

    @property
    def extension(self) -> str:
        return {Format.CSV: "csv", Format.LOG: "log"}.get(self.fmt, "jsonl")

    @property
    def file_re(self) -> re.Pattern[str]:
        stem = self.stem_re or re.escape(self.name)
        return re.compile(rf"^(?P<stem>{stem})__{DATE_RE}{SUFFIX_RE}\.{self.extension}$")

    @property
    def expected_name(self) -> str:
        stem = "<STATION>" if self.stem_re else self.name
        return f"{stem}__<YYYY-MM-DD>.{self.extension}"

    @property
    def columns(self) -> tuple[str, ...]:
        """Bronze payload columns, in table order."""
        return self.order or (self.required + self.optional)

    @property
    def table(self) -> str:
        return f"bronze.{self.name}"

    @property
    def rejects_table(self) -> str:
        return f"bronze.{self.name}_rejects"


# fmt: off
SOURCES: dict[str, SourceSpec] = {
    s.name: s
    for s in (
        SourceSpec(
            "production_batches",
            Format.CSV,
            required=(
                "batch_id", "machine_id", "product", "operator_id", "start_time", "end_time",
                "units_produced", "units_defective", "energy_kwh",
            ),
            optional=("shift_code",),
            aliases={"energy_consumed_kwh": "energy_kwh"},
        ),
        SourceSpec(
            "qc_checks",
            Format.CSV,
            required=(
                "check_id", "batch_id", "machine_id", "product", "checked_at", "inspector_id",
                "sample_size", "defects_found", "reason_category", "disposition",
            ),
        ),
        SourceSpec(
            "operator_logs",
            Format.CSV,
            required=(
                "event_id", "operator_id", "operator_name", "machine_id", "event_type",
                "event_time", "note",
            ),
        ),
        SourceSpec(
            "conveyor_requests",
            Format.CSV,
            required=("request_id", "conveyor_id", "station_id", "requested_at"),
        ),
        SourceSpec(
            "product_scans",
            Format.CSV,
            required=("scan_id", "scanner_id", "station_id", "product_code", "scanned_at"),
        ),
        SourceSpec(
            "equipment_records",
            Format.CSV,
            required=(
                "record_id", "controller_id", "station_id", "status_word", "recorded_at",
                "operator_id",
            ),
        ),
        SourceSpec(
            "asset_registry",
            Format.CSV,
            required=(
                "export_date", "machine_id", "line_id", "machine_type", "manufacturer", "model",
                "firmware_version", "location", "ideal_cycle_times", "last_maintenance_date",
                "effective_date",
            ),
        ),
        SourceSpec(
            "sensor_logs",
            Format.JSONL,
            required=("device_id", "machine", "ts"),
            optional=("received_at", "temperature_c", "pressure_bar", "power_kw", "vibration_mm_s"),
        ),
        SourceSpec(
            "controller_snapshots",
            Format.SNAPSHOT,
            # per line: endpoint, server_timestamp, nodes[]; per node read: the rest
            required=("server_timestamp", "node_id", "source_timestamp", "status_code"),
            optional=("endpoint", "node_index", "value", "data_type"),
            order=(
                "endpoint", "server_timestamp", "node_index", "node_id", "value", "data_type",
                "source_timestamp", "status_code",
            ),
        ),
        SourceSpec(
            "machine_logs",
            Format.LOG,
            required=("log_source", "line"),
            stem_re=r"[A-Za-z0-9][A-Za-z0-9_.-]*?",
        ),
    )
}
# fmt: on

SNAPSHOT_LINE_KEYS = ("endpoint", "server_timestamp", "nodes")
SNAPSHOT_NODE_KEYS = ("node_id", "value", "data_type", "source_timestamp", "status_code")
# A machine-log line must at least look like `<timestamp> [<LEVEL>] <message>`; parsing the
# message is silver's job (rule table), bronze only refuses what is not a log line at all.
LOG_LINE_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\S* \[[A-Z]+\] "

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_source_file", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_delivery_date", "DATE"),
    ("_loaded_at", "TIMESTAMPTZ"),
    ("_load_id", "VARCHAR"),
)


def source(name: str) -> SourceSpec:
    """The spec of a known source; KeyError names the valid ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
