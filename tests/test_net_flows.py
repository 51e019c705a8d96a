"""The acceptance flows of issue 11 end to end, with the root's own tools: a TCP service in a
VNET jail reached from the test host, `jls -v` of a two-jail layout, and the iocage-style bridge.

Network safety: every test runs bsdulator inside a network namespace of its own (the test's
"host", entered as `ip netns exec` does), sends traffic only to its own jails' addresses, and
removes the jails and the namespace at the end, also when it fails."""

import os
import shutil
import socket
import subprocess
import sys

import pytest
from test_vnet_layout import REPO, netns_host

from helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.root]

TCP_LISTEN = "0A"  # include/net/tcp_states.h TCP_LISTEN, as /proc/net/tcp prints it
WAIT_S = 30


@pytest.fixture
def host(freebsd_root, tmp_path, host_netns_names):
    """A test network namespace (lo up) with bsdulator run inside it as `ip netns exec` does."""
    with netns_host("ip netns exec", freebsd_root, str(tmp_path / "state"), lo_up=True) as h:
        yield h


def _start(host, tool: str, *args, **popen) -> subprocess.Popen:
    """host.run's command, in the background."""
    prog = host.root / ("usr/sbin/" + tool if tool in ("jail", "jls", "jexec") else tool)
    command = ["ip", "netns", "exec", host.name, sys.executable, "-m", "bsdulator", str(prog)]
    return subprocess.Popen([*command, *map(str, args)], cwd=REPO, env=host.env, **popen)


def _listening(netns_pid: int, port: int) -> bool:
    """Whether a TCP socket of the network namespace process netns_pid is in listens on port."""
    with open(f"/proc/{netns_pid}/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(
        int(local.split(":")[1], 16) == port and state == TCP_LISTEN
        for _sl, local, _remote, state, *_ in rows
    )


def _holder(host, jid: int) -> int:
    return int(host.holder_netns(jid).split("/")[2])


def test_tcp_service_in_a_vnet_jail_is_reached_from_the_host(host):
    from pyroute2 import netns

    host.vnet_jail("myjail", "10.0.0.10")
    port, data = 7777, b"hello from the test host\n"
    nc = _start(
        host,
        "jexec",
        "myjail",
        "/usr/bin/nc",
        "-l",
        port,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_until(lambda: _listening(_holder(host, 1), port), WAIT_S)
        sock = netns.create_socket(host.path, socket.AF_INET, socket.SOCK_STREAM, flags=0)
        with sock:
            sock.settimeout(WAIT_S)
            sock.connect(("10.0.0.10", port))
            sock.sendall(data)
        out, err = nc.communicate(timeout=WAIT_S)
    finally:
        if nc.poll() is None:
            nc.kill()
            nc.wait()
    assert nc.returncode == 0, err
    assert out == data


def test_jls_shows_both_jails_of_a_two_jail_layout_as_vnet_jails(host):
    """FreeBSD's jls -v prints no vnet column (usr.sbin/jls/jls.c: jid, host.hostname, path, name,
    dying, cpuset.id and the IP restrictions, none for these jails: their address is eth0's);
    the vnet mode is what -n and -h name."""
    host.vnet_jail("myjail", "10.0.0.10")
    host.vnet_jail("other", "10.0.0.11")
    r = host.run("jls", "-v")
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.decode().splitlines()]
    assert rows[:4] == [
        ["JID", "Hostname", "Path"],
        ["Name", "State"],
        ["CPUSetID"],
        ["IP", "Address(es)"],
    ]
    assert [row for row in rows if len(row) == 2 and row[1] == "ACTIVE"] == [
        ["myjail", "ACTIVE"],
        ["other", "ACTIVE"],
    ]
    assert [row[0] for row in rows if str(host.root) in row] == ["1", "2"]

    r = host.run("jls", "-n")
    jails = [set(line.split()) for line in r.stdout.decode().splitlines()]
    assert [("name=myjail" in j, "name=other" in j, "vnet=new" in j) for j in jails] == [
        (True, False, True),
        (False, True, True),
    ]
    # A parameter named on the command line reaches 10.2's jls through 13.5's libjail without
    # its jailsys names: it prints the value as a number, as FreeBSD would with that mix.
    r = host.run("jls", "-h", "jid", "name", "vnet")
    assert r.stdout.decode().splitlines() == ["jid name vnet", "1 myjail 1", "2 other 1"]


def _answered(r) -> bool:
    return r.returncode == 0 and b"1 packets received" in r.stdout


def test_iocage_style_bridge_with_two_jails_and_a_default_router(host):
    """iocage's `interfaces="vnet0:bridge0" ip4_addr="vnet0|10.23.42.N/24"
    defaultrouter="10.23.42.1"` (shared/reference/iocage-networking.md) done with the root's own
    ifconfig, route and ping: an epair per jail, its a end on bridge0, its b end moved in."""
    R = host.root

    def ok(*args):
        r = host.run(*args)
        assert r.returncode == 0, (args, r.stderr)
        return r.stdout.decode()

    ok("sbin/ifconfig", "bridge0", "create")
    ok("sbin/ifconfig", "bridge0", "10.23.42.1/24", "up")
    for n, jail in enumerate(("jail-a", "jail-b")):
        ok("jail", "-c", f"name={jail}", f"path={R}", "vnet", "persist", "allow.raw_sockets")
        assert ok("sbin/ifconfig", "epair", "create") == f"epair{n}a\n"
        ok("sbin/ifconfig", "bridge0", "addm", f"epair{n}a", "up")
        ok("sbin/ifconfig", f"epair{n}a", "up")
        ok("sbin/ifconfig", f"epair{n}b", "vnet", jail)
        ok("jexec", jail, "/sbin/ifconfig", f"epair{n}b", f"10.23.42.{n + 2}/24", "up")
        out = ok("jexec", jail, "/sbin/route", "add", "default", "10.23.42.1")
        assert out == "add net default: gateway 10.23.42.1\n"
        routes = ok("jexec", jail, "/usr/bin/netstat", "-rn").splitlines()
        assert ["default", "10.23.42.1", "UGS", f"epair{n}b"] in [r.split() for r in routes]
    members = [
        line.split()[1]
        for line in ok("sbin/ifconfig", "bridge0").splitlines()
        if line.split()[:1] == ["member:"]
    ]
    assert members == ["epair0a", "epair1a"]

    for jail, peer in (("jail-a", "10.23.42.3"), ("jail-b", "10.23.42.2")):
        for address in (peer, "10.23.42.1"):
            r = host.run("jexec", jail, "/sbin/ping", "-c1", address)
            assert _answered(r), (jail, address, r.stdout, r.stderr)

    # jail -r hands each moved b end back to the host, as FreeBSD's vnet teardown does.
    ok("jail", "-r", "jail-a")
    ok("jail", "-r", "jail-b")
    for n in (0, 1):
        ok("sbin/ifconfig", "bridge0", "deletem", f"epair{n}a")
        ok("sbin/ifconfig", f"epair{n}a", "destroy")
    ok("sbin/ifconfig", "bridge0", "destroy")
    assert host.state() == (["lo"], ["127.0.0.1"], [], [])


@pytest.mark.syscalls("__sysctlbyname")
def test_netstat_in_a_vnet_jail_lists_its_listening_socket_only(host, freebsd_programs):
    """The acceptance's `netstat -an` with the root's 10.2 netstat (10.x records), and a program
    reading the records as 12.0 and later define them: the jail's nc, none of the test host's
    sockets."""
    from pyroute2 import netns

    inside = f"/tmp/pcb_list-{os.getpid()}"  # a jail sees only its path
    shutil.copy2(freebsd_programs("pcb_list")["pcb_list"], host.root / inside.lstrip("/"))
    host.vnet_jail("myjail", "10.0.0.10")
    port, host_port = 7778, 7779
    outside = netns.create_socket(host.path, socket.AF_INET, socket.SOCK_STREAM, flags=0)
    nc = _start(host, "jexec", "myjail", "/usr/bin/nc", "-l", port, stdin=subprocess.DEVNULL)
    try:
        outside.bind(("10.0.0.1", host_port))
        outside.listen(3)
        assert wait_until(lambda: _listening(_holder(host, 1), port), WAIT_S)
        jailed = host.run("jexec", "myjail", "/usr/bin/netstat", "-an")
        rows = [line.split() for line in jailed.stdout.decode().splitlines()]
        assert ["tcp4", "0", "0", f"*.{port}", "*.*", "LISTEN"] in rows, jailed.stdout
        assert not [row for row in rows if f"10.0.0.1.{host_port}" in row]

        modern = subprocess.run(
            ["ip", "netns", "exec", host.name, sys.executable, "-m", "bsdulator",
             str(host.root / "usr/sbin/jexec"), "myjail", inside, "tcp"],
            cwd=REPO, env=host.env, capture_output=True, text=True, timeout=WAIT_S,
        )  # fmt: skip
        assert modern.returncode == 0, modern.stderr
        assert modern.stdout.split("\n")[0].split()[:5] == [
            "6", "2", f"0.0.0.0.{port}", "0.0.0.0.0", "LISTEN",
        ]  # fmt: skip

        own = host.run("usr/bin/netstat", "-an")
        assert ["tcp4", "0", "0", f"10.0.0.1.{host_port}", "*.*", "LISTEN"] in [
            line.split() for line in own.stdout.decode().splitlines()
        ]
        queues = host.run("usr/bin/netstat", "-anL").stdout.decode()
        assert ["tcp4", "0/0/3", f"10.0.0.1.{host_port}"] in [
            line.split() for line in queues.splitlines()
        ]
    finally:
        outside.close()
        nc.kill()
        nc.wait()
        (host.root / inside.lstrip("/")).unlink()


@pytest.mark.syscalls("__sysctlbyname")
def test_netstat_s_counts_the_jails_own_traffic(host):
    """netstat -s reads the counters of the caller's network namespace: the jail's ping shows in
    its own ICMP histograms, the test host's answer in the host's."""
    host.vnet_jail("myjail", "10.0.0.10", "allow.raw_sockets")
    assert _answered(host.run("jexec", "myjail", "/sbin/ping", "-c1", "10.0.0.1"))

    def histograms(*jexec) -> dict[str, dict[str, str]]:
        tool = ("jexec", "myjail", "/usr/bin/netstat") if jexec else ("usr/bin/netstat",)
        r = host.run(*tool, "-s", "-p", "icmp")
        assert r.returncode == 0, r.stderr
        found, current = {}, None
        for line in r.stdout.decode().splitlines():
            if line.strip().endswith("histogram:"):
                current = found.setdefault(line.strip(), {})
            elif current is not None and line.startswith("\t\t") and ":" in line:
                name, count = line.strip().rsplit(":", 1)
                current[name] = count.strip()
            else:
                current = None
        return found

    jail = histograms("jexec")
    assert jail["Output histogram:"].get("echo") == "1"
    assert jail["Input histogram:"].get("echo reply") == "1"
    own = histograms()
    assert own["Input histogram:"].get("echo") == "1"
    assert own["Output histogram:"].get("echo reply") == "1"


@pytest.mark.syscalls("__sysctlbyname")
def test_sockstat_in_a_vnet_jail_names_its_sockets_owners(host):
    """The root's sockstat joins kern.file with the Internet and unix-domain pcblists: the jail's
    nc listening on TCP and on a unix socket, each named with its command and descriptor."""
    host.vnet_jail("myjail", "10.0.0.10")
    path = f"/tmp/sockstat-{os.getpid()}.sock"
    tcp = _start(host, "jexec", "myjail", "/usr/bin/nc", "-l", 7781, stdin=subprocess.DEVNULL)
    unix = _start(host, "jexec", "myjail", "/usr/bin/nc", "-lU", path, stdin=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: _listening(_holder(host, 1), 7781), WAIT_S)
        assert wait_until(lambda: (host.root / path.lstrip("/")).exists(), WAIT_S)
        r = host.run("jexec", "myjail", "/usr/bin/sockstat", "-l")
        assert r.returncode == 0, r.stderr
        rows = [line.split() for line in r.stdout.decode().splitlines()[1:]]
        owned = {(row[1], row[4], row[5]) for row in rows if len(row) >= 6}
        assert ("nc", "tcp4", "*:7781") in owned, r.stdout
        assert ("nc", "stream", path) in owned, r.stdout
        listing = host.run("jexec", "myjail", "/usr/bin/netstat", "-an", "-f", "unix")
        assert path in listing.stdout.decode().split(), listing.stdout
    finally:
        for nc in (tcp, unix):
            nc.kill()
            nc.wait()
        (host.root / path.lstrip("/")).unlink(missing_ok=True)
