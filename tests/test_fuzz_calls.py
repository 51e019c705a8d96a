"""Fuzzing the calls the supervisor serves itself: random arguments from a FreeBSD program
(tests/freebsd_programs/fuzz_calls.c) must get FreeBSD answers, never crash or wedge bsdulator.

The calls are every translated or emulated slot except those whose whole point is to end or
replace the program, change its control flow or memory map, or reach beyond it (signals to
other processes, the host clock, other processes' scheduling, jails).  The examples are
derandomized so CI stays reproducible; hunt wider with --hypothesis-seed=N and more examples."""
import struct
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bsdulator import table
from bsdulator.table import Support

TOKEN = 0x5C0000
EXCLUDED = {
    "syscall", "__syscall", "_exit", "fork", "vfork", "rfork", "execve", "fexecve", "kill", "thr_kill", "thr_kill2",
    "thr_exit", "thr_new", "sigaction", "sigreturn", "setcontext", "swapcontext", "mmap", "madvise", "sysarch",
    "clock_settime", "cpuset_setaffinity", "rtprio", "rtprio_thread", "jail", "jail_attach", "jail_set",
    "jail_remove", "setrlimit",
}
SERVED = sorted(e.nr for e in table.build()
                if e.support in (Support.TRANSLATED, Support.EMULATED, Support.STUB) and e.name not in EXCLUDED)

argument = st.one_of(
    st.integers(-3, 70).map(lambda v: v & (2**64 - 1)),
    st.sampled_from([2**63 - 1, 2**64 - 1, 2**31 - 1, 2**32 - 1, 1 << 47]),
    st.integers(0, 63).map(lambda k: TOKEN + k),
    st.integers(0, 2**64 - 1),
)
calls = st.lists(st.tuples(st.sampled_from(SERVED), st.lists(argument, min_size=6, max_size=6)), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def fuzzer(freebsd_cc):
    from pathlib import Path
    return freebsd_cc((Path(__file__).parent / "freebsd_programs" / "fuzz_calls.c").read_text(), "fuzz_calls")


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=calls)
def test_random_arguments_get_answers(bsd, fuzzer, tmp_path_factory, batch):
    state = tmp_path_factory.mktemp("fuzz-state")
    records = b"".join(struct.pack("<7Q", nr, *args) for nr, args in batch)
    try:
        r = bsd(fuzzer, input=records, env={"BSDULATOR_STATE_DIR": str(state)}, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"wedged on {batch}")
    err = r.stderr.decode(errors="replace")
    assert "internal error" not in err and "Traceback" not in err, (batch, err[-2000:])
    # The program may end by its own doing (a signal it asked for, a limit), but not by bsdulator's.
    assert r.returncode == 0 and r.stdout == f"{len(batch)} calls\n".encode() or r.returncode < 0 or r.returncode > 128, \
        (batch, r.returncode, r.stdout, err[-2000:])
