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
    "net/if_vlan_var.h",
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
        **N.FREEBSD_SOCKADDR_LAYOUT,
        **N.FREEBSD_IN_CLASS_NET,
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


@requires_zig
def test_freebsd_address_classes():
    """Each (mask, value) test picks the addresses the IN_CLASSx(i) macro accepts."""
    probes = (0x0A000001, 0x7FFFFFFF, 0x80000000, 0xAC100001, 0xC0A80001, 0xDFFFFFFF, 0xE0000001)
    names = {
        "IN_CLASSA_NET": "IN_CLASSA",
        "IN_CLASSB_NET": "IN_CLASSB",
        "IN_CLASSC_NET": "IN_CLASSC",
    }
    exprs = [f"{names[net]}({i:#x}U)" for _m, _v, net in N.FREEBSD_IN_CLASS_TESTS for i in probes]
    values = freebsd_values(FREEBSD_HEADERS, exprs, guard=False)
    for mask, value, net in N.FREEBSD_IN_CLASS_TESTS:
        for i in probes:
            assert bool(values[f"{names[net]}({i:#x}U)"]) == ((i & mask) == value), (net, hex(i))
