"""FreeBSD netlink sockets on Linux's: which descriptors are netlink sockets, their SOL_NETLINK
options, and every datagram through them translated (messages.py).

A netlink socket is the tracee's own Linux AF_NETLINK socket, made by an injected socket(2), so
requests act in the caller's network namespace.  The supervisor remembers each one by socket
inode (with its protocol), so a dup, a fork child or a descriptor passed over SCM_RIGHTS is
recognized too; processes that never made one pay nothing.  read(2) and write(2) on one pass
untranslated (snl and the tools use send and recvmsg)."""

import struct
from dataclasses import dataclass, field

from bsdulator import procfs, structs, translate
from bsdulator.abi import netlink as N
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_MSG_FLAGS,
    LINUX_ADDRESS_FAMILIES,
    LINUX_MSG_FLAGS,
    LINUX_SOCKET_LEVELS,
)
from bsdulator.abi.flags import LINUX_SO_OPTIONS as LINUX_SO
from bsdulator.abi.limits import FREEBSD_LIMITS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError

from .messages import reply_to_freebsd, request_to_linux

EINVAL, EMSGSIZE, ENOPROTOOPT = (FREEBSD_ERRNO[n] for n in ("EINVAL", "EMSGSIZE", "ENOPROTOOPT"))
INT = struct.Struct("<i")
LINUX_SOCKADDR_NL = struct.Struct("<HHII")  # nl_family, nl_pad, nl_pid, nl_groups
IOVEC = structs.sizeof("iovec")
MSG_PEEK, MSG_TRUNC = (FREEBSD_MSG_FLAGS[n] for n in ("MSG_PEEK", "MSG_TRUNC"))
LINUX_MSG_PEEK = LINUX_MSG_FLAGS["MSG_PEEK"]
OPTIONS = translate.ValueMap.from_names(
    N.FREEBSD_NETLINK_OPTIONS,
    N.LINUX_NETLINK_OPTIONS,
    [n for n in N.LINUX_NETLINK_OPTIONS if n not in N.FREEBSD_NETLINK_UNSUPPORTED],
)
LINUX_SOL_SOCKET = LINUX_SOCKET_LEVELS["SOL_SOCKET"]
MSG_INFO = N.FREEBSD_NETLINK_OPTIONS["NETLINK_MSG_INFO"]
ADD_MEMBERSHIP = N.FREEBSD_NETLINK_OPTIONS["NETLINK_ADD_MEMBERSHIP"]
LINUX_AF_NETLINK = LINUX_ADDRESS_FAMILIES["AF_NETLINK"]


@dataclass
class NetlinkSocket:
    """What the supervisor keeps of one netlink socket: its protocol, and the exact-prefix route
    lookups whose answer is still to come (messages.PrefixGet, by sequence number)."""

    protocol: int
    prefix_gets: dict = field(default_factory=dict)


class NetlinkSockets(dict[int, NetlinkSocket]):
    """socket inode → its NetlinkSocket, for every netlink socket this supervisor made."""


def _sockets(sup) -> NetlinkSockets:
    return sup.state(NetlinkSockets)


def created(call, fd: int, protocol: int) -> None:
    """socket(2) made netlink socket fd."""
    inode = procfs.fd_inode(call.proc.pid, fd)
    if inode is not None:
        _sockets(call.sup)[inode] = NetlinkSocket(protocol)


def socket_of(call, fd: int) -> NetlinkSocket | None:
    """The netlink socket descriptor fd is, None when it is none."""
    known = _sockets(call.sup)
    if not known:
        return None
    inode = procfs.fd_inode(call.proc.pid, s32(fd))
    return known.get(inode) if inode is not None else None


# --- options ----------------------------------------------------------------------------------


def _portid(call, s):
    """The Linux socket's port id; 0 while it is unbound."""
    size = N.NETLINK_SIZES["sizeof(struct sockaddr_nl)"]
    addr, addrlen = call.alloc(size), call.alloc(INT.size)
    call.mem.write_u32(addrlen, size)
    check((yield lx.getsockname(s32(s), addr, addrlen)))
    return call.mem.read_u32(addr + N.LINUX_SOCKADDR_NL_PID)


def _autobind(call, s):
    """A FreeBSD netlink socket that joins a group gets its messages without ever binding
    (route monitor does just that); Linux sends group messages only to a bound socket, so bind
    it the way Linux binds at a first send (port chosen by the kernel)."""
    if (yield from _portid(call, s)) != 0:
        return
    addr = call.alloc(LINUX_SOCKADDR_NL.size)
    call.mem.write(addr, LINUX_SOCKADDR_NL.pack(LINUX_AF_NETLINK, 0, 0, 0))
    check((yield lx.bind(s32(s), addr, LINUX_SOCKADDR_NL.size)))


def bind_address(call, s, addr: int, length: int):
    """bind(2) with nl_pid 0 on a socket that already has a port (one bsdulator bound, or
    Linux at a send) keeps that port, as the program asked the kernel to choose one."""
    if length < N.NETLINK_SIZES["sizeof(struct sockaddr_nl)"]:
        return
    if call.mem.read_u32(addr + N.LINUX_SOCKADDR_NL_PID) == 0:
        port = yield from _portid(call, s)
        if port:
            call.mem.write_u32(addr + N.LINUX_SOCKADDR_NL_PID, port)


def setsockopt(call, s, name, val, valsize):
    """SOL_NETLINK: Linux's options by the same names; NETLINK_MSG_INFO is accepted as FreeBSD
    does, but no originator control message is attached (snl treats its absence as unknown);
    the options FreeBSD leaves unsupported are ENOPROTOOPT."""
    name = s32(name)
    if name == MSG_INFO:
        if s32(valsize) < INT.size:
            raise FreeBSDError(EINVAL, "NETLINK_MSG_INFO value shorter than an int")
        call.mem.read(val, INT.size)
        return 0
    linux = OPTIONS.to_linux(name)
    if linux is None:
        raise FreeBSDError(ENOPROTOOPT, f"netlink option {name}")
    if name == ADD_MEMBERSHIP:
        yield from _autobind(call, s)
    return check((yield lx.setsockopt(s32(s), N.LINUX_SOL_NETLINK, linux, val, valsize)))


def getsockopt(call, s, name, val, avalsize):
    """SOL_NETLINK: the options Linux shares with FreeBSD, by the same names."""
    linux = OPTIONS.to_linux(s32(name))
    if linux is None:
        raise FreeBSDError(ENOPROTOOPT, f"netlink option {s32(name)}")
    return check((yield lx.getsockopt(s32(s), N.LINUX_SOL_NETLINK, linux, val, avalsize)))


# --- data ---------------------------------------------------------------------------------


def iovecs(call, iov: int, iovlen: int) -> list[tuple[int, int]]:
    """The program's (base, length) buffers of a msghdr; more than IOV_MAX is EMSGSIZE, as
    copyinuio says."""
    if iovlen > FREEBSD_LIMITS["IOV_MAX"]:
        raise FreeBSDError(EMSGSIZE, f"{iovlen} iovecs")
    raw = call.mem.read(iov, IOVEC * iovlen) if iovlen else b""
    vecs = [structs.unpack("iovec", raw[i * IOVEC : (i + 1) * IOVEC]) for i in range(iovlen)]
    return [(v["iov_base"], v["iov_len"]) for v in vecs]


def _send_limit(call, s):
    """FreeBSD's sosend refuses a datagram larger than the send buffer (EMSGSIZE); that bound
    also keeps the supervisor from copying an absurd length."""
    out, outlen = call.alloc(INT.size), call.alloc(INT.size)
    call.mem.write_u32(outlen, INT.size)
    check((yield lx.getsockopt(s32(s), LINUX_SOL_SOCKET, LINUX_SO["SO_SNDBUF"], out, outlen)))
    return INT.unpack(call.mem.read(out, INT.size))[0]


def outgoing(call, s, nl: NetlinkSocket, data_at: list[tuple[int, int]]):
    """The tracee's datagram (its buffers) translated into scratch: (address, length, FreeBSD
    length)."""
    total = sum(length for _, length in data_at)
    if total > (yield from _send_limit(call, s)):
        raise FreeBSDError(EMSGSIZE, f"netlink datagram of {total} bytes")
    data = b"".join(call.mem.read(base, length) for base, length in data_at)
    linux = request_to_linux(data, nl.protocol, nl.prefix_gets)
    tmp = call.alloc(max(len(linux), 1))
    call.mem.write(tmp, linux)
    return tmp, len(linux), total


def sendto(call, s, nl: NetlinkSocket, buf, length, flags: int, addr: int, alen: int):
    """send/sendto: the whole FreeBSD length is reported sent, as netlink sends whole datagrams."""
    tmp, size, total = yield from outgoing(call, s, nl, [(buf, length)])
    check((yield lx.sendto(s32(s), tmp, size, flags, addr, alen)))
    return total


def scatter(call, vecs: list[tuple[int, int]], data: bytes) -> int:
    """Write data across the tracee's buffers; how much fitted."""
    done = 0
    for base, room in vecs:
        if done >= len(data):
            break
        piece = data[done : done + room]
        call.mem.write(base, piece)
        done += len(piece)
    return done


def gather(call, vecs: list[tuple[int, int]], length: int) -> bytes:
    """The first length bytes across the tracee's buffers."""
    out = bytearray()
    for base, room in vecs:
        if len(out) >= length:
            break
        out += call.mem.read(base, min(room, length - len(out)))
    return bytes(out)


def recvfrom(call, s, nl: NetlinkSocket, buf, length, flags: int, linux_flags: int, out):
    """recv/recvfrom: Linux writes into the program's buffer, the translation replaces it.  A
    whole datagram of which FreeBSD would show nothing is skipped (consumed even under
    MSG_PEEK); one that did not fit is translated as far as it came.  MSG_TRUNC reports the
    translation's length, or Linux's when the datagram did not fit."""
    while True:
        got = check((yield lx.recvfrom(s32(s), buf, length, linux_flags, out.buf, out.lbuf)))
        data = reply_to_freebsd(call.mem.read(buf, min(got, length)), nl.protocol, nl.prefix_gets)
        if data or not got or got > length:
            break
        if flags & MSG_PEEK:
            yield lx.recvfrom(s32(s), buf, length, linux_flags & ~LINUX_MSG_PEEK, 0, 0)
    fitted = scatter(call, [(buf, length)], data)
    if flags & MSG_TRUNC:
        return got if got > length else len(data)
    return fitted


def recvmsg(call, s, nl: NetlinkSocket, vecs, flags: int, linux_flags: int, hdr: int):
    """recvmsg: as recvfrom, across the program's iovecs; (length, truncated)."""
    capacity = sum(room for _, room in vecs)
    while True:
        got = check((yield lx.recvmsg(s32(s), hdr, linux_flags)))
        data = reply_to_freebsd(gather(call, vecs, min(got, capacity)), nl.protocol, nl.prefix_gets)
        if data or not got or got > capacity:
            break
        if flags & MSG_PEEK:
            yield lx.recvmsg(s32(s), hdr, linux_flags & ~LINUX_MSG_PEEK)
    fitted = scatter(call, vecs, data)
    return fitted, fitted < len(data) or got > capacity
