"""The two kinds of failure bsdulator distinguishes, and how a bug of its own is reported."""

import os
import sys
import traceback


class FreeBSDError(Exception):
    """A syscall handler's failure: carries the FreeBSD errno the tracee will see."""

    def __init__(self, errno: int, why: str = ""):
        super().__init__(errno, why)
        self.errno = errno
        self.why = why


class UsageError(Exception):
    """Something the person running bsdulator can fix: printed as one line, exit status 2."""


def internal_error(what: str, e: BaseException) -> None:
    """A bsdulator bug, said in one line on stderr (plus its traceback with BSDULATOR_DEBUG=1)."""
    sys.stderr.write(f"bsdulator: internal error{what}: {type(e).__name__}: {e}\n")
    debug_traceback(e)


def debug_traceback(e: BaseException) -> None:
    """BSDULATOR_DEBUG=1: the traceback behind an internal error, for whoever fixes it."""
    if os.environ.get("BSDULATOR_DEBUG") == "1":
        traceback.print_exception(e, file=sys.stderr)
