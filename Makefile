# servicedesk: `make run` for the demo, `make test` / `make lint` / `make check` for CI.
#
# `make run` needs nothing but Python: with DATABASE_URL and CELERY_BROKER_URL unset it
# uses the embedded defaults (a SQLite file and Celery's filesystem broker under var/).
# Set them to run on PostgreSQL and Redis instead. `make test` always uses PostgreSQL and
# Redis (127.0.0.1 unless DATABASE_URL / CELERY_BROKER_URL say otherwise).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.requirements.stamp
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test lint check e2e-deps

help:
	@echo "make run       migrate, seed the demo and run web + worker + beat on http://127.0.0.1:$(PORT)/"
	@echo "make test      the whole test suite on PostgreSQL and Redis"
	@echo "make lint      ruff, and the import layers (import-linter contracts in pyproject.toml)"
	@echo "make check     Django system checks and missing migrations"
	@echo "make e2e-deps  install Chromium for the browser tests (Debian)"
	@echo "make venv      create $(VENV) and install requirements-dev.txt (only when it changed)"

venv: $(STAMP)

# Reinstall only when a requirements file is newer than the last install.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: venv
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	@# The .mo files are committed; compile them only when one is missing and msgfmt exists.
	@missing=0; for po in $$(find locale -name '*.po' 2>/dev/null); do \
		[ -f "$${po%.po}.mo" ] || missing=1; \
	done; \
	if [ $$missing = 1 ] && command -v msgfmt >/dev/null 2>&1; then \
		echo "$(MANAGE) compilemessages"; $(MANAGE) compilemessages --ignore=$(VENV) --verbosity 0; \
	fi
	$(MANAGE) seed_demo
	$(MANAGE) run_all --port $(PORT)

test: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/servicedesk} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check: venv
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Debian's Chromium for the Playwright tests; they skip themselves when it is absent
# (fail, when REQUIRE_E2E is set, as .ci/run sets it).
e2e-deps:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: /usr/bin/chromium is installed"; \
	elif command -v apt-get >/dev/null 2>&1; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
		echo "chromium: installing the Debian package"; \
		$$sudo apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else \
		echo "chromium: no /usr/bin/chromium and no apt-get; the browser tests will be skipped"; \
	fi
