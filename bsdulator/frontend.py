"""The process the caller's shell waits for, split from the tracer.

FreeBSD programs may leave children running after the program itself exits (daemons
started by a jail's exec.start, `sh -c 'sleep 9 &'`).  They still need a tracer, so the
tracer is a child of this front process: the front exits as soon as the leader does,
with its status, while the tracer serves the remaining programs in the background.  If the
front dies first (SIGKILL), the tracer dies with it (PDEATHSIG) and so, by
PTRACE_O_EXITKILL, does every program it traces."""

import ctypes
import os
import signal
import sys

from .abi.ptrace import LINUX_PRCTL_PROCESS
from .errors import UsageError, debug_traceback

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = (
    LINUX_PRCTL_PROCESS[n] for n in ("PR_SET_PDEATHSIG", "PR_SET_CHILD_SUBREAPER")
)
INTERNAL_ERROR = os.EX_SOFTWARE
# Signals someone sends to bsdulator itself (kill, timeout(1)), meant for the program.
# Terminal signals (SIGINT, SIGQUIT, SIGTSTP, SIGWINCH) reach the program directly.
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM)
IGNORED_BY_FRONT = (signal.SIGINT, signal.SIGQUIT)

_libc = ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, value: int) -> None:
    _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


def run_split(serve) -> int:
    """Fork the tracer, which calls serve(report); return the leader's wait status.

    serve(report) must start the program, call report.leader(pid) once it runs and
    report.exited(status) when it ends, and keep serving until no traced process is left."""
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    front = os.getpid()
    tracer = os.fork()
    if tracer == 0:
        os.close(rfd)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != front:  # the front died before the line above
            os._exit(1)
        _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphaned programs stay ours to reap
        # A signal sent to the whole process group (timeout(1), a terminal) is for the
        # programs, which get it themselves; the tracer must live on to serve them.
        for sig in IGNORED_BY_FRONT + FORWARDED + (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            signal.signal(sig, signal.SIG_IGN)
        code = 0
        try:
            serve(_Report(wfd))
        except UsageError as e:
            os.write(wfd, b"U" + str(e).encode(errors="replace") + b"\n")
            code = 2
        except BaseException as e:  # a supervisor bug: say so in one line, never a traceback
            os.write(wfd, f"Xinternal error: {type(e).__name__}: {e}\n".encode(errors="replace"))
            debug_traceback(e)
            code = INTERNAL_ERROR
        os._exit(code)
    os.close(wfd)
    return _front(rfd, tracer)


class _Report:
    def __init__(self, wfd: int):
        self.wfd = wfd

    def leader(self, pid: int) -> None:
        os.write(self.wfd, f"P{pid}\n".encode())

    def exited(self, status: int) -> None:
        """The leader is gone: free the front, and stop dying with it."""
        _prctl(PR_SET_PDEATHSIG, 0)
        os.write(self.wfd, f"S{status}\n".encode())
        os.close(self.wfd)
        self.wfd = os.open(os.devnull, os.O_WRONLY)


def _front(rfd: int, tracer: int) -> int:
    leader = [0]

    def forward(sig, _frame):
        if leader[0]:
            os.kill(leader[0], sig)

    for sig in FORWARDED:
        signal.signal(sig, forward)
    for sig in IGNORED_BY_FRONT:
        signal.signal(sig, signal.SIG_IGN)
    buf = b""
    with os.fdopen(rfd, "rb", buffering=0) as pipe:
        while True:
            try:
                chunk = pipe.read(4096)
            except InterruptedError:
                continue
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                kind, text = line[:1], line[1:].decode(errors="replace")
                if kind == b"P":
                    leader[0] = int(text)
                elif kind == b"S":
                    return int(text)
                elif kind == b"U":
                    os.waitpid(tracer, 0)
                    raise UsageError(text)
                elif kind == b"X":
                    os.waitpid(tracer, 0)
                    print(f"bsdulator: {text}", file=sys.stderr)
                    return INTERNAL_ERROR << 8
    _, status = os.waitpid(tracer, 0)
    print(
        f"bsdulator: the supervisor ended without a result (wait status {status:#x})",
        file=sys.stderr,
    )
    return INTERNAL_ERROR << 8
