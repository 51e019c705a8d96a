"""Small helpers the tests share (tests/ is on sys.path: `from helpers import wait_until`)."""

import time

POLL_S = 0.02


def wait_until(condition, timeout: float, interval: float = POLL_S):
    """condition()'s first true value, polled until timeout; its last (false) value after that.

    Tests wait for what they need to see instead of sleeping a fixed time: fast when the
    machine is fast, patient when it is loaded."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
