"""`make bench`: run every benchmark scenario in turn; each appends its figures to RESULTS.md."""

from __future__ import annotations

import importlib
import pkgutil

import bench


def main() -> None:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main([])


if __name__ == "__main__":
    main()
