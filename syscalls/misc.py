"""Calls that fit no larger subsystem: polling, randomness, cpusets, hints."""

import contextlib
import os
import stat
import struct

from bsdulator import structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_CPU_LEVELS as CPU_LEVEL
from bsdulator.abi.flags import (
    FREEBSD_CPU_MAXSIZE,
    FREEBSD_SELECT_LIMITS,
    LINUX_ACCESS_MODES,
    LINUX_AT_FLAGS,
    LINUX_O_FLAGS,
    LINUX_RLIMIT_RESOURCES,
)
from bsdulator.abi.flags import FREEBSD_CPU_WHICH as CPU_WHICH
from bsdulator.abi.ioctls import LINUX_IOCTLS
from bsdulator.abi.jail import MAXPATHLEN
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS
from bsdulator.abi.termios import LINUX_TERMIOS_SIZE as LINUX_TERMIOS_SIZES
from bsdulator.engine import check, closing, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.syscalls import procdesc
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.syscalls.signal import linux_sigset
from bsdulator.sysctl import MAXFILESPERPROC
from bsdulator.table import Support, handler, native, stub

EINVAL, EOPNOTSUPP, EPERM, ENAMETOOLONG = (
    FREEBSD_ERRNO[n] for n in ("EINVAL", "EOPNOTSUPP", "EPERM", "ENAMETOOLONG")
)
AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
POLLFD = struct.Struct("<ihh")
LINUX_RLIMIT_NOFILE = LINUX_RLIMIT_RESOURCES["RLIMIT_NOFILE"]
FD_SETSIZE = FREEBSD_SELECT_LIMITS["FD_SETSIZE"]
LINUX_AT_SYMLINK_NOFOLLOW = LINUX_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]
F_OK = LINUX_ACCESS_MODES["F_OK"]
LINUX_STAT_SIZE = structs.sizeof("linux_stat")
LINUX_TERMIOS_SIZE = LINUX_TERMIOS_SIZES["sizeof(struct termios)"]

native("sched_yield")
native("getrandom", note="GRND_* are the same numbers")
native("close_range", note="CLOSE_RANGE_CLOEXEC is the same number")
stub("utrace", note="no ktrace(2) consumer exists under bsdulator")


def _poll_events_in(call, fds: int, nfds: int) -> list[int]:
    """Rewrite the events in place for Linux; the originals come back after the call."""
    if nfds > max(MAXFILESPERPROC, FD_SETSIZE):  # sys_poll's bound, checked before any copyin
        raise FreeBSDError(EINVAL, f"poll of {nfds} descriptors")
    raw = bytearray(call.mem.read(fds, POLLFD.size * nfds)) if nfds else bytearray()
    original = []
    pds = procdesc.poll_procdescs(
        call, [POLLFD.unpack_from(raw, i * POLLFD.size)[0] for i in range(nfds)]
    )
    for i in range(nfds):
        fd, events, revents = POLLFD.unpack_from(raw, i * POLLFD.size)
        original.append(events)
        linux = translate.POLL_EVENTS.to_linux(events & 0xFFFF)
        POLLFD.pack_into(raw, i * POLLFD.size, fd, procdesc.POLL_EXIT if fd in pds else linux, 0)
    call.mem.write(fds, bytes(raw))
    return original, pds


def _poll_events_out(call, fds: int, original: list[int], pds: set[int]) -> None:
    raw = bytearray(call.mem.read(fds, POLLFD.size * len(original))) if original else bytearray()
    for i, events in enumerate(original):
        fd, _ev, revents = POLLFD.unpack_from(raw, i * POLLFD.size)
        fbsd = procdesc.exit_revents(revents) if fd in pds else revents
        POLLFD.pack_into(
            raw, i * POLLFD.size, fd, events, translate.POLL_EVENTS.to_freebsd(fbsd & 0xFFFF)
        )
    call.mem.write(fds, bytes(raw))


def _polled(call, fds: int, nfds: int, linux_poll):
    """Run linux_poll over the fds array with Linux's bits in place, FreeBSD's put back after.
    A poll abandoned (restarted after a signal, or its process gone) puts them back where it
    can; nothing is raised from a generator being closed."""
    original, pds = _poll_events_in(call, fds, nfds)
    try:
        r = yield linux_poll
    except GeneratorExit:
        with contextlib.suppress(FreeBSDError):
            _poll_events_out(call, fds, original, pds)
        raise
    _poll_events_out(call, fds, original, pds)
    return check(r)


@handler("poll", Support.TRANSLATED, "POLL* bits translated in place and restored")
def sys_poll(call, fds, nfds, timeout):
    """Implements FreeBSD poll(2)."""
    nfds &= 0xFFFFFFFF
    return (yield from _polled(call, fds, nfds, lx.poll(fds, nfds, s32(timeout))))


@handler("ppoll", Support.TRANSLATED, "POLL* bits and the sigset translated")
def sys_ppoll(call, fds, nfds, ts, set_addr):
    """Implements FreeBSD ppoll(2)."""
    nfds &= 0xFFFFFFFF
    mask = linux_sigset(call, set_addr)
    return (yield from _polled(call, fds, nfds, lx.ppoll(fds, nfds, ts, mask, 8 if mask else 0)))


def _timeout_copy(call, addr: int, layout: str) -> int:
    """A scratch copy of the caller's timeout: Linux writes back the time left, FreeBSD's
    select and pselect leave the caller's timeout as it was."""
    if not addr:
        return 0
    size = structs.sizeof(layout)
    copy = call.alloc(size)
    call.mem.write(copy, call.mem.read(addr, size))
    return copy


@handler("select", Support.TRANSLATED, "the timeout is left unchanged, as FreeBSD leaves it")
def sys_select(call, nd, rd, wr, ex, tv):
    """Implements FreeBSD select(2)."""
    return check((yield lx.select(s32(nd), rd, wr, ex, _timeout_copy(call, tv, "timeval"))))


@handler("pselect", Support.TRANSLATED, "the sigset translated; the timeout left unchanged")
def sys_pselect(call, nd, rd, wr, ex, ts, set_addr):
    """Implements FreeBSD pselect(2)."""
    mask = linux_sigset(call, set_addr)
    pair = 0
    if mask:
        pair = call.alloc(16)
        call.mem.write(pair, struct.pack("<QQ", mask, 8))
    ts = _timeout_copy(call, ts, "timespec")
    return check((yield lx.pselect6(s32(nd), rd, wr, ex, ts, pair)))


@handler("getdtablesize", Support.EMULATED, "the RLIMIT_NOFILE soft limit, as FreeBSD's")
def sys_getdtablesize(call):
    """Implements FreeBSD getdtablesize(2)."""
    tmp = call.alloc(16)
    check((yield lx.prlimit64(0, LINUX_RLIMIT_NOFILE, 0, tmp)))
    return min(call.mem.read_u64(tmp), 0x7FFFFFFF)


@handler("posix_fallocate", Support.TRANSLATED, "fallocate; the error is the return value")
def sys_posix_fallocate(call, fd, offset, length):
    """Implements FreeBSD posix_fallocate(2), which reports failure as its result."""
    r = yield lx.fallocate(s32(fd), 0, offset, length)
    return translate.errno_to_freebsd(-r) if r < 0 else 0


@handler(
    "posix_fadvise",
    Support.TRANSLATED,
    "fadvise64 (POSIX_FADV_* are the same); the error is the result",
)
def sys_posix_fadvise(call, fd, offset, length, advice):
    """Implements FreeBSD posix_fadvise(2), which reports failure as its result."""
    r = yield lx.fadvise64(s32(fd), offset, length, s32(advice))
    return translate.errno_to_freebsd(-r) if r < 0 else 0


CPUSET_GAPS = "which other than a process or thread: jails, cpusets, IRQs, domains (EINVAL)"


def _affinity_target(which: int, ident: int) -> int:
    if s32(which) not in (
        CPU_WHICH["CPU_WHICH_PID"],
        CPU_WHICH["CPU_WHICH_TID"],
        CPU_WHICH["CPU_WHICH_TIDPID"],
    ):
        raise FreeBSDError(EINVAL, f"cpuset which {which}")
    ident = s32(ident) if ident & 0xFFFFFFFF == 0xFFFFFFFF else ident
    return 0 if ident == -1 else ident


CPUSET_MAXBYTES = FREEBSD_CPU_MAXSIZE["CPU_MAXSIZE"] // FREEBSD_CPU_MAXSIZE["NBBY"]
ERANGE = FREEBSD_ERRNO["ERANGE"]


def _check_setsize(setsize: int) -> None:
    """kern_cpuset.c: a mask longer than the kernel's largest set is ERANGE, before any copy."""
    if setsize > CPUSET_MAXBYTES:
        raise FreeBSDError(ERANGE, f"cpusetsize {setsize} > {CPUSET_MAXBYTES}")


@handler("cpuset_getaffinity", Support.PARTIAL, CPUSET_GAPS)
def sys_cpuset_getaffinity(call, level, which, ident, setsize, mask):
    """Implements FreeBSD cpuset_getaffinity(2)."""
    _check_setsize(setsize)
    target = _affinity_target(which, ident)
    got = check((yield lx.sched_getaffinity(target, setsize, mask)))
    if got < setsize:
        call.mem.write(mask + got, bytes(setsize - got))
    return 0


@handler("cpuset_setaffinity", Support.PARTIAL, CPUSET_GAPS)
def sys_cpuset_setaffinity(call, level, which, ident, setsize, mask):
    """Implements FreeBSD cpuset_setaffinity(2)."""
    _check_setsize(setsize)
    target = _affinity_target(which, ident)
    return check((yield lx.sched_setaffinity(target, setsize, mask)))


CPUSET_DEFAULT = FREEBSD_KERNEL_DEFAULTS["cpuset_default"]
CPUSET_IDS_GAP = (
    "sets carry no CPU mask of their own (affinity stays per process), live until the "
    "supervisor exits, and jails have no root set of their own; a pid other than the caller's "
    "names only a process this bsdulator runs"
)
ESRCH = FREEBSD_ERRNO["ESRCH"]


class Cpusets:
    """The supervisor's cpuset ids (kern_cpuset.c): 0 and 1 exist from boot, cpuset(2) makes
    the next; every new set is a child of the default root set 1."""

    def __init__(self):
        self.ids = {FREEBSD_KERNEL_DEFAULTS["cpuset_zero"], CPUSET_DEFAULT}
        self.next = FREEBSD_KERNEL_DEFAULTS["cpuset_first_new"]

    def new(self) -> int:
        setid, self.next = self.next, self.next + 1
        self.ids.add(setid)
        return setid


def _set_of(proc) -> int:
    return proc.cpuset or CPUSET_DEFAULT


def _cpuset_process(call, ident: int):
    """cpuset_which for CPU_WHICH_PID: the caller for -1 or its own pid, else a process this
    supervisor runs (ESRCH otherwise)."""
    ident = s32(ident) if ident & 0xFFFFFFFF == 0xFFFFFFFF else ident
    if ident in (-1, call.proc.pid):
        return call.proc
    proc = None if call.proc.jail else call.sup.procs.get(ident)
    if proc is None:
        raise FreeBSDError(ESRCH, f"process {ident}")
    return proc


@handler("cpuset", Support.PARTIAL, CPUSET_IDS_GAP)
def sys_cpuset(call, setid):
    """Implements FreeBSD cpuset(2): a new set, the caller moved into it."""
    new = call.sup.state(Cpusets).new()
    call.mem.write_u32(setid, new)
    call.proc.cpuset = new
    return 0


@handler("cpuset_setid", Support.PARTIAL, CPUSET_IDS_GAP)
def sys_cpuset_setid(call, which, ident, setid):
    """Implements FreeBSD cpuset_setid(2): only processes have sets to change (EINVAL)."""
    if s32(which) != CPU_WHICH["CPU_WHICH_PID"]:
        raise FreeBSDError(EINVAL, "cpuset_setid moves processes only")
    if s32(setid) not in call.sup.state(Cpusets).ids:
        raise FreeBSDError(ESRCH, f"cpuset {s32(setid)}")
    _cpuset_process(call, ident).cpuset = s32(setid)
    return 0


@handler("cpuset_getid", Support.PARTIAL, CPUSET_IDS_GAP)
def sys_cpuset_getid(call, level, which, ident, setid):
    """Implements FreeBSD cpuset_getid(2), kern_cpuset_getid's checks in order."""
    level, which = s32(level), s32(which)
    if level == CPU_LEVEL["CPU_LEVEL_WHICH"] and which != CPU_WHICH["CPU_WHICH_CPUSET"]:
        raise FreeBSDError(EINVAL, "CPU_LEVEL_WHICH names a cpuset only")
    if which in (CPU_WHICH["CPU_WHICH_PID"], CPU_WHICH["CPU_WHICH_TIDPID"]):
        found = _set_of(_cpuset_process(call, ident))
    elif which == CPU_WHICH["CPU_WHICH_TID"]:  # threads share their process's set here
        tid = s32(ident)
        if tid != -1 and tid not in call.proc.threads:
            raise FreeBSDError(ESRCH, f"thread {tid}")
        found = _set_of(call.proc)
    elif which == CPU_WHICH["CPU_WHICH_CPUSET"]:
        found = s32(ident)
        if found not in call.sup.state(Cpusets).ids:
            raise FreeBSDError(ESRCH, f"cpuset {found}")
    else:  # jails, IRQs, domains, unknown
        raise FreeBSDError(EINVAL, f"cpuset_getid which {which}")
    if level == CPU_LEVEL["CPU_LEVEL_ROOT"]:
        found = min(found, CPUSET_DEFAULT)  # set 0 is its own root; every other set's is 1
    call.mem.write_u32(setid, found)
    return 0


def _mknod(call, dirfd, path, mode, dev):
    mode &= 0xFFFF  # mode_t
    if stat.S_IFMT(mode) != stat.S_IFIFO:  # a device node would open the host's devices
        refuse_in_jail(call, "making device nodes")
    return check((yield lx.mknodat(dirfd, path, mode, structs.dev_to_linux(dev))))


@handler("mknodat", Support.TRANSLATED, "dev_t re-encoded")
def sys_mknodat(call, fd, path, mode, dev):
    """Implements FreeBSD mknodat(2)."""
    return (yield from _mknod(call, s32(fd), path, mode, dev))


@handler("freebsd11_mknodat", Support.TRANSLATED, "32-bit dev_t re-encoded")
def sys_freebsd11_mknodat(call, fd, path, mode, dev):
    """Implements FreeBSD 11 mknodat(2)."""
    return (yield from _mknod(call, s32(fd), path, mode, dev & 0xFFFFFFFF))


@handler("freebsd11_mknod", Support.TRANSLATED, "32-bit dev_t re-encoded")
def sys_freebsd11_mknod(call, path, mode, dev):
    """Implements FreeBSD 11 mknod(2)."""
    return (yield from _mknod(call, AT_FDCWD, path, mode, dev & 0xFFFFFFFF))


@handler(
    "revoke",
    Support.PARTIAL,
    "only terminals are revoked (hung up); other devices' open descriptors stay valid",
)
def sys_revoke(call, path):
    """Implements FreeBSD revoke(2): a character device's owner (or root) invalidates every
    open descriptor of it; anything but a character device is EINVAL."""
    st = call.alloc(LINUX_STAT_SIZE)
    check((yield lx.newfstatat(AT_FDCWD, path, st, 0)))
    info = structs.unpack("linux_stat", call.mem.read(st, LINUX_STAT_SIZE))
    if not stat.S_ISCHR(info["st_mode"]):
        raise FreeBSDError(EINVAL, "revoke of something other than a character device")
    if info["st_uid"] != effective_uid(call.proc.pid):
        if effective_uid(call.proc.pid) != 0:  # PRIV_VFS_ADMIN
            raise FreeBSDError(EPERM, "revoke of another user's device")
    flags = LINUX_O_FLAGS["O_RDWR"] | LINUX_O_FLAGS["O_NOCTTY"] | LINUX_O_FLAGS["O_NONBLOCK"]
    fd = yield lx.openat(AT_FDCWD, path, flags, 0)
    if fd < 0:
        return 0  # nobody can open it, so nothing is left to revoke through a new open
    return (yield from closing([fd], _hang_up(call, fd)))


def _hang_up(call, fd: int):
    """TIOCVHANGUP on a terminal: every open file of it reads EOF and writes EIO from now on."""
    if (yield lx.ioctl(fd, LINUX_IOCTLS["TCGETS"], call.alloc(LINUX_TERMIOS_SIZE))) == 0:
        check((yield lx.ioctl(fd, LINUX_IOCTLS["TIOCVHANGUP"], 0)))
    return 0


@handler(
    "__realpathat",
    Support.TRANSLATED,
    "the name /proc gives an O_PATH descriptor of the file, which is the program's own view",
)
def sys___realpathat(call, fd, path, buf, size, flags):
    """Implements FreeBSD __realpathat(2), 13.x libc's realpath(3): the file's absolute path
    without symlinks, . or .., ENAMETOOLONG when it does not fit size bytes."""
    if flags & 0xFFFFFFFF:
        raise FreeBSDError(EINVAL, f"__realpathat flags {flags:#x}")
    opened = yield lx.openat(s32(fd), path, LINUX_O_FLAGS["O_PATH"] | LINUX_O_FLAGS["O_CLOEXEC"], 0)
    lfd = check(opened)
    try:
        name = os.fsencode(os.readlink(f"/proc/{call.proc.pid}/fd/{lfd}"))
    except OSError:
        name = None  # the program closed it meanwhile: the lookup is gone with it
    yield lx.close(lfd)
    if name is None:
        raise FreeBSDError(FREEBSD_ERRNO["EBADF"], "the looked-up file vanished")
    if len(name) >= min(size, MAXPATHLEN):
        raise FreeBSDError(ENAMETOOLONG, f"a path of {len(name)} bytes in {size}")
    call.mem.write(buf, name + b"\0")
    return 0
