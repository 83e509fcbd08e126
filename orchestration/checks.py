"""Asset checks on bronze: row accounting per file, and no landed file left unprocessed.

Why: "nothing lost" is a property to prove on every run, not a hope: a check fails, naming the
files, when rows read ≠ rows loaded + rows rejected or when a landed file has no manifest entry.
"""

from dagster import AssetCheckResult, AssetChecksDefinition, AssetCheckSeverity, asset_check

from ingestion.accounting import accounting_breaks, stuck_files
from ingestion.contracts import SOURCES
from ingestion.landing import STRAY
from orchestration.assets import STRAY_ASSET, bronze_key
from orchestration.resources import WarehouseResource

MAX_LISTED = 20


def _result(problems: list[str], what: str) -> AssetCheckResult:
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        description=f"{len(problems)} {what}" if problems else None,
        metadata={"count": len(problems), "examples": "\n".join(problems[:MAX_LISTED]) or "none"},
    )


def build_accounting_check(source_name: str) -> AssetChecksDefinition:
    @asset_check(
        asset=bronze_key(source_name),
        name="row_accounting",
        description="For every file: rows read = rows loaded + rows rejected, and the bronze "
        "and reject tables hold exactly those rows.",
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        con = warehouse.connect()
        try:
            return _result(accounting_breaks(con, source_name), "file(s) break row accounting")
        finally:
            con.close()

    return _check


def build_stuck_check(asset_name: str, manifest_source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=bronze_key(asset_name),
        name="no_file_unprocessed",
        description="Every file in an already-loaded delivery folder has a manifest entry "
        "(loaded, rejected, quarantined or duplicate).",
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        con = warehouse.connect()
        try:
            stuck = stuck_files(con, warehouse.home_path, manifest_source)
        finally:
            con.close()
        return _result(stuck, "landed file(s) without a manifest entry")

    return _check


def bronze_checks() -> list[AssetChecksDefinition]:
    checks = [build_accounting_check(s) for s in SOURCES]
    checks += [build_stuck_check(s, s) for s in SOURCES]
    checks.append(build_stuck_check(STRAY_ASSET, STRAY))
    return checks
