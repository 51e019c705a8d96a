"""Files, descriptors and directories."""

import errno
import os
import stat
import struct

from bsdulator import procfs, structs, translate
from bsdulator.abi import pathconf
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_AT_FLAGS,
    FREEBSD_FILE_FLAGS,
    FREEBSD_MODE_BITS,
    FREEBSD_O_FLAGS,
    LINUX_ACCESS_MODES,
    LINUX_AT_FLAGS,
    LINUX_FCNTL_COMMANDS,
    LINUX_LOCK_OPS,
    LINUX_O_FLAGS,
    LINUX_SEEK_WHENCE,
    LINUX_UTIME_SPECIAL,
)
from bsdulator.abi.limits import FREEBSD_LIMITS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.jail.holder import DEV_FD_MAJOR
from bsdulator.process import effective_uid
from bsdulator.syscalls import fileflags
from bsdulator.syscalls.fileflags import Kept
from bsdulator.table import Support, handler, native

AT_FDCWD_LINUX = LINUX_AT_FLAGS["AT_FDCWD"]
AT_SYMLINK_NOFOLLOW_FREEBSD = FREEBSD_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]
LINUX_AT_SYMLINK_NOFOLLOW = LINUX_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]
LINUX_AT_EMPTY_PATH = LINUX_AT_FLAGS["AT_EMPTY_PATH"]
LINUX_AT_SYMLINK_FOLLOW = LINUX_AT_FLAGS["AT_SYMLINK_FOLLOW"]
LINUX_AT_REMOVEDIR = LINUX_AT_FLAGS["AT_REMOVEDIR"]
LINUX_STAT_SIZE = structs.sizeof("linux_stat")
LINUX_STATFS_SIZE = structs.sizeof("linux_statfs")
TIMESPEC_SIZE = structs.sizeof("timespec")
EINVAL, EACCES, EPERM, EOPNOTSUPP, EMLINK, EISDIR = (
    FREEBSD_ERRNO[n] for n in ("EINVAL", "EACCES", "EPERM", "EOPNOTSUPP", "EMLINK", "EISDIR")
)
LINUX_F = LINUX_FCNTL_COMMANDS
LINUX_O_PATH, LINUX_O_CLOEXEC, LINUX_O_NOFOLLOW, LINUX_O_ACCMODE = (
    LINUX_O_FLAGS[n] for n in ("O_PATH", "O_CLOEXEC", "O_NOFOLLOW", "O_ACCMODE")
)
FREAD_FWRITE = FREEBSD_FILE_FLAGS["FREAD"] | FREEBSD_FILE_FLAGS["FWRITE"]
LINUX_O_PATH_DIRECTORY = LINUX_O_PATH | LINUX_O_CLOEXEC | LINUX_O_FLAGS["O_DIRECTORY"]
# What a lookup of /dev/fd/N beyond the view's nodes gives: no such entry, or a read-only /dev.
FDESC_MISSES = (-errno.ENOENT, -errno.EROFS)
DEV_FD_DIR = "/dev/fd"
FDESC_MAX = FREEBSD_LIMITS["INT_MAX"]  # fdesc_lookup's number: a larger one is no entry

for _name, _linux in [
    ("read", None),
    ("write", None),
    ("close", None),
    ("readv", None),
    ("writev", None),
    ("pread", "pread64"),
    ("pwrite", "pwrite64"),
    ("preadv", None),
    ("pwritev", None),
    ("lseek", None),
    ("dup", None),
    ("dup2", None),
    ("fsync", None),
    ("fdatasync", None),
    ("chdir", None),
    ("fchdir", None),
    ("mkdir", None),
    ("symlink", None),
    ("readlink", None),
    ("umask", None),
    ("truncate", None),
    ("ftruncate", None),
    ("chroot", None),
    ("sync", None),
    ("access", None),
    ("eaccess", "access"),
    ("flock", None),
    ("mkdirat", None),
    ("readlinkat", None),
    ("symlinkat", None),
]:
    native(_name, _linux)


OPEN = FREEBSD_O_FLAGS
LOCK_SH, LOCK_EX, LOCK_NB = (LINUX_LOCK_OPS[n] for n in ("LOCK_SH", "LOCK_EX", "LOCK_NB"))


def _open(call, dirfd, path, flags, mode):
    """openat with FreeBSD flags; O_SHLOCK/O_EXLOCK become flock(2) on the new descriptor,
    O_EXEC/O_SEARCH an O_PATH descriptor (Linux has no execute-only open).  O_NOCTTY always:
    FreeBSD's open never makes a terminal the controlling one (only TIOCSCTTY does), where
    Linux's gives a session leader without one the first tty it opens."""
    linux = translate.OPEN_FLAGS.to_linux(flags | OPEN["O_NOCTTY"])
    if flags & OPEN["O_EXEC"]:
        linux = (linux & ~3) | translate.OPEN_FLAGS.to_linux(OPEN["O_PATH"])
    r = yield lx.openat(dirfd, path, linux, mode & 0o7777)
    if r == -errno.ENXIO:
        fd = yield from _descriptor_node(call, dirfd, path, linux)
        if fd is not None:
            return (yield from _dup_for_open(fd, flags))
    elif r in FDESC_MISSES and not call.proc.jail:
        fd = yield from _fdesc_name(call, dirfd, path)
        if fd is not None:
            return (yield from _dup_for_open(fd, flags))
    if r in (-errno.ENXIO, -errno.ELOOP):
        yield from _open_refusal(call, dirfd, path, linux)
    fd = check(r)
    lock = LOCK_EX if flags & OPEN["O_EXLOCK"] else LOCK_SH if flags & OPEN["O_SHLOCK"] else 0
    if lock:
        r = yield lx.flock(fd, lock | (LOCK_NB if flags & OPEN["O_NONBLOCK"] else 0))
        if r < 0:
            yield lx.close(fd)
            check(r)
    return fd


def _open_refusal(call, dirfd, path, linux_flags):
    """vn_open_vnode's errno where Linux's differs: a socket is EOPNOTSUPP (Linux: ENXIO), and
    O_NOFOLLOW on a symbolic link EMLINK (Linux: ELOOP, which FreeBSD keeps for loops)."""
    at = 0 if not linux_flags & LINUX_O_NOFOLLOW else LINUX_AT_SYMLINK_NOFOLLOW
    tmp = call.alloc(LINUX_STAT_SIZE)
    if (yield lx.newfstatat(dirfd, path, tmp, at)) < 0:
        return
    mode = structs.stat_mode(call.mem.read(tmp, LINUX_STAT_SIZE))
    if stat.S_ISSOCK(mode):
        raise FreeBSDError(EOPNOTSUPP, "open of a socket")
    if stat.S_ISLNK(mode):
        raise FreeBSDError(EMLINK, "O_NOFOLLOW and a symbolic link")


def _descriptor_node(call, dirfd, path, linux_flags):
    """The descriptor a jail's /dev/fd/N names (holder.DEV_FD), when path is such a node."""
    probe = yield lx.openat(
        dirfd, path, LINUX_O_PATH | LINUX_O_CLOEXEC | (linux_flags & LINUX_O_NOFOLLOW), 0
    )
    if probe < 0:
        return None
    try:
        st = os.stat(f"/proc/{call.proc.pid}/fd/{probe}")
    except OSError:
        st = None
    yield lx.close(probe)
    if st is None or not stat.S_ISCHR(st.st_mode) or os.major(st.st_rdev) != DEV_FD_MAJOR:
        return None
    return os.minor(st.st_rdev)


def _fdesc_name(call, dirfd, path):
    """The descriptor an unjailed program's /dev/fd/N names, as fdescfs has one for every open
    descriptor: the view's /dev/fd holds nodes for 0-2 only (bsdulator/view.py), so a lookup of
    another N there fails (ENOENT, or EROFS with O_CREAT) and is answered here by name."""
    parent, slash, name = call.path(path).rpartition(b"/")
    if not (name.isdigit() and name.isascii()) or int(name) > FDESC_MAX:
        return None
    parent = parent or slash or b"."
    where = call.alloc(len(parent) + 1)
    call.mem.write(where, parent + b"\0")
    probe = yield lx.openat(dirfd, where, LINUX_O_PATH_DIRECTORY, 0)
    if probe < 0:
        return None
    try:
        seen = os.readlink(f"/proc/{call.proc.pid}/fd/{probe}")
    except OSError:
        seen = None
    yield lx.close(probe)
    return int(name) if seen == DEV_FD_DIR else None


def _dup_for_open(fd, flags):
    """FreeBSD's dupfdopen: open of /dev/fd/N is a dup of descriptor N (EBADF if none), for no
    more access than N has (EACCES), close-on-exec as asked."""
    status = check((yield lx.fcntl(fd, LINUX_F["F_GETFL"], 0)))
    have = 0 if status & LINUX_O_PATH else _access(status & LINUX_O_ACCMODE)
    if _access(flags & OPEN["O_ACCMODE"]) & ~have:
        raise FreeBSDError(EACCES, f"/dev/fd/{fd} has less access than asked")
    dup = LINUX_F["F_DUPFD_CLOEXEC"] if flags & OPEN["O_CLOEXEC"] else LINUX_F["F_DUPFD"]
    return check((yield lx.fcntl(fd, dup, 0)))


def _access(accmode: int) -> int:
    """FFLAGS: O_RDONLY/O_WRONLY/O_RDWR (the same on both systems) as FREAD|FWRITE bits."""
    return (accmode + 1) & FREAD_FWRITE


@handler("open", Support.TRANSLATED, "flags translated; O_EXLOCK/O_SHLOCK via flock")
def sys_open(call, path, flags, mode):
    """Implements FreeBSD open(2)."""
    return (yield from _open(call, AT_FDCWD_LINUX, path, flags, mode))


@handler("openat", Support.TRANSLATED, "flags translated; O_EXLOCK/O_SHLOCK via flock")
def sys_openat(call, fd, path, flags, mode):
    """Implements FreeBSD openat(2)."""
    return (yield from _open(call, s32(fd), path, flags, mode))


def _at(flags: int) -> int:
    return translate.AT_FLAGS.to_linux(flags)


@handler("faccessat", Support.TRANSLATED, "AT_EACCESS via faccessat2")
def sys_faccessat(call, fd, path, mode, flags):
    """Implements FreeBSD faccessat(2)."""
    return check(
        (yield lx.faccessat2(s32(fd), path, mode, translate.FACCESSAT_FLAGS.to_linux(flags)))
    )


@handler("linkat", Support.TRANSLATED)
def sys_linkat(call, fd1, path1, fd2, path2, flags):
    """Implements FreeBSD linkat(2)."""
    return check((yield lx.linkat(s32(fd1), path1, s32(fd2), path2, _at(flags))))


@handler("link", Support.TRANSLATED, "follows a symbolic link, as FreeBSD's does")
def sys_link(call, path, link):
    """Implements FreeBSD link(2), which links what a symbolic link names (Linux's, the link)."""
    return check(
        (yield lx.linkat(AT_FDCWD_LINUX, path, AT_FDCWD_LINUX, link, LINUX_AT_SYMLINK_FOLLOW))
    )


def _degenerate(call, path):
    """lookup()'s refusals for DELETE and RENAME: a last component "." is EINVAL, a path that
    names no entry ("/") EISDIR (Linux says EBUSY or EISDIR)."""
    name = fileflags.last_component(call.path(path))
    if name == b".":
        raise FreeBSDError(EINVAL, "cannot remove or rename '.'")
    if not name:
        raise FreeBSDError(EISDIR, "the path names no entry")
    return name


def _unlink(call, dirfd, path, at):
    """kern_funlinkat: file flags (fileflags.refuse_removal), and a directory's unlink is
    EPERM (Linux says EISDIR)."""
    _degenerate(call, path)
    yield from fileflags.refuse_removal(call, dirfd, path)
    r = yield lx.unlinkat(dirfd, path, at)
    if r == -errno.EISDIR and not at & LINUX_AT_REMOVEDIR:
        raise FreeBSDError(EPERM, "unlink of a directory")
    return check(r)


@handler("unlink", Support.TRANSLATED, "file flags enforced; a directory is EPERM")
def sys_unlink(call, path):
    """Implements FreeBSD unlink(2)."""
    return (yield from _unlink(call, AT_FDCWD_LINUX, path, 0))


@handler("unlinkat", Support.TRANSLATED, "file flags enforced; a directory is EPERM")
def sys_unlinkat(call, fd, path, flags):
    """Implements FreeBSD unlinkat(2)."""
    return (yield from _unlink(call, s32(fd), path, _at(flags)))


@handler("rmdir", Support.TRANSLATED, "file flags enforced")
def sys_rmdir(call, path):
    """Implements FreeBSD rmdir(2)."""
    return (yield from _unlink(call, AT_FDCWD_LINUX, path, LINUX_AT_REMOVEDIR))


def _rename(call, fd1, path1, fd2, path2):
    """kern_renameat and ufs_rename where Linux's errno differs ("." and "/" as for unlink,
    ".." EINVAL for a directory and EISDIR for a file, where Linux says EBUSY), then the
    flag checks: the source's entry and a target it replaces must be removable, the
    target's directory writable."""
    names = _degenerate(call, path1), _degenerate(call, path2)
    if b".." in names:
        tmp = call.alloc(LINUX_STAT_SIZE)
        check((yield lx.newfstatat(fd1, path1, tmp, LINUX_AT_SYMLINK_NOFOLLOW)))
        if stat.S_ISDIR(structs.stat_mode(call.mem.read(tmp, LINUX_STAT_SIZE))):
            raise FreeBSDError(EINVAL, "rename of or onto '..'")
        raise FreeBSDError(EISDIR, "rename of a file onto '..'")
    yield from fileflags.refuse_removal(call, fd1, path1)
    yield from fileflags.refuse_removal(call, fd2, path2)
    yield from fileflags.refuse_entry_in(call, fd2, path2)
    return check((yield lx.renameat(fd1, path1, fd2, path2)))


@handler("rename", Support.TRANSLATED, "file flags enforced")
def sys_rename(call, path1, path2):
    """Implements FreeBSD rename(2)."""
    return (yield from _rename(call, AT_FDCWD_LINUX, path1, AT_FDCWD_LINUX, path2))


@handler("renameat", Support.TRANSLATED, "file flags enforced")
def sys_renameat(call, fd1, path1, fd2, path2):
    """Implements FreeBSD renameat(2)."""
    return (yield from _rename(call, s32(fd1), path1, s32(fd2), path2))


@handler("mkfifo", Support.TRANSLATED, "mknod(S_IFIFO)")
def sys_mkfifo(call, path, mode):
    """Implements FreeBSD mkfifo(2)."""
    return check((yield lx.mknodat(AT_FDCWD_LINUX, path, stat.S_IFIFO | (mode & 0o7777), 0)))


@handler("mkfifoat", Support.TRANSLATED, "mknodat(S_IFIFO)")
def sys_mkfifoat(call, fd, path, mode):
    """Implements FreeBSD mkfifoat(2)."""
    return check((yield lx.mknodat(s32(fd), path, stat.S_IFIFO | (mode & 0o7777), 0)))


@handler("__getcwd", Support.TRANSLATED, "FreeBSD returns 0, Linux the length")
def sys_getcwd(call, buf, size):
    """Implements FreeBSD __getcwd(2)."""
    check((yield lx.getcwd(buf, size)))
    return 0


@handler("pipe2", Support.TRANSLATED, "flags translated")
def sys_pipe2(call, fds, flags):
    """Implements FreeBSD pipe2(2)."""
    return check((yield lx.pipe2(fds, translate.OPEN_FLAGS.to_linux(flags))))


@handler("freebsd10_pipe", Support.TRANSLATED, "both descriptors returned in rax:rdx")
def sys_pipe(call):
    """Implements FreeBSD 10 pipe(2)."""
    tmp = call.alloc(8)
    check((yield lx.pipe2(tmp, 0)))
    r, w = struct.unpack("<ii", call.mem.read(tmp, 8))
    return r, w


# -- stat family: Linux writes its struct into scratch, we write FreeBSD's layout ---------


def _stat_into(call, linux_call_for, out_addr, convert, fd, path=None, at=0):
    """Linux's stat of fd, or of path from fd with Linux AT_* flags at, as FreeBSD's struct
    with the file's flags in st_flags."""
    tmp = call.alloc(LINUX_STAT_SIZE)
    check((yield linux_call_for(tmp)))
    raw = call.mem.read(tmp, LINUX_STAT_SIZE)
    st = structs.unpack("linux_stat", raw)
    name = None if path is None else call.path(path)
    if not name:  # fstat, or AT_EMPTY_PATH
        kept = fileflags.kept(call.proc.pid, fd)
    else:
        # Read by the supervisor where it finds the same inode, else through a probe.
        follow = not at & LINUX_AT_SYMLINK_NOFOLLOW
        inode = st["st_dev"], st["st_ino"]
        kept = fileflags.kept_at(call.proc.pid, fd, name, follow, inode)
        if kept is None:
            kept = (yield from fileflags.flags_at(call, fd, path, at, fileflags.kept)) or Kept()
    perms = kept.link_mode if stat.S_ISLNK(st["st_mode"]) else None
    call.mem.write(out_addr, convert(raw, kept.flags, perms, kept.birth))
    return 0


@handler("fstat", Support.TRANSLATED, "struct stat converted")
def sys_fstat(call, fd, sb):
    """Implements FreeBSD fstat(2)."""
    fd = s32(fd)
    return (yield from _stat_into(call, lambda t: lx.fstat(fd, t), sb, structs.stat_to_freebsd, fd))


@handler("fstatat", Support.TRANSLATED, "struct stat converted")
def sys_fstatat(call, fd, path, sb, flags):
    """Implements FreeBSD fstatat(2)."""
    fd, at = s32(fd), _at(flags)
    return (
        yield from _stat_into(
            call,
            lambda t: lx.newfstatat(fd, path, t, at),
            sb,
            structs.stat_to_freebsd,
            fd,
            path,
            at,
        )
    )


@handler("freebsd11_stat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_stat(call, path, sb):
    """Implements FreeBSD 11 stat(2)."""
    return (
        yield from _stat_into(
            call,
            lambda t: lx.newfstatat(AT_FDCWD_LINUX, path, t, 0),
            sb,
            structs.stat_to_freebsd11,
            AT_FDCWD_LINUX,
            path,
        )
    )


@handler("freebsd11_lstat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_lstat(call, path, sb):
    """Implements FreeBSD 11 lstat(2)."""
    at = LINUX_AT_SYMLINK_NOFOLLOW
    return (
        yield from _stat_into(
            call,
            lambda t: lx.newfstatat(AT_FDCWD_LINUX, path, t, at),
            sb,
            structs.stat_to_freebsd11,
            AT_FDCWD_LINUX,
            path,
            at,
        )
    )


@handler("freebsd11_fstat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_fstat(call, fd, sb):
    """Implements FreeBSD 11 fstat(2)."""
    fd = s32(fd)
    return (
        yield from _stat_into(call, lambda t: lx.fstat(fd, t), sb, structs.stat_to_freebsd11, fd)
    )


@handler("freebsd11_fstatat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_fstatat(call, fd, path, sb, flags):
    """Implements FreeBSD 11 fstatat(2)."""
    fd, at = s32(fd), _at(flags)
    return (
        yield from _stat_into(
            call,
            lambda t: lx.newfstatat(fd, path, t, at),
            sb,
            structs.stat_to_freebsd11,
            fd,
            path,
            at,
        )
    )


# -- getdirentries: Linux dirent64 records become FreeBSD dirents ----------------------


def _getdirentries(call, fd, buf, nbytes, basep, convert):
    fd = s32(fd)
    start = check((yield lx.lseek(fd, 0, LINUX_SEEK_WHENCE["SEEK_CUR"])))
    # FreeBSD records are longer than Linux's, so ask Linux for no more than fits.
    tmp = call.alloc(min(nbytes, 65536))
    got = check((yield lx.getdents64(fd, tmp, min(nbytes, 65536))))
    if got == 0:
        out, count, next_off = b"", 0, None
    else:
        out, count, next_off = convert(call.mem.read(tmp, got), nbytes)
        if count == 0:
            raise FreeBSDError(EINVAL, "buffer too small for one entry")
        if next_off is not None:
            check((yield lx.lseek(fd, next_off, 0)))
    call.mem.write(buf, out)
    if basep:
        call.mem.write_u64(basep, start)
    return len(out)


@handler("getdirentries", Support.TRANSLATED, "dirent64 converted to FreeBSD dirent")
def sys_getdirentries(call, fd, buf, nbytes, basep):
    """Implements FreeBSD getdirentries(2)."""
    return (yield from _getdirentries(call, fd, buf, nbytes, basep, structs.dirents_to_freebsd))


@handler("freebsd11_getdirentries", Support.TRANSLATED, "dirent64 converted to pre-ino64 dirent")
def sys_freebsd11_getdirentries(call, fd, buf, nbytes, basep):
    """Implements FreeBSD 11 getdirentries(2)."""
    return (yield from _getdirentries(call, fd, buf, nbytes, basep, structs.dirents_to_freebsd11))


@handler("freebsd11_getdents", Support.TRANSLATED, "dirent64 converted to pre-ino64 dirent")
def sys_freebsd11_getdents(call, fd, buf, nbytes):
    """Implements FreeBSD 11 getdents(2)."""
    return (yield from _getdirentries(call, fd, buf, nbytes, 0, structs.dirents_to_freebsd11))


# -- pathconf: answered from FreeBSD's constants once the object is known to exist ----

_PC_BY_NUMBER = {num: pathconf.ANSWERS[name] for name, num in pathconf.FREEBSD_PC.items()}
F_OK = LINUX_ACCESS_MODES["F_OK"]


def _pathconf_answer(name: int) -> int:
    answer = _PC_BY_NUMBER.get(s32(name))
    if answer is None:
        raise FreeBSDError(EINVAL, f"pathconf name {name}")
    return answer


@handler("pathconf", Support.EMULATED, "FreeBSD's limits; ACL/MAC queries say unsupported")
def sys_pathconf(call, path, name):
    """Implements FreeBSD pathconf(2)."""
    answer = _pathconf_answer(name)
    check((yield lx.faccessat(AT_FDCWD_LINUX, path, F_OK)))
    return answer


@handler("lpathconf", Support.EMULATED, "FreeBSD's limits; ACL/MAC queries say unsupported")
def sys_lpathconf(call, path, name):
    """Implements FreeBSD lpathconf(2)."""
    answer = _pathconf_answer(name)
    check((yield lx.faccessat2(AT_FDCWD_LINUX, path, F_OK, LINUX_AT_SYMLINK_NOFOLLOW)))
    return answer


@handler("fpathconf", Support.EMULATED, "FreeBSD's limits; ACL/MAC queries say unsupported")
def sys_fpathconf(call, fd, name):
    """Implements FreeBSD fpathconf(2)."""
    answer = _pathconf_answer(name)
    check((yield lx.fcntl(s32(fd), 1, 0)))
    return answer


# -- file times --------------------------------------------------------------------


def _timespecs_to_linux(call, times_addr: int) -> int:
    """A copy of struct timespec[2] with UTIME_NOW/UTIME_OMIT in Linux's encoding."""
    if not times_addr:
        return 0
    secs = struct.unpack("<qqqq", call.mem.read(times_addr, 32))
    out = []
    for sec, nsec in (secs[0:2], secs[2:4]):
        out += [sec, translate.UTIME_SPECIAL.to_linux(nsec, nsec)]
    tmp = call.alloc(32)
    call.mem.write(tmp, struct.pack("<qqqq", *out))
    return tmp


def _timevals_to_timespecs(call, tv_addr: int) -> int:
    if not tv_addr:
        return 0
    s0, us0, s1, us1 = struct.unpack("<qqqq", call.mem.read(tv_addr, 32))
    if not (0 <= us0 < 1000000 and 0 <= us1 < 1000000):
        raise FreeBSDError(EINVAL, "microseconds out of range")
    tmp = call.alloc(32)
    call.mem.write(tmp, struct.pack("<qqqq", s0, us0 * 1000, s1, us1 * 1000))
    return tmp


def _utimes(call, fd, path, times, at):
    """utimensat with Linux arguments (times: a Linux timespec[2] or 0; path 0: fd itself)
    after ufs_setattr's flag check; then setutimes' birth time rule: a given mtime older than
    the birth time becomes the birth time."""
    pid = call.proc.pid
    if path:
        before = yield from fileflags.flags_at(call, fd, path, at, _kept_and_ctime)
    else:
        try:
            before = _kept_and_ctime(pid, fd)
        except OSError:
            before = None
    if before:
        fileflags.refuse_locked(before[0].flags)
    check((yield lx.utimensat(fd, path, times, at)))
    mtime = _given_mtime(call, times)
    if before and mtime is not None and mtime < (before[0].birth or before[1]):
        if path:
            yield from fileflags.flags_at(call, fd, path, at, _birth_setter(mtime))
        else:
            _birth_setter(mtime)(pid, fd)
    return 0


def _kept_and_ctime(pid, fd):
    ns = os.stat(procfs.fd_path(pid, fd)).st_ctime_ns
    return fileflags.kept(pid, fd), divmod(ns, NS_PER_SEC)


def _birth_setter(birth):
    def set_birth(pid, fd):
        try:
            fileflags.write_birth(pid, fd, birth)
        except (FreeBSDError, OSError):  # nowhere to keep it: the birth time stays the ctime
            pass
        return True

    return set_birth


LINUX_UTIME_MARKS = frozenset(LINUX_UTIME_SPECIAL.values())
NS_PER_SEC = 10**9


def _given_mtime(call, times: int):
    """The (sec, nsec) mtime a Linux timespec[2] sets explicitly; None for now or omitted."""
    if not times:
        return None
    sec, nsec = struct.unpack("<qq", call.mem.read(times + TIMESPEC_SIZE, TIMESPEC_SIZE))
    return None if nsec in LINUX_UTIME_MARKS else (sec, nsec)


@handler("utimes", Support.TRANSLATED, "utimensat; file flags enforced")
def sys_utimes(call, path, tv):
    """Implements FreeBSD utimes(2)."""
    times = _timevals_to_timespecs(call, tv)
    return (yield from _utimes(call, AT_FDCWD_LINUX, path, times, 0))


@handler("futimesat", Support.TRANSLATED, "utimensat; file flags enforced")
def sys_futimesat(call, fd, path, tv):
    """Implements FreeBSD futimesat(2)."""
    times = _timevals_to_timespecs(call, tv)
    return (yield from _utimes(call, s32(fd), path, times, 0))


@handler("utimensat", Support.TRANSLATED, "UTIME_NOW/UTIME_OMIT and AT_* translated")
def sys_utimensat(call, fd, path, times, flags):
    """Implements FreeBSD utimensat(2)."""
    times = _timespecs_to_linux(call, times)
    return (yield from _utimes(call, s32(fd), path, times, _at(flags)))


@handler("futimens", Support.TRANSLATED, "utimensat(fd, NULL, …)")
def sys_futimens(call, fd, times):
    """Implements FreeBSD futimens(2)."""
    return (yield from _utimes(call, s32(fd), 0, _timespecs_to_linux(call, times), 0))


@handler("lutimes", Support.TRANSLATED, "utimensat(AT_SYMLINK_NOFOLLOW)")
def sys_lutimes(call, path, tv):
    """Implements FreeBSD lutimes(2)."""
    times = _timevals_to_timespecs(call, tv)
    return (yield from _utimes(call, AT_FDCWD_LINUX, path, times, LINUX_AT_SYMLINK_NOFOLLOW))


@handler("futimes", Support.TRANSLATED, "utimensat(fd, NULL, …)")
def sys_futimes(call, fd, tv):
    """Implements FreeBSD futimes(2)."""
    return (yield from _utimes(call, s32(fd), 0, _timevals_to_timespecs(call, tv), 0))


# -- owner and mode: ufs_setattr's rules where Linux's differ ---------------------------

MODE = FREEBSD_MODE_BITS
ISUGID, ALLPERMS = MODE["S_ISUID"] | MODE["S_ISGID"], structs.ALLPERMS
NOCHANGE = -1  # (uid_t)-1, (gid_t)-1: leave the owner or the group as it is
EFTYPE = FREEBSD_ERRNO["EFTYPE"]


def _target(call, dirfd, path, at, look):
    """look(pid, fd) for the file path names from dirfd with Linux AT_* flags at, or for the
    descriptor dirfd itself when path is None; None where there is none (the Linux call then
    fails as it should)."""
    if path is None:
        try:
            return look(call.proc.pid, dirfd)
        except OSError:
            return None
    return (yield from fileflags.flags_at(call, dirfd, path, at, look)) or None


def _chown(call, dirfd, path, uid, gid, at):
    """ufs_setattr + ufs_chown: a locked file refuses; no change touches nothing (Linux would
    update ctime); an unprivileged caller's change clears setuid and setgid on every file
    (Linux keeps them on a directory, and setgid without group execute)."""
    uid, gid = s32(uid), s32(gid)
    seen = yield from _target(call, dirfd, path, at, fileflags.found)
    if seen is not None:
        fileflags.refuse_locked(seen.flags)
        if uid == NOCHANGE and gid == NOCHANGE:
            return 0
    if path is None:
        check((yield lx.fchown(dirfd, uid, gid)))
    else:
        check((yield lx.fchownat(dirfd, path, uid, gid, at)))
    changed = seen is not None and (
        (uid != NOCHANGE and uid != seen.uid) or (gid != NOCHANGE and gid != seen.gid)
    )
    if changed and seen.mode & ISUGID and not stat.S_ISLNK(seen.mode):
        if effective_uid(call.proc.pid) != 0:  # PRIV_VFS_RETAINSUGID
            mode = seen.mode & ALLPERMS & ~ISUGID
            if path is None:
                check((yield lx.fchmod(dirfd, mode)))
            else:
                check((yield lx.fchmodat(dirfd, path, mode)))
    return 0


@handler("chown", Support.TRANSLATED, "ufs's rules: flags, ctime, setuid/setgid cleared")
def sys_chown(call, path, uid, gid):
    """Implements FreeBSD chown(2)."""
    return (yield from _chown(call, AT_FDCWD_LINUX, path, uid, gid, 0))


@handler("lchown", Support.TRANSLATED, "ufs's rules: flags, ctime, setuid/setgid cleared")
def sys_lchown(call, path, uid, gid):
    """Implements FreeBSD lchown(2)."""
    return (yield from _chown(call, AT_FDCWD_LINUX, path, uid, gid, LINUX_AT_SYMLINK_NOFOLLOW))


@handler("fchown", Support.TRANSLATED, "ufs's rules: flags, ctime, setuid/setgid cleared")
def sys_fchown(call, fd, uid, gid):
    """Implements FreeBSD fchown(2)."""
    return (yield from _chown(call, s32(fd), None, uid, gid, 0))


@handler("fchownat", Support.TRANSLATED, "ufs's rules: flags, ctime, setuid/setgid cleared")
def sys_fchownat(call, fd, path, uid, gid, flags):
    """Implements FreeBSD fchownat(2)."""
    return (yield from _chown(call, s32(fd), path, uid, gid, _at(flags)))


def _chmod_rules(call, mode):
    """ufs_chmod's checks, on the supervisor's side of a probe descriptor: True when done
    (a symbolic link's mode, kept in an xattr as Linux keeps none)."""

    def decide(pid, fd):
        seen = fileflags.found(pid, fd)
        fileflags.refuse_locked(seen.flags)
        euid = effective_uid(pid)
        if euid != 0 and euid != seen.uid:  # VADMIN
            raise FreeBSDError(EPERM, "not the owner")
        if euid != 0:
            if mode & MODE["S_ISVTX"] and not stat.S_ISDIR(seen.mode):
                raise FreeBSDError(EFTYPE, "the sticky bit on a file needs privilege")
            if mode & MODE["S_ISGID"] and seen.gid not in procfs.status(pid).groups:
                raise FreeBSDError(EPERM, "setgid for a group the caller is not in")
        if stat.S_ISLNK(seen.mode):
            fileflags.write_link_mode(pid, fd, mode)
            return True
        return False

    return decide


def _chmod(call, dirfd, path, mode, at):
    mode &= ALLPERMS
    done = yield from _target(call, dirfd, path, at, _chmod_rules(call, mode))
    if done:
        return 0
    if path is None:
        return check((yield lx.fchmod(dirfd, mode)))
    return check((yield lx.fchmodat(dirfd, path, mode)))


@handler("chmod", Support.TRANSLATED, "ufs's rules: flags, EFTYPE, setgid")
def sys_chmod(call, path, mode):
    """Implements FreeBSD chmod(2)."""
    return (yield from _chmod(call, AT_FDCWD_LINUX, path, mode, 0))


@handler("fchmod", Support.TRANSLATED, "ufs's rules: flags, EFTYPE, setgid")
def sys_fchmod(call, fd, mode):
    """Implements FreeBSD fchmod(2)."""
    return (yield from _chmod(call, s32(fd), None, mode, 0))


@handler("lchmod", Support.EMULATED, "a symbolic link's mode kept in an xattr")
def sys_lchmod(call, path, mode):
    """Implements FreeBSD lchmod(2)."""
    return (yield from _chmod(call, AT_FDCWD_LINUX, path, mode, LINUX_AT_SYMLINK_NOFOLLOW))


@handler("fchmodat", Support.TRANSLATED, "ufs's rules; a symbolic link's mode in an xattr")
def sys_fchmodat(call, fd, path, mode, flags):
    """Implements FreeBSD fchmodat(2)."""
    return (yield from _chmod(call, s32(fd), path, mode, _at(flags)))
