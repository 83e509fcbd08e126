"""The shopfloor command: the one entry point that fronts every user action."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich_argparse import RichHelpFormatter

from cli.sql import add_sql_parser
from orchestration.spark.engine import DUCKDB, ENGINES
from plants.home import HOME_ENV, Home

if TYPE_CHECKING:
    from cli.progress import Progress

DEMO_START = date(2026, 10, 19)  # 14 days from here include the 25 Oct DST change
DEMO_DAYS = 14
# generate's simulation settings when none is given. The parser's defaults are None, so that a
# value given can be told from none: --append and --finish continue the home's simulation with
# its own settings and refuse another (_append_refusal); --help still shows these.
SEED_DEFAULT = 42
CHAOS_DEFAULT = "default"
SCALE_DEFAULT = 1


def _home(args: argparse.Namespace) -> Home:
    """The home named by --home, else by $SHOPFLOOR_HOME (default ./data)."""
    return Home.at(args.home) if args.home else Home.from_env()


def _writer_turn(command: str) -> Callable:
    """Run a command that writes the warehouse in the home's writer turn
    (orchestration/run_lock.py), imported when the command runs: `cli.main` itself stays free of
    DuckDB and Dagster so that `--help` and `generate` start fast."""

    def wrap(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        @functools.wraps(func)
        def run(args: argparse.Namespace) -> int:
            from orchestration.run_lock import holding_writer_turn

            return holding_writer_turn(lambda args: _home(args).root, command)(func)(args)

        return run

    return wrap


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _override(text: str) -> tuple[str, float]:
    """NAME=RATE of one chaos type; an unknown NAME is refused with the valid ones listed."""
    from generators.chaos import NAME_TO_ID

    name, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        rate = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=RATE, got {text!r}") from None
    if name.strip() not in NAME_TO_ID:
        raise argparse.ArgumentTypeError(
            f"unknown chaos type {name.strip()!r}; valid names: {', '.join(sorted(NAME_TO_ID))}"
        )
    return name.strip(), rate


def _anomaly_override(text: str) -> tuple[str, float]:
    """KIND=RATE of one anomaly kind (onsets per 28 days); an unknown KIND is refused."""
    from generators.anomalies import CATALOGUE

    name, sep, rate = text.partition("=")
    if not sep or name.strip() not in CATALOGUE:
        raise argparse.ArgumentTypeError(
            f"expected KIND=RATE with KIND one of {', '.join(CATALOGUE)}, got {text!r}"
        )
    try:
        return name.strip(), float(rate)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"RATE must be a number, got {rate!r}") from exc


def _print_generation(result, seconds: float) -> None:
    span = f"({result.days[0]} .. {result.days[-1]}) " if result.days else "(rows still due) "
    print(f"Generated {len(result.days)} production dates {span}in {seconds:.1f} s "
          f"into {result.home}")  # fmt: skip
    print(f"  units simulated: {result.units:,}   files written: {result.files:,}")
    print(f"  {'source':<22}{'rows':>12}{'MB':>10}")
    for source in sorted(result.rows_by_source):
        mb = result.bytes_by_source[source] / 1e6
        print(f"  {source:<22}{result.rows_by_source[source]:>12,}{mb:>10.2f}")
    if result.chaos_by_type:
        print("  chaos injected (see ground_truth/<date>/truth.json):")
        for name, n in sorted(result.chaos_by_type.items()):
            print(f"    {name:<22}{n:>8,}")
    else:
        print("  chaos injected: none (clean data)")


def cmd_generate(args: argparse.Namespace) -> int:
    from cli.progress import Progress
    from generators.run import GenerateError, generate
    from plants.check import check_and_load
    from plants.home import resolve_plant_path

    home = _home(args).root
    if getattr(args, "plant", None):
        _, problems = check_and_load(resolve_plant_path(args.plant))
        if problems:  # every mistake at once, never a simulator traceback
            print("\n".join(str(p) for p in problems), file=sys.stderr)
            return 2
    appending = getattr(args, "append", False) or getattr(args, "finish", False)
    if appending and (refusal := _append_refusal(home, args)):
        print(f"shopfloor generate: error: {refusal}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        stage = f"generate: simulating {args.days} production dates"
        with Progress() as progress, progress.stage(stage):
            result = generate(
                home,
                args.start,
                args.days,
                SEED_DEFAULT if args.seed is None else args.seed,
                CHAOS_DEFAULT if args.chaos is None else args.chaos,
                SCALE_DEFAULT if args.scale is None else args.scale,
                dict(args.chaos_rate or []),
                resolve_plant_path(args.plant) if getattr(args, "plant", None) else None,
                mode="append" if appending else getattr(args, "mode", "new"),
                finish=getattr(args, "finish", False),
                anomaly_level=getattr(args, "anomalies", None),
                anomaly_overrides=dict(getattr(args, "anomaly_rate", None) or []),
            )
    except GenerateError as exc:
        print(f"shopfloor generate: error: {exc}", file=sys.stderr)
        return 2
    _print_generation(result, time.perf_counter() - t0)
    return 0


def _append_refusal(home: Path, args: argparse.Namespace) -> str | None:
    """Why the simulation options given cannot apply: --append and --finish continue the home's
    simulation with its own seed, chaos, plant and scale (plants/home.py Home.simulator_state and
    the plant record). None when every option given matches the home's own, or when the home
    holds no simulation yet (the options then start one)."""
    from generators.state import read_state
    from plants.home import home_plant_path, resolve_plant_path

    try:
        state = read_state(Home(home).simulator_state)
    except (ValueError, KeyError):
        return None  # generate names the unreadable state
    if state is None:
        return None
    plant, scale = home_plant_path(home)
    given = [("--seed", args.seed, state.seed), ("--chaos", args.chaos, state.chaos_level),
             ("--scale", args.scale, scale)]  # fmt: skip
    if getattr(args, "plant", None):
        given.append(("--plant", resolve_plant_path(args.plant), plant))
    for name, rate in args.chaos_rate or []:
        given.append((f"--chaos-rate {name}=", rate, state.chaos_rates.get(name)))
    if getattr(args, "anomalies", None) is not None or getattr(args, "anomaly_rate", None):
        given.append(("--anomalies/--anomaly-rate", "given", "kept with its simulation"))
    conflicts = [
        f"{option}{'' if option.endswith('=') else ' '}{value} (the home's: {own})"
        for option, value, own in given
        if value is not None and value != own
    ]
    if not conflicts:
        return None
    verb = "--finish" if getattr(args, "finish", False) else "--append"
    return (
        f"{verb} continues the home's simulation with its own settings, not "
        f"{', '.join(conflicts)}; drop them, or --overwrite to start a new simulation"
    )


def _print_accounting(home: Path, echo=print) -> None:
    from ingestion.accounting import totals
    from ingestion.warehouse import connect

    con = connect(home, read_only=True)  # it only prints figures
    try:
        rows = totals(con)
    finally:
        con.close()
    echo(f"\nBronze accounting ({Home(home).warehouse}):")
    echo(f"  {'source':<22}{'files':>7}{'rows loaded':>13}{'rejected':>10}"
         f"{'quarantined':>13}{'duplicates':>12}")  # fmt: skip
    for t in rows:
        echo(f"  {t.source:<22}{t.files:>7}{t.rows_loaded:>13,}{t.rows_rejected:>10,}"
             f"{t.quarantined:>13}{t.duplicates:>12}")  # fmt: skip
    echo("  in the serving copy (shopfloor sql): rejected rows rejects.<source> (reason, file, "
         "line); files accounting.files; unreadable files: quarantine/")  # fmt: skip


def _bronze_problems(outcomes: list, refused: dict[date, str]) -> list[str]:
    """What went wrong in bronze, one phrase each, for the closing verdict."""
    failed = [str(o.day) for o in outcomes if not o.success]
    problems = []
    if failed:
        problems.append(f"bronze failed for {len(failed)} delivery date(s): {', '.join(failed)}")
    if refused:
        problems.append(f"{len(refused)} landing folder(s) refused (listed above)")
    return problems


@_writer_turn("shopfloor run")
def cmd_run(args: argparse.Namespace) -> int:
    """Load landed delivery dates into bronze, then build silver and gold, gate and publish,
    through the Dagster jobs in this process; end with PASSED or FAILED for this run."""
    from cli.progress import Progress
    from cli.run import landed_dates, refused_dates
    from ingestion.landing import undated_entries

    home = _home(args).root
    if args.start and args.end and args.start > args.end:
        print("shopfloor run: error: --start is after --end", file=sys.stderr)
        return 2
    if not _home_plant_ok(home, getattr(args, "plant", None)) or not _notify_ok(home):
        return 2
    landed = landed_dates(home, args.start, args.end)
    refused = refused_dates(home, landed)
    days = [d for d in landed if d not in refused]
    if not days:
        where = Home(home).landing
        print(f"shopfloor run: error: no landing folders under {where} to load in the requested "
              "range (run `shopfloor generate` first)", file=sys.stderr)  # fmt: skip
        _print_refusals(refused, undated_entries(home))
        return 2
    with Progress() as out:
        return _load_and_build(args, home, landed, days, refused, out)


def _notify_ok(home: Path) -> bool:
    """Whether the home's `notify:` section is valid (else its problems on stderr): a mail
    setting mistyped must stop the run before it builds, not when it has to send."""
    from notify.config import NotifyConfigError, load

    try:
        load(Home(home))
    except NotifyConfigError as exc:
        print(f"shopfloor run: error: {exc}", file=sys.stderr)
        return False
    return True


def _load_and_build(
    args: argparse.Namespace,
    home: Path,
    landed: list[date],
    days: list[date],
    refused: dict[date, str],
    out: Progress,
) -> int:
    """Bronze for the landed dates, then silver, gold, the gate and publish; the verdict last."""
    from cli.run import run_partitions, run_transform
    from cli.summary import summary_lines

    out.line(f"Loading {len(days)} delivery date(s) {days[0]} .. {days[-1]} into bronze "
             "(Dagster job bronze_job, in-process)")  # fmt: skip
    since = datetime.now(UTC)
    t0 = time.perf_counter()
    with out.stage("bronze"), out.following_steps():
        outcomes = run_partitions(home, landed, echo=out.line, watch=out.on_event)
    failed = [o for o in outcomes if not o.success]
    ok, warned = (sum(o.status == s for o in outcomes) for s in ("ok", "WARN"))
    out.line(f"Done in {time.perf_counter() - t0:.1f} s: {ok} partition(s) ok, "
             f"{warned} with whole files rejected, {len(failed)} failed")  # fmt: skip
    if not args.quiet:
        _print_accounting(home, out.line)
    problems = _bronze_problems(outcomes, refused)
    if failed or getattr(args, "bronze_only", False):
        _print_refused_input(home, since, out.line)
        _print_refusals(refused, [])
        return _verdict(out, home, problems, None, "bronze only (--bronze-only)")
    engine = getattr(args, "engine", "duckdb")
    on = "dbt" if engine == "duckdb" else f"dbt on {engine}"
    out.line(f"\nBuilding silver and gold ({on}, Dagster job transform_job) for "
             f"{days[0]} .. {days[-1]}; dbt's output: {Home(home).dbt_log}")  # fmt: skip
    force = getattr(args, "force", False)
    with out.stage("silver + gold, truth gate, publish"):
        transform = run_transform(
            home,
            days[0],
            days[-1],
            echo=out.line,
            force=force,
            watch=out.on_event,
            engine=engine,
        )
    if not transform.up_to_date:
        out.line("\n" + "\n".join(summary_lines(home, transform.run_id)))
    _print_refused_input(home, since, out.line)
    _print_refusals(refused, [])
    if not transform.success:
        problems += transform.failures or ["silver and gold failed"]
    nothing_new = "nothing new to build" if transform.up_to_date else None
    return _verdict(out, home, problems, transform.run_id, nothing_new)


def _verdict(
    out: Progress, home: Path, problems: list[str], run_id: str | None, not_meant: str | None
) -> int:
    """Print PASSED or FAILED for this run last; the exit code says the same (0 or 1)."""
    from cli.summary import passed, publications, verdict_lines

    published, last = publications(home, run_id)
    out.line("\n" + "\n".join(verdict_lines(home, problems, published, last, not_meant)))
    return 0 if passed(problems, published, not_meant) else 1


def _print_refused_input(home: Path, since: datetime, echo=print) -> None:
    """The files and rows of this run's deliveries that did not reach gold, by file and line."""
    from cli.refused import refused_lines

    lines = refused_lines(home, since)
    if lines:
        echo("\n" + "\n".join(lines))


def _print_refusals(refused: dict[date, str], undated: list[tuple[Path, str]]) -> None:
    """One line per landing folder the run would not load: the exit code is not 0 for them."""
    for day, why in refused.items():
        print(f"shopfloor run: error: landing/{day}/ refused: {why}", file=sys.stderr)
    for entry, why in undated:
        print(f"shopfloor run: error: landing/{entry.name} not loaded: {why}", file=sys.stderr)


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the Dagster UI and daemon on 127.0.0.1 with the instance under the home folder."""
    from orchestration.instance import dagster_home

    home = _home(args).root
    env = dict(os.environ, DAGSTER_HOME=str(dagster_home(home)), **{HOME_ENV: str(home)})
    cmd = [sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions",
           "-h", "127.0.0.1", "-p", str(args.port)]  # fmt: skip
    print(f"Dagster UI on http://127.0.0.1:{args.port} (instance {env['DAGSTER_HOME']}); "
          "Ctrl-C to stop")  # fmt: skip
    os.execvpe(cmd[0], cmd, env)  # replaces this process; signals go straight to dagster
    return 0  # pragma: no cover


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the managers' dashboard (Streamlit) on 127.0.0.1 over the published serving copy."""
    import dashboard  # a bare package: streamlit is only imported by the child process

    home = _home(args).root
    serving = Home(home).serving
    app = Path(dashboard.__file__).resolve().parent / "app.py"
    env = dict(os.environ, **{HOME_ENV: str(home)})
    cmd = [sys.executable, "-m", "streamlit", "run", str(app),
           "--server.address", "127.0.0.1", "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--theme.base", "light",
           "--theme.primaryColor", "#2563eb",
           "--client.toolbarMode", "viewer"]  # fmt: skip
    if not serving.exists():
        print(f"note: no serving copy yet at {serving}; the dashboard says so until one is "
              "published", file=sys.stderr)  # fmt: skip
    print(f"Dashboard on http://127.0.0.1:{args.port} (reading {serving}); Ctrl-C to stop")
    sys.stdout.flush()
    os.execvpe(cmd[0], cmd, env)  # replaces this process; signals go straight to streamlit
    return 0  # pragma: no cover


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo period of the default plant, run the whole pipeline, say where to look."""
    ns = argparse.Namespace(home=args.home, start=DEMO_START, days=DEMO_DAYS, seed=SEED_DEFAULT,
                            chaos=CHAOS_DEFAULT, scale=SCALE_DEFAULT, chaos_rate=None)  # fmt: skip
    from ingestion.landing import delivery_dates

    home = _home(args).root
    if delivery_dates(home):  # generating again would be refused: run on what is there
        print(f"{home} already holds deliveries: not generating again "
              "(`shopfloor generate --overwrite` replaces them)")  # fmt: skip
    elif (code := cmd_generate(ns)) != 0:
        return code
    print()
    code = cmd_run(
        argparse.Namespace(
            home=args.home, start=None, end=None, quiet=False, bronze_only=False, force=False
        )
    )
    print("\nWhere to look:")
    print(f"  raw landing files : {Home(home).landing}/<delivery date>/<source>/")
    print(f"  ground truth      : {Home(home).ground_truth}/<production date>/truth.json")
    print(f"  warehouse         : {Home(home).warehouse} (bronze, silver, gold)")
    print(f"  serving copy      : {Home(home).serving} (validated; read-only)")
    print(f"  validation report : {Home(home).latest_validation_report}")
    _print_daily_report(Home(home))
    print(f"  dbt's output      : {Home(home).dbt_log}")
    print("  data contract     : docs/data_contract.md")
    print("  Dagster UI        : shopfloor ui")
    return code


def cmd_report(args: argparse.Namespace) -> int:
    """Write the daily report (PDF and xlsx) of a production date from the serving copy; with
    --to, mail it too."""
    from reporting.files import write_reports
    from reporting.serving import ReportUnavailable

    home = _home(args)
    try:
        (written,) = write_reports(home, [args.date] if args.date else None)
    except ReportUnavailable as exc:
        print(f"shopfloor report: error: {exc}", file=sys.stderr)
        return 2
    print(f"Daily report of {written.production_date}: {written.status}")
    print(f"  PDF : {written.pdf}")
    print(f"  xlsx: {written.xlsx}")
    if not args.to:
        return 0
    from notify.mail import DeliveryFailed, deliver_report  # only when mailing (h20-notify)

    try:
        deliver_report(home, written.production_date, written.paths, recipients=args.to)
    except DeliveryFailed as exc:
        print(f"shopfloor report: error: not mailed: {exc} (the files above are kept)",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"  mailed to {', '.join(args.to)}")
    return 0


def _print_daily_report(home: Home) -> None:
    """Where the newest date's daily report is (the report asset writes it after publish)."""
    from reporting.serving import ReportUnavailable, newest_date, open_serving

    try:
        con = open_serving(home)
        try:
            day = newest_date(con)
        finally:
            con.close()
    except ReportUnavailable as exc:
        print(f"  daily report      : none ({exc})")
        return
    for suffix in ("pdf", "xlsx"):
        path = home.daily_report(day, suffix)
        where = path if path.exists() else f"not written (`shopfloor report --date {day}`)"
        print(f"  daily report {suffix:<5}: {where}")


def cmd_plant_check(args: argparse.Namespace) -> int:
    """Validate a plant file: a summary and 0, or one line per problem on stderr and 2."""
    from plants.check import check_and_load

    plant, problems = check_and_load(args.file)
    if plant is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    print(f"{args.file}: OK ({len(plant.lines)} lines, {len(plant.machines)} machines, "
          f"{len(plant.shifts)} shifts)")  # fmt: skip
    return 0


def _home_plant_ok(home: Path, plant: str | None) -> bool:
    """Check the plant the run will use (naming it in the home first when --plant is given):
    a plant file with mistakes stops the run before anything is loaded, with every mistake."""
    from plants.check import check_and_load
    from plants.home import home_plant_path, resolve_plant_path, set_home_plant

    if plant:
        path = resolve_plant_path(plant)
        loaded, problems = check_and_load(path)
        if loaded is None:
            print("\n".join(str(p) for p in problems), file=sys.stderr)
            return False
        previous, _ = home_plant_path(home)
        set_home_plant(home, path)
        if previous != path:
            print(f"Home {home} now serves plant {loaded.id} ({path}; was {previous})")
        return True
    path, _ = home_plant_path(home)
    loaded, problems = check_and_load(path)
    if loaded is None:
        print(f"shopfloor run: error: the plant file {path} that {home} names has mistakes:",
              file=sys.stderr)  # fmt: skip
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        return False
    return True


def cmd_plant_vars(args: argparse.Namespace) -> int:
    """Print the dbt vars of the home's plant, for running dbt by hand."""
    import json

    from plants.dbt_vars import dbt_vars
    from plants.home import home_plant

    home = _home(args).root
    print(json.dumps(dbt_vars(home_plant(home))))
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    """Send a test message with the home's `notify:` mail settings (notify/config.py): 0 sent,
    1 not delivered (the server's answer on stderr), 2 settings missing or invalid."""
    from notify.config import NotifyConfigError
    from notify.mail import DeliveryFailed, MailNotConfigured, deliver

    home = _home(args)
    try:
        delivery = deliver(
            home, kind="test", subject="Shopfloor test message",
            body=f"A test message from the Shopfloor home {home.root}: mail is set up.\n",
            attachments=[], recipients=args.to,
        )  # fmt: skip
    except (NotifyConfigError, MailNotConfigured) as exc:
        print(f"shopfloor mail: error: {exc}", file=sys.stderr)
        return 2
    except DeliveryFailed as exc:
        print(f"shopfloor mail: {exc}", file=sys.stderr)
        return 1
    print(f"test message sent to {', '.join(delivery.recipients)} "
          f"({delivery.attempts} attempt(s)); recorded in audit.deliveries")  # fmt: skip
    return 0


def _landing_action(args: argparse.Namespace, act) -> int:
    """Run retract or restore on one delivered file; a mistake is one line on stderr and 2."""
    from ingestion.retract import LandingError, landing_path
    from ingestion.warehouse import connect, db_path

    home = _home(args).root
    prog = f"shopfloor landing {args.landing_command}"
    if not db_path(home).exists():
        print(f"{prog}: error: {args.path}: no warehouse in {home} (nothing delivered yet)",
              file=sys.stderr)  # fmt: skip
        return 2
    con = connect(home)
    try:
        action = act(con, landing_path(home, args.path), reason=args.reason)
    except LandingError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    done = "retracted: no version of it is read" if action.action == "retract" else (
        f"restored: version {action.version} is read again")  # fmt: skip
    print(f"{action.path} {done}; the next `shopfloor run` rebuilds and republishes the dates "
          f"it fed (audit: shopfloor landing history {action.path})")  # fmt: skip
    return 0


def _baseline_step(verb: str, step, *args) -> tuple[bool, object]:
    """(done, result) of `step(*args)` for `shopfloor baseline <verb>`; not done, the reason
    printed, when the baseline module refuses it."""
    from monitoring.baseline import BaselineError

    try:
        return True, step(*args)
    except BaselineError as exc:
        print(f"shopfloor baseline {verb}: error: {exc}", file=sys.stderr)
        return False, None


@_writer_turn("shopfloor baseline record")
def cmd_baseline_record(args: argparse.Namespace) -> int:
    """Record a baseline over a period of production dates and make it active."""
    from monitoring.baseline import record

    done, version = _baseline_step(
        "record", record, _home(args).root, args.period_from, args.period_to, args.name
    )
    if not done:
        return 2
    print(f"baseline version {version} recorded over {args.period_from} .. {args.period_to}, "
          "active: the next run scores its production dates against it")  # fmt: skip
    return 0


def cmd_baseline_list(args: argparse.Namespace) -> int:
    """Every recorded baseline, the active one marked."""
    from monitoring.baseline import list_baselines

    found = list_baselines(_home(args).root)
    if not found:
        print("no baseline recorded yet (the first is recorded by the run from its first dates)")
    for b in found:
        mark = "*" if b.active else " "
        print(f"{mark} v{b.version:<3} {b.period_from} .. {b.period_to}  {b.metrics:>5} "
              f"machine × metric  {b.name}  (recorded {b.recorded_at})")  # fmt: skip
    return 0


@_writer_turn("shopfloor baseline activate")
def cmd_baseline_activate(args: argparse.Namespace) -> int:
    """Make a recorded baseline the active one."""
    from monitoring.baseline import activate

    done, _ = _baseline_step("activate", activate, _home(args).root, args.version)
    if not done:
        return 2
    print(f"baseline version {args.version} is active: runs from now on score against it")
    return 0


@_writer_turn("shopfloor landing retract")
def cmd_landing_retract(args: argparse.Namespace) -> int:
    """Take a delivered file (every version) out of what silver and gold read."""
    from ingestion.retract import retract

    return _landing_action(args, retract)


@_writer_turn("shopfloor landing restore")
def cmd_landing_restore(args: argparse.Namespace) -> int:
    """Make the current version of a retracted file read again."""
    from ingestion.retract import restore

    return _landing_action(args, restore)


def cmd_landing_history(args: argparse.Namespace) -> int:
    """The audit trail of retract and restore, and the versions of one file when named."""
    from ingestion.retract import history, landing_path
    from ingestion.versions import versions_of
    from ingestion.warehouse import connect, db_path

    home = _home(args).root
    if not db_path(home).exists():
        print(f"shopfloor landing history: error: no warehouse in {home}", file=sys.stderr)
        return 2
    path = landing_path(home, args.path) if args.path else None
    con = connect(home, read_only=True)  # it only prints the trail
    try:
        delivered = versions_of(con, path) if path else []
        trail = history(con, path)
    finally:
        con.close()
    if path and not delivered:
        print(f"shopfloor landing history: error: {path}: no delivered file with this path "
              "in bronze (paths look like landing/<date>/<source>/<file>)",
              file=sys.stderr)  # fmt: skip
        return 2
    if delivered:
        print(f"Versions of {path}:")
        print(f"  {'version':>7}  {'outcome':<11}{'loaded at (UTC)':<21}{'sha256':<14}{'rows':>8}"
              "  change")  # fmt: skip
        for v in delivered:
            print(f"  {v.version:>7}  {v.outcome:<11}{v.loaded_at:%Y-%m-%d %H:%M:%S}  "
                  f"{v.sha256[:12]:<14}{v.rows_read:>8,}  {v.change}")  # fmt: skip
    print("Retract / restore audit trail" + (f" of {path}:" if path else ":"))
    if not trail:
        print("  (none)")
    for a in trail:
        print(
            f"  {a.acted_at:%Y-%m-%d %H:%M:%S}  {a.action:<8} {a.who:<12} v{a.version:<3} "
            f"{a.sha256[:12]}  {a.path}" + (f"  reason: {a.reason}" if a.reason else "")
        )
    return 0


def _sim_settings(args: argparse.Namespace, home: Home) -> tuple[date, int, int, str, dict]:
    """plc-sim's period, seed and chaos: those given, else the home's simulation (its simulator
    state), else generate's defaults."""
    from generators.state import read_state

    state = read_state(home.simulator_state)
    start = args.start or (state.origin if state else DEMO_START)
    days = args.days or ((state.next_day - start).days if state else 1)
    seed = args.seed if args.seed is not None else (state.seed if state else SEED_DEFAULT)
    chaos = args.chaos or (state.chaos_level if state else CHAOS_DEFAULT)
    rates = dict(state.chaos_rates) if state and not args.chaos else {}
    return start, days, seed, chaos, rates | dict(args.chaos_rate or [])


def cmd_plc_sim(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from generators.run import GenerateError
    from plants.home import home_plant_path, resolve_plant_path
    from plc.schedule import build_schedule
    from plc.simulator import SimClock, endpoint_url, serve

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("asyncua").setLevel(logging.ERROR)  # its notes on an unsecured endpoint
    home = _home(args)
    plant_path, scale = home_plant_path(home.root)
    if args.plant:
        plant_path = resolve_plant_path(args.plant)
    start, days, seed, chaos, rates = _sim_settings(args, home)
    try:
        schedule = build_schedule(plant_path, start, days, seed, chaos, rates, scale)
    except (GenerateError, ValueError) as exc:
        print(f"shopfloor plc-sim: error: {exc}", file=sys.stderr)
        return 2
    anchor = args.anchor.timestamp() if args.anchor else time.time()
    clock = SimClock(schedule.start, anchor, args.speed)
    at = datetime.fromtimestamp(anchor, UTC)
    print(f"plc-sim: {len(schedule.nodes)} nodes of {schedule.plant.name} at "
          f"{endpoint_url(args.port)} (seed {seed}, chaos {chaos}, {start} + {days} days, "
          f"{args.speed:g}x, period start at {at:%Y-%m-%dT%H:%M:%SZ})", flush=True)  # fmt: skip
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(schedule, clock, args.port))
    return 0


def _until(text: str) -> date | datetime:
    """A production date (through its end) or a UTC instant."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected YYYY-MM-DD or a UTC time like 2026-10-22T10:00:00Z, got {text!r}"
        ) from None


def cmd_capture(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from plants.home import home_plant
    from plc.capture import CaptureUnreachable, run_capture
    from plc.config import CaptureConfigError, load_capture_config

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    home = _home(args)
    plant = home_plant(home.root)
    try:
        path = Path(args.config) if args.config else home.capture_config
        config = load_capture_config(path, plant)
    except CaptureConfigError as exc:
        print(f"shopfloor capture: error: {exc}", file=sys.stderr)
        return 2
    try:
        metrics = asyncio.run(run_capture(home, plant, config, args.start, args.until, args.once))
    except CaptureUnreachable as exc:
        print(f"shopfloor capture: error: {exc}; what was read is kept in "
              f"{home.capture_dir / 'spool'} and the next capture continues after it",
              file=sys.stderr)  # fmt: skip
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"capture: {metrics.lines} lines, {metrics.gaps} gaps, published "
          f"{', '.join(metrics.published) or 'no date yet'}")  # fmt: skip
    return 0


DESCRIPTION = (
    "Shopfloor turns a plant's raw deliveries into proven KPIs: simulate a plant (generate), "
    "load and build the warehouse and publish what passes the truth gate (run), and open the "
    "Dagster UI or the managers' dashboard. Every command works on one home folder."
)
HOME_HELP = "home folder of the plant's data (default: $SHOPFLOOR_HOME, else ./data)"


class _Parser(argparse.ArgumentParser):
    """Help with rich-argparse (plain text in a pipe); argument errors as one line (no usage
    dump): scripts and humans both read it at a glance."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", RichHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class _SubcommandParser(_Parser):
    """A subcommand's parser: it accepts the global --home too (`shopfloor run --home X`).

    Its default is SUPPRESS, so a --home given before the subcommand is kept when none follows.
    Subcommands of subcommands (`landing retract`) are made with this class as well."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--home", default=argparse.SUPPRESS, help=HOME_HELP)


def _version() -> str:
    """The installed package's version (pyproject.toml), as pip and uv report it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shopfloor")
    except PackageNotFoundError:  # pragma: no cover - run from a tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    from generators.anomalies import LEVELS as ANOMALY_LEVELS
    from generators.chaos import LEVELS

    parser = _Parser(prog="shopfloor", description=DESCRIPTION)
    parser.add_argument("--home", default=None, help=HOME_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_SubcommandParser, metavar="COMMAND"
    )

    gen = sub.add_parser(
        "generate",
        help="simulate the plant: write raw deliveries under landing/ and truth under "
        "ground_truth/",
        description="Simulate the plant's production dates and write what its systems would "
        "deliver (with realistic mess) plus the ground truth the gate checks against.",
    )
    gen.add_argument(
        "--start",
        type=_iso_date,
        default=DEMO_START,
        metavar="DATE",
        help="first production date, YYYY-MM-DD (default: %(default)s)",
    )
    gen.add_argument(
        "--days",
        type=int,
        default=DEMO_DAYS,
        help="number of production dates (default: %(default)s)",
    )
    gen.add_argument(
        "--seed",
        type=int,
        help=f"random seed: same seed and options, same bytes (default: {SEED_DEFAULT})",
    )
    gen.add_argument(
        "--chaos",
        choices=LEVELS,
        metavar="LEVEL",
        help=f"how much realistic mess to inject: {', '.join(LEVELS)} (default: {CHAOS_DEFAULT})",
    )
    gen.add_argument(
        "--scale", type=int, help=f"copies of each production line (default: {SCALE_DEFAULT})"
    )
    gen.add_argument(
        "--plant",
        help="plant name in plants/ (default, prairie) or a plant file "
        "(default: the plant the home names, else the default plant)",
    )
    gen.add_argument(
        "--chaos-rate",
        type=_override,
        action="append",
        metavar="NAME=RATE",
        help="override one chaos type's intensity, e.g. timezone_mix=0.5 (repeatable; "
        "the types are listed in generators/chaos.py)",
    )
    gen.add_argument(
        "--anomalies",
        choices=ANOMALY_LEVELS,
        metavar="LEVEL",
        help="process anomalies to inject (a worn bearing, a slow dispenser side, a scrap "
        f"spike...): {', '.join(ANOMALY_LEVELS)} (default: follows --chaos; listed in truth.json "
        "injected_anomalies)",
    )
    gen.add_argument(
        "--anomaly-rate",
        type=_anomaly_override,
        action="append",
        metavar="KIND=RATE",
        help="override one anomaly kind's onsets per 28 days, e.g. scrap_spike=3 (repeatable; "
        "the kinds are listed in generators/anomalies.py)",
    )
    held = gen.add_mutually_exclusive_group()  # a home that already holds deliveries
    held.add_argument(
        "--append",
        action="store_true",
        help="continue the home's simulation after its last date (its plant, scale, seed and "
        "chaos: other values given are refused; --start is ignored); rows late past the new last "
        "date wait for the next --append",
    )
    held.add_argument(
        "--overwrite",
        dest="mode",
        action="store_const",
        const="overwrite",
        default="new",
        help="delete the home's deliveries and truth first",
    )
    held.add_argument(
        "--finish",
        action="store_true",
        help="simulate no new date: deliver every row still due, with delivery folders up to "
        "lookback_days after the last date, and end the simulation",
    )
    gen.set_defaults(func=cmd_generate)

    run = sub.add_parser(
        "run",
        help="load landed deliveries into bronze, build silver and gold, check them against the "
        "truth gate, publish the serving copy when they pass",
        description="Run the Dagster jobs in this process: bronze for each landed delivery date, "
        "then silver and gold (dbt), the truth gate and publish. dbt's own output goes to a log "
        "file in the home; the run ends with PASSED or FAILED for this run.",
    )
    run.add_argument(
        "--start",
        type=_iso_date,
        metavar="DATE",
        help="first delivery date, YYYY-MM-DD (default: the first landed)",
    )
    run.add_argument(
        "--end",
        type=_iso_date,
        metavar="DATE",
        help="last delivery date, YYYY-MM-DD (default: the last landed)",
    )
    run.add_argument("--quiet", action="store_true", help="skip the bronze accounting table")
    run.add_argument(
        "--bronze-only",
        action="store_true",
        help="stop after bronze (no silver, gold, gate or publish)",
    )
    run.add_argument(
        "--plant",
        help="plant name in plants/ or a plant file: checked, then named in the home for this and "
        "later runs (default: the plant the home names, else the default plant)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="rebuild silver and gold even when nothing new has landed since the last publish",
    )
    run.add_argument(
        "--engine",
        choices=ENGINES,
        default=DUCKDB,
        help="engine that builds silver and gold: duckdb (default, one plant) or spark (the "
        "same dbt project on Apache Spark; needs `uv sync --extra spark` and Java 17; README "
        "'Engines')",
    )
    run.set_defaults(func=cmd_run)

    ui = sub.add_parser("ui", help="start the Dagster UI and daemon on 127.0.0.1")
    ui.add_argument(
        "--port",
        type=int,
        default=3000,
        help="port of the Dagster webserver (default: %(default)s)",
    )
    ui.set_defaults(func=cmd_ui)

    dash = sub.add_parser(
        "dashboard", help="start the managers' dashboard on 127.0.0.1 (reads the serving copy)"
    )
    dash.add_argument(
        "--port", type=int, default=8501, help="port of the dashboard (default: %(default)s)"
    )
    dash.set_defaults(func=cmd_dashboard)

    add_sql_parser(sub)

    demo = sub.add_parser(
        "demo",
        help=f"simulate {DEMO_DAYS} days of the default plant, then run the whole pipeline "
        "(bronze, silver, gold, truth gate, publish)",
        description=f"generate --start {DEMO_START} --days {DEMO_DAYS} --seed {SEED_DEFAULT} "
        f"--chaos {CHAOS_DEFAULT},"
        " then run, into the home; ends with where to look.",
    )
    demo.set_defaults(func=cmd_demo)

    report = sub.add_parser(
        "report",
        help="write the daily report (PDF and xlsx) of a production date from the serving copy",
        description="Write reports/<date>/shopfloor-report-<date>.pdf and .xlsx from the "
        "published serving copy only; a date that did not pass the gate gets a report without "
        "numbers that says so.",
    )
    report.add_argument(
        "--date",
        type=_iso_date,
        default=None,
        help="production date YYYY-MM-DD (default: the newest date in the serving copy)",
    )
    report.add_argument(
        "--to",
        nargs="+",
        metavar="ADDR",
        default=None,
        help="also mail the report to these addresses (server from the home's notify: settings)",
    )
    report.set_defaults(func=cmd_report)

    landing = sub.add_parser("landing", help="retract or restore a delivered file; its history")
    landing_sub = landing.add_subparsers(
        dest="landing_command", metavar="{retract,restore,history}", required=True
    )
    retract = landing_sub.add_parser(
        "retract", help="take a delivered file (every version) out of silver and gold"
    )
    retract.add_argument("path", metavar="PATH", help="landing/<date>/<source>/<file>")
    retract.add_argument("--reason", help="why, for the audit trail")
    retract.set_defaults(func=cmd_landing_retract)
    restore = landing_sub.add_parser("restore", help="make a retracted file's current version read")
    restore.add_argument("path", metavar="PATH", help="landing/<date>/<source>/<file>")
    restore.add_argument("--reason", help="why, for the audit trail")
    restore.set_defaults(func=cmd_landing_restore)
    hist = landing_sub.add_parser("history", help="the audit trail; a file's versions with PATH")
    hist.add_argument("path", metavar="PATH", nargs="?", help="landing/<date>/<source>/<file>")
    hist.set_defaults(func=cmd_landing_history)

    baseline = sub.add_parser(
        "baseline", help="record, list and activate monitoring baselines (gold.fct_anomaly)"
    )
    baseline_sub = baseline.add_subparsers(
        dest="baseline_command", metavar="{record,list,activate}", required=True
    )
    rec = baseline_sub.add_parser(
        "record",
        help="record a baseline over production dates D1..D2 and make it the active one",
        description="Robust statistics (median, MAD, p05, p95) of every machine × metric of "
        "gold.fct_machine_daily_metric over the period, stored as a new version in the "
        "warehouse's monitoring.baseline; runs score their dates against the active one.",
    )
    rec.add_argument(
        "--from", dest="period_from", type=_iso_date, required=True, metavar="D1",
        help="first production date of the period (YYYY-MM-DD)",
    )  # fmt: skip
    rec.add_argument(
        "--to", dest="period_to", type=_iso_date, required=True, metavar="D2",
        help="last production date of the period (YYYY-MM-DD)",
    )  # fmt: skip
    rec.add_argument("--name", help="a name for it (default: the period)")
    rec.set_defaults(func=cmd_baseline_record)
    baseline_sub.add_parser("list", help="every recorded baseline").set_defaults(
        func=cmd_baseline_list
    )
    act = baseline_sub.add_parser("activate", help="make a recorded baseline the active one")
    act.add_argument("version", type=int, metavar="VERSION")
    act.set_defaults(func=cmd_baseline_activate)

    mail = sub.add_parser(
        "mail",
        help="send a test e-mail with the home's mail settings (shopfloor.yaml `notify:`)",
        description="Send a test message through the SMTP server of the home's `notify:` "
        "section (the password from the variable it names, default $SHOPFLOOR_SMTP_PASSWORD); "
        "exit 1 with the server's answer when it is not delivered.",
    )
    mail.add_argument(
        "--to",
        action="append",
        metavar="ADDRESS",
        help="recipient, repeat for more (default: the section's `recipients`)",
    )
    mail.set_defaults(func=cmd_mail)

    plant = sub.add_parser("plant", help="check a plant file; print the home's plant as dbt vars")
    plant_sub = plant.add_subparsers(dest="plant_command", metavar="{check,vars}", required=True)
    check = plant_sub.add_parser("check", help="validate a plant file (exit 2 on any problem)")
    check.add_argument("file", metavar="FILE", help="plant YAML file, e.g. plants/default.yaml")
    check.set_defaults(func=cmd_plant_check)
    dbt_vars = plant_sub.add_parser(
        "vars", help="print the home's plant facts as dbt vars (for dbt ... --vars)"
    )
    dbt_vars.set_defaults(func=cmd_plant_vars)

    sim = sub.add_parser(
        "plc-sim",
        help="serve the simulated plant's controllers over OPC-UA on 127.0.0.1 (for capture)",
        description="An OPC-UA server playing the generator's simulation: State, TotalCount and "
        "StatusWord of every controller, with status codes and source timestamps, on a "
        "simulated clock (the server's CurrentTime). Same plant, seed and period as the home's "
        "simulation unless given.",
    )
    sim.add_argument("--port", type=int, default=4840, help="TCP port (default: %(default)s)")
    sim.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated seconds per wall second (default: %(default)s, real time)",
    )
    sim.add_argument(
        "--anchor",
        type=datetime.fromisoformat,
        metavar="UTC_TIME",
        help="wall instant at which the simulated clock stands at the period's "
        "start (default: now); a restart with the same anchor carries on",
    )
    sim.add_argument("--start", type=_iso_date, metavar="DATE", help="first production date")
    sim.add_argument("--days", type=int, help="number of production dates")
    sim.add_argument("--seed", type=int, help="random seed")
    sim.add_argument("--chaos", choices=LEVELS, metavar="LEVEL", help="chaos level")
    sim.add_argument(
        "--chaos-rate",
        type=_override,
        action="append",
        metavar="NAME=RATE",
        help="override one chaos type's intensity (repeatable)",
    )
    sim.add_argument("--plant", help="plant name or file (default: the home's plant)")
    sim.set_defaults(func=cmd_plc_sim)

    cap = sub.add_parser(
        "capture",
        help="read PLCs over OPC-UA on the 60-s grid and land controller_snapshots files",
        description="Poll the configured OPC-UA endpoints (<home>/capture.yaml) on the plant's "
        "snapshot grid, by the server's clock, and land one controller_snapshots file per "
        "production date in landing/<date>/controller_snapshots/. Runs until stopped, or "
        "--until / --once.",
    )
    cap.add_argument("--config", help="capture configuration (default: <home>/capture.yaml)")
    cap.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        metavar="DATE",
        help="first production date to capture, from its start (default: from the "
        "server's clock now, or after the last line already captured)",
    )
    cap.add_argument(
        "--until",
        type=_until,
        metavar="DATE|UTC_TIME",
        help="stop when the server's clock passes this instant or production date",
    )
    cap.add_argument(
        "--once",
        action="store_true",
        help="capture one production date (--from, else the one in progress), publish it and exit",
    )
    cap.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="what the log (stderr) says: INFO names each retry, gap and published "
        "date (default: %(default)s)",
    )
    cap.set_defaults(func=cmd_capture)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
