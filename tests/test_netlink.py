"""FreeBSD netlink on Linux netlink: the message translators (unit), and FreeBSD programs that
use snl as 14.x ifconfig/route/netstat do, run in a network namespace of their own and checked
against what pyroute2 sees there (e2e, root).

Expected values come from FreeBSD's headers through abi/ (whose tables tests/test_abi_netlink.py
checks against zig's FreeBSD headers): AF_INET6 = 28, IFT_LOOP, FreeBSD's IFF_* bits, fib 0."""

import os
import shutil
import struct
import subprocess
import sys
import uuid
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsdulator.abi import netlink as N
from bsdulator.abi.errno import FREEBSD_ERRNO, LINUX_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_ADDRESS_FAMILIES
from bsdulator.net.names import freebsd_ifname, linux_ifname
from bsdulator.syscalls.netlink import messages as M

pytestmark = pytest.mark.unit

FB_AF = FREEBSD_ADDRESS_FAMILIES
LX_AF = LINUX_ADDRESS_FAMILIES
IFLA, IFA, RTA = N.IFLA_ATTRS, N.IFA_ATTRS, N.RTA_ATTRS
T = {**N.NLMSG_TYPES, **N.RTM_TYPES}
RTFLAGS = N.FREEBSD_RTA_EXTRA["NL_RTA_RTFLAGS"]
U32 = struct.Struct("<I")
FB_IFF, LX_IFF = N.FREEBSD_IFF, N.LINUX_IFF


def attrs_of(body: bytes, header) -> dict[int, bytes]:
    return dict(M.parse_attrs(body[header.size :]))


def cstr(name: str) -> bytes:
    return name.encode() + b"\0"


# --- names ------------------------------------------------------------------------------------


def test_loopback_is_lo0_on_freebsd_and_lo_on_linux():
    assert linux_ifname("lo0") == "lo"
    assert freebsd_ifname("lo") == "lo0"
    assert linux_ifname("epair0a") == "epair0a" == freebsd_ifname("epair0a")


# --- links ------------------------------------------------------------------------------------


def linux_link(if_type, flags, attrs, index=1):
    return M.IFINFOMSG.pack(0, if_type, index, flags, 0) + M.pack_attrs(attrs)


def test_linux_loopback_reads_as_freebsds_lo0():
    flags = LX_IFF["IFF_UP"] | LX_IFF["IFF_LOOPBACK"] | LX_IFF["IFF_RUNNING"]
    flags |= LX_IFF["IFF_LOWER_UP"]
    body = M.link_to_freebsd(
        linux_link(N.LINUX_ARPHRD["ARPHRD_LOOPBACK"], flags, [(IFLA["IFLA_IFNAME"], cstr("lo"))])
    )
    _family, if_type, index, fflags, change = M.IFINFOMSG.unpack_from(body)
    assert if_type == N.FREEBSD_IFT["IFT_LOOP"]
    # lo0's flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> plus netlink's carrier bit
    assert fflags == (
        FB_IFF["IFF_UP"]
        | FB_IFF["IFF_LOOPBACK"]
        | FB_IFF["IFF_DRV_RUNNING"]
        | FB_IFF["IFF_MULTICAST"]
        | FB_IFF["IFF_LOWER_UP"]
    )
    assert (index, change) == (1, 0)
    assert attrs_of(body, M.IFINFOMSG)[IFLA["IFLA_IFNAME"]] == cstr("lo0")


def test_linux_ethernet_is_ift_ether_and_simplex():
    flags = LX_IFF["IFF_UP"] | LX_IFF["IFF_BROADCAST"] | LX_IFF["IFF_MULTICAST"]
    body = M.link_to_freebsd(linux_link(N.LINUX_ARPHRD["ARPHRD_ETHER"], flags, []))
    _f, if_type, _i, fflags, _c = M.IFINFOMSG.unpack_from(body)
    assert if_type == N.FREEBSD_IFT["IFT_ETHER"]
    assert fflags == (
        FB_IFF["IFF_UP"] | FB_IFF["IFF_BROADCAST"] | FB_IFF["IFF_MULTICAST"] | FB_IFF["IFF_SIMPLEX"]
    )


def test_a_linux_bridge_is_ift_bridge():
    info = M.pack_attrs([(N.IFLA_INFO_KIND, cstr("bridge"))])
    linux = linux_link(N.LINUX_ARPHRD["ARPHRD_ETHER"], 0, [(IFLA["IFLA_LINKINFO"], info)])
    body = M.link_to_freebsd(linux)
    assert M.IFINFOMSG.unpack_from(body)[1] == N.FREEBSD_IFT["IFT_BRIDGE"]
    assert attrs_of(body, M.IFINFOMSG) == {}


def test_linux_only_link_attributes_are_dropped_and_stats_cut():
    attrs = [
        (IFLA["IFLA_MTU"], U32.pack(1500)),
        (N.FREEBSD_IFLA_FREEBSD, U32.pack(7)),  # a Linux attribute with IFLA_FREEBSD's number
        (IFLA["IFLA_LINKINFO"], M.pack_attrs([(1, cstr("veth"))])),
        (IFLA["IFLA_STATS64"], bytes(range(200))),  # Linux's struct is longer
    ]
    got = attrs_of(M.link_to_freebsd(linux_link(1, 0, attrs)), M.IFINFOMSG)
    assert set(got) == {IFLA["IFLA_MTU"], IFLA["IFLA_STATS64"]}
    assert got[IFLA["IFLA_STATS64"]] == bytes(range(N.FREEBSD_LINK_STATS64_SIZE))


def test_freebsd_link_request_loses_ifla_freebsd_and_names_lo():
    body = M.IFINFOMSG.pack(0, 0, 0, 0, 0) + M.pack_attrs(
        [(IFLA["IFLA_IFNAME"], cstr("lo0")), (N.FREEBSD_IFLA_FREEBSD, b"")]
    )
    got = attrs_of(M.link_to_linux(body), M.IFINFOMSG)
    assert got == {IFLA["IFLA_IFNAME"]: cstr("lo")}


PAIRED_FB_IFF = [FB_IFF[f] for f, _ in N.IFF_PAIRS]
SYNTHESIZED = {
    N.FREEBSD_IFT["IFT_LOOP"]: FB_IFF["IFF_MULTICAST"],
    N.FREEBSD_IFT["IFT_ETHER"]: FB_IFF["IFF_SIMPLEX"],
}
names = st.from_regex(r"[a-z]{1,8}[0-9]{0,3}", fullmatch=True).filter(lambda n: n != "lo")


@given(
    st.sampled_from([N.FREEBSD_IFT[f] for f, _ in N.IFT_PAIRS]),
    st.lists(st.sampled_from(PAIRED_FB_IFF)),
    st.integers(1, 1 << 30),
    names,
    st.integers(0, 1 << 31),
)
def test_link_round_trip(if_type, bits, index, name, mtu):
    flags = sum(set(bits)) | SYNTHESIZED.get(if_type, 0)
    fbsd = M.IFINFOMSG.pack(0, if_type, index, flags, 0) + M.pack_attrs(
        [(IFLA["IFLA_IFNAME"], cstr(name)), (IFLA["IFLA_MTU"], U32.pack(mtu))]
    )
    assert M.link_to_freebsd(M.link_to_linux(fbsd)) == fbsd


# --- addresses --------------------------------------------------------------------------------


def in6_flags(value: int) -> bytes:
    return M.pack_attrs([(N.FREEBSD_IFAF_FLAGS, U32.pack(value))])


def test_linux_ipv6_address_gets_freebsds_family_ifa_local_and_in6_flags():
    addr = bytes(range(16))
    linux_flags = N.LINUX_IFA_F["IFA_F_TENTATIVE"] | N.LINUX_IFA_F["IFA_F_NODAD"]
    linux = M.IFADDRMSG.pack(LX_AF["AF_INET6"], 64, 0, 0, 3) + M.pack_attrs(
        [
            (IFA["IFA_ADDRESS"], addr),
            (IFA["IFA_FLAGS"], U32.pack(linux_flags)),
            (N.FREEBSD_IFA_FREEBSD, b"\x01"),  # Linux's IFA_PROTO
        ]
    )
    body = M.addr_to_freebsd(linux)
    assert M.IFADDRMSG.unpack_from(body) == (FB_AF["AF_INET6"], 64, 0, 0, 3)
    in6 = N.FREEBSD_IN6_IFF["IN6_IFF_TENTATIVE"] | N.FREEBSD_IN6_IFF["IN6_IFF_NODAD"]
    assert attrs_of(body, M.IFADDRMSG) == {
        IFA["IFA_ADDRESS"]: addr,
        IFA["IFA_FLAGS"]: U32.pack(linux_flags),
        IFA["IFA_LOCAL"]: addr,
        N.FREEBSD_IFA_FREEBSD: in6_flags(in6),
    }


def test_freebsd_address_request_drops_ifa_freebsd():
    fbsd = M.IFADDRMSG.pack(FB_AF["AF_INET"], 24, 0, 0, 2) + M.pack_attrs(
        [(IFA["IFA_LOCAL"], bytes(4)), (N.FREEBSD_IFA_FREEBSD | N.NLA_FLAGS["NLA_F_NESTED"], b"")]
    )
    body = M.addr_to_linux(fbsd)
    assert M.IFADDRMSG.unpack_from(body)[0] == LX_AF["AF_INET"]
    assert attrs_of(body, M.IFADDRMSG) == {IFA["IFA_LOCAL"]: bytes(4)}


def test_freebsd_no_dad_is_linuxs():
    nested = (N.FREEBSD_IFA_FREEBSD, in6_flags(N.FREEBSD_IN6_IFF["IN6_IFF_NODAD"]))
    fbsd = M.IFADDRMSG.pack(FB_AF["AF_INET6"], 64, 0, 0, 2) + M.pack_attrs([nested])
    assert M.IFADDRMSG.unpack_from(M.addr_to_linux(fbsd))[2] == N.LINUX_IFA_F["IFA_F_NODAD"]


@given(
    st.sampled_from([(FB_AF["AF_INET"], 4), (FB_AF["AF_INET6"], 16)]),
    st.integers(0, 128),
    st.integers(1, 1 << 30),
    st.binary(min_size=16, max_size=16),
    names,
    st.lists(st.sampled_from(list(N.FREEBSD_IN6_IFF.values()))),
)
def test_address_round_trip(family_len, prefixlen, index, raw, label, in6_bits):
    family, length = family_len
    attrs = [
        (IFA["IFA_ADDRESS"], raw[:length]),
        (IFA["IFA_LOCAL"], raw[:length]),
        (IFA["IFA_LABEL"], cstr(label)),
    ]
    flags = 0
    if family == FB_AF["AF_INET6"]:  # the header carries Linux's IFA_F_ numbers on both
        in6 = sum(set(in6_bits))
        flags = M.IN6_FLAGS.to_linux(in6)
        attrs.append((N.FREEBSD_IFA_FREEBSD, in6_flags(in6)))
    fbsd = M.IFADDRMSG.pack(family, prefixlen, flags, 0, index) + M.pack_attrs(attrs)
    assert M.addr_to_freebsd(M.addr_to_linux(fbsd)) == fbsd


# --- routes -----------------------------------------------------------------------------------


def linux_route(table, rtm_type, attrs, family=None, dst_len=0, protocol=None):
    family = LX_AF["AF_INET"] if family is None else family
    protocol = N.RTPROT["RTPROT_BOOT"] if protocol is None else protocol
    head = M.RTMSG.pack(family, dst_len, 0, 0, table, protocol, 0, rtm_type, 0)
    return head + M.pack_attrs(attrs)


def test_linux_default_route_reads_as_freebsds():
    gw = bytes([10, 0, 0, 1])
    body = M.route_to_freebsd(
        linux_route(
            N.LINUX_RT_TABLE["RT_TABLE_MAIN"],
            N.RTN_TYPES["RTN_UNICAST"],
            [
                (RTA["RTA_TABLE"], U32.pack(N.LINUX_RT_TABLE["RT_TABLE_MAIN"])),
                (RTA["RTA_GATEWAY"], gw),
                (RTA["RTA_OIF"], U32.pack(2)),
                (6, U32.pack(100)),  # RTA_PRIORITY: FreeBSD has no metric
            ],
        )
    )
    family, dst_len, _s, _t, table, *_ = M.RTMSG.unpack_from(body)
    assert (family, dst_len, table) == (FB_AF["AF_INET"], 0, N.FREEBSD_RT_TABLE["RT_TABLE_MAIN"])
    rtf = N.FREEBSD_RTF
    assert attrs_of(body, M.RTMSG) == {
        RTA["RTA_DST"]: bytes(4),  # FreeBSD sends the default route's destination
        RTA["RTA_TABLE"]: U32.pack(N.FREEBSD_RT_TABLE["RT_TABLE_MAIN"]),
        RTA["RTA_GATEWAY"]: gw,
        RTA["RTA_OIF"]: U32.pack(2),
        RTFLAGS: U32.pack(rtf["RTF_UP"] | rtf["RTF_GATEWAY"] | rtf["RTF_STATIC"]),
    }


def test_routes_freebsd_would_not_have_are_left_out():
    local = N.LINUX_RT_TABLE["RT_TABLE_LOCAL"]
    assert M.route_to_freebsd(linux_route(local, N.RTN_TYPES["RTN_UNICAST"], [])) is None
    rtn_broadcast = 3
    main = N.LINUX_RT_TABLE["RT_TABLE_MAIN"]
    assert M.route_to_freebsd(linux_route(main, rtn_broadcast, [])) is None


def test_kernel_host_route_flags():
    body = M.route_to_freebsd(
        linux_route(
            N.LINUX_RT_TABLE["RT_TABLE_MAIN"],
            N.RTN_TYPES["RTN_BLACKHOLE"],
            [(RTA["RTA_DST"], bytes(16))],
            family=LX_AF["AF_INET6"],
            dst_len=128,
            protocol=N.RTPROT["RTPROT_KERNEL"],
        )
    )
    rtf = N.FREEBSD_RTF
    expected = rtf["RTF_UP"] | rtf["RTF_HOST"] | rtf["RTF_BLACKHOLE"]
    assert attrs_of(body, M.RTMSG)[RTFLAGS] == U32.pack(expected)
    assert body[0] == FB_AF["AF_INET6"]


def test_freebsd_route_request():
    fbsd = M.RTMSG.pack(FB_AF["AF_INET6"], 64, 0, 0, 0, N.RTPROT["RTPROT_STATIC"], 0, 1, 0)
    fbsd += M.pack_attrs(
        [
            (RTA["RTA_DST"], bytes(16)),
            (RTA["RTA_VIA"], bytes([FB_AF["AF_INET"], 10, 0, 0, 1])),
            (RTFLAGS, U32.pack(N.FREEBSD_RTF["RTF_BLACKHOLE"])),
            (N.FREEBSD_RTA_EXTRA["NL_RTA_WEIGHT"], U32.pack(1)),
            (N.FREEBSD_RTA_EXTRA["NL_RTA_KNH_ID"], U32.pack(5)),
            (RTA["RTA_TABLE"], U32.pack(0)),
        ]
    )
    body = M.route_to_linux(fbsd, single_get=True)
    family, dst_len, _s, _t, table, _p, _sc, rtm_type, flags = M.RTMSG.unpack_from(body)
    assert (family, dst_len, table) == (LX_AF["AF_INET6"], 64, N.LINUX_RT_TABLE["RT_TABLE_MAIN"])
    assert rtm_type == N.RTN_TYPES["RTN_BLACKHOLE"]
    assert flags & N.LINUX_RTM_F_FIB_MATCH
    # a blackhole route has no gateway on Linux
    assert attrs_of(body, M.RTMSG) == {
        RTA["RTA_DST"]: bytes(16),
        RTA["RTA_TABLE"]: U32.pack(N.LINUX_RT_TABLE["RT_TABLE_MAIN"]),
    }


def test_freebsd_reject_is_prohibit_and_a_via_gateway_is_linuxs_rtvia():
    rtf = N.FREEBSD_RTF
    fbsd = M.RTMSG.pack(FB_AF["AF_INET6"], 64, 0, 0, 0, N.RTPROT["RTPROT_STATIC"], 0, 1, 0)
    via = (RTA["RTA_VIA"], bytes([FB_AF["AF_INET"], 10, 0, 0, 1]))
    reject = M.route_to_linux(fbsd + M.pack_attrs([via, (RTFLAGS, U32.pack(rtf["RTF_REJECT"]))]))
    assert M.RTMSG.unpack_from(reject)[7] == N.RTN_TYPES["RTN_PROHIBIT"]
    plain = M.route_to_linux(fbsd + M.pack_attrs([via, (RTFLAGS, U32.pack(rtf["RTF_GATEWAY"]))]))
    linux_via = LX_AF["AF_INET"].to_bytes(2, "little") + bytes([10, 0, 0, 1])
    assert attrs_of(plain, M.RTMSG) == {RTA["RTA_VIA"]: linux_via}


@pytest.mark.parametrize(
    ("request_type", "linux_errno"), [("RTM_GETROUTE", "ENETUNREACH"), ("RTM_GETLINK", "ENODEV")]
)
def test_a_lookup_that_finds_nothing_is_esrch(request_type, linux_errno):
    request = M.NLMSGHDR.pack(36, T[request_type], 5, 9, 0)
    linux = M.pack_message(
        T["NLMSG_ERROR"], 0, 9, 1, struct.pack("<i", -LINUX_ERRNO[linux_errno]) + request
    )
    [(_k, _f, _s, _p, body)], _ = M.split_messages(M.reply_to_freebsd(linux, 0))
    assert struct.unpack_from("<i", body)[0] == FREEBSD_ERRNO["ESRCH"]


@given(
    st.sampled_from([(FB_AF["AF_INET"], 4), (FB_AF["AF_INET6"], 16)]),
    st.integers(0, 127),
    st.binary(min_size=16, max_size=16),
    st.integers(1, 1 << 30),
    st.booleans(),
)
def test_route_round_trip(family_len, dst_len, raw, oif, via):
    family, length = family_len
    gateway = (
        (RTA["RTA_VIA"], bytes([family]) + raw[:length])
        if via
        else (RTA["RTA_GATEWAY"], raw[:length])
    )
    attrs = [
        (RTA["RTA_DST"], raw[:length]),
        (RTA["RTA_OIF"], U32.pack(oif)),
        gateway,
        (RTA["RTA_TABLE"], U32.pack(0)),
    ]
    fbsd = M.RTMSG.pack(family, dst_len, 0, 0, 0, N.RTPROT["RTPROT_STATIC"], 0, 1, 0)
    back = M.route_to_freebsd(M.route_to_linux(fbsd + M.pack_attrs(attrs)))
    assert back[: M.RTMSG.size] == fbsd
    got = M.parse_attrs(back[M.RTMSG.size :])
    assert [a for a in got if a[0] != RTFLAGS] == attrs


# --- acknowledgements and framing ---------------------------------------------------------------


def test_error_carries_freebsds_errno_and_only_the_message_tlv():
    request = M.NLMSGHDR.pack(16, T["RTM_NEWADDR"], 5, 9, 0)
    tlvs = M.pack_attrs(
        [
            (N.NLMSGERR_ATTRS["NLMSGERR_ATTR_MSG"], cstr("ipv4: Address already assigned")),
            (N.NLMSGERR_ATTRS["NLMSGERR_ATTR_OFFS"], U32.pack(24)),
        ]
    )
    flags = N.NLM_FLAGS["NLM_F_CAPPED"] | N.NLM_FLAGS["NLM_F_ACK_TLVS"]
    linux = M.pack_message(T["NLMSG_ERROR"], flags, 9, 1, struct.pack("<i", -17) + request + tlvs)
    [(kind, fflags, seq, _pid, body)], _ = M.split_messages(M.reply_to_freebsd(linux, 0))
    assert (kind, fflags, seq) == (T["NLMSG_ERROR"], flags, 9)
    assert struct.unpack_from("<i", body)[0] == FREEBSD_ERRNO["EEXIST"]
    assert M.parse_attrs(body[4 + 16 :]) == [(1, cstr("ipv4: Address already assigned"))]


def test_errno_that_differs_is_translated_in_done_too():
    linux = M.pack_message(
        T["NLMSG_DONE"],
        N.NLM_FLAGS["NLM_F_MULTI"],
        3,
        0,
        struct.pack("<i", -LINUX_ERRNO["EADDRNOTAVAIL"]),
    )
    [(_k, _f, _s, _p, body)], _ = M.split_messages(M.reply_to_freebsd(linux, 0))
    assert struct.unpack("<i", body) == (FREEBSD_ERRNO["EADDRNOTAVAIL"],)


def test_a_datagram_of_several_messages_keeps_order_and_drops_what_freebsd_lacks():
    main, local = N.LINUX_RT_TABLE["RT_TABLE_MAIN"], N.LINUX_RT_TABLE["RT_TABLE_LOCAL"]
    unicast = N.RTN_TYPES["RTN_UNICAST"]
    datagram = b"".join(
        M.pack_message(T["RTM_NEWROUTE"], 2, 1, 0, linux_route(table, unicast, []))
        for table in (main, local, main)
    ) + M.pack_message(T["NLMSG_DONE"], 2, 1, 0, bytes(4))
    kinds = [m[0] for m in M.split_messages(M.reply_to_freebsd(datagram, 0))[0]]
    assert kinds == [T["RTM_NEWROUTE"], T["RTM_NEWROUTE"], T["NLMSG_DONE"]]


def test_an_exact_prefix_lookup_is_a_dump_answered_with_the_one_route():
    f = N.NLM_FLAGS
    ask = M.RTMSG.pack(FB_AF["AF_INET"], 16, 0, 0, 0, 0, 0, 1, N.FREEBSD_RTM_F_PREFIX)
    ask += M.pack_attrs([(RTA["RTA_DST"], bytes([10, 70, 9, 9]))])
    gets = {}
    request = M.pack_message(T["RTM_GETROUTE"], f["NLM_F_REQUEST"] | f["NLM_F_ACK"], 4, 0, ask)
    [(kind, flags, seq, _p, body)], _ = M.split_messages(M.request_to_linux(request, 0, gets))
    assert (kind, flags & f["NLM_F_DUMP"], flags & f["NLM_F_ACK"]) == (
        T["RTM_GETROUTE"],
        f["NLM_F_DUMP"],
        0,
    )
    assert M.RTMSG.unpack_from(body)[0] == LX_AF["AF_INET"] and len(body) == M.RTMSG.size
    main, unicast = N.LINUX_RT_TABLE["RT_TABLE_MAIN"], N.RTN_TYPES["RTN_UNICAST"]

    def route(dst, dst_len):
        body = linux_route(main, unicast, [(RTA["RTA_DST"], bytes(dst))], dst_len=dst_len)
        return M.pack_message(T["RTM_NEWROUTE"], f["NLM_F_MULTI"], 4, 0, body)

    dump = route([10, 70, 0, 0], 24) + route([10, 70, 0, 0], 16) + route([10, 0, 0, 0], 8)
    dump += M.pack_message(T["NLMSG_DONE"], f["NLM_F_MULTI"], 4, 0, bytes(4))
    answer, _ = M.split_messages(M.reply_to_freebsd(dump, 0, gets))
    assert [(k, fl) for k, fl, *_ in answer] == [
        (T["RTM_NEWROUTE"], 0),
        (T["NLMSG_ERROR"], f["NLM_F_CAPPED"]),
    ]
    assert M.RTMSG.unpack_from(answer[0][4])[1] == 16
    assert struct.unpack_from("<i", answer[1][4]) == (0,) and gets == {}


@given(st.binary(max_size=512))
def test_garbage_never_raises(data):
    gets = {}
    M.request_to_linux(data, 0, gets)
    M.reply_to_freebsd(data, 0, gets)


@given(st.lists(st.tuples(st.integers(16, 200), st.integers(0, 0xFFFF), st.binary(max_size=40))))
def test_framing_round_trip(messages):
    data = b"".join(M.pack_message(kind, flags, 7, 0, body) for kind, flags, body in messages)
    parsed, tail = M.split_messages(data)
    assert tail == b""
    assert [(k, f, b) for k, f, _s, _p, b in parsed] == messages  # nlmsg_len leaves padding out


# --- FreeBSD programs in a network namespace of their own --------------------------------------


@pytest.fixture(scope="module")
def nl_programs(freebsd_programs):
    return freebsd_programs("nl_")


@pytest.fixture
def netns():
    """A network namespace for one test (lo up, veth nl0 up with 10.7.0.2/24, its peer nl1
    down), removed at the end even when the test fails; yields (name, pyroute2 NetNS)."""
    pyroute2 = pytest.importorskip("pyroute2")
    name = f"bsdnl-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    pyroute2.netns.create(name)
    try:
        with pyroute2.NetNS(name) as ipr:
            ipr.link("set", index=ipr.link_lookup(ifname="lo")[0], state="up")
            ipr.link("add", ifname="nl0", kind="veth", peer="nl1")
            nl0 = ipr.link_lookup(ifname="nl0")[0]
            ipr.link("set", index=nl0, state="up")
            ipr.addr("add", index=nl0, address="10.7.0.2", prefixlen=24)
            yield name, ipr
    finally:
        pyroute2.netns.remove(name)


def bsd_in(name, freebsd_root, program, *args, env=None):
    """bsdulator on a FreeBSD program, in network namespace `name`."""
    from pyroute2 import netns

    done = subprocess.run(
        [sys.executable, "-m", "bsdulator", "--root", str(freebsd_root), str(program), *args],
        preexec_fn=partial(netns.setns, name, flags=0),
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, **(env or {})),
    )
    assert "internal error" not in done.stderr, done.stderr
    return done


def run_in(name, freebsd_root, program, *args):
    return bsd_in(name, freebsd_root, program, *args).stdout.splitlines()


def fields(line: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)


@pytest.mark.e2e
@pytest.mark.root
def test_link_dump_matches_the_namespace(netns, nl_programs, freebsd_root):
    name, ipr = netns
    out = run_in(name, freebsd_root, nl_programs["nl_dump"], "links")
    assert out[-1] == "dump ok"
    seen = {int(fields(line)["index"]): fields(line) for line in out if line.startswith("link ")}
    linux = {link["index"]: link for link in ipr.get_links()}
    assert set(seen) == set(linux)
    for index, link in linux.items():
        got = seen[index]
        assert got["name"] == freebsd_ifname(link.get("ifname"))
        assert int(got["mtu"]) == link.get("mtu")
        up = bool(int(got["flags"], 16) & FB_IFF["IFF_UP"])
        assert up == bool(link["flags"] & LX_IFF["IFF_UP"])
    lo0 = next(link for link in seen.values() if link["name"] == "lo0")
    assert int(lo0["type"]) == N.FREEBSD_IFT["IFT_LOOP"]
    lo_flags = FB_IFF["IFF_UP"] | FB_IFF["IFF_LOOPBACK"] | FB_IFF["IFF_DRV_RUNNING"]
    assert int(lo0["flags"], 16) & lo_flags == lo_flags
    nl0 = next(link for link in seen.values() if link["name"] == "nl0")
    assert int(nl0["type"]) == N.FREEBSD_IFT["IFT_ETHER"]


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("sendto")
def test_address_dump_matches_the_namespace(netns, nl_programs, freebsd_root):
    name, ipr = netns
    nl0 = ipr.link_lookup(ifname="nl0")[0]
    ipr.addr("add", index=nl0, address="fd00:7::2", prefixlen=64)
    out = run_in(name, freebsd_root, nl_programs["nl_dump"], "addrs")
    assert out[-1] == "dump ok"
    seen = {
        (int(f["index"]), int(f["family"]), f["local"], int(f["prefixlen"]))
        for f in (fields(line) for line in out if line.startswith("addr "))
    }
    to_freebsd = {LX_AF["AF_INET"]: FB_AF["AF_INET"], LX_AF["AF_INET6"]: FB_AF["AF_INET6"]}
    linux = {
        (a["index"], to_freebsd[a["family"]], a.get("address"), a["prefixlen"])
        for a in ipr.get_addr()
    }
    assert seen == linux
    assert (nl0, 28, "fd00:7::2", 64) in seen  # FreeBSD's AF_INET6 is 28
    labels = [fields(line)["label"] for line in out if "local=127.0.0.1" in line]
    assert labels == ["lo0"]


@pytest.mark.e2e
@pytest.mark.root
def test_route_dump_shows_the_main_table_as_fib_0(netns, nl_programs, freebsd_root):
    name, ipr = netns
    ipr.route("add", dst="0.0.0.0/0", gateway="10.7.0.1")
    out = run_in(name, freebsd_root, nl_programs["nl_dump"], "routes")
    assert out[-1] == "dump ok"
    routes = [fields(line) for line in out if line.startswith("route ")]
    default = next(r for r in routes if r["dst"] == "0.0.0.0/0")
    rtf = N.FREEBSD_RTF
    assert default["gw"] == "10.7.0.1"
    assert int(default["flags"], 16) == rtf["RTF_UP"] | rtf["RTF_GATEWAY"] | rtf["RTF_STATIC"]
    assert {r["table"] for r in routes} == {str(N.FREEBSD_RT_TABLE["RT_TABLE_MAIN"])}
    linux_main = {
        (r.get("dst") or "0.0.0.0", r["dst_len"])
        for r in ipr.get_routes(table=N.LINUX_RT_TABLE["RT_TABLE_MAIN"])
        if r["family"] == LX_AF["AF_INET"]
    }
    freebsd_v4 = {
        (r["dst"].split("/")[0], int(r["dst"].split("/")[1]))
        for r in routes
        if r["family"] == str(FB_AF["AF_INET"])
    }
    assert freebsd_v4 == linux_main  # no local-table host or broadcast routes
    connected = next(r for r in routes if r["dst"] == "10.7.0.0/24")
    assert connected["gw"] == "-"
    assert int(connected["flags"], 16) == rtf["RTF_UP"]


@pytest.mark.e2e
@pytest.mark.root
def test_add_and_delete_an_address(netns, nl_programs, freebsd_root):
    name, ipr = netns
    change = nl_programs["nl_change"]

    def addresses():
        return {a.get("address") for a in ipr.get_addr(index=ipr.link_lookup(ifname="nl0")[0])}

    assert run_in(name, freebsd_root, change, "addaddr", "nl0", "10.7.1.5/24") == ["addaddr ok"]
    assert "10.7.1.5" in addresses()
    again = run_in(name, freebsd_root, change, "addaddr", "nl0", "10.7.1.5/24")
    assert again[0].startswith(f"addaddr error {FREEBSD_ERRNO['EEXIST']} ")
    assert run_in(name, freebsd_root, change, "addaddr", "nl0", "fd00:7::5/64") == ["addaddr ok"]
    assert "fd00:7::5" in addresses()
    assert run_in(name, freebsd_root, change, "deladdr", "nl0", "10.7.1.5/24") == ["deladdr ok"]
    assert "10.7.1.5" not in addresses()
    gone = run_in(name, freebsd_root, change, "deladdr", "nl0", "10.7.1.5/24")
    assert gone[0].startswith(f"deladdr error {FREEBSD_ERRNO['EADDRNOTAVAIL']} ")


@pytest.mark.e2e
@pytest.mark.root
def test_add_get_and_delete_a_route(netns, nl_programs, freebsd_root):
    name, ipr = netns
    change = nl_programs["nl_change"]

    def routes():
        return {
            (r.get("dst"), r["dst_len"], r.get("gateway"))
            for r in ipr.get_routes(table=N.LINUX_RT_TABLE["RT_TABLE_MAIN"])
        }

    assert run_in(name, freebsd_root, change, "addroute", "10.70.0.0/16", "10.7.0.1") == [
        "addroute ok"
    ]
    assert ("10.70.0.0", 16, "10.7.0.1") in routes()
    again = run_in(name, freebsd_root, change, "addroute", "10.70.0.0/16", "10.7.0.1")
    assert again[0].startswith(f"addroute error {FREEBSD_ERRNO['EEXIST']} ")
    far = run_in(name, freebsd_root, change, "addroute", "10.80.0.0/16", "10.99.0.1")
    assert far[0].startswith(f"addroute error {FREEBSD_ERRNO['ENETUNREACH']} ")
    # route -n get: the entry that carries the address, as FreeBSD answers it
    [line] = run_in(name, freebsd_root, change, "get", "10.70.3.4")
    assert fields(line)["dst"] == "10.70.0.0/16" and fields(line)["gw"] == "10.7.0.1"
    [nowhere] = run_in(name, freebsd_root, change, "get", "192.0.2.1")  # no default route
    assert nowhere.startswith(f"get error {FREEBSD_ERRNO['ESRCH']} ")  # "route has not been found"
    [none] = run_in(name, freebsd_root, change, "get", "default")
    assert none.startswith(f"get error {FREEBSD_ERRNO['ESRCH']} ")
    ipr.route("add", dst="0.0.0.0/0", gateway="10.7.0.1")
    [default] = run_in(name, freebsd_root, change, "get", "default")  # route -n get default
    assert fields(default)["dst"] == "0.0.0.0/0" and fields(default)["gw"] == "10.7.0.1"
    [exact] = run_in(name, freebsd_root, change, "get", "10.70.0.0/16")  # get -net: exact
    assert fields(exact)["dst"] == "10.70.0.0/16"
    [other] = run_in(name, freebsd_root, change, "get", "10.70.0.0/24")  # no such prefix
    assert other.startswith(f"get error {FREEBSD_ERRNO['ESRCH']} ")
    assert run_in(name, freebsd_root, change, "delroute", "10.70.0.0/16", "10.7.0.1") == [
        "delroute ok"
    ]
    assert ("10.70.0.0", 16, "10.7.0.1") not in routes()
    gone = run_in(name, freebsd_root, change, "delroute", "10.70.0.0/16", "10.7.0.1")
    assert gone[0].startswith(f"delroute error {FREEBSD_ERRNO['ESRCH']} ")


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("modfind", "recvfrom")
def test_socket_options_addresses_and_module_check(netns, nl_programs, freebsd_root):
    name, _ipr = netns
    out = run_in(name, freebsd_root, nl_programs["nl_socket"])
    enoprotoopt = FREEBSD_ERRNO["ENOPROTOOPT"]
    nl_len = N.NETLINK_SIZES["sizeof(struct sockaddr_nl)"]
    assert out == [
        "snl_init ok bufsize=positive",
        "setsockopt NETLINK_EXT_ACK ok",
        "setsockopt NETLINK_CAP_ACK ok",
        "setsockopt NETLINK_GET_STRICT_CHK ok",
        "setsockopt NETLINK_MSG_INFO ok",
        f"setsockopt NETLINK_PKTINFO error {enoprotoopt}",  # "not supported" in netlink.h
        f"setsockopt NETLINK_NO_ENOBUFS error {enoprotoopt}",
        f"getsockname len={nl_len} nl_len={nl_len} family={FB_AF['AF_NETLINK']} pid_is_set=1",
        "probe positive, then RTM_NEWLINK",
        "modfind netlink found",
        "modfind nosuch No such file or directory",
        "kldfind kernel 1",
        "kldfind netlink No such file or directory",  # netlink is in the kernel, not a .ko
    ]


@pytest.mark.e2e
@pytest.mark.root
def test_a_vnet_jail_dumps_its_own_stack(netns, nl_programs, freebsd_root, tmp_path):
    """Netlink requests act in the caller's network namespace: a vnet jail's link dump shows
    its own lo0 and none of the test host's interfaces; its raw netlink socket needs no
    allow.raw_sockets (that privilege is raw IP's)."""
    name, _ipr = netns
    env = {"BSDULATOR_STATE_DIR": str(tmp_path / "state")}
    jail, jexec, jls = (freebsd_root / "usr/sbin" / tool for tool in ("jail", "jexec", "jls"))
    inside = f"/tmp/nl_dump-{uuid.uuid4().hex[:8]}"
    shutil.copy2(nl_programs["nl_dump"], freebsd_root / inside.lstrip("/"))
    try:
        made = bsd_in(
            name,
            freebsd_root,
            jail,
            "-c",
            "name=nlvnet",
            f"path={freebsd_root}",
            "vnet",
            "persist",
            env=env,
        )
        assert made.returncode == 0, made.stderr
        out = bsd_in(name, freebsd_root, jexec, "nlvnet", inside, "links", env=env).stdout
        links = [fields(line)["name"] for line in out.splitlines() if line.startswith("link ")]
        assert links == ["lo0"], out
    finally:
        bsd_in(name, freebsd_root, jail, "-r", "nlvnet", env=env)
        (freebsd_root / inside.lstrip("/")).unlink(missing_ok=True)
    assert bsd_in(name, freebsd_root, jls, "jid", env=env).stdout == ""


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("getsockopt", "recvmsg")
def test_address_notifications_reach_a_group_member(netns, nl_programs, freebsd_root):
    """route monitor's way: join the address groups, read what the kernel multicasts."""
    from pyroute2 import netns as pyroute2_netns

    name, ipr = netns
    monitor = subprocess.Popen(
        [sys.executable, "-m", "bsdulator", "--root", str(freebsd_root)]
        + [str(nl_programs["nl_monitor"]), "fd00:7::9"],
        preexec_fn=partial(pyroute2_netns.setns, name, flags=0),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert monitor.stdout.readline() == "ready\n"
        ipr.addr("add", index=ipr.link_lookup(ifname="nl0")[0], address="fd00:7::9", prefixlen=64)
        out, err = monitor.communicate(timeout=60)
    finally:
        monitor.kill()
        monitor.wait()
    assert out.splitlines() == [f"newaddr family={FB_AF['AF_INET6']} local=fd00:7::9 prefixlen=64"]


@pytest.mark.e2e
@pytest.mark.root
def test_the_automatic_vnet_layout_as_netlink_shows_it(
    netns, nl_programs, freebsd_root, tmp_path, host_netns_names
):
    """ifconfig -a and netstat -rn's netlink requests in a jail with the automatic VNET layout
    (ip4.addr=10.0.0.10 vnet): lo0 and eth0 with 10.0.0.10/24, the default route via 10.0.0.1,
    none of the test host's interfaces."""
    name, _ipr = netns
    env = {"BSDULATOR_STATE_DIR": str(tmp_path / "state")}
    jail, jexec = (freebsd_root / "usr/sbin" / tool for tool in ("jail", "jexec"))
    inside = f"/tmp/nl_dump-{uuid.uuid4().hex[:8]}"
    shutil.copy2(nl_programs["nl_dump"], freebsd_root / inside.lstrip("/"))
    try:
        made = bsd_in(
            name,
            freebsd_root,
            jail,
            "-c",
            "name=nllayout",
            f"path={freebsd_root}",
            "ip4.addr=10.0.0.10",
            "vnet",
            "persist",
            env=env,
        )
        assert made.returncode == 0, made.stderr

        def dump(what):
            out = bsd_in(name, freebsd_root, jexec, "nllayout", inside, what, env=env).stdout
            assert out.splitlines()[-1] == "dump ok", out
            return [fields(line) for line in out.splitlines()[:-1]]

        links = {link["index"]: link["name"] for link in dump("links")}
        assert sorted(links.values()) == ["eth0", "lo0"]
        addrs = [a for a in dump("addrs") if a["family"] == str(FB_AF["AF_INET"])]
        eth0 = [a for a in addrs if links[a["index"]] == "eth0"]
        assert [(a["local"], a["prefixlen"]) for a in eth0] == [("10.0.0.10", "24")]
        default = [r for r in dump("routes") if r["dst"] == "0.0.0.0/0"]
        assert [r["gw"] for r in default] == ["10.0.0.1"]
    finally:
        bsd_in(name, freebsd_root, jail, "-r", "nllayout", env=env)
        (freebsd_root / inside.lstrip("/")).unlink(missing_ok=True)
    assert bsd_in(name, freebsd_root, freebsd_root / "usr/sbin/jls", "jid", env=env).stdout == ""
