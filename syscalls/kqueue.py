"""kqueue(2) and kevent(2): FreeBSD event queues made of Linux objects the tracee sleeps on.

A kqueue is an epoll instance of the tracee, and the descriptor the program sees is that
epoll's; a kevent(2) that waits ends in an injected epoll_pwait2, so a waiting program
sleeps in the kernel, never in the supervisor.  The supervisor keeps a copy of the epoll
(pidfd_getfd; kcmp against it tells whether a descriptor still is that kqueue) and the
FreeBSD side of every registration, a knote, and it reports knotes as kqueue_scan() does.

What wakes the epoll, per filter:
  READ, WRITE  the program's own descriptor, added edge-triggered by an injected epoll_ctl
               (a copy of it would keep a pipe's other end alive); a woken knote is checked
               again when it is reported, with poll(2) and FIONREAD on a short-lived copy,
               which gives FreeBSD's level semantics and its data.  Regular files, which epoll
               refuses, are readable while size - offset != 0, woken by inotify; other such
               descriptors are always ready.
  VNODE        inotify on the descriptor's file.
  PROC         a pidfd.  NOTE_EXIT's status comes from /proc/PID/stat, so nothing is
               reaped, and it is reported only once the tracer has passed the zombie on to
               its parent, so waitpid(2) after the event finds it.  NOTE_FORK, NOTE_EXEC and
               NOTE_TRACK are accepted but never reported.
  TIMER        a timerfd.
  USER, SIGNAL supervisor state and an eventfd that wakes the waiters.  Signals are counted
               at their delivery stop (signal.py calls the "signal_seen" service), so ignored
               ones count too; one the program blocks has no delivery stop, so a signalfd
               counts it when it is queued (a standard signal sent again while pending is
               merged by Linux and counted once).
Those helpers are the supervisor's own descriptors, added to the tracee's epoll through the
supervisor's copy, so they never appear in the program's descriptor table.

Differences from FreeBSD: a child inherits the epoll descriptor across fork (kevent on it
fails with EBADF there, as FreeBSD's child has no such descriptor at all); EV_CLEAR on a
descriptor that also has a level-triggered knote of the other filter behaves level-triggered
only in what the edge-triggered epoll entry wakes for; NOTE_LOWAT is ignored; a listening
socket reports data 1, not its queue length; the unimplemented filters (AIO, PROCDESC, FS,
LIO, SENDFILE, EMPTY, JAIL, JAILDESC) fail with EINVAL.
"""
import ctypes
import fcntl
import functools
import itertools
import operator
import os
import select
import socket
import stat
import struct
import time
import weakref
from dataclasses import dataclass, replace

from bsdulator import procfs, structs, translate
from bsdulator.abi import kqueue as K
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.signals import FREEBSD_SIGNAL_LIMITS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.proc import _linux_wstatus_to_freebsd
from bsdulator.table import Support, handler

EBADF, EINVAL, ENOENT, ESRCH, EINTR = (FREEBSD_ERRNO[n] for n in ("EBADF", "EINVAL", "ENOENT", "ESRCH", "EINTR"))
LINUX_EINTR, LINUX_EEXIST, LINUX_EPERM, LINUX_ENOENT = 4, 17, 1, 2

F, EV, NU, NV, NP, NT = (K.FREEBSD_EVFILTERS, K.FREEBSD_EV_FLAGS, K.FREEBSD_NOTE_USER, K.FREEBSD_NOTE_VNODE,
                         K.FREEBSD_NOTE_PROC, K.FREEBSD_NOTE_TIMER)
EVFILT_READ, EVFILT_WRITE, EVFILT_SIGNAL = F["EVFILT_READ"], F["EVFILT_WRITE"], F["EVFILT_SIGNAL"]
EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE = EV["EV_ADD"], EV["EV_DELETE"], EV["EV_ENABLE"], EV["EV_DISABLE"]
EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH = EV["EV_ONESHOT"], EV["EV_CLEAR"], EV["EV_RECEIPT"], EV["EV_DISPATCH"]
EV_FORCEONESHOT, EV_KEEPUDATA, EV_SYSFLAGS = EV["EV_FORCEONESHOT"], EV["EV_KEEPUDATA"], EV["EV_SYSFLAGS"]
EV_EOF, EV_ERROR = EV["EV_EOF"], EV["EV_ERROR"]
ACTIONS = EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE | EV_FORCEONESHOT
TIMER_UNITS = {0: 10**6, NT["NOTE_SECONDS"]: 10**9, NT["NOTE_MSECONDS"]: 10**6, NT["NOTE_USECONDS"]: 10**3,
               NT["NOTE_NSECONDS"]: 1}
TIMER_PRECMASK = NT["NOTE_SECONDS"] | NT["NOTE_MSECONDS"] | NT["NOTE_USECONDS"] | NT["NOTE_NSECONDS"]
MAXSIG = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
SIG_DFL, SIG_IGN = 0, 1

E, T, IN, Q = K.LINUX_EPOLL, K.LINUX_TIMERFD, K.LINUX_INOTIFY, K.LINUX_BUFFER_QUERIES
EPOLLIN, EPOLLOUT, EPOLLET = E["EPOLLIN"], E["EPOLLOUT"], E["EPOLLET"]
READ_BITS = EPOLLIN | E["EPOLLRDHUP"]
READ_WAKE = READ_BITS | E["EPOLLHUP"] | E["EPOLLERR"]
WRITE_WAKE = EPOLLOUT | E["EPOLLHUP"] | E["EPOLLERR"]
POLL_READ_READY = select.POLLIN | select.POLLRDHUP | select.POLLHUP | select.POLLERR
EVENT = struct.Struct("<IQ")          # struct epoll_event: packed on x86_64
TIMESPEC = struct.Struct("<qq")
ITIMERSPEC = struct.Struct("<qqqq")   # it_interval, it_value
INOTIFY_EVENT = struct.Struct("<iIII")
MAX_LINUX_EVENTS = 64
RELEASE_POLL_NS = 1_000_000           # how often to look whether the tracer has passed a zombie on
NS_MAX = (1 << 63) - 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


# ---- Linux calls the supervisor makes on its own descriptors --------------------------------

def _union(bits) -> int:
    return functools.reduce(operator.or_, bits, 0)


def _ok(r: int) -> int:
    if r < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return r


def _grab(pidfd: int, fd: int) -> int:
    """The supervisor's own copy of a tracee descriptor (pidfd_getfd)."""
    return _ok(_libc.syscall(LINUX_NR["pidfd_getfd"], pidfd, fd, 0))


def _same_file(tid: int, mine: int, theirs: int) -> bool:
    """Whether the tracee's descriptor is the open file the supervisor's copy is (kcmp)."""
    return _libc.syscall(LINUX_NR["kcmp"], os.getpid(), tid, K.LINUX_KCMP["KCMP_FILE"], mine, theirs) == 0


def _epoll_add(ep: int, fd: int, slot: int, events: int = EPOLLIN) -> None:
    _ok(_libc.epoll_ctl(ep, E["EPOLL_CTL_ADD"], fd, EVENT.pack(events, slot)))


def _timerfd(absolute: bool, value_ns: int, interval_ns: int) -> int:
    """An armed timerfd: CLOCK_REALTIME for an absolute expiry (NOTE_ABSTIME), else CLOCK_MONOTONIC."""
    clock = time.CLOCK_REALTIME if absolute else time.CLOCK_MONOTONIC
    fd = _ok(_libc.timerfd_create(clock, T["TFD_NONBLOCK"] | T["TFD_CLOEXEC"]))
    spec = ITIMERSPEC.pack(*divmod(interval_ns, 10**9), *divmod(max(value_ns, 1), 10**9))
    try:
        _ok(_libc.timerfd_settime(fd, T["TFD_TIMER_ABSTIME"] if absolute else 0, spec, None))
    except OSError:
        os.close(fd)
        raise
    return fd


def _inotify(path: str, mask: int) -> int:
    """An inotify descriptor watching path; failures as FreeBSD errnos."""
    fd = _libc.inotify_init1(IN["IN_NONBLOCK"] | IN["IN_CLOEXEC"])
    if fd < 0 or _libc.inotify_add_watch(fd, path.encode(), mask) < 0:
        err = ctypes.get_errno()
        if fd >= 0:
            os.close(fd)
        raise FreeBSDError(translate.errno_to_freebsd(err), f"inotify on {path}")
    return fd


def _drain(fd: int) -> bytes:
    """Everything a non-blocking counter or inotify descriptor has to say."""
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return out
        if not chunk:
            return out
        out += chunk


def _ioctl_int(fd: int, request: int) -> int | None:
    try:
        return struct.unpack("i", fcntl.ioctl(fd, request, bytes(4)))[0]
    except OSError:
        return None


def _poll(fd: int, events: int) -> int:
    p = select.poll()
    p.register(fd, events)
    ready = p.poll(0)
    return ready[0][1] if ready else 0


def _write_space(fd: int, st: os.stat_result) -> int:
    """Room left in a pipe's or socket's buffer, FreeBSD's EVFILT_WRITE data."""
    if stat.S_ISFIFO(st.st_mode):
        return max(fcntl.fcntl(fd, Q["F_GETPIPE_SZ"]) - (_ioctl_int(fd, Q["FIONREAD"]) or 0), 0)
    if stat.S_ISSOCK(st.st_mode):
        sock = socket.socket(fileno=fd)
        try:
            size = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        finally:
            sock.detach()
        return max(size - (_ioctl_int(fd, Q["TIOCOUTQ"]) or 0), 0)
    return 0


def _exit_status(pid: int, pidfd: int) -> int:
    """An exited process's wait status (FreeBSD signal numbers), read from its zombie without reaping it."""
    try:
        exit_code = procfs.stat(pid).exit_code
        with open(f"/proc/self/fdinfo/{pidfd}") as f:
            alive = f"Pid:\t{pid}\n" in f.read()   # not reaped (and the pid not reused) meanwhile
    except OSError:
        return 0
    return _linux_wstatus_to_freebsd(exit_code) if alive else 0


# ---- knotes ----------------------------------------------------------------------------------

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
        """The tracee's side of a change to this knote: injected calls, for the filters that need them."""
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
        return Change(self.ident, self.filter, self.flags, self.fflags, self.data, self.udata, self.ext)


class FdWatch:
    """A program descriptor in the epoll (edge-triggered); its READ and WRITE knotes share the entry."""

    def __init__(self, kq: "KQueue", fd: int, st: os.stat_result):
        self.kq, self.fd, self.id = kq, fd, (st.st_dev, st.st_ino)
        self.pollable = not stat.S_ISREG(st.st_mode)   # epoll refuses regular files (EPERM)
        self.knotes: dict[int, "ReadWrite"] = {}
        self.mask = 0
        self.slot = kq.own(self)

    def wanted(self) -> int:
        return _union(READ_BITS if f == EVFILT_READ else EPOLLOUT for f, kn in self.knotes.items() if kn.enabled)

    def sync(self, call, kqfd: int):
        """Bring the epoll entry in line with the enabled knotes (an injected epoll_ctl)."""
        want = self.wanted() if self.pollable else 0
        if want == self.mask:
            return
        op = E["EPOLL_CTL_DEL"] if not want else E["EPOLL_CTL_MOD"] if self.mask else E["EPOLL_CTL_ADD"]
        ev = call.alloc(EVENT.size)
        call.mem.write(ev, EVENT.pack(want | EPOLLET, self.slot))
        r = yield lx.epoll_ctl(kqfd, op, self.fd, ev)
        if r == -LINUX_EEXIST:       # an entry this file left under this number before
            r = yield lx.epoll_ctl(kqfd, E["EPOLL_CTL_MOD"], self.fd, ev)
        elif r == -LINUX_ENOENT and want:   # the same file opened again: a new entry
            r = yield lx.epoll_ctl(kqfd, E["EPOLL_CTL_ADD"], self.fd, ev)
        if r == -LINUX_EPERM:        # not pollable (a directory, /dev/null …): always ready
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
        """(ready, eof, data) for kn now, or None once the descriptor is no longer the file registered."""
        try:
            fd = _grab(self.kq.reg.pidfd, self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != self.id:
                return None
            return self._readable(fd, st, kn.sfflags) if kn.filter == EVFILT_READ else self._writable(fd, st)
        finally:
            os.close(fd)

    def _readable(self, fd: int, st: os.stat_result, sfflags: int) -> tuple[bool, bool, int]:
        if stat.S_ISREG(st.st_mode):
            data = st.st_size - os.lseek(fd, 0, os.SEEK_CUR)
            return data != 0 or bool(sfflags & K.FREEBSD_NOTE_RW["NOTE_FILE_POLL"]), False, data
        if not self.pollable:
            return True, False, _ioctl_int(fd, Q["FIONREAD"]) or 0
        revents = _poll(fd, select.POLLIN | select.POLLRDHUP)
        avail = _ioctl_int(fd, Q["FIONREAD"])
        ready = bool(revents & POLL_READ_READY)
        return ready, bool(revents & (select.POLLRDHUP | select.POLLHUP)), int(ready) if avail is None else avail

    def _writable(self, fd: int, st: os.stat_result) -> tuple[bool, bool, int]:
        if not self.pollable:
            return True, False, 0
        revents = _poll(fd, select.POLLOUT)
        eof = bool(revents & (select.POLLHUP | select.POLLERR))
        return bool(revents & select.POLLOUT) or eof, eof, 0 if eof else _write_space(fd, st)


class ReadWrite(Knote):
    """EVFILT_READ / EVFILT_WRITE on a descriptor."""
    isfd = True

    def attach(self, st):
        self.inotify = None
        if self.filter == EVFILT_READ and stat.S_ISREG(st.st_mode):   # woken when the file changes
            self.inotify = _inotify(self.kq.reg.fd_path(self.ident),
                                    IN["IN_MODIFY"] | IN["IN_ATTRIB"] | IN["IN_CLOSE_WRITE"])
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
        _drain(self.inotify)
        self.kq.activate(self)

    def ready(self):
        state = self.watch.probe(self)
        if state is None:               # closed (FreeBSD drops its knotes then) or replaced
            self.kq.forget_watch(self.watch)
            return False
        ready, eof, self.data = state
        if eof:
            self.flags |= EV_EOF
        return ready


DIRECTORY_CHANGES = IN["IN_CREATE"] | IN["IN_DELETE"] | IN["IN_MOVED_FROM"] | IN["IN_MOVED_TO"]
# NOTE_* that one inotify event says by itself.
VNODE_DIRECT = {
    NV["NOTE_RENAME"]: IN["IN_MOVE_SELF"], NV["NOTE_REVOKE"]: IN["IN_UNMOUNT"], NV["NOTE_OPEN"]: IN["IN_OPEN"],
    NV["NOTE_CLOSE"]: IN["IN_CLOSE_NOWRITE"], NV["NOTE_CLOSE_WRITE"]: IN["IN_CLOSE_WRITE"],
    NV["NOTE_READ"]: IN["IN_ACCESS"],
}
# NOTE_* worked out from what changed (Vnode._notes), and the inotify events that can mean them.
VNODE_DERIVED = {
    NV["NOTE_DELETE"]: IN["IN_ATTRIB"] | IN["IN_DELETE_SELF"], NV["NOTE_WRITE"]: IN["IN_MODIFY"] | DIRECTORY_CHANGES,
    NV["NOTE_EXTEND"]: IN["IN_MODIFY"], NV["NOTE_ATTRIB"]: IN["IN_ATTRIB"],
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
        mask = _union(events for note, events in wanted if self.sfflags & note) | IN["IN_DELETE_SELF"]
        self.inotify = _inotify(self.kq.reg.fd_path(self.ident), mask)
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
        raw = _drain(self.inotify)
        seen = 0
        while raw:
            _wd, mask, _cookie, size = INOTIFY_EVENT.unpack_from(raw)
            seen |= mask
            raw = raw[INOTIFY_EVENT.size + size:]
        st = self.kq.reg.fd_stat(self.ident)
        if st is None or (st.st_dev, st.st_ino) != self.id:
            self.kq.forget(self)           # the program closed the descriptor
            return
        self.fflags |= self._notes(seen, st) & self.sfflags
        self.size, self.nlink = st.st_size, st.st_nlink
        if self.fflags:
            self.kq.activate(self)

    def _notes(self, seen: int, st: os.stat_result) -> int:
        """FreeBSD's NOTE_* for what inotify saw; the link count tells unlink and link from chmod."""
        notes = _union(note for note, events in VNODE_DIRECT.items() if seen & events)
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
        self.status = _exit_status(self.ident, self.pidfd)
        self.detach()
        self.kq.exiting.add(self)
        self.settle()

    def settle(self) -> None:
        """Report the exit once the zombie is its parent's to reap (the tracer may still hold it)."""
        if self.ident in self.kq.reg.sup.threads:
            return
        self.kq.exiting.discard(self)
        if not self.sfflags & NP["NOTE_EXIT"]:
            self.kq.forget(self)           # FreeBSD's EV_DROP: nothing the program asked for
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
            self.tfd = _timerfd(absolute, ns, ns if periodic else 0)
        except OSError as e:
            raise FreeBSDError(translate.errno_to_freebsd(e.errno)) from None
        self.slot = self.kq.add_helper(self.tfd, self)
        self.data = 0

    def touch(self, ch):
        if ch.flags & EV_ADD:              # re-adding restarts the timer with the new period
            super().touch(ch)
            self._arm()
            self.kq.queue.pop(self, None)

    def detach(self):
        if self.tfd is not None:
            self.kq.drop_helper(self.tfd, self.slot)
            self.tfd = None

    def woken(self, events, tid):
        raw = _drain(self.tfd)
        if raw:
            self.data += struct.unpack_from("<Q", raw)[0]
            self.kq.activate(self)


class Signal(Knote):
    """EVFILT_SIGNAL: counted at the delivery stop (_signal_seen); a signal the program blocks
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
        process that added it.  The supervisor's copy keeps the entry once the tracee's is closed."""
        if self.sigfd is not None or self.linux is None or self.kq.knotes.get((self.ident, self.filter)) is not self:
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
            self.sigfd = _grab(self.kq.reg.pidfd, fd) if r >= 0 else None
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
        pending, blocked = _signal_words(tid)
        if (pending & blocked) >> (self.linux - 1) & 1:   # queued and blocked: no delivery stop counts it
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
    """EVFILT_USER: triggered by NOTE_TRIGGER; fflags combine as NOTE_FFAND/FFOR/FFCOPY say
    (also when the knote is created, where FreeBSD keeps the raw fflags and ignores NOTE_TRIGGER)."""

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


FILTERS = {EVFILT_READ: ReadWrite, EVFILT_WRITE: ReadWrite, F["EVFILT_VNODE"]: Vnode, F["EVFILT_PROC"]: Proc,
           EVFILT_SIGNAL: Signal, F["EVFILT_TIMER"]: Timer, F["EVFILT_USER"]: User}


# ---- queues ----------------------------------------------------------------------------------

class KQueue:
    """One kqueue: the supervisor's copy of the tracee's epoll, and the knotes behind it."""

    def __init__(self, reg: "Registry", fd: int):
        self.reg = reg
        self.ep = _grab(reg.pidfd, fd)
        self.knotes: dict[tuple[int, int], Knote] = {}
        self.queue: dict[Knote, None] = {}       # active knotes, in activation order
        self.owners: dict[int, object] = {}      # epoll data -> what that entry wakes
        self.watches: dict[int, FdWatch] = {}
        self.exiting: set[Proc] = set()
        self.held: set[Signal] = set()          # signals counted while pending (blocked)
        self.serial = itertools.count(1)
        try:
            self.wake = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.add_helper(self.wake, self)
        except (OSError, FreeBSDError):
            os.close(self.ep)
            raise

    def is_fd(self, tid: int, fd: int) -> bool:
        return _same_file(tid, self.ep, fd)

    def own(self, owner) -> int:
        slot = next(self.serial)
        self.owners[slot] = owner
        return slot

    def add_helper(self, fd: int, owner) -> int:
        """Put a supervisor descriptor into the epoll; owner.woken(events, tid) runs when it fires."""
        slot = self.own(owner)
        try:
            _epoll_add(self.ep, fd, slot)
        except OSError as e:
            os.close(fd)
            raise FreeBSDError(translate.errno_to_freebsd(e.errno)) from None
        return slot

    def drop_helper(self, fd: int, slot: int) -> None:
        """Closing the only reference to the helper also takes it out of the epoll."""
        self.owners.pop(slot, None)
        os.close(fd)

    def poke(self) -> None:
        os.eventfd_write(self.wake, 1)

    def woken(self, events: int, tid: int) -> None:
        _drain(self.wake)

    def activate(self, kn: Knote) -> None:
        self.queue.setdefault(kn, None)

    def watch_for(self, fd: int, st: os.stat_result) -> FdWatch:
        watch = self.watches.get(fd)
        if watch is None:
            watch = self.watches[fd] = FdWatch(self, fd, st)
        return watch

    def forget(self, kn: Knote) -> None:
        if self.knotes.get((kn.ident, kn.filter)) is kn:
            del self.knotes[(kn.ident, kn.filter)]
        self.queue.pop(kn, None)
        self.exiting.discard(kn)
        self.held.discard(kn)
        kn.detach()

    def forget_watch(self, watch: FdWatch) -> None:
        for kn in list(watch.knotes.values()):
            self.forget(kn)
        if self.watches.get(watch.fd) is watch:
            del self.watches[watch.fd]
        self.owners.pop(watch.slot, None)

    def close(self) -> None:
        for kn in list(self.knotes.values()):
            kn.detach()
        self.knotes.clear()
        os.close(self.wake)
        os.close(self.ep)

    # -- changes ------------------------------------------------------------------------
    def register(self, call, kqfd: int, ch: Change):
        """Apply one change as kqueue_register() does; its FreeBSD errno, 0 on success."""
        try:
            yield from self._register(call, kqfd, ch)
        except FreeBSDError as e:
            return e.errno
        return 0

    def _register(self, call, kqfd: int, ch: Change):
        cls = FILTERS.get(ch.filter)
        if cls is None:
            known = [name for name, number in F.items() if number == ch.filter]
            if known:  # a FreeBSD filter bsdulator lacks, as opposed to no filter at all
                raise call.sup.missing(call, known[0], "EINVAL")
            raise FreeBSDError(EINVAL, f"filter {ch.filter} is not supported")
        st = self._fd_stat(ch.ident) if cls.isfd else None
        kn = self.knotes.get((ch.ident, ch.filter))
        created = kn is None
        if created:
            if not ch.flags & EV_ADD:
                raise FreeBSDError(ENOENT)
            kn = self._create(cls, ch, st)
        elif ch.flags & EV_DELETE:
            self.forget(kn)
        else:
            self._modify(kn, ch)
        try:
            yield from kn.link(call, kqfd)
        except FreeBSDError:
            if created:
                self.forget(kn)
            raise

    def _fd_stat(self, fd: int) -> os.stat_result:
        """The descriptor's file (EBADF if it is not open); knotes left by a closed one are dropped."""
        st = self.reg.fd_stat(fd)
        if st is None:
            raise FreeBSDError(EBADF, f"descriptor {fd}")
        ident = (st.st_dev, st.st_ino)
        watch = self.watches.get(fd)
        if watch is not None and watch.id != ident:
            self.forget_watch(watch)
        vnode = self.knotes.get((fd, F["EVFILT_VNODE"]))
        if vnode is not None and vnode.id != ident:
            self.forget(vnode)
        return st

    def _create(self, cls, ch: Change, st) -> Knote:
        kn = cls(self, ch)
        kn.attach(st)
        self.knotes[(ch.ident, ch.filter)] = kn
        if ch.flags & EV_DISABLE:
            kn.enabled = False
        return kn

    def _modify(self, kn: Knote, ch: Change) -> None:
        if ch.flags & EV_FORCEONESHOT:
            kn.flags |= EV_ONESHOT
            kn.forced = True
            self.activate(kn)
        if not ch.flags & EV_KEEPUDATA:
            kn.udata = ch.udata
        kn.touch(ch)
        if ch.flags & EV_ENABLE:
            kn.enabled = True
        elif ch.flags & EV_DISABLE:
            kn.enabled = False
        if kn.isfd and ch.flags & (EV_ADD | EV_ENABLE):
            self.activate(kn)             # looked at again when the queue is scanned

    # -- waiting ------------------------------------------------------------------------
    def wait(self, call, kqfd: int, limit: int, deadline: int | None):
        """Up to limit events, sleeping in the tracee's epoll_pwait2 until there are some or deadline passes."""
        buf = call.alloc(EVENT.size * MAX_LINUX_EVENTS)
        ts = call.alloc(TIMESPEC.size)
        self.reconcile(call.thread.tid)
        while True:
            for kn in list(self.exiting):
                kn.settle()
            left = self._sleep_ns(deadline)
            if left is not None:
                call.mem.write(ts, TIMESPEC.pack(*divmod(left, 10**9)))
            r = yield lx.epoll_pwait2(kqfd, buf, MAX_LINUX_EVENTS, 0 if left is None else ts, 0, 0)
            if r != -LINUX_EINTR:         # interrupted by an ignored signal, FreeBSD sleeps on
                self._absorb(call.mem.read(buf, check(r) * EVENT.size), call.thread.tid)
            events = self.scan(limit)
            if events or (deadline is not None and time.monotonic_ns() >= deadline):
                return events
            if _handler_pending(call):    # its handler must run before the next sleep: EINTR
                raise FreeBSDError(EINTR)

    def reconcile(self, tid: int) -> None:
        """Forget the counted pending signals that sigwait(2) took or SIG_IGN discarded."""
        if self.held:
            pending = _signal_words(tid)[0]
            for kn in list(self.held):
                kn.reconcile(pending)

    def _sleep_ns(self, deadline: int | None) -> int | None:
        """How long the next epoll_pwait2 may sleep: not at all while knotes are active; None is forever."""
        if any(kn.enabled for kn in self.queue):
            return 0
        left = None if deadline is None else max(deadline - time.monotonic_ns(), 0)
        if self.exiting:
            left = RELEASE_POLL_NS if left is None else min(left, RELEASE_POLL_NS)
        return left

    def _absorb(self, raw: bytes, tid: int) -> None:
        for off in range(0, len(raw), EVENT.size):
            events, slot = EVENT.unpack_from(raw, off)
            owner = self.owners.get(slot)
            if owner is not None:
                owner.woken(events, tid)

    def scan(self, limit: int) -> list[Change]:
        """Report up to limit active knotes, as kqueue_scan() does."""
        out = []
        for kn in list(self.queue):
            if len(out) == limit:
                break
            if kn not in self.queue or not kn.enabled:
                continue
            if not kn.forced and not kn.ready():
                self.queue.pop(kn, None)
                continue
            out.append(kn.event())
            self._reported(kn)
        return out

    def _reported(self, kn: Knote) -> None:
        """ONESHOT knotes go, CLEAR and DISPATCH ones leave the queue, level ones stay at its end."""
        del self.queue[kn]
        if kn.flags & EV_ONESHOT:
            self.forget(kn)
            return
        if kn.flags & EV_CLEAR:
            kn.clear()
        if kn.flags & EV_DISPATCH:
            kn.enabled = False
        if not kn.flags & (EV_CLEAR | EV_DISPATCH):
            self.queue[kn] = None


class Registry:
    """The kqueues of one process, by descriptor, and the pidfd that reaches its descriptors."""

    def __init__(self, sup, pid: int):
        self.sup, self.pid = sup, pid
        self.pidfd = os.pidfd_open(pid)
        self.by_fd: dict[int, KQueue] = {}

    def fd_path(self, fd: int) -> str:
        return f"/proc/{self.pid}/fd/{fd}"

    def fd_stat(self, fd: int) -> os.stat_result | None:
        try:
            return os.stat(self.fd_path(fd))
        except (OSError, ValueError):
            return None

    def bind(self, fd: int, kq: KQueue) -> None:
        """fd is now kq; a kqueue that had this number is gone unless another number still holds it."""
        old = self.by_fd.get(fd)
        self.by_fd[fd] = kq
        if old is not None and old not in self.by_fd.values():
            old.close()

    def lookup(self, tid: int, fd: int) -> KQueue:
        """The kqueue fd refers to (also through a dup), or EBADF as for any other descriptor."""
        kq = self.by_fd.get(fd)
        if kq is not None and kq.is_fd(tid, fd):
            return kq
        for other in set(self.by_fd.values()):
            if other.is_fd(tid, fd):
                self.bind(fd, other)
                return other
        if kq is not None:
            del self.by_fd[fd]
            if kq not in self.by_fd.values():
                kq.close()
        raise FreeBSDError(EBADF, f"descriptor {fd} is not a kqueue")

    def close(self) -> None:
        for kq in set(self.by_fd.values()):
            kq.close()
        self.by_fd.clear()
        os.close(self.pidfd)


def _registry(call) -> Registry:
    """The calling process's kqueues; a fork child starts with none, as FreeBSD's does."""
    reg = getattr(call.proc, "kqueues", None)
    if reg is None:
        reg = call.proc.kqueues = Registry(call.sup, call.proc.pid)
        weakref.finalize(call.proc, reg.close)
    return reg


# ---- signals ---------------------------------------------------------------------------------

def _signal_words(tid: int) -> tuple[int, int]:
    """(pending for the thread or its process, blocked) Linux signal masks."""
    status = procfs.status(tid)
    return status.sig_pending, status.sig_blocked


def _handler_pending(call) -> bool:
    """Whether a signal the program catches is about to be delivered: FreeBSD's kevent then
    fails with EINTR, where ignored, default-ignored and stopping signals let it sleep on."""
    pending, blocked = _signal_words(call.thread.tid)
    waiting = pending & ~blocked
    for linux in range(1, 65):
        if waiting >> (linux - 1) & 1:
            act = call.proc.sigactions.get(translate.signal_to_freebsd(linux))
            if act is not None and act.handler not in (SIG_DFL, SIG_IGN):
                return True
    return False


def _signal_seen(thread, fsig: int) -> None:
    """A signal reached its delivery stop: EVFILT_SIGNAL counts it, even when it is ignored."""
    reg = getattr(thread.proc, "kqueues", None)
    for kq in set(reg.by_fd.values()) if reg else ():
        kn = kq.knotes.get((fsig, EVFILT_SIGNAL))
        if kn is not None:
            kn.delivered()


def _disposition_changed(thread) -> None:
    reg = getattr(thread.proc, "kqueues", None)
    for kq in set(reg.by_fd.values()) if reg else ():
        kq.reconcile(thread.tid)


def install(sup) -> None:
    sup.hooks.signal_seen.append(_signal_seen)
    sup.hooks.disposition_changed.append(_disposition_changed)


# ---- the calls -------------------------------------------------------------------------------

def _kqueue(call, cloexec: bool):
    fd = check((yield lx.epoll_create1(E["EPOLL_CLOEXEC"] if cloexec else 0)))
    reg = _registry(call)
    try:
        kq = KQueue(reg, fd)
    except (OSError, FreeBSDError) as e:
        yield lx.close(fd)
        raise FreeBSDError(e.errno if isinstance(e, FreeBSDError) else translate.errno_to_freebsd(e.errno)) from None
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
            f = structs.unpack(layout, raw[i * size:(i + 1) * size])
            yield Change(f["ident"], f["filter"], f["flags"], f["fflags"], f["data"], f["udata"],
                         f.get("ext", [0, 0, 0, 0]))


def _write_events(call, addr: int, events: list[Change], layout: str) -> None:
    out = b""
    for ev in events:
        fields = dict(ident=ev.ident, filter=ev.filter, flags=ev.flags, fflags=ev.fflags, data=ev.data,
                      udata=ev.udata)
        if layout == "kevent":
            fields["ext"] = ev.ext
        out += structs.pack(layout, **fields)
    call.mem.write(addr, out)


def _deadline(call, timeout: int) -> int | None:
    """The monotonic time a wait ends, None for never (timeout NULL, or seconds beyond INT32_MAX as FreeBSD)."""
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
    reg = getattr(call.proc, "kqueues", None)
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
KEVENT_GAPS = ("filters AIO, PROCDESC, FS, LIO, SENDFILE, EMPTY, JAIL, JAILDESC (EINVAL); NOTE_FORK, NOTE_EXEC, "
               "NOTE_TRACK never reported; NOTE_LOWAT ignored; a listening socket's data is 1, not its queue "
               "length; EV_CLEAR when a level-triggered knote of the other filter shares the descriptor; a forked "
               "child inherits the epoll descriptor (FreeBSD's child has none)")


@handler("kevent", Support.PARTIAL, KEVENT_GAPS)
def sys_kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout):
    """Implements FreeBSD kevent(2) (struct kevent with ext[4])."""
    return (yield from _kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout, "kevent"))


@handler("freebsd11_kevent", Support.PARTIAL, KEVENT_GAPS)
def sys_freebsd11_kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout):
    """Implements FreeBSD 11 kevent(2), which FreeBSD 10 and 11 binaries call."""
    return (yield from _kevent(call, fd, changelist, nchanges, eventlist, nevents, timeout, "freebsd11_kevent"))
