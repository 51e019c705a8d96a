"""POSIX scheduling calls from a FreeBSD program, with FreeBSD's ranges and errno (sys/kern/ksched.c,
sys/sys/rtprio.h, 13.5's sys/sys/priority.h)."""

import os

import pytest

pytestmark = pytest.mark.e2e

# ksched_get_priority_max/min: SCHED_FIFO/RR are P1B_RT_PRIO 0..RTP_PRIO_MAX (31), SCHED_OTHER is
# 0..PRI_MAX_TIMESHARE - PRI_MIN_TIMESHARE (223 - 120 in 13.5's priority.h)
RANGES = ["max fifo=31 rr=31 other=103", "min fifo=0 rr=0 other=0"]


@pytest.fixture(scope="module")
def program(freebsd_programs):
    return freebsd_programs("sched_posix")["sched_posix"]


@pytest.mark.syscalls(
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_getparam",
    "sched_setparam",
    "sched_rr_get_interval",
    "yield",
    "sched_getcpu",
)
def test_posix_scheduling_unprivileged_part(bsd, program):
    r = bsd(program)
    out = r.stdout.decode().splitlines()
    assert out[:2] == RANGES and out[-1].endswith(": 0 failures"), r.stdout.decode()


@pytest.mark.root
@pytest.mark.syscalls("sched_setscheduler", "sched_getscheduler", "sched_getparam", "rtprio_thread")
def test_posix_scheduling_realtime_as_root(bsd, program):
    if os.geteuid() != 0:
        pytest.skip("realtime scheduling needs root")
    r = bsd(program, "root")
    out = r.stdout.decode().splitlines()
    assert out[-1].endswith(": 0 failures"), r.stdout.decode()
    # POSIX priority 10 is rtprio's 31 - 10 (ksched.c p1bprio_to_rtprio), RTP_PRIO_FIFO is 10
    assert "fifo 10 is rtprio type=10 prio=21" in out
