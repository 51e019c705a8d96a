"""IP jails: the addresses a jail without its own network stack may use (sys/netinet/in_jail.c,
netinet6/in6_jail.c, in_pcb.c).

A jail limits a family when it was made with `ip4.addr`/`ip6.addr` or `ip4=disable` (stored as
ip4 = JAIL_SYS_DISABLE with its addresses, none meaning the family is off); `inherit` takes the
parent's limits, and a vnet jail has its own stack and no limits.  Every jailed process is traced,
so the supervisor applies FreeBSD's checks to the addresses of bind, connect, sendto and sendmsg
and binds an unbound socket to the jail's address before connect, sendto, sendmsg and listen:

- prison_local_ip4/6 (bind): the unspecified address becomes the jail's first address (FreeBSD
  keeps it when the jail has several and filters lookups per jail instead, which Linux cannot:
  here the socket takes the first one); the loopback address becomes the jail's first address
  unless the jail has it; any other address not the jail's is EADDRNOTAVAIL.
- prison_remote_ip4/6 (connect, sendto): the loopback address becomes the jail's first address.
- in_pcbladdr (connect, sendto, listen on an unbound socket): the source is the jail's first
  address, as FreeBSD picks it (ip4.saddrsel only chooses among the jail's own addresses).

The binds themselves are the supervisor's (see below), so what a jailed socket is bound to never
depends on memory the program can change meanwhile; the destination rewrite (loopback) keeps no
one in or out, and goes through the program's memory like every other argument."""

import ctypes
import ipaddress
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from bsdulator import procfs, structs, translate
from bsdulator.abi.capabilities import LINUX_CAPS
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_IPPROTO, LINUX_IPV6_OPTIONS
from bsdulator.abi.jail import JAIL_SYS_DISABLE, JAIL_SYS_NEW
from bsdulator.abi.limits import SOCKADDR_STORAGE_SIZE
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.net import FREEBSD_INADDR, FREEBSD_IPPORT
from bsdulator.engine import s32
from bsdulator.errors import FreeBSDError

EACCES, EADDRNOTAVAIL, EAFNOSUPPORT, EPROTONOSUPPORT = (
    FREEBSD_ERRNO[n] for n in ("EACCES", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EPROTONOSUPPORT")
)
CAP_NET_BIND_SERVICE = LINUX_CAPS["CAP_NET_BIND_SERVICE"]
EINVAL = FREEBSD_ERRNO["EINVAL"]
LINUX_IPV6_PKTINFO = (LINUX_IPPROTO["IPPROTO_IPV6"], LINUX_IPV6_OPTIONS["IPV6_PKTINFO"])
AF_INET, AF_INET6 = (FREEBSD_ADDRESS_FAMILIES[n] for n in ("AF_INET", "AF_INET6"))
SOCKADDR_MAX = SOCKADDR_STORAGE_SIZE["sizeof(struct sockaddr_storage)"]
LOOPBACK = {
    AF_INET: ipaddress.IPv4Address(FREEBSD_INADDR["INADDR_LOOPBACK"]),
    AF_INET6: ipaddress.IPv6Address("::1"),  # in6addr_loopback (RFC 4291)
}
V4MAPPED_PREFIX = bytes(10) + b"\xff\xff"  # ::ffff:0:0/96 (RFC 4291 2.5.5.2)
# family -> (jail parameter prefix, sockaddr layout, address field, its size)
FAMILIES = {
    AF_INET: ("ip4", "sockaddr_in", "sin_addr", ipaddress.IPV4LENGTH // 8),
    AF_INET6: ("ip6", "sockaddr_in6", "sin6_addr", ipaddress.IPV6LENGTH // 8),
}


@dataclass(frozen=True)
class Limits:
    """The addresses a jail may use per family (FreeBSD family number): a family not in it is
    unlimited; an empty tuple means the family is off."""

    addrs: dict[int, tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]]

    def __bool__(self) -> bool:
        return bool(self.addrs)


def limits_of(record, parent_of) -> Limits:
    """The limits of a jail record, walking `inherit` up through parent_of(record) (None above
    the top)."""
    addrs = {}
    for family, (prefix, *_) in FAMILIES.items():
        pr = record
        while pr is not None and pr.jid != 0 and pr.get("vnet") != JAIL_SYS_NEW:
            if pr.get(prefix) == JAIL_SYS_DISABLE:
                listed = pr.get(f"{prefix}.addr") or ()
                addrs[family] = tuple(ipaddress.ip_address(a) for a in listed)
                break
            pr = parent_of(pr)
    return Limits(addrs)


class _Parts(NamedTuple):
    family: int  # the sockaddr's family
    layout: str
    field: str
    address: ipaddress.IPv4Address | ipaddress.IPv6Address  # as the sockaddr holds it
    judged: int  # the family whose limits apply: IPv4's for an IPv4-mapped IPv6 address
    as_judged: ipaddress.IPv4Address | ipaddress.IPv6Address

    def replaced(self, sockaddr: bytes, address) -> bytes:
        """sockaddr with address (of the judged family) in place of its own."""
        if self.judged != self.family:  # back into the IPv4-mapped form
            address = ipaddress.IPv6Address(V4MAPPED_PREFIX + address.packed)
        off = structs.offsetof(self.layout, self.field)
        packed = address.packed
        return sockaddr[:off] + packed + sockaddr[off + len(packed) :]


def _split(sockaddr: bytes) -> _Parts | None:
    """An IPv4/IPv6 sockaddr long enough to hold its address (Linux takes a 24-byte sockaddr_in6
    without sin6_scope_id, RFC 2133's); None for anything else (the normal translation judges
    it)."""
    if len(sockaddr) < 2 or sockaddr[1] not in FAMILIES:
        return None
    family = sockaddr[1]
    _, layout, name, width = FAMILIES[family]
    off = structs.offsetof(layout, name)
    if len(sockaddr) < off + width:
        return None
    address = ipaddress.ip_address(sockaddr[off : off + width])
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return _Parts(family, layout, name, address, AF_INET, mapped)
    return _Parts(family, layout, name, address, family, address)


def local_address(limits: Limits, sockaddr: bytes) -> bytes:
    """prison_local_ip4/6: the address bind(2) really binds, or EADDRNOTAVAIL/EAFNOSUPPORT; an
    IPv4-mapped IPv6 address is judged as the IPv4 address it maps (in6_pcbbind)."""
    parts = _split(sockaddr)
    if parts is None or parts.judged not in limits.addrs:
        return sockaddr
    allowed, address = limits.addrs[parts.judged], parts.as_judged
    if not allowed:
        raise FreeBSDError(EAFNOSUPPORT, "the jail has no addresses of this family")
    if address in allowed:
        return sockaddr
    if address.is_unspecified or address == LOOPBACK[parts.judged]:
        return parts.replaced(sockaddr, allowed[0])
    raise FreeBSDError(EADDRNOTAVAIL, f"{address} is not the jail's")


def remote_address(limits: Limits, sockaddr: bytes) -> bytes:
    """prison_remote_ip4/6: the loopback address is the jail's first address when the jail does
    not have it."""
    parts = _split(sockaddr)
    if parts is None or not limits.addrs.get(parts.judged):
        return sockaddr
    allowed = limits.addrs[parts.judged]
    if parts.as_judged == LOOPBACK[parts.judged] and parts.as_judged not in allowed:
        return parts.replaced(sockaddr, allowed[0])
    return sockaddr


def source_sockaddr(limits: Limits, family: int) -> bytes | None:
    """The FreeBSD sockaddr (the jail's first address, port 0) an unbound socket of family is
    bound to before it connects, sends or listens; None when the family is not limited."""
    if not limits.addrs.get(family):
        return None
    size = structs.sizeof(FAMILIES[family][1])
    unspecified = bytes([size, family]) + bytes(size - 2)
    return _split(unspecified).replaced(unspecified, limits.addrs[family][0])


# --- the supervisor side -------------------------------------------------------------------
# The binds that keep a jail to its addresses are made by the supervisor on its own copy of the
# program's socket (pidfd_getfd), from its own memory: an address checked in the program's
# memory could be changed by another of its threads before the kernel reads it.

_libc = ctypes.CDLL(None, use_errno=True)


def limits(call) -> Limits | None:
    """The caller's limits; None outside a jail or in a jail that limits nothing."""
    if not call.proc.jail:
        return None
    jails = call.sup.jails
    found = limits_of(
        jails.record(call.proc.jail), lambda pr: jails.record(pr.parent) if pr.parent else None
    )
    return found or None


def check_family(call, domain: int) -> None:
    """prison_check_af: a jail whose family is off (ip4=disable, or no ip4.addr while it limits
    IPv6) makes no socket of it; socreate answers EPROTONOSUPPORT."""
    found = limits(call)
    if found is not None and s32(domain) in found.addrs and not found.addrs[s32(domain)]:
        raise FreeBSDError(EPROTONOSUPPORT, f"address family {domain} is off in this jail")


def remote(call, sockaddr: bytes) -> bytes:
    """A jailed caller's destination (connect, sendto, sendmsg) as prison_remote_ip4/6 makes it."""
    found = limits(call)
    return sockaddr if found is None else remote_address(found, sockaddr)


@contextmanager
def _copy_of(call, fd: int):
    """The supervisor's own descriptor for the caller's fd (the same socket), closed after."""
    try:
        pidfd = os.pidfd_open(call.proc.pid)
    except OSError as e:
        raise FreeBSDError(translate.errno_to_freebsd(e.errno), "pidfd_open") from None
    try:
        ours = _libc.syscall(LINUX_NR["pidfd_getfd"], pidfd, s32(fd), 0)
        if ours < 0:
            raise FreeBSDError(translate.errno_to_freebsd(ctypes.get_errno()), "pidfd_getfd")
    finally:
        os.close(pidfd)
    try:
        yield ours
    finally:
        os.close(ours)


def _bind(fd: int, sockaddr: bytes) -> None:
    """bind(2) of our descriptor to a FreeBSD sockaddr, from our memory."""
    linux = structs.sockaddr_to_linux(sockaddr)
    buf = ctypes.create_string_buffer(linux, len(linux))
    if _libc.bind(fd, buf, len(linux)) < 0:
        raise FreeBSDError(translate.errno_to_freebsd(ctypes.get_errno()), "bind")


def _local(fd: int) -> _Parts | None:
    """The socket's own address (getsockname into our memory), split; None for a non-IP one."""
    buf = ctypes.create_string_buffer(SOCKADDR_MAX)
    size = ctypes.c_uint32(SOCKADDR_MAX)
    if _libc.getsockname(fd, buf, ctypes.byref(size)) < 0:
        raise FreeBSDError(translate.errno_to_freebsd(ctypes.get_errno()), "getsockname")
    linux = buf.raw[: min(size.value, SOCKADDR_MAX)]
    try:
        return _split(structs.sockaddr_to_freebsd(linux))
    except FreeBSDError:  # a family FreeBSD has no sockaddr for (AF_PACKET …): not an IP one
        return None


_PORT = {AF_INET: "sin_port", AF_INET6: "sin6_port"}


def _may_bind_reserved(pid: int) -> bool:
    """PRIV_NETINET_RESERVEDPORT: the process's own CAP_NET_BIND_SERVICE, which a jail keeps only
    with allow.reserved_ports (syscalls/jail.py)."""
    effective = int(procfs.status(pid).get("CapEff") or b"0", 16)
    return bool(effective >> CAP_NET_BIND_SERVICE & 1)


def bind(call, s: int, sockaddr: bytes) -> bool:
    """bind(2) in a jail that limits the sockaddr's family: the address prison_local_ip4/6
    allows, bound by the supervisor. False when the jail has nothing to say (the caller binds
    as usual)."""
    found = limits(call)
    parts = _split(sockaddr)
    if found is None or parts is None or parts.judged not in found.addrs:
        return False
    allowed = local_address(found, sockaddr)
    at = structs.offsetof(parts.layout, _PORT[parts.family])
    port = int.from_bytes(allowed[at : at + 2], "big")
    if 0 < port < FREEBSD_IPPORT["IPPORT_RESERVED"] and not _may_bind_reserved(call.proc.pid):
        # The bind is the supervisor's, so the program's own missing privilege is checked here.
        raise FreeBSDError(EACCES, f"port {port} is reserved")
    with _copy_of(call, s) as ours:
        _bind(ours, allowed)
    return True


def bind_unbound(call, s: int) -> None:
    """in_pcbladdr/in_pcbbind for a jailed socket about to connect, send or listen: one still
    unbound (its local address unspecified) is bound to the jail's first address first."""
    found = limits(call)
    if found is None:
        return
    try:
        with _copy_of(call, s) as ours:
            parts = _local(ours)
            if parts is None or not parts.address.is_unspecified:
                return
            wanted = source_sockaddr(found, parts.family)
            if wanted is not None:
                _bind(ours, wanted)
    except FreeBSDError as e:
        if e.why in ("pidfd_getfd", "getsockname"):
            return  # not a socket, or not one of ours: the call itself says so
        raise


def set_pktinfo(call, s: int, val: int, valsize: int) -> bool:
    """setsockopt IPV6_PKTINFO (a sticky source address) in a jail that limits IPv6: the address
    must be unspecified or the jail's (ip6_setpktopt's prison_check_ip6), and the supervisor
    sets it from its own memory. False when the jail does not limit IPv6."""
    found = limits(call)
    if found is None or AF_INET6 not in found.addrs:
        return False
    size = structs.sizeof("in6_pktinfo")
    if s32(valsize) != size:
        raise FreeBSDError(EINVAL, "IPV6_PKTINFO takes a struct in6_pktinfo")
    value = call.mem.read(val, size)
    address = ipaddress.IPv6Address(structs.unpack("in6_pktinfo", value)["ipi6_addr"])
    if not address.is_unspecified and address not in found.addrs[AF_INET6]:
        raise FreeBSDError(EADDRNOTAVAIL, f"{address} is not the jail's")
    buf = ctypes.create_string_buffer(value, size)
    with _copy_of(call, s) as ours:
        if _libc.setsockopt(ours, *LINUX_IPV6_PKTINFO, buf, size) < 0:
            raise FreeBSDError(translate.errno_to_freebsd(ctypes.get_errno()), "setsockopt")
    return True
