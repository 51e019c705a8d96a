"""IP jails (issue 11): `ip4.addr`/`ip6.addr`/`ip4=disable` shown by the root's jls and enforced
by the supervisor as FreeBSD's prison_local_ip4/prison_remote_ip4/in_pcbladdr do
(sys/netinet/in_jail.c, in_pcb.c); kern.features; jls's vnet column and libjail's view of it.

Expected values are FreeBSD's: errno numbers from abi/errno.py (FreeBSD's headers), the jail
address a jailed socket gets from in_jail.c's rules, jls's columns from usr.sbin/jls/jls.c.

Network safety: every test runs bsdulator inside a network namespace of its own (the test's
"host", lo up, nothing else), connects only to addresses on that lo, and removes its jails and
the namespace at the end, also when it fails."""

import itertools
import os
import shutil
import socket
import subprocess
import sys

import pytest

from bsdulator.abi.errno import FREEBSD_ERRNO
from helpers import jail_cgroups, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.root]

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAIL_ADDR = "127.0.1.5"
PORT = 9000
_names = itertools.count()


class NetnsHost:
    """A network namespace of the test's own with lo up; bsdulator runs in it by setns."""

    def __init__(self, root, state: str):
        from pyroute2 import IPRoute, netns

        self.root = root
        self.name = f"bsdipj{os.getpid()}_{next(_names)}"
        self.env = dict(os.environ, LC_ALL="C", BSDULATOR_STATE_DIR=state)
        netns.create(self.name)
        self.path = os.path.join(netns.NETNS_RUN_DIR, self.name)
        with IPRoute(netns=self.path, flags=0) as ipr:
            ipr.link("set", index=ipr.link_lookup(ifname="lo")[0], state="up")

    def _enter(self) -> None:
        from pyroute2 import netns

        netns.setns(self.name, flags=0, fork=False)

    def command(self, prog, *args):
        return [sys.executable, "-m", "bsdulator", str(prog), *map(str, args)]

    def run(self, prog, *args, **kw):
        return subprocess.run(
            self.command(prog, *args),
            cwd=REPO,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            preexec_fn=self._enter,
            **kw,
        )

    def popen(self, prog, *args):
        return subprocess.Popen(
            self.command(prog, *args),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            preexec_fn=self._enter,
        )

    def tool(self, name: str) -> str:
        return str(
            self.root / {"jail": "usr/sbin", "jls": "usr/sbin", "jexec": "usr/sbin"}[name] / name
        )

    def listeners(self, port: int) -> list[str]:
        """The local addresses of the TCP sockets listening on port in the test host (its
        /proc/net/tcp, read from inside the namespace)."""
        text = subprocess.run(
            ["cat", "/proc/net/tcp"],
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=self._enter,
        ).stdout
        found = []
        for line in text.splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if int(hexport, 16) == port and state == "0A":  # TCP_LISTEN
                found.append(socket.inet_ntoa(int(addr, 16).to_bytes(4, "little")))
        return found

    def connect(self, address: str, port: int, data: bytes = b"") -> bool:
        """Whether a TCP connection from the test host to address:port is accepted."""
        from pyroute2 import netns

        sock = netns.create_socket(self.path, socket.AF_INET, socket.SOCK_STREAM, flags=0)
        with sock:
            sock.settimeout(10)
            try:
                sock.connect((address, port))
            except ConnectionRefusedError:
                return False
            sock.sendall(data)
        return True


@pytest.fixture
def host(bsd, freebsd_root, tmp_path):
    from pyroute2 import netns

    h = NetnsHost(freebsd_root, str(tmp_path / "state"))
    try:
        yield h
    finally:
        try:
            for jid in h.run(h.tool("jls"), "jid").stdout.split():
                h.run(h.tool("jail"), "-r", jid)
            assert jail_cgroups({"BSDULATOR_STATE_DIR": h.env["BSDULATOR_STATE_DIR"]}) == "[]"
        finally:
            netns.remove(h.name)


def _ipjail(host, name="ipj", *params):
    r = host.run(host.tool("jail"), "-c", f"name={name}", f"path={host.root}", *params, "persist")
    assert r.returncode == 0, r.stderr


def test_jls_shows_the_address(host):
    _ipjail(host, "ipj", f"ip4.addr={JAIL_ADDR}")
    lines = host.run(host.tool("jls")).stdout.splitlines()
    assert lines[0].split()[:3] == ["JID", "IP", "Address"]
    assert lines[1].split()[:2] == ["1", JAIL_ADDR]
    verbose = host.run(host.tool("jls"), "-v").stdout
    assert "IP Address(es)" in verbose and JAIL_ADDR in verbose.split()
    params = host.run(host.tool("jls"), "-n").stdout.split()
    assert f"ip4.addr={JAIL_ADDR}" in params
    assert "ip6.addr=" in params  # ip4.addr alone turns IPv6 off in the jail


@pytest.mark.syscalls("accept", "shutdown")
def test_nc_listens_on_the_jail_address_only(host):
    _ipjail(host, "ipj", f"ip4.addr={JAIL_ADDR}")
    nc = host.popen(host.tool("jexec"), "ipj", "/usr/bin/nc", "-l", PORT)
    try:
        assert wait_until(lambda: host.listeners(PORT), 30) == [JAIL_ADDR]
        assert not host.connect("127.0.0.1", PORT)
        assert host.connect(JAIL_ADDR, PORT, b"through the jail\n")
        out, err = nc.communicate(timeout=60)
    finally:
        if nc.poll() is None:
            nc.kill()
            nc.wait()
    assert out == "through the jail\n", err


@pytest.mark.syscalls("__sysctlbyname")
def test_netstat_in_an_ip_jail_shows_only_its_own_sockets(host):
    """cr_canseeinpcb: a jail sharing the host's stack sees the sockets its processes hold; the
    host sees them all."""
    from pyroute2 import netns

    _ipjail(host, "ipj", f"ip4.addr={JAIL_ADDR}")
    outside = netns.create_socket(host.path, socket.AF_INET, socket.SOCK_STREAM, flags=0)
    nc = host.popen(host.tool("jexec"), "ipj", "/usr/bin/nc", "-l", PORT)
    try:
        outside.bind(("127.0.0.1", PORT + 1))
        outside.listen(1)
        assert wait_until(lambda: host.listeners(PORT), 30) == [JAIL_ADDR]
        netstat = str(host.root / "usr/bin/netstat")
        jailed = host.run(host.tool("jexec"), "ipj", "/usr/bin/netstat", "-an", "-p", "tcp")
        listening = [line.split()[3] for line in jailed.stdout.splitlines() if "LISTEN" in line]
        assert listening == [f"{JAIL_ADDR}.{PORT}"], jailed.stdout
        everything = host.run(netstat, "-an", "-p", "tcp").stdout
        listening = {line.split()[3] for line in everything.splitlines() if "LISTEN" in line}
        assert listening == {f"{JAIL_ADDR}.{PORT}", f"127.0.0.1.{PORT + 1}"}
    finally:
        outside.close()
        nc.kill()
        nc.wait()


def test_binding_another_address_fails(host):
    _ipjail(host, "ipj", f"ip4.addr={JAIL_ADDR}")
    r = host.run(host.tool("jexec"), "ipj", "/usr/bin/nc", "-s", "127.0.0.2", JAIL_ADDR, PORT)
    assert r.returncode != 0
    assert "Can't assign requested address" in r.stderr


EADDRNOTAVAIL = FREEBSD_ERRNO["EADDRNOTAVAIL"]
EPROTONOSUPPORT = FREEBSD_ERRNO["EPROTONOSUPPORT"]


@pytest.fixture
def addrs_program(freebsd_programs, freebsd_root):
    """ipjail_addrs.c built, and copied into the root's /tmp (a jail sees only its path): (the
    built program, its path in the jail)."""
    built = freebsd_programs("ipjail_addrs")["ipjail_addrs"]
    inside = f"/tmp/ipjail_addrs-{os.getpid()}"
    where = freebsd_root / inside.lstrip("/")
    shutil.copy2(built, where)
    try:
        yield built, inside
    finally:
        where.unlink(missing_ok=True)


@pytest.mark.syscalls("getpeername")
def test_jailed_socket_addresses(host, addrs_program):
    prog, inside = addrs_program
    _ipjail(host, "ipj", f"ip4.addr={JAIL_ADDR}")
    jailed = host.run(host.tool("jexec"), "ipj", inside, "127.0.0.2")
    assert jailed.returncode == 0, jailed.stderr
    assert jailed.stdout.splitlines() == [
        f"bind-any {JAIL_ADDR}",
        f"bind-loopback {JAIL_ADDR}",
        f"bind-other errno={EADDRNOTAVAIL}",
        f"bind-reserved {JAIL_ADDR}",  # allow.reserved_ports is on by default
        f"connect-local {JAIL_ADDR}",
        f"connect-peer {JAIL_ADDR}",
        f"listen {JAIL_ADDR}",
        "inet6 EPROTONOSUPPORT",
    ]
    # The same program outside the jail: nothing is rewritten.
    free = host.run(prog, "127.0.0.2")
    assert free.returncode == 0, free.stderr
    assert free.stdout.splitlines()[:3] == [
        "bind-any 0.0.0.0",
        "bind-loopback 127.0.0.1",
        "bind-other 127.0.0.2",
    ]


def test_reserved_ports_need_allow_reserved_ports(host, addrs_program):
    """The supervisor binds for the jail, so PRIV_NETINET_RESERVEDPORT is checked for the
    program: without allow.reserved_ports, port 80 is EACCES (in_pcbbind_setup)."""
    _ipjail(host, "noports", f"ip4.addr={JAIL_ADDR}", "allow.noreserved_ports")
    out = host.run(host.tool("jexec"), "noports", addrs_program[1]).stdout.splitlines()
    assert out[:4] == [
        f"bind-any {JAIL_ADDR}",
        f"bind-loopback {JAIL_ADDR}",
        f"bind-other errno={EADDRNOTAVAIL}",
        f"bind-reserved errno={FREEBSD_ERRNO['EACCES']}",
    ]


def test_ip4_disable_makes_no_inet_socket(host, addrs_program):
    _ipjail(host, "noip", "ip4=disable")
    out = host.run(host.tool("jexec"), "noip", addrs_program[1]).stdout.splitlines()
    assert out[0] == f"bind-any errno={EPROTONOSUPPORT}"
    assert out[-2] == f"listen errno={EPROTONOSUPPORT}"


def test_kern_features_and_vnet_column(host, freebsd_programs):
    r = host.run(host.root / "sbin/sysctl", "-n", "kern.features.inet", "kern.features.inet6")
    assert r.stdout.split() == ["1", "1"], r.stderr
    r = host.run(host.root / "sbin/sysctl", "-n", "kern.features.vimage")
    assert r.stdout.split() == ["1"], r.stderr
    _ipjail(host, "plain")
    _ipjail(host, "own", "vnet")
    # 10.2's jls with the root's 13.5 libjail prints a jailsys parameter as its number.
    rows = [
        line.split()
        for line in host.run(host.tool("jls"), "-h", "jid", "name", "vnet").stdout.splitlines()
    ]
    assert rows == [["jid", "name", "vnet"], ["1", "plain", "2"], ["2", "own", "1"]]
    prog = freebsd_programs("ipjail_vnet")["ipjail_vnet"]
    assert host.run(prog, "plain").stdout.split() == ["vnet=inherit"]
    assert host.run(prog, "own").stdout.split() == ["vnet=new"]


JAIL_ADDR6 = "fd00::5"  # a unique local address (RFC 4193) the test host's lo gets


@pytest.mark.syscalls("getsockname")
def test_ipv6_jail(host, freebsd_programs, freebsd_root):
    from pyroute2 import IPRoute

    with IPRoute(netns=host.path, flags=0) as ipr:
        lo = ipr.link_lookup(ifname="lo")[0]
        ipr.addr("add", index=lo, address=JAIL_ADDR6, prefixlen=128)
        ipr.addr("add", index=lo, address="fd00::99", prefixlen=128)
    inside = f"/tmp/ipjail_v6-{os.getpid()}"
    where = freebsd_root / inside.lstrip("/")
    shutil.copy2(freebsd_programs("ipjail_v6")["ipjail_v6"], where)
    try:
        _ipjail(host, "v6", f"ip6.addr={JAIL_ADDR6}")
        r = host.run(host.tool("jexec"), "v6", inside, JAIL_ADDR6)
    finally:
        where.unlink(missing_ok=True)
    assert r.stdout.splitlines() == [
        f"bind-any {JAIL_ADDR6}",
        f"bind-loopback {JAIL_ADDR6}",
        f"bind-other errno={EADDRNOTAVAIL}",
        "pktinfo-jail ok",
        f"pktinfo-other errno={EADDRNOTAVAIL}",
    ], r.stderr
