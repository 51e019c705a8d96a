"""FreeBSD's routing interfaces on Linux's routing tables: the routing sysctls (dumps.py),
PF_ROUTE sockets (rtsock.py), both over the FreeBSD view of the caller's network namespace
(tables.py)."""

from . import dumps, rtsock


def install(sup) -> None:
    dumps.install(sup)
    rtsock.install(sup)
