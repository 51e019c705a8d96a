"""BSDULATOR_SYSCALL_LOG=FILE: every FreeBSD syscall number the supervisor serves, one line
the first time it is seen ("nr\\n", appended), so the tests can check that a test marked
`@pytest.mark.syscalls(...)` made the calls it names (tests/conftest.py).  The C fast path
logs the calls it finishes itself into the same file through the same `seen` bytes."""

import os

from .native._native import ffi

ENV = "BSDULATOR_SYSCALL_LOG"


class SyscallLog:
    def __init__(self, path: str, slots: int):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self.seen = ffi.new("uint8_t[]", slots)

    @classmethod
    def from_env(cls, slots: int) -> "SyscallLog | None":
        """The log $BSDULATOR_SYSCALL_LOG names (unset or empty: none)."""
        path = os.environ.get(ENV)
        return cls(path, slots) if path else None

    def saw(self, nr: int) -> None:
        if 0 <= nr < len(self.seen) and not self.seen[nr]:
            self.seen[nr] = 1
            os.write(self.fd, f"{nr}\n".encode())


def read(path: str) -> set[int]:
    """The numbers a log holds (none if no supervisor wrote it)."""
    try:
        with open(path) as f:
            return {int(line) for line in f if line.strip()}
    except FileNotFoundError:
        return set()
