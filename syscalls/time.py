"""Clocks, timers and sleeping."""

import struct

from bsdulator import translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_CLOCK_IDS
from bsdulator.abi.sysinfo import (
    LINUX_TIMEX_OFFSETS,
    LINUX_TIMEX_SIZE,
    NTPTIMEVAL_FORMAT,
    NTPTIMEVAL_SIZE,
    TIMEX_FIELDS,
    TIMEX_FORMAT,
)
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler, native

EINVAL = FREEBSD_ERRNO["EINVAL"]
U32 = 0xFFFFFFFF

native("gettimeofday", note="struct timeval and timezone have the same layout")
native("nanosleep", note="struct timespec has the same layout")
native("setitimer", note="ITIMER_* and struct itimerval are the same")
native("getitimer")


def _clock(clock_id: int) -> int:
    linux = translate.CLOCK_IDS.to_linux(s32(clock_id))
    if linux is None:
        raise FreeBSDError(EINVAL, f"clock {clock_id}")
    return linux


@handler("clock_gettime", Support.TRANSLATED, "clock ids translated")
def sys_clock_gettime(call, clock_id, tp):
    """Implements FreeBSD clock_gettime(2)."""
    return check((yield lx.clock_gettime(_clock(clock_id), tp)))


@handler("clock_getres", Support.TRANSLATED, "clock ids translated")
def sys_clock_getres(call, clock_id, tp):
    """Implements FreeBSD clock_getres(2)."""
    return check((yield lx.clock_getres(_clock(clock_id), tp)))


@handler("clock_settime", Support.TRANSLATED, "clock ids translated; refused in jails")
def sys_clock_settime(call, clock_id, tp):
    """Implements FreeBSD clock_settime(2)."""
    refuse_in_jail(call, "setting the clock")
    return check((yield lx.clock_settime(_clock(clock_id), tp)))


@handler("settimeofday", Support.TRANSLATED, "the same layouts; refused in jails")
def sys_settimeofday(call, tv, tz):
    """Implements FreeBSD settimeofday(2)."""
    refuse_in_jail(call, "setting the clock")
    return check((yield lx.settimeofday(tv, tz)))


@handler(
    "clock_nanosleep",
    Support.TRANSLATED,
    "clock ids translated; the error comes back as the result",
)
def sys_clock_nanosleep(call, clock_id, flags, rqtp, rmtp):
    """Implements FreeBSD clock_nanosleep(2), which reports failure as its return value (an
    unknown clock too: kern_posix_error)."""
    try:
        clock = _clock(clock_id)
    except FreeBSDError as e:
        return e.errno
    r = yield lx.clock_nanosleep(clock, translate.TIMER_FLAGS.to_linux(flags), rqtp, rmtp)
    return translate.errno_to_freebsd(-r) if r < 0 else 0


# ---- timer descriptors (FreeBSD 14's sys_timerfd.c: Linux's interface, Linux's numbers) --------

TIMERFD_CLOCKS = ("CLOCK_REALTIME", "CLOCK_MONOTONIC")  # kern_timerfd_create takes only these


@handler("timerfd_create", Support.TRANSLATED, "clock ids and TFD_NONBLOCK/TFD_CLOEXEC translated")
def sys_timerfd_create(call, clockid, flags):
    """Implements FreeBSD timerfd_create(2)."""
    clockid, flags = s32(clockid), s32(flags)
    if clockid not in (FREEBSD_CLOCK_IDS[n] for n in TIMERFD_CLOCKS):
        raise FreeBSDError(EINVAL, f"timerfd clock {clockid}")
    if translate.TIMERFD_CREATE_FLAGS.unknown_freebsd(flags & U32):
        raise FreeBSDError(EINVAL, f"timerfd flags {flags:#x}")
    return check(
        (yield lx.timerfd_create(_clock(clockid), translate.TIMERFD_CREATE_FLAGS.to_linux(flags)))
    )


native("timerfd_gettime", note="struct itimerspec has the same layout")
native("timerfd_settime", note="TFD_TIMER_ABSTIME/CANCEL_ON_SET and struct itimerspec are the same")


@handler("ntp_gettime", Support.TRANSLATED, "the host clock's NTP state through adjtimex")
def sys_ntp_gettime(call, ntvp):
    """Implements FreeBSD ntp_gettime(2): the time with the kernel's error estimates; the
    clock state is the result (Linux's adjtimex numbers its states as FreeBSD does)."""
    tx = call.alloc(LINUX_TIMEX_SIZE)
    call.mem.write(tx, bytes(LINUX_TIMEX_SIZE))  # modes 0: read only
    state = check((yield lx.adjtimex(tx)))
    ts = call.alloc(NTPTIMEVAL_SIZE)
    check((yield lx.clock_gettime(_clock(FREEBSD_CLOCK_IDS["CLOCK_REALTIME"]), ts)))
    sec, nsec = struct.unpack("<qq", call.mem.read(ts, 16))
    raw = call.mem.read(tx, LINUX_TIMEX_SIZE)
    maxerror, esterror = struct.unpack_from("<qq", raw, LINUX_TIMEX_OFFSETS["maxerror"])
    (tai,) = struct.unpack_from("<i", raw, LINUX_TIMEX_OFFSETS["tai"])
    call.mem.write(ntvp, struct.pack(NTPTIMEVAL_FORMAT, sec, nsec, maxerror, esterror, tai, state))
    return state


@handler("ntp_adjtime", Support.PARTIAL, "changing the clock's NTP state (modes other than 0)")
def sys_ntp_adjtime(call, tp):
    """Implements FreeBSD ntp_adjtime(2): the kernel's NTP state; the clock state is the
    result."""
    modes = call.mem.read_u32(tp)
    if modes:
        raise call.sup.missing(call, "changes (modes != 0)")
    tx = call.alloc(LINUX_TIMEX_SIZE)
    call.mem.write(tx, bytes(LINUX_TIMEX_SIZE))
    state = check((yield lx.adjtimex(tx)))
    raw = call.mem.read(tx, LINUX_TIMEX_SIZE)
    values = [
        0
        if name == "modes"
        else struct.unpack_from(
            "<i" if name in ("status", "shift") else "<q", raw, LINUX_TIMEX_OFFSETS[name]
        )[0]
        for name in TIMEX_FIELDS
    ]
    call.mem.write(tp, struct.pack(TIMEX_FORMAT, *values))
    return state
