"""ping (issue 11): the root's 10.2 ping over raw ICMP sockets on the test host and in VNET
jails of the automatic layout, allow.raw_sockets, and the process descriptors (pdfork) the
casper-using ping of 14.x starts its helper with.

Network safety: every test runs bsdulator inside a network namespace of its own (the test's
"host", entered as `ip netns exec` does), pings only its own jails' addresses, and removes the
jails and the namespace at the end, also when it fails."""

import shutil
import uuid

import pytest
from test_vnet_layout import netns_host

from bsdulator.abi.flags import FREEBSD_CMSG, FREEBSD_SO_TS_CLOCKS

pytestmark = [pytest.mark.e2e, pytest.mark.root]


@pytest.fixture
def host(freebsd_root, tmp_path, host_netns_names):
    """A test network namespace (lo up) with bsdulator run inside it as `ip netns exec` does."""
    with netns_host("ip netns exec", freebsd_root, str(tmp_path / "state"), lo_up=True) as h:
        yield h


def _answered(r) -> bool:
    return r.returncode == 0 and b"1 packets received" in r.stdout


def test_ping_between_host_and_vnet_jails(host):
    host.vnet_jail("myjail", "10.0.0.10", "allow.raw_sockets")
    host.vnet_jail("other", "10.0.0.11")

    r = host.run("jexec", "myjail", "/sbin/ping", "-c1", "10.0.0.1")
    assert _answered(r), (r.stdout, r.stderr)
    assert b"64 bytes from 10.0.0.1: icmp_seq=0 ttl=64" in r.stdout

    r = host.run("sbin/ping", "-c1", "10.0.0.10")
    assert _answered(r), (r.stdout, r.stderr)

    r = host.run("jexec", "myjail", "/sbin/ping", "-c1", "10.0.0.11")
    assert _answered(r), (r.stdout, r.stderr)


def test_ping_in_a_jail_without_allow_raw_sockets_is_refused(host):
    host.vnet_jail("noraw", "10.0.0.12")
    r = host.run("jexec", "noraw", "/sbin/ping", "-c1", "10.0.0.1")
    assert r.returncode == 71  # EX_OSERR: ping's err(EX_OSERR, "socket")
    assert r.stderr.decode().strip().endswith("ping: socket: Operation not permitted")


@pytest.mark.parametrize("where", ["host", "jail"])
@pytest.mark.syscalls("pdfork", "pdgetpid", "pdkill")
def test_process_descriptors(bsd, freebsd_programs, freebsd_root, tmp_path, where):
    """What the casper-using ping's helper needs: pdfork, pdgetpid, pdkill, POLLHUP at exit; in
    a jail pdgetpid names the child as the jail's pid namespace numbers it."""
    program = freebsd_programs("pd_")["pd_procdesc"]
    if where == "host":
        r = bsd(program)
    else:
        inside = f"/tmp/pd_procdesc-{uuid.uuid4().hex[:8]}"
        shutil.copy2(program, freebsd_root / inside.lstrip("/"))
        try:
            r = bsd(
                freebsd_root / "usr/sbin/jail",
                "-c",
                "name=pdjail",
                f"path={freebsd_root}",
                f"command={inside}",
                env={"BSDULATOR_STATE_DIR": str(tmp_path / "state")},
            )
        finally:
            (freebsd_root / inside.lstrip("/")).unlink()
    lines = r.stdout.decode().splitlines()
    assert lines[:-1] == [
        "pdgetpid matches",
        "revents 0x10 (POLLHUP yes)",
        "wait(-1): No child processes",
        "waitpid(pid): exited 7",
        "SIGCHLD seen: 0",
        "pdkill: killed by signal 15",
        "pdgetpid(pipe): Bad file descriptor",
    ], (lines, r.stderr)
    assert lines[-1].endswith(": 0 failures")
    assert r.returncode == 0


@pytest.mark.parametrize(
    "clock, scm",
    [
        ("SO_TS_REALTIME_MICRO", "SCM_TIMESTAMP"),
        ("SO_TS_BINTIME", "SCM_BINTIME"),
        ("SO_TS_REALTIME", "SCM_REALTIME"),
        ("SO_TS_MONOTONIC", "SCM_MONOTONIC"),
    ],
)
def test_raw_icmp_socket_reads_header_stamp_and_ttl(host, freebsd_programs, clock, scm):
    """What ping reads from its raw socket: the IP header (14's kernel: ip_len in network order),
    the SO_TIMESTAMP stamp in SO_TS_CLOCK's format, IP_RECVTTL's one-byte TTL."""
    program = freebsd_programs("rawip_")["rawip_icmp"]
    r = host.run(program, FREEBSD_SO_TS_CLOCKS[clock])
    lines = r.stdout.decode().splitlines()
    assert lines[:-1] == [
        "ip_v 4 ip_hl 5 ip_p 1 ip_len network order ip_off 0 from 127.0.0.1",
        f"stamp type {FREEBSD_CMSG[scm]}, ttl 64",
    ], (lines, r.stderr)
    assert lines[-1].endswith(": 0 failures")


@pytest.mark.syscalls("gettimeofday", "minherit", "select", "seteuid")
def test_ping6_on_the_loopback(host):
    """10.2's ping6: IPV6_USE_MIN_MTU, ICMP6_FILTER (pass bits on FreeBSD, block bits on Linux),
    10 KB of control buffer, and IPV6_HOPLIMIT/IPV6_PKTINFO messages under FreeBSD's numbers."""
    r = host.run("sbin/ping6", "-c1", "::1")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert b"16 bytes from ::1, icmp_seq=0 hlim=64" in r.stdout
    assert b"1 packets received" in r.stdout
