"""net.route.0.<af>.<op>.<index> (sysctl_rtsock): the interface dumps, as FreeBSD's rtsock.c
sysctl_iflist builds them — per interface an RTM_IFINFO message (if_msghdr, or if_msghdrl for
NET_RT_IFLISTL) with its sockaddr_dl, then an RTM_NEWADDR message (ifa_msghdr / ifa_msghdrl)
per address of family af (0: all) with netmask, address and broadcast (or peer) sockaddrs;
index 0 means every interface.  NET_RT_IFMALIST (sysctl_ifmalist): an RTM_NEWMADDR message
(ifma_msghdr) per multicast group an interface joined, with the interface's sockaddr_dl and the
group (Linux's link-layer, IGMP and MLD memberships, /proc/<pid>/net); the link-layer address
an IP group maps to (the gateway sockaddr) is left out.  Operations other modules serve
(NET_RT_DUMP, NET_RT_FLAGS) join OPS; an operation none serves answers nothing, as
sysctl_rtsock's switch does."""

import ipaddress
import struct

from bsdulator import procfs
from bsdulator import sysctl as tree_mod
from bsdulator.abi import netif as A
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.net import reader

from . import common as C

GROUP_FAMILIES = {"link": C.AF_LINK, "inet": C.AF_INET, "inet6": C.AF_INET6}
LINUX_FAMILIES = {"inet": C.LINUX_AF_INET, "inet6": C.LINUX_AF_INET6}

RT = A.FREEBSD_NET_RT
RTM = A.FREEBSD_RTM
RTA = A.FREEBSD_RTA
EISDIR, ENOTDIR, EPERM, EINVAL = (
    FREEBSD_ERRNO[n] for n in ("EISDIR", "ENOTDIR", "EPERM", "EINVAL")
)
NAME_PARTS = 4  # net.route.<protocol 0>.<af>.<op>.<arg>[.<fib>]: what follows net.route
IF_MSGHDR = struct.Struct("<HBBiiH")  # msglen, version, type, addrs, flags, index
IF_MSGHDRL = struct.Struct("<HBBiiHHHHH")  # … _spare1, len, data_off, _spare2
IFA_MSGHDR = struct.Struct("<HBBiiHHi")  # msglen, version, type, addrs, flags, index, spare, metric
IFMA_MSGHDR = struct.Struct("<HBBiiHH")  # msglen, version, type, addrs, flags, index, spare
IFA_MSGHDRL = struct.Struct("<HBBiiHHHHi")  # … _spare1, len, data_off, metric
SIZE = C.SIZE


def _link_message(iface, long: bool) -> bytes:
    sa = C.padded(C.sockaddr_dl(iface))
    flags = C.if_flags(iface)
    if long:
        size = SIZE["sizeof(struct if_msghdrl)"]
        off = SIZE["offsetof(struct if_msghdrl, ifm_data)"]
        head = IF_MSGHDRL.pack(
            size + len(sa),
            RTM["RTM_VERSION"],
            RTM["RTM_IFINFO"],
            RTA["RTA_IFP"],
            flags,
            iface.index,
            0,
            size,
            off,
            0,
        )
    else:
        size = SIZE["sizeof(struct if_msghdr)"]
        off = SIZE["offsetof(struct if_msghdr, ifm_data)"]
        head = IF_MSGHDR.pack(
            size + len(sa),
            RTM["RTM_VERSION"],
            RTM["RTM_IFINFO"],
            RTA["RTA_IFP"],
            flags,
            iface.index,
        )
    return head.ljust(off, b"\0") + C.if_data(iface) + sa


def _address_message(iface, address, long: bool) -> bytes:
    scope = C.scope_id(iface, address)
    addrs, sas = (
        RTA["RTA_NETMASK"] | RTA["RTA_IFA"],
        [
            C.sockaddr_ip(C.netmask(address)),
            C.sockaddr_ip(address.address, scope),
        ],
    )
    other = address.peer or C.broadcast(iface, address)
    if other is not None:
        addrs |= RTA["RTA_BRD"]
        sas.append(C.sockaddr_ip(other, scope))
    tail = b"".join(C.padded(sa) for sa in sas)
    if long:
        size = SIZE["sizeof(struct ifa_msghdrl)"]
        head = IFA_MSGHDRL.pack(
            size + len(tail),
            RTM["RTM_VERSION"],
            RTM["RTM_NEWADDR"],
            addrs,
            0,
            iface.index,
            0,
            size,
            SIZE["offsetof(struct ifa_msghdrl, ifam_data)"],
            0,
        )
        return head + C.if_data(None) + tail
    size = SIZE["sizeof(struct ifa_msghdr)"]
    head = IFA_MSGHDR.pack(
        size + len(tail), RTM["RTM_VERSION"], RTM["RTM_NEWADDR"], addrs, 0, iface.index, 0, 0
    )
    return head + tail


def iflist(ifaces, af: int, index: int, long: bool, jail=None) -> bytes:
    """NET_RT_IFLIST / NET_RT_IFLISTL for these interfaces as a caller in a jail with the
    parameters jail (None: unjailed) sees them (pure: the tests call it)."""
    out = bytearray()
    for iface in ifaces:
        if index and iface.index != index:
            continue
        out += _link_message(iface, long)
        for address in iface.addresses:
            if af and C.FAMILY.get(address.family) != af or not C.visible(jail, address):
                continue
            out += _address_message(iface, address, long)
    return bytes(out)


def ifmalist(ifaces, groups, af: int, index: int, jail=None) -> bytes:
    """NET_RT_IFMALIST for these interfaces and their groups (procfs.Membership; pure)."""
    out = bytearray()
    for iface in ifaces:
        if index and iface.index != index:
            continue
        for group in groups:
            family = GROUP_FAMILIES[group.family]
            if group.index != iface.index or af and family != af:
                continue
            if family == C.AF_LINK:
                sa = C.sockaddr_dl(iface, group.address)
            else:
                ip = ipaddress.ip_address(group.address)
                if not C.visible(jail, reader.Address(LINUX_FAMILIES[group.family], ip, 0)):
                    continue
                sa = C.sockaddr_ip(ip)
            tail = C.padded(C.sockaddr_dl(iface)) + C.padded(sa)
            size = SIZE["sizeof(struct ifma_msghdr)"]
            out += IFMA_MSGHDR.pack(
                size + len(tail),
                RTM["RTM_VERSION"],
                RTM["RTM_NEWMADDR"],
                RTA["RTA_IFP"] | RTA["RTA_IFA"],
                0,
                iface.index,
                0,
            )
            out += tail
    return bytes(out)


def _ifmalist(ctx, af, arg, op):
    try:
        groups = procfs.multicast(ctx.pid)
    except ProcessLookupError:
        groups = []
    return ifmalist(C.interfaces(ctx.pid), groups, af, arg, ctx.jail_params)


def _iflist(ctx, af, arg, op):
    long = op == RT["NET_RT_IFLISTL"]
    return iflist(C.interfaces(ctx.pid), af, arg, long, ctx.jail_params)


# op → fn(ctx, af, arg, op) → the dump's bytes
OPS = {
    RT["NET_RT_IFLIST"]: _iflist,
    RT["NET_RT_IFLISTL"]: _iflist,
    RT["NET_RT_IFMALIST"]: _ifmalist,
}


def _rtsock(ctx, req: tree_mod.Request, rest: list[int]) -> None:
    if req.new is not None:
        raise FreeBSDError(EPERM, "net.route is read-only")
    if not NAME_PARTS <= len(rest) <= NAME_PARTS + 1:  # a fifth name picks the FIB
        raise FreeBSDError(EISDIR if len(rest) < NAME_PARTS else ENOTDIR)
    _proto, af, op, arg, *fib = rest
    if fib and fib[0] != 0:  # one FIB: Linux's main table (net.fibs)
        raise FreeBSDError(EINVAL, f"net.route: no FIB {fib[0]}")
    if not 0 <= af <= A.FREEBSD_AF_MAX:
        raise FreeBSDError(EINVAL)
    dump = OPS.get(op)
    if dump is not None:
        req.out(dump(ctx, af, arg, op))


def install(sup) -> None:
    sup.sysctl.add_handler(
        "net.route",
        abi.CTLTYPE_NODE,
        _rtsock,
        fmt="",
        number=A.FREEBSD_PF_ROUTE,
        flags=abi.CTLFLAG_RD,
    )
