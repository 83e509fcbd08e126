"""The `notify:` section of `<home>/shopfloor.yaml`: the SMTP server, recipients, retries and
alert rules, typed and checked.

Why pydantic: a mistyped port or an unknown rule must stop with the file and the key it concerns
(`shopfloor.yaml: notify.smtp.port: ...`), not with a traceback deep in smtplib; pydantic (already
installed with Dagster) checks types, choices and unknown keys and names the path of each problem,
so none of that checking is written by hand here.

The password is never in the file: the section names an environment variable
(`smtp.password_env`, default SHOPFLOOR_SMTP_PASSWORD) and the password is read from it only when
a message is sent (`smtp_password`), so neither this object nor its repr ever holds it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plants.home import Home, home_record

SECTION = "notify"
DEFAULT_PASSWORD_ENV = "SHOPFLOOR_SMTP_PASSWORD"
Severity = Literal["warning", "critical"]


class _Strict(BaseModel):
    """Unknown keys are errors (a misspelt key must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Smtp(_Strict):
    """Where and how to hand mail over."""

    host: str
    port: int | None = Field(default=None, gt=0, lt=65536)  # None: 587 / 465 / 25 by security
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None  # log in when set (the password from `password_env`)
    password_env: str = DEFAULT_PASSWORD_ENV
    sender: str
    timeout_seconds: float = Field(default=30.0, gt=0)

    @property
    def effective_port(self) -> int:
        """The configured port, else the usual one for the security chosen."""
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.effective_port}"


class Retry(_Strict):
    """Attempts per message, waiting backoff_seconds × 2^(attempt − 1) between them."""

    attempts: int = Field(default=3, ge=1, le=10)
    backoff_seconds: float = Field(default=2.0, ge=0, le=300)

    def delay(self, failed_attempt: int) -> float:
        """Seconds to wait after the n-th failed attempt (1-based): exponential backoff."""
        return self.backoff_seconds * 2 ** (failed_attempt - 1)


class Rule(_Strict):
    """An alert rule: on or off, and the severity its alerts carry."""

    enabled: bool = True
    severity: Severity = "warning"


class BelowTarget(Rule):
    """A machine-shift whose KPI is below the machine's target (gold.dim_target)."""

    kpis: tuple[Literal["oee", "availability", "performance", "quality"], ...] = (
        "oee",
        "availability",
    )


class Degrading(Rule):
    """A machine whose daily performance falls (notify/degrading.py owns the slope and its
    thresholds, which the dashboard's health light reads too); `days` of history are fitted."""

    severity: Severity = "warning"  # "critical" once the slope reaches the alert threshold
    days: int = Field(default=7, ge=3, le=90)


class RunFailed(Rule):
    severity: Severity = "critical"


class Alerts(_Strict):
    """Which rules raise alerts, and who gets the one alert mail of a run."""

    recipients: tuple[str, ...] | None = None  # None: the report recipients
    below_target: BelowTarget = BelowTarget()
    degrading: Degrading = Degrading()
    source_late: Rule = Rule()
    reconciliation: Rule = Rule()
    run_failed: RunFailed = RunFailed()


class NotifyConfig(_Strict):
    """The whole `notify:` section; every key but `smtp` optional."""

    smtp: Smtp | None = None  # None: no mail is sent (alerts are still recorded)
    recipients: tuple[str, ...] = ()  # the daily report's
    retry: Retry = Retry()
    alerts: Alerts = Alerts()

    @property
    def alert_recipients(self) -> tuple[str, ...]:
        return self.recipients if self.alerts.recipients is None else self.alerts.recipients


class NotifyConfigError(ValueError):
    """The `notify:` section is not valid: one line per problem, naming the file and key."""


def _problems(path: Path, error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        key = ".".join(str(part) for part in (SECTION, *problem["loc"]))
        lines.append(f"{path}: {key}: {problem['msg']}")
    return "\n".join(lines)


def parse(section: Any, path: Path) -> NotifyConfig:
    """The section as read from `path` (named in errors); an absent section is all defaults."""
    try:
        return NotifyConfig.model_validate(section or {})
    except ValidationError as exc:
        raise NotifyConfigError(_problems(path, exc)) from None


def load(home: Home) -> NotifyConfig:
    """The home's `notify:` section (defaults when the file or section is absent)."""
    path = home.plant_record
    try:
        record = home_record(home.root)
    except yaml.YAMLError as exc:
        raise NotifyConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(record, dict):
        raise NotifyConfigError(f"{path}: expected a mapping of keys, not {type(record).__name__}")
    return parse(record.get(SECTION), path)


def smtp_password(smtp: Smtp) -> str | None:
    """The SMTP password from the environment variable the section names (None when unset)."""
    return os.environ.get(smtp.password_env) or None
