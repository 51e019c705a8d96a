"""A kqueue (the supervisor's copy of the tracee's epoll and the knotes behind it) and the
kqueues of one process."""

import itertools
import os
import time

from bsdulator import translate
from bsdulator.abi.signals import LINUX_SIGNAL_LIMITS
from bsdulator.engine import check, lx
from bsdulator.errors import FreeBSDError

from .filters import FILTERS, Change, FdWatch, Knote, Proc, Signal
from .host import (
    EBADF,
    EINTR,
    EINVAL,
    ENOENT,
    EV_ADD,
    EV_CLEAR,
    EV_DELETE,
    EV_DISABLE,
    EV_DISPATCH,
    EV_ENABLE,
    EV_FORCEONESHOT,
    EV_KEEPUDATA,
    EV_ONESHOT,
    EVENT,
    LINUX_EINTR,
    MAX_LINUX_EVENTS,
    RELEASE_POLL_NS,
    SIG_DFL,
    SIG_IGN,
    TIMESPEC,
    F,
    drain,
    epoll_add,
    grab,
    same_file,
    signal_words,
)


class KQueue:
    """One kqueue: the supervisor's copy of the tracee's epoll, and the knotes behind it."""

    def __init__(self, reg: "Registry", fd: int):
        self.reg = reg
        self.ep = grab(reg.pidfd, fd)
        self.knotes: dict[tuple[int, int], Knote] = {}
        self.queue: dict[Knote, None] = {}  # active knotes, in activation order
        self.owners: dict[int, object] = {}  # epoll data -> what that entry wakes
        self.watches: dict[int, FdWatch] = {}
        self.exiting: set[Proc] = set()
        self.held: set[Signal] = set()  # signals counted while pending (blocked)
        self.serial = itertools.count(1)
        try:
            self.wake = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.add_helper(self.wake, self)
        except (OSError, FreeBSDError):
            os.close(self.ep)
            raise

    def is_fd(self, tid: int, fd: int) -> bool:
        return same_file(tid, self.ep, fd)

    def own(self, owner) -> int:
        slot = next(self.serial)
        self.owners[slot] = owner
        return slot

    def add_helper(self, fd: int, owner) -> int:
        """Put a supervisor descriptor into the epoll; owner.woken(events, tid) runs when it
        fires."""
        slot = self.own(owner)
        try:
            epoll_add(self.ep, fd, slot)
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
        drain(self.wake)

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
        """The descriptor's file (EBADF if it is not open); knotes left by a closed one are
        dropped."""
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
            self.activate(kn)  # looked at again when the queue is scanned

    # -- waiting ------------------------------------------------------------------------
    def wait(self, call, kqfd: int, limit: int, deadline: int | None):
        """Up to limit events, sleeping in the tracee's epoll_pwait2 until there are some or
        deadline passes."""
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
            if r != -LINUX_EINTR:  # interrupted by an ignored signal, FreeBSD sleeps on
                self._absorb(call.mem.read(buf, check(r) * EVENT.size), call.thread.tid)
            events = self.scan(limit)
            if events or (deadline is not None and time.monotonic_ns() >= deadline):
                return events
            if handler_pending(call):  # its handler must run before the next sleep: EINTR
                raise FreeBSDError(EINTR)

    def reconcile(self, tid: int) -> None:
        """Forget the counted pending signals that sigwait(2) took or SIG_IGN discarded."""
        if self.held:
            pending = signal_words(tid)[0]
            for kn in list(self.held):
                kn.reconcile(pending)

    def _sleep_ns(self, deadline: int | None) -> int | None:
        """How long the next epoll_pwait2 may sleep: not at all while knotes are active; None is
        forever."""
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
        """ONESHOT knotes go, CLEAR and DISPATCH ones leave the queue, level ones stay at its
        end."""
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
        """fd is now kq; a kqueue that had this number is gone unless another number still holds
        it."""
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


def registry(call) -> Registry:
    """The calling process's kqueues; a fork child starts with none, as FreeBSD's does."""
    reg = call.proc.kqueues
    if reg is None:
        reg = call.proc.kqueues = Registry(call.sup, call.proc.pid)
    return reg


def handler_pending(call) -> bool:
    """Whether a signal the program catches is about to be delivered: FreeBSD's kevent then
    fails with EINTR, where ignored, default-ignored and stopping signals let it sleep on."""
    pending, blocked = signal_words(call.thread.tid)
    waiting = pending & ~blocked
    for linux in range(1, LINUX_SIGNAL_LIMITS["SIGRTMAX"] + 1):
        if waiting >> (linux - 1) & 1:
            act = call.proc.sigactions.get(translate.signal_to_freebsd(linux))
            if act is not None and act.handler not in (SIG_DFL, SIG_IGN):
                return True
    return False
