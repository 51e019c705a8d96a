"""Linux's routing tables as FreeBSD's one table (syscalls/route/tables.py) and the rt_msghdr
messages route(8) and netstat -rn read: pure functions over pyroute2-shaped messages."""

import ipaddress
import socket
import struct

import pytest

from bsdulator.abi import netif as A
from bsdulator.abi import netlink as N
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.netlink import LINUX_ARPHRD
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.route import monitor, rtsock, tables

pytestmark = pytest.mark.unit

RTF = N.FREEBSD_RTF
LX = tables.LX
MAIN, LOCAL = LX["RT_TABLE_MAIN"], LX["RT_TABLE_LOCAL"]
UNICAST, LOCAL_TYPE, BROADCAST = LX["RTN_UNICAST"], LX["RTN_LOCAL"], LX["RTN_BROADCAST"]
KERNEL, STATIC = LX["RTPROT_KERNEL"], LX["RTPROT_STATIC"]
LO, ETH0 = 1, 7


def _route(table, kind, dst, dst_len, oif, proto=KERNEL, gateway=None, family=socket.AF_INET):
    m = {"family": family, "table": table, "type": kind, "dst_len": dst_len, "proto": proto}
    m |= {"RTA_DST": dst, "RTA_OIF": oif, "RTA_TABLE": table}
    if gateway:
        m["RTA_GATEWAY"] = gateway
    return m


# What the automatic VNET layout leaves in a jail: eth0 10.0.0.10/24, default via 10.0.0.1.
LINKS = [
    {"index": LO, "ifi_type": LINUX_ARPHRD["ARPHRD_LOOPBACK"], "IFLA_IFNAME": "lo"}
    | {"IFLA_MTU": 65536, "IFLA_ADDRESS": "00:00:00:00:00:00"},
    {"index": ETH0, "ifi_type": LINUX_ARPHRD["ARPHRD_ETHER"], "IFLA_IFNAME": "eth0"}
    | {"IFLA_MTU": 1500, "IFLA_ADDRESS": "02:00:00:00:00:0a"},
]
ADDRS = [
    {"index": LO, "prefixlen": 8, "IFA_LOCAL": "127.0.0.1"},
    {"index": ETH0, "prefixlen": 24, "IFA_LOCAL": "10.0.0.10"},
]
MESSAGES = [
    _route(MAIN, UNICAST, None, 0, ETH0, STATIC, "10.0.0.1"),
    _route(MAIN, UNICAST, "10.0.0.0", 24, ETH0),
    _route(LOCAL, LOCAL_TYPE, "10.0.0.10", 32, ETH0),
    _route(LOCAL, BROADCAST, "10.0.0.255", 32, ETH0),
    _route(LOCAL, LOCAL_TYPE, "127.0.0.0", 8, LO),
    _route(LOCAL, LOCAL_TYPE, "127.0.0.1", 32, LO),
    _route(LOCAL, LOCAL_TYPE, "::1", 128, LO, family=socket.AF_INET6),
    _route(LOCAL, LX["RTN_MULTICAST"], "ff00::", 8, ETH0, family=socket.AF_INET6),
]


def _table():
    ifaces = tables.interfaces(LINKS, ADDRS)
    return tables.routes(MESSAGES, ifaces), ifaces


def test_the_layouts_routes_as_netstat_shows_them():
    table, ifaces = _table()
    seen = [(str(r.network), str(r.gateway or f"link#{r.link}"), r.flags, r.index) for r in table]
    up, gw, host, static = (RTF[n] for n in ("RTF_UP", "RTF_GATEWAY", "RTF_HOST", "RTF_STATIC"))
    assert seen == [
        ("0.0.0.0/0", "10.0.0.1", up | gw | static, ETH0),  # default 10.0.0.1 UGS eth0
        ("10.0.0.0/24", f"link#{ETH0}", up, ETH0),  # 10.0.0.0/24 link#N U eth0
        ("10.0.0.10/32", f"link#{ETH0}", up | host | static, LO),  # UHS lo0
        ("127.0.0.1/32", f"link#{LO}", up | host, LO),  # 127.0.0.1 link#1 UH lo0
        ("::1/128", f"link#{LO}", up | host, LO),
    ]
    assert ifaces[LO].name == "lo0" and ifaces[ETH0].name == "eth0"


def test_lookup_is_the_longest_match_or_the_exact_prefix():
    table, _ = _table()
    address = ipaddress.ip_address("10.0.0.77")
    assert str(tables.lookup(table, address, None).network) == "10.0.0.0/24"
    assert str(tables.lookup(table, ipaddress.ip_address("8.8.8.8"), None).network) == "0.0.0.0/0"
    assert str(tables.lookup(table, ipaddress.ip_address("0.0.0.0"), 0).gateway) == "10.0.0.1"
    assert tables.lookup(table, ipaddress.ip_address("10.0.0.0"), 16) is None


def test_a_message_reads_back_field_by_field():
    table, ifaces = _table()
    message = tables.route_message(A.FREEBSD_RTM["RTM_GET"], table[0], ifaces, pid=42, seq=7)
    header, addrs = rtsock.parse(message)
    assert (header.msglen, header.version) == (len(message), tables.RTM_VERSION)
    assert (header.pid, header.seq, header.index) == (42, 7, ETH0)
    bits = A.FREEBSD_RTA
    assert set(addrs) == {bits["RTA_DST"], bits["RTA_GATEWAY"], bits["RTA_NETMASK"]}
    assert rtsock._ip(addrs[bits["RTA_GATEWAY"]]) == ipaddress.ip_address("10.0.0.1")
    assert all(len(sa) == tables.SIZES["sizeof(struct sockaddr_in)"] for sa in addrs.values())


@pytest.mark.parametrize("length, room", [(0, 8), (1, 8), (8, 8), (16, 16), (28, 32), (54, 56)])
def test_sockaddrs_take_sa_size(length, room):
    assert tables.sa_size(length) == room


def test_a_malformed_request_is_einval():
    table, ifaces = _table()
    message = tables.route_message(A.FREEBSD_RTM["RTM_GET"], table[0], ifaces)
    for bad in (message[:20], message[:-8], b"\x00" * len(message)):
        with pytest.raises(FreeBSDError) as e:
            rtsock.parse(bad)
        assert getattr(e.value, "errno", None) == FREEBSD_ERRNO["EINVAL"]


def test_the_header_structs_are_rt_msghdrs_layout():
    assert tables.HEADER.size == tables.SIZES["offsetof(struct rt_msghdr, rtm_rmx)"]
    assert tables.HEADER.size + tables.METRICS.size == tables.SIZES["sizeof(struct rt_msghdr)"]
    assert struct.calcsize("<HBBH2x") == tables.SIZES["offsetof(struct rt_msghdr, rtm_flags)"]
    assert (
        tables.HEADER.size - struct.calcsize("<Q")
        == tables.SIZES["offsetof(struct rt_msghdr, rtm_inits)"]
    )
    assert monitor.IFA_HEADER.size == tables.SIZES["sizeof(struct ifa_msghdr)"]
    assert tables.SDL_HEAD.size == tables.SIZES["offsetof(struct sockaddr_dl, sdl_data)"]
