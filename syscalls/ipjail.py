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
  address, as FreeBSD picks it (ip4.saddrsel only chooses among the jail's own addresses)."""

import ipaddress
from dataclasses import dataclass
from typing import NamedTuple

from bsdulator import structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES
from bsdulator.abi.jail import JAIL_SYS_DISABLE, JAIL_SYS_NEW
from bsdulator.abi.limits import SOCKADDR_STORAGE_SIZE
from bsdulator.abi.net import FREEBSD_INADDR
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError

EADDRNOTAVAIL, EAFNOSUPPORT, EPROTONOSUPPORT = (
    FREEBSD_ERRNO[n] for n in ("EADDRNOTAVAIL", "EAFNOSUPPORT", "EPROTONOSUPPORT")
)
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


def limits(call) -> Limits | None:
    """The caller's limits; None outside a jail or in a jail that limits nothing."""
    if not call.proc.jail:
        return None
    jails = call.sup.jails
    found = limits_of(
        jails.record(call.proc.jail), lambda pr: jails.record(pr.parent) if pr.parent else None
    )
    return found or None


def address(call, sockaddr: bytes, local: bool) -> bytes:
    """A FreeBSD sockaddr from a jailed caller, checked and rewritten as FreeBSD would: local
    (bind) or remote (connect, sendto, sendmsg)."""
    found = limits(call)
    if found is None:
        return sockaddr
    return local_address(found, sockaddr) if local else remote_address(found, sockaddr)


def check_family(call, domain: int) -> None:
    """prison_check_af: a jail whose family is off (ip4=disable, or no ip4.addr while it limits
    IPv6) makes no socket of it; socreate answers EPROTONOSUPPORT."""
    found = limits(call)
    if found is not None and found.addrs.get(s32(domain), ()) == () and s32(domain) in found.addrs:
        raise FreeBSDError(EPROTONOSUPPORT, f"address family {domain} is off in this jail")


def bind_unbound(call, s: int):
    """in_pcbladdr/in_pcbbind for a jailed socket about to connect, send or listen: one still
    unbound (its local address unspecified) is bound to the jail's first address first."""
    found = limits(call)
    if found is None:
        return
    buf, lenp = call.alloc(SOCKADDR_MAX), call.alloc(4)
    call.mem.write_u32(lenp, SOCKADDR_MAX)
    if (yield lx.getsockname(s32(s), buf, lenp)) < 0:
        return  # not a socket, or not one of ours: the call itself says so
    got = min(call.mem.read_u32(lenp), SOCKADDR_MAX)
    current = structs.sockaddr_to_freebsd(call.mem.read(buf, got)) if got >= 2 else b""
    parts = _split(current)
    if parts is None or not parts.address.is_unspecified:
        return
    wanted = source_sockaddr(found, parts.family)
    if wanted is None:
        return
    linux = structs.sockaddr_to_linux(wanted)
    call.mem.write(buf, linux)
    check((yield lx.bind(s32(s), buf, len(linux))))
