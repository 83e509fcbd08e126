# Thin wrapper: every target calls uv. uv is bootstrapped into .tools/ when it is not on PATH.
# Bytecode is compiled once at sync: every pipeline process imports pandas and Great Expectations,
# and without a bytecode cache each import recompiles them (about 10 s for GX on this machine).
export UV_COMPILE_BYTECODE := 1
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

# The test and bench commands install the `spark` extra (pyspark, dbt-spark) so that the
# two-engine test (tests/spark, Java from Debian's packages when missing) and bench_engines run;
# `make demo` stays without it. Every `uv run` of a target names it too: uv syncs the environment
# before running.
SPARK_EXTRA := --extra spark

.PHONY: demo test bench lint clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

demo: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --locked --quiet
	$(UV) run --locked shopfloor demo

test: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --locked $(SPARK_EXTRA) --quiet
	$(UV) run --locked $(SPARK_EXTRA) ruff check .
	$(UV) run --locked $(SPARK_EXTRA) ruff format --check .
	$(UV) run --locked $(SPARK_EXTRA) pytest -n 2 --dist loadgroup

bench: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --locked $(SPARK_EXTRA) --quiet
	$(UV) run --locked $(SPARK_EXTRA) python -m bench.run_all

clean:
	rm -rf data .tools .venv
