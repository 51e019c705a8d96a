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
