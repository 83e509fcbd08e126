"""`shopfloor sql`: an interactive, read-only SQL shell on the serving copy, driven through a pty
as an analyst would (type a query, read the answer, quit), and its `-c QUERY` form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plants.home import Home
from tests.homes import query
from tests.serving.terminal import Terminal

SHOPFLOOR = str(Path(sys.executable).with_name("shopfloor"))  # the command users run
PROMPT = "D "  # the DuckDB CLI's prompt ends so, after the database name


def _shopfloor_sql(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SHOPFLOOR, "--home", str(home), "sql", *args], capture_output=True, text=True, check=False
    )


def test_sql_shell_answers_a_typed_query_and_quits(pipeline_home: Path) -> None:
    (machines,) = query(pipeline_home, "select count(*) from gold.dim_machine", serving=True)[0]
    shell = Terminal([SHOPFLOOR, "--home", str(pipeline_home), "sql"], dict(os.environ))
    shell.expect(PROMPT)
    shell.type("select 'machines: ' || count(*) as answer from gold.dim_machine;\r")
    shell.expect(f"machines: {machines}")
    shell.expect(PROMPT)
    shell.type("\x03")  # Ctrl-C at the prompt clears the line; the session stays
    shell.expect(PROMPT)
    shell.type("select 'still ' || 'here' as answer;\r")
    shell.expect("still here")
    shell.expect(PROMPT)
    shell.type(".quit\r")
    assert shell.wait() == 0


def test_ctrl_c_cancels_a_running_query_and_keeps_the_session(pipeline_home: Path) -> None:
    """The shell is the DuckDB binary itself: Ctrl-C reaches it, not a wrapper that would die."""
    shell = Terminal([SHOPFLOOR, "--home", str(pipeline_home), "sql"], dict(os.environ))
    shell.expect(PROMPT)
    shell.type("select count(*) from range(100000000000) as r(i) where i % 7 = 3;\r")
    shell.expect(";\n")  # the line editor took the query: it runs
    shell.settle(0.5)
    shell.type("\x03")
    shell.expect(PROMPT)
    shell.type("select 'still ' || 'here' as answer;\r")
    shell.expect("still here")
    shell.expect(PROMPT)
    shell.type(".quit\r")
    shell.wait()  # it exits (its code says whether a statement failed: the interrupted one did)


def test_sql_command_runs_one_query_read_only(pipeline_home: Path) -> None:
    (published,) = query(pipeline_home, "select count(*) from meta.publication", serving=True)[0]
    done = _shopfloor_sql(
        pipeline_home, "-c", "select 'publications: ' || count(*) from meta.publication"
    )
    assert done.returncode == 0, done.stderr
    assert f"publications: {published}" in done.stdout
    refused = _shopfloor_sql(pipeline_home, "-c", "create table gold.scratch as select 1")
    assert refused.returncode != 0
    assert "read-only" in (refused.stdout + refused.stderr)


def test_sql_without_a_serving_copy_says_so(tmp_path: Path) -> None:
    done = _shopfloor_sql(tmp_path, "-c", "select 1")
    assert done.returncode == 2
    assert str(Home(tmp_path).serving) in done.stderr
