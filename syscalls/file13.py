"""FreeBSD 13's additions to the file calls: copy_file_range(2) on Linux's, funlinkat(2) on
unlinkat with its descriptor check, fspacectl(2) on fallocate's hole punching, __specialfd(2)'s
eventfd and inotify on Linux's eventfd2 and inotify_init1, FreeBSD 15's inotify_add_watch_at(2)
and fchroot(2)."""

import stat

from bsdulator import procfs, structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_AT_FLAGS,
    FREEBSD_FD_NONE,
    FREEBSD_IN_MASK,
    FREEBSD_SPACECTL,
    FREEBSD_SPECIALFD,
    LINUX_AT_FLAGS,
    LINUX_FALLOC_FLAGS,
    LINUX_O_FLAGS,
)
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.syscalls.file import sys_unlinkat
from bsdulator.table import Support, handler, native

EDEADLK, EINVAL, ENODEV, ESPIPE, EBADF, ENOTDIR, EPERM = (
    FREEBSD_ERRNO[n] for n in ("EDEADLK", "EINVAL", "ENODEV", "ESPIPE", "EBADF", "ENOTDIR", "EPERM")
)
LINUX_AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
LINUX_O_PATH, LINUX_O_CLOEXEC = LINUX_O_FLAGS["O_PATH"], LINUX_O_FLAGS["O_CLOEXEC"]
OFF_MAX = 0x7FFFFFFFFFFFFFFF
PUNCH_HOLE = LINUX_FALLOC_FLAGS["FALLOC_FL_PUNCH_HOLE"] | LINUX_FALLOC_FLAGS["FALLOC_FL_KEEP_SIZE"]
U32 = 0xFFFFFFFF
FD_NONE = FREEBSD_FD_NONE["FD_NONE"]
NOFOLLOW = LINUX_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]


@handler(
    "copy_file_range",
    Support.PARTIAL,
    "between file systems Linux will not copy across (EXDEV); FreeBSD copies through the buffer "
    "cache there",
)
def sys_copy_file_range(call, infd, inoffp, outfd, outoffp, length, flags):
    """Implements FreeBSD copy_file_range(2): the same arguments and errors as Linux's."""
    return check(
        (yield lx.copy_file_range(s32(infd), inoffp, s32(outfd), outoffp, length, s32(flags)))
    )


def _identity(call, raw: bytes) -> tuple[int, int]:
    st = structs.unpack("linux_stat", raw)
    return st["st_dev"], st["st_ino"]


@handler(
    "funlinkat",
    Support.TRANSLATED,
    "unlinkat, once the path is checked to name the file fd refers to (EDEADLK otherwise); "
    "the check and the unlink are two steps",
)
def sys_funlinkat(call, dfd, path, fd, flags):
    """Implements FreeBSD funlinkat(2)."""
    fd = s32(fd)
    if fd != FD_NONE:
        size = structs.sizeof("linux_stat")
        buf = call.alloc(2 * size)
        check((yield lx.newfstatat(s32(dfd), path, buf, NOFOLLOW)))
        check((yield lx.fstat(fd, buf + size)))
        named, held = call.mem.read(buf, size), call.mem.read(buf + size, size)
        if _identity(call, named) != _identity(call, held):
            raise FreeBSDError(EDEADLK, "the path names another file than fd")
    return (yield from sys_unlinkat(call, dfd, path, flags))


SPECIALFD = FREEBSD_SPECIALFD
EVENTFD_ARGS = "specialfd_eventfd"


@handler(
    "__specialfd",
    Support.TRANSLATED,
    "SPECIALFD_EVENTFD is Linux's eventfd2, SPECIALFD_INOTIFY (FreeBSD 15) its inotify_init1",
)
def sys___specialfd(call, kind, req, length):
    """Implements FreeBSD __specialfd(2), behind eventfd(2) and inotify_init1(2)."""
    kind = s32(kind)
    if kind == SPECIALFD["SPECIALFD_EVENTFD"] and length == structs.sizeof(EVENTFD_ARGS):
        args = structs.unpack(EVENTFD_ARGS, call.mem.read(req, structs.sizeof(EVENTFD_ARGS)))
        flags = args["flags"] & U32
        if translate.EVENTFD_FLAGS.unknown_freebsd(flags):
            raise FreeBSDError(EINVAL, f"eventfd flags {flags:#x}")
        return check((yield lx.eventfd2(args["initval"], translate.EVENTFD_FLAGS.to_linux(flags))))
    if kind == SPECIALFD["SPECIALFD_INOTIFY"] and length == structs.sizeof(INOTIFY_ARGS):
        flags = structs.unpack(INOTIFY_ARGS, call.mem.read(req, length))["flags"] & U32
        if translate.INOTIFY_INIT_FLAGS.unknown_freebsd(flags):
            raise FreeBSDError(EINVAL, f"inotify flags {flags:#x}")
        return check((yield lx.inotify_init1(translate.INOTIFY_INIT_FLAGS.to_linux(flags))))
    raise FreeBSDError(EINVAL, f"__specialfd type {kind}, length {length}")


INOTIFY_ARGS = "specialfd_inotify"
IN = FREEBSD_IN_MASK
# kern_inotify_add_watch's checks
IN_FLAGS = (
    sum(
        IN[n]
        for n in ("IN_ONLYDIR", "IN_DONT_FOLLOW", "IN_EXCL_UNLINK", "IN_MASK_CREATE", "IN_MASK_ADD")
    )
    | IN["IN_ONESHOT"]
)
IN_ADD_CREATE = IN["IN_MASK_ADD"] | IN["IN_MASK_CREATE"]
AT_FDCWD = FREEBSD_AT_FLAGS["AT_FDCWD"]
INOTIFY_GAP = (
    "a relative path with a directory descriptor other than AT_FDCWD (EOPNOTSUPP); a read's "
    "events pad names to 16 bytes as Linux does (FreeBSD pads to 4)"
)


@handler("inotify_add_watch_at", Support.PARTIAL, INOTIFY_GAP)
def sys_inotify_add_watch_at(call, fd, dfd, path, mask):
    """Implements FreeBSD inotify_add_watch_at(2): the mask bits are Linux's."""
    mask &= U32
    if (
        not mask & IN["IN_ALL_EVENTS"]
        or mask & IN_ADD_CREATE == IN_ADD_CREATE
        or mask & ~(IN["IN_ALL_EVENTS"] | IN_FLAGS | IN["IN_UNMOUNT"])
    ):
        raise FreeBSDError(EINVAL, f"inotify mask {mask:#x}")
    if s32(dfd) != AT_FDCWD and call.mem.read(path, 1) != b"/":
        raise call.sup.missing(call, "relative path with a directory", "EOPNOTSUPP")
    return check((yield lx.inotify_add_watch(s32(fd), path, mask)))


native("inotify_rm_watch", note="watch descriptors are Linux's")


RANGE = "spacectl_range"


@handler(
    "fspacectl",
    Support.PARTIAL,
    "file systems that cannot punch holes give EOPNOTSUPP (FreeBSD writes zeros there)",
)
def sys_fspacectl(call, fd, cmd, rqsr, flags, rmsr):
    """Implements FreeBSD fspacectl(2): SPACECTL_DEALLOC zeroes the range (Linux punches a hole,
    keeping the size); *rmsr gets r_len 0 and the smaller of the range's end and the file size.
    """
    fd = s32(fd)
    r = structs.unpack(RANGE, call.mem.read(rqsr, structs.sizeof(RANGE)))
    offset, length = r["r_offset"], r["r_len"]
    if (
        s32(cmd) != FREEBSD_SPACECTL["SPACECTL_DEALLOC"]
        or s32(flags)
        or offset < 0
        or length <= 0
        or offset > OFF_MAX - length
    ):
        raise FreeBSDError(EINVAL, "fspacectl range, command or flags")
    try:
        mode = procfs.fd_stat(call.proc.pid, fd).st_mode
    except OSError:
        raise FreeBSDError(EBADF) from None
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise FreeBSDError(ESPIPE)
    if not stat.S_ISREG(mode):
        raise FreeBSDError(ENODEV)
    check((yield lx.fallocate(fd, PUNCH_HOLE, offset, length)))
    if rmsr:
        size = procfs.fd_stat(call.proc.pid, fd).st_size
        end = min(offset + length, size)
        call.mem.write(rmsr, structs.pack(RANGE, r_offset=end, r_len=0))
    return 0


@handler(
    "fchroot",
    Support.TRANSLATED,
    'Linux chroot(".") from inside the directory, the working directory put back',
)
def sys_fchroot(call, fd):
    """Implements FreeBSD fchroot(2) (FreeBSD 15): the root becomes the directory fd refers to;
    the working directory does not move, as with chroot(2)."""
    fd = s32(fd)
    try:
        mode = procfs.fd_stat(call.proc.pid, fd).st_mode
    except OSError:
        raise FreeBSDError(EBADF) from None
    if not stat.S_ISDIR(mode):
        raise FreeBSDError(ENOTDIR)
    if effective_uid(call.proc.pid) != 0:  # PRIV_VFS_FCHROOT
        raise FreeBSDError(EPERM)
    dot = call.alloc(2)
    call.mem.write(dot, b".\0")
    cwd = check((yield lx.openat(LINUX_AT_FDCWD, dot, LINUX_O_PATH | LINUX_O_CLOEXEC, 0)))
    result = yield lx.fchdir(fd)
    if result >= 0:
        result = yield lx.chroot(dot)
    yield lx.fchdir(cwd)
    yield lx.close(cwd)
    return check(result)
