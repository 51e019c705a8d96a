"""bindat(2) and connectat(2): bind and connect with a directory for a relative AF_UNIX path
(FreeBSD 10's Capsicum-era calls).  AT_FDCWD and absolute paths are bind/connect themselves
(syscalls/socket.py); Linux has no way to name a socket path relative to another directory."""

import struct

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, FREEBSD_AT_FLAGS
from bsdulator.engine import s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.socket import sys_bind, sys_connect
from bsdulator.table import Support, handler

EOPNOTSUPP, EINVAL = FREEBSD_ERRNO["EOPNOTSUPP"], FREEBSD_ERRNO["EINVAL"]
AT_FDCWD = FREEBSD_AT_FLAGS["AT_FDCWD"]
AF_UNIX = FREEBSD_ADDRESS_FAMILIES["AF_UNIX"]
HEAD = struct.Struct("<BB")  # sa_len, sa_family
GAP = "a relative AF_UNIX path with a directory descriptor other than AT_FDCWD (EOPNOTSUPP)"


def _served_as_plain(call, fd: int, name: int, namelen: int) -> bool:
    """True when the call means what bind/connect mean: AT_FDCWD, or an absolute AF_UNIX path
    (namei ignores the directory then).  Other families with a directory are pr_bindat's
    EOPNOTSUPP; a relative path is the gap."""
    if s32(fd) == AT_FDCWD:
        return True
    if s32(namelen) < HEAD.size + 1:
        raise FreeBSDError(EINVAL, "sockaddr too short")
    _len, family = HEAD.unpack(call.mem.read(name, HEAD.size))
    if family != AF_UNIX:
        raise FreeBSDError(EOPNOTSUPP, "bindat/connectat of a non-local socket")
    if call.mem.read(name + HEAD.size, 1) == b"/":
        return True
    raise call.sup.missing(call, "relative path", "EOPNOTSUPP")


@handler("bindat", Support.PARTIAL, GAP)
def sys_bindat(call, fd, s, name, namelen):
    """Implements FreeBSD bindat(2)."""
    _served_as_plain(call, fd, name, namelen)
    return (yield from sys_bind(call, s, name, namelen))


@handler("connectat", Support.PARTIAL, GAP)
def sys_connectat(call, fd, s, name, namelen):
    """Implements FreeBSD connectat(2)."""
    _served_as_plain(call, fd, name, namelen)
    return (yield from sys_connect(call, s, name, namelen))
