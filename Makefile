# bsdulator developer tasks. Nothing here installs anything: see the README.

PYTHON ?= python3
BSDULATOR ?= bsdulator
# The FreeBSD root: made by ./freebsd-root-fetch.sh, used by bsdulator and the benchmarks.
ROOT ?= freebsd-root
# Extra options for bench/run.py, e.g. BENCH_ARGS="--cpu 0 --runs 11".
BENCH_ARGS ?=

# Passed through to freebsd-root-fetch.sh when set (FREEBSD_BASE=FILE|DIR uses a local
# tarball or directory instead of downloading a release).
export FREEBSD_BASE FREEBSD_RELEASE FREEBSD_MANIFEST FREEBSD_MIRROR

.PHONY: help root bench test coverage clean

help:
	@echo "make root      prepare $(ROOT)/ with ./freebsd-root-fetch.sh (honours FREEBSD_BASE=FILE|DIR)"
	@echo "make bench     benchmarks against native Linux (bench/run.py); makes the root if missing"
	@echo "make test      run the test suite"
	@echo "make coverage  syscall coverage table (bsdulator --coverage --format markdown)"
	@echo "make clean     remove bench/out and build artefacts (keeps $(ROOT)/)"

# Always runs the script: it does nothing when $(ROOT) already holds the requested root.
root:
	./freebsd-root-fetch.sh $(ROOT)

# bench needs a root, not a particular one: an existing stamped root is used as it is
# (so a root made from FREEBSD_BASE is not replaced by a download of the default release).
$(ROOT)/.bsdulator-root:
	./freebsd-root-fetch.sh $(ROOT)

bench: | $(ROOT)/.bsdulator-root
	$(PYTHON) bench/run.py --root $(ROOT) --bsdulator "$(BSDULATOR)" $(BENCH_ARGS)

test:
	$(PYTHON) -m pytest -q

coverage:
	$(BSDULATOR) --coverage --format markdown

# The compiled cffi module (bsdulator/native/_native*.so) is left in place: the installed
# package uses it; `pip install -e .` rebuilds it.
clean:
	rm -rf bench/out build dist .pytest_cache .hypothesis
	find . \( -path ./$(ROOT) -o -path ./.git -o -path ./.venv \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
