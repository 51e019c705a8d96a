"""POSIX realtime timers (ktimer_*, behind timer_create(3) …) and message queues (kmq_*, behind
mq_open(3) …) on Linux's: the same calls, with FreeBSD's clock ids, open flags, queue names
and struct sigevent translated.  Message queues behave as on a FreeBSD with mqueuefs loaded
(without it FreeBSD has no kmq_* calls at all)."""

from bsdulator import structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_O_FLAGS, LINUX_O_FLAGS
from bsdulator.abi.limits import FREEBSD_LIMITS
from bsdulator.abi.signals import FREEBSD_SIGEV, LINUX_SIGEV
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.thread import _thread_number
from bsdulator.syscalls.time import _clock
from bsdulator.table import Support, handler, native

EINVAL = FREEBSD_ERRNO["EINVAL"]
MQFS_NAMELEN = FREEBSD_LIMITS["NAME_MAX"]
O_NONBLOCK, LINUX_O_NONBLOCK = FREEBSD_O_FLAGS["O_NONBLOCK"], LINUX_O_FLAGS["O_NONBLOCK"]
SIGEV = {FREEBSD_SIGEV[n]: n for n in ("SIGEV_NONE", "SIGEV_SIGNAL", "SIGEV_THREAD_ID")}
SIGEV_GAP = "SIGEV_KEVENT notification (EINVAL)"


def linux_sigevent(call, addr: int) -> int:
    """A Linux copy of the FreeBSD struct sigevent at addr, in the call's scratch memory (0 for
    NULL).  The kernel takes SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD_ID (SIGEV_THREAD is
    libthr's, made of SIGEV_THREAD_ID); a tid is the host's, given to Linux in the caller's
    PID namespace."""
    if not addr:
        return 0
    ev = structs.unpack("sigevent", call.mem.read(addr, structs.sizeof("sigevent")))
    notify = ev["sigev_notify"]
    if notify == FREEBSD_SIGEV["SIGEV_KEVENT"]:
        raise call.sup.missing(call, "SIGEV_KEVENT", "EINVAL")
    if notify not in SIGEV:
        raise FreeBSDError(EINVAL, f"sigev_notify {notify}")
    signo = 0
    if notify != FREEBSD_SIGEV["SIGEV_NONE"]:
        signo = translate.signal_to_linux(ev["sigev_signo"]) or 0
        if not signo:
            raise FreeBSDError(EINVAL, f"sigev_signo {ev['sigev_signo']}")
    tid = 0
    if notify == FREEBSD_SIGEV["SIGEV_THREAD_ID"]:
        owner = call.sup.threads.get(ev["sigev_notify_thread_id"])
        number = _thread_number(owner.tid) if owner and owner.proc is call.proc else None
        if number is None:  # sigev_findtd: a thread of the caller's process
            raise FreeBSDError(EINVAL, "sigev_notify_thread_id")
        tid = number
    out = call.alloc(structs.sizeof("linux_sigevent"))
    call.mem.write(
        out,
        structs.pack(
            "linux_sigevent",
            sigev_value=ev["sigev_value"],
            sigev_signo=signo,
            sigev_notify=LINUX_SIGEV[SIGEV[notify]],
            sigev_notify_thread_id=tid,
        ),
    )
    return out


# ---- timers ---------------------------------------------------------------------------------


@handler("ktimer_create", Support.PARTIAL, SIGEV_GAP)
def sys_ktimer_create(call, clock_id, evp, timerid):
    """Implements FreeBSD ktimer_create(2): the timer id Linux gives (an int, as FreeBSD's)."""
    return check((yield lx.timer_create(_clock(clock_id), linux_sigevent(call, evp), timerid)))


native("ktimer_delete", "timer_delete")
native("ktimer_settime", "timer_settime", "TIMER_ABSTIME and struct itimerspec are the same")
native("ktimer_gettime", "timer_gettime", "struct itimerspec is the same")
native("ktimer_getoverrun", "timer_getoverrun")


# ---- message queues -------------------------------------------------------------------------


def _queue_name(call, path: int) -> int:
    """Linux's name for FreeBSD's "/name" (one leading slash, no other), in scratch memory."""
    name = call.mem.read_cstr(path, MQFS_NAMELEN + 1)
    if len(name) < 2 or name[0:1] != b"/" or b"/" in name[1:]:
        raise FreeBSDError(EINVAL, f"queue name {name!r}")
    out = call.alloc(len(name))
    call.mem.write(out, name[1:] + b"\0")
    return out


def _attr_flags_to_linux(flags: int) -> int:
    return LINUX_O_NONBLOCK if flags & O_NONBLOCK else 0


@handler(
    "kmq_open",
    Support.PARTIAL,
    "queue limits are the host's (fs.mqueue.*: a non-root caller gets at most 10 messages)",
)
def sys_kmq_open(call, path, flags, mode, attr):
    """Implements FreeBSD kmq_open(2)."""
    name = _queue_name(call, path)
    flags = s32(flags)
    linux_attr = 0
    if attr and flags & FREEBSD_O_FLAGS["O_CREAT"]:
        a = structs.unpack("mq_attr", call.mem.read(attr, structs.sizeof("mq_attr")))
        linux_attr = call.alloc(structs.sizeof("linux_mq_attr"))
        call.mem.write(
            linux_attr,
            structs.pack(
                "linux_mq_attr",
                mq_flags=0,
                mq_maxmsg=a["mq_maxmsg"],
                mq_msgsize=a["mq_msgsize"],
                mq_curmsgs=0,
            ),
        )
    return check(
        (
            yield lx.mq_open(
                name, translate.OPEN_FLAGS.to_linux(flags), s32(mode) & 0o7777, linux_attr
            )
        )
    )


@handler("kmq_unlink", Support.TRANSLATED, "the queue name without its slash")
def sys_kmq_unlink(call, path):
    """Implements FreeBSD kmq_unlink(2)."""
    return check((yield lx.mq_unlink(_queue_name(call, path))))


@handler("kmq_setattr", Support.TRANSLATED, "mq_getsetattr; O_NONBLOCK in mq_flags translated")
def sys_kmq_setattr(call, mqd, attr, oattr):
    """Implements FreeBSD kmq_setattr(2)."""
    size = structs.sizeof("linux_mq_attr")
    new = 0
    if attr:
        flags = structs.unpack("mq_attr", call.mem.read(attr, size))["mq_flags"]
        new = call.alloc(size)
        call.mem.write(new, structs.pack("linux_mq_attr", mq_flags=_attr_flags_to_linux(flags)))
    old = call.alloc(size) if oattr else 0
    check((yield lx.mq_getsetattr(s32(mqd), new, old)))
    if oattr:
        a = structs.unpack("linux_mq_attr", call.mem.read(old, size))
        call.mem.write(
            oattr,
            structs.pack(
                "mq_attr",
                mq_flags=O_NONBLOCK if a["mq_flags"] & LINUX_O_NONBLOCK else 0,
                mq_maxmsg=a["mq_maxmsg"],
                mq_msgsize=a["mq_msgsize"],
                mq_curmsgs=a["mq_curmsgs"],
            ),
        )
    return 0


native("kmq_timedsend", "mq_timedsend", "struct timespec is the same")
native("kmq_timedreceive", "mq_timedreceive", "struct timespec is the same")


@handler("kmq_notify", Support.PARTIAL, SIGEV_GAP)
def sys_kmq_notify(call, mqd, sigev):
    """Implements FreeBSD kmq_notify(2)."""
    return check((yield lx.mq_notify(s32(mqd), linux_sigevent(call, sigev))))
