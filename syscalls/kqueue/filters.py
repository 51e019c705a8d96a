"""Knotes, one class per FreeBSD filter: what each registration asked for, what wakes it on
Linux, and what kqueue_scan() would report for it."""

import os
import select
import stat
import struct
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bsdulator import translate
from bsdulator.abi import kqueue as K
from bsdulator.engine import check, lx
from bsdulator.errors import FreeBSDError

from .host import (
    ACTIONS,
    EINVAL,
    EPOLLET,
    EPOLLIN,
    EPOLLOUT,
    ESRCH,
    EV_ADD,
    EV_CLEAR,
    EV_EOF,
    EV_ONESHOT,
    EVENT,
    EVFILT_READ,
    EVFILT_SIGNAL,
    EVFILT_WRITE,
    IN,
    INOTIFY_EVENT,
    LINUX_EEXIST,
    LINUX_ENOENT,
    LINUX_EPERM,
    MAXSIG,
    NP,
    NS_MAX,
    NT,
    NU,
    NV,
    POLL_READ_READY,
    READ_BITS,
    READ_WAKE,
    TIMER_PRECMASK,
    TIMER_UNITS,
    WRITE_WAKE,
    E,
    F,
    Q,
    drain,
    exit_status,
    grab,
    inotify,
    ioctl_int,
    poll,
    signal_words,
    timerfd,
    union,
    write_space,
)

if TYPE_CHECKING:  # named in annotations only: queue imports this module
    from .queue import KQueue


@dataclass
class Change:
    """One struct kevent, as a changelist holds it or an eventlist receives it."""

    ident: int
    filter: int
    flags: int
    fflags: int
    data: int
    udata: int
    ext: list


class Knote:
    """A registration as FreeBSD keeps it: what was asked for and what will be reported."""

    isfd = False

    def __init__(self, kq: "KQueue", ch: Change):
        self.kq = kq
        self.ident, self.filter = ch.ident, ch.filter
        self.flags = ch.flags & ~ACTIONS
        self.udata, self.ext = ch.udata, list(ch.ext)
        self.sfflags, self.sdata = ch.fflags, ch.data
        self.fflags = self.data = 0
        self.enabled = True
        self.forced = False

    def attach(self, st: os.stat_result | None) -> None:
        """Set up what will wake the kqueue; raises FreeBSDError as the filter's f_attach."""

    def link(self, call, kqfd: int):
        """The tracee's side of a change to this knote: injected calls, for the filters that need
        them."""
        yield from ()

    def touch(self, ch: Change) -> None:
        """An existing knote changed by a later kevent."""
        self.sfflags, self.sdata = ch.fflags, ch.data

    def detach(self) -> None:
        """Release what attach() set up."""

    def ready(self) -> bool:
        """FreeBSD's f_event(kn, 0): is there something to report."""
        return self.data != 0

    def clear(self) -> None:
        self.data = self.fflags = 0

    def event(self) -> Change:
        return Change(
            self.ident, self.filter, self.flags, self.fflags, self.data, self.udata, self.ext
        )


class FdWatch:
    """A program descriptor in the epoll (edge-triggered); its READ and WRITE knotes share the
    entry."""

    def __init__(self, kq: "KQueue", fd: int, st: os.stat_result):
        self.kq, self.fd, self.id = kq, fd, (st.st_dev, st.st_ino)
        self.pollable = not stat.S_ISREG(st.st_mode)  # epoll refuses regular files (EPERM)
        self.knotes: dict[int, ReadWrite] = {}
        self.mask = 0
        self.slot = kq.own(self)

    def wanted(self) -> int:
        return union(
            READ_BITS if f == EVFILT_READ else EPOLLOUT
            for f, kn in self.knotes.items()
            if kn.enabled
        )

    def sync(self, call, kqfd: int):
        """Bring the epoll entry in line with the enabled knotes (an injected epoll_ctl)."""
        want = self.wanted() if self.pollable else 0
        if want == self.mask:
            return
        op = (
            E["EPOLL_CTL_DEL"]
            if not want
            else E["EPOLL_CTL_MOD"]
            if self.mask
            else E["EPOLL_CTL_ADD"]
        )
        ev = call.alloc(EVENT.size)
        call.mem.write(ev, EVENT.pack(want | EPOLLET, self.slot))
        r = yield lx.epoll_ctl(kqfd, op, self.fd, ev)
        if r == -LINUX_EEXIST:  # an entry this file left under this number before
            r = yield lx.epoll_ctl(kqfd, E["EPOLL_CTL_MOD"], self.fd, ev)
        elif r == -LINUX_ENOENT and want:  # the same file opened again: a new entry
            r = yield lx.epoll_ctl(kqfd, E["EPOLL_CTL_ADD"], self.fd, ev)
        if r == -LINUX_EPERM:  # not pollable (a directory, /dev/null …): always ready
            self.pollable = False
            return
        if r != -LINUX_ENOENT or want:
            check(r)
        self.mask = want

    def woken(self, events: int, tid: int) -> None:
        for filt, kn in self.knotes.items():
            if events & (READ_WAKE if filt == EVFILT_READ else WRITE_WAKE):
                self.kq.activate(kn)

    def probe(self, kn: "ReadWrite") -> tuple[bool, bool, int] | None:
        """(ready, eof, data) for kn now, or None once the descriptor is no longer the file
        registered."""
        try:
            fd = grab(self.kq.reg.pidfd, self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != self.id:
                return None
            return (
                self._readable(fd, st, kn.sfflags)
                if kn.filter == EVFILT_READ
                else self._writable(fd, st)
            )
        finally:
            os.close(fd)

    def _readable(self, fd: int, st: os.stat_result, sfflags: int) -> tuple[bool, bool, int]:
        if stat.S_ISREG(st.st_mode):
            data = st.st_size - os.lseek(fd, 0, os.SEEK_CUR)
            return data != 0 or bool(sfflags & K.FREEBSD_NOTE_RW["NOTE_FILE_POLL"]), False, data
        if not self.pollable:
            return True, False, ioctl_int(fd, Q["FIONREAD"]) or 0
        revents = poll(fd, select.POLLIN | select.POLLRDHUP)
        avail = ioctl_int(fd, Q["FIONREAD"])
        ready = bool(revents & POLL_READ_READY)
        return (
            ready,
            bool(revents & (select.POLLRDHUP | select.POLLHUP)),
            int(ready) if avail is None else avail,
        )

    def _writable(self, fd: int, st: os.stat_result) -> tuple[bool, bool, int]:
        if not self.pollable:
            return True, False, 0
        revents = poll(fd, select.POLLOUT)
        eof = bool(revents & (select.POLLHUP | select.POLLERR))
        return bool(revents & select.POLLOUT) or eof, eof, 0 if eof else write_space(fd, st)


class ReadWrite(Knote):
    """EVFILT_READ / EVFILT_WRITE on a descriptor."""

    isfd = True

    def attach(self, st):
        self.inotify = None
        if self.filter == EVFILT_READ and stat.S_ISREG(st.st_mode):  # woken when the file changes
            self.inotify = inotify(
                self.kq.reg.fd_path(self.ident),
                IN["IN_MODIFY"] | IN["IN_ATTRIB"] | IN["IN_CLOSE_WRITE"],
            )
            self.slot = self.kq.add_helper(self.inotify, self)
        self.watch = self.kq.watch_for(self.ident, st)
        self.watch.knotes[self.filter] = self
        self.kq.activate(self)

    def detach(self):
        if self.watch.knotes.get(self.filter) is self:
            del self.watch.knotes[self.filter]
        if self.inotify is not None:
            self.kq.drop_helper(self.inotify, self.slot)
            self.inotify = None

    def link(self, call, kqfd):
        yield from self.watch.sync(call, kqfd)

    def woken(self, events, tid):
        drain(self.inotify)
        self.kq.activate(self)

    def ready(self):
        state = self.watch.probe(self)
        if state is None:  # closed (FreeBSD drops its knotes then) or replaced
            self.kq.forget_watch(self.watch)
            return False
        ready, eof, self.data = state
        if eof:
            self.flags |= EV_EOF
        return ready


DIRECTORY_CHANGES = IN["IN_CREATE"] | IN["IN_DELETE"] | IN["IN_MOVED_FROM"] | IN["IN_MOVED_TO"]
# NOTE_* that one inotify event says by itself.
VNODE_DIRECT = {
    NV["NOTE_RENAME"]: IN["IN_MOVE_SELF"],
    NV["NOTE_REVOKE"]: IN["IN_UNMOUNT"],
    NV["NOTE_OPEN"]: IN["IN_OPEN"],
    NV["NOTE_CLOSE"]: IN["IN_CLOSE_NOWRITE"],
    NV["NOTE_CLOSE_WRITE"]: IN["IN_CLOSE_WRITE"],
    NV["NOTE_READ"]: IN["IN_ACCESS"],
}
# NOTE_* worked out from what changed (Vnode._notes), and the inotify events that can mean them.
VNODE_DERIVED = {
    NV["NOTE_DELETE"]: IN["IN_ATTRIB"] | IN["IN_DELETE_SELF"],
    NV["NOTE_WRITE"]: IN["IN_MODIFY"] | DIRECTORY_CHANGES,
    NV["NOTE_EXTEND"]: IN["IN_MODIFY"],
    NV["NOTE_ATTRIB"]: IN["IN_ATTRIB"],
    NV["NOTE_LINK"]: IN["IN_ATTRIB"] | DIRECTORY_CHANGES,
}


class Vnode(Knote):
    """EVFILT_VNODE: inotify on the descriptor's file."""

    isfd = True

    def attach(self, st):
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise FreeBSDError(EINVAL, "EVFILT_VNODE needs a file or directory")
        self.id, self.size, self.nlink = (st.st_dev, st.st_ino), st.st_size, st.st_nlink
        self._watch()

    def _watch(self):
        wanted = {**VNODE_DIRECT, **VNODE_DERIVED}.items()
        mask = (
            union(events for note, events in wanted if self.sfflags & note) | IN["IN_DELETE_SELF"]
        )
        self.inotify = inotify(self.kq.reg.fd_path(self.ident), mask)
        self.slot = self.kq.add_helper(self.inotify, self)

    def touch(self, ch):
        super().touch(ch)
        if ch.flags & EV_ADD:
            self.detach()
            self._watch()

    def detach(self):
        if self.inotify is not None:
            self.kq.drop_helper(self.inotify, self.slot)
            self.inotify = None

    def woken(self, events, tid):
        raw = drain(self.inotify)
        seen = 0
        while raw:
            _wd, mask, _cookie, size = INOTIFY_EVENT.unpack_from(raw)
            seen |= mask
            raw = raw[INOTIFY_EVENT.size + size :]
        st = self.kq.reg.fd_stat(self.ident)
        if st is None or (st.st_dev, st.st_ino) != self.id:
            self.kq.forget(self)  # the program closed the descriptor
            return
        self.fflags |= self._notes(seen, st) & self.sfflags
        self.size, self.nlink = st.st_size, st.st_nlink
        if self.fflags:
            self.kq.activate(self)

    def _notes(self, seen: int, st: os.stat_result) -> int:
        """FreeBSD's NOTE_* for what inotify saw; the link count tells unlink and link from
        chmod."""
        notes = union(note for note, events in VNODE_DIRECT.items() if seen & events)
        if seen & (IN["IN_MODIFY"] | DIRECTORY_CHANGES):
            notes |= NV["NOTE_WRITE"] | (NV["NOTE_EXTEND"] if st.st_size > self.size else 0)
        if seen & DIRECTORY_CHANGES and st.st_nlink != self.nlink:
            notes |= NV["NOTE_LINK"]
        if seen & IN["IN_DELETE_SELF"] or (seen & IN["IN_ATTRIB"] and st.st_nlink == 0):
            notes |= NV["NOTE_DELETE"]
        elif seen & IN["IN_ATTRIB"]:
            notes |= NV["NOTE_LINK"] if st.st_nlink != self.nlink else NV["NOTE_ATTRIB"]
        return notes

    def ready(self):
        return self.fflags != 0


class Proc(Knote):
    """EVFILT_PROC: a pidfd says when the process has exited."""

    def attach(self, st):
        self.flags |= EV_CLEAR
        try:
            self.pidfd = os.pidfd_open(self.ident)
        except (OSError, OverflowError):
            raise FreeBSDError(ESRCH, f"no process {self.ident}") from None
        self.slot = self.kq.add_helper(self.pidfd, self)

    def detach(self):
        if self.pidfd is not None:
            self.kq.drop_helper(self.pidfd, self.slot)
            self.pidfd = None

    def woken(self, events, tid):
        self.status = exit_status(self.ident, self.pidfd)
        self.detach()
        self.kq.exiting.add(self)
        self.settle()

    def settle(self) -> None:
        """Report the exit once the zombie is its parent's to reap (the tracer may still hold
        it)."""
        if self.ident in self.kq.reg.sup.threads:
            return
        self.kq.exiting.discard(self)
        if not self.sfflags & NP["NOTE_EXIT"]:
            self.kq.forget(self)  # FreeBSD's EV_DROP: nothing the program asked for
            return
        self.fflags |= NP["NOTE_EXIT"]
        self.data = self.status
        self.flags |= EV_EOF | EV_ONESHOT
        self.kq.activate(self)

    def ready(self):
        return self.fflags != 0


class Timer(Knote):
    """EVFILT_TIMER: a timerfd; data counts the expirations since the last report."""

    def attach(self, st):
        self.flags |= EV_CLEAR
        self.tfd = None
        self._arm()

    def _arm(self) -> None:
        if self.sdata < 0 or self.sfflags & ~(TIMER_PRECMASK | NT["NOTE_ABSTIME"]):
            raise FreeBSDError(EINVAL, "timer period or flags")
        unit = TIMER_UNITS.get(self.sfflags & TIMER_PRECMASK)
        if unit is None:
            raise FreeBSDError(EINVAL, "more than one timer unit")
        if self.sdata == 0 and not self.flags & EV_ONESHOT:
            self.sdata = 1
        ns = min(self.sdata * unit, NS_MAX)
        absolute = bool(self.sfflags & NT["NOTE_ABSTIME"])
        periodic = not (absolute or self.flags & EV_ONESHOT)
        self.detach()
        try:
            self.tfd = timerfd(absolute, ns, ns if periodic else 0)
        except OSError as e:
            raise FreeBSDError(translate.errno_to_freebsd(e.errno)) from None
        self.slot = self.kq.add_helper(self.tfd, self)
        self.data = 0

    def touch(self, ch):
        if ch.flags & EV_ADD:  # re-adding restarts the timer with the new period
            super().touch(ch)
            self._arm()
            self.kq.queue.pop(self, None)

    def detach(self):
        if self.tfd is not None:
            self.kq.drop_helper(self.tfd, self.slot)
            self.tfd = None

    def woken(self, events, tid):
        raw = drain(self.tfd)
        if raw:
            self.data += struct.unpack_from("<Q", raw)[0]
            self.kq.activate(self)


class Signal(Knote):
    """EVFILT_SIGNAL: counted at the delivery stop (signal_seen); a signal the program blocks
    has none, so a signalfd in the epoll counts it when it is queued, and its later delivery
    is not counted again."""

    def attach(self, st):
        if not 0 < self.ident <= MAXSIG:
            raise FreeBSDError(EINVAL, f"signal {self.ident}")
        self.flags |= EV_CLEAR
        self.linux = translate.signal_to_linux(self.ident)
        self.sigfd = None
        self.counted_pending = 0

    def link(self, call, kqfd):
        """signalfd4 and its epoll_ctl run in the tracee: the signalfd wakes on the signals of the
        process that added it.  The supervisor's copy keeps the entry once the tracee's is closed.
        """
        if (
            self.sigfd is not None
            or self.linux is None
            or self.kq.knotes.get((self.ident, self.filter)) is not self
        ):
            return
        mask = call.alloc(8)
        call.mem.write_u64(mask, 1 << (self.linux - 1))
        flags = K.LINUX_SIGNALFD["SFD_NONBLOCK"] | K.LINUX_SIGNALFD["SFD_CLOEXEC"]
        fd = check((yield lx.signalfd4(-1, mask, 8, flags)))
        slot = self.kq.own(self)
        ev = call.alloc(EVENT.size)
        call.mem.write(ev, EVENT.pack(EPOLLIN | EPOLLET, slot))
        r = yield lx.epoll_ctl(kqfd, E["EPOLL_CTL_ADD"], fd, ev)
        try:
            self.sigfd = grab(self.kq.reg.pidfd, fd) if r >= 0 else None
        except OSError as e:
            r = -e.errno
        yield lx.close(fd)
        if self.sigfd is None:
            self.kq.owners.pop(slot, None)
            check(r)
        self.slot = slot

    def detach(self):
        if self.sigfd is not None:
            self.kq.drop_helper(self.sigfd, self.slot)
            self.sigfd = None

    def woken(self, events, tid):
        pending, blocked = signal_words(tid)
        if (pending & blocked) >> (
            self.linux - 1
        ) & 1:  # queued and blocked: no delivery stop counts it
            self.data += 1
            self.counted_pending += 1
            self.kq.held.add(self)
            self.kq.activate(self)

    def delivered(self) -> None:
        if self.counted_pending:
            self.counted_pending -= 1
        else:
            self.data += 1
            self.kq.activate(self)
            self.kq.poke()

    def reconcile(self, pending: int) -> None:
        """A signal counted while pending and then taken by sigwait(2) & co. or discarded by
        SIG_IGN has no delivery to skip."""
        if not pending >> (self.linux - 1) & 1:
            self.counted_pending = 0
            self.kq.held.discard(self)


class User(Knote):
    """EVFILT_USER: triggered by NOTE_TRIGGER; fflags combine as NOTE_FFAND/FFOR/FFCOPY say (also
    when the knote is created, where FreeBSD keeps the raw fflags and ignores NOTE_TRIGGER)."""

    def attach(self, st):
        fflags, self.sfflags, self.triggered = self.sfflags, 0, False
        self.touch(Change(self.ident, self.filter, self.flags, fflags, self.sdata, 0, []))

    def touch(self, ch):
        if ch.fflags & NU["NOTE_TRIGGER"]:
            self.triggered = True
        bits = ch.fflags & NU["NOTE_FFLAGSMASK"]
        control = ch.fflags & NU["NOTE_FFCTRLMASK"]
        if control == NU["NOTE_FFAND"]:
            self.sfflags &= bits
        elif control == NU["NOTE_FFOR"]:
            self.sfflags |= bits
        elif control == NU["NOTE_FFCOPY"]:
            self.sfflags = bits
        self.sdata = ch.data
        if ch.flags & EV_CLEAR:
            self.triggered = False
        if self.triggered:
            self.kq.activate(self)
            self.kq.poke()

    def ready(self):
        return self.triggered

    def clear(self):
        self.triggered = False

    def event(self):
        return replace(super().event(), fflags=self.sfflags, data=self.sdata)


FILTERS = {
    EVFILT_READ: ReadWrite,
    EVFILT_WRITE: ReadWrite,
    F["EVFILT_VNODE"]: Vnode,
    F["EVFILT_PROC"]: Proc,
    EVFILT_SIGNAL: Signal,
    F["EVFILT_TIMER"]: Timer,
    F["EVFILT_USER"]: User,
}
