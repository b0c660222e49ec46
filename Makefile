# shezhi: `make demo` serves the demo province, `make test` runs the whole suite.
# Both create .venv when it is missing and install the Python and npm dependencies only when
# pyproject.toml or package-lock.json changed (the stamp files below remember the last install).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHEZHI := $(BIN)/shezhi
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= province

# Every committed .po has its .mo; the .mo files are build products and never committed.
PO_FILES := $(wildcard shezhi/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: demo test lint messages deps clean bench load

deps: $(VENV)/.installed node_modules/.installed $(MO_FILES)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "shezhi needs Python 3.11 or newer as '$(PYTHON)'; run e.g. 'make PYTHON=python3.12 ...'" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# npm ci installs exactly the lock file and refuses a package.json that disagrees with it.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "npm is missing: install Node.js 20 or newer (Debian: apt-get install nodejs npm)" >&2; \
	  exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations are compiled by Django's compilemessages, which calls GNU gettext's msgfmt with
# --check-format, so a broken %(name)s placeholder in the English catalogue fails the build.
%.mo: %.po | $(VENV)/.installed
	@command -v msgfmt >/dev/null || { \
	  echo "msgfmt is missing: it compiles the translations. Install GNU gettext" \
	       "(Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)." >&2; \
	  exit 1; }
	cd shezhi && ../$(SHEZHI) compilemessages --ignore=.venv --ignore=node_modules -v 0
	@touch $@

messages: deps
	cd shezhi && ../$(SHEZHI) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules

demo: deps
	$(SHEZHI) migrate --no-input -v 0
	$(SHEZHI) seed --scale $(SCALE) --if-empty
	$(SHEZHI) demo_accounts
	$(SHEZHI) runserver $(HOST):$(PORT)

# pytest answers 5 when it collected no test: that is a failure here, and said plainly.
test: deps
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

lint: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy shezhi bench conftest.py
	$(SHEZHI) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules $(MO_FILES)

# Benchmarks that print figures and ratios (bench/, `shezhi bench`): SCALE=small for seconds,
# DATABASE_URL=postgres://… for PostgreSQL.
bench: deps
	$(SHEZHI) bench --scale $(or $(BENCH_SCALE),province)

# A bounded load run against gunicorn on 127.0.0.1 (bench/load.py): LOAD_ARGS="--run-time 2m",
# SHEZHI_LOAD_* variables, DATABASE_URL=postgres://… for PostgreSQL.
load: deps
	$(BIN)/python -m bench.load $(LOAD_ARGS)
