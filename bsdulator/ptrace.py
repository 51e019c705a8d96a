"""Linux ptrace(2) and wait(2) as the supervisor uses them (constants are Linux's)."""

import os

from .native._native import ffi, lib

PTRACE_TRACEME = 0
PTRACE_CONT = 7
PTRACE_KILL = 8
PTRACE_SETOPTIONS = 0x4200
PTRACE_GETEVENTMSG = 0x4201
PTRACE_SYSCALL = 24
PTRACE_GETFPREGS, PTRACE_SETFPREGS = 14, 15
PTRACE_GETSIGINFO = 0x4202
FPREGS_SIZE = 512  # struct user_fpregs_struct: the FXSAVE image, as FreeBSD's mc_fpstate
PTRACE_DETACH = 17
PTRACE_INTERRUPT = 0x4207
PTRACE_LISTEN = 0x4208

O_TRACESYSGOOD = 0x01
O_TRACEFORK = 0x02
O_TRACEVFORK = 0x04
O_TRACECLONE = 0x08
O_TRACEEXEC = 0x10
O_EXITKILL = 0x100000
OPTIONS = O_TRACESYSGOOD | O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC | O_EXITKILL

EVENT_FORK, EVENT_VFORK, EVENT_CLONE, EVENT_EXEC = 1, 2, 3, 4
EVENT_STOP = 128
SYSCALL_STOP = 0x80 | 5  # SIGTRAP | 0x80 with TRACESYSGOOD

WNOHANG = 1


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


def get_siginfo(tid: int) -> bytes:
    buf = ffi.new("char[]", 128)
    _buffer_call(PTRACE_GETSIGINFO, tid, buf)
    return ffi.buffer(buf)[:]
