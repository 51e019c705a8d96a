"""abi/netif_write.py beyond the manifest's lookups (tests/abi_manifest.py has its tables): the
IN_CLASSx(i) tests, function-like macros, against zig's FreeBSD headers."""

import pytest

from bsdulator.abi import netif_write as N
from header_macros import freebsd_values, requires_zig

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
