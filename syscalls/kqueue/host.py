"""kqueue's names (FreeBSD's and Linux's) and the Linux calls the supervisor makes on its own
descriptors: epoll, timerfd, inotify, poll and FIONREAD on short-lived copies."""

import ctypes
import fcntl
import functools
import operator
import os
import select
import socket
import stat
import struct
import time

from bsdulator import procfs, translate
from bsdulator.abi import kqueue as K
from bsdulator.abi.errno import FREEBSD_ERRNO, LINUX_ERRNO
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.signals import FREEBSD_SIG_HANDLERS, FREEBSD_SIGNAL_LIMITS
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.proc import _linux_wstatus_to_freebsd

EBADF, EINVAL, ENOENT, ESRCH, EINTR = (
    FREEBSD_ERRNO[n] for n in ("EBADF", "EINVAL", "ENOENT", "ESRCH", "EINTR")
)
LINUX_EINTR, LINUX_EEXIST, LINUX_EPERM, LINUX_ENOENT = (
    LINUX_ERRNO[n] for n in ("EINTR", "EEXIST", "EPERM", "ENOENT")
)

F, EV, NU, NV, NP, NT = (
    K.FREEBSD_EVFILTERS,
    K.FREEBSD_EV_FLAGS,
    K.FREEBSD_NOTE_USER,
    K.FREEBSD_NOTE_VNODE,
    K.FREEBSD_NOTE_PROC,
    K.FREEBSD_NOTE_TIMER,
)
EVFILT_READ, EVFILT_WRITE, EVFILT_SIGNAL = F["EVFILT_READ"], F["EVFILT_WRITE"], F["EVFILT_SIGNAL"]
EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE = (
    EV["EV_ADD"],
    EV["EV_DELETE"],
    EV["EV_ENABLE"],
    EV["EV_DISABLE"],
)
EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH = (
    EV["EV_ONESHOT"],
    EV["EV_CLEAR"],
    EV["EV_RECEIPT"],
    EV["EV_DISPATCH"],
)
EV_FORCEONESHOT, EV_KEEPUDATA, EV_SYSFLAGS = (
    EV["EV_FORCEONESHOT"],
    EV["EV_KEEPUDATA"],
    EV["EV_SYSFLAGS"],
)
EV_EOF, EV_ERROR = EV["EV_EOF"], EV["EV_ERROR"]
ACTIONS = EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE | EV_FORCEONESHOT
TIMER_UNITS = {
    0: 10**6,
    NT["NOTE_SECONDS"]: 10**9,
    NT["NOTE_MSECONDS"]: 10**6,
    NT["NOTE_USECONDS"]: 10**3,
    NT["NOTE_NSECONDS"]: 1,
}
TIMER_PRECMASK = (
    NT["NOTE_SECONDS"] | NT["NOTE_MSECONDS"] | NT["NOTE_USECONDS"] | NT["NOTE_NSECONDS"]
)
MAXSIG = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
SIG_DFL, SIG_IGN = FREEBSD_SIG_HANDLERS["SIG_DFL"], FREEBSD_SIG_HANDLERS["SIG_IGN"]

E, T, IN, Q = K.LINUX_EPOLL, K.LINUX_TIMERFD, K.LINUX_INOTIFY, K.LINUX_BUFFER_QUERIES
EPOLLIN, EPOLLOUT, EPOLLET = E["EPOLLIN"], E["EPOLLOUT"], E["EPOLLET"]
READ_BITS = EPOLLIN | E["EPOLLRDHUP"]
READ_WAKE = READ_BITS | E["EPOLLHUP"] | E["EPOLLERR"]
WRITE_WAKE = EPOLLOUT | E["EPOLLHUP"] | E["EPOLLERR"]
POLL_READ_READY = select.POLLIN | select.POLLRDHUP | select.POLLHUP | select.POLLERR
EVENT = struct.Struct("<IQ")  # struct epoll_event: packed on x86_64
TIMESPEC = struct.Struct("<qq")
ITIMERSPEC = struct.Struct("<qqqq")  # it_interval, it_value
INOTIFY_EVENT = struct.Struct("<iIII")
MAX_LINUX_EVENTS = 64
RELEASE_POLL_NS = 1_000_000  # how often to look whether the tracer has passed a zombie on
NS_MAX = (1 << 63) - 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


# ---- Linux calls the supervisor makes on its own descriptors --------------------------------


def union(bits) -> int:
    return functools.reduce(operator.or_, bits, 0)


def _ok(r: int) -> int:
    if r < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return r


def grab(pidfd: int, fd: int) -> int:
    """The supervisor's own copy of a tracee descriptor (pidfd_getfd)."""
    return _ok(_libc.syscall(LINUX_NR["pidfd_getfd"], pidfd, fd, 0))


def same_file(tid: int, mine: int, theirs: int) -> bool:
    """Whether the tracee's descriptor is the open file the supervisor's copy is (kcmp)."""
    return (
        _libc.syscall(LINUX_NR["kcmp"], os.getpid(), tid, K.LINUX_KCMP["KCMP_FILE"], mine, theirs)
        == 0
    )


def epoll_add(ep: int, fd: int, slot: int, events: int = EPOLLIN) -> None:
    _ok(_libc.epoll_ctl(ep, E["EPOLL_CTL_ADD"], fd, EVENT.pack(events, slot)))


def timerfd(absolute: bool, value_ns: int, interval_ns: int) -> int:
    """An armed timerfd: CLOCK_REALTIME for an absolute expiry (NOTE_ABSTIME), else
    CLOCK_MONOTONIC."""
    clock = time.CLOCK_REALTIME if absolute else time.CLOCK_MONOTONIC
    fd = _ok(_libc.timerfd_create(clock, T["TFD_NONBLOCK"] | T["TFD_CLOEXEC"]))
    spec = ITIMERSPEC.pack(*divmod(interval_ns, 10**9), *divmod(max(value_ns, 1), 10**9))
    try:
        _ok(_libc.timerfd_settime(fd, T["TFD_TIMER_ABSTIME"] if absolute else 0, spec, None))
    except OSError:
        os.close(fd)
        raise
    return fd


def inotify(path: str, mask: int) -> int:
    """An inotify descriptor watching path; failures as FreeBSD errnos."""
    fd = _libc.inotify_init1(IN["IN_NONBLOCK"] | IN["IN_CLOEXEC"])
    if fd < 0 or _libc.inotify_add_watch(fd, path.encode(), mask) < 0:
        err = ctypes.get_errno()
        if fd >= 0:
            os.close(fd)
        raise FreeBSDError(translate.errno_to_freebsd(err), f"inotify on {path}")
    return fd


def drain(fd: int) -> bytes:
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


def ioctl_int(fd: int, request: int) -> int | None:
    try:
        return struct.unpack("i", fcntl.ioctl(fd, request, bytes(4)))[0]
    except OSError:
        return None


def poll(fd: int, events: int) -> int:
    p = select.poll()
    p.register(fd, events)
    ready = p.poll(0)
    return ready[0][1] if ready else 0


def write_space(fd: int, st: os.stat_result) -> int:
    """Room left in a pipe's or socket's buffer, FreeBSD's EVFILT_WRITE data."""
    if stat.S_ISFIFO(st.st_mode):
        return max(fcntl.fcntl(fd, Q["F_GETPIPE_SZ"]) - (ioctl_int(fd, Q["FIONREAD"]) or 0), 0)
    if stat.S_ISSOCK(st.st_mode):
        sock = socket.socket(fileno=fd)
        try:
            size = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        finally:
            sock.detach()
        return max(size - (ioctl_int(fd, Q["TIOCOUTQ"]) or 0), 0)
    return 0


def exit_status(pid: int, pidfd: int) -> int:
    """An exited process's wait status (FreeBSD signal numbers), read from its zombie without
    reaping it."""
    try:
        exit_code = procfs.stat(pid).exit_code
        with open(f"/proc/self/fdinfo/{pidfd}") as f:
            alive = f"Pid:\t{pid}\n" in f.read()  # not reaped (and the pid not reused) meanwhile
    except OSError:
        return 0
    return _linux_wstatus_to_freebsd(exit_code) if alive else 0


def signal_words(tid: int) -> tuple[int, int]:
    """(pending for the thread or its process, blocked) Linux signal masks."""
    status = procfs.status(tid)
    return status.sig_pending, status.sig_blocked
