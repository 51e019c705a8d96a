"""The interface dumps of the routing sysctl (syscalls/netif/dumps.py) as bytes: the messages
FreeBSD's rtsock.c sysctl_iflist builds, and what an IP jail sees of them (prison_if)."""

import ipaddress
import socket
import struct

import pytest

from bsdulator.abi import netif as A
from bsdulator.abi.jail import JAIL_SYS_DISABLE
from bsdulator.net import reader
from bsdulator.syscalls.netif import dumps, ioctl_get

pytestmark = pytest.mark.unit


def _iface(index, name, arphrd, flags, addresses, kind=None, mac=b"\x02\0\0\0\0\x01"):
    return reader.Interface(
        index=index,
        name=name,
        linux_name=name,
        arphrd=arphrd,
        flags=flags,
        kind=kind,
        mtu=1500,
        lladdr=mac,
        carrier=True,
        alias="",
        master=None,
        stats={"rx_packets": 7, "tx_bytes": 9},
        addresses=addresses,
    )


def _messages(data: bytes):
    """(type, addrs bitmask, index, header length, the sockaddrs' bytes) of each message."""
    out, off = [], 0
    while off < len(data):
        msglen, version, kind, addrs = struct.unpack_from("<HBBi", data, off)
        assert version == A.FREEBSD_RTM["RTM_VERSION"]
        index, _spare, hdrlen = struct.unpack_from("<HHH", data, off + 12)
        out.append((kind, addrs, index, hdrlen, data[off + hdrlen : off + msglen]))
        off += msglen
    return out


def test_iflistl_is_sysctl_iflist_with_long_headers():
    """One RTM_IFINFO per interface with its sockaddr_dl (sa_len rounded to a long), then one
    RTM_NEWADDR per address of the family asked for: netmask, address, broadcast."""
    v4 = reader.Address(socket.AF_INET, ipaddress.ip_address("10.0.0.10"), 24)
    v6 = reader.Address(socket.AF_INET6, ipaddress.ip_address("fe80::1"), 64)
    eth = _iface(2, "eth0", 1, 0x11043, [v4, v6])  # UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
    data = dumps.iflist([eth], 0, 0, long=True)
    (link, a4, a6) = _messages(data)
    RTM, RTA = A.FREEBSD_RTM, A.FREEBSD_RTA
    assert link[:4] == (RTM["RTM_IFINFO"], RTA["RTA_IFP"], 2, 176)
    sdl = link[4]
    assert (sdl[0], sdl[1], sdl[5], sdl[6]) == (56, 18, 4, 6)  # len, AF_LINK, nlen, alen
    assert sdl[8:18] == b"eth0\x02\0\0\0\0\x01"
    flags = struct.unpack_from("<i", data, 8)[0]
    assert flags == 0x8843  # FreeBSD's UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST
    assert struct.unpack_from("<I", data, 24 + 8)[0] == 1500  # ifi_mtu
    assert struct.unpack_from("<Q", data, 24 + 24)[0] == 7  # ifi_ipackets
    assert a4[:4] == (
        RTM["RTM_NEWADDR"],
        RTA["RTA_NETMASK"] | RTA["RTA_IFA"] | RTA["RTA_BRD"],
        2,
        176,
    )
    mask, addr, brd = (a4[4][i : i + 16] for i in (0, 16, 32))
    assert mask[:2] == addr[:2] == brd[:2] == bytes([16, 2])
    assert (mask[4:8], addr[4:8], brd[4:8]) == (
        bytes([255, 255, 255, 0]),
        bytes([10, 0, 0, 10]),
        bytes([10, 0, 0, 255]),
    )
    assert a6[1] == RTA["RTA_NETMASK"] | RTA["RTA_IFA"]  # no broadcast for IPv6
    assert [a6[4][0], a6[4][1], a6[4][32], a6[4][33]] == [28, 28, 28, 28]  # padded to 32
    assert struct.unpack_from("<I", a6[4], 32 + 24)[0] == 2  # link-local: scope id = index
    # an af of AF_INET keeps the link message and the IPv4 address only; index 3 matches none
    assert [m[0] for m in _messages(dumps.iflist([eth], 2, 0, long=False))] == [
        RTM["RTM_IFINFO"],
        RTM["RTM_NEWADDR"],
    ]
    assert dumps.iflist([eth], 0, 3, long=False) == b""


def test_an_ip_jail_sees_only_its_own_addresses():
    """prison_if: a vnet jail sees its whole stack; an IP jail its own addresses of a family it
    limits, none of one it disables, all of one it leaves alone."""
    from bsdulator.abi.jail import JAIL_SYS_DISABLE, JAIL_SYS_INHERIT, JAIL_SYS_NEW
    from bsdulator.syscalls.netif.common import visible

    lo = reader.Address(socket.AF_INET, ipaddress.ip_address("127.0.0.1"), 8)
    own = reader.Address(socket.AF_INET, ipaddress.ip_address("127.0.1.5"), 8)
    v6 = reader.Address(socket.AF_INET6, ipaddress.ip_address("::1"), 128)
    ip_jail = {"vnet": JAIL_SYS_INHERIT, "ip4": JAIL_SYS_NEW, "ip4.addr": ("127.0.1.5",)}
    assert [visible(ip_jail | {"ip6": JAIL_SYS_DISABLE}, a) for a in (lo, own, v6)] == [
        False,
        True,
        False,
    ]
    assert visible(ip_jail | {"ip6": JAIL_SYS_INHERIT}, v6)
    assert visible(ip_jail | {"ip4": JAIL_SYS_DISABLE}, own)  # the addresses decide
    assert all(visible(None, a) for a in (lo, own, v6))
    vnet = {"vnet": JAIL_SYS_NEW, "ip4": JAIL_SYS_DISABLE}
    assert all(visible(vnet, a) for a in (lo, own, v6))
    iflist = dumps.iflist([_iface(1, "lo0", 772, 0x49, [lo, own], mac=b"")], 0, 0, False, ip_jail)
    assert [m[0] for m in _messages(iflist)] == [
        A.FREEBSD_RTM["RTM_IFINFO"],
        A.FREEBSD_RTM["RTM_NEWADDR"],
    ]


def test_ifmalist_lists_the_groups_linux_keeps():
    """/proc/PID/net's memberships (link-layer, IGMP, MLD) become RTM_NEWMADDR messages with the
    interface's sockaddr_dl and the group; af filters them, an IP jail keeps none of IPv4's."""
    from bsdulator import procfs

    groups = (
        procfs.parse_dev_mcast(b"2    eth0            1     0     333300000001\n")
        + procfs.parse_igmp(
            b"Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
            b"2\teth0      :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n"
        )
        + procfs.parse_igmp6(
            b"2    eth0            ff020000000000000000000000000001     1 0000000C 0\n"
        )
    )
    assert [(g.index, g.family) for g in groups] == [(2, "link"), (2, "inet"), (2, "inet6")]
    assert groups[1].address == bytes([224, 0, 0, 1])
    eth = _iface(2, "eth0", 1, 0x1043, [])
    messages = _messages_ifma(dumps.ifmalist([eth], groups, 0, 0))
    RTA = A.FREEBSD_RTA
    assert [m[:3] for m in messages] == [
        (A.FREEBSD_RTM["RTM_NEWMADDR"], RTA["RTA_IFP"] | RTA["RTA_IFA"], 2)
    ] * 3
    link, inet, inet6 = (m[3] for m in messages)
    ifp = 56  # the interface's sockaddr_dl first
    assert (link[ifp + 1], link[ifp + 5], link[ifp + 6]) == (18, 0, 6)  # AF_LINK, no name, alen
    assert link[ifp + 8 : ifp + 14] == bytes.fromhex("333300000001")
    assert (inet[ifp], inet[ifp + 1], inet[ifp + 4 : ifp + 8]) == (16, 2, bytes([224, 0, 0, 1]))
    assert (inet6[ifp], inet6[ifp + 1]) == (28, 28)
    assert len(_messages_ifma(dumps.ifmalist([eth], groups, 2, 0))) == 1  # AF_INET only
    ip_jail = {"vnet": 2, "ip4.addr": ("10.0.0.5",), "ip6": 0}
    assert _messages_ifma(dumps.ifmalist([eth], groups, 0, 0, ip_jail))[0][3][ifp + 1] == 18


def _messages_ifma(data: bytes):
    """(type, addrs, index, the sockaddrs' bytes) of each ifma_msghdr message."""
    out, off = [], 0
    while off < len(data):
        msglen, _version, kind, addrs = struct.unpack_from("<HBBi", data, off)
        index = struct.unpack_from("<H", data, off + 12)[0]
        out.append((kind, addrs, index, data[off + 16 : off + msglen]))
        off += msglen
    return out


def test_ifconf_entries_as_if_c_builds_them():
    """SIOCGIFCONF (if.c ifconf): per interface, the link address first; an address of at most
    sizeof(struct sockaddr) (16) fills a 32-byte struct ifreq, a longer one (sockaddr_dl,
    sockaddr_in6: 28) extends the entry to IFNAMSIZ + its sa_len; an IP jail sees only its
    address (prison_if), the link address always."""
    v4 = reader.Address(socket.AF_INET, ipaddress.ip_address("10.0.0.10"), 24)
    v6 = reader.Address(socket.AF_INET6, ipaddress.ip_address("fe80::1"), 64)
    eth = _iface(2, "eth0", 1, 0x11043, [v4, v6])  # UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
    data = ioctl_get.ifconf([eth])
    entries, off = [], 0
    while off < len(data):
        name = data[off : off + A.FREEBSD_IFNAMSIZ].rstrip(b"\0").decode()
        sa_len, family = data[off + 16], data[off + 17]
        entries.append((name, sa_len, family))
        off += 16 + max(sa_len, 16)
    assert off == len(data)
    AF = {"AF_LINK": 18, "AF_INET": 2, "AF_INET6": 28}  # sys/socket.h
    assert [e[2] for e in entries] == [AF["AF_LINK"], AF["AF_INET"], AF["AF_INET6"]]
    assert entries[1][1] == 16 and entries[2][1] == 28 and all(e[0] == "eth0" for e in entries)
    jailed = ioctl_get.ifconf([eth], {"ip4.addr": ["10.0.0.99"], "ip6": JAIL_SYS_DISABLE})
    assert [jailed[17]] == [AF["AF_LINK"]] and len(jailed) == 16 + max(jailed[16], 16)
