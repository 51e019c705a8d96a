"""Linux networking through netlink (pyroute2): named network namespaces, links (veth pairs,
bridges), addresses and routes.  Nothing here runs `ip`, `brctl` or `sysctl`.

A named namespace is a bind mount of an nsfs file under /var/run/netns, as `ip netns add`
makes it (pyroute2.netns does the same mounts), in the mount namespace bsdulator runs in:
the host's, or under `ip netns exec` the one that command made for it, which the binding
then does not outlive (like `ip netns add` run there).  pyroute2 is imported on first use:
it would cost every bsdulator ~200 ms."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from ..abi.net import LINUX_NET

NETNS_DIR = "/var/run/netns"  # where `ip netns` looks (pyroute2.netns.NETNS_RUN_DIR)


class NetError(Exception):
    """A network operation failed; the message says which and why, errno (Linux's) what the
    kernel answered when it refused."""

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


def check_ifname(name: str) -> None:
    """Linux's limit on interface names (IFNAMSIZ with its NUL)."""
    if not name or len(name.encode()) >= LINUX_NET["IFNAMSIZ"]:
        raise NetError(
            f"interface name {name!r} is longer than Linux's {LINUX_NET['IFNAMSIZ'] - 1} bytes"
        )


def netns_path(name: str) -> str:
    return os.path.join(NETNS_DIR, name)


def netns_inode(path: str) -> int | None:
    """The network namespace a binding (or /proc/PID/ns/net) stands for, by nsfs inode; None when
    path is none (missing, or a mount point whose binding lives in another mount namespace)."""
    try:
        st = os.stat(path)
        nsfs = os.stat("/proc/self/ns/net").st_dev
    except OSError:
        return None
    return st.st_ino if st.st_dev == nsfs else None


def netns_has_processes(inode: int) -> bool:
    """Whether any process runs in the network namespace with this inode."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and netns_inode(f"/proc/{entry}/ns/net") == inode:
            return True
    return False


def bind_netns(name: str, pid: int) -> None:
    """Bind process pid's network namespace under NETNS_DIR/name (`ip netns attach`)."""
    from pyroute2 import netns

    if os.path.lexists(netns_path(name)):
        raise NetError(f"network namespace {name} already exists")
    try:
        netns.attach(name, pid)
    except OSError as e:
        unbind_netns(name)  # the mount point may have been made before the mount failed
        raise NetError(f"cannot bind network namespace {name}: {os.strerror(e.errno)}") from None


def unbind_netns(name: str) -> None:
    """Remove the binding NETNS_DIR/name (`ip netns delete`); none there is fine."""
    from pyroute2 import netns

    try:
        netns.remove(name)
    except FileNotFoundError:
        pass
    except OSError as e:
        raise NetError(f"cannot remove network namespace {name}: {os.strerror(e.errno)}") from None


@contextmanager
def rtnl(netns: str | None = None) -> Iterator[Link]:
    """Netlink to the caller's network namespace, or to the one the nsfs path netns names."""
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    try:
        with IPRoute(**({"netns": netns} if netns else {})) as ipr:
            yield Link(ipr)
    except NetlinkError as e:
        raise NetError(f"netlink: {os.strerror(e.code)}", e.code) from None
    except OSError as e:  # the namespace vanished (its jail died), no netlink socket, …
        raise NetError(f"{netns or 'netlink'}: {e.strerror or e}", e.errno) from None


class Link:
    """The link, address and route operations the layouts need, on one netlink socket."""

    def __init__(self, ipr):
        self.ipr = ipr

    def index(self, name: str) -> int | None:
        found = self.ipr.link_lookup(ifname=name)
        return found[0] if found else None

    def require(self, name: str) -> int:
        index = self.index(name)
        if index is None:
            raise NetError(f"interface {name} does not exist")
        return index

    def add_bridge(self, name: str) -> int:
        check_ifname(name)
        self.ipr.link("add", ifname=name, kind="bridge")
        return self.require(name)

    def add_veth(self, name: str, peer: str, peer_netns: str) -> int:
        """A veth pair: name here, peer in the network namespace the nsfs path peer_netns names."""
        check_ifname(name)
        check_ifname(peer)
        fd = os.open(peer_netns, os.O_RDONLY | os.O_CLOEXEC)
        try:
            self.ipr.link("add", ifname=name, kind="veth", peer={"ifname": peer, "net_ns_fd": fd})
        finally:
            os.close(fd)
        return self.require(name)

    def delete(self, index: int) -> None:
        self.ipr.link("del", index=index)

    def up(self, index: int, master: int | None = None) -> None:
        self.ipr.link("set", index=index, state="up", **({"master": master} if master else {}))

    def ports(self, bridge: int) -> list[int]:
        """The links enslaved to a bridge."""
        return [link["index"] for link in self.ipr.get_links() if link.get("master") == bridge]

    def ipv4(self, index: int) -> list[ipaddress.IPv4Interface]:
        return [
            ipaddress.IPv4Interface(f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}")
            for a in self.ipr.get_addr(family=socket.AF_INET, index=index)
        ]

    def add_ipv4(self, index: int, address: ipaddress.IPv4Interface) -> None:
        self.ipr.addr(
            "add", index=index, address=str(address.ip), prefixlen=address.network.prefixlen
        )

    def default_route(self, gateway: ipaddress.IPv4Address) -> None:
        self.ipr.route("add", dst="default", gateway=str(gateway))

    # -- what FreeBSD's interface requests change (syscalls/netif)

    def names(self) -> set[str]:
        return {link.get("ifname") for link in self.ipr.get_links()}

    def get(self, index: int):
        """The link's RTM_NEWLINK message."""
        return self.ipr.get_links(index)[0]

    def kind(self, index: int) -> str | None:
        info = self.get(index).get("IFLA_LINKINFO")
        return info.get("IFLA_INFO_KIND") if info else None

    def add(self, name: str, kind: str, **attrs) -> int:
        check_ifname(name)
        self.ipr.link("add", ifname=name, kind=kind, **attrs)
        return self.require(name)

    def add_pair(self, name: str, peer: str) -> int:
        """A veth pair, both ends here."""
        check_ifname(peer)
        return self.add(name, "veth", peer={"ifname": peer})

    def set(self, index: int, **attrs) -> None:
        self.ipr.link("set", index=index, **attrs)

    def move(self, index: int, netns: str) -> None:
        """Into the network namespace the nsfs path netns names."""
        fd = os.open(netns, os.O_RDONLY | os.O_CLOEXEC)
        try:
            self.ipr.link("set", index=index, net_ns_fd=fd)
        finally:
            os.close(fd)

    def addresses(self, index: int, family: int) -> list[tuple[str, int]]:
        return [
            (a.get("IFA_ADDRESS"), a["prefixlen"])
            for a in self.ipr.get_addr(family=family, index=index)
        ]

    def address(self, command: str, index: int, family: int, address: str, prefixlen: int, **kw):
        """Add ("replace": or change) or delete ("del") an address."""
        self.ipr.addr(
            command, index=index, family=family, address=address, prefixlen=prefixlen, **kw
        )
