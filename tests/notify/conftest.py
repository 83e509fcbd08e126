"""Fixtures of the notify tests: a real SMTP server on 127.0.0.1 (tests/notify/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notify.helpers import Server, self_signed, serve


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server on 127.0.0.1 that accepts every message (set `inbox.answer` to
    refuse them)."""
    yield from serve(auth=False)


@pytest.fixture
def smtp_auth_server() -> Iterator[Server]:
    """An SMTP server on 127.0.0.1 that requires AUTH as USER / PASSWORD (over plain text, as a
    test allows; a plant's relay would require STARTTLS first)."""
    yield from serve(auth=True)


@pytest.fixture
def smtp_tls_server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """An SMTP server on 127.0.0.1 that requires STARTTLS, then AUTH as USER / PASSWORD; and
    the certificate a client must trust (self-signed for 127.0.0.1)."""
    cert, key = self_signed(tmp_path)
    for server in serve(auth=True, tls=(cert, key)):
        yield server, cert
