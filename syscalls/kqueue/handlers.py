"""kqueue(2), kqueuex(2) and kevent(2), and the signal hooks EVFILT_SIGNAL counts with."""

import time
from dataclasses import replace

from bsdulator import structs, translate
from bsdulator.abi import kqueue as K
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

from .filters import Change
from .host import (
    EBADF,
    EINVAL,
    EV_ERROR,
    EV_RECEIPT,
    EV_SYSFLAGS,
    EVFILT_SIGNAL,
    TIMESPEC,
    E,
)
from .queue import KQueue, registry


def _signal_seen(thread, fsig: int) -> None:
    """A signal reached its delivery stop: EVFILT_SIGNAL counts it, even when it is ignored."""
    reg = thread.proc.kqueues
    for kq in set(reg.by_fd.values()) if reg else ():
        kn = kq.knotes.get((fsig, EVFILT_SIGNAL))
        if kn is not None:
            kn.delivered()


def _disposition_changed(thread) -> None:
    reg = thread.proc.kqueues
    for kq in set(reg.by_fd.values()) if reg else ():
        kq.reconcile(thread.tid)


def _process_gone(proc) -> None:
    """The supervisor's copies of a process's epolls and its helper descriptors go with it."""
    if proc.kqueues is not None:
        proc.kqueues.close()
        proc.kqueues = None


def install(sup) -> None:
    sup.hooks.signal_seen.append(_signal_seen)
    sup.hooks.disposition_changed.append(_disposition_changed)
    sup.hooks.on_process_exit.append(_process_gone)


def _kqueue(call, cloexec: bool):
    fd = check((yield lx.epoll_create1(E["EPOLL_CLOEXEC"] if cloexec else 0)))
    reg = registry(call)
    try:
        kq = KQueue(reg, fd)
    except (OSError, FreeBSDError) as e:
        yield lx.close(fd)
        raise FreeBSDError(
            e.errno if isinstance(e, FreeBSDError) else translate.errno_to_freebsd(e.errno)
        ) from None
    reg.bind(fd, kq)
    return fd


@handler("kqueue", Support.TRANSLATED, "an epoll instance; knotes kept by the supervisor")
def sys_kqueue(call):
    """Implements FreeBSD kqueue(2); like FreeBSD's, the descriptor survives exec."""
    return (yield from _kqueue(call, False))


@handler("kqueuex", Support.TRANSLATED, "kqueue(2) with KQUEUE_CLOEXEC")
def sys_kqueuex(call, flags):
    """Implements FreeBSD kqueuex(2)."""
    if flags & ~K.FREEBSD_KQUEUE_FLAGS["KQUEUE_CLOEXEC"]:
        raise FreeBSDError(EINVAL, f"kqueuex flags {flags:#x}")
    return (yield from _kqueue(call, bool(flags)))


def _read_changes(call, addr: int, n: int, layout: str):
    """The changes, copied in KQ_NEVENTS at a time as they are applied (not all n at once: a
    program may name any n, and the ones before a fault take effect)."""
    size = structs.sizeof(layout)
    for first in range(0, n, K.KQ_NEVENTS):
        count = min(K.KQ_NEVENTS, n - first)
        raw = call.mem.read(addr + first * size, size * count)
        for i in range(count):
            f = structs.unpack(layout, raw[i * size : (i + 1) * size])
            yield Change(
                f["ident"],
                f["filter"],
                f["flags"],
                f["fflags"],
                f["data"],
                f["udata"],
                f.get("ext", [0, 0, 0, 0]),
            )


def _write_events(call, addr: int, events: list[Change], layout: str) -> None:
    out = b""
    for ev in events:
        fields = dict(
            ident=ev.ident,
            filter=ev.filter,
            flags=ev.flags,
            fflags=ev.fflags,
            data=ev.data,
            udata=ev.udata,
        )
        if layout == "kevent":
            fields["ext"] = ev.ext
        out += structs.pack(layout, **fields)
    call.mem.write(addr, out)


def _deadline(call, timeout: int) -> int | None:
    """The monotonic time a wait ends, None for never (timeout NULL, or seconds beyond INT32_MAX as
    FreeBSD)."""
    if not timeout:
        return None
    sec, nsec = TIMESPEC.unpack(call.mem.read(timeout, TIMESPEC.size))
    if sec < 0 or not 0 <= nsec < 10**9:
        raise FreeBSDError(EINVAL, "timeout")
    return None if sec > 0x7FFFFFFF else time.monotonic_ns() + sec * 10**9 + nsec


def _kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout, layout):
    """kern_kevent_fp(): apply the changes, EV_ERROR replies for failed (or EV_RECEIPT) ones
    while there is room, else fail; with no replies, wait for events."""
    fd, nchanges, nevents = s32(fd), s32(nchanges), s32(nevents)
    reg = call.proc.kqueues
    if reg is None:
        raise FreeBSDError(EBADF, f"descriptor {fd} is not a kqueue")
    kq = reg.lookup(call.thread.tid, fd)
    if nchanges < 0 or nevents < 0:
        raise FreeBSDError(EINVAL)
    if timeout:
        call.mem.read(timeout, TIMESPEC.size)  # copied in first: EFAULT before any change
    replies = []
    for ch in _read_changes(call, changelist, nchanges, layout):
        if ch.filter == 0:
            continue
        ch.flags &= ~EV_SYSFLAGS
        err = yield from kq.register(call, fd, ch)
        if err or ch.flags & EV_RECEIPT:
            if len(replies) == nevents:
                _write_events(call, eventlist, replies, layout)
                if err:
                    raise FreeBSDError(err)
                return 0
            replies.append(replace(ch, flags=EV_ERROR, data=err))
    if replies:
        _write_events(call, eventlist, replies, layout)
        return len(replies)
    if nevents == 0:
        return 0
    events = yield from kq.wait(call, fd, nevents, _deadline(call, timeout))
    _write_events(call, eventlist, events, layout)
    return len(events)


# What kevent lacks (the module docstring says why), as --coverage lists it.
KEVENT_GAPS = (
    "filters AIO, PROCDESC, FS, LIO, SENDFILE, EMPTY, JAIL, JAILDESC (EINVAL); "
    "NOTE_FORK, NOTE_EXEC, NOTE_TRACK never reported; NOTE_LOWAT ignored; a listening socket's "
    "data is 1, not its queue length; EV_CLEAR when a level-triggered knote of the other filter "
    "shares the descriptor; a forked child inherits the epoll descriptor (FreeBSD's child has none)"
)


@handler("kevent", Support.PARTIAL, KEVENT_GAPS)
def sys_kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout):
    """Implements FreeBSD kevent(2) (struct kevent with ext[4])."""
    return (
        yield from _kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout, "kevent")
    )


@handler("freebsd11_kevent", Support.PARTIAL, KEVENT_GAPS)
def sys_freebsd11_kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout):
    """Implements FreeBSD 11 kevent(2), which FreeBSD 10 and 11 binaries call."""
    return (
        yield from _kevent(
            call, fd, changelist, nchanges, eventlist, nevents, timeout, "freebsd11_kevent"
        )
    )
