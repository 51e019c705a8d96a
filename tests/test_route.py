"""Routing in a VNET jail with the root's 10.2 tools (issue 11): route(8) over PF_ROUTE sockets
and the routing sysctls (syscalls/route/), acting on the jail's Linux table.

Network safety: each test makes its own network namespace (the test's "host") and runs
bsdulator inside it; the jail's routes are added and removed in the jail's own namespace, no
packet is sent, and the teardown removes the jail and the namespace, also when a test fails."""

import re
import shutil
import socket
import subprocess
import sys
import uuid

import pytest
from test_vnet_layout import REPO, netns_host

from bsdulator.abi import netlink as N

pytestmark = [pytest.mark.e2e, pytest.mark.root]

RTF = N.FREEBSD_RTF


@pytest.fixture
def host(bsd, freebsd_root, tmp_path, host_netns_names):
    """A test host whose jail `myjail` has the automatic layout: eth0 10.0.0.10/24, default
    route via the bridge's 10.0.0.1."""
    with netns_host("setns", freebsd_root, str(tmp_path / "state")) as h:
        h.vnet_jail("myjail", "10.0.0.10")
        yield h


def _jexec(host, *args):
    r = host.run("jexec", "myjail", *args)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def _jail_routes(host):
    """(dst/len, gateway) of the IPv4 routes in the jail's main table, through pyroute2."""
    from pyroute2 import IPRoute

    with IPRoute(netns=host.holder_netns(1), flags=0) as ipr:
        return {
            (f"{r.get('RTA_DST') or '0.0.0.0'}/{r['dst_len']}", r.get("RTA_GATEWAY"))
            for r in ipr.get_routes(family=socket.AF_INET, table=N.LINUX_RT_TABLE["RT_TABLE_MAIN"])
        }


def _eth0_index(host) -> int:
    from pyroute2 import IPRoute

    with IPRoute(netns=host.holder_netns(1), flags=0) as ipr:
        return ipr.link_lookup(ifname="eth0")[0]


def test_route_get_default_names_the_gateway_and_eth0(host):
    rc, out, err = _jexec(host, "/sbin/route", "-n", "get", "default")
    assert rc == 0, err
    fields = dict(line.strip().split(": ", 1) for line in out.splitlines() if ": " in line)
    assert fields["gateway"] == "10.0.0.1"
    assert fields["interface"] == "eth0"
    assert fields["flags"] == "<UP,GATEWAY,DONE,STATIC>"
    assert fields["destination"] == fields["mask"] == "0.0.0.0"  # -n: routename() prints numbers


def test_route_get_of_an_address_is_the_longest_match(host):
    rc, out, err = _jexec(host, "/sbin/route", "-n", "get", "10.0.0.77")
    assert rc == 0, err
    assert "destination: 10.0.0.0" in out and "mask: 255.255.255.0" in out
    assert "interface: eth0" in out and "gateway" not in out


def test_route_add_and_delete_change_the_jails_linux_table(host):
    rc, out, err = _jexec(host, "/sbin/route", "add", "-net", "10.9.0.0/16", "10.0.0.1")
    assert (rc, out, err) == (0, "add net 10.9.0.0: gateway 10.0.0.1\n", "")
    assert ("10.9.0.0/16", "10.0.0.1") in _jail_routes(host)

    rc, out, err = _jexec(host, "/sbin/route", "add", "-net", "10.9.0.0/16", "10.0.0.1")
    assert rc == 1 and out == "add net 10.9.0.0: gateway 10.0.0.1 fib 0: route already in table\n"

    rc, out, err = _jexec(host, "/sbin/route", "delete", "-net", "10.9.0.0/16")
    assert (rc, out) == (0, "delete net 10.9.0.0\n"), err
    assert not any(dst == "10.9.0.0/16" for dst, _gw in _jail_routes(host))

    rc, out, err = _jexec(host, "/sbin/route", "delete", "-net", "10.9.0.0/16")
    assert (rc, out) == (1, "delete net 10.9.0.0 fib 0: not in table\n")


def test_route_add_of_an_unreachable_gateway_is_refused_as_route8_says(host):
    before = _jail_routes(host)
    rc, out, err = _jexec(host, "/sbin/route", "add", "-net", "10.8.0.0/16", "10.99.0.1")
    assert rc == 1
    assert out == "add net 10.8.0.0: gateway 10.99.0.1 fib 0: Network is unreachable\n"
    assert err == "route: writing to routing socket: Network is unreachable\n"
    assert _jail_routes(host) == before


@pytest.fixture
def rt_dump(freebsd_programs, freebsd_root):
    """The rt_dump program, copied into the root so the jail can run it."""
    inside = f"/tmp/rt_dump-{uuid.uuid4().hex[:8]}"
    shutil.copy2(freebsd_programs("rt_dump")["rt_dump"], freebsd_root / inside.lstrip("/"))
    try:
        yield inside
    finally:
        (freebsd_root / inside.lstrip("/")).unlink(missing_ok=True)


def test_net_rt_dump_is_the_jails_table_as_freebsd_holds_it(host, rt_dump):
    eth0 = _eth0_index(host)
    rc, out, err = _jexec(host, rt_dump)
    assert rc == 0, out + err
    up, gw, hostf, static = (RTF[n] for n in ("RTF_UP", "RTF_GATEWAY", "RTF_HOST", "RTF_STATIC"))
    assert out.splitlines() == [
        f"route 0.0.0.0 mask=0.0.0.0 gw=10.0.0.1 flags={up | gw | static:#x} index={eth0}",
        f"route 10.0.0.0 mask=255.255.255.0 gw=link#{eth0} flags={up:#x} index={eth0}",
        f"route 10.0.0.10 mask=- gw=link#{eth0} flags={up | hostf | static:#x} index=1",
        f"route 127.0.0.1 mask=- gw=link#1 flags={up | hostf:#x} index=1",
    ]
    # NET_RT_FLAGS: the routes with any of the flags asked for.
    rc, out, err = _jexec(host, rt_dump, str(gw))
    assert [line.split()[1] for line in out.splitlines()] == ["0.0.0.0"], out + err


def test_netstat_rn_shows_the_default_route(host):
    """10.2's netstat -rn: NET_RT_DUMP with its FIB name, interfaces named through getifaddrs
    (NET_RT_IFLIST, syscalls/netif/)."""
    rc, out, err = _jexec(host, "/usr/bin/netstat", "-rn", "-f", "inet")
    assert rc == 0, err
    assert re.search(r"^default\s+10\.0\.0\.1\s+UGS\s+(\S+\s+)*eth0\b", out, re.M), out
    assert re.search(r"^10\.0\.0\.0/24\s+link#\d+\s+U\s+(\S+\s+)*eth0\b", out, re.M), out
    assert re.search(r"^127\.0\.0\.1\s+link#1\s+UH\s+(\S+\s+)*lo0\b", out, re.M), out


def test_a_routing_socket_hears_an_address_added_through_netlink(host, freebsd_programs):
    """route monitor's way: a routing socket opened in the jail reads RTM_NEWADDR (and the
    RTM_ADD of its prefix route) when an address is added to eth0 through pyroute2."""
    from pyroute2 import IPRoute

    inside = f"/tmp/rt_monitor-{uuid.uuid4().hex[:8]}"
    target = host.root / inside.lstrip("/")
    shutil.copy2(freebsd_programs("rt_monitor")["rt_monitor"], target)
    command = [sys.executable, "-m", "bsdulator", str(host.root / "usr/sbin/jexec")]
    monitor = subprocess.Popen(
        [*command, "myjail", inside, "10.7.0.5"],
        cwd=REPO,
        env=host.env,
        preexec_fn=host._enter,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert monitor.stdout.readline() == "ready\n"
        with IPRoute(netns=host.holder_netns(1), flags=0) as ipr:
            index = ipr.link_lookup(ifname="eth0")[0]
            ipr.addr("add", index=index, address="10.7.0.5", prefixlen=16)
        out, err = monitor.communicate(timeout=60)
    finally:
        monitor.kill()
        monitor.wait()
        target.unlink(missing_ok=True)
    lines = out.splitlines()
    assert lines[0] == "newaddr 10.7.0.5 netmask 255.255.0.0 ifp eth0", err
    assert lines[-1] == "add 10.7.0.0 netmask 255.255.0.0", out + err
    assert set(lines[1:-1]) <= {"add 10.7.0.5 netmask -"}, out  # the address's own host route


def test_a_jail_without_its_own_stack_may_look_but_not_change(host):
    """PRIV_NET_ROUTE: a jail sharing the host's network stack reads its routes, but route_output
    refuses it a change (EPERM), which route(8) reports and exits on."""
    R = host.root
    r = host.run("jail", "-c", "name=plain", f"path={R}", "persist")
    assert r.returncode == 0, r.stderr
    got = host.run("jexec", "plain", "/sbin/route", "-n", "get", "10.0.0.99")
    assert got.returncode == 0 and b"interface: bsdjail0" in got.stdout, got.stdout + got.stderr
    _links, _addrs, before, _named = host.state()
    r = host.run("jexec", "plain", "/sbin/route", "add", "-net", "10.9.0.0/16", "10.0.0.1")
    assert r.returncode == 1
    assert r.stderr == b"route: writing to routing socket: Operation not permitted\n"
    assert host.state()[2] == before
