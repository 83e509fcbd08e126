"""`shopfloor`: the one command that fronts every user action."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from orchestration.paths import shopfloor_home

DEMO_START = date(2026, 10, 19)  # 14 days from here include the 25 Oct DST change
DEMO_DAYS = 14


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _override(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=RATE, got {text!r}") from None


def _print_generation(result, seconds: float) -> None:
    print(
        f"Generated {len(result.days)} production dates "
        f"({result.days[0]} .. {result.days[-1]}) in {seconds:.1f} s "
        f"into {result.home}"
    )
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
    from generators.run import GenerateError, generate

    home = Path(args.home).resolve() if args.home else shopfloor_home()
    t0 = time.perf_counter()
    try:
        result = generate(
            home,
            args.start,
            args.days,
            args.seed,
            args.chaos,
            args.scale,
            dict(args.chaos_rate or []),
        )
    except GenerateError as exc:
        print(f"shopfloor generate: error: {exc}", file=sys.stderr)
        return 2
    _print_generation(result, time.perf_counter() - t0)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job on the embedded default plant, as far as the product is built."""
    ns = argparse.Namespace(
        home=args.home,
        start=DEMO_START,
        days=DEMO_DAYS,
        seed=42,
        chaos="default",
        scale=1,
        chaos_rate=None,
    )
    code = cmd_generate(ns)
    if code == 0:
        home = Path(args.home).resolve() if args.home else shopfloor_home()
        print("\nWhere to look:")
        print(f"  raw landing files : {home / 'landing'}/<delivery date>/<source>/")
        print(f"  ground truth      : {home / 'ground_truth'}/<production date>/truth.json")
        print("  data contract     : docs/data_contract.md")
    return code


class _OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (no usage dump): scripts and humans both read it at a glance."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="shopfloor", description=__doc__)
    parser.add_argument("--home", help="home folder (default: $SHOPFLOOR_HOME or ./data)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    gen = sub.add_parser("generate", help="simulate the plant and write raw sources + truth")
    gen.add_argument("--start", type=_iso_date, default=DEMO_START, help="first production date")
    gen.add_argument("--days", type=int, default=DEMO_DAYS, help="number of production dates")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--chaos", default="default", help="none, default or heavy")
    gen.add_argument("--scale", type=int, default=1, help="copies of each production line")
    gen.add_argument(
        "--chaos-rate",
        type=_override,
        action="append",
        metavar="NAME=RATE",
        help="override one chaos type's intensity, e.g. timezone_mix=0.5",
    )
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser("demo", help="run the main job on the embedded default plant")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
