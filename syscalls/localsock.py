"""Unix-domain socket options (uipc_usrreq.c uipc_ctloutput): level SOL_LOCAL, which is
IPPROTO_IP's number on other sockets.  LOCAL_PEERCRED answers from Linux's SO_PEERCRED and
SO_PEERGROUPS, kept by the kernel from the peer's connect (or socketpair) as FreeBSD keeps them;
getpeereid(3) reads it.

Gaps: LOCAL_CREDS and LOCAL_CREDS_PERSISTENT (ENOPROTOOPT), SCM_CREDS."""

import struct

from bsdulator import structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_LOCAL_OPTIONS,
    FREEBSD_XUCRED,
    LINUX_ADDRESS_FAMILIES,
    LINUX_SO_OPTIONS,
    LINUX_SOCK_TYPES,
    LINUX_SOCKET_LEVELS,
)
from bsdulator.abi.limits import SOCKADDR_STORAGE_SIZE
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError

SOL_LOCAL = FREEBSD_LOCAL_OPTIONS["SOL_LOCAL"]
LOCAL_PEERCRED = FREEBSD_LOCAL_OPTIONS["LOCAL_PEERCRED"]
XU_NGROUPS = FREEBSD_XUCRED["XU_NGROUPS"]
EINVAL, ENOTCONN = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENOTCONN"]
SOL_SOCKET = LINUX_SOCKET_LEVELS["SOL_SOCKET"]
SO = LINUX_SO_OPTIONS
AF_UNIX = LINUX_ADDRESS_FAMILIES["AF_UNIX"]
SOCK_DGRAM = LINUX_SOCK_TYPES["SOCK_DGRAM"]
XUCRED = structs.sizeof("xucred")
UCRED = struct.Struct("<iII")  # Linux struct ucred: pid, uid, gid
SOCKADDR_MAX = SOCKADDR_STORAGE_SIZE["sizeof(struct sockaddr_storage)"]


def _int_option(call, fd: int, name: int):
    slot, size = call.alloc(4), call.alloc(4)
    call.mem.write_u32(size, 4)
    check((yield lx.getsockopt(fd, SOL_SOCKET, name, slot, size)))
    return s32(call.mem.read_u32(slot))


def is_local(call, fd: int, level: int):
    """Whether (fd, level) names a unix-domain socket's own options."""
    if s32(level) != SOL_LOCAL:
        return False
    slot, size = call.alloc(4), call.alloc(4)
    call.mem.write_u32(size, 4)
    if (yield lx.getsockopt(s32(fd), SOL_SOCKET, SO["SO_DOMAIN"], slot, size)) < 0:
        return False  # no socket: the ordinary path gives the errno
    return s32(call.mem.read_u32(slot)) == AF_UNIX


def getsockopt(call, fd, name, val, avalsize):
    """getsockopt(2) at SOL_LOCAL on a unix-domain socket."""
    fd, name = s32(fd), s32(name)
    if name != LOCAL_PEERCRED:
        raise call.sup.missing(call, f"SOL_LOCAL option {name}", "ENOPROTOOPT")
    # UNP_HAVEPC: set by connect, accept and socketpair on connection-oriented sockets only
    if (yield from _int_option(call, fd, SO["SO_TYPE"])) == SOCK_DGRAM:
        raise FreeBSDError(EINVAL, "a datagram socket has no peer credentials")
    name_buf, name_len = call.alloc(SOCKADDR_MAX), call.alloc(4)
    call.mem.write_u32(name_len, SOCKADDR_MAX)
    if (yield lx.getpeername(fd, name_buf, name_len)) < 0:  # unconnected or listening
        raise FreeBSDError(ENOTCONN, "no peer")
    cred, size = call.alloc(UCRED.size), call.alloc(4)
    call.mem.write_u32(size, UCRED.size)
    check((yield lx.getsockopt(fd, SOL_SOCKET, SO["SO_PEERCRED"], cred, size)))
    pid, euid, egid = UCRED.unpack(call.mem.read(cred, UCRED.size))
    groups_buf = call.alloc(4 * XU_NGROUPS)
    call.mem.write_u32(size, 4 * XU_NGROUPS)
    r = yield lx.getsockopt(fd, SOL_SOCKET, SO["SO_PEERGROUPS"], groups_buf, size)
    # ERANGE: more than fit; FreeBSD's xucred keeps the first XU_NGROUPS too
    count = call.mem.read_u32(size) // 4 if r == 0 else XU_NGROUPS - 1
    supplementary = struct.unpack(f"<{count}I", call.mem.read(groups_buf, 4 * count))
    groups = [egid, *supplementary][:XU_NGROUPS]  # FreeBSD <15: cr_groups[0] is the egid
    xucred = structs.pack(
        "xucred",
        cr_version=FREEBSD_XUCRED["XUCRED_VERSION"],
        cr_uid=euid,
        cr_ngroups=len(groups),
        cr_groups=groups + [0] * (XU_NGROUPS - len(groups)),
        cr_pid=pid,
    )
    room = call.mem.read_u32(avalsize)
    copied = xucred[: min(room, XUCRED)]  # sooptcopyout: as much as fits
    call.mem.write(val, copied)
    call.mem.write_u32(avalsize, len(copied))
    return 0
