"""What every interface request shares: the caller's network, the ifreq name, the errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from bsdulator import procfs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.netif_write import FREEBSD_IF, FREEBSD_NETIF_LAYOUT
from bsdulator.errors import FreeBSDError
from bsdulator.net.backend import Link, NetError, check_ifname, rtnl
from bsdulator.net.names import freebsd_ifname, linux_ifname

EINVAL, ENXIO = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENXIO"]
IFNAMSIZ = FREEBSD_IF["IFNAMSIZ"]
IFRU = FREEBSD_NETIF_LAYOUT["offsetof(struct ifreq, ifr_ifru)"]
IFREQ_SIZE = FREEBSD_NETIF_LAYOUT["sizeof(struct ifreq)"]


def netns_of(pid: int) -> str | None:
    """The nsfs path of pid's network namespace, None when it is the supervisor's own."""
    if procfs.ns_inode(pid, "net") == procfs.ns_inode("self", "net"):
        return None
    return f"/proc/{pid}/ns/net"


def network(pid: int):
    """Netlink in process pid's network namespace; a refusal becomes FreeBSD's errno."""
    return network_at(netns_of(pid))


@contextmanager
def network_at(netns: str | None) -> Iterator[Link]:
    """Netlink in the network namespace the nsfs path netns names (None: the supervisor's)."""
    try:
        with rtnl(netns) as link:
            yield link
    except NetError as e:
        code = translate.errno_to_freebsd(e.errno) if e.errno else EINVAL
        raise FreeBSDError(code, str(e)) from None


def read_name(mem, addr: int) -> str:
    """An interface name buffer (IFNAMSIZ bytes, NUL-terminated or not) as a FreeBSD name."""
    raw = mem.read(addr, IFNAMSIZ).split(b"\0", 1)[0]
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise FreeBSDError(EINVAL, "interface name is not text") from None


def pack_name(name: str) -> bytes:
    return name.encode().ljust(IFNAMSIZ, b"\0")[:IFNAMSIZ]


def lookup(link: Link, name: str) -> int:
    """The Linux index of FreeBSD interface name; ENXIO, as ifunit() fails, when there is none."""
    index = link.index(linux_ifname(name)) if name else None
    if index is None:
        raise FreeBSDError(ENXIO, f"no interface {name}")
    return index


def fbsd_name(linux: str) -> str:
    return freebsd_ifname(linux)


def is_socket(pid: int, fd: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    except OSError:
        return False


def check_name(name: str) -> str:
    """The Linux name for a new FreeBSD interface name; one Linux cannot hold is ENAMETOOLONG
    with the reason (FreeBSD's names are as long, but lo0 is Linux's lo: lo10… stay)."""
    linux = linux_ifname(name)
    try:
        check_ifname(linux)
    except NetError as e:
        raise FreeBSDError(FREEBSD_ERRNO["ENAMETOOLONG"], str(e)) from None
    return linux
