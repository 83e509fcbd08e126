"""SMTP delivery against a real server on 127.0.0.1: the report mail with its PDF and xlsx, AUTH
without the password ever printed, a refused connection and a 5xx answer as one clear line with
the files kept, and every attempt in audit.deliveries (issue 19 §4)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from notify import mail
from notify.config import NotifyConfigError, load
from notify.mail import CONTENT_TYPES, DeliveryFailed, deliver, deliver_report
from notify.record import flush_outbox
from plants.home import Home, home_plant_path, resolve_plant_path, set_home_plant
from tests.notify.helpers import (
    PASSWORD,
    PASSWORD_ENV,
    USER,
    free_port,
    notify_section,
    report_files,
    write_notify,
)

DAY = date(2026, 10, 22)


def deliveries(home: Home) -> list[dict]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        cursor = con.execute("select * from audit.deliveries order by attempted_at")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def test_report_mail_arrives_with_pdf_and_xlsx(tmp_path: Path, smtp_server) -> None:
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    files = report_files(home.root / "reports" / DAY.isoformat())

    delivery = deliver_report(home, DAY, files, run_id="run-1")

    assert delivery is not None and delivery.status == "sent" and delivery.attempts == 1
    (message,) = smtp_server.inbox.messages
    assert smtp_server.inbox.envelopes == [
        ("shopfloor@plant.test", ["manager@plant.test", "quality@plant.test"])
    ]
    assert DAY.isoformat() in message["Subject"]
    attached = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attached) == {p.name for p in files}
    for path in files:  # the bytes as written, under the right content type
        assert attached[path.name].get_content() == path.read_bytes()
        assert attached[path.name].get_content_type() == CONTENT_TYPES[path.suffix]
    (row,) = deliveries(home)
    assert (row["kind"], row["status"], row["run_id"], row["attempts"]) == (
        "report",
        "sent",
        "run-1",
        1,
    )
    assert row["attachments"] == [str(p) for p in files] and row["error"] is None


def test_recipients_given_override_the_configured_ones(tmp_path: Path, smtp_server) -> None:
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    deliver_report(home, DAY, report_files(tmp_path / "r"), recipients=["night@plant.test"])
    assert smtp_server.inbox.envelopes[0][1] == ["night@plant.test"]


def test_no_mail_configured_and_no_recipients_sends_nothing(tmp_path: Path) -> None:
    home = Home.at(tmp_path / "home")
    assert deliver_report(home, DAY, report_files(tmp_path / "r")) is None
    assert not home.warehouse.exists()  # nothing recorded either: nothing was attempted


def test_auth_logs_in_and_never_shows_the_password(
    tmp_path: Path, smtp_auth_server, monkeypatch, caplog, capsys
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    section = notify_section(
        smtp_auth_server.port, smtp={"user": USER, "password_env": PASSWORD_ENV}
    )
    home = write_notify(tmp_path / "home", section)
    caplog.set_level(logging.DEBUG)

    deliver(home, kind="report", subject="s", body="b", attachments=[])
    assert len(smtp_auth_server.inbox.messages) == 1

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD + "-wrong")  # refused: 535, in the error line
    with pytest.raises(DeliveryFailed, match=r"535") as refused:
        deliver(home, kind="report", subject="s", body="b", attachments=[])
    shown = caplog.text + "".join(capsys.readouterr()) + str(refused.value) + repr(load(home))
    shown += "".join(str(row) for row in deliveries(home))
    assert PASSWORD not in shown


def test_user_without_password_variable_is_a_clear_error(
    tmp_path: Path, smtp_auth_server, monkeypatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    section = notify_section(
        smtp_auth_server.port, smtp={"user": USER, "password_env": PASSWORD_ENV}
    )
    home = write_notify(tmp_path / "home", section)
    with pytest.raises(DeliveryFailed, match=rf"\${PASSWORD_ENV} is not set"):
        deliver(home, kind="report", subject="s", body="b", attachments=[])


def test_refused_connection_retries_then_fails_in_one_line(tmp_path: Path, monkeypatch) -> None:
    port = free_port()  # nothing listens there
    home = write_notify(tmp_path / "home", notify_section(port))
    files = report_files(home.root / "reports" / DAY.isoformat())
    waits: list[float] = []
    monkeypatch.setattr(mail.time, "sleep", waits.append)

    with pytest.raises(DeliveryFailed) as failed:
        deliver_report(home, DAY, files)

    message = str(failed.value)
    assert "\n" not in message and f"127.0.0.1:{port}" in message
    assert "after 3 attempts" in message and "connection refused" in message
    assert waits == [0.01, 0.02]  # exponential backoff between the three attempts
    assert all(p.exists() for p in files)  # nothing lost: the report stays where it was
    (row,) = deliveries(home)
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 3, message)


def test_5xx_answer_is_not_retried_and_names_the_answer(
    tmp_path: Path, smtp_server, monkeypatch
) -> None:
    smtp_server.inbox.answer = "554 5.7.1 Message rejected by policy"
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    files = report_files(home.root / "reports" / DAY.isoformat())
    monkeypatch.setattr(mail.time, "sleep", lambda s: pytest.fail("a 5xx answer was retried"))

    with pytest.raises(DeliveryFailed) as failed:
        deliver_report(home, DAY, files)

    assert f"127.0.0.1:{smtp_server.port}" in str(failed.value)
    assert "554 5.7.1 Message rejected by policy" in str(failed.value)
    assert all(p.exists() for p in files)
    (row,) = deliveries(home)
    assert (row["status"], row["attempts"]) == ("failed", 1)


def test_mail_command_exits_non_zero_on_a_failed_delivery(
    tmp_path: Path, smtp_server, capsys
) -> None:
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    assert main(["mail", "--home", str(home.root)]) == 0
    assert len(smtp_server.inbox.messages) == 1

    smtp_server.inbox.answer = "554 5.7.1 no thanks"
    assert main(["mail", "--home", str(home.root)]) == 1
    assert "554 5.7.1 no thanks" in capsys.readouterr().err


def test_bad_section_names_the_file_and_the_key(tmp_path: Path, capsys) -> None:
    section = notify_section(25)
    section["smtp"]["port"] = "twenty-five"
    section["smtp"]["securty"] = "ssl"
    home = write_notify(tmp_path / "home", section)
    with pytest.raises(NotifyConfigError) as bad:
        load(home)
    lines = str(bad.value).splitlines()
    assert any(line.startswith(f"{home.plant_record}: notify.smtp.port: ") for line in lines)
    assert any(line.startswith(f"{home.plant_record}: notify.smtp.securty: ") for line in lines)
    assert main(["mail", "--home", str(home.root)]) == 2
    assert "notify.smtp.port" in capsys.readouterr().err


HOLD_WAREHOUSE = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def test_delivery_while_a_run_holds_the_warehouse_is_recorded_later(
    tmp_path: Path, smtp_server
) -> None:
    """The mail goes out; its record waits in the outbox and the next writer carries it in."""
    home = write_notify(tmp_path / "home", notify_section(smtp_server.port))
    home.warehouse_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(home.warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        delivery = deliver_report(home, DAY, report_files(tmp_path / "r"))
        assert delivery.status == "sent" and len(smtp_server.inbox.messages) == 1
        assert len(list(home.notify_outbox.glob("*.json"))) == 1
    finally:
        holder.communicate("done\n", timeout=30)
    con = duckdb.connect(str(home.warehouse))
    try:
        assert flush_outbox(con, home) == 1
        row = con.execute(
            "select delivery_id, status, attempted_at from audit.deliveries"
        ).fetchone()
    finally:
        con.close()
    assert row[:2] == (delivery.delivery_id, "sent") and row[2] == delivery.attempted_at
    assert not list(home.notify_outbox.glob("*.json"))


def test_starttls_then_auth(tmp_path: Path, smtp_tls_server, monkeypatch) -> None:
    """The server requires STARTTLS before AUTH; the client verifies its certificate (trusted
    here through SSL_CERT_FILE, which Python's default context reads, as a plant's CA would be)."""
    server, cert = smtp_tls_server
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    smtp = {"security": "starttls", "user": USER, "password_env": PASSWORD_ENV}
    home = write_notify(tmp_path / "home", notify_section(server.port, smtp=smtp))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    deliver_report(home, DAY, report_files(tmp_path / "r"))
    assert len(server.inbox.messages) == 1

    monkeypatch.delenv("SSL_CERT_FILE")  # an untrusted certificate is refused, by name
    with pytest.raises(DeliveryFailed, match="CERTIFICATE_VERIFY_FAILED"):
        deliver_report(home, DAY, report_files(tmp_path / "r"))
    assert len(server.inbox.messages) == 1


def test_naming_another_plant_keeps_the_notify_section(tmp_path: Path) -> None:
    """`shopfloor run --plant` and `generate` rewrite shopfloor.yaml: the mail settings stay."""
    section = notify_section(25)
    home = write_notify(tmp_path / "home", section)
    set_home_plant(home.root, resolve_plant_path("prairie"))
    assert load(home).smtp.host == "127.0.0.1" and load(home).recipients == tuple(
        section["recipients"]
    )
    assert home_plant_path(home.root)[0] == resolve_plant_path("prairie")
