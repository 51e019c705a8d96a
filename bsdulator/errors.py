"""The two kinds of failure bsdulator distinguishes."""


class FreeBSDError(Exception):
    """A syscall handler's failure: carries the FreeBSD errno the tracee will see."""

    def __init__(self, errno: int, why: str = ""):
        super().__init__(errno, why)
        self.errno = errno
        self.why = why


class UsageError(Exception):
    """Something the person running bsdulator can fix: printed as one line, exit status 2."""
