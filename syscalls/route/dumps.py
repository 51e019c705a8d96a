"""The routing sysctls: net.route.0.<af>.<op>.<arg>[.<fib>] (sysctl_rtsock) for NET_RT_DUMP
and NET_RT_FLAGS, what netstat -rn reads, and net.fibs / net.my_fibnum (one FIB: Linux's main
table)."""

import os

from bsdulator.abi import route as R
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES
from bsdulator.errors import FreeBSDError
from bsdulator.net.backend import NetError

from . import tables

EINVAL, EPERM, EOPNOTSUPP = (FREEBSD_ERRNO[n] for n in ("EINVAL", "EPERM", "EOPNOTSUPP"))
NET_RT_DUMP, NET_RT_FLAGS = R.NET_RT["NET_RT_DUMP"], R.NET_RT["NET_RT_FLAGS"]
RTM_GET = R.RTM_TYPES["RTM_GET"]
AF_UNSPEC, AF_ROUTE = FREEBSD_ADDRESS_FAMILIES["AF_UNSPEC"], FREEBSD_ADDRESS_FAMILIES["AF_ROUTE"]
FIBS = 1  # Linux's main table is the one FIB
NAME = ("protocol", "af", "op", "arg")  # then an optional fib


def dump(pid: int, af: int, op: int, arg: int) -> bytes:
    """The rt_msghdr records sysctl_dumpentry writes for the caller's table."""
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


def _sysctl_rtsock(ctx, req, rest: list[int]) -> None:
    if req.new is not None:
        raise FreeBSDError(EPERM, "net.route is read-only")
    if not len(NAME) <= len(rest) <= len(NAME) + 1:
        raise FreeBSDError(EINVAL, "net.route: wrong name length")
    _protocol, af, op, arg, *fib = rest
    if fib and fib[0] >= FIBS:
        raise FreeBSDError(EINVAL, f"net.route: no fib {fib[0]}")
    if op not in (NET_RT_DUMP, NET_RT_FLAGS):
        raise FreeBSDError(EOPNOTSUPP, f"net.route: operation {op}")
    req.out(dump(ctx.pid, af, op, arg))


def install(sup) -> None:
    tree = sup.sysctl
    tree.add_handler(
        "net.route",
        abi.CTLTYPE_NODE,
        _sysctl_rtsock,
        number=AF_ROUTE,
        fmt="",
        descr="Routing table dumps (NET_RT_DUMP, NET_RT_FLAGS)",
    )
    tree.add("net.fibs", abi.CTLTYPE_INT, FIBS, descr="Number of available FIBs")
    tree.add("net.my_fibnum", abi.CTLTYPE_INT, 0, descr="Default FIB of caller")
