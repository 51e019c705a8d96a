"""POSIX 1003.1b scheduling (sched_setscheduler(2) and its siblings) on the FreeBSD scheduling
classes of rtprio(2) (syscalls/thread.py), as FreeBSD's p1003_1b.c and ksched.c define them:
SCHED_FIFO and SCHED_RR are RTP_PRIO_FIFO and RTP_PRIO_REALTIME with the priority upside down
(POSIX: higher is more urgent), SCHED_OTHER is RTP_PRIO_NORMAL (an idle-class thread reads as
SCHED_OTHER).  pid 0 is the calling thread, the caller's own pid its process's first thread."""

import struct

from bsdulator import procfs
from bsdulator.abi import kinfo as K
from bsdulator.abi import umtx as U
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.syscalls.thread import RTP, rtprio_of, set_rtprio
from bsdulator.table import Support, handler, native

EINVAL, ESRCH, EPERM = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ESRCH", "EPERM"))
POLICY = U.FREEBSD_SCHED_POLICY
SCHED_FIFO, SCHED_OTHER, SCHED_RR = (POLICY[n] for n in ("SCHED_FIFO", "SCHED_OTHER", "SCHED_RR"))
# sys/rtprio.h's P1B_* ranges: realtime 0..31, timeshare 0..(PRI_MAX_TIMESHARE - PRI_MIN_TIMESHARE)
RT_PRIO_MIN, RT_PRIO_MAX = 0, RTP["RTP_PRIO_MAX"] - RTP["RTP_PRIO_MIN"]
TS_PRIO_MIN, TS_PRIO_MAX = 0, K.PRI_MAX_TIMESHARE - K.PRI_MIN_TIMESHARE
RANGES = {
    SCHED_FIFO: (RT_PRIO_MIN, RT_PRIO_MAX),
    SCHED_RR: (RT_PRIO_MIN, RT_PRIO_MAX),
    SCHED_OTHER: (TS_PRIO_MIN, TS_PRIO_MAX),
}
SCHED_PARAM = struct.Struct("<i")  # struct sched_param { int sched_priority; }
MS_PER_S, NS_PER_MS = 1000, 1000 * 1000

native("yield", "sched_yield", "sched_relinquish: the same as sched_yield")


def _target(call, pid: int):
    """The thread pid names: 0 the caller, its own pid its process's first thread."""
    pid = s32(pid)
    if pid == 0:
        return call.thread.tid
    own = yield lx.getpid()
    if pid != own:
        raise FreeBSDError(ESRCH, "scheduling of another process")
    return call.proc.pid


def _policy(tid: int) -> tuple[int, int]:
    """(POSIX policy, POSIX priority) of a thread, as ksched's getscheduler/getparam say."""
    kind, prio = rtprio_of(tid)
    if kind == RTP["RTP_PRIO_FIFO"]:
        return SCHED_FIFO, RT_PRIO_MAX - prio
    if kind == RTP["RTP_PRIO_REALTIME"]:
        return SCHED_RR, RT_PRIO_MAX - prio
    return SCHED_OTHER, TS_PRIO_MAX


def _set(call, tid: int, policy: int, priority: int) -> int:
    """ksched_setscheduler: the priority must be in the policy's range."""
    if policy not in RANGES:
        raise FreeBSDError(EINVAL, f"policy {policy}")
    low, high = RANGES[policy]
    if not low <= priority <= high:
        raise FreeBSDError(EINVAL, f"priority {priority}")
    if policy == SCHED_OTHER:
        set_rtprio(call, tid, RTP["RTP_PRIO_NORMAL"], 0)
    else:
        kind = RTP["RTP_PRIO_FIFO"] if policy == SCHED_FIFO else RTP["RTP_PRIO_REALTIME"]
        set_rtprio(call, tid, kind, RT_PRIO_MAX - priority)
    return 0


@handler(
    "sched_setscheduler",
    Support.PARTIAL,
    "another process's threads: ESRCH; SCHED_OTHER's priority is not kept (Linux has none)",
)
def sys_sched_setscheduler(call, pid, policy, param):
    """Implements FreeBSD sched_setscheduler(2)."""
    (priority,) = SCHED_PARAM.unpack(call.mem.read(param, SCHED_PARAM.size))
    tid = yield from _target(call, pid)
    # PRIV_SCHED_SET: root only, and never in a jail (prison_priv_check)
    refuse_in_jail(call, "setting a scheduling policy")
    if effective_uid(call.proc.pid) != 0:
        raise FreeBSDError(EPERM, "sched_setscheduler needs root")
    return _set(call, tid, s32(policy), priority)


@handler(
    "sched_setparam",
    Support.PARTIAL,
    "another process's threads: ESRCH; SCHED_OTHER's priority is not kept (Linux has none)",
)
def sys_sched_setparam(call, pid, param):
    """Implements FreeBSD sched_setparam(2): the thread's own policy, a new priority."""
    (priority,) = SCHED_PARAM.unpack(call.mem.read(param, SCHED_PARAM.size))
    tid = yield from _target(call, pid)
    return _set(call, tid, _policy(tid)[0], priority)


@handler(
    "sched_getscheduler",
    Support.PARTIAL,
    "another process's threads: ESRCH; SCHED_IDLE reads OTHER",
)
def sys_sched_getscheduler(call, pid):
    """Implements FreeBSD sched_getscheduler(2)."""
    tid = yield from _target(call, pid)
    return _policy(tid)[0]


@handler(
    "sched_getparam",
    Support.PARTIAL,
    "another process's threads: ESRCH; a SCHED_OTHER thread reads the range's top "
    "(FreeBSD's moves with the ULE score)",
)
def sys_sched_getparam(call, pid, param):
    """Implements FreeBSD sched_getparam(2)."""
    tid = yield from _target(call, pid)
    call.mem.write(param, SCHED_PARAM.pack(_policy(tid)[1]))
    return 0


@handler("sched_get_priority_max", Support.EMULATED, "ksched's P1B ranges")
def sys_sched_get_priority_max(call, policy):
    """Implements FreeBSD sched_get_priority_max(2)."""
    try:
        return RANGES[s32(policy)][1]
    except KeyError:
        raise FreeBSDError(EINVAL, f"policy {s32(policy)}") from None


@handler("sched_get_priority_min", Support.EMULATED, "ksched's P1B ranges")
def sys_sched_get_priority_min(call, policy):
    """Implements FreeBSD sched_get_priority_min(2)."""
    try:
        return RANGES[s32(policy)][0]
    except KeyError:
        raise FreeBSDError(EINVAL, f"policy {s32(policy)}") from None


@handler(
    "sched_rr_get_interval",
    Support.PARTIAL,
    "the host's round-robin slice (kernel.sched_rr_timeslice_ms); another process: ESRCH",
)
def sys_sched_rr_get_interval(call, pid, interval):
    """Implements FreeBSD sched_rr_get_interval(2): one interval for every thread, as ksched."""
    yield from _target(call, pid)
    seconds, ms = divmod(int(procfs.read("sys", "kernel/sched_rr_timeslice_ms")), MS_PER_S)
    call.mem.write(interval, struct.pack("<qq", seconds, ms * NS_PER_MS))
    return 0


@handler("sched_getcpu", Support.TRANSLATED, "Linux getcpu(2)'s cpu")
def sys_sched_getcpu(call):
    """Implements FreeBSD sched_getcpu(2)."""
    buf = call.alloc(8)
    check((yield lx.getcpu(buf, 0, 0)))
    return call.mem.read_u32(buf)
