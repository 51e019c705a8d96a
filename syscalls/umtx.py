"""_umtx_op(2): the sleeps and wakes of libthr's mutexes, condition variables, rwlocks and
semaphores, on Linux futexes.

They are futex calls made by the calling thread itself, so a waiter blocks only itself.
FreeBSD keys its sleep queues by address and so does Linux; every futex here is a shared one
(no FUTEX_PRIVATE_FLAG), so callers that name one address as AUTO_SHARE and as THREAD_SHARE
still meet. Where the kernel sets a contested or waiters bit in a lock word or releases a
mutex, the word is changed with FUTEX_WAKE_OP's atomic operations or a compare-and-swap run
by the tracee, never by a read-modify-write from outside. Priority-inheriting and
-protecting mutexes say ENOSYS.
"""

import errno
import struct
import time

from bsdulator import structs, translate
from bsdulator.abi import umtx as U
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.engine import Gadget, check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.signal import CAS_OFFSET, ensure_code_page
from bsdulator.table import Support, handler

EINVAL, ETIMEDOUT = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ETIMEDOUT"))
OP = U.FREEBSD_UMTX_OPS
V = U.FREEBSD_UMTX_VALUES
F = U.LINUX_FUTEX
LINUX_EAGAIN, LINUX_ETIMEDOUT, LINUX_EINTR = errno.EAGAIN, errno.ETIMEDOUT, errno.EINTR
INT_MAX = 0x7FFFFFFF
TIMESPEC = structs.sizeof("timespec")
UMTX_TIME = structs.sizeof("_umtx_time")


def _futex_op(op: int, oparg: int, cmp: int = F["FUTEX_OP_CMP_EQ"], cmparg: int = 0) -> int:
    """FUTEX_WAKE_OP's op word: *uaddr2 = *uaddr2 OP oparg; wake uaddr2's waiters if old CMP
    cmparg."""
    shift = U.LINUX_FUTEX_OP_SHIFTS
    return (
        (op << shift["op"])
        | (cmp << shift["cmp"])
        | (oparg << shift["oparg"])
        | (cmparg << shift["cmparg"])
    )


# nr_wake2 is 0: no compare
SET_TOP_BIT = _futex_op(F["FUTEX_OP_OR"] | F["FUTEX_OP_OPARG_SHIFT"], 31)
STORE_0, STORE_1, ADD_1 = (
    _futex_op(F["FUTEX_OP_SET"], 0),
    _futex_op(F["FUTEX_OP_SET"], 1),
    _futex_op(F["FUTEX_OP_ADD"], 1),
)
# unowned; wake one if it was contested
RELEASE = _futex_op(F["FUTEX_OP_SET"], 0, F["FUTEX_OP_CMP_LT"], 0)
# bsdulator's wake sequence (the kernel leaves c_spare alone)
CV_SEQ = structs.offsetof("ucond", "c_spare")


def wake_all(addr: int):
    """Wake every thread that sleeps on the word at addr (thr_exit's *state)."""
    return lx.futex(addr, F["FUTEX_WAKE"], INT_MAX, 0, 0, 0)


def _timeout(call, size: int, addr: int) -> int:
    """The relative Linux timespec (its address; 0: none) for _umtx_op's (size, timeout)
    pair: a bare timespec is relative; a _umtx_time may be absolute on its clock."""
    if not addr:
        return 0
    if size <= TIMESPEC:
        t = {
            "_timeout": structs.unpack("timespec", call.mem.read(addr, TIMESPEC)),
            "_flags": 0,
            "_clockid": 0,
        }
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
    """FreeBSD's answer to a sleep: woken, the value moved on, or interrupted, all 0 but the
    timeout."""
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
        if owner in (
            V["UMUTEX_UNOWNED"],
            V["UMUTEX_CONTESTED"],
            V["UMUTEX_RB_OWNERDEAD"],
            V["UMUTEX_RB_NOTRECOV"],
        ):
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
    if owner & ~V["UMUTEX_CONTESTED"] and owner not in (
        V["UMUTEX_RB_OWNERDEAD"],
        V["UMUTEX_RB_NOTRECOV"],
    ):
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
        call.mem.write(
            t,
            call.mem.read(ts_addr, TIMESPEC)
            + struct.pack(
                "<II",
                V["UMTX_ABSTIME"] if absolute else 0,
                clockid if wflags & V["CVWAIT_CLOCKID"] else 0,
            ),
        )
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
    old = yield Gadget(
        call.proc.sigcode + CAS_OFFSET, (("rdi", addr), ("rsi", new), ("rax", expected)), "rdi"
    )
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
    return (
        yield from _rw_acquire(
            call,
            rw,
            timeout,
            lambda st: not st & blockers,
            lambda st: st + 1 if st & RW_MAX_READERS < RW_MAX_READERS else None,
            RW_READ_WAITERS,
        )
    )


def _rw_wrlock(call, rw, size, addr):
    """UMTX_OP_RW_WRLOCK: the write lock, once no reader or writer holds it."""
    timeout = _timeout(call, size, addr)
    return (
        yield from _rw_acquire(
            call,
            rw,
            timeout,
            lambda st: not st & RW_WRITE_OWNER and not st & RW_MAX_READERS,
            lambda st: st | RW_WRITE_OWNER,
            RW_WRITE_WAITERS,
        )
    )


def _rw_unlock(call, rw):
    """UMTX_OP_RW_UNLOCK: drop the write lock or one read lock; a lock left free wakes every
    waiter."""
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


@handler(
    "_umtx_op",
    Support.PARTIAL,
    "priority-inheriting and -protecting mutexes (ENOSYS); ops "
    "MUTEX_TRYLOCK, MUTEX_LOCK, SET_CEILING, SHM, GET/SET_MIN_TIMEOUT and the old LOCK, "
    "UNLOCK, SEM_WAIT, SEM_WAKE (ENOSYS); a dying owner's robust mutexes are not marked",
)
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
