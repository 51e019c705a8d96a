"""abi/netif.py against FreeBSD's headers (zig's): the interface-changing requests, their structs'
layouts, the bridge commands and the spanning tree defaults a new bridge reports."""

import pytest

from bsdulator.abi import netif as N
from header_macros import freebsd_values, mismatches, requires_zig

pytestmark = pytest.mark.unit

FREEBSD_HEADERS = (
    "sys/types.h",
    "sys/param.h",
    "sys/socket.h",
    "sys/sockio.h",
    "sys/time.h",
    "stddef.h",
    "net/if.h",
    "net/ethernet.h",
    "net/if_bridgevar.h",
    "net/bridgestp.h",
    "netinet/in.h",
    "netinet/in_var.h",
    "netinet6/in6_var.h",
)


@requires_zig
def test_freebsd_netif_numbers_and_layouts():
    table = {
        **N.FREEBSD_SIOC,
        **N.FREEBSD_IF,
        **N.FREEBSD_BRDG,
        **N.FREEBSD_NETIF_LAYOUT,
    }
    assert mismatches(table, freebsd_values(FREEBSD_HEADERS, table, guard=False)) == {}


@requires_zig
def test_freebsd_bridge_defaults():
    """The defaults are kernel-side in net/bridgestp.h."""
    table = N.FREEBSD_BSTP
    values = freebsd_values(
        (
            "sys/types.h",
            "sys/param.h",
            "sys/lock.h",
            "sys/mutex.h",
            "sys/_task.h",
            "sys/callout.h",
            "net/bridgestp.h",
        ),
        table,
        defines=("_KERNEL",),
        guard=False,
    )
    assert mismatches(table, values) == {}
