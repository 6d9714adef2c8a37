# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck bench bench-quick bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/cryqueue

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

test: $(TEST_STAMP)
	@command -v tmux >/dev/null 2>&1 || sh scripts/install-tmux.sh || true
	@sh scripts/install-postgres.sh || true
	$(MAKE) lint typecheck
	$(BIN)/python -m pytest -n 2
	$(BIN)/python -m bench --quick  # a smoke run, so the benchmark cannot rot

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

bench-quick: $(TEST_STAMP)
	$(BIN)/python -m bench --quick

# The figures at 1,000,000 films (import, first frame, memory, keys); not part of `make test`.
bench-scale: $(TEST_STAMP)
	$(BIN)/python -m bench --scale

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
