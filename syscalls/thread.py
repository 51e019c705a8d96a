"""Threads: thr_new(2) and its siblings on Linux threads, and the scheduling classes.

thr_new clones a Linux thread of the caller (CLONE_THREAD and the sharing flags), which
ptrace stops at birth; the supervisor stores its id where the parent and the child look
for it and gives it FreeBSD's start state (amd64 cpu_set_upcall: rip = start_func, rdi =
arg, rsp 16-aligned below the stack top minus a return slot, rbp 0, fs base = tls_base)
before either goes on.  Thread ids are the host's Linux tids: global, as FreeBSD's are.
The sleeps and wakes threads synchronise with are _umtx_op's (syscalls/umtx.py).
"""

import os
import struct

from bsdulator import ptrace, structs, translate
from bsdulator.abi import kinfo as K
from bsdulator.abi import umtx as U
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.limits import LINUX_RT_PRIORITY, LINUX_TASK_COMM_LEN
from bsdulator.abi.signals import LINUX_SIGPROCMASK_HOW
from bsdulator.engine import CF, Fork, check, lx, s32, signed
from bsdulator.errors import FreeBSDError
from bsdulator.memory import USER_END
from bsdulator.process import effective_uid, ns_pids
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.syscalls.umtx import wake_all
from bsdulator.table import Support, handler

EINVAL, ESRCH, EFAULT = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ESRCH", "EFAULT"))
U64 = (1 << 64) - 1
THREAD_FLAGS = sum(U.LINUX_CLONE_THREAD_FLAGS.values())
THR_PARAM = structs.sizeof("thr_param")
MAXCOMLEN = K.MAXCOMLEN  # FreeBSD's thread name limit
LINUX_COMM_LEN = LINUX_TASK_COMM_LEN - 1  # what Linux's comm keeps
PR_SET_NAME = U.LINUX_PRCTL["PR_SET_NAME"]


# ---- threads ------------------------------------------------------------------------------


@handler("thr_self", Support.EMULATED, "the Linux thread id (global, as FreeBSD's)")
def sys_thr_self(call, id_addr):
    """Implements FreeBSD thr_self(2)."""
    call.mem.write_u64(id_addr, call.thread.tid)
    return 0


@handler("thr_new", Support.PARTIAL, "THR_SUSPENDED (EINVAL)")
def sys_thr_new(call, param_addr, param_size):
    """Implements FreeBSD thr_new(2)."""
    size = s32(param_size)
    if not 0 <= size <= THR_PARAM:
        raise FreeBSDError(EINVAL, f"param_size {size}")
    p = structs.unpack("thr_param", call.mem.read(param_addr, size).ljust(THR_PARAM, b"\0"))
    if p["flags"] & U.FREEBSD_THR_FLAGS["THR_SUSPENDED"]:
        raise call.sup.missing(call, "THR_SUSPENDED", "EINVAL")
    if p["rtp"]:
        _check_new_thread_rtprio(
            call, structs.unpack("rtprio", call.mem.read(p["rtp"], structs.sizeof("rtprio")))
        )
    if p["tls_base"] >= USER_END:  # cpu_set_user_tls; Linux could not load it into fs_base either
        raise FreeBSDError(EINVAL, f"tls_base {p['tls_base']:#x}")
    for where in (p["child_tid"], p["parent_tid"]):
        if where:  # suword_lwpid's EFAULT now rather than after the thread exists
            call.mem.write(where, call.mem.read(where, 8))
    saved = call.saved

    def adopted(thread):
        for where in (p["child_tid"], p["parent_tid"]):
            if where:
                call.mem.write_u64(where, thread.tid)
        if p["flags"] & U.FREEBSD_THR_FLAGS["THR_C_RUNTIME"]:  # its TLS is also its TLS base
            thread.tlsbase = p["tls_base"]

        def start(regs):
            ptrace.copy_regs(regs, saved)
            regs.rip = p["start_func"]
            regs.rdi = p["arg"]
            regs.rsp = (
                ((p["stack_base"] + p["stack_size"]) & ~0xF) - 8
            ) & U64  # wraps as register_t does
            regs.rbp = 0
            regs.fs_base = p["tls_base"]
            regs.rax = 0
            regs.orig_rax = 0xFFFFFFFFFFFFFFFF  # not in a syscall: nothing to restart
            regs.eflags &= ~CF

        thread.start = start

    check((yield Fork(lx.clone(THREAD_FLAGS, 0, 0, 0, 0), adopted, thread=True)))
    return 0


def _check_new_thread_rtprio(call, rtp: dict) -> None:
    """thread_create's checks of the new thread's class; it is not applied (the new Linux
    thread keeps its creator's, as a NORMAL one would)."""
    if rtp["type"] in (RTP["RTP_PRIO_REALTIME"], RTP["RTP_PRIO_FIFO"]):
        if call.proc.jail or effective_uid(call.proc.pid) != 0:  # PRIV_SCHED_SETPOLICY
            raise FreeBSDError(FREEBSD_ERRNO["EPERM"])
        if rtp["prio"] > RTP["RTP_PRIO_MAX"]:
            raise FreeBSDError(EINVAL)
    elif rtp["type"] != RTP["RTP_PRIO_NORMAL"]:
        raise FreeBSDError(EINVAL, f"rtprio type {rtp['type']}")


@handler(
    "thr_exit", Support.EMULATED, "stores 1 in *state and wakes its waiters, then Linux exit(2)"
)
def sys_thr_exit(call, state):
    """Implements FreeBSD thr_exit(2): the last thread's exit ends the process with 0."""
    call.thread.exiting = True  # thr_kill and friends no longer find it
    everything = call.alloc(8)
    call.mem.write_u64(everything, (1 << 64) - 1)
    # No handler may run on a stack the joiner is about to free.
    yield lx.rt_sigprocmask(LINUX_SIGPROCMASK_HOW["SIG_BLOCK"], everything, 0, 8)
    if state:
        try:
            call.mem.write_u64(state, 1)
        except FreeBSDError:
            pass  # as suword_lwpid's failure: the thread exits all the same
        else:
            yield wake_all(state)
    yield lx.exit(0)


def _thread_number(tid: int) -> int | None:
    """A thread's id as its own process's PID namespace names it (tgkill wants that)."""
    numbers = ns_pids(tid)
    return numbers[-1] if numbers else None


def _live_threads(call) -> list[int]:
    """The caller's process's threads that have not called thr_exit."""
    return [
        tid
        for tid in call.proc.threads
        if (t := call.sup.threads.get(tid)) is not None and not t.exiting
    ]


def _signal(sig: int) -> int:
    sig = s32(sig)
    linux = translate.signal_to_linux(sig) if sig else 0
    if linux is None:
        raise FreeBSDError(EINVAL, f"signal {sig}")
    return linux


def _own_targets(call, tid: int) -> list[int]:
    """The caller's threads thr_kill(tid) means: -1 is every one but the caller."""
    threads = _live_threads(call)
    if tid == -1:
        return [t for t in threads if t != call.thread.tid]
    return [tid] if tid in threads else []


def _send(call, tgid: int, targets: list[int], linux_sig: int):
    """tgkill each target (host tids) from the caller, so the kernel checks and fills si_pid."""
    if not targets:
        raise FreeBSDError(ESRCH)
    if not linux_sig:
        return 0
    for tid in targets:
        number = _thread_number(tid)
        if number is not None:
            yield lx.tgkill(tgid, number, linux_sig)
    return 0


@handler(
    "thr_kill",
    Support.EMULATED,
    "tgkill of a thread of the caller's process (-1: all but the caller)",
)
def sys_thr_kill(call, tid, sig):
    """Implements FreeBSD thr_kill(2)."""
    linux = _signal(sig)
    tid = signed(tid)
    tgid = yield lx.getpid()
    return (yield from _send(call, tgid, _own_targets(call, tid), linux))


@handler("thr_kill2", Support.EMULATED, "tgkill of a thread of a process the caller may signal")
def sys_thr_kill2(call, pid, tid, sig):
    """Implements FreeBSD thr_kill2(2)."""
    linux = _signal(sig)
    pid, tid = s32(pid), signed(tid)
    own = yield lx.getpid()
    if pid == own:
        return (yield from _send(call, own, _own_targets(call, tid), linux))
    if call.proc.jail and pid not in call.sup.jails.visible_targets(call.proc, pid):
        raise FreeBSDError(ESRCH, f"process {pid} is outside the caller's jail")
    number = _thread_number(tid)
    if number is None or tid < 0:
        raise FreeBSDError(ESRCH)
    return check((yield lx.tgkill(pid, number, linux)))


@handler(
    "thr_set_name", Support.EMULATED, "the caller's own name also becomes its Linux comm (15 bytes)"
)
def sys_thr_set_name(call, tid, name_addr):
    """Implements FreeBSD thr_set_name(2)."""
    tid = signed(tid)
    thread = call.sup.threads.get(tid)
    if thread is None or thread.proc is not call.proc or thread.exiting:
        raise FreeBSDError(ESRCH)
    name = b""
    if name_addr:
        try:
            name = call.mem.read_cstr(name_addr, MAXCOMLEN + 1)
        except FreeBSDError as e:
            if e.errno == EFAULT:
                raise
            name = call.mem.read(name_addr, MAXCOMLEN)  # too long: truncated, as the kernel does
    thread.name = name.decode(errors="replace")
    if thread is call.thread:  # Linux lets a thread rename only its own thread group, from inside
        buf = call.alloc(LINUX_COMM_LEN + 1)
        call.mem.write(buf, name[:LINUX_COMM_LEN] + b"\0")
        yield lx.prctl(PR_SET_NAME, buf, 0, 0, 0)
    return 0


# ---- scheduling classes ---------------------------------------------------------------------

RTP = U.FREEBSD_RTPRIO
RT_SPAN = RTP["RTP_PRIO_MAX"] - RTP["RTP_PRIO_MIN"]
LINUX_RT_MAX = LINUX_RT_PRIORITY["max"]
LINUX_RT_SPAN = LINUX_RT_PRIORITY["max"] - LINUX_RT_PRIORITY["min"]


def _linux_rt_priority(prio: int) -> int:
    """FreeBSD's realtime 0 (highest) … 31 onto Linux's 99 (highest) … 1."""
    return LINUX_RT_MAX - prio * LINUX_RT_SPAN // RT_SPAN


def rtprio_of(tid: int) -> tuple[int, int]:
    policy = os.sched_getscheduler(tid)
    if policy in (os.SCHED_FIFO, os.SCHED_RR):
        # the inverse of _linux_rt_priority's floor: the one FreeBSD priority it maps there
        prio = -(-(LINUX_RT_MAX - os.sched_getparam(tid).sched_priority) * RT_SPAN // LINUX_RT_SPAN)
        return (RTP["RTP_PRIO_FIFO"] if policy == os.SCHED_FIFO else RTP["RTP_PRIO_REALTIME"]), prio
    if policy == os.SCHED_IDLE:
        return RTP["RTP_PRIO_IDLE"], 0
    return RTP["RTP_PRIO_NORMAL"], 0


def _set_rtprio(call, tid: int, rtp_addr: int) -> None:
    kind, prio = struct.unpack("<HH", call.mem.read(rtp_addr, 4))
    set_rtprio(call, tid, kind, prio)


def set_rtprio(call, tid: int, kind: int, prio: int) -> None:
    """Give thread tid FreeBSD's scheduling class `kind` at `prio` (rtp_set_thread)."""
    if prio > RTP["RTP_PRIO_MAX"]:
        raise FreeBSDError(EINVAL)
    if kind in (RTP["RTP_PRIO_IDLE"], RTP["RTP_PRIO_REALTIME"], RTP["RTP_PRIO_FIFO"]):
        # PRIV_SCHED_RTPRIO / PRIV_SCHED_IDPRIO, which prison_priv_check denies; the supervisor
        # sets the policy itself, so the capabilities the jailed caller lost do not stop it.
        refuse_in_jail(call, "realtime and idle scheduling")
    if kind == RTP["RTP_PRIO_NORMAL"]:
        policy, priority = os.SCHED_OTHER, 0
    elif kind == RTP["RTP_PRIO_IDLE"]:
        policy, priority = os.SCHED_IDLE, 0
    elif kind in (RTP["RTP_PRIO_REALTIME"], RTP["RTP_PRIO_FIFO"]):
        if effective_uid(call.proc.pid) != 0:  # the supervisor acts, but with the caller's rights
            raise FreeBSDError(FREEBSD_ERRNO["EPERM"])
        policy = os.SCHED_FIFO if kind == RTP["RTP_PRIO_FIFO"] else os.SCHED_RR
        priority = _linux_rt_priority(prio)
    else:
        raise FreeBSDError(EINVAL, f"rtprio type {kind}")
    try:
        os.sched_setscheduler(tid, policy, os.sched_param(priority))
    except OSError as e:
        raise FreeBSDError(translate.errno_to_freebsd(e.errno)) from None


def _rtprio(call, function: int, tid: int, rtp_addr: int) -> int:
    function = s32(function)
    if function == RTP["RTP_LOOKUP"]:
        try:
            kind, prio = rtprio_of(tid)
        except OSError:
            raise FreeBSDError(ESRCH) from None
        call.mem.write(rtp_addr, struct.pack("<HH", kind, prio))
        return 0
    if function == RTP["RTP_SET"]:
        _set_rtprio(call, tid, rtp_addr)
        return 0
    raise FreeBSDError(EINVAL, f"rtprio function {function}")


@handler(
    "rtprio_thread",
    Support.TRANSLATED,
    "Linux scheduling policies: NORMAL, IDLE, REALTIME (RR), FIFO",
)
def sys_rtprio_thread(call, function, lwpid, rtp):
    """Implements FreeBSD rtprio_thread(2): lwpid 0 is the caller."""
    lwpid = s32(lwpid)
    tid = call.thread.tid if lwpid == 0 else lwpid
    if tid not in _live_threads(call):
        raise FreeBSDError(ESRCH)
    return _rtprio(call, function, tid, rtp)


@handler("rtprio", Support.TRANSLATED, "a process's class is its main thread's")
def sys_rtprio(call, function, pid, rtp):
    """Implements FreeBSD rtprio(2): pid 0 is the caller's process."""
    pid = s32(pid)
    if pid not in (0, call.proc.pid):
        # its pid is in the caller's namespace
        raise FreeBSDError(ESRCH, "rtprio of another process")
    return _rtprio(call, function, call.proc.pid if pid else call.thread.tid, rtp)
