"""The interface read side (issue 11): 10.2 `ifconfig`, `netstat -i` and getifaddrs() read the
caller's network namespace through the routing sysctl's interface dumps (NET_RT_IFLIST,
NET_RT_IFLISTL) and the SIOCG* ioctls (syscalls/netif/).

Network safety: the end-to-end tests run in test_vnet_layout's `test_host` (a network namespace
of the test's own, removed with its jails at the end, also when the test fails) and send no
packets."""

import ipaddress
import socket

import pytest
from test_vnet_layout import test_host  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.root]


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
    # a veth is Linux's epair: if_epair's media, active
    assert "media: Ethernet 10Gbase-T (10Gbase-T <full-duplex>)" in ifs["eth0"]
    assert "status: active" in ifs["eth0"]
    assert not any(line.startswith(("media:", "status:")) for line in ifs["lo0"])

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


@pytest.mark.syscalls("jail_get", "jail_set")
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


@pytest.mark.syscalls("ioctl")
def test_interface_ioctls_answer_on_any_socket_and_only_on_sockets(
    test_host,  # noqa: F811
    freebsd_programs,
):
    """SIOCGIFFLAGS/SIOCGIFMTU on AF_INET, AF_INET6 and AF_LOCAL sockets alike (ifioctl runs
    before any protocol's), ENXIO for an interface the namespace lacks, ENOTTY on a non-socket."""
    from pyroute2 import IPRoute

    with IPRoute(netns=test_host.path, flags=0) as ipr:
        ipr.link("set", index=ipr.link_lookup(ifname="lo")[0], state="up")
    program = freebsd_programs("ifioctl_get")["ifioctl_get"]
    r = test_host.run(str(program), "lo0", "nosuch0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [
        "lo0 flags=8049 mtu=65536",
        "nosuch0 errno=6",  # ENXIO
    ] * 3 + ["lo0 errno=25"]  # ENOTTY
