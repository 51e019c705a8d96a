"""The interface-changing requests (issue 11, syscalls/netif): cloning epair/bridge, flags,
addresses, MTU, name, link address, bridge members and moves into vnet jails, first with a
program of our own that makes each request as ifconfig does (tests/freebsd_programs/ifw_ioctl.c),
then the guides' flow with the root's own ifconfig, jail and jexec.

Network safety: every test runs bsdulator inside a network namespace of its own (the test_host
fixture of test_vnet_layout.py), reaches only its own addresses, and its teardown removes the
jails and the namespace, also when the test fails."""

import importlib.util
import shutil
import socket

import pytest
from test_vnet_layout import NetnsHost, ping, test_host  # noqa: F401  (test_host: a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.root]

# 10.2's ifconfig reads getifaddrs() (NET_RT_IFLIST) before it changes an existing interface:
# the read side of the same issue serves it (syscalls/netif/ioctl_get.py, another branch).
READ_SIDE = importlib.util.find_spec("bsdulator.syscalls.netif.ioctl_get") is not None
needs_read_side = pytest.mark.skipif(
    not READ_SIDE, reason="10.2 ifconfig needs getifaddrs (the interface read side)"
)


@pytest.fixture
def ifw(freebsd_programs, freebsd_root):
    """The program, copied into the root (the view's /tmp is the host's) so that jailed processes
    run it too, by this path."""
    inside = freebsd_root / "sbin" / "ifw_ioctl"
    shutil.copy(freebsd_programs("ifw_")["ifw_ioctl"], inside)
    try:
        yield "/sbin/ifw_ioctl"
    finally:
        inside.unlink(missing_ok=True)


def links(host: NetnsHost, netns: str | None = None) -> dict[str, dict]:
    """name -> {flags, mtu, master, kind, address, ipv4, ipv6} of every link in the test host
    (or in the network namespace the nsfs path netns names)."""
    from pyroute2 import IPRoute

    with IPRoute(netns=netns or host.path, flags=0) as ipr:
        out = {}
        for link in ipr.get_links():
            info = link.get("IFLA_LINKINFO")
            addrs = ipr.get_addr(index=link["index"])
            out[link.get("IFLA_IFNAME")] = {
                "up": bool(link["flags"] & 1),
                "mtu": link.get("IFLA_MTU"),
                "master": link.get("IFLA_MASTER"),
                "index": link["index"],
                "kind": info.get("IFLA_INFO_KIND") if info else None,
                "address": link.get("IFLA_ADDRESS"),
                "alias": link.get("IFLA_IFALIAS"),
                "ipv4": sorted(
                    f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}"
                    for a in addrs
                    if a["family"] == socket.AF_INET
                ),
                "ipv6": sorted(
                    f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}"
                    for a in addrs
                    if a["family"] == socket.AF_INET6
                    and not a.get("IFA_ADDRESS").startswith("fe80")
                ),
            }
    return out


def run(host: NetnsHost, prog, *args, jail=None) -> str:
    """The program's answer, run on the test host or (jail) in a jail."""
    r = host.run("jexec", jail, prog, *args) if jail else host.run(host.root / prog[1:], *args)
    return r.stdout.decode().strip()


@pytest.mark.syscalls("write")
def test_cloning_and_changes_with_a_program_of_our_own(test_host, ifw):  # noqa: F811
    h = test_host
    assert run(h, ifw, "cloners") == "bridge epair lo vlan"
    assert run(h, ifw, "create", "bridge") == "bridge0"
    assert run(h, ifw, "create", "bridge") == "bridge1"
    assert run(h, ifw, "create", "bridge1") == "error: EEXIST"
    assert run(h, ifw, "create", "epair") == "epair0a"
    assert run(h, ifw, "create", "epair") == "epair1a"
    assert run(h, ifw, "create", "foo") == "error: EINVAL"  # no such cloner
    state = links(h)
    assert sorted(state) == ["bridge0", "bridge1", "epair0a", "epair0b", "epair1a", "epair1b", "lo"]
    assert state["bridge0"]["kind"] == "bridge" and state["epair0a"]["kind"] == "veth"

    assert run(h, ifw, "up", "bridge0") == "ok"
    assert run(h, ifw, "addr", "bridge0", "10.23.42.1/24") == "ok"
    assert run(h, ifw, "addr", "bridge0", "10.23.43.1/16") == "ok"  # an alias
    assert run(h, ifw, "addr", "bridge0", "10.23.43.1/24") == "ok"  # changes its mask
    assert run(h, ifw, "addr6", "bridge0", "2001:db8::1/64") == "ok"
    assert run(h, ifw, "mtu", "epair0a", "1400") == "ok"
    assert run(h, ifw, "lladdr", "epair0a", "02:00:00:00:00:0a") == "ok"
    assert run(h, ifw, "descr", "epair0a", "uplink") == "ok"
    state = links(h)
    assert state["bridge0"]["up"]
    assert state["bridge0"]["ipv4"] == ["10.23.42.1/24", "10.23.43.1/24"]
    assert state["bridge0"]["ipv6"] == ["2001:db8::1/64"]
    assert state["epair0a"]["mtu"] == 1400
    assert state["epair0a"]["address"] == "02:00:00:00:00:0a"
    assert state["epair0a"]["alias"] == "uplink"

    assert run(h, ifw, "deladdr", "bridge0", "10.23.43.1") == "ok"
    assert run(h, ifw, "deladdr", "bridge0", "10.23.43.1") == "error: EADDRNOTAVAIL"
    assert run(h, ifw, "deladdr6", "bridge0", "2001:db8::1") == "ok"
    assert run(h, ifw, "addr", "nosuch0", "10.1.1.1/24") == "error: ENXIO"
    assert run(h, ifw, "down", "bridge0") == "ok"
    state = links(h)
    assert state["bridge0"]["ipv4"] == ["10.23.42.1/24"] and state["bridge0"]["ipv6"] == []
    assert not state["bridge0"]["up"]

    assert run(h, ifw, "addm", "bridge0", "epair0a") == "ok"
    assert run(h, ifw, "addm", "bridge0", "epair0a") == "error: EEXIST"
    assert run(h, ifw, "addm", "bridge1", "epair0a") == "error: EBUSY"
    assert run(h, ifw, "addm", "bridge0", "nosuch0") == "error: ENOENT"
    assert run(h, ifw, "addm", "bridge0", "lo0") == "error: EINVAL"
    assert run(h, ifw, "addm", "bridge0", "bridge1") == "error: EINVAL"
    assert run(h, ifw, "addm", "epair1a", "epair0b") == "error: EINVAL"  # no bridge
    assert run(h, ifw, "members", "bridge0") == "member: epair0a flags=143"
    assert links(h)["epair0a"]["master"] == links(h)["bridge0"]["index"]
    assert run(h, ifw, "deletem", "bridge0", "epair0a") == "ok"
    assert run(h, ifw, "deletem", "bridge0", "epair0a") == "error: ENOENT"
    assert run(h, ifw, "members", "bridge0") == ""

    assert run(h, ifw, "rename", "epair1b", "uplink1") == "ok"
    assert run(h, ifw, "rename", "uplink1", "a_name_too_long_for_linux") == "error: ENAMETOOLONG"
    assert "uplink1" in links(h)

    assert run(h, ifw, "destroy", "epair0b") == "ok"  # takes epair0a with it
    assert run(h, ifw, "destroy", "epair0a") == "error: ENXIO"
    assert run(h, ifw, "destroy", "lo0") == "error: EINVAL"
    assert run(h, ifw, "destroy", "uplink1") == "error: EINVAL"  # a name no cloner makes
    assert run(h, ifw, "destroy", "epair1a") == "ok"
    for bridge in ("bridge0", "bridge1"):
        assert run(h, ifw, "destroy", bridge) == "ok"
    assert sorted(links(h)) == ["lo"]


@pytest.mark.syscalls("write")
def test_moving_an_interface_into_a_vnet_jail_and_back(test_host, ifw):  # noqa: F811
    h = test_host
    R = h.root
    assert h.run("jail", "-c", "name=v", f"path={R}", "vnet", "persist").returncode == 0
    assert h.run("jail", "-c", "name=plain", f"path={R}", "ip4=inherit", "persist").returncode == 0
    assert run(h, ifw, "create", "epair") == "epair0a"
    assert run(h, ifw, "vnet", "epair0b", "99") == "error: ENXIO"  # no such jail
    assert run(h, ifw, "vnet", "epair0b", "2") == "error: EEXIST"  # a jail without vnet
    assert run(h, ifw, "vnet", "epair0b", "1") == "ok"
    jail_ns = h.holder_netns(1)
    assert "epair0b" in links(h, jail_ns) and "epair0b" not in links(h)
    assert run(h, ifw, "vnet", "epair0b", "1", jail="v") == "error: EPERM"  # not from a jail
    # inside, the jail's root changes its own interfaces
    assert run(h, ifw, "addr", "epair0b", "10.23.42.2/24", jail="v") == "ok"
    assert run(h, ifw, "up", "epair0b", jail="v") == "ok"
    assert links(h, jail_ns)["epair0b"]["ipv4"] == ["10.23.42.2/24"]
    assert run(h, ifw, "up", "epair0a", jail="plain") == "error: EPERM"  # a jail without vnet

    assert run(h, ifw, "rvnet", "epair0b", "1") == "ok"
    assert "epair0b" in links(h) and "epair0b" not in links(h, jail_ns)
    assert run(h, ifw, "rvnet", "epair0b", "1") == "error: ENXIO"
    # removing the jail gives back what was lent to it, as FreeBSD's vnet teardown does
    assert run(h, ifw, "vnet", "epair0b", "1") == "ok"
    assert h.run("jail", "-r", "v").returncode == 0
    assert {"epair0a", "epair0b"} <= set(links(h))
    assert run(h, ifw, "destroy", "epair0a") == "ok"
    assert h.run("jail", "-r", "plain").returncode == 0
    assert sorted(links(h)) == ["lo"]


@needs_read_side
def test_the_guides_flow_with_the_roots_ifconfig(test_host, ifw):  # noqa: F811
    """freebsd-vnet-jails-guide.txt / freebsd15-vnet-jails-services.txt: a bridge and an epair made
    by the root's ifconfig, one end moved into a vnet jail, the test host reaching the jail."""
    from pyroute2 import IPRoute

    h = test_host
    R = h.root

    def ifconfig(*args, jail=None):
        if jail:
            return h.run("jexec", jail, "/sbin/ifconfig", *args)
        return h.run("sbin/ifconfig", *args)

    assert ifconfig("bridge0", "create").returncode == 0
    assert ifconfig("bridge0", "inet", "10.23.42.1/24", "up").returncode == 0
    r = ifconfig("epair", "create", "up")
    assert r.returncode == 0 and r.stdout == b"epair0a\n"
    assert ifconfig("bridge0", "addm", "epair0a", "up").returncode == 0
    r = h.run("jail", "-c", "name=j1", f"path={R}", "vnet", "persist")
    assert r.returncode == 0, r.stderr
    r = ifconfig("epair0b", "vnet", "j1")
    assert r.returncode == 0, r.stderr
    r = ifconfig("epair0b", "inet", "10.23.42.2/24", "up", jail="j1")
    assert r.returncode == 0, r.stderr
    jail_ns = h.holder_netns(1)
    with IPRoute(netns=jail_ns, flags=0) as ipr:  # the jail's default route (route(8) aside)
        ipr.route("add", dst="default", gateway="10.23.42.1")
    assert ping(h.path, "10.23.42.2")
    assert ping(jail_ns, "10.23.42.1")
    out = ifconfig("bridge0").stdout.decode()
    assert "member: epair0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>" in out
    assert "inet 10.23.42.1 netmask 0xffffff00 broadcast 10.23.42.255" in out

    # bad input: the tool's own message, nothing half made
    r = ifconfig("bridge0", "inet", "10.23.42.300/24")
    assert r.returncode != 0 and b"10.23.42.300: bad value" in r.stderr
    r = ifconfig("bridge0", "addm", "nosuch0")
    assert r.returncode != 0 and b"BRDGADD nosuch0: No such file or directory" in r.stderr
    r = ifconfig("foo0", "create")
    assert r.returncode != 0 and b"SIOCIFCREATE2: Invalid argument" in r.stderr
    r = ifconfig("epair0a", "vnet", "nosuch")
    assert r.returncode != 0 and b'jail "nosuch" not found' in r.stderr
    assert links(h)["bridge0"]["ipv4"] == ["10.23.42.1/24"]
    assert sorted(links(h)) == ["bridge0", "epair0a", "lo"]

    assert ifconfig("bridge0", "deletem", "epair0a").returncode == 0
    assert "member:" not in ifconfig("bridge0").stdout.decode()
    assert ifconfig("epair0a", "destroy").returncode == 0
    r = ifconfig("epair0a", "destroy")
    assert r.returncode != 0 and b"interface epair0a does not exist" in r.stderr
    assert h.run("jail", "-r", "j1").returncode == 0
    assert ifconfig("bridge0", "destroy").returncode == 0
    links_, addrs, routes, named = h.state()
    assert (links_, addrs, routes, named) == (["lo"], [], [], [])


JAIL_CONF = """\
j1 {
  $n = 0;
  path = "%(root)s";
  vnet;
  vnet.interface = "epair${n}b";
  exec.prestart = "/sbin/ifconfig epair${n} create up";
  exec.prestart += "/sbin/ifconfig bridge0 addm epair${n}a up";
  exec.start = "/sbin/ifconfig epair${n}b 10.23.42.2/24 up";
  exec.poststop = "/sbin/ifconfig bridge0 deletem epair${n}a";
  exec.poststop += "/sbin/ifconfig epair${n}a destroy";
  persist;
}
"""


@needs_read_side
def test_the_guides_jail_conf_starts_answers_and_stops_leaving_nothing(test_host, tmp_path):  # noqa: F811
    """exec.prestart makes the epair and adds it to bridge0, vnet.interface moves its b end in,
    exec.poststop (after the jail is gone: its interfaces came back) deletes and destroys it."""
    h = test_host
    conf = tmp_path / "jail.conf"
    conf.write_text(JAIL_CONF % {"root": h.root})
    assert h.run("sbin/ifconfig", "bridge0", "create").returncode == 0
    assert h.run("sbin/ifconfig", "bridge0", "inet", "10.23.42.1/24", "up").returncode == 0
    r = h.run("jail", "-f", conf, "-c", "j1")
    assert r.returncode == 0, r.stderr
    assert ping(h.path, "10.23.42.2")
    assert "member: epair0a" in h.run("sbin/ifconfig", "bridge0").stdout.decode()
    r = h.run("jail", "-f", conf, "-r", "j1")
    assert r.returncode == 0, r.stderr
    assert sorted(links(h)) == ["bridge0", "lo"]
    assert h.run("sbin/ifconfig", "bridge0", "destroy").returncode == 0
    assert h.state() == (["lo"], [], [], [])
