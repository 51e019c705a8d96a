"""What a routing socket hears without asking (`route monitor`): Linux's address and route
notifications in the socket creator's network namespace, as rtsock.c announces the same
events — RTM_NEWADDR/RTM_DELADDR (ifa_msghdr with RTA_NETMASK, RTA_IFP, RTA_IFA, RTA_BRD) and
RTM_ADD/RTM_DELETE (rt_msghdr).  Link changes (RTM_IFINFO, whose if_data differs between
releases) are not announced."""

from __future__ import annotations

import ipaddress
import socket
import struct

from bsdulator.abi import netif as A
from bsdulator.abi import netlink as N
from bsdulator.abi import route as R
from bsdulator.abi.flags import LINUX_ADDRESS_FAMILIES

from . import tables

LINUX_RTM = N.RTM_TYPES  # netlink's message types, the same on both systems
GROUPS = sum(R.LINUX_RTMGRP.values())
IFA_HEADER = struct.Struct("<HBBiiH2xi")  # ifa_msghdr: msglen version type addrs flags index metric
RTA = A.FREEBSD_RTA
RTM = A.FREEBSD_RTM
ADDRESS = {
    LINUX_RTM["RTM_NEWADDR"]: RTM["RTM_NEWADDR"],
    LINUX_RTM["RTM_DELADDR"]: RTM["RTM_DELADDR"],
}
ROUTE = {LINUX_RTM["RTM_NEWROUTE"]: RTM["RTM_ADD"], LINUX_RTM["RTM_DELROUTE"]: RTM["RTM_DELETE"]}
RTF_DONE = N.FREEBSD_RTF["RTF_DONE"]


def listen() -> socket.socket:
    """A Linux netlink socket in the calling thread's network namespace, in the groups whose
    events a routing socket announces."""
    sock = socket.socket(
        LINUX_ADDRESS_FAMILIES["AF_NETLINK"], socket.SOCK_RAW | socket.SOCK_CLOEXEC,
        N.LINUX_NETLINK_PROTOCOLS["NETLINK_ROUTE"],
    )  # fmt: skip
    sock.bind((0, GROUPS))
    return sock


def address_message(kind: int, m, ifaces: dict[int, tables.Interface]) -> bytes | None:
    """RTM_NEWADDR/RTM_DELADDR of one Linux address message."""
    family = tables.FAMILIES.get(m["family"])
    local = m.get("IFA_LOCAL") or m.get("IFA_ADDRESS")
    if family is None or not local:
        return None
    iface = ifaces.get(m["index"])
    network = ipaddress.ip_interface(f"{local}/{m['prefixlen']}")
    addrs = {RTA["RTA_NETMASK"]: tables.sockaddr_ip(network.netmask)}
    addrs[RTA["RTA_IFP"]] = tables.sockaddr_dl(iface, m["index"], True)
    addrs[RTA["RTA_IFA"]] = tables.sockaddr_ip(network.ip)
    if m.get("IFA_BROADCAST"):
        addrs[RTA["RTA_BRD"]] = tables.sockaddr_ip(ipaddress.ip_address(m["IFA_BROADCAST"]))
    body = b"".join(
        addrs[bit].ljust(tables.sa_size(len(addrs[bit])), b"\0")
        for bit in tables.ORDER
        if bit in addrs
    )
    size = IFA_HEADER.size + len(body)
    return IFA_HEADER.pack(size, tables.RTM_VERSION, kind, sum(addrs), 0, m["index"], 0) + body


def translate(data: bytes, ifaces: dict[int, tables.Interface]) -> list[bytes]:
    """The FreeBSD messages for one datagram of Linux notifications."""
    from pyroute2.netlink.rtnl.marshal import MarshalRtnl

    out = []
    for m in MarshalRtnl().parse(data):
        kind = m["header"]["type"]
        if kind in ADDRESS:
            message = address_message(ADDRESS[kind], m, ifaces)
            if message:
                out.append(message)
        elif kind in ROUTE:
            out += [
                tables.route_message(ROUTE[kind], route, ifaces, extra_flags=RTF_DONE)
                for route in tables.routes([m], ifaces)
            ]
    return out
