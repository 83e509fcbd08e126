"""`shopfloor --help` helps (issue 18): plain words, accurate subcommands, every option explained
with its default, a version, --home after the subcommand, and no terminal codes in a pipe."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from itertools import pairwise

import pytest

from cli.main import DEMO_DAYS, build_parser

ANSI_ESCAPE = "\x1b["


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    """The help text of a (sub)command, as a pipe receives it; one line per option or command."""
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return capsys.readouterr().out


def _listed(help_text: str) -> dict[str, str]:
    """The subcommands a help text lists, with their help."""
    block = help_text.partition("Positional Arguments:")[2].partition("Options:")[0]
    rows = [line.split(maxsplit=1) for line in block.splitlines() if line.startswith("    ")]
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows}


def _all_commands(capsys: pytest.CaptureFixture[str], *command: str) -> list[tuple[str, ...]]:
    """Every command path under `command`, at any depth (landing retract, plant check ...)."""
    found = [command]
    for name in _listed(_help(capsys, *command)):
        if not name.startswith("{"):
            found += _all_commands(capsys, *command, name)
    return found


def _shopfloor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, check=False
    )


def test_help_in_a_pipe_is_plain_words_without_terminal_codes() -> None:
    proc = _shopfloor("--help")
    assert proc.returncode == 0, proc.stderr
    description = build_parser().description
    assert "`" not in description and description in " ".join(proc.stdout.split())
    assert ANSI_ESCAPE not in proc.stdout
    for command in ("generate", "run", "ui", "dashboard", "demo", "landing", "plant"):
        assert f"    {command} " in proc.stdout, command


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help unwrapped: one line per option and per subcommand."""
    monkeypatch.setenv("COLUMNS", "400")


def test_demo_says_it_runs_the_whole_pipeline(wide, capsys) -> None:
    demo = _listed(_help(capsys))["demo"]
    assert f"simulate {DEMO_DAYS} days" in demo
    for stage in ("bronze", "silver", "gold", "truth gate", "publish"):
        assert stage in demo, stage


def test_every_option_has_help_and_shows_its_default(wide, capsys) -> None:
    commands = _all_commands(capsys)
    assert ("landing", "retract") in commands and ("plant", "vars") in commands
    for command in commands:
        lines = [*_help(capsys, *command).partition("Options:")[2].splitlines(), ""]
        for line, following in pairwise(lines):
            if line.startswith("  -"):  # a long option spec puts its help on the next line
                spec, _, explained = line.strip().partition("  ")
                explained = explained or following if following.startswith("     ") else explained
                assert explained.strip(), (command, spec)
    ui = _help(capsys, "ui")
    assert "--port PORT" in ui and "(default: 3000)" in ui
    generate = _help(capsys, "generate")
    defaults = ("(default: 2026-10-19)", f"(default: {DEMO_DAYS})", "(default: 42)",
                "(default: default)", "(default: 1)")  # fmt: skip
    for default in defaults:
        assert default in generate, default


def test_version_is_the_installed_package_version() -> None:
    proc = _shopfloor("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"shopfloor {version('shopfloor')}"


@pytest.mark.parametrize(
    "argv",
    [
        ["--home", "X", "run"],
        ["run", "--home", "X"],
        ["run", "--start", "2026-10-22", "--home", "X"],
        ["landing", "history", "--home", "X"],
        ["plant", "vars", "--home", "X"],
    ],
)
def test_home_is_accepted_before_or_after_the_subcommand(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).home == "X"


def test_home_after_the_subcommand_overrides_the_one_before() -> None:
    assert build_parser().parse_args(["--home", "A", "run", "--home", "B"]).home == "B"
    assert build_parser().parse_args(["run"]).home is None  # then $SHOPFLOOR_HOME, else ./data


def test_an_unknown_chaos_type_lists_the_valid_ones() -> None:
    from generators.chaos import NAME_TO_ID

    proc = _shopfloor("generate", "--chaos-rate", "gremlins=0.5")
    assert proc.returncode == 2
    assert "unknown chaos type 'gremlins'; valid names: " in proc.stderr
    assert all(name in proc.stderr for name in NAME_TO_ID)
