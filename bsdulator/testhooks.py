"""Test-only stop points, so a test can kill a bsdulator at a chosen step
(tests/test_jail_faults.py).

BSDULATOR_TEST_STOP_AT=STEP makes the process stop itself with SIGSTOP when it reaches
stop_point(STEP); the test waits for the stop, then SIGKILLs it there.  Unset, as it always is
outside tests, a stop point costs one comparison.  The steps of `jail -c`, in order:
create:begin (planned, nothing made), create:cgroup (cgroup made, no holder), create:holder
(holder said "ok", no row), create:inserted (row written, not committed), create:committed; of
`jail -r`: remove:killed (the jail's processes killed, its row not yet deleted)."""

import os
import signal

STOP_AT = os.environ.get("BSDULATOR_TEST_STOP_AT")
STEPS = (
    "create:begin",
    "create:cgroup",
    "create:holder",
    "create:inserted",
    "create:committed",
    "remove:killed",
)


def stop_point(step: str) -> None:
    """Stop here (SIGSTOP to this process) when the test asked for this step."""
    if step == STOP_AT:
        os.kill(os.getpid(), signal.SIGSTOP)
