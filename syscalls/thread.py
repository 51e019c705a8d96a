"""Threads: thr_new(2) and its siblings on Linux threads, _umtx_op(2) on futexes.

thr_new clones a Linux thread of the caller (CLONE_THREAD and the sharing flags), which
ptrace stops at birth; the supervisor stores its id where the parent and the child look
for it and gives it FreeBSD's start state (amd64 cpu_set_upcall: rip = start_func, rdi =
arg, rsp 16-aligned below the stack top minus a return slot, rbp 0, fs base = tls_base)
before either goes on.  Thread ids are the host's Linux tids: global, as FreeBSD's are.

_umtx_op's sleeps and wakes are futex calls made by the calling thread itself, so a
waiter blocks only itself.  FreeBSD keys its sleep queues by address and so does Linux;
every futex here is a shared one (no FUTEX_PRIVATE_FLAG), so callers that name one address
as AUTO_SHARE and as THREAD_SHARE still meet.  Where the kernel sets a contested or
waiters bit in a lock word or releases a mutex, the word is changed with FUTEX_WAKE_OP's
atomic operations or a compare-and-swap run by the tracee, never by a read-modify-write
from outside.  Priority-inheriting and -protecting mutexes say ENOSYS.
"""
import errno
import os
import struct
import time

from bsdulator import ptrace, structs, translate
from bsdulator.abi import kinfo as K
from bsdulator.abi import umtx as U
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.signals import LINUX_SIGPROCMASK_HOW
from bsdulator.engine import CF, Fork, Gadget, check, lx, s32, signed
from bsdulator.errors import FreeBSDError
from bsdulator.memory import USER_END
from bsdulator.process import effective_uid, ns_pids
from bsdulator.table import Support, handler
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.syscalls.signal import CAS_OFFSET, ensure_code_page

EINVAL, ESRCH, EFAULT, ETIMEDOUT = (
    FREEBSD_ERRNO[n] for n in ("EINVAL", "ESRCH", "EFAULT", "ETIMEDOUT"))
OP = U.FREEBSD_UMTX_OPS
V = U.FREEBSD_UMTX_VALUES
F = U.LINUX_FUTEX
LINUX_EAGAIN, LINUX_ETIMEDOUT, LINUX_EINTR = errno.EAGAIN, errno.ETIMEDOUT, errno.EINTR
INT_MAX = 0x7FFFFFFF
U64 = (1 << 64) - 1
THREAD_FLAGS = sum(U.LINUX_CLONE_THREAD_FLAGS.values())
THR_PARAM = structs.sizeof("thr_param")
TIMESPEC = structs.sizeof("timespec")
UMTX_TIME = structs.sizeof("_umtx_time")
MAXCOMLEN = K.MAXCOMLEN                            # FreeBSD's thread name limit
LINUX_COMM_LEN = 15     # what Linux's comm keeps: TASK_COMM_LEN - 1, not in the UAPI headers
PR_SET_NAME = U.LINUX_PRCTL["PR_SET_NAME"]


def _futex_op(op: int, oparg: int, cmp: int = F["FUTEX_OP_CMP_EQ"], cmparg: int = 0) -> int:
    """FUTEX_WAKE_OP's op word: *uaddr2 = *uaddr2 OP oparg; wake uaddr2's waiters if old CMP cmparg."""
    return (op << 28) | (cmp << 24) | (oparg << 12) | cmparg


SET_TOP_BIT = _futex_op(F["FUTEX_OP_OR"] | F["FUTEX_OP_OPARG_SHIFT"], 31)   # nr_wake2 is 0: no compare
STORE_0, STORE_1, ADD_1 = _futex_op(F["FUTEX_OP_SET"], 0), _futex_op(F["FUTEX_OP_SET"], 1), _futex_op(F["FUTEX_OP_ADD"], 1)
RELEASE = _futex_op(F["FUTEX_OP_SET"], 0, F["FUTEX_OP_CMP_LT"], 0)    # unowned; wake one if it was contested
CV_SEQ = structs.offsetof("ucond", "c_spare")   # bsdulator's wake sequence (the kernel leaves c_spare alone)


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
        _check_new_thread_rtprio(call, structs.unpack("rtprio", call.mem.read(p["rtp"], structs.sizeof("rtprio"))))
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

        def start(regs):
            ptrace.copy_regs(regs, saved)
            regs.rip = p["start_func"]
            regs.rdi = p["arg"]
            regs.rsp = (((p["stack_base"] + p["stack_size"]) & ~0xF) - 8) & U64  # wraps as register_t does
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


@handler("thr_exit", Support.EMULATED, "stores 1 in *state and wakes its waiters, then Linux exit(2)")
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
            yield lx.futex(state, F["FUTEX_WAKE"], INT_MAX, 0, 0, 0)
    yield lx.exit(0)


def _thread_number(tid: int) -> int | None:
    """A thread's id as its own process's PID namespace names it (tgkill wants that)."""
    numbers = ns_pids(tid)
    return numbers[-1] if numbers else None


def _live_threads(call) -> list[int]:
    """The caller's process's threads that have not called thr_exit."""
    return [tid for tid in call.proc.threads if (t := call.sup.threads.get(tid)) is not None and not t.exiting]


def _signal(sig: int) -> int:
    sig = s32(sig)
    linux = translate.signal_to_linux(sig) if sig else 0
    if linux is None:
        raise FreeBSDError(EINVAL, f"signal {sig}")
    return linux


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


@handler("thr_kill", Support.EMULATED, "tgkill of a thread of the caller's process (-1: all but the caller)")
def sys_thr_kill(call, tid, sig):
    """Implements FreeBSD thr_kill(2)."""
    linux = _signal(sig)
    tid = signed(tid)
    threads = _live_threads(call)
    targets = [t for t in threads if t != call.thread.tid] if tid == -1 else [tid] if tid in threads else []
    tgid = yield lx.getpid()
    return (yield from _send(call, tgid, targets, linux))


@handler("thr_kill2", Support.EMULATED, "tgkill of a thread of a process the caller may signal")
def sys_thr_kill2(call, pid, tid, sig):
    """Implements FreeBSD thr_kill2(2)."""
    linux = _signal(sig)
    pid, tid = s32(pid), signed(tid)
    own = yield lx.getpid()
    if pid == own:
        threads = _live_threads(call)
        targets = [t for t in threads if t != call.thread.tid] if tid == -1 else [tid] if tid in threads else []
        return (yield from _send(call, own, targets, linux))
    if call.proc.jail and pid not in call.sup.jails.visible_targets(call.proc, pid):
        raise FreeBSDError(ESRCH, f"process {pid} is outside the caller's jail")
    number = _thread_number(tid)
    if number is None or tid < 0:
        raise FreeBSDError(ESRCH)
    return check((yield lx.tgkill(pid, number, linux)))


@handler("thr_set_name", Support.EMULATED, "the caller's own name also becomes its Linux comm (15 bytes)")
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


def _linux_rt_priority(prio: int) -> int:
    """FreeBSD's realtime 0 (highest) … 31 onto Linux's 99 (highest) … 1."""
    return 99 - prio * 98 // RT_SPAN


def _rtprio_of(tid: int) -> tuple[int, int]:
    policy = os.sched_getscheduler(tid)
    if policy in (os.SCHED_FIFO, os.SCHED_RR):
        prio = (99 - os.sched_getparam(tid).sched_priority) * RT_SPAN // 98
        return (RTP["RTP_PRIO_FIFO"] if policy == os.SCHED_FIFO else RTP["RTP_PRIO_REALTIME"]), prio
    if policy == os.SCHED_IDLE:
        return RTP["RTP_PRIO_IDLE"], 0
    return RTP["RTP_PRIO_NORMAL"], 0


def _set_rtprio(call, tid: int, rtp_addr: int) -> None:
    kind, prio = struct.unpack("<HH", call.mem.read(rtp_addr, 4))
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
            kind, prio = _rtprio_of(tid)
        except OSError:
            raise FreeBSDError(ESRCH) from None
        call.mem.write(rtp_addr, struct.pack("<HH", kind, prio))
        return 0
    if function == RTP["RTP_SET"]:
        _set_rtprio(call, tid, rtp_addr)
        return 0
    raise FreeBSDError(EINVAL, f"rtprio function {function}")


@handler("rtprio_thread", Support.TRANSLATED, "Linux scheduling policies: NORMAL, IDLE, REALTIME (RR), FIFO")
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
        raise FreeBSDError(ESRCH, "rtprio of another process")  # its pid is in the caller's namespace
    return _rtprio(call, function, call.proc.pid if pid else call.thread.tid, rtp)


# ---- _umtx_op -------------------------------------------------------------------------------

def _timeout(call, size: int, addr: int) -> int:
    """The relative Linux timespec (its address; 0: none) for _umtx_op's (size, timeout)
    pair: a bare timespec is relative; a _umtx_time may be absolute on its clock."""
    if not addr:
        return 0
    if size <= TIMESPEC:
        t = {"_timeout": structs.unpack("timespec", call.mem.read(addr, TIMESPEC)), "_flags": 0, "_clockid": 0}
    else:
        t = structs.unpack("_umtx_time", call.mem.read(addr, UMTX_TIME))
    ns = t["_timeout"]["tv_sec"] * 10**9 + t["_timeout"]["tv_nsec"]
    if t["_timeout"]["tv_sec"] < 0 or not 0 <= t["_timeout"]["tv_nsec"] < 10**9:
        raise FreeBSDError(EINVAL, "bad timeout")
    if t["_flags"] & V["UMTX_ABSTIME"]:
        clock = translate.CLOCK_IDS.to_linux(t["_clockid"])
        if clock is None:
            raise FreeBSDError(EINVAL, f"clock {t['_clockid']}")
        ns = max(0, ns - time.clock_gettime_ns(clock))
    out = call.alloc(TIMESPEC)
    call.mem.write(out, struct.pack("<qq", *divmod(ns, 10**9)))
    return out


def _futex_wait(call, addr: int, expected: int, timeout: int):
    """Sleep while the 32-bit word at addr holds expected; the raw Linux result."""
    return (yield lx.futex(addr, F["FUTEX_WAIT"], expected & 0xFFFFFFFF, timeout, 0, 0))


def _sleep_result(r: int) -> int:
    """FreeBSD's answer to a sleep: woken, the value moved on, or interrupted, all 0 but the timeout."""
    if r == -LINUX_ETIMEDOUT:
        raise FreeBSDError(ETIMEDOUT)
    if r == -LINUX_EINTR:
        raise FreeBSDError(FREEBSD_ERRNO["EINTR"])
    if r < 0 and r != -LINUX_EAGAIN:
        check(r)
    return 0


def _atomically(addr: int, op: int, wake: int = 0):
    """The tracee applies op to the word at addr in one atomic step (and wakes up to `wake`
    of its waiters when op's compare holds)."""
    return lx.futex(addr, F["FUTEX_WAKE_OP"], 0, wake, addr, op)


def _set_top_bit(addr: int):
    """*addr |= 0x80000000 (UMUTEX_CONTESTED, USEM_HAS_WAITERS)."""
    return _atomically(addr, SET_TOP_BIT)


def _wait(call, obj, val, size, addr, wide: bool):
    """UMTX_OP_WAIT(_UINT[_PRIVATE]): sleep while *obj == val."""
    timeout = _timeout(call, size, addr)
    if wide:
        current = call.mem.read_u64(obj)
        if current != val:
            return 0
        # Linux compares 32 bits: the high half is checked here, the low one atomically.
    elif call.mem.read_u32(obj) != val & 0xFFFFFFFF:
        return 0
    return _sleep_result((yield from _futex_wait(call, obj, val, timeout)))


def _wake(call, obj, count):
    check((yield lx.futex(obj, F["FUTEX_WAKE"], max(0, min(s32(count), INT_MAX)), 0, 0, 0)))
    return 0


def _nwake(call, obj, count):
    count = s32(count)
    if count < 0:
        raise FreeBSDError(EINVAL)
    addrs = struct.unpack(f"<{count}Q", call.mem.read(obj, 8 * count)) if count else ()
    for addr in addrs:
        yield lx.futex(addr, F["FUTEX_WAKE"], INT_MAX, 0, 0, 0)
    return 0


def _owner_word(call, m: int) -> tuple[int, int]:
    owner, flags = struct.unpack("<II", call.mem.read(m, 8))
    return owner, flags


def _mutex_wait(call, m, size, addr):
    """UMTX_OP_MUTEX_WAIT: mark the owned mutex contested and sleep until it is released."""
    timeout = _timeout(call, size, addr)
    owner, flags = _owner_word(call, m)
    if flags & (V["UMUTEX_PRIO_INHERIT"] | V["UMUTEX_PRIO_PROTECT"]):
        raise call.sup.missing(call, "priority-inheriting and -protecting mutexes")
    while True:
        if owner in (V["UMUTEX_UNOWNED"], V["UMUTEX_CONTESTED"], V["UMUTEX_RB_OWNERDEAD"], V["UMUTEX_RB_NOTRECOV"]):
            return 0
        if not owner & V["UMUTEX_CONTESTED"]:
            check((yield _set_top_bit(m)))
        r = yield from _futex_wait(call, m, owner | V["UMUTEX_CONTESTED"], timeout)
        if r != -LINUX_EAGAIN:
            return _sleep_result(r)
        owner = call.mem.read_u32(m)


def _mutex_wake2(call, m, _flags):
    """UMTX_OP_MUTEX_WAKE2: wake a waiter; keep the mutex contested while more may sleep."""
    woken = check((yield lx.futex(m, F["FUTEX_WAKE"], 1, 0, 0, 0)))
    if woken:
        check((yield _set_top_bit(m)))
    return 0


def _mutex_wake(call, m):
    """UMTX_OP_MUTEX_WAKE (deprecated): as WAKE2, for a mutex its unlocker left unowned."""
    owner, _ = _owner_word(call, m)
    if owner & ~V["UMUTEX_CONTESTED"] and owner not in (V["UMUTEX_RB_OWNERDEAD"], V["UMUTEX_RB_NOTRECOV"]):
        return 0
    return (yield from _mutex_wake2(call, m, 0))


def _unlock_normal(call, m):
    """do_unlock_umutex for a PTHREAD_PRIO_NONE mutex the caller owns: unowned, and a waiter
    woken if it was contested (which stays marked while more may sleep, as in WAKE2)."""
    owner, flags = _owner_word(call, m)
    if flags & (V["UMUTEX_PRIO_INHERIT"] | V["UMUTEX_PRIO_PROTECT"]):
        raise call.sup.missing(call, "priority-inheriting and -protecting mutexes")
    if owner & ~V["UMUTEX_CONTESTED"] != call.thread.tid:
        raise FreeBSDError(FREEBSD_ERRNO["EPERM"], "not the mutex's owner")
    if check((yield _atomically(m, RELEASE, wake=1))):
        check((yield _set_top_bit(m)))


def _cv_wait(call, cv, wflags, m, ts_addr):
    """UMTX_OP_CV_WAIT: release the mutex and sleep until signalled (the caller relocks).
    The sleep is on c_spare, a wake sequence read before the mutex is released, so a
    signal that comes between the release and the sleep is not lost."""
    flags, clockid = struct.unpack("<II", call.mem.read(cv + 4, 8))
    timeout = 0
    if ts_addr:
        absolute = bool(wflags & V["CVWAIT_ABSTIME"])
        t = call.alloc(UMTX_TIME)
        call.mem.write(t, call.mem.read(ts_addr, TIMESPEC) + struct.pack(
            "<II", V["UMTX_ABSTIME"] if absolute else 0, clockid if wflags & V["CVWAIT_CLOCKID"] else 0))
        timeout = _timeout(call, UMTX_TIME, t)
    seq = call.mem.read_u32(cv + CV_SEQ)
    if call.mem.read_u32(cv) == 0:
        check((yield _atomically(cv, STORE_1)))
    yield from _unlock_normal(call, m)
    return _sleep_result((yield from _futex_wait(call, cv + CV_SEQ, seq, timeout)))


def _cv_signal(call, cv, count: int):
    """UMTX_OP_CV_SIGNAL (one) and CV_BROADCAST (all): move the sequence on, wake, and clear
    c_has_waiters once nobody is left asleep."""
    woken = check((yield lx.futex(cv + CV_SEQ, F["FUTEX_WAKE_OP"], count, 0, cv + CV_SEQ, ADD_1)))
    if count == INT_MAX or woken < count:
        check((yield _atomically(cv, STORE_0)))
    return 0


def _sem2_wait(call, sem, size, addr):
    """UMTX_OP_SEM2_WAIT: mark waiters and sleep while the count is 0."""
    timeout = _timeout(call, size, addr)
    count = call.mem.read_u32(sem)
    if count & V["USEM_MAX_COUNT"]:
        return 0
    if count != V["USEM_HAS_WAITERS"]:
        check((yield _set_top_bit(sem)))
    return _sleep_result((yield from _futex_wait(call, sem, V["USEM_HAS_WAITERS"], timeout)))


def _sem2_wake(call, sem):
    """UMTX_OP_SEM2_WAKE: wake one waiter (the waiters bit stays: a spare wake costs one call)."""
    check((yield lx.futex(sem, F["FUTEX_WAKE"], 1, 0, 0, 0)))
    return 0


# rwlocks: the kernel takes the lock for the caller, which needs a compare-and-swap; the
# tracee runs one from the code page (engine.Gadget).  Waiters of both kinds sleep on
# rw_state itself after setting their waiters bit, and the unlock that frees the lock
# clears the bits and wakes them all to try again.
RW_WRITE_OWNER, RW_WRITE_WAITERS = V["URWLOCK_WRITE_OWNER"], V["URWLOCK_WRITE_WAITERS"]
RW_READ_WAITERS, RW_MAX_READERS = V["URWLOCK_READ_WAITERS"], V["URWLOCK_MAX_READERS"]
RW_WAITERS = RW_WRITE_WAITERS | RW_READ_WAITERS


def _cas(call, addr: int, expected: int, new: int):
    """Compare-and-swap the 32-bit word at addr in the tracee; the value it held."""
    yield from ensure_code_page(call)
    old = yield Gadget(call.proc.sigcode + CAS_OFFSET, (("rdi", addr), ("rsi", new), ("rax", expected)), "rdi")
    return old & 0xFFFFFFFF


def _rw_acquire(call, rw, timeout, can_take, take, waiters_bit):
    """Take the rwlock as can_take/take say, sleeping with waiters_bit set while it is busy."""
    state = call.mem.read_u32(rw)
    while True:
        while can_take(state):
            new = take(state)
            if new is None:
                raise FreeBSDError(FREEBSD_ERRNO["EAGAIN"], "too many readers")
            old = yield from _cas(call, rw, state, new)
            if old == state:
                return 0
            state = old
        if not state & waiters_bit:
            old = yield from _cas(call, rw, state, state | waiters_bit)
            if old != state:
                state = old
                continue
            state |= waiters_bit
        r = yield from _futex_wait(call, rw, state, timeout)
        if r not in (0, -LINUX_EAGAIN):
            return _sleep_result(r)
        state = call.mem.read_u32(rw)


def _rw_rdlock(call, rw, fflag, size, addr):
    """UMTX_OP_RW_RDLOCK: a read lock, behind waiting writers unless readers are preferred."""
    timeout = _timeout(call, size, addr)
    flags = call.mem.read_u32(rw + 4) | (s32(fflag) & V["URWLOCK_PREFER_READER"])
    blockers = RW_WRITE_OWNER | (0 if flags & V["URWLOCK_PREFER_READER"] else RW_WRITE_WAITERS)
    return (yield from _rw_acquire(call, rw, timeout, lambda st: not st & blockers,
                                   lambda st: st + 1 if st & RW_MAX_READERS < RW_MAX_READERS else None,
                                   RW_READ_WAITERS))


def _rw_wrlock(call, rw, size, addr):
    """UMTX_OP_RW_WRLOCK: the write lock, once no reader or writer holds it."""
    timeout = _timeout(call, size, addr)
    return (yield from _rw_acquire(call, rw, timeout,
                                   lambda st: not st & RW_WRITE_OWNER and not st & RW_MAX_READERS,
                                   lambda st: st | RW_WRITE_OWNER, RW_WRITE_WAITERS))


def _rw_unlock(call, rw):
    """UMTX_OP_RW_UNLOCK: drop the write lock or one read lock; a lock left free wakes every waiter."""
    state = call.mem.read_u32(rw)
    while True:
        if state & RW_WRITE_OWNER:
            new = state & ~RW_WRITE_OWNER
        elif state & RW_MAX_READERS:
            new = state - 1
        else:
            raise FreeBSDError(FREEBSD_ERRNO["EPERM"], "the rwlock is not held")
        old = yield from _cas(call, rw, state, new)
        if old == state:
            break
        state = old
    while new & RW_WAITERS and not new & (RW_WRITE_OWNER | RW_MAX_READERS):
        old = yield from _cas(call, rw, new, new & ~RW_WAITERS)
        if old == new:
            check((yield lx.futex(rw, F["FUTEX_WAKE"], INT_MAX, 0, 0, 0)))
            break
        new = old
    return 0


def _robust_lists(call, params, size):
    """UMTX_OP_ROBUST_LISTS: accepted; a dying owner's robust mutexes are not marked yet."""
    if size > 3 * 8:
        raise FreeBSDError(EINVAL)
    call.mem.read(params, size)
    return 0


@handler("_umtx_op", Support.PARTIAL, "priority-inheriting and -protecting mutexes (ENOSYS); ops "
         "MUTEX_TRYLOCK, MUTEX_LOCK, SET_CEILING, SHM, GET/SET_MIN_TIMEOUT and the old LOCK, UNLOCK, SEM_WAIT, "
         "SEM_WAKE (ENOSYS); a dying owner's robust mutexes are not marked")
def sys__umtx_op(call, obj, op, val, uaddr1, uaddr2):
    """Implements FreeBSD _umtx_op(2)."""
    op = s32(op) & ~sum(U.FREEBSD_UMTX_OP_FLAGS.values())
    if op == OP["UMTX_OP_WAIT"]:
        return (yield from _wait(call, obj, val, uaddr1, uaddr2, wide=True))
    if op in (OP["UMTX_OP_WAIT_UINT"], OP["UMTX_OP_WAIT_UINT_PRIVATE"]):
        return (yield from _wait(call, obj, val, uaddr1, uaddr2, wide=False))
    if op in (OP["UMTX_OP_WAKE"], OP["UMTX_OP_WAKE_PRIVATE"]):
        return (yield from _wake(call, obj, val))
    if op == OP["UMTX_OP_NWAKE_PRIVATE"]:
        return (yield from _nwake(call, obj, val))
    if op == OP["UMTX_OP_MUTEX_WAIT"]:
        return (yield from _mutex_wait(call, obj, uaddr1, uaddr2))
    if op == OP["UMTX_OP_MUTEX_WAKE2"]:
        return (yield from _mutex_wake2(call, obj, val))
    if op == OP["UMTX_OP_MUTEX_WAKE"]:
        return (yield from _mutex_wake(call, obj))
    if op == OP["UMTX_OP_SEM2_WAIT"]:
        return (yield from _sem2_wait(call, obj, uaddr1, uaddr2))
    if op == OP["UMTX_OP_SEM2_WAKE"]:
        return (yield from _sem2_wake(call, obj))
    if op == OP["UMTX_OP_CV_WAIT"]:
        return (yield from _cv_wait(call, obj, val, uaddr1, uaddr2))
    if op == OP["UMTX_OP_CV_SIGNAL"]:
        return (yield from _cv_signal(call, obj, 1))
    if op == OP["UMTX_OP_CV_BROADCAST"]:
        return (yield from _cv_signal(call, obj, INT_MAX))
    if op == OP["UMTX_OP_MUTEX_UNLOCK"]:
        yield from _unlock_normal(call, obj)
        return 0
    if op == OP["UMTX_OP_RW_RDLOCK"]:
        return (yield from _rw_rdlock(call, obj, val, uaddr1, uaddr2))
    if op == OP["UMTX_OP_RW_WRLOCK"]:
        return (yield from _rw_wrlock(call, obj, uaddr1, uaddr2))
    if op == OP["UMTX_OP_RW_UNLOCK"]:
        return (yield from _rw_unlock(call, obj))
    if op == OP["UMTX_OP_ROBUST_LISTS"]:
        return _robust_lists(call, uaddr1, val)
    if op in OP.values():
        name = next(n for n, v in OP.items() if v == op)
        raise call.sup.missing(call, name)
    raise FreeBSDError(EINVAL, f"umtx op {op}")
