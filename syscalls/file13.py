"""FreeBSD 13's additions to the file calls: copy_file_range(2) on Linux's, funlinkat(2) on
unlinkat with its descriptor check."""

from bsdulator import structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_FD_NONE, LINUX_AT_FLAGS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.file import sys_unlinkat
from bsdulator.table import Support, handler

EDEADLK = FREEBSD_ERRNO["EDEADLK"]
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
