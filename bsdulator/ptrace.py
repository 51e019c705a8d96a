"""Linux ptrace(2) and wait(2) as the supervisor uses them (constants are Linux's)."""

import os

from .abi.ptrace import (
    LINUX_NT,
    LINUX_PTRACE_EVENTS,
    LINUX_PTRACE_OPTIONS,
    LINUX_PTRACE_REQUESTS,
    LINUX_PTRACE_SIZES,
    LINUX_WAIT,
    LINUX_XSTATE_BUFFER,
    SYSGOOD_STOP_BIT,
)
from .abi.signals import LINUX_SIGNALS
from .native._native import ffi, lib

R = LINUX_PTRACE_REQUESTS
PTRACE_TRACEME = R["PTRACE_TRACEME"]
PTRACE_CONT = R["PTRACE_CONT"]
PTRACE_SETOPTIONS = R["PTRACE_SETOPTIONS"]
PTRACE_GETEVENTMSG = R["PTRACE_GETEVENTMSG"]
PTRACE_SYSCALL = R["PTRACE_SYSCALL"]
PTRACE_GETFPREGS, PTRACE_SETFPREGS = R["PTRACE_GETFPREGS"], R["PTRACE_SETFPREGS"]
PTRACE_GETSIGINFO = R["PTRACE_GETSIGINFO"]
PTRACE_GETREGSET, NT_X86_XSTATE = R["PTRACE_GETREGSET"], LINUX_NT["NT_X86_XSTATE"]
# struct user_fpregs_struct: the FXSAVE image, as FreeBSD's mc_fpstate
FPREGS_SIZE = LINUX_PTRACE_SIZES["sizeof(struct user_fpregs_struct)"]
SIGINFO_SIZE = LINUX_PTRACE_SIZES["sizeof(siginfo_t)"]

OPT = LINUX_PTRACE_OPTIONS
O_TRACESYSGOOD = OPT["PTRACE_O_TRACESYSGOOD"]
O_TRACEFORK = OPT["PTRACE_O_TRACEFORK"]
O_TRACEVFORK = OPT["PTRACE_O_TRACEVFORK"]
O_TRACECLONE = OPT["PTRACE_O_TRACECLONE"]
O_TRACEEXEC = OPT["PTRACE_O_TRACEEXEC"]
O_EXITKILL = OPT["PTRACE_O_EXITKILL"]
OPTIONS = O_TRACESYSGOOD | O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC | O_EXITKILL

EVENT_FORK, EVENT_VFORK, EVENT_CLONE, EVENT_EXEC = (
    LINUX_PTRACE_EVENTS[f"PTRACE_EVENT_{n}"] for n in ("FORK", "VFORK", "CLONE", "EXEC")
)
SYSCALL_STOP = SYSGOOD_STOP_BIT | LINUX_SIGNALS["SIGTRAP"]  # SIGTRAP | 0x80 with TRACESYSGOOD

WNOHANG = LINUX_WAIT["WNOHANG"]


class PtraceError(OSError):
    pass


def ptrace(request: int, pid: int, addr: int = 0, data: int = 0) -> int:
    r = lib.bsdu_ptrace(request, pid, addr, data)
    if r == -1 and ffi.errno:
        raise PtraceError(ffi.errno, os.strerror(ffi.errno))
    return r


def resume(tid: int, sig: int = 0, syscalls: bool = True) -> bool:
    """Let a stopped thread run on; False when it died meanwhile (ESRCH)."""
    r = lib.bsdu_ptrace(PTRACE_SYSCALL if syscalls else PTRACE_CONT, tid, 0, sig)
    return not (r == -1 and ffi.errno)


def event_msg(tid: int) -> int:
    buf = ffi.new("unsigned long *")
    ptrace(PTRACE_GETEVENTMSG, tid, 0, int(ffi.cast("uintptr_t", buf)))
    return buf[0]


def wait(pid: int = -1, flags: int = 0) -> tuple[int, int]:
    status = ffi.new("int *")
    r = lib.bsdu_wait(pid, status, flags)
    if r < 0:
        raise ChildProcessError(ffi.errno, os.strerror(ffi.errno))
    return r, status[0]


def new_regs():
    return ffi.new("struct bsdu_regs *")


def getregs(tid: int, regs) -> bool:
    return lib.bsdu_getregs(tid, regs) == 0


def setregs(tid: int, regs) -> bool:
    return lib.bsdu_setregs(tid, regs) == 0


def copy_regs(dst, src) -> None:
    ffi.memmove(dst, src, ffi.sizeof("struct bsdu_regs"))


def _buffer_call(request: int, tid: int, buf) -> None:
    ptrace(request, tid, 0, int(ffi.cast("uintptr_t", buf)))


def get_fpregs(tid: int) -> bytes:
    buf = ffi.new("char[]", FPREGS_SIZE)
    _buffer_call(PTRACE_GETFPREGS, tid, buf)
    return ffi.buffer(buf)[:]


def set_fpregs(tid: int, data: bytes) -> None:
    buf = ffi.new("char[]", data[:FPREGS_SIZE])
    _buffer_call(PTRACE_SETFPREGS, tid, buf)


def get_xstate(tid: int) -> bytes:
    """The thread's XSAVE area in the standard (uncompacted) layout, its FXSAVE image first;
    empty where the CPU has no XSAVE."""
    buf = ffi.new("char[]", LINUX_XSTATE_BUFFER)
    iov = ffi.new("uint64_t[2]", [int(ffi.cast("uintptr_t", buf)), LINUX_XSTATE_BUFFER])
    try:
        ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, int(ffi.cast("uintptr_t", iov)))
    except OSError:
        return b""
    return ffi.buffer(buf, iov[1])[:]


def get_siginfo(tid: int) -> bytes:
    buf = ffi.new("char[]", SIGINFO_SIZE)
    _buffer_call(PTRACE_GETSIGINFO, tid, buf)
    return ffi.buffer(buf)[:]
