"""The interface read side (issue 11): 10.2 `ifconfig`, `netstat -i` and getifaddrs() read the
caller's network namespace through the routing sysctl's interface dumps (NET_RT_IFLIST,
NET_RT_IFLISTL) and the SIOCG* ioctls (syscalls/netif/).

Network safety: the end-to-end tests run in test_vnet_layout's `test_host` (a network namespace
of the test's own, removed with its jails at the end, also when the test fails) and send no
packets."""

import ipaddress
import socket
import struct

import pytest
from test_vnet_layout import test_host  # noqa: F401 (the fixture)

from bsdulator.abi import netif as A
from bsdulator.net import reader
from bsdulator.syscalls.netif import dumps


def _stanzas(out: str) -> dict[str, list[str]]:
    """ifconfig's output by interface: its first line, then the indented ones."""
    found: dict[str, list[str]] = {}
    name = None
    for line in out.splitlines():
        if not line.startswith("\t"):
            name = line.split(":", 1)[0]
            found[name] = [line]
        else:
            found[name].append(line.strip())
    return found


def _jail_link(netns: str, name: str):
    from pyroute2 import IPRoute

    with IPRoute(netns=netns, flags=0) as ipr:
        return ipr.get_links(ifname=name)[0].get("IFLA_ADDRESS")


@pytest.mark.e2e
@pytest.mark.root
def test_ifconfig_and_netstat_in_a_vnet_jail_show_its_interfaces(test_host):  # noqa: F811
    R = test_host.root
    r = test_host.run(
        "jail", "-c", "name=myjail", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist"
    )
    assert r.returncode == 0, r.stderr
    mac = _jail_link(test_host.holder_netns(1), "eth0")

    r = test_host.run("jexec", "myjail", "/sbin/ifconfig", "-a")
    assert r.returncode == 0, r.stderr
    ifs = _stanzas(r.stdout.decode())
    assert list(ifs) == ["lo0", "eth0"]  # none of the test host's
    assert ifs["lo0"][0] == "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 65536"
    assert "inet 127.0.0.1 netmask 0xff000000" in ifs["lo0"]
    assert ifs["eth0"][0] == (
        "eth0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500"
    )
    assert f"ether {mac}" in ifs["eth0"]
    assert "inet 10.0.0.10 netmask 0xffffff00 broadcast 10.0.0.255" in ifs["eth0"]

    r = test_host.run("jexec", "myjail", "/sbin/ifconfig", "lo0")
    assert list(_stanzas(r.stdout.decode())) == ["lo0"]
    r = test_host.run("jexec", "myjail", "/sbin/ifconfig", "-l")
    assert r.stdout.decode().split() == ["lo0", "eth0"]

    for flags in ("-i", "-in"):
        r = test_host.run("jexec", "myjail", "/usr/bin/netstat", flags)
        assert r.returncode == 0, r.stderr
        rows = [line.split() for line in r.stdout.decode().splitlines()[1:]]
        assert {row[0] for row in rows} == {"lo0", "eth0"}
        assert ["eth0", "1500", "<Link#2>", mac] == rows[[r[0] for r in rows].index("eth0")][:4]
    addresses = {(row[0], row[2], row[3]) for row in rows}
    assert ("eth0", "10.0.0.0/24", "10.0.0.10") in addresses
    assert ("lo0", "127.0.0.0/8", "127.0.0.1") in addresses

    # the test host sees the bridge and the jail's veth, under the names names.py gives
    r = test_host.run("sbin/ifconfig", "-a")
    ifs = _stanzas(r.stdout.decode())
    assert list(ifs) == ["lo0", "bsdjail0", "veth0_j1"]
    assert "inet 10.0.0.1 netmask 0xffffff00 broadcast 10.0.0.255" in ifs["bsdjail0"]

    r = test_host.run("jexec", "myjail", "/sbin/ifconfig", "nosuch0")
    # (ifconfig first tries to kldload a driver for the name: what bsdulator says of that
    # call is not ifconfig's)
    last = r.stderr.decode().splitlines()[-1]
    assert (r.returncode, last) == (1, "ifconfig: interface nosuch0 does not exist")


@pytest.mark.e2e
@pytest.mark.root
def test_getifaddrs_lists_what_pyroute2_sees(test_host, freebsd_programs):  # noqa: F811
    from pyroute2 import IPRoute

    R = test_host.root
    r = test_host.run(
        "jail", "-c", "name=myjail", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist"
    )
    assert r.returncode == 0, r.stderr
    program = freebsd_programs("ifaddrs_list")["ifaddrs_list"]
    r = test_host.run(str(program))
    assert r.returncode == 0, r.stderr
    got = [tuple(line.split()) for line in r.stdout.decode().splitlines()]

    expected = []
    with IPRoute(netns=test_host.path, flags=0) as ipr:
        for link in sorted(ipr.get_links(), key=lambda link: link["index"]):
            name = link.get("IFLA_IFNAME")
            fbsd = "lo0" if name == "lo" else name
            mac = "" if name == "lo" else link.get("IFLA_ADDRESS")
            expected.append((fbsd, "link", mac, "-") if mac else (fbsd, "link", "-"))
            for a in ipr.get_addr(index=link["index"]):
                family = "inet" if a["family"] == socket.AF_INET else "inet6"
                net = ipaddress.ip_interface(f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}")
                expected.append((fbsd, family, str(net.ip), str(net.netmask)))
    assert got == expected
    assert {g[0] for g in got} == {"lo0", "bsdjail0", "veth0_j1"}


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


@pytest.mark.unit
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


@pytest.mark.unit
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


@pytest.mark.e2e
@pytest.mark.root
def test_ifconfig_in_an_ip_jail_shows_only_its_address(test_host):  # noqa: F811
    from pyroute2 import IPRoute

    with IPRoute(netns=test_host.path, flags=0) as ipr:
        lo = ipr.link_lookup(ifname="lo")[0]
        ipr.link("set", index=lo, state="up")
        ipr.addr("add", index=lo, address="127.0.1.5", prefixlen=32)
    R = test_host.root
    r = test_host.run("jail", "-c", "name=ipj", f"path={R}", "ip4.addr=127.0.1.5", "persist")
    assert r.returncode == 0, r.stderr
    r = test_host.run("jexec", "ipj", "/sbin/ifconfig", "lo0")
    assert r.returncode == 0, r.stderr
    lines = _stanzas(r.stdout.decode())["lo0"]
    assert [line for line in lines if line.startswith("inet")] == [
        "inet 127.0.1.5 netmask 0xffffffff"
    ]
