"""syscalls/ipjail.py's pure rules, as sys/netinet/in_jail.c states them: prison_local_ip4
(unspecified and loopback become the jail's first address, another address is EADDRNOTAVAIL, a
family that is off is EAFNOSUPPORT), prison_remote_ip4 (loopback is the jail's address), and the
source address an unbound socket takes (in_pcbladdr)."""

import ipaddress
import socket

import pytest

from bsdulator import structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import ipjail

pytestmark = pytest.mark.unit

EADDRNOTAVAIL, EAFNOSUPPORT = FREEBSD_ERRNO["EADDRNOTAVAIL"], FREEBSD_ERRNO["EAFNOSUPPORT"]


def test_limits_rules():
    """The pure rules: unspecified and loopback become the first address, others are refused,
    a remote loopback is the jail's address, an off family has no addresses."""
    limits = ipjail.Limits({ipjail.AF_INET: (ipaddress.ip_address("10.1.2.3"),)})

    def sin(addr: str) -> bytes:
        return structs.pack(
            "sockaddr_in",
            sin_len=16,
            sin_family=ipjail.AF_INET,
            sin_port=80,
            sin_addr=socket.inet_aton(addr),
        )

    assert ipjail.local_address(limits, sin("0.0.0.0")) == sin("10.1.2.3")
    assert ipjail.local_address(limits, sin("127.0.0.1")) == sin("10.1.2.3")
    assert ipjail.local_address(limits, sin("10.1.2.3")) == sin("10.1.2.3")
    with pytest.raises(FreeBSDError) as e:
        ipjail.local_address(limits, sin("127.0.0.2"))
    assert e.value.errno == EADDRNOTAVAIL
    assert ipjail.remote_address(limits, sin("127.0.0.1")) == sin("10.1.2.3")
    assert ipjail.remote_address(limits, sin("192.0.2.1")) == sin("192.0.2.1")
    assert ipjail.source_sockaddr(limits, ipjail.AF_INET)[4:8] == socket.inet_aton("10.1.2.3")
    assert ipjail.source_sockaddr(limits, ipjail.AF_INET6) is None
    off = ipjail.Limits({ipjail.AF_INET: ()})
    with pytest.raises(FreeBSDError) as e:
        ipjail.local_address(off, sin("0.0.0.0"))
    assert e.value.errno == EAFNOSUPPORT


def test_limits_walk_inherit_up_to_a_limiting_jail_and_stop_at_vnet():
    """ip4 = disable with addresses limits the family (none: the family is off); inherit takes
    the parent's; a vnet jail, and the host above the top, limit nothing."""
    from bsdulator.abi.jail import JAIL_SYS_DISABLE, JAIL_SYS_INHERIT, JAIL_SYS_NEW
    from bsdulator.jail.records import JailRecord

    def rec(jid, parent, **params):
        base = {"vnet": JAIL_SYS_INHERIT, "ip4": JAIL_SYS_INHERIT, "ip6": JAIL_SYS_INHERIT}
        return JailRecord(jid, f"j{jid}", "/", parent, params=base | params)

    jails = {
        1: rec(1, 0, ip4=JAIL_SYS_DISABLE, **{"ip4.addr": ("10.0.0.5", "10.0.0.6")}),
        2: rec(2, 1),  # inherits 1's
        3: rec(3, 1, vnet=JAIL_SYS_NEW),  # its own stack
        4: rec(4, 0, ip4=JAIL_SYS_DISABLE, ip6=JAIL_SYS_DISABLE),  # ip4=disable ip6=disable
        5: rec(5, 0),  # ip4=inherit at the top: the host's
    }

    def limits(jid):
        return ipjail.limits_of(jails[jid], lambda pr: jails.get(pr.parent))

    first = ipaddress.ip_address("10.0.0.5"), ipaddress.ip_address("10.0.0.6")
    assert limits(1).addrs == {ipjail.AF_INET: first}
    assert limits(2).addrs == {ipjail.AF_INET: first}
    assert not limits(3)
    assert limits(4).addrs == {ipjail.AF_INET: (), ipjail.AF_INET6: ()}
    assert not limits(5)


def test_ipv6_rules():
    limits = ipjail.Limits({ipjail.AF_INET6: (ipaddress.ip_address("2001:db8::5"),)})

    def sin6(addr: str) -> bytes:
        return structs.pack(
            "sockaddr_in6",
            sin6_len=28,
            sin6_family=ipjail.AF_INET6,
            sin6_port=80,
            sin6_addr=socket.inet_pton(socket.AF_INET6, addr),
        )

    assert ipjail.local_address(limits, sin6("::")) == sin6("2001:db8::5")
    assert ipjail.local_address(limits, sin6("::1")) == sin6("2001:db8::5")
    with pytest.raises(FreeBSDError) as e:
        ipjail.local_address(limits, sin6("2001:db8::6"))
    assert e.value.errno == EADDRNOTAVAIL
    assert ipjail.remote_address(limits, sin6("::1")) == sin6("2001:db8::5")
    # An IPv4 address is not limited by an IPv6-only list.
    v4 = structs.pack("sockaddr_in", sin_len=16, sin_family=ipjail.AF_INET, sin_port=80)
    assert ipjail.local_address(limits, v4) == v4


def _sin6(addr: str, size: int = 28) -> bytes:
    return structs.pack(
        "sockaddr_in6",
        sin6_len=size,
        sin6_family=ipjail.AF_INET6,
        sin6_port=80,
        sin6_addr=socket.inet_pton(socket.AF_INET6, addr),
    )[:size]


def test_ipv4_mapped_addresses_are_judged_as_ipv4():
    """in6_pcbbind judges an IPv4-mapped address with prison_local_ip4; the rewrite stays
    mapped, and Linux's 24-byte sockaddr_in6 (RFC 2133, no scope id) is checked too."""
    limits = ipjail.Limits({ipjail.AF_INET: (ipaddress.ip_address("10.1.2.3"),)})
    assert ipjail.local_address(limits, _sin6("::ffff:127.0.0.1")) == _sin6("::ffff:10.1.2.3")
    assert ipjail.local_address(limits, _sin6("::ffff:10.1.2.3", 24)) == _sin6(
        "::ffff:10.1.2.3", 24
    )
    for size in (24, 28):
        with pytest.raises(FreeBSDError) as e:
            ipjail.local_address(limits, _sin6("::ffff:10.9.9.9", size))
        assert e.value.errno == EADDRNOTAVAIL
    assert ipjail.remote_address(limits, _sin6("::ffff:127.0.0.1")) == _sin6("::ffff:10.1.2.3")
    # A plain IPv6 address is IPv6's business: not limited here.
    assert ipjail.local_address(limits, _sin6("2001:db8::1")) == _sin6("2001:db8::1")
