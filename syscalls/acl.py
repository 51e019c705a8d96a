"""POSIX.1e and NFSv4 ACLs: the __acl_* calls as FreeBSD answers them on a file system mounted
without ACLs (UFS without `acls`/`nfsv4acls`, tmpfs, devfs): the file is looked up as the call
asks (following the last symlink or not, or the descriptor checked), then the file system's
VOP_GETACL/SETACL/ACLCHECK refuse with EOPNOTSUPP (ufs_acl.c).  libc's acl_get_file(3) callers
(getfacl, ls -l's `+`, tar, cp -p) take that as "only the mode bits", as on such a FreeBSD."""

import stat

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import LINUX_AT_FLAGS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.structs import sizeof, unpack
from bsdulator.table import Support, handler

EINVAL, EOPNOTSUPP = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["EOPNOTSUPP"]
AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
AT_SYMLINK_NOFOLLOW = LINUX_AT_FLAGS["AT_SYMLINK_NOFOLLOW"]
NO_ACLS = "no file system here keeps ACLs: EOPNOTSUPP after the lookup, as on UFS without acls"


def _path(call, path: int, follow: bool):
    """namei: the file must exist (ENOENT, ENOTDIR, EACCES … as the lookup finds)."""
    st = call.alloc(sizeof("linux_stat"))
    check((yield lx.newfstatat(AT_FDCWD, path, st, 0 if follow else AT_SYMLINK_NOFOLLOW)))
    raise FreeBSDError(EOPNOTSUPP, "the file system has no ACLs")


def _fd(call, fd: int):
    """getvnode: a descriptor of a file (EBADF when none, EINVAL for a socket)."""
    st = call.alloc(sizeof("linux_stat"))
    check((yield lx.fstat(s32(fd), st)))
    mode = unpack("linux_stat", call.mem.read(st, sizeof("linux_stat")))["st_mode"]
    if stat.S_ISSOCK(mode):
        raise FreeBSDError(EINVAL, "a socket has no vnode")
    raise FreeBSDError(EOPNOTSUPP, "the file system has no ACLs")


def sys_acl_file(call, path, acltype, aclp=0):
    """Implements FreeBSD __acl_{get,set,delete,aclcheck}_file(2)."""
    return (yield from _path(call, path, follow=True))


def sys_acl_link(call, path, acltype, aclp=0):
    """Implements FreeBSD __acl_{get,set,delete,aclcheck}_link(2)."""
    return (yield from _path(call, path, follow=False))


def sys_acl_fd(call, fd, acltype, aclp=0):
    """Implements FreeBSD __acl_{get,set,delete,aclcheck}_fd(2)."""
    return (yield from _fd(call, fd))


for _op in ("get", "set", "delete", "aclcheck"):
    handler(f"__acl_{_op}_file", Support.EMULATED, NO_ACLS)(sys_acl_file)
    handler(f"__acl_{_op}_link", Support.EMULATED, NO_ACLS)(sys_acl_link)
    handler(f"__acl_{_op}_fd", Support.EMULATED, NO_ACLS)(sys_acl_fd)
