"""Row-level value rules as SQL: for each row, the first declared rule it breaks, or NULL.

Why: the contract declares what each column's values must look like (`contracts.Rule`, per
source and column); the screen evaluates them in the same vectorised DuckDB pass as the line
checks, so one bad value becomes one reject naming field, value and reason while the rest of the
file loads, instead of a row that fails a test downstream on every later run. Every value is
bound (`?`); only the value expressions the parsers pass in (fixed SQL) are spliced.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ingestion.contracts import RULE_FORMS, Rule, SourceSpec, plausible_window

VIOLATION_TYPE = "STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)"
NO_VIOLATION = f"CAST(NULL AS {VIOLATION_TYPE})"
SHOWN_CHARS = 80  # a value is quoted in its reason up to this length (the column keeps it all)


def _shown(value: str) -> str:
    return f"CASE WHEN length({value}) > {SHOWN_CHARS} THEN left({value}, {SHOWN_CHARS}) || '…' ELSE {value} END"  # noqa: E501


def _check(
    column: str, rule: Rule, required: bool, value: str, name_date: date | None
) -> tuple[str, list]:
    """CASE yielding the violation of one rule by the value expression `value`, else NULL."""
    pattern, expected = RULE_FORMS[rule]
    found = f"{{'field': ?, 'value': {value}, 'reason': ? || {_shown(value)} || ?}}"
    branches, params = [], []
    if required:
        branches.append(f"WHEN {value} IS NULL THEN {{'field': ?, 'value': NULL, 'reason': ?}}")
        params += [column, f"{column}: missing, a value is required"]
    else:  # an optional value may be absent; the checks below assume one is present
        branches.append(f"WHEN {value} IS NULL THEN NULL")
    valid = f"regexp_full_match({value}, ?)"
    if rule is Rule.DATE:
        valid += f" AND try_cast({value} AS DATE) IS NOT NULL"
    if rule is Rule.TIMESTAMP:
        valid += f" AND try_cast({value} AS TIMESTAMPTZ) IS NOT NULL"
    branches.append(f"WHEN NOT ({valid}) THEN {found}")
    params += [pattern, column, f'{column}: "', f'" is not {expected}']
    if rule is Rule.TIMESTAMP and name_date is not None:
        low, high = plausible_window(name_date)
        instant = f"try_cast({value} AS TIMESTAMPTZ)"
        branches.append(f"WHEN NOT ({instant} >= ? AND {instant} < ?) THEN {found}")
        params += [
            low, high, column, f'{column}: "',
            f'" is outside the plausible window {low:%Y-%m-%d %H:%M} to {high:%Y-%m-%d %H:%M} '
            f"UTC for a file of production date {name_date}",
        ]  # fmt: skip
    return f"CASE {' '.join(branches)} END", params


def violation_sql(
    spec: SourceSpec,
    values: Mapping[str, str],
    name_date: date | None,
    columns: tuple[str, ...] | None = None,
) -> tuple[str, list]:
    """The first rule (in declared order) a row breaks, as a struct (field, value, reason).

    `values` maps each ruled column to the SQL expression of its value as text; `columns`
    restricts to some of them (a snapshot checks its line fields and node fields apart).
    """
    checks, params = [], []
    for column, rule in spec.rules.items():
        if columns is not None and column not in columns:
            continue
        sql, p = _check(column, rule, column in spec.required, values[column], name_date)
        checks.append(sql)
        params += p
    if not checks:
        return NO_VIOLATION, []
    return f"CAST(coalesce({', '.join(checks)}) AS {VIOLATION_TYPE})", params
