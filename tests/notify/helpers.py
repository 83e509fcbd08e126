"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the notify tests, and homes that send to it
(the fixtures are in conftest.py).

Why a real server: smtplib's dialogue (EHLO, AUTH, MAIL, RCPT, DATA) and the MIME message are
what must work against a plant's mail relay; a mock of smtplib would only prove the mock.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from plants.home import Home

USER, PASSWORD = "shopfloor", "s3cret-Pa55word-never-logged"
PASSWORD_ENV = "SHOPFLOOR_TEST_SMTP_PASSWORD"


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What the server received, or the answer it gives to DATA instead of accepting."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    answer: str = "250 Message accepted for delivery"

    async def handle_DATA(self, server, session, envelope) -> str:  # the name aiosmtpd calls
        if not self.answer.startswith("250"):
            return self.answer
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.answer


class _Authenticator:
    """Accepts USER/PASSWORD only (aiosmtpd's authenticator protocol)."""

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        )
        return AuthResult(success=ok, handled=False)


@dataclass
class Server:
    inbox: Inbox
    port: int


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl; valid one day)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def serve(auth: bool, tls: tuple[Path, Path] | None = None) -> Iterator[Server]:
    """A server on a free port: AUTH required when `auth`; STARTTLS required with `tls`
    (certificate, key), and then AUTH only after it."""
    inbox = Inbox()
    port = free_port()
    kwargs: dict = {"authenticator": _Authenticator(), "auth_require_tls": tls is not None}
    kwargs = kwargs if auth else {}
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        kwargs |= {"tls_context": context, "require_starttls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


def write_notify(home: Path, section: dict) -> Home:
    """Give a home a `notify:` section (keeping the plant it names)."""
    record_path = Home(home).plant_record
    record = yaml.safe_load(record_path.read_text()) if record_path.exists() else {}
    home.mkdir(parents=True, exist_ok=True)
    record_path.write_text(yaml.safe_dump({**(record or {}), "notify": section}), encoding="utf-8")
    return Home.at(home)


def notify_section(port: int, **extra) -> dict:
    """A section sending to 127.0.0.1:port without TLS, with quick retries."""
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "sender": "shopfloor@plant.test"}
    smtp.update(extra.pop("smtp", {}))
    return {
        "smtp": smtp,
        "recipients": ["manager@plant.test", "quality@plant.test"],
        "retry": {"attempts": 3, "backoff_seconds": 0.01},
        **extra,
    }


def report_files(folder: Path) -> list[Path]:
    """A small PDF and xlsx standing in for a day's report (reporting/ builds the real ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "shopfloor-report-2026-10-22.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    xlsx = folder / "shopfloor-report-2026-10-22.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 a workbook stands here\x00\x01\x02")
    return [pdf, xlsx]
