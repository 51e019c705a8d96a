"""abi/kqueue.py against FreeBSD's <sys/event.h> (zig's) and the host's Linux headers."""

import pytest

from bsdulator.abi import kqueue
from header_macros import freebsd_values, linux_values, mismatches, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

FREEBSD_TABLES = [
    kqueue.FREEBSD_EVFILTERS,
    kqueue.FREEBSD_EV_FLAGS,
    kqueue.FREEBSD_NOTE_USER,
    kqueue.FREEBSD_NOTE_RW,
    kqueue.FREEBSD_NOTE_VNODE,
    kqueue.FREEBSD_NOTE_PROC,
    kqueue.FREEBSD_NOTE_TIMER,
    kqueue.FREEBSD_KQUEUE_FLAGS,
]
FREEBSD_HEADERS = ["sys/types.h", "sys/event.h"]
LINUX_TABLES = [
    (kqueue.LINUX_EPOLL, ["sys/epoll.h"]),
    (kqueue.LINUX_TIMERFD, ["sys/timerfd.h"]),
    (kqueue.LINUX_SIGNALFD, ["sys/signalfd.h"]),
    (kqueue.LINUX_INOTIFY, ["sys/inotify.h"]),
    (kqueue.LINUX_BUFFER_QUERIES, ["sys/ioctl.h", "linux/fcntl.h"]),
]


@requires_zig
@pytest.mark.parametrize("table", FREEBSD_TABLES, ids=lambda t: next(iter(t)))
def test_freebsd_values(table):
    assert mismatches(table, freebsd_values(FREEBSD_HEADERS, table)) == {}


@requires_zig
def test_evfilt_syscount_covers_every_filter():
    count = freebsd_values(FREEBSD_HEADERS, ["EVFILT_SYSCOUNT"])["EVFILT_SYSCOUNT"]
    assert sorted(kqueue.FREEBSD_EVFILTERS.values()) == list(range(-count, 0))


@requires_gcc
@pytest.mark.parametrize(
    "table,headers", LINUX_TABLES, ids=lambda t: next(iter(t)) if isinstance(t, dict) else ""
)
def test_linux_values(table, headers):
    assert mismatches(table, linux_values(headers, table)) == {}


@requires_gcc
def test_kcmp_file():
    assert linux_values(["linux/kcmp.h"], ["KCMP_FILE"], guard=False) == kqueue.LINUX_KCMP
