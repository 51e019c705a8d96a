"""FreeBSD file flags: chflags(2) and its kin, st_flags, and the removals flags forbid; with
them what else ufs keeps in an inode and Linux does not: a symbolic link's own mode (lchmod)
and a birth time set back by utimes.

Where they live: one extended attribute per file, XATTR, a Kept record, in Linux's trusted
namespace, which only a privileged process may read or write; the supervisor reads and
writes it through /proc/PID (a probe descriptor's fd/N, or the path itself where it surely
finds the same file), never the program (its system extattr namespace refuses the name).
The flags Linux has too are also set as Linux's own inode flags where the
file system keeps them (FS_IOC_SETFLAGS): UF_/SF_IMMUTABLE as FS_IMMUTABLE_FL, UF_/SF_APPEND
as FS_APPEND_FL, UF_NODUMP as FS_NODUMP_FL.  The kernel then refuses, with FreeBSD's EPERM,
what ufs refuses for them: writes, truncation, chmod/chown/utimes, links, entries made in an
immutable directory, on paths and descriptors alike.  The supervisor checks the removals itself
(unlink, rmdir, rename at both ends), because NOUNLINK has no Linux twin, and the setattr
lock of chmod, chown and utimes (Linux lets utimes(NULL) touch an append-only file, and a
symbolic link has no Linux flags), from the record.
"""

import errno
import fcntl
import os
import stat
import struct
from dataclasses import dataclass, replace

from bsdulator import procfs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_AT_FLAGS,
    FREEBSD_CHFLAGS,
    LINUX_AT_FLAGS,
    LINUX_INODE_FLAG_IOCTLS,
    LINUX_INODE_FLAGS,
    LINUX_O_FLAGS,
)
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.table import Support, handler

XATTR = "trusted.bsdulator"
# Kept, little-endian: flags (u32), a symbolic link's mode (i32, NONE: Linux's), birth time
# seconds and nanoseconds (i64 each, nanoseconds NONE: Linux's).
RECORD = struct.Struct("<Iiqq")
NONE = -1

F = FREEBSD_CHFLAGS
IMMUTABLE = F["UF_IMMUTABLE"] | F["SF_IMMUTABLE"]
APPEND = F["UF_APPEND"] | F["SF_APPEND"]
NOUNLINK = F["UF_NOUNLINK"] | F["SF_NOUNLINK"]
SYSTEM_LOCKS = F["SF_NOUNLINK"] | F["SF_IMMUTABLE"] | F["SF_APPEND"]
# What ufs_setattr accepts; any other bit is EOPNOTSUPP.
SUPPORTED = sum(F[n] for n in F if not n.endswith("_SETTABLE"))
VNOVAL = (1 << 64) - 1  # chflags(path, VNOVAL) changes nothing (u_long flags)

LINUX_FL = LINUX_INODE_FLAGS
MIRRORED = LINUX_FL["FS_IMMUTABLE_FL"] | LINUX_FL["FS_APPEND_FL"] | LINUX_FL["FS_NODUMP_FL"]
LOCKING = LINUX_FL["FS_IMMUTABLE_FL"] | LINUX_FL["FS_APPEND_FL"]
INODE_FLAGS_FORMAT = "i"  # the kernel reads and writes an int, whatever the ioctl says

EPERM, EOPNOTSUPP, EINVAL, EBADF, EROFS = (
    FREEBSD_ERRNO[n] for n in ("EPERM", "EOPNOTSUPP", "EINVAL", "EBADF", "EROFS")
)
AT = FREEBSD_AT_FLAGS
CHFLAGSAT_FLAGS = AT["AT_SYMLINK_NOFOLLOW"] | AT["AT_RESOLVE_BENEATH"] | AT["AT_EMPTY_PATH"]
AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
PROBE = LINUX_O_FLAGS["O_PATH"] | LINUX_O_FLAGS["O_CLOEXEC"]
NOFOLLOW = LINUX_O_FLAGS["O_NOFOLLOW"]


# -- the rules (ufs_vnops.c), as pure functions ---------------------------------------


def linux_inode_flags(flags: int) -> int:
    """The Linux inode flags that say what these FreeBSD flags say."""
    return (
        (LINUX_FL["FS_IMMUTABLE_FL"] if flags & IMMUTABLE else 0)
        | (LINUX_FL["FS_APPEND_FL"] if flags & APPEND else 0)
        | (LINUX_FL["FS_NODUMP_FL"] if flags & F["UF_NODUMP"] else 0)
    )


def new_flags(old: int, asked: int, privileged: bool, securelevel: int) -> int:
    """ufs_setattr's flags step: the file's flags after chflags(asked), or FreeBSDError.
    Privileged (PRIV_VFS_SYSFLAGS) callers set any flag unless securelevel > 0 and a system
    lock is set; others change only user flags, and none while a system lock is set."""
    if asked & ~SUPPORTED:
        raise FreeBSDError(EOPNOTSUPP, f"file flags {asked & ~SUPPORTED:#x}")
    if privileged:
        if old & SYSTEM_LOCKS and securelevel > 0:
            raise FreeBSDError(EPERM, "system flags are locked at securelevel > 0")
        if (asked ^ old) & F["SF_SNAPSHOT"]:
            raise FreeBSDError(EPERM, "SF_SNAPSHOT cannot be toggled")
        return asked
    if old & SYSTEM_LOCKS or asked & F["UF_SETTABLE"] != asked:
        raise FreeBSDError(EPERM, "system flags need privilege")
    return (old & F["SF_SETTABLE"]) | (asked & F["UF_SETTABLE"])


def removal_refused(flags: int, parent: int) -> bool:
    """ufs_remove, ufs_rmdir, ufs_rename (source, and a target it replaces): the object is
    locked or its directory append-only; an immutable directory refuses VWRITE in lookup."""
    return bool(flags & (NOUNLINK | IMMUTABLE | APPEND) or parent & (APPEND | IMMUTABLE))


def last_component(path: bytes) -> bytes:
    """The name a path's last component gives ("" for "/", which names no entry)."""
    return path.rstrip(b"/").rpartition(b"/")[2]


def parent_path(path: bytes) -> bytes:
    """The directory a path's last component is in, as the path names it."""
    trimmed = path.rstrip(b"/")
    if not trimmed:
        return b"/"
    head, sep, _ = trimmed.rpartition(b"/")
    if not sep:
        return b"."
    return head.rstrip(b"/") or b"/"


# -- the store: an xattr, mirrored in Linux's inode flags ------------------------------


@dataclass(frozen=True, slots=True)
class Kept:
    """What ufs keeps in an inode that a Linux inode does not."""

    flags: int = 0
    link_mode: int | None = None  # a symbolic link's permission bits (Linux's are 0777)
    birth: tuple[int, int] | None = None  # (sec, nsec) once utimes has set it back

    def pack(self) -> bytes:
        birth = self.birth or (0, NONE)
        mode = NONE if self.link_mode is None else self.link_mode
        return RECORD.pack(self.flags, mode, *birth)

    @classmethod
    def unpack(cls, raw: bytes) -> "Kept":
        if len(raw) != RECORD.size:
            return cls()
        flags, mode, sec, nsec = RECORD.unpack(raw)
        return cls(flags, None if mode == NONE else mode, None if nsec == NONE else (sec, nsec))


def kept(pid: int, fd: int) -> Kept:
    """The Kept record of the file pid's descriptor fd names (an empty one if none)."""
    try:
        return Kept.unpack(os.getxattr(procfs.fd_path(pid, fd), XATTR))
    except OSError:
        return Kept()


def kept_at(pid: int, dirfd: int, path: bytes, follow: bool, inode: tuple[int, int]):
    """The Kept record of what pid's lookup of path from dirfd found, read by the supervisor
    itself (no call in the program); None unless it finds that very inode (dev, ino) there:
    the caller then asks through a probe descriptor."""
    where = procfs.path_from(pid, None if dirfd == AT_FDCWD else dirfd, path)
    try:
        st = os.stat(where, follow_symlinks=follow)
        if (st.st_dev, st.st_ino) != inode:
            return None
        return Kept.unpack(os.getxattr(where, XATTR, follow_symlinks=follow))
    except OSError as e:
        return Kept() if e.errno in (errno.ENODATA, errno.EOPNOTSUPP) else None


def read(pid: int, fd: int) -> int:
    """The FreeBSD flags of the file pid's descriptor fd names (0: none kept)."""
    return kept(pid, fd).flags


def write_link_mode(pid: int, fd: int, mode: int) -> None:
    store(pid, fd, replace(kept(pid, fd), link_mode=mode))


def write_birth(pid: int, fd: int, birth: tuple[int, int]) -> None:
    store(pid, fd, replace(kept(pid, fd), birth=birth))


def _inode_flags(fd: int, value: int | None = None) -> int | None:
    """FS_IOC_GETFLAGS, or FS_IOC_SETFLAGS(value); None where the file system has none."""
    name = "FS_IOC_GETFLAGS" if value is None else "FS_IOC_SETFLAGS"
    buf = struct.pack(INODE_FLAGS_FORMAT, value or 0)
    try:
        out = fcntl.ioctl(fd, LINUX_INODE_FLAG_IOCTLS[name], buf)
    except OSError:
        return None
    return struct.unpack(INODE_FLAGS_FORMAT, out)[0]


def write(pid: int, fd: int, flags: int) -> None:
    store(pid, fd, replace(kept(pid, fd), flags=flags))


def store(pid: int, fd: int, record: Kept) -> None:
    """Store record for the file pid's descriptor fd names: the xattr, then the Linux inode
    flags (cleared first: an immutable inode takes no new xattr)."""
    path = procfs.fd_path(pid, fd)
    try:
        mode = os.stat(path).st_mode
    except OSError:  # the descriptor went away (another thread closed it)
        raise FreeBSDError(EBADF, f"descriptor {fd}") from None
    mine = None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):  # only these take FS_IOC_SETFLAGS
        try:
            mine = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            mine = None
    try:
        old = _inode_flags(mine) if mine is not None else None
        if old is not None and old & LOCKING:
            _inode_flags(mine, old & ~LOCKING)
        try:
            if record != Kept():
                os.setxattr(path, XATTR, record.pack())
            else:
                try:
                    os.removexattr(path, XATTR)
                except OSError as e:
                    if e.errno != errno.ENODATA:
                        raise
        except OSError as e:
            if old is not None:
                _inode_flags(mine, old)
            why = EROFS if e.errno == errno.EROFS else EOPNOTSUPP
            raise FreeBSDError(why, f"cannot be kept here: {e.strerror}") from None
        if old is not None:
            _inode_flags(mine, (old & ~MIRRORED) | linux_inode_flags(record.flags))
    finally:
        if mine is not None:
            os.close(mine)


@dataclass(frozen=True, slots=True)
class Found:
    """What a path names, seen through a probe descriptor: its flags and owner."""

    flags: int
    mode: int
    uid: int
    gid: int


def found(pid: int, fd: int) -> Found:
    st = os.stat(procfs.fd_path(pid, fd))
    return Found(read(pid, fd), st.st_mode, st.st_uid, st.st_gid)


def probe(call, dirfd: int, path: int, follow: bool = True, look=found):
    """look(pid, fd) for what path (a tracee address) names, or None where it names nothing:
    the operation itself then fails with the right errno."""
    fd = yield lx.openat(dirfd, path, PROBE | (0 if follow else NOFOLLOW), 0)
    if fd < 0:
        return None
    try:
        seen = look(call.proc.pid, fd)
    except OSError:
        seen = None
    except FreeBSDError:
        yield lx.close(fd)
        raise
    yield lx.close(fd)
    return seen


def flags_at(call, dirfd: int, path: int, linux_at: int = 0, look=read):
    """look(pid, fd) (the flags, by default) for what path names from dirfd, with Linux AT_*
    flags linux_at: the descriptor's file for AT_EMPTY_PATH and "" (0 if it names nothing)."""
    if linux_at & LINUX_AT_FLAGS["AT_EMPTY_PATH"] and not call.mem.read_cstr(path, 1):
        try:
            return look(call.proc.pid, dirfd)
        except OSError:  # no such descriptor: the call itself says so
            return 0
    follow = not linux_at & LINUX_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]
    return (yield from probe(call, dirfd, path, follow, look=look)) or 0


def refuse_locked(flags: int) -> None:
    """ufs_setattr: an immutable or append-only file takes no change of owner, mode, times
    or size (Linux lets utimes(NULL) touch an append-only one)."""
    if flags & (IMMUTABLE | APPEND):
        raise FreeBSDError(EPERM, "immutable or append-only")


def refuse_setattr(call, dirfd: int, path: int, linux_at: int = 0):
    """refuse_locked for what path names."""
    refuse_locked((yield from flags_at(call, dirfd, path, linux_at)))


def probe_parent(call, dirfd: int, path: int):
    """The Found of the directory path's last component is in (None if there is none)."""
    parent = parent_path(call.path(path)) + b"\0"
    addr = call.alloc(len(parent))
    call.mem.write(addr, parent)
    return (yield from probe(call, dirfd, addr))


def _record(where: bytes, follow: bool = True) -> Kept | None:
    """The record at a path the supervisor resolves; None where nothing is there."""
    try:
        return Kept.unpack(os.getxattr(where, XATTR, follow_symlinks=follow))
    except OSError as e:
        if e.errno in (errno.ENODATA, errno.EOPNOTSUPP):
            return Kept()
        if e.errno == errno.ENOENT:
            return None
        raise


def in_directory(call, dirfd: int, path: int):
    """(the entry's record or None, its directory's record) read by the supervisor itself
    when path is one name: looked up in dirfd (or the working directory) from here it finds
    what the program's lookup finds, there being no symbolic link on the way.  None for any
    other path (the caller probes then)."""
    name = call.path(path)
    if b"/" in name or name in (b"", b".", b".."):
        return None
    pid = call.proc.pid
    directory = procfs.path_from(pid, None if dirfd == AT_FDCWD else dirfd, b"")
    try:
        parent = _record(directory)
        return (None, parent) if parent is None else (_record(directory + name, False), parent)
    except OSError:
        return None


def refuse_removal(call, dirfd: int, path: int):
    """EPERM where ufs would refuse to remove path's entry (unlink, rmdir, rename's source or
    the target it would replace)."""
    here = in_directory(call, dirfd, path)
    if here is not None:
        seen, parent = here
    else:
        seen = yield from probe(call, dirfd, path, follow=False)
        parent = None if seen is None else (yield from probe_parent(call, dirfd, path))
    if seen is not None and removal_refused(seen.flags, parent.flags if parent else 0):
        raise FreeBSDError(EPERM, "file flags forbid removing it")


def refuse_entry_in(call, dirfd: int, path: int):
    """EPERM where path's directory takes no new entry (immutable): rename's target side."""
    here = in_directory(call, dirfd, path)
    parent = here[1] if here is not None else (yield from probe_parent(call, dirfd, path))
    if parent is not None and parent.flags & IMMUTABLE:
        raise FreeBSDError(EPERM, "the directory is immutable")


# -- chflags(2) and its kin --------------------------------------------------------------


def _privileged(call) -> bool:
    """PRIV_VFS_SYSFLAGS: root, and in a jail only with allow.chflags (prison_priv_check)."""
    if effective_uid(call.proc.pid) != 0:
        return False
    return not call.proc.jail or bool(call.sup.jails.record(call.proc.jail).get("allow.chflags"))


def _securelevel(call) -> int:
    """The caller's prison's kern.securelevel (the host's stays -1)."""
    if not call.proc.jail:
        return -1
    return call.sup.jails.record(call.proc.jail).params.get("securelevel", -1)


def set_flags(call, fd: int, asked: int) -> None:
    """setfflags + ufs_setattr on the file the caller's descriptor fd names."""
    pid = call.proc.pid
    try:
        seen = found(pid, fd)
    except OSError:
        raise FreeBSDError(EBADF, f"descriptor {fd}") from None
    euid = effective_uid(pid)
    if (stat.S_ISCHR(seen.mode) or stat.S_ISBLK(seen.mode)) and euid != 0:
        raise FreeBSDError(EPERM, "flags on devices need PRIV_VFS_CHFLAGS_DEV")
    if asked == VNOVAL:  # no flags to change: what is left of setattr is the lock check
        if seen.flags & (IMMUTABLE | APPEND):
            raise FreeBSDError(EPERM, "immutable or append-only")
        return
    if asked & ~SUPPORTED:
        raise FreeBSDError(EOPNOTSUPP, f"file flags {asked & ~SUPPORTED:#x}")
    if euid != 0 and euid != seen.uid:  # VADMIN
        raise FreeBSDError(EPERM, "not the owner")
    flags = new_flags(seen.flags, asked, _privileged(call), _securelevel(call))
    if flags != seen.flags:
        write(pid, fd, flags)


def _chflags(call, dirfd: int, path: int, asked: int, follow: bool):
    fd = check((yield lx.openat(dirfd, path, PROBE | (0 if follow else NOFOLLOW), 0)))
    try:
        set_flags(call, fd, asked)
    except FreeBSDError:
        yield lx.close(fd)
        raise
    yield lx.close(fd)
    return 0


@handler("chflags", Support.EMULATED, "flags kept in an xattr, mirrored in Linux's inode flags")
def sys_chflags(call, path, flags):
    """Implements FreeBSD chflags(2)."""
    return (yield from _chflags(call, AT_FDCWD, path, flags, follow=True))


@handler("lchflags", Support.EMULATED, "flags kept in an xattr, mirrored in Linux's inode flags")
def sys_lchflags(call, path, flags):
    """Implements FreeBSD lchflags(2)."""
    return (yield from _chflags(call, AT_FDCWD, path, flags, follow=False))


@handler("fchflags", Support.EMULATED, "flags kept in an xattr, mirrored in Linux's inode flags")
def sys_fchflags(call, fd, flags):
    """Implements FreeBSD fchflags(2)."""
    set_flags(call, s32(fd), flags)
    return 0


@handler("chflagsat", Support.PARTIAL, "AT_RESOLVE_BENEATH (ignored: the path is not confined)")
def sys_chflagsat(call, fd, path, flags, atflag):
    """Implements FreeBSD chflagsat(2)."""
    if atflag & ~CHFLAGSAT_FLAGS:
        raise FreeBSDError(EINVAL, f"chflagsat atflag {atflag:#x}")
    if atflag & AT["AT_EMPTY_PATH"] and not call.mem.read_cstr(path, 1):
        set_flags(call, s32(fd), flags)
        return 0
    follow = not atflag & AT["AT_SYMLINK_NOFOLLOW"]
    return (yield from _chflags(call, s32(fd), path, flags, follow))
