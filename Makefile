# congress-vote: two commands.
#   make demo   set up and run the system on an embedded SQLite database
#   make test   set up (virtualenv, packages, Chromium, PostgreSQL) and run lint, type checks and
#               every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The server alone (make demo): no test tools. make test still installs them (its own stamp).
SERVER_STAMP := $(VENV)/.installed-server
PORT   ?= 8000
# Test processes: one per core (pytest-xdist); each test file runs whole in one process, so its
# module fixtures (a live server, a browser) start once. TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

.PHONY: demo test lint lint-js typecheck pytest chromium postgresql bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(SERVER_STAMP)

$(SERVER_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	touch $(SERVER_STAMP)

# Browser tests drive the system Chromium; install it (and a Chinese font, so that pages and
# screenshots show Chinese text) from the distribution when missing.
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
		echo "Installing Chromium and fonts-noto-cjk with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-noto-cjk; \
	fi

# The storage, service, server and crash tests also run against PostgreSQL: the suite starts its
# own throwaway cluster (bench/postgres.py) with the distribution's programs, installed when
# missing (Debian: /usr/lib/postgresql/<version>/bin). The package's own cluster is not used.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
		echo "Installing PostgreSQL with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi

demo: $(SERVER_STAMP)
	$(BIN)/congress demo --port $(PORT)

# The browser pages' JavaScript: ESLint pinned in package.json, installed from package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installed

lint-js: node_modules/.installed
	npx --no-install eslint .

lint: $(STAMP) lint-js
	$(BIN)/ruff check ballots audit voting devices tests bench
	$(BIN)/ruff format --check ballots audit voting devices tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium postgresql
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/tally.py
	$(BIN)/python bench/audit.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
