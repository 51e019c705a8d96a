"""The automatic VNET layout (issue 11): `jail -c name=J path=R ip4.addr=A vnet persist` on
Linux network namespaces, veth pairs and a bridge (bsdulator/net/).

Network safety: each test makes its own network namespace (the test's "host") and runs
bsdulator inside it, either by setns into that namespace alone or as `ip netns exec` does
(a mount namespace of its own with a fresh /sys and no cgroup mounted); it sends packets only
to its own jails' addresses, and its teardown removes the jails and the namespace, also when
the test fails."""

import contextlib
import itertools
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

import pytest

from bsdulator.abi.netlink import LINUX_RT_TABLE
from bsdulator.net import layout
from helpers import jail_cgroups, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY = 8, 0  # RFC 792
PING_TIMEOUT_S = 5.0
_names = itertools.count()

pytestmark = [pytest.mark.e2e, pytest.mark.root]


def _checksum(data: bytes) -> int:
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def ping(netns: str, address: str) -> bool:
    """Whether address answers one ICMP echo sent from the network namespace the nsfs path
    netns names (a raw socket made there; Linux ping is not needed)."""
    from pyroute2 import netns as pyroute2_netns

    sock = pyroute2_netns.create_socket(
        netns, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP, flags=0
    )
    ident = os.getpid() & 0xFFFF
    body = b"bsdulator-vnet"
    header = struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, 0, ident, 1)
    packet = struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, _checksum(header + body), ident, 1)
    with sock:
        sock.sendto(packet + body, (address, 0))
        deadline = time.monotonic() + PING_TIMEOUT_S
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                data, (source, _port) = sock.recvfrom(4096)
            except TimeoutError:
                return False
            icmp = data[(data[0] & 0x0F) * 4 :]
            kind, _code, _sum, got_ident, _seq = struct.unpack_from("!BBHHH", icmp)
            if source == address and kind == ICMP_ECHO_REPLY and got_ident == ident:
                return True
    return False


class NetnsHost:
    """A network namespace of the test's own, and bsdulator run inside it: `setns` (the network
    namespace alone) or `ip netns exec` (also a mount namespace and /sys of its own)."""

    def __init__(self, mode: str, root, state: str):
        from pyroute2 import netns

        self.mode, self.root = mode, root
        self.name = f"bsdutest{os.getpid()}_{next(_names)}"
        self.path = os.path.join(netns.NETNS_RUN_DIR, self.name)
        self.env = dict(os.environ, LC_ALL="C", BSDULATOR_STATE_DIR=state)
        self.env.pop(layout.BRIDGE_ADDR_ENV, None)
        netns.create(self.name)

    def _enter(self) -> None:
        from pyroute2 import netns

        netns.setns(self.name, flags=0, fork=False)

    def run(self, tool: str, *args, env=None):
        prog = self.root / ("usr/sbin/" + tool if tool in ("jail", "jls", "jexec") else tool)
        command = [sys.executable, "-m", "bsdulator", str(prog), *map(str, args)]
        if self.mode == "ip netns exec":
            command = ["ip", "netns", "exec", self.name, *command]
        return subprocess.run(
            command,
            cwd=REPO,
            capture_output=True,
            env=self.env | (env or {}),
            timeout=120,
            preexec_fn=self._enter if self.mode == "setns" else None,
        )

    def vnet_jail(self, name: str, address: str, *params: str) -> None:
        """A persistent vnet jail with the automatic layout at address."""
        r = self.run(
            "jail", "-c", f"name={name}", f"path={self.root}", f"ip4.addr={address}", "vnet",
            "persist", *params,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr

    def holder_netns(self, jid: int) -> str:
        """The nsfs path of jail jid's own network namespace (its holder's)."""
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from bsdulator.jail import namespaces as n; print(n.lookup({jid}).pid)",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return f"/proc/{int(out)}/ns/net"

    def state(self):
        """Links, IPv4 addresses and IPv4 routes of the test host, and the named namespaces."""
        from pyroute2 import IPRoute
        from pyroute2 import netns as pyroute2_netns

        with IPRoute(netns=self.path, flags=0) as ipr:
            links = sorted(link.get("ifname") for link in ipr.get_links())
            addrs = sorted(a.get("IFA_ADDRESS") for a in ipr.get_addr(family=socket.AF_INET))
            routes = [
                r
                for r in ipr.get_routes(
                    family=socket.AF_INET, table=LINUX_RT_TABLE["RT_TABLE_MAIN"]
                )
            ]
        named = sorted(n for n in pyroute2_netns.listnetns() if n.startswith("bsdjail_"))
        return links, addrs, routes, named


@contextlib.contextmanager
def netns_host(mode: str, freebsd_root, state: str, lo_up: bool = False):
    """A NetnsHost for one test (lo up if asked); its jails, any bsdjail_ binding they left and
    the namespace itself are removed at the end, also when the test fails."""
    from pyroute2 import IPRoute, netns

    if mode == "ip netns exec" and shutil.which("ip") is None:
        pytest.skip("iproute2's ip is not installed: no `ip netns exec` to reproduce")
    before = set(netns.listnetns())
    host = NetnsHost(mode, freebsd_root, state)
    try:
        if lo_up:
            with IPRoute(netns=host.path, flags=0) as ipr:
                ipr.link("set", index=ipr.link_lookup(ifname="lo")[0], state="up")
        yield host
    finally:
        try:
            for jid in host.run("jls", "jid").stdout.decode().split():
                host.run("jail", "-r", jid)
        finally:
            for name in set(netns.listnetns()) - before - {host.name}:
                if name.startswith("bsdjail_"):  # a binding jail -r failed to remove
                    netns.remove(name)
            netns.remove(host.name)


@pytest.fixture(params=["setns", "ip netns exec"])
def test_host(request, bsd, freebsd_root, tmp_path, host_netns_names):
    """A fresh network namespace with bsdulator run inside it; removed with its jails at the end."""
    with netns_host(request.param, freebsd_root, str(tmp_path / "state")) as host:
        yield host


def test_phase3_layout_pings_and_leaves_nothing(test_host):
    R = test_host.root
    r = test_host.run(
        "jail", "-c", "name=myjail", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist"
    )
    assert r.returncode == 0, r.stderr
    r = test_host.run(
        "jail", "-c", "name=j2", f"path={R}", "ip4.addr=10.0.0.11/24", "vnet", "persist"
    )
    assert r.returncode == 0, r.stderr
    jids = test_host.run("jls", "jid").stdout.decode().split()
    assert jids == ["1", "2"]

    links, addrs, routes, named = test_host.state()
    assert links == ["bsdjail0", "lo", "veth0_j1", "veth0_j2"]
    assert addrs == ["10.0.0.1"]
    if test_host.mode == "setns":  # bsdulator runs in the test's mount namespace
        assert named == ["bsdjail_1", "bsdjail_2"]
        jail_ns = [os.path.join("/var/run/netns", name) for name in named]
        assert [os.stat(p).st_ino for p in jail_ns] == [
            os.stat(test_host.holder_netns(jid)).st_ino for jid in (1, 2)
        ]
    else:  # bound in the mount namespace `ip netns exec` made for jail -c, gone with it
        jail_ns = [test_host.holder_netns(jid) for jid in (1, 2)]

    assert ping(test_host.path, "10.0.0.10")
    assert ping(test_host.path, "10.0.0.11")
    assert ping(jail_ns[0], "10.0.0.11")
    assert ping(jail_ns[1], "10.0.0.10")
    assert ping(jail_ns[0], "10.0.0.1")

    from pyroute2 import IPRoute

    with IPRoute(netns=jail_ns[0], flags=0) as ipr:
        assert sorted(link.get("ifname") for link in ipr.get_links()) == ["eth0", "lo"]
        assert sorted(
            f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}" for a in ipr.get_addr(family=socket.AF_INET)
        ) == ["10.0.0.10/24", "127.0.0.1/8"]
        default = [
            r
            for r in ipr.get_routes(family=socket.AF_INET, table=LINUX_RT_TABLE["RT_TABLE_MAIN"])
            if r["dst_len"] == 0
        ]
        assert [r.get("RTA_GATEWAY") for r in default] == ["10.0.0.1"]

    for jid in jids:
        r = test_host.run("jail", "-r", jid)
        assert r.returncode == 0, r.stderr
        if jid == "1":  # the bridge stays while a jail uses it
            assert test_host.state()[0] == ["bsdjail0", "lo", "veth0_j2"]
    assert test_host.state() == (["lo"], [], [], [])
    assert jail_cgroups(test_host.env) == "[]"


def test_layout_refuses_an_address_off_the_bridge_and_leaves_nothing_half_made(test_host):
    R = test_host.root
    r = test_host.run("jail", "-c", "name=a", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist")
    assert r.returncode == 0, r.stderr
    for bad in ("10.0.1.5", "10.0.0.1"):
        r = test_host.run("jail", "-c", "name=b", f"path={R}", f"ip4.addr={bad}", "vnet", "persist")
        assert r.returncode != 0
        assert f"{bad} is not a free host address of bsdjail0's subnet 10.0.0.0/24" in (
            r.stderr.decode()
        )
    assert test_host.run("jls", "name").stdout.decode().split() == ["a"]
    assert test_host.state()[:2] == (["bsdjail0", "lo", "veth0_j1"], ["10.0.0.1"])
    # FreeBSD's refusal stays for every other IP limit on a vnet jail.
    r = test_host.run(
        "jail", "-c", "name=c", f"path={R}", "ip6.addr=2001:db8::5", "vnet", "persist"
    )
    assert b"vnet jails cannot have IP address restrictions" in r.stderr
    assert test_host.run("jail", "-r", "a").returncode == 0
    assert test_host.state() == (["lo"], [], [], [])
    assert jail_cgroups(test_host.env) == "[]"


def test_bridge_address_is_configurable(test_host):
    R = test_host.root
    env = {layout.BRIDGE_ADDR_ENV: "10.77.0.1/16"}
    r = test_host.run(
        "jail", "-c", "name=a", f"path={R}", "ip4.addr=10.77.3.4", "vnet", "persist", env=env
    )
    assert r.returncode == 0, r.stderr
    assert test_host.state()[1] == ["10.77.0.1"]
    assert ping(test_host.path, "10.77.3.4")
    assert test_host.run("jail", "-r", "a").returncode == 0
    assert test_host.state() == (["lo"], [], [], [])


def test_a_dead_jails_layout_goes_at_the_next_registry_use(test_host):
    """A holder killed behind bsdulator's back (a crash) leaves a row whose jail is gone: the next
    bsdulator that opens the registry deletes the row and the layout with it."""
    R = test_host.root
    r = test_host.run("jail", "-c", "name=a", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist")
    assert r.returncode == 0, r.stderr
    holder = int(test_host.holder_netns(1).split("/")[2])
    os.kill(holder, signal.SIGKILL)
    assert wait_until(lambda: not os.path.exists(f"/proc/{holder}/ns/net"), 10)
    assert test_host.run("jls", "jid").stdout == b""
    assert test_host.state() == (["lo"], [], [], [])
    assert jail_cgroups(test_host.env) == "[]"


def test_a_failed_step_undoes_the_steps_before_it(test_host):
    """The binding's name is taken (another registry's jail 1, here a stand-in file) after the
    bridge was made: creation fails with the reason, and neither bridge nor jail is left."""
    from pyroute2 import netns

    taken = os.path.join(netns.NETNS_RUN_DIR, layout.netns_name(1))
    if os.path.lexists(taken):
        pytest.skip(f"{taken} exists on this host")
    os.makedirs(netns.NETNS_RUN_DIR, exist_ok=True)
    open(taken, "x").close()
    try:
        R = test_host.root
        r = test_host.run(
            "jail", "-c", "name=a", f"path={R}", "ip4.addr=10.0.0.10", "vnet", "persist"
        )
        assert r.returncode != 0
        assert b"network namespace bsdjail_1 already exists" in r.stderr
        assert os.path.exists(taken)  # not ours: left alone
        assert test_host.run("jls", "jid").stdout == b""
        links, addrs, routes, _named = test_host.state()
        assert (links, addrs, routes) == (["lo"], [], [])
        assert jail_cgroups(test_host.env) == "[]"
    finally:
        os.unlink(taken)
