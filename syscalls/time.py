"""Clocks, timers and sleeping."""

from bsdulator import translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_CLOCK_IDS
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
