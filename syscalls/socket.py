"""Sockets: families, types, addresses, options and control messages translated.

AF_ROUTE (routing sockets) is not here: socket(2) hands it to syscalls/route/rtsock.py."""

import struct

from bsdulator import structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_ADDRESS_FAMILIES,
    FREEBSD_CMSG,
    FREEBSD_MSG_FLAGS,
    FREEBSD_SOCK_TYPES,
    FREEBSD_SOCKET_LEVELS,
    LINUX_SOCKET_LEVELS,
)
from bsdulator.abi.flags import (
    LINUX_SO_OPTIONS as LINUX_SO,
)
from bsdulator.abi.jail import JAIL_SYS_NEW
from bsdulator.abi.limits import SOCKADDR_STORAGE_SIZE
from bsdulator.abi.netlink import FREEBSD_SOL_NETLINK
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import inetcontrol, ipjail, localsock, rawip
from bsdulator.syscalls.jail import leads_outside, refuse_in_jail
from bsdulator.syscalls.netlink import sockets as netlink
from bsdulator.syscalls.route import rtsock
from bsdulator.table import Support, handler

EINVAL, EAFNOSUPPORT, EPROTONOSUPPORT, ENOPROTOOPT = (
    FREEBSD_ERRNO[n] for n in ("EINVAL", "EAFNOSUPPORT", "EPROTONOSUPPORT", "ENOPROTOOPT")
)
SOCKADDR_MAX = SOCKADDR_STORAGE_SIZE["sizeof(struct sockaddr_storage)"]  # the same on both systems
SOCK_TYPE_MASK = 0x0FFFFFFF  # FreeBSD keeps SOCK_CLOEXEC/NONBLOCK above the type
FREEBSD_SOCK_RAW = FREEBSD_SOCK_TYPES["SOCK_RAW"]
FREEBSD_AF_NETLINK = FREEBSD_ADDRESS_FAMILIES["AF_NETLINK"]
FREEBSD_AF_INET = FREEBSD_ADDRESS_FAMILIES["AF_INET"]
FREEBSD_AF_ROUTE = FREEBSD_ADDRESS_FAMILIES["AF_ROUTE"]
JAIL_FAMILIES = {
    FREEBSD_ADDRESS_FAMILIES[n] for n in ("AF_LOCAL", "AF_INET", "AF_INET6", "AF_ROUTE")
}
FREEBSD_SOL_SOCKET, LINUX_SOL_SOCKET = (
    FREEBSD_SOCKET_LEVELS["SOL_SOCKET"],
    LINUX_SOCKET_LEVELS["SOL_SOCKET"],
)
SCM_RIGHTS = FREEBSD_CMSG["SCM_RIGHTS"]  # the same number on both
FREEBSD_MSG_CTRUNC = FREEBSD_MSG_FLAGS["MSG_CTRUNC"]
FREEBSD_MSGHDR, LINUX_MSGHDR = structs.sizeof("msghdr"), structs.sizeof("linux_msghdr")
FREEBSD_CMSGHDR_LEN = FREEBSD_CMSG["CMSG_LEN(0)"]  # CMSG_DATA's offset, as on Linux
CMSGHDR_SIZE = structs.sizeof("cmsghdr")


def _family(domain: int) -> int:
    linux = translate.ADDRESS_FAMILIES.to_linux(s32(domain))
    if linux is None:
        raise FreeBSDError(EAFNOSUPPORT, f"address family {domain}")
    return linux


def _type(kind: int) -> int:
    base = translate.SOCK_TYPES.to_linux(kind & SOCK_TYPE_MASK)
    if base is None:
        raise FreeBSDError(EPROTONOSUPPORT, f"socket type {kind:#x}")
    return base | translate.SOCK_FLAGS.to_linux(kind & ~SOCK_TYPE_MASK)


def _jail_family(call, domain: int) -> None:
    """prison_check_af: a jail without its own network stack makes only local, IP and routing
    sockets unless allow.socket_af; socreate says EPROTONOSUPPORT."""
    if not call.proc.jail:
        return
    ipjail.check_family(call, domain)
    if s32(domain) in JAIL_FAMILIES:
        return
    record = call.sup.jails.record(call.proc.jail)
    if not record.get("allow.socket_af") and record.get("vnet") != JAIL_SYS_NEW:
        raise FreeBSDError(
            EPROTONOSUPPORT, f"address family {domain} in a jail without allow.socket_af"
        )


@handler("socket", Support.TRANSLATED, "families, types and SOCK_CLOEXEC/NONBLOCK translated")
def sys_socket(call, domain, kind, protocol):
    """Implements FreeBSD socket(2)."""
    if s32(domain) == FREEBSD_AF_ROUTE:
        _jail_family(call, domain)
        return (yield from rtsock.open_socket(call, kind, s32(protocol)))
    family = _family(domain)
    _jail_family(call, domain)
    netlink_socket = s32(domain) == FREEBSD_AF_NETLINK
    # PRIV_NETINET_RAW is raw IP's check; a raw netlink socket needs no privilege.
    if kind & SOCK_TYPE_MASK == FREEBSD_SOCK_RAW and not netlink_socket:
        refuse_in_jail(call, "raw sockets", allow="allow.raw_sockets")
    fd = check((yield lx.socket(family, _type(kind), s32(protocol))))
    if netlink_socket:
        netlink.created(call, fd, s32(protocol))
    elif kind & SOCK_TYPE_MASK == FREEBSD_SOCK_RAW and s32(domain) == FREEBSD_AF_INET:
        yield from rawip.created(call, fd)
    return fd


@handler("socketpair", Support.TRANSLATED, "families and types translated")
def sys_socketpair(call, domain, kind, protocol, sv):
    """Implements FreeBSD socketpair(2)."""
    family = _family(domain)
    _jail_family(call, domain)
    return check((yield lx.socketpair(family, _type(kind), s32(protocol), sv)))


def _sockaddr(call, addr: int, length: int) -> bytes:
    """The FreeBSD sockaddr the program passed (the length argument wins over sa_len)."""
    length &= 0xFFFFFFFF
    if length > 255:
        raise FreeBSDError(EINVAL, "sockaddr longer than 255")
    return call.mem.read(addr, length)


def _addr_in(call, addr: int, length: int, remote: bool = False) -> tuple[int, int]:
    """A FreeBSD sockaddr from the program, rewritten for Linux in scratch memory; a jailed
    caller's destination (remote) as its jail makes it (ipjail)."""
    if not addr:
        return 0, 0
    fbsd = _sockaddr(call, addr, length)
    if remote and call.proc.jail:
        fbsd = ipjail.remote(call, fbsd)
    linux = structs.sockaddr_to_linux(fbsd)
    tmp = call.alloc(len(linux))
    call.mem.write(tmp, linux)
    return tmp, len(linux)


class _AddrOut:
    """A (sockaddr *, socklen_t *) result pair: Linux fills scratch, we copy FreeBSD's back."""

    def __init__(self, call, addr: int, lenp: int):
        self.call, self.addr, self.lenp = call, addr, lenp
        self.buf = self.lbuf = 0
        if addr and lenp:
            self.buf = call.alloc(SOCKADDR_MAX)
            self.lbuf = call.alloc(4)
            call.mem.write_u32(self.lbuf, SOCKADDR_MAX)

    def copy_back(self) -> None:
        if not self.buf:
            return
        got = min(self.call.mem.read_u32(self.lbuf), SOCKADDR_MAX)
        fbsd = structs.sockaddr_to_freebsd(self.call.mem.read(self.buf, got))
        room = self.call.mem.read_u32(self.lenp)
        self.call.mem.write(self.addr, fbsd[:room])
        self.call.mem.write_u32(self.lenp, len(fbsd))


@handler("bind", Support.TRANSLATED, "sockaddr translated; a jail's addresses enforced (ipjail)")
def sys_bind(call, s, name, namelen):
    """Implements FreeBSD bind(2)."""
    if name and call.proc.jail and ipjail.bind(call, s, _sockaddr(call, name, namelen)):
        return 0
    addr, length = _addr_in(call, name, namelen)
    if addr and netlink.socket_of(call, s) is not None:
        yield from netlink.bind_address(call, s, addr, length)
    return check((yield lx.bind(s32(s), addr, length)))


@handler("connect", Support.TRANSLATED, "sockaddr translated; a jail's addresses enforced (ipjail)")
def sys_connect(call, s, name, namelen):
    """Implements FreeBSD connect(2)."""
    addr, length = _addr_in(call, name, namelen, remote=True)
    ipjail.bind_unbound(call, s)
    return check((yield lx.connect(s32(s), addr, length)))


@handler("listen", Support.TRANSLATED, "in an IP jail, an unbound socket takes the jail's address")
def sys_listen(call, s, backlog):
    """Implements FreeBSD listen(2)."""
    ipjail.bind_unbound(call, s)
    return check((yield lx.listen(s32(s), s32(backlog))))


def _accept(call, s, name, anamelen, flags):
    out = _AddrOut(call, name, anamelen)
    fd = check((yield lx.accept4(s32(s), out.buf, out.lbuf, translate.SOCK_FLAGS.to_linux(flags))))
    out.copy_back()
    return fd


@handler("accept", Support.TRANSLATED, "sockaddr translated")
def sys_accept(call, s, name, anamelen):
    """Implements FreeBSD accept(2)."""
    return (yield from _accept(call, s, name, anamelen, 0))


@handler("accept4", Support.TRANSLATED, "sockaddr and SOCK_CLOEXEC/NONBLOCK translated")
def sys_accept4(call, s, name, anamelen, flags):
    """Implements FreeBSD accept4(2): flags other than SOCK_CLOEXEC/SOCK_NONBLOCK are EINVAL
    (kern_accept4), not ignored."""
    if translate.SOCK_FLAGS.unknown_freebsd(s32(flags) & 0xFFFFFFFF):
        raise FreeBSDError(EINVAL, f"accept4 flags {s32(flags):#x}")
    return (yield from _accept(call, s, name, anamelen, flags))


def _address_of(call, linux_call, fdes, asa, alen):
    """getsockname/getpeername: the Linux call into a buffer of ours, the sockaddr translated
    back."""
    out = _AddrOut(call, asa, alen)
    check((yield linux_call(s32(fdes), out.buf, out.lbuf)))
    out.copy_back()
    return 0


@handler("getsockname", Support.TRANSLATED, "sockaddr translated")
def sys_getsockname(call, fdes, asa, alen):
    """Implements FreeBSD getsockname(2)."""
    return (yield from _address_of(call, lx.getsockname, fdes, asa, alen))


@handler("getpeername", Support.TRANSLATED, "sockaddr translated")
def sys_getpeername(call, fdes, asa, alen):
    """Implements FreeBSD getpeername(2)."""
    return (yield from _address_of(call, lx.getpeername, fdes, asa, alen))


def _msg_flags(flags: int) -> int:
    return translate.MSG_FLAGS.to_linux(flags & 0xFFFFFFFF)


@handler("sendto", Support.TRANSLATED, "sockaddr, MSG_* and netlink messages translated")
def sys_sendto(call, s, buf, length, flags, to, tolen):
    """Implements FreeBSD sendto(2)."""
    addr, alen = _addr_in(call, to, tolen, remote=True)
    if addr:
        ipjail.bind_unbound(call, s)
    nl = netlink.socket_of(call, s)
    if nl is not None:
        return (yield from netlink.sendto(call, s, nl, buf, length, _msg_flags(flags), addr, alen))
    return check((yield lx.sendto(s32(s), buf, length, _msg_flags(flags), addr, alen)))


@handler("recvfrom", Support.TRANSLATED, "sockaddr, MSG_* and netlink messages translated")
def sys_recvfrom(call, s, buf, length, flags, frm, fromlenaddr):
    """Implements FreeBSD recvfrom(2)."""
    out = _AddrOut(call, frm, fromlenaddr)
    nl = netlink.socket_of(call, s)
    if nl is not None:
        got = yield from netlink.recvfrom(call, s, nl, buf, length, flags, _msg_flags(flags), out)
    else:
        got = check((yield lx.recvfrom(s32(s), buf, length, _msg_flags(flags), out.buf, out.lbuf)))
    out.copy_back()
    return got


@handler("shutdown", Support.TRANSLATED, "SHUT_* values checked")
def sys_shutdown(call, s, how):
    """Implements FreeBSD shutdown(2)."""
    linux = translate.SHUT_HOW.to_linux(s32(how))
    if linux is None:
        raise FreeBSDError(EINVAL)
    return check((yield lx.shutdown(s32(s), linux)))


def _sockopt(level: int, name: int) -> tuple[int, int]:
    pair = translate.sockopt_to_linux(s32(level), s32(name))
    if pair is None:
        raise FreeBSDError(ENOPROTOOPT, f"socket option {level:#x}/{name:#x}")
    return pair


@handler(
    "setsockopt", Support.TRANSLATED, "levels and option names translated; values pass as they are"
)
def sys_setsockopt(call, s, level, name, val, valsize):
    """Implements FreeBSD setsockopt(2)."""
    if s32(level) == FREEBSD_SOL_NETLINK:
        return (yield from netlink.setsockopt(call, s, name, val, valsize))
    if rtsock.is_routing(call, s):
        return rtsock.setsockopt(call, level, name, val, valsize)
    if (s32(level), s32(name)) == (FREEBSD_SOL_SOCKET, inetcontrol.SO_TS_CLOCK):
        return inetcontrol.set_ts_clock(call, s, val, valsize)
    if (s32(level), s32(name)) == (rawip.IPPROTO_IPV6, rawip.IPV6_USE_MIN_MTU):
        return (yield from rawip.use_min_mtu(call, s, val, valsize))
    if (s32(level), s32(name)) == (rawip.IPPROTO_ICMPV6, rawip.ICMP6_FILTER):
        return (yield from rawip.set_icmp6_filter(call, s, val, valsize))
    llevel, lname = _sockopt(level, name)
    jailed_source = call.proc.jail and (llevel, lname) == ipjail.LINUX_IPV6_PKTINFO
    if jailed_source and ipjail.set_pktinfo(call, s, val, valsize):
        return 0
    return check((yield lx.setsockopt(s32(s), llevel, lname, val, valsize)))


@handler(
    "getsockopt",
    Support.TRANSLATED,
    "levels and option names translated; SO_TYPE/SO_ERROR values too; SOL_LOCAL in "
    "syscalls/localsock",
)
def sys_getsockopt(call, s, level, name, val, avalsize):
    """Implements FreeBSD getsockopt(2)."""
    if s32(level) == FREEBSD_SOL_NETLINK:
        return (yield from netlink.getsockopt(call, s, name, val, avalsize))
    if (s32(level), s32(name)) == (FREEBSD_SOL_SOCKET, inetcontrol.SO_TS_CLOCK):
        return inetcontrol.get_ts_clock(call, s, val, avalsize)
    if (s32(level), s32(name)) == (rawip.IPPROTO_ICMPV6, rawip.ICMP6_FILTER):
        return (yield from rawip.get_icmp6_filter(call, s, val, avalsize))
    if (yield from localsock.is_local(call, s, level)):
        return (yield from localsock.getsockopt(call, s, name, val, avalsize))
    llevel, lname = _sockopt(level, name)
    check((yield lx.getsockopt(s32(s), llevel, lname, val, avalsize)))
    if val and llevel == LINUX_SOL_SOCKET and lname in (LINUX_SO["SO_TYPE"], LINUX_SO["SO_ERROR"]):
        value = s32(call.mem.read_u32(val))
        if lname == LINUX_SO["SO_TYPE"]:
            call.mem.write_u32(val, translate.SOCK_TYPES.to_freebsd(value, value))
        else:
            call.mem.write_u32(val, translate.errno_to_freebsd(value))
    return 0


# -- sendmsg/recvmsg: msghdr and cmsghdr have different layouts -----------------------


def _control_to_linux(data: bytes) -> bytes:
    """FreeBSD control messages → Linux ones (same CMSG_LEN/SPACE, different headers)."""
    out, off = bytearray(), 0
    while off + CMSGHDR_SIZE <= len(data):
        clen, level, ctype = struct.unpack_from("<Iii", data, off)
        if clen < CMSGHDR_SIZE or off + clen > len(data):
            raise FreeBSDError(EINVAL, "bad cmsg_len")
        if level != FREEBSD_SOL_SOCKET or ctype != SCM_RIGHTS:
            raise FreeBSDError(EINVAL, f"control message {level:#x}/{ctype} not supported")
        payload = data[off + FREEBSD_CMSGHDR_LEN : off + clen]
        out += (
            struct.pack("<Qii", FREEBSD_CMSGHDR_LEN + len(payload), LINUX_SOL_SOCKET, SCM_RIGHTS)
            + payload
        )
        out += bytes(-len(out) % 8)
        off += (clen + 7) & ~7
    return bytes(out)


def _control_to_freebsd(data: bytes, ts_clock: int) -> bytes:
    """Linux control messages → FreeBSD ones; a timestamp in the format ts_clock (SO_TS_CLOCK)
    asks for."""
    out, off = bytearray(), 0
    while off + 16 <= len(data):
        clen, level, ctype = struct.unpack_from("<Qii", data, off)
        if clen < 16:
            break
        payload = data[off + 16 : off + clen]
        flevel = FREEBSD_SOL_SOCKET if level == LINUX_SOL_SOCKET else level
        if level == LINUX_SOL_SOCKET and ctype == inetcontrol.LINUX_SCM_TIMESTAMP:
            ctype, payload = inetcontrol.timestamp(payload, ts_clock)
        elif level == inetcontrol.IPPROTO_IP:
            ctype, payload = inetcontrol.ip_message(ctype, payload) or (ctype, payload)
        elif level == inetcontrol.IPPROTO_IPV6:
            ctype = inetcontrol.ipv6_message(ctype)
        out += (
            struct.pack("<Iii", FREEBSD_CMSGHDR_LEN + len(payload), flevel, ctype)
            + bytes(4)
            + payload
        )
        out += bytes(-len(out) % 8)
        off += (clen + 7) & ~7
    return bytes(out)


def _linux_msghdr(call, msg_addr: int, receiving: bool):
    m = structs.unpack("msghdr", call.mem.read(msg_addr, FREEBSD_MSGHDR))
    # The header first, nearest the stack in use: a large control buffer below it may reach
    # stack pages not mapped yet, which Linux's own copy-out grows into but a write of ours
    # cannot (ping6 asks for 10 KB of control messages).
    hdr = call.alloc(LINUX_MSGHDR)
    name, namelen = m["msg_name"], m["msg_namelen"]
    if receiving:
        lname = call.alloc(SOCKADDR_MAX) if name else 0
        lnamelen = SOCKADDR_MAX if name else 0
    else:
        lname, lnamelen = _addr_in(call, name, namelen, remote=True)
    ctl, ctllen = m["msg_control"], m["msg_controllen"]
    lctl, lctllen = 0, 0
    if ctl and ctllen:
        if receiving:
            lctllen = ctllen + 64
            lctl = call.alloc(lctllen)
        else:
            linux = _control_to_linux(call.mem.read(ctl, ctllen))
            lctl, lctllen = call.alloc(len(linux)), len(linux)
            call.mem.write(lctl, linux)
    call.mem.write(
        hdr,
        structs.pack(
            "linux_msghdr",
            msg_name=lname,
            msg_namelen=lnamelen,
            msg_iov=m["msg_iov"],
            msg_iovlen=m["msg_iovlen"],
            msg_control=lctl,
            msg_controllen=lctllen,
        ),
    )
    return m, hdr


def _keep_inside(call, data: bytes) -> tuple[bytes, list[int]]:
    """SCM_RIGHTS for a jailed receiver: directories from outside its root are closed, as a
    way out of the jail (the receiver sees MSG_CTRUNC)."""
    out, dropped, off = bytearray(), [], 0
    while off + 16 <= len(data):
        clen, level, ctype = struct.unpack_from("<Qii", data, off)
        if clen < 16:
            break
        payload = data[off + 16 : off + clen]
        if level == LINUX_SOL_SOCKET and ctype == SCM_RIGHTS:
            fds = list(struct.unpack(f"<{len(payload) // 4}i", payload[: len(payload) // 4 * 4]))
            bad = [fd for fd in fds if leads_outside(call.proc.pid, fd)]
            dropped += bad
            kept = [fd for fd in fds if fd not in bad]
            payload = struct.pack(f"<{len(kept)}i", *kept)
            if not kept:
                off += (clen + 7) & ~7
                continue
        out += struct.pack("<Qii", 16 + len(payload), level, ctype) + payload
        out += bytes(-len(out) % 8)
        off += (clen + 7) & ~7
    return bytes(out), dropped


@handler(
    "sendmsg",
    Support.PARTIAL,
    "control messages other than SCM_RIGHTS: SCM_CREDS, SCM_TIMESTAMP… (EINVAL)",
)
def sys_sendmsg(call, s, msg, flags):
    """Implements FreeBSD sendmsg(2)."""
    m, hdr = _linux_msghdr(call, msg, receiving=False)
    if m["msg_name"]:
        ipjail.bind_unbound(call, s)
    nl = netlink.socket_of(call, s)
    if nl is not None:
        vecs = netlink.iovecs(call, m["msg_iov"], m["msg_iovlen"])
        data, size, total = yield from netlink.outgoing(call, s, nl, vecs)
        iov = call.alloc(structs.sizeof("iovec"))
        call.mem.write(iov, structs.pack("iovec", iov_base=data, iov_len=size))
        call.mem.write(hdr + structs.offsetof("linux_msghdr", "msg_iov"), iov.to_bytes(8, "little"))
        call.mem.write(
            hdr + structs.offsetof("linux_msghdr", "msg_iovlen"), (1).to_bytes(8, "little")
        )
        check((yield lx.sendmsg(s32(s), hdr, _msg_flags(flags))))
        return total
    return check((yield lx.sendmsg(s32(s), hdr, _msg_flags(flags))))


@handler(
    "recvmsg", Support.TRANSLATED, "msghdr, sockaddr, SCM_RIGHTS and netlink messages translated"
)
def sys_recvmsg(call, s, msg, flags):
    """Implements FreeBSD recvmsg(2)."""
    m, hdr = _linux_msghdr(call, msg, receiving=True)
    nl = netlink.socket_of(call, s)
    truncated = False
    if nl is not None:
        vecs = netlink.iovecs(call, m["msg_iov"], m["msg_iovlen"])
        got, truncated = yield from netlink.recvmsg(
            call, s, nl, vecs, flags, _msg_flags(flags), hdr
        )
    else:
        got = check((yield lx.recvmsg(s32(s), hdr, _msg_flags(flags))))
    lm = structs.unpack("linux_msghdr", call.mem.read(hdr, LINUX_MSGHDR))
    fields = {"msg_flags": translate.MSG_FLAGS.to_freebsd(lm["msg_flags"])}
    if truncated:
        fields["msg_flags"] |= FREEBSD_MSG_FLAGS["MSG_TRUNC"]
    if m["msg_name"]:
        fbsd = structs.sockaddr_to_freebsd(
            call.mem.read(lm["msg_name"], min(lm["msg_namelen"], SOCKADDR_MAX))
        )
        call.mem.write(m["msg_name"], fbsd[: m["msg_namelen"]])
        fields["msg_namelen"] = len(fbsd)
    if m["msg_control"] and m["msg_controllen"]:
        linux_ctl = call.mem.read(lm["msg_control"], lm["msg_controllen"])
        if call.proc.jail:
            linux_ctl, dropped = _keep_inside(call, linux_ctl)
            for fd in dropped:
                yield lx.close(fd)
            if dropped:
                fields["msg_flags"] |= FREEBSD_MSG_CTRUNC
        ctl = _control_to_freebsd(linux_ctl, inetcontrol.ts_clock_of(call, s))
        ctl = ctl[: m["msg_controllen"]]
        call.mem.write(m["msg_control"], ctl)
        fields["msg_controllen"] = len(ctl)
    else:
        fields["msg_controllen"] = 0
    for name, value in fields.items():
        call.mem.write_u32(msg + structs.offsetof("msghdr", name), value)
    return got
