# Tellus: `make demo` serves a demo destination; `make test` runs the test suite.
# Each target sets up what it needs (.venv, front-end libraries) first.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export TELLUS_DATA_DIR ?= $(CURDIR)/data
# Compiled bytecode makes every later start faster; some machines switch it off.
unexport PYTHONDONTWRITEBYTECODE
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= medium
VENDOR := src/tellus/static/vendor
PYTEST_WORKERS ?= 2

.PHONY: demo serve test test-postgres-redis test-browser lint bench setup messages clean help

help:
	@echo "make demo   set up everything and serve a demo destination on http://$(HOST):$(PORT)/"
	@echo "make test   run the test suite (SQLite, in-process jobs)"
	@echo "make lint   ruff, mypy, import-linter, makemigrations --check"
	@echo "make bench  run the benchmarks in benchmarks/"

$(BIN)/tellus: pyproject.toml requirements/dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Tellus needs $(PYTHON) (Python 3.11)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Tellus needs npm (Node.js) for its front-end libraries."; exit 1; }
	@npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json
	@mkdir -p $(VENDOR)/leaflet
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/
	@cp node_modules/modern-normalize/modern-normalize.css $(VENDOR)/
	@cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
		node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@touch $@

# The compiled translations are built from the catalogues, never committed.
CATALOGUES := $(wildcard src/tellus/locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(COMPILED): %.mo: %.po $(BIN)/tellus
	@$(BIN)/python -m tellus.core.catalogues

setup: $(BIN)/tellus $(VENDOR)/.copied $(COMPILED)

# One process migrates, collects static files, seeds (once) and serves, DEBUG off as in
# production; TELLUS_DEMO allows the demo accounts, whose password is published.
demo: setup
	@DEBUG=0 TELLUS_DEMO=1 $(BIN)/tellus serve --demo $(DEMO_SIZE) --host $(HOST) --port $(PORT)

serve: setup
	@$(BIN)/tellus serve --host $(HOST) --port $(PORT)

test: setup
	@$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser and not redis" $(PYTEST_ARGS)

# PostgreSQL and Redis (CI sets the URLs; see .ci/run).
test-postgres-redis: setup
	@test -n "$$TELLUS_TEST_DATABASE_URL" || { echo "Set TELLUS_TEST_DATABASE_URL"; exit 1; }
	@test -n "$$TELLUS_TEST_REDIS_URL" || { echo "Set TELLUS_TEST_REDIS_URL"; exit 1; }
	@$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

test-browser: setup
	@$(BIN)/pytest -q -m browser -p no:xdist $(PYTEST_ARGS) tests/e2e

lint: setup
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/ruff format --check src tests benchmarks
	@$(BIN)/mypy
	@$(BIN)/lint-imports
	@DJANGO_SETTINGS_MODULE=tellus.config.test_settings $(BIN)/tellus makemigrations --check --dry-run -v0

messages: setup
	@cd src/tellus && ../../$(BIN)/tellus makemessages -l es --no-obsolete --ignore "static/vendor/*" -v0
	@$(BIN)/python -m tellus.core.catalogues

bench: setup
	@for script in benchmarks/*/run.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
