"""End-to-end threads: FreeBSD programs linked with libthr (tests/freebsd_programs/thr_*.c),
built with ziglang, each checking one part of thr_new(2)/_umtx_op(2) and printing what failed."""

import pytest

from helpers import assert_no_failures, program_names

pytestmark = pytest.mark.e2e

NAMES = program_names("thr_")


@pytest.fixture(scope="session")
def thr_programs(freebsd_programs):
    """Fixed-address executables with TLS of their own, linked with libthr."""
    return freebsd_programs("thr_", "-lpthread")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.syscalls("read")
def test_program(bsd, thr_programs, name):
    assert_no_failures(bsd(thr_programs[name], timeout=120))


@pytest.mark.syscalls("madvise")
def test_trace_names_each_thread(bsd, thr_programs):
    """truss -H style: once a process has threads, each line says which one."""
    r = bsd("--trace", thr_programs["thr_sync"], timeout=120)
    lines = r.stderr.decode(errors="replace").splitlines()
    tids = {
        line.split(":")[0].split()[1]
        for line in lines
        if "_umtx_op(" in line and line[:1].isdigit()
    }
    assert r.returncode == 0 and len(tids) >= 3, lines[-20:]
    assert "not implemented" not in r.stderr.decode(errors="replace")
    ops = {int(line.split(",")[1]) for line in lines if "_umtx_op(" in line}
    # rwlock rd/wr/unlock and the mutex sleep/wake were exercised
    assert {12, 13, 14, 17, 22} <= ops, ops
