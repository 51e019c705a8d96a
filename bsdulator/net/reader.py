"""What a process's network namespace holds: its links and their addresses, read through
pyroute2 (netlink) in that namespace, for FreeBSD's interface dumps and read ioctls; the
backlogs of its listening sockets (sock_diag) for the pcblist sysctls.

The namespace is named by a process (/proc/<pid>/ns/net): a jailed vnet process reads its
jail's, an unjailed one its own.  When it is not the supervisor's, the netlink socket is made
in it by a short-lived thread that enters it (setns acts on the calling thread only), so no
process is spawned per read; the socket is closed after each read, so no jail's namespace is
kept alive by bsdulator."""

from __future__ import annotations

import functools
import ipaddress
import operator
import os
import socket
import threading
from dataclasses import dataclass, field

from bsdulator.abi.net import LINUX_TCP_STATES
from bsdulator.abi.netlink import LINUX_UDIAG_SHOW

from .backend import NetError, netns_inode
from .names import freebsd_ifname

LISTEN_STATES = 1 << LINUX_TCP_STATES["TCP_LISTEN"]  # sock_diag's idiag_states: a bit per state
ALL_STATES = (1 << max(LINUX_TCP_STATES.values()) + 1) - 1
UNIX_SHOW_ALL = functools.reduce(operator.or_, LINUX_UDIAG_SHOW.values())


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


def _in_netns(path: str, work):
    """work() run by a short-lived thread inside the network namespace the nsfs file path names
    (setns acts on the calling thread only); its result, or NetError."""
    from pyroute2 import netns

    done: list = []

    def run() -> None:
        try:
            if netns_inode(path) != netns_inode("/proc/self/ns/net"):
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    netns.setns(fd, flags=0, fork=False)  # os.setns is Python 3.12's
                finally:
                    os.close(fd)
            done.append(work())
        except Exception as e:  # handed over to the caller's thread, re-raised there
            done.append(e)

    helper = threading.Thread(target=run, name="netns-reader")
    helper.start()
    helper.join()
    if isinstance(done[0], NetError):
        raise done[0]
    if isinstance(done[0], OSError):
        raise NetError(f"{path}: {done[0].strerror or done[0]}")
    if isinstance(done[0], Exception):
        raise done[0]
    return done[0]


def _socket_in(path: str) -> socket.socket:
    """A NETLINK_ROUTE socket of the network namespace the nsfs file path names."""
    return _in_netns(
        path, lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, socket.NETLINK_ROUTE)
    )


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


@dataclass(frozen=True)
class UnixSocket:
    """A unix-domain socket as sock_diag reports it."""

    inode: int
    sock_type: int  # Linux SOCK_*
    listening: bool
    peer: int  # the connected peer's inode, 0 for none
    name: bytes  # the bound address (an abstract one unless bound_in_fs), b"" for none
    bound_in_fs: bool  # bound to a file system path (UNIX_DIAG_VFS)
    rqueue: int  # a listener: connections waiting; else bytes queued to read
    wqueue: int  # a listener: its backlog; else bytes queued to send


def _diag(pid: int, query):
    """query(DiagSocket) on a sock_diag socket made inside process pid's network namespace
    (DiagSocket takes no socket of ours)."""
    from pyroute2.netlink.diag import DiagSocket
    from pyroute2.netlink.exceptions import NetlinkError

    def ask():
        try:
            with DiagSocket() as diag:
                diag.bind()
                return query(diag)
        except NetlinkError as e:
            raise NetError(f"sock_diag: {e}") from None

    return _in_netns(f"/proc/{pid}/ns/net", ask)


def unix_sockets(pid: int) -> list[UnixSocket]:
    """The unix-domain sockets of process pid's network namespace, with peers and names.  Only
    those /proc/PID/net/unix listed before asking: pyroute2 makes a socket pair of its own
    while it asks."""
    from bsdulator import procfs

    before = procfs.unix_inodes(pid)

    def query(diag):
        return diag.get_sock_stats(family=socket.AF_UNIX, states=ALL_STATES, show=UNIX_SHOW_ALL)

    found = []
    for m in _diag(pid, query):
        if m["udiag_ino"] not in before:
            continue
        attrs = dict(m["attrs"])
        queues = attrs.get("UNIX_DIAG_RQLEN") or {}
        name = attrs.get("UNIX_DIAG_NAME") or b""
        found.append(
            UnixSocket(
                inode=m["udiag_ino"],
                sock_type=m["udiag_type"],
                listening=m["udiag_state"] == LINUX_TCP_STATES["TCP_LISTEN"],
                peer=attrs.get("UNIX_DIAG_PEER") or 0,
                name=name.encode() if isinstance(name, str) else bytes(name),
                bound_in_fs="UNIX_DIAG_VFS" in attrs,
                rqueue=queues.get("udiag_rqueue", 0),
                wqueue=queues.get("udiag_wqueue", 0),
            )
        )
    return found


def listen_backlogs(pid: int) -> dict[int, int]:
    """socket inode -> listen(2) backlog of every listening TCP socket of process pid's network
    namespace: sock_diag's idiag_wqueue, which /proc/net/tcp does not show."""

    def query(diag):
        found = {}
        for family in (socket.AF_INET, socket.AF_INET6):
            for m in diag.get_sock_stats(family=family, states=LISTEN_STATES):
                found[m["idiag_inode"]] = m["idiag_wqueue"]
        return found

    return _diag(pid, query)
