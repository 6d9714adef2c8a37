# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BACKEND_STAMP := $(VENV)/.backend

.PHONY: run test suite lint typecheck bench bench-quick bench-scale clean

# Where PYTHONDONTWRITEBYTECODE is set (as on this machine class), each process of a test run
# (the pytest workers, a hundred-odd `cryqueue` commands, the smoke benchmark) compiled the
# sources again: the targets keep bytecode in .venv instead (the source tree stays clean).
BYTECODE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

# Packages are installed without bytecode: every target below keeps bytecode in .venv/pycache
# (BYTECODE), where Python looks instead of the __pycache__ folders pip would fill, so compiling
# them at install (and upgrading pip, then compiling it too) was most of a fresh `make test`'s
# install. The venv gets its pip from the system's pip where there is one (a modern pip, not
# compiled), else from ensurepip.
#
# The build backend (pyproject's [build-system], and the editables it asks for to install in
# place) goes into the venv with pip, so that installing the project builds it there: pip's
# own isolated build environment installed the same backend again, some 4 s of a fresh install.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check \
	--no-build-isolation
BACKEND = $(shell $(PYTHON) scripts/build-backend.py 2>/dev/null)

# (A venv made before the backend was put in it gets it the same way.) An older Python than
# pyproject's requires-python is refused first, in one line, as pip would refuse it.
$(BACKEND_STAMP):
	@$(PYTHON) scripts/build-backend.py >/dev/null
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --no-compile pip $(BACKEND) \
		2>/dev/null || ($(BIN)/python -m ensurepip --default-pip && $(PIP_INSTALL) $(BACKEND))
	touch $@

$(STAMP): $(BACKEND_STAMP) pyproject.toml
	$(PIP_INSTALL) -e .
	touch $@

$(TEST_STAMP): $(BACKEND_STAMP) pyproject.toml
	$(PIP_INSTALL) -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BYTECODE) $(BIN)/cryqueue

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

# Three workers on this 2-core machine class: a third of the suite's time is spent waiting (on
# terminals, servers, other processes and the pilot's pauses), which a third worker fills.
# Measured side by side, whole `make test` runs: 156 and 178 s with three against 200 s with
# two. Four starved the UI tests that wait on timers and terminals into failing on a loaded
# machine. WORKERS=2 make test runs it as before.
WORKERS ?= 3

# loadgroup: tests marked with one xdist_group run on one worker, which builds what they share
# (the real-terminal tests' 300,000-film library) once; the others go one by one, as with load.
suite: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

bench: $(TEST_STAMP)
	$(BYTECODE) $(BIN)/python -m bench

bench-quick: $(TEST_STAMP)
	$(BIN)/python -m bench --quick  # a smoke run, so the benchmark cannot rot

# The figures at 1,000,000 films (import, first frame, memory, keys); not part of `make test`.
bench-scale: $(TEST_STAMP)
	$(BYTECODE) $(BIN)/python -m bench --scale

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
