# bsdulator tasks. `make demo` and `make check` are the README's set-up commands: they
# install into .venv; the other targets use whatever bsdulator is installed.

PYTHON ?= python3
BSDULATOR ?= $(if $(wildcard .venv/bin/bsdulator),.venv/bin/bsdulator,bsdulator)
# The project's venv when `make demo`/`make check` made one (pytest, ziglang, the package),
# else $(PYTHON): what test, test-fast and bench run with.
RUN_PYTHON = $(if $(wildcard .venv/bin/python),.venv/bin/python,$(PYTHON))
# The FreeBSD root: made by ./freebsd-root-fetch.sh, used by bsdulator and the benchmarks.
ROOT ?= freebsd-root
# Extra options for bench/run.py, e.g. BENCH_ARGS="--cpu 0 --runs 11".
BENCH_ARGS ?=

# Passed through to freebsd-root-fetch.sh when set (FREEBSD_BASE=FILE|DIR uses a local
# tarball or directory instead of downloading a release).
export FREEBSD_BASE FREEBSD_RELEASE FREEBSD_MANIFEST FREEBSD_MIRROR

.PHONY: help root bench test test-fast coverage clean install demo check lint jail-demo fuzz

help:
	@echo "make demo      install into .venv, fetch the root, run FreeBSD programs and a jail (the main job)"
	@echo "make check     install into .venv, fetch the root, lint, run the whole test suite (what CI runs)"
	@echo "make lint      ruff check and ruff format --check (what make check runs first)"
	@echo "make root      prepare $(ROOT)/ with ./freebsd-root-fetch.sh (honours FREEBSD_BASE=FILE|DIR)"
	@echo "make bench     benchmarks against native Linux (bench/run.py); makes the root if missing"
	@echo "make test      run the test suite"
	@echo "make test-fast the unit tests only (tables, translators, filters, parsers): seconds, no root"
	@echo "make coverage  syscall coverage table (bsdulator --coverage --format markdown)"
	@echo "make fuzz      adversarial calls on every syscall slot, unjailed and jailed (FUZZ_CALLS, FUZZ_SEED)"
	@echo "make clean     remove bench/out and build artefacts (keeps $(ROOT)/)"

# Always runs the script: it does nothing when $(ROOT) already holds the requested root.
root:
	./freebsd-root-fetch.sh $(ROOT)

# bench needs a root, not a particular one: an existing stamped root is used as it is
# (so a root made from FREEBSD_BASE is not replaced by a download of the default release).
$(ROOT)/.bsdulator-root:
	./freebsd-root-fetch.sh $(ROOT)

bench: | $(ROOT)/.bsdulator-root
	$(RUN_PYTHON) -m compileall -q bsdulator syscalls abi
	$(RUN_PYTHON) bench/run.py --root $(ROOT) --bsdulator "$(BSDULATOR)" $(BENCH_ARGS)

test:
	$(RUN_PYTHON) -m pytest -q

# Markers in pyproject.toml; an item using a FreeBSD-program fixture is e2e whatever its module
# says (tests/conftest.py), so this never starts a FreeBSD program. The venv's python when
# there is one (it has pytest and hypothesis).
test-fast:
	$(RUN_PYTHON) -m pytest -q -m "unit and not e2e and not slow" --hypothesis-profile=fast

coverage:
	$(BSDULATOR) --coverage --format markdown

# The compiled cffi module (bsdulator/native/_native*.so) is left in place: the installed
# package uses it; `pip install -e .` rebuilds it.
clean:
	rm -rf bench/out build dist .pytest_cache .hypothesis
	find . \( -path ./$(ROOT) -o -path ./.git -o -path ./.venv \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# The README's two commands.  Both install into .venv (created if missing) so a fresh
# machine needs only Python 3.11+, a C compiler and the Python headers.
VENV ?= .venv
VPY = $(VENV)/bin/python

$(VPY):
	$(PYTHON) -m venv $(VENV)

# Byte-compiled once here: every bsdulator start imports the package, and environments
# that set PYTHONDONTWRITEBYTECODE would otherwise compile it again each time (~0.1 s).
install: | $(VPY)
	$(VPY) -m pip install -q -e '.[test]'
	$(VPY) -m compileall -q bsdulator syscalls abi

# Main job: fetch/extract the root, run FreeBSD programs under bsdulator.
demo: install root
	$(VENV)/bin/bsdulator $(ROOT)/bin/echo "hello from FreeBSD"
	$(VENV)/bin/bsdulator $(ROOT)/usr/bin/uname -a
	$(VENV)/bin/bsdulator $(ROOT)/bin/sh -c 'sysctl kern.ostype kern.osrelease hw.ncpu; ls /; echo a b c | wc -w'
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory jail-demo; \
	 else echo "(the jail demo needs root: sudo make jail-demo)"; fi

# A jail with FreeBSD's own tools: create, list, run inside, remove.
JAIL = $(VENV)/bin/bsdulator $(ROOT)/usr/sbin
jail-demo: install root
	@$(JAIL)/jail -r demo 2>/dev/null || true  # a demo jail left by an earlier run
	$(JAIL)/jail -c name=demo path=$(abspath $(ROOT)) host.hostname=demo.example persist
	$(JAIL)/jls
	$(JAIL)/jexec demo /bin/sh -c 'hostname; sysctl -n security.jail.jailed; ps -ax'
	$(JAIL)/jail -r demo

# Tests: everything CI runs.
check: install root lint
	$(VPY) -m pytest -q

# ruff's linter and formatter (pinned in pyproject.toml's test extra, configured there).
lint: install
	$(VPY) -m ruff check .
	$(VPY) -m ruff format --check .

# Adversarial fuzzing of every syscall slot (tests/test_fuzz_slots.py): FUZZ_CALLS calls unjailed
# and as many jailed; FUZZ_SEED replays a run (a new seed each time by default, printed).
# Like bench, any existing root will do.
FUZZ_CALLS ?= 100000
FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fuzz: install | $(ROOT)/.bsdulator-root
	FUZZ_CALLS=$(FUZZ_CALLS) FUZZ_SEED=$(FUZZ_SEED) $(VPY) -m pytest -q -s tests/test_fuzz_slots.py
