"""End-to-end kqueue(2)/kevent(2): FreeBSD programs from tests/freebsd_programs, built with
ziglang, each checking one part of the interface and printing what failed."""

import os
import time

import pytest

from helpers import assert_no_failures, program_names

pytestmark = pytest.mark.e2e

NAMES = program_names("kq_")


@pytest.fixture(scope="session")
def kq_programs(freebsd_programs):
    return freebsd_programs("kq_")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.syscalls("kqueue")
def test_program(bsd, kq_programs, name):
    assert_no_failures(bsd(kq_programs[name], timeout=120))


@pytest.mark.syscalls("close_range", "freebsd11_kevent", "kqueue")
def test_kevent_calls_are_served_by_the_kqueue_module(bsd, kq_programs):
    """The FreeBSD 11 entry point is what the jail mirror reaches, and the trace shows it."""
    r = bsd("--trace", kq_programs["kq_jail"])
    trace = r.stderr.decode(errors="replace")
    assert r.returncode == 0
    assert "kqueue() " in trace and "freebsd11_kevent(3," in trace
    assert "ENOSYS" not in trace


def _jails_work(bsd, jail, root, env) -> bool:
    probe = bsd(jail, "-c", "name=kqprobe", f"path={root}", "persist", env=env)
    bsd(jail, "-r", "kqprobe", env=env)
    return probe.returncode == 0


def test_freebsd10_jail_waits_for_its_commands_with_kqueue(bsd, freebsd_root, tmp_path):
    """The root's FreeBSD 10.2 jail(8) runs each command in a child and waits for it with
    kevent(EVFILT_PROC, NOTE_EXIT) and a kevent timeout for exec.timeout."""
    if os.geteuid() != 0:
        pytest.skip("jails need root")
    jail = freebsd_root / "usr/sbin/jail"
    env = {"BSDULATOR_STATE_DIR": str(tmp_path / "state")}
    if not _jails_work(bsd, jail, freebsd_root, env):
        pytest.skip(
            "jail(2) is not usable under bsdulator yet; kq_jail.c covers jail(8)'s kqueue use"
        )
    r = bsd(
        "--trace",
        jail,
        "-c",
        "name=kqcmd",
        f"path={freebsd_root}",
        "command=/bin/sh",
        "-c",
        "echo in-jail",
        env=env,
    )
    assert r.returncode == 0 and r.stdout == b"in-jail\n", r.stderr.decode(errors="replace")[-3000:]
    assert b"freebsd11_kevent(" in r.stderr

    start = time.monotonic()
    r = bsd(
        jail,
        "-c",
        "name=kqslow",
        f"path={freebsd_root}",
        "exec.timeout=1",
        "exec.start=/bin/sleep 30",
        "persist",
        env=env,
    )
    assert r.returncode != 0 and b"timed out" in r.stderr, r.stderr
    assert time.monotonic() - start < 20
    bsd(jail, "-r", "kqslow", env=env)
