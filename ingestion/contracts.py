"""The declared bronze contract: every source, its file format, file names and columns.

Why: the loaders must not guess. Everything a loader may accept (required and optional columns,
renames mapped by the alias table, the file-name pattern of each landing folder) is declared here
once, so that a deviation becomes a reject or a quarantine with a reason instead of silent loss.
All identifiers that reach SQL come from this module (a fixed whitelist).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum


class Format(StrEnum):
    """How a source's files are laid out."""

    CSV = "csv"  # header line + one record per line
    JSONL = "jsonl"  # one JSON object per line
    SNAPSHOT = "snapshot"  # one OPC-UA snapshot object per line, flattened to one row per node
    LOG = "log"  # free text, one row per raw line


class Rule(StrEnum):
    """What a delivered value must look like (checked per row where the row enters bronze)."""

    IDENTIFIER = "identifier"  # present and not blank
    COUNT = "count"  # a whole number >= 0, digits only: no sign, separator, exponent or NaN
    AMOUNT = "amount"  # a decimal number >= 0 (an exponent allowed: JSON writers use one)
    MEASURE = "measure"  # a decimal number of either sign
    DATE = "date"  # YYYY-MM-DD, a real calendar date
    TIMESTAMP = "timestamp"  # complete, real, and within the file's plausible window


_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# Each rule's full-match pattern (RE2) and how its reason names what was expected. A timestamp
# must be complete: a date alone, or a time cut short ('2026-03-05T05:2'), would otherwise be read
# as midnight or 05:02 in silence. The time zone is optional: naive times are plant-local.
RULE_FORMS: dict[Rule, tuple[str, str]] = {
    Rule.IDENTIFIER: (r"(?s).*\S.*", "a non-blank value"),
    Rule.COUNT: (r"[0-9]{1,18}", "a whole number ≥ 0"),
    Rule.AMOUNT: (_NUMBER, "a decimal number ≥ 0"),
    Rule.MEASURE: (rf"[+-]?{_NUMBER}", "a decimal number"),
    Rule.DATE: (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date (YYYY-MM-DD)"),
    Rule.TIMESTAMP: (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
        r"(?:Z|[+-][0-9]{2}:[0-9]{2})?",
        "a complete timestamp (YYYY-MM-DD HH:MM:SS[.fff][Z|±HH:MM])",
    ),
}
# A row's timestamps must fall near the production date its file is named for: rows arrive up to
# two days late inside a later file (chaos 6), a production day runs into the next calendar day,
# and naive plant-local times are compared as if UTC (up to 14 h off). A week back and two days
# beyond the named date leave room for all of that; a row dated years away (2029) is a typo.
PLAUSIBLE_DAYS_BEFORE = 7
PLAUSIBLE_DAYS_AFTER = 2
# A physical line longer than this is one reject, never parsed (a runaway writer, a binary blob);
# the reject keeps its first RAW_PREFIX_CHARS characters, the landing file keeps it all.
MAX_LINE_BYTES = 1 << 20
RAW_PREFIX_CHARS = 1000
# C0 control characters (tab excepted) and DEL: never part of a field, a corrupted line.
CONTROL_CHARS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
CONTROL_CHARS_RE = "[" + "".join(f"\\x{b:02X}" for b in CONTROL_CHARS) + "]"


def plausible_window(name_date: date) -> tuple[datetime, datetime]:
    """[from, to) in UTC that a row's timestamps may fall in, for a file of this production date."""
    midnight = datetime.combine(name_date, time(), tzinfo=UTC)
    return (
        midnight - timedelta(days=PLAUSIBLE_DAYS_BEFORE),
        midnight + timedelta(days=1 + PLAUSIBLE_DAYS_AFTER),
    )


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
    # column -> the rule its values obey; a required column's value must also be present
    rules: dict[str, Rule] = field(default_factory=dict)

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


# the field of a machine-log line its timestamp rule names (the text before ` [LEVEL]`)
LOG_TIMESTAMP = "timestamp"
ID, N, AMT, MEAS, DAY, TS = (Rule.IDENTIFIER, Rule.COUNT, Rule.AMOUNT, Rule.MEASURE, Rule.DATE,
                             Rule.TIMESTAMP)  # fmt: skip

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
            rules={
                "batch_id": ID, "machine_id": ID, "product": ID, "operator_id": ID,
                "start_time": TS, "end_time": TS, "units_produced": N, "units_defective": N,
                "energy_kwh": AMT,
            },
        ),
        SourceSpec(
            "qc_checks",
            Format.CSV,
            required=(
                "check_id", "batch_id", "machine_id", "product", "checked_at", "inspector_id",
                "sample_size", "defects_found", "reason_category", "disposition",
            ),
            rules={
                "check_id": ID, "batch_id": ID, "machine_id": ID, "product": ID, "checked_at": TS,
                "inspector_id": ID, "sample_size": N, "defects_found": N, "disposition": ID,
            },
        ),
        SourceSpec(
            "operator_logs",
            Format.CSV,
            required=(
                "event_id", "operator_id", "operator_name", "machine_id", "event_type",
                "event_time", "note",
            ),
            rules={
                "event_id": ID, "operator_id": ID, "machine_id": ID, "event_type": ID,
                "event_time": TS,
            },
        ),
        SourceSpec(
            "conveyor_requests",
            Format.CSV,
            required=("request_id", "conveyor_id", "station_id", "requested_at"),
            rules={"request_id": ID, "conveyor_id": ID, "station_id": ID, "requested_at": TS},
        ),
        SourceSpec(
            "product_scans",
            Format.CSV,
            required=("scan_id", "scanner_id", "station_id", "product_code", "scanned_at"),
            rules={
                "scan_id": ID, "scanner_id": ID, "station_id": ID, "product_code": ID,
                "scanned_at": TS,
            },
        ),
        SourceSpec(
            "equipment_records",
            Format.CSV,
            required=(
                "record_id", "controller_id", "station_id", "status_word", "recorded_at",
                "operator_id",
            ),
            rules={
                "record_id": ID, "controller_id": ID, "station_id": ID, "status_word": N,
                "recorded_at": TS,
            },
        ),
        SourceSpec(
            "asset_registry",
            Format.CSV,
            required=(
                "export_date", "machine_id", "line_id", "machine_type", "manufacturer", "model",
                "firmware_version", "location", "ideal_cycle_times", "last_maintenance_date",
                "effective_date",
            ),
            rules={
                "export_date": DAY, "machine_id": ID, "last_maintenance_date": DAY,
                "effective_date": DAY,
            },
        ),
        SourceSpec(
            "sensor_logs",
            Format.JSONL,
            required=("device_id", "machine", "ts"),
            optional=("received_at", "temperature_c", "pressure_bar", "power_kw", "vibration_mm_s"),
            rules={
                "device_id": ID, "machine": ID, "ts": TS, "received_at": TS, "temperature_c": MEAS,
                "pressure_bar": MEAS, "power_kw": MEAS, "vibration_mm_s": MEAS,
            },
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
            rules={
                "server_timestamp": TS, "node_id": ID, "source_timestamp": TS, "status_code": ID,
            },
        ),
        SourceSpec(
            "machine_logs",
            Format.LOG,
            required=("log_source", "line"),
            stem_re=r"[A-Za-z0-9][A-Za-z0-9_.-]*?",
            rules={LOG_TIMESTAMP: TS},  # the line's own timestamp: bronze keeps the line whole
        ),
    )
}
# fmt: on

SNAPSHOT_LINE_KEYS = ("endpoint", "server_timestamp", "nodes")
SNAPSHOT_NODE_KEYS = ("node_id", "value", "data_type", "source_timestamp", "status_code")
# A machine-log line must at least look like `<timestamp> [<LEVEL>] <message>`; parsing the
# message is silver's job (rule table), bronze only refuses what is not a log line at all.
LOG_LINE_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\S* \[[A-Z]+\] "
LOG_TIMESTAMP_RE = r"^(\d{4}-\d{2}-\d{2}[T ]\S+) \["  # group 1: the timestamp as delivered

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
