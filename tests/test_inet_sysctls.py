"""The socket sysctls netstat and sockstat read: {tcp,udp,raw}.pcblist (/proc/net's socket tables as
records of both generations, 10.x's kernel structs and 12.0's xinpcb/xtcpcb) and the protocol
statistics (Linux's counters as FreeBSD's), read back through the layouts the header tests
check; net.local's unix-domain records and kern.file's descriptor kinds."""

import ipaddress
import os
import socket

import pytest

from bsdulator import procfs
from bsdulator import structs as S
from bsdulator.abi import net as N
from bsdulator.abi.flags import (
    FREEBSD_ADDRESS_FAMILIES,
    FREEBSD_FILE_FLAGS,
    FREEBSD_IPPROTO,
    FREEBSD_O_FLAGS,
    FREEBSD_SOCK_TYPES,
)
from bsdulator.net import reader
from bsdulator.syscalls import inetstats, kernfile, pcblist, unixpcb
from header_macros import freebsd_values, requires_zig

# unit tests of the sysctl nodes: they never make __sysctl itself, so they carry no syscalls mark
# (tests/conftest.py holds marks to the calls made)
pytestmark = pytest.mark.unit

# proc(5): a listening TCP socket on 127.0.0.1:9000 with 2 connections waiting, and an
# established one from 127.0.0.1:40000 with 5 bytes unread, then UDP on ::1:5353
TCP = (
    b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    b"timeout inode\n"
    b"   0: 0100007F:2328 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0"
    b"        0 4242 1 0000000000000000 100 0 0 10 0\n"
    b"   1: 0100007F:9C40 0100007F:2328 01 00000000:00000005 00:00000000 00000000  1001"
    b"        0 4243 1 0000000000000000 20 4 30 10 -1\n"
)
UDP6 = (
    b"  sl  local_address                         remote_address                        st "
    b"tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
    b"    0: 00000000000000000000000001000000:14E9 00000000000000000000000000000000:0000 07 "
    b"00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0\n"
)
LOOPBACK = ipaddress.ip_address("127.0.0.1").packed
TCPS = N.FREEBSD_TCP_STATES
INP = N.FREEBSD_INP_VFLAGS


def test_proc_net_tables_are_read_in_network_order():
    listen, conn = procfs.parse_inet_sockets(TCP, inet6=False)
    assert (listen.local, listen.local_port, listen.remote_port) == (LOOPBACK, 9000, 0)
    assert (listen.state, listen.rx_queue, listen.inode) == (
        N.LINUX_TCP_STATES["TCP_LISTEN"],
        2,
        4242,
    )
    assert (conn.remote, conn.remote_port, conn.rx_queue, conn.uid) == (LOOPBACK, 9000, 5, 1001)
    (udp,) = procfs.parse_inet_sockets(UDP6, inet6=True)
    assert udp.local == ipaddress.ip_address("::1").packed and udp.local_port == 5353


def _records(data: bytes, gen: str, record: str) -> tuple[dict, list[dict], dict]:
    """The answer split as netstat walks it: header, records by their length, trailer."""
    first = S.unpack(gen, data)
    records, at = [], first["xig_len"]
    while S.unpack(gen, data[at:])["xig_len"] != S.sizeof(gen):
        length = S.unpack(gen, data[at:])["xig_len"]
        assert length == S.sizeof(record)
        records.append(S.unpack(record, data[at : at + length]))
        at += length
    trailer = S.unpack(gen, data[at:])
    assert at + S.sizeof(gen) == len(data)
    return first, records, trailer


def test_tcp_records_for_a_10x_netstat():
    sockets = procfs.parse_inet_sockets(TCP, inet6=False)
    data = pcblist.pcblist(pcblist.PROTOCOLS["tcp"], sockets, osrel=1002000, backlogs={4242: 7})
    first, (listen, conn), trailer = _records(data, "freebsd10_xinpgen", "freebsd10_xtcpcb")
    assert first["xig_count"] == trailer["xig_count"] == 2
    assert (
        first["xig_gen"]
        == trailer["xig_gen"]
        >= max(r["xt_inp"]["inp_gencnt"] for r in (listen, conn))
    )
    inp, so = listen["xt_inp"], listen["xt_socket"]
    assert inp["inp_vflag"] == INP["INP_IPV4"]
    assert inp["inp_inc"]["ie_lport"] == 9000 and inp["inp_inc"]["ie_dependladdr"][12:] == LOOPBACK
    assert listen["xt_tp"]["t_state"] == TCPS["TCPS_LISTEN"]
    assert (so["xso_protocol"], so["xso_family"], so["so_type"]) == (
        FREEBSD_IPPROTO["IPPROTO_TCP"],
        FREEBSD_ADDRESS_FAMILIES["AF_INET"],
        FREEBSD_SOCK_TYPES["SOCK_STREAM"],
    )
    assert (so["so_qlen"], so["so_qlimit"], so["so_rcv"]["sb_cc"]) == (2, 7, 0)
    assert conn["xt_tp"]["t_state"] == TCPS["TCPS_ESTABLISHED"]
    assert conn["xt_socket"]["so_rcv"]["sb_cc"] == 5 and conn["xt_socket"]["so_uid"] == 1001
    assert conn["xt_inp"]["inp_inc"]["ie_fport"] == 9000


def test_udp_records_for_12_and_later():
    sockets = procfs.parse_inet_sockets(UDP6, inet6=True)
    data = pcblist.pcblist(pcblist.PROTOCOLS["udp"], sockets, osrel=1402000)
    first, (udp,), _ = _records(data, "xinpgen", "xinpcb")
    assert first["xig_count"] == 1
    assert udp["inp_vflag"] == INP["INP_IPV6"]
    ie = udp["inp_inc"]["inc_ie"]
    assert ie["ie_lport"] == 5353 and ie["ie_dependladdr"] == ipaddress.ip_address("::1").packed
    assert udp["xi_socket"]["xso_protocol"] == FREEBSD_IPPROTO["IPPROTO_UDP"]
    assert udp["xi_socket"]["xso_family"] == FREEBSD_ADDRESS_FAMILIES["AF_INET6"]


def test_tcp_records_for_12_and_later_name_the_stack():
    sockets = procfs.parse_inet_sockets(TCP, inet6=False)
    data = pcblist.pcblist(pcblist.PROTOCOLS["tcp"], sockets, osrel=1500000, cc="cubic")
    _, (listen, _conn), _ = _records(data, "xinpgen", "xtcpcb")
    assert listen["t_state"] == TCPS["TCPS_LISTEN"]
    assert (listen["xt_stack"], listen["xt_cc"]) == (b"freebsd", b"cubic")
    assert listen["xt_inp"]["xi_socket"]["so_qlen"] == 2


def test_every_linux_tcp_state_has_a_freebsd_one():
    assert set(pcblist.TCP_STATES) == set(N.LINUX_TCP_STATES.values())
    assert sorted(pcblist.TCP_STATES.values()) == sorted(TCPS.values())


def test_an_empty_table_is_header_and_trailer():
    data = pcblist.pcblist(pcblist.PROTOCOLS["raw"], [], osrel=1002000)
    first, records, trailer = _records(data, "freebsd10_xinpgen", "freebsd10_xinpcb")
    assert records == [] and first == trailer and first["xig_count"] == 0


# /proc/net/snmp's counters of a namespace that received 10 UDP datagrams (3 for closed ports, 1
# with a bad checksum, 1 dropped for a full buffer, 5 delivered) and answered 2 pings
LINUX = {
    "Udp": {"InDatagrams": 5, "NoPorts": 3, "InErrors": 2, "RcvbufErrors": 1, "InCsumErrors": 1},
    "Tcp": {"ActiveOpens": 4, "PassiveOpens": 2, "AttemptFails": 1, "OutSegs": 70},
    "TcpExt": {"SyncookiesFailed": 9, "ListenOverflows": 6},
    "Icmp": {"OutEchoReps": 2},
    "IcmpMsg": {"InType8": 2, "OutType0": 2},  # echo requests in, echo replies out
}


def test_udp_counts_every_datagram_received_as_freebsd_does():
    udp = S.unpack("udpstat", inetstats.stats("udp", LINUX, osrel=1002000))
    assert (udp["udps_ipackets"], udp["udps_noport"], udp["udps_fullsock"]) == (10, 3, 1)
    assert (udp["udps_badsum"], udp["udps_badlen"]) == (1, 0)
    # netstat's "delivered" line: what is left once every drop is taken off
    dropped = sum(udp[f] for f in ("udps_hdrops", "udps_badlen", "udps_badsum", "udps_noport"))
    assert udp["udps_ipackets"] - dropped - udp["udps_fullsock"] == 5


def test_tcp_statistics_follow_the_callers_generation():
    old = S.unpack("freebsd10_tcpstat", inetstats.stats("tcp", LINUX, osrel=1002000))
    new = S.unpack("tcpstat", inetstats.stats("tcp", LINUX, osrel=1402000))
    for tcp in (old, new):
        assert (tcp["tcps_connattempt"], tcp["tcps_accepts"], tcp["tcps_connects"]) == (4, 2, 5)
        assert (tcp["tcps_sndtotal"], tcp["tcps_listendrop"]) == (70, 6)
    assert new["tcps_sc_failcookie"] == 9 and "tcps_sc_failcookie" not in old
    assert len(inetstats.stats("tcp", LINUX, osrel=1002000)) == S.sizeof("freebsd10_tcpstat")


@requires_zig
def test_icmp_histograms_by_type():
    types = freebsd_values(
        ["sys/types.h", "netinet/in.h", "netinet/ip.h", "netinet/ip_icmp.h"],
        ["ICMP_ECHO", "ICMP_ECHOREPLY"],
    )
    ICMP_ECHO, ICMP_ECHOREPLY = types["ICMP_ECHO"], types["ICMP_ECHOREPLY"]
    icmp = S.unpack("icmpstat", inetstats.stats("icmp", LINUX, osrel=1002000))
    assert icmp["icps_inhist"][ICMP_ECHO] == 2 and icmp["icps_outhist"][ICMP_ECHOREPLY] == 2
    assert sum(icmp["icps_inhist"]) == 2 and icmp["icps_reflect"] == 2


def test_igmp_statistics_carry_their_version():
    igmp = S.unpack("igmpstat", inetstats.stats("igmp", {}, osrel=1002000))
    assert (igmp["igps_version"], igmp["igps_len"]) == (
        N.FREEBSD_IGMPSTAT["IGPS_VERSION_3"],
        S.sizeof("igmpstat"),
    )


# ---- net.local.*.pcblist and kern.file ---------------------------------------------------

LISTENER = reader.UnixSocket(
    inode=50, sock_type=socket.SOCK_STREAM, listening=True, peer=0, name=b"/var/run/x.sock",
    bound_in_fs=True, rqueue=1, wqueue=5,
)  # fmt: skip
CLIENT = reader.UnixSocket(
    inode=51, sock_type=socket.SOCK_STREAM, listening=False, peer=52, name=b"",
    bound_in_fs=False, rqueue=3, wqueue=0,
)  # fmt: skip
ABSTRACT = reader.UnixSocket(
    inode=52, sock_type=socket.SOCK_STREAM, listening=False, peer=51, name=b"bus",
    bound_in_fs=False, rqueue=0, wqueue=0,
)  # fmt: skip


def _unix_records(data: bytes, record: str) -> list[dict]:
    first = S.unpack("xunpgen", data)
    records, at = [], first["xug_len"]
    while S.unpack("xunpgen", data[at:])["xug_len"] != S.sizeof("xunpgen"):
        records.append(S.unpack(record, data[at : at + S.sizeof(record)]))
        at += S.sizeof(record)
    assert S.unpack("xunpgen", data[at:]) == first and first["xug_count"] == len(records)
    return records


@pytest.mark.parametrize(("osrel", "record"), [(1002000, "freebsd10_xunpcb"), (1402000, "xunpcb")])
def test_unix_records_name_paths_peers_and_queues(osrel, record):
    listener, client, abstract = _unix_records(
        unixpcb.pcblist([LISTENER, CLIENT, ABSTRACT], osrel), record
    )
    assert listener["xu_len"] == S.sizeof(record)
    sun = listener["xu_addr"]
    assert sun["sun_family"] == FREEBSD_ADDRESS_FAMILIES["AF_LOCAL"]
    assert sun["sun_path"][: sun["sun_len"] - S.offsetof("sockaddr_un", "sun_path")] == (
        b"/var/run/x.sock"
    )
    assert listener["unp_vnode"] != 0 and listener["unp_conn"] == 0
    so = listener["xu_socket"]
    assert (so["so_qlen"], so["so_qlimit"], so["so_type"]) == (
        1,
        5,
        FREEBSD_SOCK_TYPES["SOCK_STREAM"],
    )
    # a connected pair names each other: unp_conn is the peer's xu_unpp
    assert client["unp_conn"] == abstract["xu_unpp"] and abstract["unp_conn"] == client["xu_unpp"]
    assert client["xu_socket"]["so_rcv"]["sb_cc"] == 3
    assert client["xu_socket"]["xso_so"] == pcblist.socket_address(CLIENT.inode)
    assert abstract["xu_addr"]["sun_path"].rstrip(b"\0") == b"@bus"


def test_kern_file_kinds_and_flags():
    assert kernfile._kind("socket:[77]") == (
        N.FREEBSD_DTYPES["DTYPE_SOCKET"],
        pcblist.socket_address(77),
    )
    assert kernfile._kind("pipe:[9]")[0] == N.FREEBSD_DTYPES["DTYPE_PIPE"]
    assert kernfile._kind("anon_inode:[eventpoll]")[0] == N.FREEBSD_DTYPES["DTYPE_KQUEUE"]
    assert kernfile._kind("/etc/passwd")[0] == N.FREEBSD_DTYPES["DTYPE_VNODE"]
    fread, fwrite = FREEBSD_FILE_FLAGS["FREAD"], FREEBSD_FILE_FLAGS["FWRITE"]
    assert kernfile._flags(os.O_RDONLY) == fread
    assert kernfile._flags(os.O_RDWR | os.O_APPEND) == fread | fwrite | FREEBSD_O_FLAGS["O_APPEND"]
