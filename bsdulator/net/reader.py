"""What a process's network namespace holds: its links and their addresses, read through
pyroute2 (netlink) in that namespace, for FreeBSD's interface dumps and read ioctls; the
backlogs of its listening sockets (sock_diag) for the pcblist sysctls.

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

from bsdulator.abi.net import LINUX_TCP_STATES
from bsdulator.abi.netlink import LINUX_NETLINK_PROTOCOLS

from .backend import NetError, netns_inode
from .names import freebsd_ifname

LISTEN_STATES = 1 << LINUX_TCP_STATES["TCP_LISTEN"]  # sock_diag's idiag_states: a bit per state


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


def _socket_in(path: str, protocol: int = socket.NETLINK_ROUTE) -> socket.socket:
    """A netlink socket (NETLINK_ROUTE unless told) of the network namespace the nsfs file path
    names."""
    from pyroute2 import netns

    made: list = []

    def enter() -> None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                netns.setns(fd, flags=0, fork=False)  # os.setns is Python 3.12's
            finally:
                os.close(fd)
            made.append(socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, protocol))
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


def listen_backlogs(pid: int) -> dict[int, int]:
    """socket inode -> listen(2) backlog of every listening TCP socket of process pid's network
    namespace: sock_diag's idiag_wqueue, which /proc/net/tcp does not show."""
    from pyroute2.netlink.diag import DiagSocket
    from pyroute2.netlink.exceptions import NetlinkError

    sock = _socket_in(f"/proc/{pid}/ns/net", LINUX_NETLINK_PROTOCOLS["NETLINK_SOCK_DIAG"])
    try:
        with DiagSocket(fileno=sock.fileno()) as diag:
            diag.bind()
            found = {}
            for family in (socket.AF_INET, socket.AF_INET6):
                for m in diag.get_sock_stats(family=family, states=LISTEN_STATES):
                    found[m["idiag_inode"]] = m["idiag_wqueue"]
            return found
    except (NetlinkError, OSError) as e:
        raise NetError(f"sock_diag: {e}") from None
    finally:
        sock.close()
