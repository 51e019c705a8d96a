"""What the dumps and the ioctls share: a Linux interface as FreeBSD describes it (flags, type,
link state, if_data) and FreeBSD's sockaddrs (sa_len first, AF_INET6 28, sockaddr_dl)."""

import ipaddress
import struct

from bsdulator.abi import jail as J
from bsdulator.abi import netif as A
from bsdulator.abi import netlink as N
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_ADDRESS_FAMILIES
from bsdulator.net import reader
from bsdulator.net.backend import NetError
from bsdulator.syscalls.netlink.messages import FREEBSD_IFT_OTHER, IF_TYPES
from bsdulator.syscalls.netlink.messages import _linux_flags_to_freebsd as linux_flags

SIZE = A.FREEBSD_NETIF_SIZES
AF_INET, AF_INET6, AF_LINK = (
    FREEBSD_ADDRESS_FAMILIES[n] for n in ("AF_INET", "AF_INET6", "AF_LINK")
)
LINUX_AF_INET, LINUX_AF_INET6 = (
    LINUX_ADDRESS_FAMILIES["AF_INET"],
    LINUX_ADDRESS_FAMILIES["AF_INET6"],
)
FAMILY = {LINUX_AF_INET: AF_INET, LINUX_AF_INET6: AF_INET6}
IFF = N.FREEBSD_IFF
# ifi_flags' netlink-only carrier bit is no if_flags bit
NETLINK_ONLY_IFF = IFF["IFF_LOWER_UP"]
IFT_ETHER, IFT_LOOP = N.FREEBSD_IFT["IFT_ETHER"], N.FREEBSD_IFT["IFT_LOOP"]
LINK_STATE = A.FREEBSD_LINK_STATE
SOCKADDR_IN = struct.Struct("<BBH4s8x")
SOCKADDR_IN6 = struct.Struct("<BBHI16sI")
SOCKADDR_DL_HEAD = struct.Struct("<BBHBBBB")
# if_data up to ifi_metric, then the 64-bit fields from ifi_baudrate to ifi_hwassist
IF_DATA_HEAD = struct.Struct("<BBBBBBHII")
IF_DATA_COUNTERS = struct.Struct("<14Q")
ALIGN = 8  # SA_SIZE: sockaddrs in routing messages are padded to a long


def interfaces(pid: int) -> list[reader.Interface]:
    """The interfaces of process pid's network namespace; one that cannot be read (its jail
    died meanwhile) has none."""
    try:
        return reader.read(pid)
    except NetError:
        return []


def jail_params(call):
    """The parameters of the caller's jail, None unjailed (what visible() reads)."""
    return call.sup.jails.record(call.proc.jail).params if call.proc.jail else None


def visible(params, address: reader.Address) -> bool:
    """prison_if: whether a jail with these parameters (None: no jail) sees an address.  A vnet
    jail has a stack of its own and sees all of it; an IP jail sees only its own addresses of
    a family it limits (ip4.addr, ip6.addr: its own or inherited), none of a family it disables,
    every one of a family it leaves alone."""
    if params is None or params.get("vnet") == J.JAIL_SYS_NEW:
        return True
    family = "ip4" if address.family == LINUX_AF_INET else "ip6"
    allowed = params.get(f"{family}.addr") or ()
    if allowed:  # addresses make the family limited (ip4=new), whatever the mode says
        return address.address in {ipaddress.ip_address(a) for a in allowed}
    return params.get(family) != J.JAIL_SYS_DISABLE


def if_type(iface: reader.Interface) -> int:
    kind = N.LINUX_KIND_IFT.get(iface.kind or "")
    return N.FREEBSD_IFT[kind] if kind else IF_TYPES.to_freebsd(iface.arphrd, FREEBSD_IFT_OTHER)


def if_flags(iface: reader.Interface) -> int:
    """if_flags | if_drv_flags, as FreeBSD's drivers set them."""
    return linux_flags(iface.flags, iface.arphrd) & ~NETLINK_ONLY_IFF


def link_state(iface: reader.Interface) -> int:
    if if_type(iface) == IFT_LOOP:
        return LINK_STATE["LINK_STATE_UNKNOWN"]  # if_loop never reports one
    return LINK_STATE["LINK_STATE_UP" if iface.carrier else "LINK_STATE_DOWN"]


def lladdr(iface: reader.Interface) -> bytes:
    """FreeBSD's loopback has no link address; Linux's lo shows six zero bytes."""
    return b"" if if_type(iface) == IFT_LOOP else iface.lladdr


def if_data(iface: reader.Interface | None, counters: bool = True) -> bytes:
    """struct if_data: the link's, or (iface None) an address's, whose own counters Linux does
    not keep."""
    if iface is None:
        return IF_DATA_HEAD.pack(0, 0, 0, 0, 0, 0, SIZE["sizeof(struct if_data)"], 0, 0) + bytes(
            SIZE["sizeof(struct if_data)"] - IF_DATA_HEAD.size
        )
    t = if_type(iface)
    s = iface.stats
    head = IF_DATA_HEAD.pack(
        t,
        0,
        len(lladdr(iface)),
        A.FREEBSD_ETHER_HDR_LEN if t == IFT_ETHER else 0,
        link_state(iface),
        0,
        SIZE["sizeof(struct if_data)"],
        iface.mtu,
        0,
    )
    body = IF_DATA_COUNTERS.pack(
        0,  # baudrate
        s.get("rx_packets", 0),
        s.get("rx_errors", 0),
        s.get("tx_packets", 0),
        s.get("tx_errors", 0),
        s.get("collisions", 0),
        s.get("rx_bytes", 0),
        s.get("tx_bytes", 0),
        s.get("multicast", 0),
        0,  # omcasts: Linux counts received multicast only
        s.get("rx_dropped", 0),
        s.get("tx_dropped", 0),
        0,  # noproto
        0,  # hwassist
    )
    data = head + body
    return data + bytes(SIZE["sizeof(struct if_data)"] - len(data))


def sockaddr_dl(iface: reader.Interface, group: bytes | None = None) -> bytes:
    """The interface's link-level sockaddr as if_attach makes it (at least a sockaddr_dl,
    rounded to a long), or with group a link-layer multicast address of it (no name)."""
    name = iface.name.encode() if group is None else b""
    mac = lladdr(iface) if group is None else group
    used = SIZE["offsetof(struct sockaddr_dl, sdl_data)"] + len(name) + len(mac)
    size = _round(max(used, SIZE["sizeof(struct sockaddr_dl)"]))
    head = SOCKADDR_DL_HEAD.pack(size, AF_LINK, iface.index, if_type(iface), len(name), len(mac), 0)
    return (head + name + mac).ljust(size, b"\0")


def sockaddr_ip(address, scope_id: int = 0) -> bytes:
    """sockaddr_in or sockaddr_in6 (a link-local one with its interface as scope id)."""
    if address.version == 4:
        return SOCKADDR_IN.pack(SIZE["sizeof(struct sockaddr_in)"], AF_INET, 0, address.packed)
    return SOCKADDR_IN6.pack(
        SIZE["sizeof(struct sockaddr_in6)"], AF_INET6, 0, 0, address.packed, scope_id
    )


def netmask(address: reader.Address):
    net = ipaddress.ip_network(f"{address.address}/{address.prefixlen}", strict=False)
    return net.netmask


def broadcast(iface: reader.Interface, address: reader.Address):
    """The broadcast address FreeBSD gives an IPv4 address on a broadcast interface: the one
    set, else the subnet's (in.c computes it when none is given); None elsewhere."""
    if address.family != LINUX_AF_INET or not if_flags(iface) & IFF["IFF_BROADCAST"]:
        return None
    if address.broadcast is not None:
        return address.broadcast
    return ipaddress.ip_network(f"{address.address}/{address.prefixlen}", strict=False)[-1]


def scope_id(iface: reader.Interface, address: reader.Address) -> int:
    return iface.index if address.family == LINUX_AF_INET6 and address.address.is_link_local else 0


def _round(size: int) -> int:
    return (size + ALIGN - 1) & ~(ALIGN - 1) if size else ALIGN


def padded(sa: bytes) -> bytes:
    return sa.ljust(_round(len(sa)), b"\0")
