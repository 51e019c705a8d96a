"""kqueue(2) numbers: FreeBSD's <sys/event.h>, and the Linux ones kqueues are built from.

FreeBSD values are those of the FreeBSD 14 headers (tests/test_abi_kqueue.py checks every
name against zig's copy); the Linux values are checked against the host's <sys/epoll.h>,
<sys/timerfd.h>, <sys/signalfd.h>, <sys/inotify.h> and kernel headers.
"""

FREEBSD_EVFILTERS = {
    "EVFILT_READ": -1,
    "EVFILT_WRITE": -2,
    "EVFILT_AIO": -3,
    "EVFILT_VNODE": -4,
    "EVFILT_PROC": -5,
    "EVFILT_SIGNAL": -6,
    "EVFILT_TIMER": -7,
    "EVFILT_PROCDESC": -8,
    "EVFILT_FS": -9,
    "EVFILT_LIO": -10,
    "EVFILT_USER": -11,
    "EVFILT_SENDFILE": -12,
    "EVFILT_EMPTY": -13,
    "EVFILT_JAIL": -14,
    "EVFILT_JAILDESC": -15,
}

FREEBSD_EV_FLAGS = {
    # actions
    "EV_ADD": 0x0001,
    "EV_DELETE": 0x0002,
    "EV_ENABLE": 0x0004,
    "EV_DISABLE": 0x0008,
    "EV_FORCEONESHOT": 0x0100,
    "EV_KEEPUDATA": 0x0200,
    # flags
    "EV_ONESHOT": 0x0010,
    "EV_CLEAR": 0x0020,
    "EV_RECEIPT": 0x0040,
    "EV_DISPATCH": 0x0080,
    "EV_SYSFLAGS": 0xF000,
    "EV_DROP": 0x1000,
    "EV_FLAG1": 0x2000,
    "EV_FLAG2": 0x4000,
    # returned
    "EV_EOF": 0x8000,
    "EV_ERROR": 0x4000,
}

# EVFILT_USER: the top two bits of fflags say how the low 24 combine with the stored ones.
FREEBSD_NOTE_USER = {
    "NOTE_FFNOP": 0x00000000,
    "NOTE_FFAND": 0x40000000,
    "NOTE_FFOR": 0x80000000,
    "NOTE_FFCOPY": 0xC0000000,
    "NOTE_FFCTRLMASK": 0xC0000000,
    "NOTE_FFLAGSMASK": 0x00FFFFFF,
    "NOTE_TRIGGER": 0x01000000,
}

FREEBSD_NOTE_RW = {"NOTE_LOWAT": 0x0001, "NOTE_FILE_POLL": 0x0002}

FREEBSD_NOTE_VNODE = {
    "NOTE_DELETE": 0x0001,
    "NOTE_WRITE": 0x0002,
    "NOTE_EXTEND": 0x0004,
    "NOTE_ATTRIB": 0x0008,
    "NOTE_LINK": 0x0010,
    "NOTE_RENAME": 0x0020,
    "NOTE_REVOKE": 0x0040,
    "NOTE_OPEN": 0x0080,
    "NOTE_CLOSE": 0x0100,
    "NOTE_CLOSE_WRITE": 0x0200,
    "NOTE_READ": 0x0400,
}

FREEBSD_NOTE_PROC = {
    "NOTE_EXIT": 0x80000000,
    "NOTE_FORK": 0x40000000,
    "NOTE_EXEC": 0x20000000,
    "NOTE_PCTRLMASK": 0xF0000000,
    "NOTE_PDATAMASK": 0x000FFFFF,
    "NOTE_TRACK": 0x00000001,
    "NOTE_TRACKERR": 0x00000002,
    "NOTE_CHILD": 0x00000004,
}

FREEBSD_NOTE_TIMER = {
    "NOTE_SECONDS": 0x01,
    "NOTE_MSECONDS": 0x02,
    "NOTE_USECONDS": 0x04,
    "NOTE_NSECONDS": 0x08,
    "NOTE_ABSTIME": 0x10,
}

FREEBSD_KQUEUE_FLAGS = {"KQUEUE_CLOEXEC": 0x00000001}

# kqueue_kevent() copies the changelist in KQ_NEVENTS entries at a time and applies each batch
# before copying the next, so a fault part-way leaves the earlier changes applied.  A kernel
# constant (sys/kern/kern_event.c), in no userland header: not header-tested.
KQ_NEVENTS = 8

# ---- Linux ------------------------------------------------------------------------------

LINUX_EPOLL = {
    "EPOLLIN": 0x001,
    "EPOLLPRI": 0x002,
    "EPOLLOUT": 0x004,
    "EPOLLERR": 0x008,
    "EPOLLHUP": 0x010,
    "EPOLLRDHUP": 0x2000,
    "EPOLLONESHOT": 1 << 30,
    "EPOLLET": 1 << 31,
    "EPOLL_CTL_ADD": 1,
    "EPOLL_CTL_DEL": 2,
    "EPOLL_CTL_MOD": 3,
    "EPOLL_CLOEXEC": 0o2000000,
}

LINUX_TIMERFD = {"TFD_CLOEXEC": 0o2000000, "TFD_NONBLOCK": 0o4000, "TFD_TIMER_ABSTIME": 1}

LINUX_SIGNALFD = {"SFD_CLOEXEC": 0o2000000, "SFD_NONBLOCK": 0o4000}

LINUX_INOTIFY = {
    "IN_ACCESS": 0x001,
    "IN_MODIFY": 0x002,
    "IN_ATTRIB": 0x004,
    "IN_CLOSE_WRITE": 0x008,
    "IN_CLOSE_NOWRITE": 0x010,
    "IN_OPEN": 0x020,
    "IN_MOVED_FROM": 0x040,
    "IN_MOVED_TO": 0x080,
    "IN_CREATE": 0x100,
    "IN_DELETE": 0x200,
    "IN_DELETE_SELF": 0x400,
    "IN_MOVE_SELF": 0x800,
    "IN_UNMOUNT": 0x2000,
    "IN_Q_OVERFLOW": 0x4000,
    "IN_IGNORED": 0x8000,
    "IN_ISDIR": 0x40000000,
    "IN_NONBLOCK": 0o4000,
    "IN_CLOEXEC": 0o2000000,
}

# ioctls and fcntls that measure a descriptor's buffers (asm-generic/ioctls.h, linux/fcntl.h).
LINUX_BUFFER_QUERIES = {"FIONREAD": 0x541B, "TIOCOUTQ": 0x5411, "F_GETPIPE_SZ": 1032}

# kcmp(2) type that compares two descriptors' open file descriptions (linux/kcmp.h, an enum).
LINUX_KCMP = {"KCMP_FILE": 0}
