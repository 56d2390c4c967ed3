# Nära — the two commands a newcomer needs are `make run` and `make test` (see README.md).
# The logic lives in scripts/; this file only wires targets to them.

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.nara-installed

export PYTHON

.DEFAULT_GOAL := help
.PHONY: help run test lint bench demo messages clean

help:
	@echo "make run       set up, load the demo region, start Nära on http://127.0.0.1:8000"
	@echo "make test      lint and the whole test suite on SQLite and PostgreSQL (incl. browser tests)"
	@echo "make lint      ruff"
	@echo "make bench     benchmarks (benchmarks/)"
	@echo "make demo      load the demo region into an empty database"
	@echo "make messages  compile translations (scripts/messages --update refreshes the .po files)"
	@echo "make clean     remove .venv, var/static and caches (keeps the database in var/)"

# (Re)install only when pyproject.toml changed since the last install, or .venv is missing.
$(STAMP): pyproject.toml
	@scripts/venv

run: $(STAMP)
	@scripts/run

test: $(STAMP)
	@scripts/test $(PYTEST_ARGS)

lint: $(STAMP)
	@$(VENV)/bin/ruff check .

bench: $(STAMP)
	@scripts/bench

demo: $(STAMP)
	@$(VENV)/bin/nara migrate --noinput -v 0
	@$(VENV)/bin/nara demo --if-empty

messages: $(STAMP)
	@scripts/messages

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache .hypothesis test-results *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find nara/locale -name '*.mo' -delete 2>/dev/null || true
