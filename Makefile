# Consulta: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium
# Links in emails and QR codes start with this address (set it to the public one in production).
CONSULTA_BASE_URL ?= http://$(HOST):$(PORT)
export CONSULTA_BASE_URL

.PHONY: chromium web-server pdf-libraries run install install-test translations migrate test test-postgres e2e unit lint i18n-update i18n-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install
	$(FLASK) translate compile >/dev/null

# An instance whose database is older than the code is backed up first (instance/backups).
migrate: install
	$(FLASK) backup --if-behind
	$(FLASK) db upgrade

# DEMO=0 serves an empty database without adding the demo council.
DEMO ?= 1

run: translations migrate pdf-libraries
ifeq ($(DEMO),1)
	$(FLASK) seed-demo --if-empty
else
	@$(FLASK) create-admin --if-none
endif
	@echo "Consulta is at http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Minutes as PDF (WeasyPrint) need Debian's pango and HarfBuzz's subsetter, and fonts that
# cover Arabic and Cyrillic; nothing is downloaded when the PDF is made.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core
pdf-libraries:
	@if ! ldconfig -p | grep -q libharfbuzz-subset || ! ldconfig -p | grep -q libpango-1.0 \
	    || ! fc-list :lang=ar | grep -q . ; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	  else \
	    echo "Libraries for PDF are missing: run 'sudo apt-get install $(PDF_PACKAGES)'."; exit 1; \
	  fi; \
	fi

# Debian's Chromium for the browser tests (Playwright's own download needs internet access).
chromium:
	@if [ ! -x "$(CHROMIUM)" ] && [ -z "$$CHROMIUM_PATH" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH)."; exit 1; \
	  fi; \
	fi

# tests/test_deploy.py runs deploy/nginx.conf in a real nginx; without one (and not root to
# install it) those tests are skipped.
web-server:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	fi

# Tests run in parallel, one pytest-xdist worker per core, each with its own live server and
# databases. `make test PARALLEL=` runs them in one process (easier to read when one fails).
PARALLEL ?= -n auto --dist load
PYTEST := $(BIN)/pytest $(PARALLEL)

test: install-test translations chromium pdf-libraries web-server
	$(FLASK) translate check
	$(PYTEST) tests e2e

unit: install-test translations pdf-libraries
	$(PYTEST) tests

e2e: install-test translations chromium
	$(PYTEST) e2e

# The whole suite against a throwaway PostgreSQL server started from Debian's binaries.
test-postgres: install-test translations chromium pdf-libraries web-server
	scripts/with-postgres $(PYTEST) tests e2e

# Benchmarks (not tests): figures go to docs/benchmarks.md.
bench: install-test translations
	$(BIN)/python bench/vote_cost.py
	$(BIN)/python bench/vote_burst.py
	scripts/with-postgres $(BIN)/python bench/vote_burst.py

# Style, the direction of imports (pyproject.toml's contracts) and static types.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

i18n-update: install
	$(FLASK) translate update

i18n-check: install
	$(FLASK) translate check

clean:
	rm -rf $(VENV) build *.egg-info
