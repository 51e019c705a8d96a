"""Shared fixtures: where the FreeBSD root is, and how to run bsdulator on it."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # header_macros, header_layouts, helpers

from helpers import HAVE_ZIG, PROGRAMS, FreeBSDBuilder  # noqa: E402 (found through the path above)

# Every test that starts a FreeBSD program does it through one of these fixtures: an item using
# one is e2e whatever its module says, so `make test-fast` (-m "unit and not e2e") never runs one.
PROGRAM_FIXTURES = frozenset({"bsd", "freebsd_cc", "freebsd_programs"})

# make test-fast's profile: property tests that ask for no example count try 20 instead of
# hypothesis's 100; make test and CI keep the default.
settings.register_profile("fast", max_examples=20)


def pytest_collection_modifyitems(items):
    for item in items:
        if PROGRAM_FIXTURES & set(item.fixturenames) and item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("root") is not None and os.geteuid() != 0:
            item.add_marker(
                pytest.mark.skip(reason="needs root (namespaces, cgroups, mounts): run as root")
            )


# Markers must not lie.  A test marked @pytest.mark.syscalls("a", "b") must make each named
# FreeBSD call: either a bsdulator it starts serves it (the supervisor writes every FreeBSD number
# it sees to $BSDULATOR_SYSCALL_LOG, bsdulator/syscall_log.py), or the call's handler function
# runs in the test's own process (a unit test of a translator calls the handler itself).  A
# marked test that passes without making all of them fails.  `bsdulator --coverage` reads the
# markers (bsdulator/coverage.py).
SYSCALL_LOG = "BSDULATOR_SYSCALL_LOG"
_HANDLERS: dict = {}  # handler code object -> the one syscall it serves


def _handler_codes() -> dict:
    if not _HANDLERS:
        from bsdulator import table

        by_code: dict = {}
        for e in table.build():
            if e.handler is not None:
                by_code.setdefault(e.handler.__code__, set()).add(e.name)
        # a code object several slots share (a factory's handlers) names none of them
        _HANDLERS.update({c: next(iter(n)) for c, n in by_code.items() if len(n) == 1})
    return _HANDLERS


def marked_syscalls(item) -> set[str]:
    return {name for mark in item.iter_markers("syscalls") for name in mark.args}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if marked_syscalls(item):
        fd, log = tempfile.mkstemp(prefix="bsdulator-syscall-log-")
        os.close(fd)
        item.stash[_LOG_KEY] = log
        os.environ[SYSCALL_LOG] = str(log)
    else:
        os.environ.pop(SYSCALL_LOG, None)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    wanted = marked_syscalls(item)
    if not wanted:
        return (yield)
    handlers, ran = _handler_codes(), set()

    def profile(frame, event, _arg):
        if event == "call" and frame.f_code in handlers:
            ran.add(handlers[frame.f_code])

    from bsdulator.abi.syscall_table import MASTER
    from bsdulator.syscall_log import read

    sys.setprofile(profile)
    try:
        result = yield
    finally:
        sys.setprofile(None)
        log = item.stash[_LOG_KEY]
        made = {MASTER[nr][1] for nr in read(log) if nr in MASTER} | ran
        os.unlink(log)  # a failed or skipped test leaves none behind either
    missing = sorted(wanted - made)
    if missing:
        pytest.fail(
            f"marked @pytest.mark.syscalls but never made during the test: {', '.join(missing)}",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """No log outlives its test: bsdulators its fixtures' teardown starts would make it again,
    and a test skipped before its call never read it."""
    try:
        return (yield)
    finally:
        os.environ.pop(SYSCALL_LOG, None)
        log = item.stash.get(_LOG_KEY, None)
        if log is not None and os.path.exists(log):
            os.unlink(log)


_LOG_KEY = pytest.StashKey[str]()


def _root() -> Path:
    return Path(os.environ.get("BSDULATOR_ROOT") or REPO / "freebsd-root").resolve()


@pytest.fixture(scope="session")
def freebsd_root() -> Path:
    root = _root()
    if not (root / "libexec" / "ld-elf.so.1").exists():
        pytest.skip(
            f"no FreeBSD root at {root}: run ./freebsd-root-fetch.sh (FREEBSD_BASE=… for a local base.txz)"
        )
    return root


@pytest.fixture(scope="session")
def bsd(freebsd_root):
    """bsd(args…, **run kwargs) runs `python -m bsdulator args…` from the repository."""
    if os.geteuid() != 0 and not Path("/proc/self/ns/user").exists():
        pytest.skip("needs root or user namespaces for the private mount namespace")

    def run(*args, check=False, input=None, env=None, cwd=REPO, timeout=120):
        full_env = dict(os.environ, LC_ALL="C", **(env or {}))
        return subprocess.run(
            [sys.executable, "-m", "bsdulator", *map(str, args)],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=full_env,
            timeout=timeout,
            check=check,
        )

    # the probe's calls belong to no test (see pytest_runtest_call)
    probe = run(freebsd_root / "bin" / "echo", "probe", env={SYSCALL_LOG: ""})
    if probe.returncode != 0 and b"ptrace" in probe.stderr:
        pytest.skip(f"ptrace is not allowed here: {probe.stderr.decode().strip()}")
    return run


@pytest.fixture(scope="session")
def freebsd_builder(tmp_path_factory) -> FreeBSDBuilder:
    if not HAVE_ZIG:
        pytest.skip("ziglang (the FreeBSD cross compiler) is not installed")
    return FreeBSDBuilder(tmp_path_factory.mktemp("freebsd-programs"))


@pytest.fixture(scope="session")
def freebsd_cc(freebsd_builder):
    """freebsd_cc(source, name, *flags) -> path of a FreeBSD/amd64 program built with ziglang."""
    return freebsd_builder.build


@pytest.fixture(scope="session")
def freebsd_programs(freebsd_builder):
    """freebsd_programs(prefix, *flags) -> {name: path} of every freebsd_programs/<prefix>*.c,
    built for FreeBSD/amd64 with ziglang (FreeBSD 14 headers, the root's libraries)."""

    def build(prefix: str, *flags: str) -> dict[str, Path]:
        return {
            src.stem: freebsd_builder.build(src.read_text(), src.stem, *flags)
            for src in sorted(PROGRAMS.glob(f"{prefix}*.c"))
        }

    return build


@pytest.fixture
def host_netns_names():
    """The automatic VNET layout binds jail J's network namespace as /run/netns/bsdjail_<J>: a
    host-wide name, while every test's registry numbers its jails from 1. Tests that make such
    bindings take turns across every test run on the host (other checkouts included)."""
    import fcntl

    if os.geteuid() != 0:
        pytest.skip("network namespaces and /run/netns bindings need root")
    with open("/run/bsdulator-tests-netns.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
