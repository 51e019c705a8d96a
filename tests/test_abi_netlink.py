"""abi/netlink.py against FreeBSD's netlink headers (zig's) and the host's Linux ones."""

import pytest

from bsdulator.abi import netlink as N
from header_macros import freebsd_values, linux_values, mismatches, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

FREEBSD_HEADERS = (
    "sys/types.h",
    "sys/socket.h",
    "net/if.h",
    "net/if_types.h",
    "net/route.h",
    "netinet/in.h",
    "netinet6/in6_var.h",
    "netlink/netlink.h",
    "netlink/netlink_route.h",
)
LINUX_HEADERS = (
    "stddef.h",
    "sys/socket.h",
    "linux/netlink.h",
    "linux/rtnetlink.h",
    "linux/if_link.h",
    "linux/if_addr.h",
    "linux/if.h",
    "linux/if_arp.h",
)

SHARED = {
    **N.NLMSG_TYPES,
    **N.RTM_TYPES,
    **N.NLM_FLAGS,
    **N.NLMSGERR_ATTRS,
    **N.NLA_FLAGS,
    **N.NETLINK_SIZES,
    **N.IFLA_ATTRS,
    **N.IFA_ATTRS,
    **N.RTA_ATTRS,
    **N.RTN_TYPES,
    **N.RTPROT,
    "NLMSG_ALIGNTO": N.NLMSG_ALIGNTO,
    "IFLA_INFO_KIND": N.IFLA_INFO_KIND,
}


def _freebsd(table):
    return mismatches(table, freebsd_values(FREEBSD_HEADERS, table, guard=False))


def _linux(table):
    return mismatches(table, linux_values(LINUX_HEADERS, table, guard=False))


@requires_zig
def test_freebsd_netlink_numbers():
    table = {
        **SHARED,
        **N.FREEBSD_NETLINK_PROTOCOLS,
        **N.FREEBSD_NETLINK_OPTIONS,
        **N.FREEBSD_IFF,
        **N.FREEBSD_IFT,
        **N.FREEBSD_RTA_EXTRA,
        **N.FREEBSD_RT_TABLE,
        **N.FREEBSD_RTF,
        "SOL_NETLINK": N.FREEBSD_SOL_NETLINK,
        "IFLA_FREEBSD": N.FREEBSD_IFLA_FREEBSD,
        "IFA_FREEBSD": N.FREEBSD_IFA_FREEBSD,
        "IFAF_FLAGS": N.FREEBSD_IFAF_FLAGS,
        "RTM_F_PREFIX": N.FREEBSD_RTM_F_PREFIX,
        **N.FREEBSD_IN6_IFF,
        "sizeof(struct rtnl_link_stats64)": N.FREEBSD_LINK_STATS64_SIZE,
        "sizeof(((struct rtvia *)0)->rtvia_family)": N.FREEBSD_RTVIA_FAMILY_SIZE,
    }
    assert _freebsd(table) == {}


@requires_gcc
def test_linux_netlink_numbers():
    table = {
        **SHARED,
        **N.LINUX_NETLINK_PROTOCOLS,
        **N.LINUX_NETLINK_OPTIONS,
        **N.LINUX_IFF,
        **N.LINUX_ARPHRD,
        **N.LINUX_RT_TABLE,
        **N.LINUX_IFA_F,
        "SOL_NETLINK": N.LINUX_SOL_NETLINK,
        "RTM_F_FIB_MATCH": N.LINUX_RTM_F_FIB_MATCH,
        "sizeof(((struct rtvia *)0)->rtvia_family)": N.LINUX_RTVIA_FAMILY_SIZE,
        "offsetof(struct sockaddr_nl, nl_pid)": N.LINUX_SOCKADDR_NL_PID,
    }
    assert _linux(table) == {}


def test_pairs_name_known_flags():
    assert all(f in N.FREEBSD_IFF and lx in N.LINUX_IFF for f, lx in N.IFF_PAIRS)
    assert all(f in N.FREEBSD_IFT and lx in N.LINUX_ARPHRD for f, lx in N.IFT_PAIRS)
    assert set(N.LINUX_KIND_IFT.values()) <= set(N.FREEBSD_IFT)
    assert all(f in N.FREEBSD_IN6_IFF and lx in N.LINUX_IFA_F for f, lx in N.IN6_IFF_PAIRS)
    assert set(N.FREEBSD_NETLINK_UNSUPPORTED) <= set(N.FREEBSD_NETLINK_OPTIONS)
