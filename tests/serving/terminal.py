"""A program on a pseudo-terminal, driven as a person at a terminal would: type, read, quit.

Why our own: the stdlib `pty` gives the program a real controlling terminal (line editing, Ctrl-C
as a person sends it), and nothing in the project's dependencies drives one. The DuckDB CLI asks
its terminal for the cursor position, the device attributes and the background colour before
each prompt; a terminal emulator answers, so this one does too, or the CLI waits for them.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import time
from collections.abc import Sequence

# (terminal query the program writes, what a terminal answers)
ANSWERS = (
    (b"\x1b[6n", b"\x1b[1;1R"),  # cursor position: row 1, column 1
    (b"\x1b[c", b"\x1b[?62;22c"),  # primary device attributes: a VT220 with colour
    (b"\x1b]11;?\x07", b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"),  # background colour: white
)
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
WAIT_S = 60.0  # a bound against hanging the suite, not a timed assertion


class Terminal:
    """One program on a pty; `expect` reads until a text appears on screen."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            try:
                os.execve(argv[0], list(argv), {**env, "TERM": "xterm-256color"})
            finally:
                os._exit(127)  # never back into the test runner
        self.raw = b""
        self._answered = dict.fromkeys((query for query, _ in ANSWERS), 0)
        self._seen = 0
        self.closed = False  # the program closed its terminal (it has exited)

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the program has exited
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.raw += chunk
        for query, answer in ANSWERS:  # counted over everything: a query may span two reads
            asked = self.raw.count(query)
            for _ in range(asked - self._answered[query]):
                os.write(self.fd, answer)
            self._answered[query] = asked
        return True

    @property
    def screen(self) -> str:
        """Everything the program printed, without terminal escapes."""
        return ESCAPES.sub(b"", self.raw).decode("utf-8", "replace")

    def expect(self, text: str) -> str:
        """Read until `text` appears after what was expected before; what came up to it."""
        deadline = time.monotonic() + WAIT_S
        while text not in self.screen[self._seen :] and time.monotonic() < deadline:
            if not self._pump(0.2) and self.closed:
                break
        screen = self.screen
        at = screen.find(text, self._seen)
        assert at >= 0, f"{text!r} never appeared; the terminal shows:\n{screen[-2000:]}"
        before, self._seen = screen[self._seen : at], at + len(text)
        while self._pump(0.3):  # let the line editor finish its terminal queries
            pass
        return before

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def settle(self, seconds: float) -> None:
        """Keep answering the terminal for a moment (e.g. while a typed query starts)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump(0.1)

    def wait(self) -> int:
        """The program's exit code, once it exits (killed after WAIT_S)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            self._pump(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        raise AssertionError(f"still running after {WAIT_S} s:\n{self.screen[-2000:]}")
