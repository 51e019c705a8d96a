"""The interface requests that change an interface (flags, addresses, MTU, name, description,
link address) and the dispatch of every such SIOC* request (the reads are ioctl_get's)."""

from __future__ import annotations

import ipaddress
import socket
import struct

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES as AF
from bsdulator.abi.netif_write import FREEBSD_IF as IF
from bsdulator.abi.netif_write import (
    FREEBSD_IN_CLASS_NET,
    FREEBSD_IN_CLASS_TESTS,
    FREEBSD_SIOCS,
    IFDESCR_MAXLEN,
)
from bsdulator.abi.netif_write import FREEBSD_NETIF_LAYOUT as L
from bsdulator.abi.netif_write import FREEBSD_SOCKADDR_LAYOUT as SA
from bsdulator.abi.netlink import FREEBSD_IFF, LINUX_IFF
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid

from . import bridge, clone, vnet
from .target import IFREQ_SIZE, IFRU, check_name, is_socket, lookup, network, read_name

EPERM, EINVAL, ENOTTY = FREEBSD_ERRNO["EPERM"], FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENOTTY"]
EADDRNOTAVAIL = FREEBSD_ERRNO["EADDRNOTAVAIL"]
S = FREEBSD_SIOCS
AF_INET, AF_INET6 = AF["AF_INET"], AF["AF_INET6"]
SIN_SIZE, SIN6_SIZE = L["sizeof(struct sockaddr_in)"], L["sizeof(struct sockaddr_in6)"]
SIN_ADDR, SIN6_ADDR = (
    SA["offsetof(struct sockaddr_in, sin_addr)"],
    SA["offsetof(struct sockaddr_in6, sin6_addr)"],
)
IN6_ADDR_SIZE = SA["sizeof(struct in6_addr)"]

# SIOCSIFFLAGS: (FreeBSD bits, the Linux bit they set) a program may change; IFF_PPROMISC is what
# `ifconfig promisc` asks for, IFF_PROMISC the kernel's own.
SETTABLE = [
    (IF["IFF_UP"], LINUX_IFF["IFF_UP"]),
    (IF["IFF_DEBUG"], LINUX_IFF["IFF_DEBUG"]),
    (IF["IFF_NOARP"], LINUX_IFF["IFF_NOARP"]),
    (IF["IFF_PPROMISC"], LINUX_IFF["IFF_PROMISC"]),
    (IF["IFF_ALLMULTI"], LINUX_IFF["IFF_ALLMULTI"]),
]
IFF_PROMISC = FREEBSD_IFF["IFF_PROMISC"]
WORD_BYTES = 4  # ifr_flags and ifr_flagshigh: two shorts


def _ifreq(call, data: int) -> tuple[str, bytes]:
    raw = call.mem.read(data, IFREQ_SIZE)
    return read_name(call.mem, data), raw


def _may_change(call) -> None:
    """PRIV_NET_*: root, and in a jail only a vnet one (its own network)."""
    if effective_uid(call.proc.pid) != 0:
        raise FreeBSDError(EPERM, "changing an interface needs root")
    if call.proc.jail and not vnet.has_own_network(call, call.proc.jail):
        raise FreeBSDError(EPERM, "changing an interface is not permitted in a jail without vnet")


# -- flags -----------------------------------------------------------------------------------


def _set_flags(call, data):
    _may_change(call)
    name, raw = _ifreq(call, data)
    low, high = struct.unpack_from("<HH", raw, IFRU)
    wanted = low | high << 16
    flags = change = 0
    for fbsd, linux in SETTABLE:
        change |= linux
        if wanted & fbsd:
            flags |= linux
    with network(call.proc.pid) as link:
        link.set(lookup(link, name), flags=flags, change=change)
    return 0


# -- IPv4 addresses --------------------------------------------------------------------------


def _sin(raw: bytes, offset: int) -> ipaddress.IPv4Address | None:
    """A sockaddr_in's address; None when it is empty (sin_len 0)."""
    if raw[offset] == 0:
        return None
    if raw[offset] != SIN_SIZE or raw[offset + 1] != AF_INET:
        raise FreeBSDError(EINVAL, "not an AF_INET sockaddr")
    start = offset + SIN_ADDR
    return ipaddress.IPv4Address(raw[start : start + 4])


def _classful(address: ipaddress.IPv4Address) -> int:
    """The mask in_aifaddr assumes for an address given without one."""
    value = int(address)
    for mask, match, net in FREEBSD_IN_CLASS_TESTS:
        if value & mask == match:
            return FREEBSD_IN_CLASS_NET[net]
    return FREEBSD_IN_CLASS_NET["IN_CLASSC_NET"]


def _prefixlen(mask: int, bits: int) -> int:
    length = bin(mask).count("1")
    if mask != ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1):
        raise FreeBSDError(EINVAL, "a netmask Linux cannot hold: not contiguous")
    return length


def _add_inet(call, data):
    _may_change(call)
    raw = call.mem.read(data, L["sizeof(struct in_aliasreq)"])
    name = read_name(call.mem, data)
    address = _sin(raw, L["offsetof(struct in_aliasreq, ifra_addr)"])
    if address is None:
        raise FreeBSDError(EINVAL, "SIOCAIFADDR without an address")
    mask = _sin(raw, L["offsetof(struct in_aliasreq, ifra_mask)"])
    plen = _prefixlen(int(mask) if mask is not None else _classful(address), 32)
    given = _sin(raw, L["offsetof(struct in_aliasreq, ifra_broadaddr)"])
    interface = ipaddress.IPv4Interface(f"{address}/{plen}")
    extra = {}
    if plen < 31:  # a /31 or /32 has no broadcast address
        extra["broadcast"] = str(given or interface.network.broadcast_address)
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        # FreeBSD changes the mask and broadcast of an address already there
        for ip, old in link.addresses(index, socket.AF_INET):
            if ip == str(address):
                link.address("del", index, socket.AF_INET, ip, old)
        link.address("add", index, socket.AF_INET, str(address), plen, **extra)
    return 0


def _del_inet(call, data):
    """The address named, or with none (0.0.0.0) the interface's first one; EADDRNOTAVAIL."""
    _may_change(call)
    name, raw = _ifreq(call, data)
    address = _sin(raw, IFRU)
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        found = [
            (ip, plen)
            for ip, plen in link.addresses(index, socket.AF_INET)
            if address is None or int(address) == 0 or ip == str(address)
        ]
        if not found:
            raise FreeBSDError(EADDRNOTAVAIL, f"{address} is not on {name}")
        link.address("del", index, socket.AF_INET, *found[0])
    return 0


# -- IPv6 addresses --------------------------------------------------------------------------


def _sin6(raw: bytes, offset: int) -> ipaddress.IPv6Address | None:
    if raw[offset] == 0:
        return None
    if raw[offset] != SIN6_SIZE or raw[offset + 1] != AF_INET6:
        raise FreeBSDError(EINVAL, "not an AF_INET6 sockaddr")
    start = offset + SIN6_ADDR
    packed = bytearray(raw[start : start + IN6_ADDR_SIZE])
    address = ipaddress.IPv6Address(bytes(packed))
    if address.is_link_local:  # KAME's embedded scope (the interface index) is no address bits
        packed[2:4] = b"\0\0"
        address = ipaddress.IPv6Address(bytes(packed))
    return address


def _add_inet6(call, data):
    _may_change(call)
    raw = call.mem.read(data, L["sizeof(struct in6_aliasreq)"])
    name = read_name(call.mem, data)
    address = _sin6(raw, L["offsetof(struct in6_aliasreq, ifra_addr)"])
    if address is None:
        raise FreeBSDError(EINVAL, "SIOCAIFADDR_IN6 without an address")
    mask = _sin6(raw, L["offsetof(struct in6_aliasreq, ifra_prefixmask)"])
    plen = _prefixlen(int(mask), IN6_ADDR_SIZE * 8) if mask is not None else IN6_ADDR_SIZE * 8
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        for ip, old in link.addresses(index, socket.AF_INET6):
            if ipaddress.IPv6Address(ip) == address:
                link.address("del", index, socket.AF_INET6, ip, old)
        link.address("add", index, socket.AF_INET6, str(address), plen)
    return 0


def _del_inet6(call, data):
    _may_change(call)
    raw = call.mem.read(data, L["sizeof(struct in6_ifreq)"])
    name = read_name(call.mem, data)
    address = _sin6(raw, L["offsetof(struct in6_ifreq, ifr_ifru)"])
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        found = [
            (ip, plen)
            for ip, plen in link.addresses(index, socket.AF_INET6)
            if address is not None and ipaddress.IPv6Address(ip) == address
        ]
        if not found:
            raise FreeBSDError(EADDRNOTAVAIL, f"{address} is not on {name}")
        link.address("del", index, socket.AF_INET6, *found[0])
    return 0


# -- MTU, name, description, link address ----------------------------------------------------


def _set_mtu(call, data):
    _may_change(call)
    name, raw = _ifreq(call, data)
    (mtu,) = struct.unpack_from("<i", raw, IFRU)
    with network(call.proc.pid) as link:
        link.set(lookup(link, name), mtu=mtu)
    return 0


def _set_name(call, data):
    """SIOCSIFNAME (ifr_data: the new name).  Linux renames only a link that is down."""
    _may_change(call)
    name, raw = _ifreq(call, data)
    (pointer,) = struct.unpack_from("<Q", raw, IFRU)
    new = read_name(call.mem, pointer)
    if not new:
        raise FreeBSDError(EINVAL, "empty interface name")
    linux = check_name(new)
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        if link.index(linux) is not None:
            raise FreeBSDError(FREEBSD_ERRNO["EEXIST"], f"{new} exists")
        up = link.get(index)["flags"] & LINUX_IFF["IFF_UP"]
        if up:
            link.set(index, flags=0, change=LINUX_IFF["IFF_UP"])
        link.set(index, ifname=linux)
        if up:
            link.set(index, flags=up, change=LINUX_IFF["IFF_UP"])
    return 0


def _set_descr(call, data):
    """SIOCSIFDESCR (ifr_buffer): Linux's interface alias holds it."""
    _may_change(call)
    name, raw = _ifreq(call, data)
    length, pointer = struct.unpack_from("<QQ", raw, IFRU)
    if length > IFDESCR_MAXLEN:
        raise FreeBSDError(FREEBSD_ERRNO["ENAMETOOLONG"], "description longer than ifdescr_maxlen")
    text = call.mem.read(pointer, length).split(b"\0", 1)[0] if length and pointer else b""
    with network(call.proc.pid) as link:
        link.set(lookup(link, name), ifalias=text.decode(errors="replace"))
    return 0


def _set_lladdr(call, data):
    """SIOCSIFLLADDR: ifr_addr's sa_len is the address length, its bytes in sa_data."""
    _may_change(call)
    name, raw = _ifreq(call, data)
    length = raw[IFRU]
    if length != IF["ETHER_ADDR_LEN"]:
        raise FreeBSDError(EINVAL, "not an Ethernet address")
    mac = raw[IFRU + 2 : IFRU + 2 + length]
    with network(call.proc.pid) as link:
        link.set(lookup(link, name), address=":".join(f"{b:02x}" for b in mac))
    return 0


def _guarded(handler):
    def run(call, data):
        _may_change(call)
        return handler(call, data)

    return run


HANDLERS = {
    S["SIOCSIFFLAGS"]: _set_flags,
    S["SIOCAIFADDR"]: _add_inet,
    S["SIOCDIFADDR"]: _del_inet,
    S["SIOCAIFADDR_IN6"]: _add_inet6,
    S["SIOCDIFADDR_IN6"]: _del_inet6,
    S["SIOCSIFMTU"]: _set_mtu,
    S["SIOCSIFNAME"]: _set_name,
    S["SIOCSIFDESCR"]: _set_descr,
    S["SIOCSIFLLADDR"]: _set_lladdr,
    S["SIOCIFGCLONERS"]: clone.list_cloners,
    S["SIOCIFCREATE"]: _guarded(clone.create),
    S["SIOCIFCREATE2"]: _guarded(clone.create),
    S["SIOCIFDESTROY"]: _guarded(clone.destroy),
    S["SIOCSDRVSPEC"]: lambda call, data: bridge.drvspec(call, data, _may_change, set_=True),
    S["SIOCGDRVSPEC"]: lambda call, data: bridge.drvspec(call, data, _may_change, set_=False),
    S["SIOCSIFVNET"]: _guarded(vnet.to_jail),
    S["SIOCSIFRVNET"]: _guarded(vnet.from_jail),
}
REQUESTS = frozenset(HANDLERS)


def ioctl(call, fd: int, request: int, data: int) -> int:
    """An interface request on socket fd, in the caller's network namespace."""
    if not is_socket(call.proc.pid, fd):
        raise FreeBSDError(ENOTTY, f"ioctl {request:#x} on a descriptor that is no socket")
    if not data:
        raise FreeBSDError(FREEBSD_ERRNO["EFAULT"], "no request struct")
    return HANDLERS[request](call, data)
