"""The caller's routes as FreeBSD's routing table holds them, and rt_msghdr messages.

Linux keeps a namespace's routes in two tables: `main` (what `ip route` shows) and `local`
(an address of an interface is a `local` route there).  FreeBSD has one table whose host
routes to its own addresses go through lo0 and name the owning interface's link as gateway
(netstat -rn: `10.0.0.10 link#2 UHS lo0`, `127.0.0.1 link#1 UH lo0`).  Linux's broadcast,
multicast and wider local routes (127.0.0.0/8 in `local`) have no FreeBSD counterpart and are
left out.  Pure functions over pyroute2's messages, and the one reader that fetches them."""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import threading
from collections import namedtuple
from dataclasses import dataclass

from bsdulator.abi import netif as A
from bsdulator.abi import netlink as N
from bsdulator.abi import route as R
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_CLONE_FLAGS
from bsdulator.abi.netlink import FREEBSD_IFT, LINUX_ARPHRD
from bsdulator.native._native import ffi, lib
from bsdulator.net.names import freebsd_ifname

AF_INET, AF_INET6, AF_LINK = (
    FREEBSD_ADDRESS_FAMILIES[n] for n in ("AF_INET", "AF_INET6", "AF_LINK")
)
CLONE_NEWNET = LINUX_CLONE_FLAGS["CLONE_NEWNET"]
RTF = N.FREEBSD_RTF
RTA = A.FREEBSD_RTA
RTM_VERSION = A.FREEBSD_RTM["RTM_VERSION"]
SIZES = {**A.FREEBSD_NETIF_SIZES, **R.SIZES}
LX = {**N.RTN_TYPES, **R.LINUX_RTN, **N.RTPROT, **N.LINUX_RT_TABLE}  # what a route is on Linux
HEADER = struct.Struct("<HBBH2xiiiiiiQ")  # rt_msghdr up to rtm_rmx
Header = namedtuple("Header", "msglen version type index flags addrs pid seq errno fmask inits")
SIN_ADDR, SIN6_ADDR = (
    SIZES[f"offsetof(struct {s}, {f})"]
    for s, f in (("sockaddr_in", "sin_addr"), ("sockaddr_in6", "sin6_addr"))
)
METRICS = struct.Struct(f"<{SIZES['sizeof(struct rt_metrics)'] // SIZES['sizeof(long)']}Q")
ALIGN = SIZES["sizeof(long)"]
SIN, SIN6, SDL = (
    SIZES[f"sizeof(struct {n})"] for n in ("sockaddr_in", "sockaddr_in6", "sockaddr_dl")
)
SDL_HEAD = struct.Struct("<BBHBBBB")  # sdl_len, family, index, type, nlen, alen, slen
FAMILIES = {socket.AF_INET: AF_INET, socket.AF_INET6: AF_INET6}
ADDRESS_BYTES = {AF_INET: 4, AF_INET6: 16}
IFT_LOOP, IFT_ETHER = FREEBSD_IFT["IFT_LOOP"], FREEBSD_IFT["IFT_ETHER"]
IFT = {LINUX_ARPHRD["ARPHRD_LOOPBACK"]: IFT_LOOP, LINUX_ARPHRD["ARPHRD_ETHER"]: IFT_ETHER}
ORDER = sorted(RTA.values())  # RTA_* bits in slot order: the order sockaddrs follow a header


@dataclass(frozen=True)
class Interface:
    index: int
    name: str  # FreeBSD's
    kind: int  # IFT_*
    mtu: int
    mac: bytes
    addresses: tuple  # ipaddress interfaces

    @property
    def loopback(self) -> bool:
        return self.kind == IFT_LOOP


@dataclass(frozen=True)
class Route:
    family: int  # FreeBSD's AF_INET / AF_INET6
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    gateway: ipaddress.IPv4Address | ipaddress.IPv6Address | None  # None: the link's own
    link: int  # the interface a gatewayless route's link#N names
    index: int  # rtm_index: the interface packets leave by
    flags: int

    @property
    def host(self) -> bool:
        return bool(self.flags & RTF["RTF_HOST"])


def interfaces(links, addrs) -> dict[int, Interface]:
    """index → Interface from pyroute2's link and address messages."""
    by_index: dict[int, list] = {}
    for a in addrs:
        address = a.get("IFA_LOCAL") or a.get("IFA_ADDRESS")
        if address:
            by_index.setdefault(a["index"], []).append(
                ipaddress.ip_interface(f"{address}/{a['prefixlen']}")
            )
    found = {}
    for link in links:
        mac = link.get("IFLA_ADDRESS") or ""
        found[link["index"]] = Interface(
            link["index"],
            freebsd_ifname(link.get("IFLA_IFNAME") or ""),
            IFT.get(link["ifi_type"], IFT_ETHER),
            link.get("IFLA_MTU") or 0,
            bytes.fromhex(mac.replace(":", "")) if mac else b"",
            tuple(by_index.get(link["index"], ())),
        )
    return found


def routes(messages, ifaces: dict[int, Interface]) -> list[Route]:
    """FreeBSD's routes from pyroute2's route messages of tables main and local, in the
    radix tree's order (by destination, then prefix length)."""
    loopback = next((i.index for i in ifaces.values() if i.loopback), 0)
    found = []
    for m in messages:
        family = FAMILIES.get(m["family"])
        if family is None:
            continue
        bits = ADDRESS_BYTES[family] * 8
        dst = m.get("RTA_DST") or ("0.0.0.0" if family == AF_INET else "::")
        network = ipaddress.ip_network(f"{dst}/{m['dst_len']}", strict=False)
        oif = m.get("RTA_OIF") or 0
        gateway = m.get("RTA_GATEWAY")
        kind, table = m["type"], m.get("RTA_TABLE", m["table"])
        flags = RTF["RTF_UP"]
        if m["dst_len"] == bits:
            flags |= RTF["RTF_HOST"]
        if table == LX["RT_TABLE_LOCAL"]:
            if kind != LX["RTN_LOCAL"] or m["dst_len"] != bits:
                continue
            if oif != loopback:
                flags |= RTF["RTF_STATIC"]
            found.append(Route(family, network, None, oif, loopback, flags))
            continue
        if table != LX["RT_TABLE_MAIN"] or network.is_multicast:
            continue
        if kind == LX["RTN_BLACKHOLE"]:
            flags |= RTF["RTF_BLACKHOLE"]
        elif kind in (LX["RTN_UNREACHABLE"], LX["RTN_PROHIBIT"]):
            flags |= RTF["RTF_REJECT"]
        elif kind != LX["RTN_UNICAST"]:
            continue
        if gateway:
            flags |= RTF["RTF_GATEWAY"]
        if m["proto"] != LX["RTPROT_KERNEL"]:
            flags |= RTF["RTF_STATIC"]
        gw = ipaddress.ip_address(gateway) if gateway else None
        found.append(Route(family, network, gw, oif, oif, flags))
    found.sort(key=lambda r: (r.family, r.network.network_address, r.network.prefixlen))
    return found


def in_netns(nsfd: int, work):
    """work(ipr) with a pyroute2 socket in the network namespace nsfd holds.  The socket is
    made by a thread of ours that entered it (setns: a thread's own network namespace), not
    by pyroute2's netns= option: that forks a helper, which the supervisor's wait loop would
    reap from under it."""
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    from bsdulator.net.backend import NetError

    outcome: list = []

    def run():
        try:
            if lib.bsdu_setns(nsfd, CLONE_NEWNET) < 0:
                raise OSError(ffi.errno, os.strerror(ffi.errno))
            with IPRoute() as ipr:
                outcome.append((True, work(ipr)))
        except NetlinkError as e:
            outcome.append((False, e))
        except OSError as e:
            outcome.append((False, NetError(f"network namespace: {e.strerror or e}")))

    worker = threading.Thread(target=run, name="bsdulator-netns", daemon=True)
    worker.start()
    worker.join()
    ok, value = outcome[0] if outcome else (False, NetError("netlink failed"))
    if not ok:
        raise value
    return value


def read(nsfd: int) -> tuple[list[Route], dict[int, Interface]]:
    """The routes and interfaces of the network namespace nsfd holds."""

    def work(ipr):
        ifaces = interfaces(ipr.get_links(), ipr.get_addr())
        messages = [
            *ipr.get_routes(table=LX["RT_TABLE_MAIN"]),
            *ipr.get_routes(table=LX["RT_TABLE_LOCAL"]),
        ]
        return routes(messages, ifaces), ifaces

    return in_netns(nsfd, work)


def lookup(table: list[Route], address, prefixlen: int | None) -> Route | None:
    """RTM_GET: the exact prefix when a netmask was given, else the longest match."""
    if prefixlen is not None:
        return next(
            (
                r
                for r in table
                if r.network == ipaddress.ip_network(f"{address}/{prefixlen}", False)
            ),
            None,
        )
    matches = [r for r in table if r.network.version == address.version and address in r.network]
    return max(matches, key=lambda r: r.network.prefixlen, default=None)


# --- sockaddrs ----------------------------------------------------------------------------------


def sa_size(length: int) -> int:
    """SA_SIZE: a sockaddr's room in a message, rounded up to a long (a long for none)."""
    return (length + ALIGN - 1) // ALIGN * ALIGN if length else ALIGN


def sockaddr_ip(address, scope: int = 0) -> bytes:
    if address.version == 4:
        return struct.pack("<BBH4s8x", SIN, AF_INET, 0, address.packed)
    return struct.pack("<BBHI16sI", SIN6, AF_INET6, 0, 0, address.packed, scope)


def sockaddr_dl(iface: Interface | None, index: int, named: bool) -> bytes:
    """A link address: with the name and MAC (RTA_IFP), or bare as a route's link#N gateway."""
    name = iface.name.encode() if iface and named else b""
    mac = iface.mac if iface and named else b""
    kind = iface.kind if iface else IFT_ETHER
    head = SDL_HEAD.pack(SDL, AF_LINK, index, kind, len(name), len(mac), 0)
    return (head + name + mac).ljust(SDL, b"\0")


def pack(kind: int, addrs: dict[int, bytes], *, index=0, flags=0, pid=0, seq=0, errno=0, mtu=0):
    """One rt_msghdr message with its sockaddrs in RTA_* order."""
    body = b"".join(
        addrs[bit].ljust(sa_size(len(addrs[bit])), b"\0") for bit in ORDER if bit in addrs
    )
    size = HEADER.size + METRICS.size + len(body)
    header = HEADER.pack(size, RTM_VERSION, kind, index, flags, sum(addrs), pid, seq, errno, 0, 0)
    metrics = [0] * (METRICS.size // ALIGN)
    metrics[SIZES["offsetof(struct rt_metrics, rmx_mtu)"] // ALIGN] = mtu
    return header + METRICS.pack(*metrics) + body


def route_message(
    kind: int, route: Route, ifaces: dict[int, Interface], extra_flags: int = 0, **kw
) -> bytes:
    """A route as sysctl_dumpentry and RTM_GET give it."""
    addrs = {RTA["RTA_DST"]: sockaddr_ip(route.network.network_address)}
    if route.gateway is not None:
        addrs[RTA["RTA_GATEWAY"]] = sockaddr_ip(route.gateway)
    else:
        addrs[RTA["RTA_GATEWAY"]] = sockaddr_dl(ifaces.get(route.link), route.link, False)
    if not route.host:
        addrs[RTA["RTA_NETMASK"]] = sockaddr_ip(route.network.netmask)
    out = ifaces.get(route.index)
    flags = route.flags | extra_flags
    return pack(kind, addrs, index=route.index, flags=flags, mtu=out.mtu if out else 0, **kw)
