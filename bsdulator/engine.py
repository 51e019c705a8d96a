"""The syscall stage driver: what happens at a syscall-enter and a syscall-exit stop.

A handler is called at the enter stop as `handler(call, *args)` and either returns
the FreeBSD result at once (emulated: the Linux call is skipped), raises FreeBSDError,
or is a generator that yields LinuxCall objects.  The first yielded call runs in place of
the FreeBSD one; each further one is injected by rewinding rip onto the `syscall`
instruction at the exit stop, so one FreeBSD call can become several Linux calls.  The
generator's return value is the FreeBSD result: an int (rax) or a pair (rax, rdx).
A handler may also yield a Gadget: a few instructions of the per-image code page that end
in a syscall (an atomic compare-and-swap, which no Linux syscall offers).
A Linux call that changes what the supervisor tracks is yielded wrapped in the control value
that says so: Exec (a new FreeBSD image) or Fork (a child to adopt, process or thread).
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import ptrace
from .abi import machine
from .abi.errno import FREEBSD_ERRNO, LINUX_KERNEL_RESTART
from .abi.limits import FREEBSD_LIMITS, LINUX_MAX_ERRNO, LINUX_PATH_MAX
from .abi.linux_syscalls import LINUX_NR
from .abi.seccomp import LINUX_USER64_CS
from .abi.signals import LINUX_SIGPROCMASK_HOW
from .abi.syscall_table import MASTER
from .errors import FreeBSDError, internal_error
from .seccomp import SUPERVISED_IP
from .translate import errno_to_freebsd

CF = machine.FREEBSD_PSL["PSL_C"]  # set with an errno in rax on return
SKIP = 0xFFFFFFFFFFFFFFFF  # orig_rax = -1: the kernel runs nothing
RED_ZONE = machine.RED_ZONE
# syscall(2) takes an int number, __syscall(2) a 64-bit one; syscalls.master marks both SYSMUX.
SYS_syscall, SYS___syscall = (
    next(nr for nr, row in MASTER.items() if row[1] == name) for name in ("syscall", "__syscall")
)
SIG_BLOCK, SIG_SETMASK = LINUX_SIGPROCMASK_HOW["SIG_BLOCK"], LINUX_SIGPROCMASK_HOW["SIG_SETMASK"]
# Linux's internal "restart me" codes seen at an interrupted syscall's exit stop.
ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK = (
    LINUX_KERNEL_RESTART[n]
    for n in ("ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ERESTART_RESTARTBLOCK")
)
RESTARTS = (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK)
FREEBSD_ENOSYS, FREEBSD_EINTR, FREEBSD_EIO, FREEBSD_ENAMETOOLONG = (
    FREEBSD_ERRNO["ENOSYS"],
    FREEBSD_ERRNO["EINTR"],
    FREEBSD_ERRNO["EIO"],
    FREEBSD_ERRNO["ENAMETOOLONG"],
)
FREEBSD_PATH_MAX = FREEBSD_LIMITS["PATH_MAX"]


@dataclass(frozen=True, slots=True)
class LinuxCall:
    nr: int
    args: tuple


@dataclass(frozen=True, slots=True)
class Gadget:
    """Instructions the tracee runs for a handler, ending in a syscall stop: rip = address,
    the registers set as given; the handler gets back register `result` at that stop."""

    address: int
    regs: tuple  # ((name, value), ...)
    result: str


@dataclass(frozen=True, slots=True)
class Exec:
    """The Linux execve that loads a FreeBSD image: when it succeeds the supervisor builds
    FreeBSD's entry state for `image`, with `exe` as the program's path."""

    linux: LinuxCall
    exe: str
    image: object


@dataclass(frozen=True, slots=True)
class Fork:
    """A Linux fork or clone whose child the supervisor adopts: as a thread of the caller's
    process when `thread`, else as a new process; `adopted(child_thread)` runs then (it may
    set the child's start state)."""

    linux: LinuxCall
    adopted: Callable | None = None
    thread: bool = False


class _Linux:
    """`lx.openat(a, b, c)` builds LinuxCall(LINUX_NR['openat'], (a, b, c))."""

    def __getattr__(self, name: str):
        nr = LINUX_NR[name]
        return lambda *args: LinuxCall(nr, args)


lx = _Linux()


def closing(fds, body):
    """`yield from closing(fds, body)`: body's result, the tracee's descriptors fds closed
    after it whether it failed or not.  Not a finally: a call abandoned (GeneratorExit: its
    thread is gone, or it restarts whole) must make no further Linux call."""
    try:
        result = yield from body
    except Exception:
        for fd in fds:
            yield LinuxCall(LINUX_NR["close"], (fd,))
        raise
    for fd in fds:
        yield LinuxCall(LINUX_NR["close"], (fd,))
    return result


def check(r: int) -> int:
    """A raw Linux return value, or FreeBSDError with the translated errno."""
    if -LINUX_MAX_ERRNO <= r < 0:
        raise FreeBSDError(errno_to_freebsd(-r))
    return r


def signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


class Call:
    """One FreeBSD syscall in flight on one thread."""

    __slots__ = (
        "sup",
        "thread",
        "proc",
        "mem",
        "entry",
        "args",
        "saved",
        "gen",
        "result",
        "scratch",
        "injected",
        "exec_done",
        "control",
        "trace_in",
        "rewind",
        "set_regs",
        "synthetic",
        "gadget",
        "pending",
    )

    def __init__(self, sup, thread, entry, args, saved):
        self.sup = sup
        self.thread = thread
        self.proc = thread.proc
        self.mem = thread.proc.mem  # the image the call began in
        self.entry = entry
        self.args = args
        self.saved = saved  # the registers at the enter stop
        self.gen = None
        self.result = None  # (rax, rdx, error) once known
        self.scratch = saved.rsp - RED_ZONE
        self.injected = False
        self.exec_done = False
        self.control = None  # the Exec or Fork running now, for the supervisor's events
        self.rewind = saved.rip - 2  # where an injected call's `syscall` instruction is
        self.set_regs = None  # a SetRegs result replaces the whole register file
        self.synthetic = False  # injected by the supervisor, not called by the program
        self.trace_in = None
        self.gadget = None  # the Gadget running in the tracee
        self.pending = None  # a Gadget to start once the skipped FreeBSD call returns

    def alloc(self, size: int) -> int:
        """Scratch memory below the tracee's stack red zone, valid for this call."""
        self.scratch = (self.scratch - size) & ~15
        return self.scratch

    def path(self, addr: int) -> bytes:
        return self.mem.read_cstr(addr, LINUX_PATH_MAX)


class SetRegs:
    """A handler result that rewrites every register (sigreturn, signal delivery)."""

    __slots__ = ("apply",)

    def __init__(self, apply):
        self.apply = apply  # apply(regs): regs start as the caller's registers


def _load(regs, lc: LinuxCall) -> None:
    a = lc.args + (0,) * (machine.SYSCALL_ARGS - len(lc.args))
    regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9 = (x & 0xFFFFFFFFFFFFFFFF for x in a)


def _result_regs(call: Call, regs) -> None:
    """Registers as FreeBSD leaves them: the caller's, with rax/rdx/CF set.  The segment
    bases are the kernel's now (sysarch, thr_new's TLS may just have set them): the saved
    ones would undo that."""
    fs_base, gs_base = regs.fs_base, regs.gs_base
    ptrace.copy_regs(regs, call.saved)
    regs.fs_base, regs.gs_base = fs_base, gs_base
    if call.set_regs is not None:
        call.set_regs.apply(regs)
        return
    rax, rdx, error = call.result
    if error:
        regs.rax = error
        regs.eflags |= CF
    else:
        regs.rax = rax & 0xFFFFFFFFFFFFFFFF
        if rdx is not None:
            regs.rdx = rdx & 0xFFFFFFFFFFFFFFFF
        regs.eflags &= ~CF


def _set_result(call: Call, value) -> None:
    if isinstance(value, SetRegs):
        call.set_regs = value
        call.result = (0, None, 0)
    elif isinstance(value, tuple):
        call.result = (value[0], value[1], 0)
    else:
        call.result = (value, None, 0)


def _advance(call: Call, send) -> LinuxCall | None:
    """Run the handler's generator one step; store the result when it finishes."""
    try:
        lc = call.gen.send(send)
    except StopIteration as stop:
        _set_result(call, stop.value if stop.value is not None else 0)
        return None
    except FreeBSDError as e:
        call.result = (0, None, e.errno)
        return None
    except Exception as e:  # a bsdulator bug: this call fails, the program and the others go on
        _internal_error(call, e)
        return None
    if isinstance(lc, (Exec, Fork)):
        call.control = lc
        return lc.linux
    call.control = None
    return lc


def _internal_error(call: Call, e: Exception) -> None:
    """Said on stderr whether tracing or not: it is a bsdulator bug, and the program gets EIO."""
    internal_error(f" in {call.entry.name}", e)
    call.result = (0, None, FREEBSD_EIO)


def amd64_gate(regs) -> bool:
    """Entered through `syscall` from 64-bit code, the only gate FreeBSD/amd64 programs use:
    the instruction leaves the return address in rcx and the flags in r11.  int $0x80,
    sysenter and 32-bit code segments do not (a program that forges rcx and r11 for int
    $0x80 passes here, and the seccomp filter kills it)."""
    return regs.cs == LINUX_USER64_CS and regs.rcx == regs.rip and regs.r11 == regs.eflags


def _path_too_long(mem, args, paths) -> bool:
    """namei copies a path in with MAXPATHLEN as the bound, its NUL included: a longer one is
    ENAMETOOLONG before any lookup (Linux's bound is 4096).  A path that cannot be read is
    left to the call itself (EFAULT)."""
    for i in paths:
        if not args[i]:
            continue
        try:
            if len(mem.read_cstr(args[i], FREEBSD_PATH_MAX)) >= FREEBSD_PATH_MAX:
                return True
        except FreeBSDError as e:
            if e.errno == FREEBSD_ENAMETOOLONG:
                return True
    return False


def supervise(regs) -> None:
    """The call about to run is one the supervisor decided on: the seccomp filter lets only
    such calls through (bsdulator/seccomp.py).  The exit stop puts the real rip back."""
    regs.rip = SUPERVISED_IP


def enter(sup, thread, regs) -> None:
    """At a syscall-enter stop: decode the FreeBSD call and start it."""
    nr = saved_nr = regs.orig_rax
    args = [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9]
    gate = amd64_gate(regs)
    indirect = gate and nr in (SYS_syscall, SYS___syscall)
    if indirect:  # syscall(2) / __syscall(2): the number is the first argument
        nr = regs.rdi & (0xFFFFFFFF if nr == SYS_syscall else 0xFFFFFFFFFFFFFFFF)
        args = args[1:] + [0]
    if not gate:  # not a FreeBSD/amd64 call: answered as a slot FreeBSD lacks (SIGSYS, ENOSYS)
        entry = replace(sup.out_of_range(nr), name=f"#{nr} (not through the amd64 syscall gate)")
    else:
        entry = sup.table[nr] if nr < len(sup.table) else sup.out_of_range(nr)
        if sup.syscall_log is not None:
            sup.syscall_log.saw(nr)
            if indirect:  # syscall(2) itself was made too
                sup.syscall_log.saw(saved_nr)
    saved = ptrace.new_regs()
    ptrace.copy_regs(saved, regs)
    fetch_error = 0
    if indirect and entry.nargs == len(args):
        # Its sixth argument is on the stack, copied in (EFAULT) only for a call that takes
        # one, as cpu_fetch_syscall_args does.
        try:
            args[-1] = thread.proc.mem.read_u64(regs.rsp + 8)
        except FreeBSDError as e:
            fetch_error = e.errno
    call = Call(sup, thread, entry, args, saved)
    thread.call = call
    if sup.tracer:
        sup.tracer.enter(call)
    if fetch_error:
        call.result = (0, None, fetch_error)
    elif entry.paths and _path_too_long(thread.proc.mem, args, entry.paths):
        call.result = (0, None, FREEBSD_ENAMETOOLONG)
    elif entry.linux_nr is not None:
        regs.orig_rax = entry.linux_nr
        if saved.orig_rax != nr:
            _load(regs, LinuxCall(entry.linux_nr, tuple(args)))
        supervise(regs)
        ptrace.setregs(thread.tid, regs)
        return
    elif entry.handler is None:
        call.result = (0, None, sup.unimplemented(call))
    else:
        try:
            out = entry.handler(call, *args[: entry.nargs])
        except FreeBSDError as e:
            call.result = (0, None, e.errno)
        except Exception as e:
            _internal_error(call, e)
        else:
            if inspect.isgenerator(out):
                call.gen = out
                lc = _advance(call, None)
                if isinstance(lc, Gadget):  # runs once the (skipped) FreeBSD call has returned
                    call.pending = lc
                elif lc is not None:
                    regs.orig_rax = lc.nr
                    _load(regs, lc)
                    supervise(regs)
                    ptrace.setregs(thread.tid, regs)
                    return
            else:
                _set_result(call, out if out is not None else 0)
    regs.orig_rax = SKIP
    ptrace.setregs(thread.tid, regs)


def exit_(sup, thread, regs) -> None:
    """At a syscall-exit stop: feed the Linux result on, inject the next call, or finish."""
    call = thread.call
    if call is None:
        return  # e.g. a new child's return from fork: fixed at its first stop
    if call.injected:
        call.injected = False
    if call.exec_done:
        thread.call = None
        return
    rax = signed(regs.rax)
    if -rax in RESTARTS and call.result is None and not call.synthetic:
        _restartable(call, regs, -rax)
        thread.call = None
        abandon(call)
        if sup.tracer:
            sup.tracer.interrupted(call)
        ptrace.setregs(thread.tid, regs)
        return
    if call.result is None:
        if call.gen is None:  # a native entry
            if -LINUX_MAX_ERRNO <= rax < 0:
                call.result = (0, None, errno_to_freebsd(-rax))
            else:
                call.result = (rax, None, 0)
        else:
            if call.pending is not None:
                lc, call.pending = call.pending, None
            elif (
                call.gadget is not None
            ):  # its closing syscall returned: the answer is in a register
                lc = _advance(call, signed(getattr(regs, call.gadget.result)))
            else:
                lc = _advance(call, rax)
            call.gadget = None
            if isinstance(lc, Gadget):
                regs.rip = lc.address
                for name, value in lc.regs:
                    setattr(regs, name, value & 0xFFFFFFFFFFFFFFFF)
                call.gadget = lc
                call.injected = True
                ptrace.setregs(thread.tid, regs)
                return
            if lc is not None:
                regs.rip = call.rewind
                regs.rax = lc.nr
                regs.orig_rax = lc.nr
                _load(regs, lc)
                call.injected = True
                ptrace.setregs(thread.tid, regs)
                return
    _result_regs(call, regs)
    thread.call = None
    if sup.tracer and not call.synthetic:
        sup.tracer.exit(call)
    ptrace.setregs(thread.tid, regs)
    if thread.deferred:
        _requeue(sup, thread, call.rewind)


REQUEUE = None  # the Entry of _requeue's synthetic call, made on first use


def _requeue(sup, thread, gadget: int) -> None:
    """Post again, to the thread itself and with their own siginfo, the caught signals that
    arrived while its call was half done (a handler run then would have broken the call's
    sequence of injected calls); the kernel delivers them as this call returns.  Signals
    that come before this call has blocked them join the ones it posts."""
    global REQUEUE
    if REQUEUE is None:
        from .table import Entry, Support

        REQUEUE = Entry(-1, "<deferred signals>", "", (), Support.EMULATED)
    masks = (thread.regs.rsp - RED_ZONE - 16) & ~15

    def post():
        thread.proc.mem.write(masks, b"\xff" * 8)
        yield LinuxCall(LINUX_NR["rt_sigprocmask"], (SIG_BLOCK, masks, masks + 8, 8))
        infos, thread.deferred = thread.deferred, []  # none can come now until the mask is back
        tgid = yield LinuxCall(LINUX_NR["getpid"], ())
        tid = yield LinuxCall(LINUX_NR["gettid"], ())
        for i, info in enumerate(infos):
            where = masks - ptrace.SIGINFO_SIZE * (i + 1)
            thread.proc.mem.write(where, info)
            yield LinuxCall(
                LINUX_NR["rt_tgsigqueueinfo"],
                (tgid, tid, int.from_bytes(info[:4], "little"), where),
            )
        yield LinuxCall(LINUX_NR["rt_sigprocmask"], (SIG_SETMASK, masks + 8, 0, 8))
        # the finished call's registers, result included, as they were
        return SetRegs(lambda regs: None)

    inject(sup, thread, REQUEUE, post(), gadget)


def inject(sup, thread, entry, gen, gadget: int) -> None:
    """Run a handler-style generator on a thread stopped outside a syscall (e.g. at signal
    delivery): its Linux calls execute on the `syscall` instruction at `gadget`."""
    regs = thread.regs
    saved = ptrace.new_regs()
    ptrace.copy_regs(saved, regs)
    call = Call(sup, thread, entry, [], saved)
    call.gen, call.synthetic, call.rewind = gen, True, gadget
    lc = _advance(call, None)
    if lc is None:
        _result_regs(call, regs)
    else:
        regs.rip, regs.rax, regs.orig_rax = gadget, lc.nr, SKIP
        _load(regs, lc)
        call.injected = True
        thread.call = call
    ptrace.setregs(thread.tid, regs)


def abandon(call: Call) -> None:
    """A call that will not go on (it restarts whole, or its thread is gone): its handler's
    clean-up runs now, while the tracee is stopped, not whenever the collector finds the
    generator (it and the Call refer to each other)."""
    if call.gen is not None:
        try:
            call.gen.close()
        except Exception as e:  # a handler that yields or raises while closed: a bsdulator bug
            _internal_error(call, e)


def _restartable(call: Call, regs, code: int) -> None:
    """An interrupted call: put the FreeBSD call back so the kernel's restart (or a
    FreeBSD handler's SA_RESTART decision at signal delivery) re-issues it whole."""
    ptrace.copy_regs(regs, call.saved)
    regs.rax = (-(ERESTARTNOHAND if code == ERESTART_RESTARTBLOCK else code)) & 0xFFFFFFFFFFFFFFFF
