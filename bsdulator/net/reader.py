"""What a process's network namespace holds: its links and their addresses, read through
pyroute2 (netlink) in that namespace, for FreeBSD's interface dumps and read ioctls.

The namespace is named by a process (/proc/<pid>/ns/net): a jailed vnet process reads its
jail's, an unjailed one its own.  When it is not the supervisor's, the netlink socket is made
in it by a short-lived thread that enters it (setns acts on the calling thread only), so no
process is spawned per read; the socket is closed after each read, so no jail's namespace is
kept alive by bsdulator."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from dataclasses import dataclass, field

from .backend import NetError, netns_inode
from .names import freebsd_ifname


@dataclass
class Address:
    family: int  # Linux's AF_INET / AF_INET6
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    prefixlen: int
    broadcast: ipaddress.IPv4Address | None = None
    peer: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None  # point-to-point
    flags: int = 0  # Linux IFA_F_*
    scope: int = 0


@dataclass
class Interface:
    index: int
    name: str  # FreeBSD's (names.py)
    linux_name: str
    arphrd: int  # Linux ifi_type
    flags: int  # Linux IFF_*
    kind: str | None  # IFLA_INFO_KIND: bridge, veth, vlan …
    mtu: int
    lladdr: bytes
    carrier: bool
    alias: str
    master: int | None
    stats: dict = field(default_factory=dict)  # IFLA_STATS64's fields by pyroute2's names
    addresses: list[Address] = field(default_factory=list)


def _socket_in(path: str) -> socket.socket:
    """A NETLINK_ROUTE socket of the network namespace the nsfs file path names."""
    from pyroute2 import netns

    made: list = []

    def enter() -> None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                netns.setns(fd, flags=0, fork=False)  # os.setns is Python 3.12's
            finally:
                os.close(fd)
            made.append(socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, socket.NETLINK_ROUTE))
        except OSError as e:
            made.append(e)

    helper = threading.Thread(target=enter, name="netns-reader")
    helper.start()
    helper.join()
    if isinstance(made[0], OSError):
        raise NetError(f"{path}: {made[0].strerror or made[0]}")
    return made[0]


def _ip(text):
    return ipaddress.ip_address(text) if text else None


def read(pid: int | None = None) -> list[Interface]:
    """The interfaces of process pid's network namespace (None: the supervisor's), by index."""
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    path = f"/proc/{pid}/ns/net" if pid else None
    own = path is None or netns_inode(path) == netns_inode("/proc/self/ns/net")
    sock = None if own else _socket_in(path)
    try:
        with IPRoute(**({} if own else {"use_socket": sock})) as ipr:
            links = ipr.get_links()
            addrs = ipr.get_addr()
    except NetlinkError as e:
        raise NetError(f"netlink: {os.strerror(e.code)}") from None
    except OSError as e:
        raise NetError(f"{path or 'netlink'}: {e.strerror or e}") from None
    finally:
        if sock is not None:
            sock.close()
    found = {}
    for link in links:
        info = link.get("IFLA_LINKINFO")
        linux_name = link.get("IFLA_IFNAME") or ""
        mac = link.get("IFLA_ADDRESS")
        found[link["index"]] = Interface(
            index=link["index"],
            name=freebsd_ifname(linux_name),
            linux_name=linux_name,
            arphrd=link["ifi_type"],
            flags=link["flags"],
            kind=info.get_attr("IFLA_INFO_KIND") if info else None,
            mtu=link.get("IFLA_MTU") or 0,
            lladdr=bytes.fromhex(mac.replace(":", "")) if mac else b"",
            carrier=bool(link.get("IFLA_CARRIER")),
            alias=link.get("IFLA_IFALIAS") or "",
            master=link.get("IFLA_MASTER"),
            stats=dict(link.get("IFLA_STATS64") or {}),
        )
    for a in addrs:
        owner = found.get(a["index"])
        if owner is None:
            continue
        local, address = a.get("IFA_LOCAL"), a.get("IFA_ADDRESS")
        peer = _ip(address) if local and address and local != address else None
        owner.addresses.append(
            Address(
                family=a["family"],
                address=_ip(local or address),
                prefixlen=a["prefixlen"],
                broadcast=_ip(a.get("IFA_BROADCAST")),
                peer=peer,
                flags=a.get("IFA_FLAGS") or a["flags"],
                scope=a["scope"],
            )
        )
    return [found[i] for i in sorted(found)]


def lookup(interfaces: list[Interface], name: str) -> Interface | None:
    """The interface a FreeBSD program names (lo0 is Linux's lo)."""
    return next((i for i in interfaces if i.name == name), None)
