# Habeas: `make run` serves the demo campaign, `make test` checks everything.
# Both work on a fresh Debian machine with python3 (3.11), make and git.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# pytest-xdist workers for `make test`: one per core by default; 0 runs in one process.
TEST_WORKERS ?= auto

INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test lint fmt typecheck pytest check bench messages vendor lock clean browser-deps pdf-deps

$(VENV)/bin/python:
	@scripts/make-venv "$(PYTHON)" "$(VENV)"

$(INSTALLED): $(VENV)/bin/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e .
	@touch $@

$(TEST_INSTALLED): $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[test]'
	@touch $@

run: $(INSTALLED) pdf-deps
	@scripts/run-local

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(TEST_INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(TEST_INSTALLED)
	HABEAS_DEBUG=1 $(BIN)/mypy habeas tests bench

check: $(TEST_INSTALLED) pdf-deps
	HABEAS_DEBUG=1 $(BIN)/habeas makemigrations --check --dry-run
	scripts/check-deploy

browser-deps:
	@scripts/browser-deps

pdf-deps:
	@scripts/pdf-deps

pytest: $(TEST_INSTALLED) browser-deps pdf-deps
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not alone" $(PYTEST_ARGS)
	@# Tests that bound a latency run by themselves; 5 means none was selected.
	$(BIN)/pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: lint typecheck check pytest

bench: $(TEST_INSTALLED) pdf-deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Compile the Urdu catalogue; the .mo file is committed so users need no gettext.
messages: $(TEST_INSTALLED)
	cd habeas && HABEAS_DEBUG=1 ../$(BIN)/habeas makemessages --locale ur --no-obsolete --no-location
	HABEAS_DEBUG=1 $(BIN)/habeas compilemessages --locale ur

# Refresh vendored front-end files from the npm registry (release time only).
vendor: $(INSTALLED)
	scripts/vendor-frontend

# Re-pin every Python dependency to what resolves today.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	.venv-lock/bin/pip freeze --exclude-editable --all | grep -v '^\(pip\|setuptools\|wheel\)==' > $(CONSTRAINTS)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var/static var/test-artifacts
