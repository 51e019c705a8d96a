"""Files, descriptors and directories."""
import struct

from bsdulator import structs, translate
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler, native

AT_FDCWD_FREEBSD = -100
AT_FDCWD_LINUX = -100
LINUX_STAT_SIZE = 144
LINUX_STATFS_SIZE = 120
EINVAL = 22

for _name, _linux in [
    ("read", None), ("write", None), ("close", None), ("readv", None), ("writev", None),
    ("pread", "pread64"), ("pwrite", "pwrite64"), ("preadv", None), ("pwritev", None),
    ("lseek", None), ("dup", None), ("dup2", None), ("fsync", None), ("fdatasync", None),
    ("chdir", None), ("fchdir", None), ("chmod", None), ("fchmod", None), ("chown", None),
    ("fchown", None), ("lchown", None), ("unlink", None), ("rmdir", None), ("mkdir", None),
    ("rename", None), ("link", None), ("symlink", None), ("readlink", None), ("umask", None),
    ("truncate", None), ("ftruncate", None), ("chroot", None), ("sync", None),
    ("access", None), ("eaccess", "access"), ("flock", None), ("fchmodat", None),
    ("mkdirat", None), ("readlinkat", None), ("renameat", None), ("symlinkat", None),
]:
    native(_name, _linux)


@handler("open", Support.TRANSLATED, "flags translated")
def sys_open(call, path, flags, mode):
    """Implements FreeBSD open(2)."""
    return check((yield lx.openat(AT_FDCWD_LINUX, path, translate.OPEN_FLAGS.to_linux(flags), mode)))


@handler("openat", Support.TRANSLATED, "flags translated")
def sys_openat(call, fd, path, flags, mode):
    """Implements FreeBSD openat(2)."""
    return check((yield lx.openat(s32(fd), path, translate.OPEN_FLAGS.to_linux(flags), mode)))


def _at(flags: int) -> int:
    return translate.AT_FLAGS.to_linux(flags)


@handler("faccessat", Support.TRANSLATED, "AT_EACCESS via faccessat2")
def sys_faccessat(call, fd, path, mode, flags):
    """Implements FreeBSD faccessat(2)."""
    return check((yield lx.faccessat2(s32(fd), path, mode, translate.FACCESSAT_FLAGS.to_linux(flags))))


@handler("fchownat", Support.TRANSLATED)
def sys_fchownat(call, fd, path, uid, gid, flags):
    """Implements FreeBSD fchownat(2)."""
    return check((yield lx.fchownat(s32(fd), path, uid, gid, _at(flags))))


@handler("linkat", Support.TRANSLATED)
def sys_linkat(call, fd1, path1, fd2, path2, flags):
    """Implements FreeBSD linkat(2)."""
    return check((yield lx.linkat(s32(fd1), path1, s32(fd2), path2, _at(flags))))


@handler("unlinkat", Support.TRANSLATED)
def sys_unlinkat(call, fd, path, flags):
    """Implements FreeBSD unlinkat(2)."""
    return check((yield lx.unlinkat(s32(fd), path, _at(flags))))


@handler("mkfifo", Support.TRANSLATED, "mknod(S_IFIFO)")
def sys_mkfifo(call, path, mode):
    """Implements FreeBSD mkfifo(2)."""
    return check((yield lx.mknodat(AT_FDCWD_LINUX, path, 0o010000 | (mode & 0o7777), 0)))


@handler("mkfifoat", Support.TRANSLATED, "mknodat(S_IFIFO)")
def sys_mkfifoat(call, fd, path, mode):
    """Implements FreeBSD mkfifoat(2)."""
    return check((yield lx.mknodat(s32(fd), path, 0o010000 | (mode & 0o7777), 0)))


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

def _stat_into(call, linux_call_for, out_addr, convert):
    tmp = call.alloc(LINUX_STAT_SIZE)
    check((yield linux_call_for(tmp)))
    call.mem.write(out_addr, convert(call.mem.read(tmp, LINUX_STAT_SIZE)))
    return 0


@handler("fstat", Support.TRANSLATED, "struct stat converted")
def sys_fstat(call, fd, sb):
    """Implements FreeBSD fstat(2)."""
    return (yield from _stat_into(call, lambda t: lx.fstat(s32(fd), t), sb, structs.stat_to_freebsd))


@handler("fstatat", Support.TRANSLATED, "struct stat converted")
def sys_fstatat(call, fd, path, sb, flags):
    """Implements FreeBSD fstatat(2)."""
    return (yield from _stat_into(call, lambda t: lx.newfstatat(s32(fd), path, t, _at(flags)), sb,
                                  structs.stat_to_freebsd))


@handler("freebsd11_stat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_stat(call, path, sb):
    """Implements FreeBSD 11 stat(2)."""
    return (yield from _stat_into(call, lambda t: lx.newfstatat(AT_FDCWD_LINUX, path, t, 0), sb,
                                  structs.stat_to_freebsd11))


@handler("freebsd11_lstat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_lstat(call, path, sb):
    """Implements FreeBSD 11 lstat(2)."""
    return (yield from _stat_into(call, lambda t: lx.newfstatat(AT_FDCWD_LINUX, path, t, 0x100), sb,
                                  structs.stat_to_freebsd11))


@handler("freebsd11_fstat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_fstat(call, fd, sb):
    """Implements FreeBSD 11 fstat(2)."""
    return (yield from _stat_into(call, lambda t: lx.fstat(s32(fd), t), sb, structs.stat_to_freebsd11))


@handler("freebsd11_fstatat", Support.TRANSLATED, "pre-ino64 struct stat")
def sys_freebsd11_fstatat(call, fd, path, sb, flags):
    """Implements FreeBSD 11 fstatat(2)."""
    return (yield from _stat_into(call, lambda t: lx.newfstatat(s32(fd), path, t, _at(flags)), sb,
                                  structs.stat_to_freebsd11))


# -- getdirentries: Linux dirent64 records become FreeBSD dirents ----------------------

def _getdirentries(call, fd, buf, nbytes, basep, convert):
    fd = s32(fd)
    start = check((yield lx.lseek(fd, 0, 1)))
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
