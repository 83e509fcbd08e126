"""Row-level value rules as SQL: whether a row obeys them all, and if not, the first it breaks.

Why: the contract declares what each column's values must look like (`contracts.Rule`, per
source and column); the screen evaluates them in the same vectorised DuckDB pass as the line
checks, so one bad value becomes one reject naming field, value and reason while the rest of the
file loads, instead of a row that fails a test downstream on every later run. Two expressions per
file: a small boolean every row pays for, and the detailed reason (a much larger expression, so
slower to plan) only evaluated, in a second pass, when some row broke a rule. Every value is
bound (`?`); only the value expressions the parsers pass in (fixed SQL) are spliced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingestion.contracts import RULE_FORMS, Rule, SourceSpec, plausible_window

VIOLATION_TYPE = "STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)"
SHOWN_CHARS = 80  # a value is quoted in its reason up to this length (the column keeps it all)


@dataclass(frozen=True)
class RuleSql:
    """`ok`: TRUE when a row obeys every rule (never NULL); `detail`: the first violation, a
    VIOLATION_TYPE struct (NULL when none). Both over the same value expressions."""

    ok: str = "true"
    ok_params: list = field(default_factory=list)
    detail: str = f"CAST(NULL AS {VIOLATION_TYPE})"
    detail_params: list = field(default_factory=list)


NO_RULES = RuleSql()


def _shown(value: str) -> str:
    return (
        f"CASE WHEN length({value}) > {SHOWN_CHARS} THEN left({value}, {SHOWN_CHARS}) || '…' "
        f"ELSE {value} END"
    )


def _valid(rule: Rule, value: str) -> str:
    """The well-formedness test of a present value (`?`: the rule's pattern)."""
    valid = f"regexp_full_match({value}, ?)"
    if rule is Rule.DATE:
        valid += f" AND try_cast({value} AS DATE) IS NOT NULL"
    if rule is Rule.TIMESTAMP:
        valid += f" AND try_cast({value} AS TIMESTAMPTZ) IS NOT NULL"
    return valid


def _in_window(value: str) -> str:
    instant = f"try_cast({value} AS TIMESTAMPTZ)"
    return f"{instant} >= ? AND {instant} < ?"


def _ok(rule: Rule, required: bool, value: str, name_date: date | None) -> tuple[str, list]:
    """Whether one value obeys its rule (TRUE/FALSE, never NULL); the same tests as `_detail`,
    written with fewer expressions (each costs planning time in every file's query)."""
    test, params = f"regexp_full_match({value}, ?)", [RULE_FORMS[rule][0]]
    if rule is Rule.DATE:
        test += f" AND try_cast({value} AS DATE) IS NOT NULL"
    if rule is Rule.TIMESTAMP and name_date is None:
        test += f" AND try_cast({value} AS TIMESTAMPTZ) IS NOT NULL"
    if rule is Rule.TIMESTAMP and name_date is not None:  # [low, high): high - 1 µs inclusive
        low, high = plausible_window(name_date)
        test += f" AND try_cast({value} AS TIMESTAMPTZ) BETWEEN ? AND ?"
        params += [low, high - timedelta(microseconds=1)]
    absent = "false" if required else "true"
    return f"CASE WHEN {value} IS NULL THEN {absent} ELSE coalesce({test}, false) END", params


def _detail(
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
    branches.append(f"WHEN NOT coalesce({_valid(rule, value)}, false) THEN {found}")
    params += [pattern, column, f'{column}: "', f'" is not {expected}']
    if rule is Rule.TIMESTAMP and name_date is not None:
        low, high = plausible_window(name_date)
        branches.append(f"WHEN NOT coalesce({_in_window(value)}, false) THEN {found}")
        params += [
            low, high, column, f'{column}: "',
            f'" is outside the plausible window {low:%Y-%m-%d %H:%M} to {high:%Y-%m-%d %H:%M} '
            f"UTC for a file of production date {name_date}",
        ]  # fmt: skip
    return f"CASE {' '.join(branches)} END", params


def rule_sql(
    spec: SourceSpec,
    values: Mapping[str, str],
    name_date: date | None,
    columns: Iterable[str] | None = None,
) -> RuleSql:
    """The value rules of `spec` (in declared order) over value expressions.

    `values` maps each ruled column to the SQL expression of its value as text; `columns`
    restricts to some of them (a snapshot checks its line fields and node fields apart).
    """
    wanted = set(spec.rules if columns is None else columns)
    groups: dict[tuple[Rule, bool], list[str]] = {}
    details, detail_params = [], []
    for column, rule in spec.rules.items():
        if column not in wanted:
            continue
        required = column in spec.required
        groups.setdefault((rule, required), []).append(values[column])
        sql, p = _detail(column, rule, required, values[column], name_date)
        details.append(sql)
        detail_params += p
    if not groups:
        return NO_RULES
    # one test per kind of rule over a list of the values it governs: planning a query costs
    # per expression, and every file is a query of its own
    oks, ok_params = [], []
    for (rule, required), group in groups.items():
        sql, p = _ok(rule, required, "_x", name_date)
        oks.append(f"list_bool_and(list_transform([{', '.join(group)}], lambda _x: {sql}))")
        ok_params += p
    return RuleSql(
        " AND ".join(oks),
        ok_params,
        f"CAST(coalesce({', '.join(details)}) AS {VIOLATION_TYPE})",
        detail_params,
    )
