# shezhi: `make demo` serves the demo province, `make test` runs the whole suite.
# Both create .venv and install Python and npm dependencies when they changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHEZHI := $(BIN)/shezhi
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= province

.PHONY: demo test lint bench load messages serve deps clean

deps: $(VENV)/.installed node_modules/.installed shezhi/locale/en/LC_MESSAGES/django.mo

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations are compiled from the committed .po files; msgfmt comes from GNU gettext.
shezhi/locale/en/LC_MESSAGES/django.mo: shezhi/locale/en/LC_MESSAGES/django.po | $(VENV)/.installed
	cd shezhi && ../$(SHEZHI) compilemessages --ignore=.venv --ignore=node_modules -v 0

messages: deps
	cd shezhi && ../$(SHEZHI) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules

demo: deps
	$(SHEZHI) migrate --no-input -v 0
	$(SHEZHI) seed --scale $(SCALE) --if-empty
	$(SHEZHI) demo_accounts
	$(SHEZHI) runserver $(HOST):$(PORT)

test: deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy shezhi bench
	$(SHEZHI) makemigrations --check --dry-run

bench: deps
	$(SHEZHI) bench --scale $(SCALE)

load: deps
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules var/static
