# Every target creates the environment from requirements.lock first, so a fresh clone needs only
# `make run` or `make test`. The lock pins the whole stack; regenerate it with `make lock`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
# dagster-dbt looks for the dbt executable on PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install run dev serve serve-status test bench lint format lock demo-data clean chromium docs

help:
	@echo "make run    build everything (demo data unless CSC_SOURCE_DIR is set)"
	@echo "make test   run the whole test suite"
	@echo "make dev    start dagster dev on the code location"
	@echo "make serve  webserver + daemon in the foreground: the nightly schedule and the alerts"
	@echo "make bench  run the benchmark harness"
	@echo "make docs   the data dictionary (dbt docs) as docs/site/index.html"
	@echo "make lint   ruff (lint and format check)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv is itself in the lock; bootstrap it with pip, then let it sync the venv exactly.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Dagster's run storage keeps every event of every run: owner-only, whatever the umask.
$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p -m 700 $(DAGSTER_HOME)
	chmod 700 $(DAGSTER_HOME)
	install -m 600 orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml chromium
	$(BIN)/python -m orchestration.run

# umask 077: the webserver, the daemon and every run they start write owner-only files.
dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.prepare
	umask 077 && chmod 700 $(DAGSTER_HOME) && $(BIN)/dagster dev -m orchestration.definitions

# The webserver and the daemon as services (orchestration/serve.py; deploy/ for systemd). It sets
# up DAGSTER_HOME itself (owner-only, with orchestration/dagster.yaml) and stops both on Ctrl-C.
serve: $(STAMP) chromium
	$(BIN)/python -m orchestration.serve

# Is the daemon alive and the nightly schedule on? Last builds and notices (exit 1 if not healthy).
serve-status: $(STAMP)
	$(BIN)/python -m orchestration.serve status

# The report pack prints its PDF with Debian's Chromium, and the tests check the HTML in it:
# install it when missing. Where it cannot be installed (no root), the pack is written without
# the PDF, with a warning, and the browser tests skip saying why.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null) || echo "Chromium could not be installed: no PDF, browser tests skip"

test: $(STAMP) chromium
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m orchestration.bench

# dbt's documentation site as one static file (docs/site/index.html), from the last build.
docs: $(STAMP)
	$(BIN)/python -m orchestration.docs_site

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests scripts
	$(BIN)/ruff format --check orchestration tests scripts

format: $(STAMP)
	$(BIN)/ruff format orchestration tests scripts
	$(BIN)/ruff check --fix orchestration tests scripts

lock:
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock

demo-data: $(STAMP)
	$(BIN)/csc-demo-data --out data/demo

clean:
	rm -rf data/warehouse.duckdb* exports dbt_project/target dbt_project/logs
