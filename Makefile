# Two commands matter: `make demo` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCALE  ?= 0.01
PY_STAMP  := $(VENV)/.installed
JS_STAMP  := node_modules/.installed

.PHONY: setup test demo bench lint services clean chromium

setup: $(PY_STAMP) $(JS_STAMP)

# Python: a virtual environment with the project and its pinned dependencies (requirements.lock).
$(PY_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev,spark,connect]"
	touch $@

# Front-end assets for the web layer (nhsuk-frontend, vega, axe-core), from package-lock.json.
$(JS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium); installed only when missing.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# PostgreSQL is started by this kind of machine; start it if it is not (store tests need it).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start

test: setup services chromium
	$(BIN)/python -m pytest

demo: setup
	$(BIN)/alliance demo --scale $(SCALE)

bench: setup
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

clean:
	rm -rf $(VENV) node_modules alliance-data .bench
