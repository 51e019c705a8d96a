"""PF_ROUTE sockets: rt_msghdr requests (RTM_ADD, RTM_DELETE, RTM_CHANGE, RTM_GET) applied to
the caller's network namespace through pyroute2, and the answer read back, as rtsock.c's
route_output gives it.

The program's socket is one end of a Linux AF_UNIX SOCK_SEQPACKET pair it makes itself (an
injected socketpair(2)); the supervisor takes the other end (pidfd_getfd).  Why a pair: the
descriptor is a real socket the program reads, polls and selects natively, and the supervisor
can put messages on it at any time (answers, and what monitor.py announces from a thread that
serves the pair); SEQPACKET keeps each message whole, as a routing socket does, and tells that
thread when the program has closed its end.  Why not a Linux netlink socket translated on
read: read(2) runs natively in the fast loop, and an answer must be readable the moment
write(2) returns.  write(2) itself leaves the fast loop once the supervisor has a routing socket
(write() below): route(8) learns that a request was refused only from write's errno, as
route_output fails the write and queues the answer with rtm_errno.  rtm_pid is the creator's
pid as it sees itself (its PID namespace's number); a socket inherited over fork answers with
the creator's."""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import os
import select
import socket
import struct
import threading
from dataclasses import dataclass

from bsdulator import procfs, translate
from bsdulator.abi import netif as A
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_SO_OPTIONS,
    FREEBSD_SOCK_TYPES,
    FREEBSD_SOCKET_LEVELS,
    LINUX_ADDRESS_FAMILIES,
    LINUX_SOCK_TYPES,
)
from bsdulator.abi.jail import JAIL_SYS_NEW
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.native._native import lib
from bsdulator.net.backend import NetError
from bsdulator.process import effective_uid
from bsdulator.syscalls.kqueue.host import grab

from . import monitor, tables

EPROTONOSUPPORT, EINVAL, ESRCH, ENOENT, EOPNOTSUPP, ENOPROTOOPT, EPERM = (
    FREEBSD_ERRNO[n]
    for n in ("EPROTONOSUPPORT", "EINVAL", "ESRCH", "ENOENT", "EOPNOTSUPP", "ENOPROTOOPT", "EPERM")
)
FREEBSD_SOCK_RAW = FREEBSD_SOCK_TYPES["SOCK_RAW"]
SOCK_TYPE_MASK = 0x0FFFFFFF  # FreeBSD keeps SOCK_CLOEXEC/NONBLOCK above the type
LINUX_AF_UNIX = LINUX_ADDRESS_FAMILIES["AF_UNIX"]
LINUX_SEQPACKET = LINUX_SOCK_TYPES["SOCK_SEQPACKET"]
RTM = A.FREEBSD_RTM
RTA = A.FREEBSD_RTA
RTF = tables.RTF
FDS = struct.Struct("<ii")
BITS = 8  # bits in a byte
INT = struct.Struct("<i")
SOL_SOCKET = FREEBSD_SOCKET_LEVELS["SOL_SOCKET"]
SO_SETFIB = FREEBSD_SO_OPTIONS["SO_SETFIB"]
ACCEPTED_OPTIONS = {FREEBSD_SO_OPTIONS[n] for n in ("SO_SETFIB", "SO_USELOOPBACK")}
MAX_MESSAGE = 1 << 16  # rt_msghdr's rtm_msglen is a u_short


def parse(data: bytes) -> tuple[tuple, dict[int, bytes]]:
    """A request's header fields and its sockaddrs by RTA_* bit; EINVAL when malformed
    (route_output checks rtm_msglen and rtm_version; ours is the same)."""
    if len(data) < tables.HEADER.size + tables.METRICS.size:
        raise FreeBSDError(EINVAL, "routing message shorter than rt_msghdr")
    header = tables.Header(*tables.HEADER.unpack_from(data))
    if header.msglen != len(data) or header.version != tables.RTM_VERSION:
        raise FreeBSDError(EINVAL, "routing message length or version")
    found, at = {}, tables.HEADER.size + tables.METRICS.size
    for bit in tables.ORDER:
        if not header.addrs & bit:
            continue
        if at >= len(data):
            raise FreeBSDError(EINVAL, "routing message sockaddrs past its end")
        size = data[at]
        found[bit] = data[at : at + size]
        at += tables.sa_size(size)
    return header, found


def _ip(sa: bytes | None):
    """The address of a sockaddr_in/_in6 (a short netmask as FreeBSD writes it is padded)."""
    if not sa or len(sa) < 2:
        return None
    if sa[1] == tables.AF_INET:
        raw = sa[tables.SIN_ADDR : tables.SIN_ADDR + ipaddress.IPV4LENGTH // BITS]
        return ipaddress.IPv4Address(raw.ljust(ipaddress.IPV4LENGTH // BITS, b"\0"))
    if sa[1] == tables.AF_INET6:
        raw = sa[tables.SIN6_ADDR : tables.SIN6_ADDR + ipaddress.IPV6LENGTH // BITS]
        return ipaddress.IPv6Address(raw.ljust(ipaddress.IPV6LENGTH // BITS, b"\0"))
    return None


def _prefixlen(mask) -> int:
    return bin(int(mask)).count("1")


def answer(data: bytes, netns: int, pid: int, may_change: bool = True) -> bytes:
    """The reply to one request: the request back with rtm_errno, or RTM_GET's route.
    may_change: the creator holds PRIV_NET_ROUTE (root, and not in a jail without its own
    network stack, whose table is the host's): route_output refuses anything but RTM_GET
    without it (EPERM)."""
    header, addrs = parse(data)
    try:
        if header.type != RTM["RTM_GET"] and not may_change:
            raise FreeBSDError(EPERM, "changing routes needs PRIV_NET_ROUTE")
        return _serve(header, addrs, netns, pid)
    except FreeBSDError as e:
        reply = bytearray(data)
        tables.HEADER.pack_into(reply, 0, *header._replace(pid=pid, errno=e.errno))
        return bytes(reply)


def _serve(header, addrs, netns: int, pid: int) -> bytes:
    kind, flags, seq = header.type, header.flags, header.seq
    dst = _ip(addrs.get(RTA["RTA_DST"]))
    if dst is None:
        raise FreeBSDError(EINVAL, "routing message without a destination")
    mask = _ip(addrs.get(RTA["RTA_NETMASK"]))
    if kind == RTM["RTM_GET"]:  # the longest match, or the exact prefix a netmask names
        table, ifaces = _read(netns)
        route = tables.lookup(table, dst, None if mask is None else _prefixlen(mask))
        if route is None:
            raise FreeBSDError(ESRCH, f"no route to {dst}")
        return _get_reply(route, ifaces, pid, seq)
    if kind not in (RTM["RTM_ADD"], RTM["RTM_DELETE"], RTM["RTM_CHANGE"]):
        raise FreeBSDError(EOPNOTSUPP, f"routing message type {kind}")
    host = flags & RTF["RTF_HOST"] or mask is None
    prefixlen = dst.max_prefixlen if host else _prefixlen(mask)
    target = {"dst": str(ipaddress.ip_network(f"{dst}/{prefixlen}", strict=False))}
    gateway = addrs.get(RTA["RTA_GATEWAY"])
    if _ip(gateway) is not None:
        target["gateway"] = str(_ip(gateway))
    elif gateway and len(gateway) >= tables.SDL_HEAD.size and gateway[1] == tables.AF_LINK:
        target["oif"] = tables.SDL_HEAD.unpack_from(gateway)[2]  # route add … -interface IF
    _change(kind, netns, target)
    return tables.pack(kind, addrs, flags=flags | RTF["RTF_DONE"], pid=pid, seq=seq)


def _read(netns):
    try:
        return tables.read(netns)
    except NetError as e:
        raise FreeBSDError(EINVAL, str(e)) from None


def _get_reply(route, ifaces, pid, seq) -> bytes:
    """RTM_GET's answer: the route with the interface's link address (RTA_IFP) and the
    interface address packets leave with (RTA_IFA)."""
    out = ifaces.get(route.index) or ifaces.get(route.link)
    _header, addrs = parse(tables.route_message(RTM["RTM_GET"], route, ifaces))
    if out is not None:
        addrs[RTA["RTA_IFP"]] = tables.sockaddr_dl(out, out.index, True)
        same = [a.ip for a in out.addresses if a.version == route.network.version]
        if same:
            addrs[RTA["RTA_IFA"]] = tables.sockaddr_ip(same[0])
    return tables.pack(
        RTM["RTM_GET"],
        addrs,
        index=route.index,
        flags=route.flags | RTF["RTF_DONE"],
        pid=pid,
        seq=seq,
        mtu=out.mtu if out else 0,
    )


def _change(kind: int, netns: int, target: dict) -> None:
    """RTM_ADD/DELETE/CHANGE as a pyroute2 route request; Linux's errno becomes FreeBSD's
    (a change of a missing route is ENOENT on Linux, ESRCH in rtsock.c as for a delete)."""
    from pyroute2.netlink.exceptions import NetlinkError

    command = {RTM["RTM_ADD"]: "add", RTM["RTM_DELETE"]: "del", RTM["RTM_CHANGE"]: "change"}[kind]
    try:
        tables.in_netns(netns, lambda ipr: ipr.route(command, **target))
    except NetError as e:
        raise FreeBSDError(EINVAL, str(e)) from None
    except NetlinkError as e:
        errno = translate.errno_to_freebsd(e.code)
        raise FreeBSDError(ESRCH if errno == ENOENT else errno, str(e)) from None


@dataclass
class RoutingSocket:
    """The supervisor's side of one routing socket: its end of the pair, the creator's network
    namespace (held open: the creator may exit first) and pid."""

    sock: socket.socket
    nsfd: int
    pid: int
    may_change: bool  # see answer()


def write(call, fd, buf, nbyte):
    """write(2) while this supervisor has routing sockets: a request on one is answered before
    write returns, failing with the request's errno as route_output does; any other write is
    the same Linux call."""
    known = _sockets(call.sup)
    routing = known.get(procfs.fd_inode(call.proc.pid, s32(fd))) if known else None
    if routing is None:
        return check((yield lx.write(s32(fd), buf, nbyte)))
    if not nbyte or nbyte > MAX_MESSAGE:
        raise FreeBSDError(EINVAL, "routing message size")
    data = call.mem.read(buf, nbyte)
    reply = answer(data, routing.nsfd, routing.pid, routing.may_change)
    try:
        routing.sock.send(reply, socket.MSG_DONTWAIT)
    except OSError:
        pass  # the program shut its reading side (route(8) does), or its buffer is full
    error = tables.Header(*tables.HEADER.unpack_from(reply)).errno
    if error:
        raise FreeBSDError(error, "routing request refused")
    return nbyte


def _route_writes_here(sup) -> None:
    """From the first routing socket on, write(2) goes through write() above: route(8) learns
    a refused request only from write's errno, and read/write otherwise run natively."""
    known = _sockets(sup)
    if known.writes_trapped:
        return
    nr = next(e.nr for e in sup.table if e.name == "write")
    sup.table[nr] = dataclasses.replace(sup.table[nr], handler=write, linux_nr=None, fast="")
    if sup.fastpath is not None:
        sup.fastpath.to_python(nr)
    known.writes_trapped = True


def serve(routing: RoutingSocket, sup) -> None:
    """The supervisor's end of one routing socket, until the program closes its own: announces
    the creator's namespace's address and route changes (monitor.py), and answers what
    reaches it without write(2) (send, sendmsg, writev).  This thread lives in that namespace."""
    with routing.sock, _closing_fd(routing.nsfd), _forgotten(sup, routing):
        events = None
        try:
            if lib.bsdu_setns(routing.nsfd, tables.CLONE_NEWNET) == 0:
                events = monitor.listen()
        except OSError:
            pass  # requests are still answered
        with events or contextlib.nullcontext():
            while _serve_ready(routing, events):
                pass


def _serve_ready(routing: RoutingSocket, events: socket.socket | None) -> bool:
    """One round of serve(); False once the program has closed its end."""
    sock, nsfd = routing.sock, routing.nsfd
    try:
        ready, _, _ = select.select([sock, *([events] if events else [])], [], [])
    except (OSError, ValueError):
        return False
    replies = []
    if sock in ready:
        try:
            data = sock.recv(MAX_MESSAGE)
        except OSError:
            return False
        if not data:
            return False
        try:
            replies.append(answer(data, nsfd, routing.pid, routing.may_change))
        except Exception:  # route_output drops a malformed message; nothing stops the supervisor
            pass
    if events is not None and events in ready:
        try:
            data = events.recv(MAX_MESSAGE)
            replies += monitor.translate(data, tables.read(nsfd)[1])
        except Exception:  # a notification we cannot read is one route monitor misses
            pass
    for reply in replies:
        try:
            sock.send(reply, socket.MSG_DONTWAIT)
        except OSError:  # full: dropped, as rt_dispatch drops (ENOBUFS); or the program shut
            pass  # its reading side (route(8) does before a change)
    return True


def open_socket(call, kind: int, protocol: int):
    """socket(PF_ROUTE, SOCK_RAW, proto): the program's end of a pair the supervisor serves."""
    if kind & SOCK_TYPE_MASK != FREEBSD_SOCK_RAW:
        raise FreeBSDError(EPROTONOSUPPORT, "routing sockets are SOCK_RAW")
    flags = translate.SOCK_FLAGS.to_linux(kind & ~SOCK_TYPE_MASK)
    sv = call.alloc(FDS.size)
    check((yield lx.socketpair(LINUX_AF_UNIX, LINUX_SEQPACKET | flags, 0, sv)))
    ours, theirs = FDS.unpack(call.mem.read(sv, FDS.size))
    try:
        pidfd = os.pidfd_open(call.proc.pid)
        try:
            mine = grab(pidfd, theirs)
        finally:
            os.close(pidfd)
    except OSError:
        yield lx.close(ours)
        yield lx.close(theirs)
        raise FreeBSDError(EINVAL, "cannot serve the routing socket") from None
    yield lx.close(theirs)
    nspid = procfs.status(call.proc.pid).nspid
    pid = nspid[-1] if nspid else call.proc.pid
    try:
        nsfd = os.open(f"/proc/{call.proc.pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        os.close(mine)
        yield lx.close(ours)
        raise FreeBSDError(EINVAL, "the caller's network namespace is gone") from None
    routing = RoutingSocket(socket.socket(fileno=mine), nsfd, pid, _may_change(call))
    threading.Thread(
        target=serve, args=(routing, call.sup), name=f"rtsock-{call.proc.pid}", daemon=True
    ).start()
    inode = procfs.fd_inode(call.proc.pid, ours)
    if inode is not None:
        _sockets(call.sup)[inode] = routing
    _route_writes_here(call.sup)
    return ours


@contextlib.contextmanager
def _forgotten(sup, routing: RoutingSocket):
    try:
        yield
    finally:
        known = _sockets(sup)
        for inode in [i for i, r in list(known.items()) if r is routing]:  # another thread adds
            known.pop(inode, None)


@contextlib.contextmanager
def _closing_fd(fd: int):
    try:
        yield
    finally:
        os.close(fd)


def _may_change(call) -> bool:
    """PRIV_NET_ROUTE: root, unjailed or in a jail with its own network stack (vnet=new)."""
    if effective_uid(call.proc.pid) != 0:
        return False
    return not call.proc.jail or call.sup.jails.record(call.proc.jail).get("vnet") == JAIL_SYS_NEW


class RoutingSockets(dict[int, RoutingSocket]):
    """Socket inode of the program's end → RoutingSocket, for every one this supervisor made;
    writes_trapped once write(2) goes through write() above."""

    writes_trapped = False


def _sockets(sup) -> RoutingSockets:
    return sup.state(RoutingSockets)


def is_routing(call, fd: int) -> bool:
    """Whether descriptor fd is a routing socket (by inode: dups and children count too)."""
    known = _sockets(call.sup)
    return bool(known) and procfs.fd_inode(call.proc.pid, s32(fd)) in known


def setsockopt(call, level: int, name: int, val: int, valsize: int) -> int:
    """The options route(8) and routed set: SO_SETFIB (FIB 0 is the only one) and
    SO_USELOOPBACK/SO_REUSE* (accepted, as every reply goes to its sender anyway)."""
    if s32(level) != SOL_SOCKET or s32(name) not in ACCEPTED_OPTIONS:
        raise FreeBSDError(ENOPROTOOPT, f"routing socket option {level:#x}/{name:#x}")
    if s32(name) == SO_SETFIB:
        if s32(valsize) != INT.size:
            raise FreeBSDError(EINVAL, "SO_SETFIB takes an int")
        if INT.unpack(call.mem.read(val, INT.size))[0] != 0:
            raise FreeBSDError(EINVAL, "only FIB 0 exists")
    return 0


def install(sup) -> None:
    """Nothing to register: socket(2) hands AF_ROUTE here (syscalls/socket.py)."""
