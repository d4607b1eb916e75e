# exportgate — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: help install run lint format test test-graph test-sqlite test-postgres test-browser bench screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# An editable install compiles nothing: compiled here, no command compiles the app again
# (where PYTHONDONTWRITEBYTECODE is set, every command otherwise would).
$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m compileall -q app
	touch $(INSTALLED)

install: $(INSTALLED) ## Create .venv and install exportgate with its development tools

run: install ## Migrate the SQLite database, load the samples, show their checks, serve on :8000
	$(BIN)/exportgate serve --upgrade --demo sbom_samples --host 127.0.0.1 --port 8000

lint: install ## ruff, ruff format --check, mypy --strict, import-linter layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint test-graph test-sqlite test-postgres ## Lint, the graph layer's gate, then the whole suite on SQLite and on PostgreSQL

# The graph layer is where verdicts come from: its own tests, without the services and API
# tests that also pass through it, must cover it.
test-graph: install ## The graph layer's own tests, which alone must cover 95 % of its branches
	$(BIN)/pytest tests/unit/graph -p no:randomly --cov=app/graph --cov-branch \
		--cov-fail-under=95 --cov-report=term-missing

test-sqlite: install ## The whole suite on fresh SQLite files
	EXPORTGATE_TEST_BACKEND=sqlite $(BIN)/pytest --cov --cov-report=term:skip-covered

test-postgres: install ## The whole suite on a new PostgreSQL database, dropped afterwards
	EXPORTGATE_TEST_BACKEND=postgresql $(BIN)/pytest

test-browser: install ## The console in headless Chromium (/usr/bin/chromium) on SQLite; test-sqlite and test-postgres run them too
	EXPORTGATE_TEST_BACKEND=sqlite $(BIN)/pytest tests/browser -p no:randomly

bench: install ## Benchmarks (ingest, decision, chain, churn, statuses); each figure is a ratio or a target measured in one run
	$(BIN)/python -m bench.ingest; ingest=$$?; $(BIN)/python -m bench.decision; decision=$$?; \
	$(BIN)/python -m bench.chain; chain=$$?; $(BIN)/python -m bench.churn; churn=$$?; \
	$(BIN)/python -m bench.statuses; exit $$(( ingest || decision || chain || churn || $$? ))

screenshots: install ## PNGs of the console's pages over the sample data, in docs/screenshots/ (needs /usr/bin/chromium)
	$(BIN)/python scripts/screenshots.py

clean: ## Remove the virtualenv, caches and the local database
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
