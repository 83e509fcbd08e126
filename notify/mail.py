"""Send a message with attachments over SMTP, retrying, and record every attempt in
audit.deliveries.

Why the standard library: smtplib and email.message.EmailMessage speak SMTP, STARTTLS, SSL and
AUTH and build MIME attachments; a third-party client would add a dependency and nothing else.

What a failure leaves: a refused connection or a 4xx answer is retried with exponential backoff
(notify.config.Retry); a 5xx answer is the server's final word and is not retried. After the last
attempt DeliveryFailed carries one line naming the server (host:port) and its answer. The files
attached are only read, never moved or deleted, so a failed delivery loses no report. The
attempt is recorded either way (notify/record.py: written to the warehouse, or kept in an outbox
file when a run holds the warehouse, and carried in by the next writer).

The SMTP password is read from the environment for the login call only: it is never logged,
never part of an error message and never stored.
"""

from __future__ import annotations

import logging
import mimetypes
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from notify.config import NotifyConfig, Smtp, load, smtp_password
from notify.record import record_delivery
from plants.home import Home

log = logging.getLogger(__name__)

# mimetypes does not know .xlsx on every platform (it reads the system's mime.types)
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SENT, FAILED = "sent", "failed"


class DeliveryFailed(Exception):
    """A message was not delivered after every attempt: one line naming server and answer."""

    def __init__(self, message: str, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts = attempts


class MailNotConfigured(DeliveryFailed):
    """No `notify.smtp` section, or no recipients: nothing could be sent."""


@dataclass(frozen=True)
class Delivery:
    """One delivery as audit.deliveries records it."""

    delivery_id: str
    run_id: str | None
    attempted_at: datetime
    kind: str
    recipients: list[str]
    subject: str
    attachments: list[str]
    status: str
    attempts: int
    error: str | None


def build_message(
    sender: str, recipients: Sequence[str], subject: str, body: str, attachments: Sequence[Path]
) -> EmailMessage:
    """A plain-text message with each file attached under its own name."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for path in attachments:
        content_type = CONTENT_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def _connect(smtp: Smtp) -> smtplib.SMTP:
    """An open, greeted (and, with STARTTLS, encrypted) connection to the configured server."""
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(
            smtp.host, smtp.effective_port, timeout=smtp.timeout_seconds, context=context
        )
    client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout_seconds)
    if smtp.security == "starttls":
        client.starttls(context=context)
    return client


def _send_once(smtp: Smtp, message: EmailMessage) -> None:
    with _connect(smtp) as client:
        if smtp.user:
            password = smtp_password(smtp)
            if password is None:
                raise DeliveryFailed(
                    f"smtp.user is {smtp.user!r} but ${smtp.password_env} is not set: "
                    "export the SMTP password in that variable"
                )
            client.login(smtp.user, password)
        client.send_message(message)


def _answer(error: BaseException) -> str:
    """The server's answer (code and text) or the connection error, on one line."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{who}: {code} {_text(text)}" for who, (code, text) in error.recipients.items()
        )
        return f"recipients refused: {refused}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"server answered {error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its port?)"
    return f"{type(error).__name__}: {_text(str(error))}"


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())


def _permanent(error: BaseException) -> bool:
    """A 5xx answer: the server refused for good, retrying would get the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send(
    config: NotifyConfig,
    message: EmailMessage,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Hand `message` to the configured server, retrying transient failures with backoff; the
    number of attempts made. DeliveryFailed (one line) when every attempt failed."""
    smtp = config.smtp
    if smtp is None:
        raise MailNotConfigured("no `notify.smtp` section in shopfloor.yaml: mail is not set up")
    attempts = config.retry.attempts
    for attempt in range(1, attempts + 1):
        try:
            _send_once(smtp, message)
            return attempt
        except DeliveryFailed:
            raise
        except (OSError, smtplib.SMTPException) as error:  # socket errors are OSErrors
            answer = _answer(error)
            if _permanent(error) or attempt == attempts:
                tries = f"{attempt} attempt{'s' if attempt != 1 else ''}"
                raise DeliveryFailed(
                    f"mail to {message['To']} not delivered via {smtp.address} after {tries}: "
                    f"{answer}",
                    attempt,
                ) from None
            delay = config.retry.delay(attempt)
            log.warning("mail via %s failed (%s); retrying in %g s", smtp.address, answer, delay)
            (sleep or time.sleep)(delay)
    raise AssertionError("unreachable: the loop returns or raises")


def deliver(
    home: Home,
    *,
    kind: str,
    subject: str,
    body: str,
    attachments: Sequence[Path],
    recipients: Sequence[str] | None = None,
    run_id: str | None = None,
    config: NotifyConfig | None = None,
) -> Delivery:
    """Send one message to `recipients` (default: the configured report recipients), recorded in
    audit.deliveries whatever happens; DeliveryFailed after the last failed attempt."""
    config = config or load(home)
    to = list(recipients if recipients is not None else config.recipients)
    files = [Path(p) for p in attachments]
    started = datetime.now(UTC)
    attempts, error = 0, None
    try:
        if not to:
            raise MailNotConfigured(
                "no recipients: name them with --to or `notify.recipients` in shopfloor.yaml"
            )
        if config.smtp is None:
            raise MailNotConfigured(
                "no `notify.smtp` section in shopfloor.yaml: mail is not set up"
            )
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise DeliveryFailed(f"attachment not found: {', '.join(missing)}")
        message = build_message(config.smtp.sender, to, subject, body, files)
        attempts = send(config, message)
    except DeliveryFailed as failure:
        error, attempts = str(failure), failure.attempts
        raise
    except BaseException as unexpected:  # a bug or an interrupt: recorded as failed, then raised
        error = f"{type(unexpected).__name__}: {unexpected}"
        raise
    finally:
        delivery = Delivery(
            delivery_id=uuid.uuid4().hex,
            run_id=run_id,
            attempted_at=started,
            kind=kind,
            recipients=to,
            subject=subject,
            attachments=[str(p) for p in files],
            status=FAILED if error else SENT,
            attempts=attempts,
            error=error,
        )
        record_delivery(home, delivery)
        if error:
            log.warning("%s mail not delivered: %s", kind, error)
        else:
            log.info("%s mail sent to %s (%d attempt(s))", kind, ", ".join(to), attempts)
    return delivery


def report_subject(production_date: date, plant_name: str) -> str:
    return f"Shopfloor daily report {production_date.isoformat()}: {plant_name}"


def report_body(production_date: date, files: Sequence[Path]) -> str:
    names = "\n".join(f"  - {Path(p).name}" for p in files)
    return (
        f"The Shopfloor report of production date {production_date.isoformat()} is attached:\n"
        f"{names}\n\n"
        "The PDF is the report; the workbook holds the same numbers, one sheet per mart.\n"
        "Both are built from the published serving copy, which the dashboard also reads.\n"
    )


def deliver_report(
    home: Home,
    production_date: date,
    files: Sequence[Path],
    recipients: Sequence[str] | None = None,
    run_id: str | None = None,
) -> Delivery | None:
    """Mail a date's report files (PDF, xlsx) to `recipients` or the configured ones; None when
    mail is not configured and no recipients are given (nothing to do, nothing recorded)."""
    config = load(home)
    if recipients is None and (config.smtp is None or not config.recipients):
        return None
    from plants.home import home_plant

    plant = home_plant(home.root)
    return deliver(
        home,
        kind="report",
        subject=report_subject(production_date, plant.name),
        body=report_body(production_date, files),
        attachments=files,
        recipients=recipients,
        run_id=run_id,
        config=config,
    )
