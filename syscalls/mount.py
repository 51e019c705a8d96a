"""statfs(2) family and getfsstat(2): Linux statfs plus the tracee's own mount table."""

import os

from bsdulator import procfs, structs
from bsdulator.abi.flags import LINUX_AT_FLAGS
from bsdulator.abi.mount import FREEBSD_MNT, FREEBSD_VFS_FLAGS, REMOTE_FSTYPES
from bsdulator.abi.sysctl import CTLTYPE_OPAQUE
from bsdulator.engine import check, closing, lx, s32
from bsdulator.table import Support, handler

AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
O_PATH_CLOEXEC = os.O_PATH | os.O_CLOEXEC
LINUX_STATFS_SIZE = structs.sizeof("linux_statfs")
LINUX_STAT_SIZE = structs.sizeof("linux_stat")


def _mountinfo(pid: int) -> list[tuple[int, str, str, str]]:
    """(st_dev, mount point, source, fstype) for each mount the process sees, in order."""
    return [
        (m.dev, os.fsdecode(m.point), os.fsdecode(m.source), m.fstype)
        for m in procfs.mountinfo(pid)
    ]


def _mount_of(pid: int, dev: int, path: str) -> tuple[str, str, str]:
    """The mount an object lives on: same device, longest mount point above its path."""
    best = None
    for mdev, point, source, fstype in _mountinfo(pid):
        if mdev != dev:
            continue
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if best is None or (inside and len(point) >= len(best[0])):
            best = (point, source, fstype)
    return best or ("/", "unknown", "unknown")


def _flags(point: str, fstype: str) -> int:
    flags = 0 if fstype in REMOTE_FSTYPES else FREEBSD_MNT["MNT_LOCAL"]
    return flags | (FREEBSD_MNT["MNT_ROOTFS"] if point == "/" else 0)


def _statfs_of_fd(call, fd: int, out_addr: int, convert):
    sfs, st = call.alloc(LINUX_STATFS_SIZE), call.alloc(LINUX_STAT_SIZE)
    check((yield lx.fstatfs(fd, sfs)))
    check((yield lx.fstat(fd, st)))
    dev = structs.unpack("linux_stat", call.mem.read(st, LINUX_STAT_SIZE))["st_dev"]
    try:
        path = os.readlink(f"/proc/{call.proc.pid}/fd/{fd}")
    except OSError:
        path = "/"
    point, source, fstype = _mount_of(call.proc.pid, dev, path)
    call.mem.write(
        out_addr,
        convert(
            call.mem.read(sfs, LINUX_STATFS_SIZE), point, source, fstype, _flags(point, fstype)
        ),
    )
    return 0


def _statfs_path(call, path, buf, convert):
    fd = check((yield lx.openat(AT_FDCWD, path, O_PATH_CLOEXEC, 0)))
    return (yield from closing([fd], _statfs_of_fd(call, fd, buf, convert)))


@handler("statfs", Support.TRANSLATED, "Linux statfs + the mount table")
def sys_statfs(call, path, buf):
    """Implements FreeBSD statfs(2)."""
    return (yield from _statfs_path(call, path, buf, structs.statfs_to_freebsd))


@handler("fstatfs", Support.TRANSLATED, "Linux fstatfs + the mount table")
def sys_fstatfs(call, fd, buf):
    """Implements FreeBSD fstatfs(2)."""
    return (yield from _statfs_of_fd(call, s32(fd), buf, structs.statfs_to_freebsd))


@handler("freebsd11_statfs", Support.TRANSLATED, "pre-ino64 struct statfs")
def sys_freebsd11_statfs(call, path, buf):
    """Implements FreeBSD 11 statfs(2)."""
    return (yield from _statfs_path(call, path, buf, structs.statfs_to_freebsd11))


@handler("freebsd11_fstatfs", Support.TRANSLATED, "pre-ino64 struct statfs")
def sys_freebsd11_fstatfs(call, fd, buf):
    """Implements FreeBSD 11 fstatfs(2)."""
    return (yield from _statfs_of_fd(call, s32(fd), buf, structs.statfs_to_freebsd11))


def _getfsstat(call, buf, bufsize, convert, size):
    mounts = _mountinfo(call.proc.pid)
    if not buf:
        return len(mounts)
    count = 0
    for _dev, point, _source, _fstype in mounts[: bufsize // size]:
        r = yield from _statfs_path_str(call, point, buf + count * size, convert)
        if r == 0:
            count += 1
    return count


def _statfs_path_str(call, point: str, out_addr: int, convert):
    addr = call.alloc(len(os.fsencode(point)) + 1)
    call.mem.write(addr, os.fsencode(point) + b"\0")
    fd = yield lx.openat(AT_FDCWD, addr, O_PATH_CLOEXEC, 0)
    if fd < 0:
        return -1
    return (yield from closing([fd], _statfs_of_fd(call, fd, out_addr, convert)))


@handler("getfsstat", Support.TRANSLATED, "from the tracee's /proc mountinfo")
def sys_getfsstat(call, buf, bufsize, mode):
    """Implements FreeBSD getfsstat(2)."""
    return (
        yield from _getfsstat(
            call, buf, bufsize, structs.statfs_to_freebsd, structs.sizeof("statfs")
        )
    )


@handler("freebsd11_getfsstat", Support.TRANSLATED, "from the tracee's /proc mountinfo")
def sys_freebsd11_getfsstat(call, buf, bufsize, mode):
    """Implements FreeBSD 11 getfsstat(2)."""
    return (
        yield from _getfsstat(
            call, buf, bufsize, structs.statfs_to_freebsd11, structs.sizeof("freebsd11_statfs")
        )
    )


def _conflist(ctx, req, rest) -> None:
    """vfs.conflist: FreeBSD's file system types plus any the caller's mounts show."""
    refs = dict.fromkeys(FREEBSD_VFS_FLAGS, 0)
    for _dev, _point, _source, fstype in _mountinfo(ctx.pid):
        name = structs.fstypename(fstype, 0)
        refs[name] = refs.get(name, 0) + 1
    names = refs
    req.out(
        b"".join(
            structs.pack(
                "xvfsconf",
                vfc_name=name.encode(),
                vfc_typenum=structs.typenum(name),
                vfc_refcount=refs.get(name, 0),
                vfc_flags=FREEBSD_VFS_FLAGS.get(name, 0),
            )
            for name in names
        )
    )


def install(sup) -> None:
    sup.sysctl.add_handler(
        "vfs.conflist",
        CTLTYPE_OPAQUE,
        _conflist,
        fmt="S,xvfsconf",
        descr="List of all configured filesystems",
    )
