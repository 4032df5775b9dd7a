# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := frontend/node_modules/.installed
ASSETS := beffroi/static/build/main.js
FRONTEND_SOURCES := $(wildcard frontend/src/*) frontend/build.mjs
PYTEST_ARGS ?=

.PHONY: run test install lint typecheck layering pytest assets test-tools messages bench clean

run: $(RUNTIME_STAMP) $(ASSETS)
	$(BIN)/beffroi init
	exec $(BIN)/beffroi serve

test: $(DEV_STAMP) $(ASSETS) test-tools lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(RUNTIME_STAMP) $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

assets: $(ASSETS)

# Debian tools the tests drive (chromium for the browser tests), installed when missing.
test-tools:
	@scripts/install-test-tools.sh

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy beffroi

# Both cores: the long tests (real clients against real servers) wait on processes anyway.
PYTEST_WORKERS ?= 2

pytest: $(DEV_STAMP) $(ASSETS)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Benchmarks: each prints a table and writes JSON under bench/results/ (see bench/README.md).
# Apache (mod_dav) and rclone, for bench/files.py, are installed when missing.
bench: $(DEV_STAMP) $(ASSETS)
	@scripts/install-bench-tools.sh
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# Regenerate the compiled translations after editing a .po file (needs GNU gettext).
messages: $(DEV_STAMP)
	cd beffroi && ../$(BIN)/django-admin compilemessages --settings=beffroi.conf.settings

clean:
	rm -rf $(VENV) frontend/node_modules beffroi/static/build
