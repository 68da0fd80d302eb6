# Two commands on a fresh clone (see README):
#   make run   installs everything and starts the app on the demo data
#   make test  installs everything (incl. Debian's chromium and PostgreSQL server) and runs all tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test install install-dev browser postgres build bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python postgres
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Debian's chromium for the browser tests (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's PostgreSQL server binaries (initdb, pg_ctl) for the shared-store tests: tests/postgres.py starts a
# throwaway server from them in a temporary directory (the package's own cluster is not used).
postgres:
	@{ command -v initdb && command -v pg_ctl; } >/dev/null 2>&1 || \
	  { ls /usr/lib/postgresql/*/bin/initdb && ls /usr/lib/postgresql/*/bin/pg_ctl; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

build: install
	$(BIN)/python -m ucj_dash build

run: build
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: install-dev browser postgres
	$(BIN)/python -m ucj_dash build
	$(BIN)/python -m pytest -q

bench: install-dev browser
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf geo/layers geo/layers-* geo/layers.* geo/.layers.link-* geo/build.log data/datasets
