# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test suite lint typecheck bench bench-quick bench-scale clean

# Where PYTHONDONTWRITEBYTECODE is set (as on this machine class), each process of a test run
# (two pytest workers, a hundred-odd `cryqueue` commands, the smoke benchmark) compiled the
# sources again: `make test` keeps bytecode in .venv instead (the source tree stays clean).
BYTECODE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

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

# The checks, the suite and the smoke benchmark run side by side: the suite leaves a core idle
# for about a third of its time (its tests wait on terminals, servers and other processes), and
# the benchmark's smoke run mostly waits. Each one's output is shown whole when it ends.
test: $(TEST_STAMP)
	@command -v tmux >/dev/null 2>&1 || sh scripts/install-tmux.sh || true
	@sh scripts/install-postgres.sh || true
	@$(BYTECODE) $(MAKE) --no-print-directory -j4 --output-sync=target lint typecheck suite bench-quick

suite: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

bench-quick: $(TEST_STAMP)
	$(BIN)/python -m bench --quick  # a smoke run, so the benchmark cannot rot

# The figures at 1,000,000 films (import, first frame, memory, keys); not part of `make test`.
bench-scale: $(TEST_STAMP)
	$(BIN)/python -m bench --scale

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
