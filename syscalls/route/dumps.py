"""The route dumps of the routing sysctl (sysctl_rtsock): NET_RT_DUMP and NET_RT_FLAGS, what
netstat -rn reads, join the operations syscalls/netif/dumps.py serves under net.route; and
net.fibs / net.my_fibnum (one FIB: Linux's main table)."""

import os

from bsdulator.abi import netif as A
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES
from bsdulator.errors import FreeBSDError
from bsdulator.net.backend import NetError
from bsdulator.syscalls.netif import dumps as netif_dumps

from . import tables

EINVAL = FREEBSD_ERRNO["EINVAL"]
NET_RT_DUMP, NET_RT_FLAGS = A.FREEBSD_NET_RT["NET_RT_DUMP"], A.FREEBSD_NET_RT["NET_RT_FLAGS"]
RTM_GET = A.FREEBSD_RTM["RTM_GET"]
AF_UNSPEC = FREEBSD_ADDRESS_FAMILIES["AF_UNSPEC"]
FIBS = 1  # Linux's main table is the one FIB


def dump(pid: int, af: int, op: int, arg: int) -> bytes:
    """The rt_msghdr records sysctl_dumpentry writes for the caller's table: every route of
    family af (0: all), or with NET_RT_FLAGS those with any of the flags in arg."""
    try:
        nsfd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise FreeBSDError(EINVAL, f"network namespace: {e.strerror}") from None
    try:
        table, ifaces = tables.read(nsfd)
    except NetError as e:
        raise FreeBSDError(EINVAL, str(e)) from None
    finally:
        os.close(nsfd)
    return b"".join(
        tables.route_message(RTM_GET, route, ifaces)
        for route in table
        if af in (AF_UNSPEC, route.family) and (op == NET_RT_DUMP or route.flags & arg)
    )


def _routes(ctx, af, arg, op):
    return dump(ctx.pid, af, op, arg)


def install(sup) -> None:
    netif_dumps.OPS[NET_RT_DUMP] = netif_dumps.OPS[NET_RT_FLAGS] = _routes
    tree = sup.sysctl
    tree.add("net.fibs", abi.CTLTYPE_INT, FIBS, descr="Number of available FIBs")
    tree.add("net.my_fibnum", abi.CTLTYPE_INT, 0, descr="Default FIB of caller")
