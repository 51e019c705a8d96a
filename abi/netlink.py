"""Netlink (AF_NETLINK, NETLINK_ROUTE) on FreeBSD (sys/netlink/*.h, net/if.h, net/if_types.h,
net/route.h) and Linux (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h,
linux/if.h, linux/if_arp.h).  FreeBSD's rtnetlink follows Linux's message format; what differs
is named here side by side: families, interface flags and types, table numbers, and the
attributes one side lacks or numbers differently."""

# --- sockets --------------------------------------------------------------------------

FREEBSD_SOL_NETLINK = 270
LINUX_SOL_NETLINK = 270

# The protocols a netlink socket may speak; the same numbers on both systems.
FREEBSD_NETLINK_PROTOCOLS = {"NETLINK_ROUTE": 0, "NETLINK_GENERIC": 16}
LINUX_NETLINK_PROTOCOLS = {"NETLINK_ROUTE": 0, "NETLINK_GENERIC": 16}
# linux/unix_diag.h: what a unix-domain sock_diag request asks to be shown
LINUX_UDIAG_SHOW = {
    "UDIAG_SHOW_NAME": 0x01,
    "UDIAG_SHOW_VFS": 0x02,
    "UDIAG_SHOW_PEER": 0x04,
    "UDIAG_SHOW_ICONS": 0x08,
    "UDIAG_SHOW_RQLEN": 0x10,
}

# SOL_NETLINK options.  FreeBSD's netlink.h marks PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, RX_RING,
# TX_RING and LISTEN_ALL_NSID "not supported" (its nl_ctloutput refuses them: ENOPROTOOPT).
FREEBSD_NETLINK_OPTIONS = {
    "NETLINK_ADD_MEMBERSHIP": 1,
    "NETLINK_DROP_MEMBERSHIP": 2,
    "NETLINK_PKTINFO": 3,
    "NETLINK_BROADCAST_ERROR": 4,
    "NETLINK_NO_ENOBUFS": 5,
    "NETLINK_RX_RING": 6,
    "NETLINK_TX_RING": 7,
    "NETLINK_LISTEN_ALL_NSID": 8,
    "NETLINK_LIST_MEMBERSHIPS": 9,
    "NETLINK_CAP_ACK": 10,
    "NETLINK_EXT_ACK": 11,
    "NETLINK_GET_STRICT_CHK": 12,
    "NETLINK_MSG_INFO": 257,  # FreeBSD only: originator data in a control message
}
FREEBSD_NETLINK_UNSUPPORTED = (
    "NETLINK_PKTINFO",
    "NETLINK_BROADCAST_ERROR",
    "NETLINK_NO_ENOBUFS",
    "NETLINK_RX_RING",
    "NETLINK_TX_RING",
    "NETLINK_LISTEN_ALL_NSID",
)
LINUX_NETLINK_OPTIONS = {
    "NETLINK_ADD_MEMBERSHIP": 1,
    "NETLINK_DROP_MEMBERSHIP": 2,
    "NETLINK_PKTINFO": 3,
    "NETLINK_BROADCAST_ERROR": 4,
    "NETLINK_NO_ENOBUFS": 5,
    "NETLINK_RX_RING": 6,
    "NETLINK_TX_RING": 7,
    "NETLINK_LISTEN_ALL_NSID": 8,
    "NETLINK_LIST_MEMBERSHIPS": 9,
    "NETLINK_CAP_ACK": 10,
    "NETLINK_EXT_ACK": 11,
    "NETLINK_GET_STRICT_CHK": 12,
}

# Linux's struct sockaddr_nl: nl_family (u16), nl_pad, nl_pid at this offset, nl_groups.
LINUX_SOCKADDR_NL_PID = 4

# --- messages (the same numbers on both systems; both tables are checked) -------------

NLMSG_TYPES = {"NLMSG_NOOP": 1, "NLMSG_ERROR": 2, "NLMSG_DONE": 3, "NLMSG_OVERRUN": 4}
RTM_TYPES = {
    "RTM_NEWLINK": 16,
    "RTM_DELLINK": 17,
    "RTM_GETLINK": 18,
    "RTM_SETLINK": 19,
    "RTM_NEWADDR": 20,
    "RTM_DELADDR": 21,
    "RTM_GETADDR": 22,
    "RTM_NEWROUTE": 24,
    "RTM_DELROUTE": 25,
    "RTM_GETROUTE": 26,
    "RTM_NEWNEIGH": 28,
    "RTM_DELNEIGH": 29,
    "RTM_GETNEIGH": 30,
    "RTM_NEWNEXTHOP": 104,
    "RTM_DELNEXTHOP": 105,
    "RTM_GETNEXTHOP": 106,
}
NLM_FLAGS = {
    "NLM_F_REQUEST": 0x01,
    "NLM_F_MULTI": 0x02,
    "NLM_F_ACK": 0x04,
    "NLM_F_DUMP": 0x300,
    "NLM_F_CAPPED": 0x100,
    "NLM_F_ACK_TLVS": 0x200,
}
NLMSGERR_ATTRS = {"NLMSGERR_ATTR_MSG": 1, "NLMSGERR_ATTR_OFFS": 2}
NLA_FLAGS = {"NLA_F_NESTED": 1 << 15, "NLA_F_NET_BYTEORDER": 1 << 14}
NLMSG_ALIGNTO = 4

# Header sizes (sizeof): the same on both systems except where named.
NETLINK_SIZES = {
    "sizeof(struct nlmsghdr)": 16,
    "sizeof(struct nlattr)": 4,
    "sizeof(struct nlmsgerr)": 20,
    "sizeof(struct ifinfomsg)": 16,
    "sizeof(struct ifaddrmsg)": 8,
    "sizeof(struct rtmsg)": 12,
    "sizeof(struct rtnexthop)": 8,
    "sizeof(struct sockaddr_nl)": 12,
}
# FreeBSD's counters stop at rx_nohandler; Linux's go on (rx_otherhost_dropped).
FREEBSD_LINK_STATS64_SIZE = 192
# struct rtvia: FreeBSD's family is a one-byte sa_family_t, Linux's two bytes.
FREEBSD_RTVIA_FAMILY_SIZE = 1
LINUX_RTVIA_FAMILY_SIZE = 2

# --- links (RTM_*LINK) ------------------------------------------------------------------

# The IFLA_ attributes FreeBSD's route/interface.h defines a meaning for; Linux numbers them
# the same.  Every other Linux attribute is dropped on the way to FreeBSD (Linux's numbers go
# past IFLA_FREEBSD, FreeBSD's nested attribute of its own).
IFLA_ATTRS = {
    "IFLA_ADDRESS": 1,
    "IFLA_BROADCAST": 2,
    "IFLA_IFNAME": 3,
    "IFLA_MTU": 4,
    "IFLA_LINK": 5,
    "IFLA_MASTER": 10,
    "IFLA_TXQLEN": 13,
    "IFLA_OPERSTATE": 16,
    "IFLA_LINKINFO": 18,
    "IFLA_IFALIAS": 20,
    "IFLA_STATS64": 23,
    "IFLA_GROUP": 27,
    "IFLA_EXT_MASK": 29,
    "IFLA_PROMISCUITY": 30,
    "IFLA_CARRIER": 33,
    "IFLA_ALT_IFNAME": 53,
}
FREEBSD_IFLA_FREEBSD = 64  # nested IFLAF_*: original name and hardware address, capabilities

# ifi_flags: FreeBSD's if_flags | if_drv_flags (net/if.h), Linux's IFF_* (linux/if.h).
FREEBSD_IFF = {
    "IFF_UP": 0x1,
    "IFF_BROADCAST": 0x2,
    "IFF_DEBUG": 0x4,
    "IFF_LOOPBACK": 0x8,
    "IFF_POINTOPOINT": 0x10,
    "IFF_DRV_RUNNING": 0x40,
    "IFF_NOARP": 0x80,
    "IFF_PROMISC": 0x100,
    "IFF_ALLMULTI": 0x200,
    "IFF_SIMPLEX": 0x800,
    "IFF_MULTICAST": 0x8000,
    "IFF_LOWER_UP": 0x1000000,  # = IFF_NETLINK_1, netlink's carrier bit
}
LINUX_IFF = {
    "IFF_UP": 0x1,
    "IFF_BROADCAST": 0x2,
    "IFF_DEBUG": 0x4,
    "IFF_LOOPBACK": 0x8,
    "IFF_POINTOPOINT": 0x10,
    "IFF_RUNNING": 0x40,
    "IFF_NOARP": 0x80,
    "IFF_PROMISC": 0x100,
    "IFF_ALLMULTI": 0x200,
    "IFF_MULTICAST": 0x1000,
    "IFF_LOWER_UP": 0x10000,
}
# (FreeBSD, Linux) flag pairs with the same meaning; IFF_SIMPLEX has no Linux twin.
IFF_PAIRS = [
    ("IFF_UP", "IFF_UP"),
    ("IFF_BROADCAST", "IFF_BROADCAST"),
    ("IFF_DEBUG", "IFF_DEBUG"),
    ("IFF_LOOPBACK", "IFF_LOOPBACK"),
    ("IFF_POINTOPOINT", "IFF_POINTOPOINT"),
    ("IFF_DRV_RUNNING", "IFF_RUNNING"),
    ("IFF_NOARP", "IFF_NOARP"),
    ("IFF_PROMISC", "IFF_PROMISC"),
    ("IFF_ALLMULTI", "IFF_ALLMULTI"),
    ("IFF_MULTICAST", "IFF_MULTICAST"),
    ("IFF_LOWER_UP", "IFF_LOWER_UP"),
]

# ifi_type: FreeBSD's if_type (net/if_types.h IFT_*), Linux's ARPHRD_* (linux/if_arp.h).
FREEBSD_IFT = {
    "IFT_OTHER": 0x1,
    "IFT_ETHER": 0x6,
    "IFT_LOOP": 0x18,
    "IFT_TUNNEL": 0x83,
    "IFT_L2VLAN": 0x87,
    "IFT_BRIDGE": 0xD1,
}
LINUX_ARPHRD = {
    "ARPHRD_ETHER": 1,
    "ARPHRD_TUNNEL": 768,
    "ARPHRD_LOOPBACK": 772,
    "ARPHRD_NONE": 0xFFFE,
}
IFT_PAIRS = [
    ("IFT_ETHER", "ARPHRD_ETHER"),
    ("IFT_LOOP", "ARPHRD_LOOPBACK"),
    ("IFT_TUNNEL", "ARPHRD_TUNNEL"),
]
# Linux's bridges and VLANs are ARPHRD_ETHER; their IFLA_INFO_KIND (an rtnl link kind name)
# tells them apart, FreeBSD gives them types of their own.
IFLA_INFO_KIND = 1
LINUX_KIND_IFT = {"bridge": "IFT_BRIDGE", "vlan": "IFT_L2VLAN"}

# --- addresses (RTM_*ADDR) --------------------------------------------------------------

# IFA_ attributes both define; Linux's later ones (IFA_RT_PRIORITY on) are dropped: its
# IFA_PROTO has FreeBSD's IFA_FREEBSD number.
IFA_ATTRS = {
    "IFA_ADDRESS": 1,
    "IFA_LOCAL": 2,
    "IFA_LABEL": 3,
    "IFA_BROADCAST": 4,
    "IFA_CACHEINFO": 6,
    "IFA_FLAGS": 8,
}
FREEBSD_IFA_FREEBSD = 11  # nested IFAF_*: carp vhid, FreeBSD's ifa flags
FREEBSD_IFAF_FLAGS = 2  # in IFA_FREEBSD, u32: an IPv6 address's IN6_IFF_* (netinet6/in6_var.h)

# What ifconfig prints after an inet6 address (tentative, duplicated …), and Linux's IFA_F_*
# for the same states (linux/if_addr.h; FreeBSD's netlink header keeps Linux's IFA_F_ numbers).
FREEBSD_IN6_IFF = {
    "IN6_IFF_TENTATIVE": 0x02,
    "IN6_IFF_DUPLICATED": 0x04,
    "IN6_IFF_DEPRECATED": 0x10,
    "IN6_IFF_NODAD": 0x20,
    "IN6_IFF_TEMPORARY": 0x80,
}
LINUX_IFA_F = {
    "IFA_F_TEMPORARY": 0x01,
    "IFA_F_NODAD": 0x02,
    "IFA_F_DADFAILED": 0x08,
    "IFA_F_DEPRECATED": 0x20,
    "IFA_F_TENTATIVE": 0x40,
}
IN6_IFF_PAIRS = [
    ("IN6_IFF_TENTATIVE", "IFA_F_TENTATIVE"),
    ("IN6_IFF_DUPLICATED", "IFA_F_DADFAILED"),
    ("IN6_IFF_DEPRECATED", "IFA_F_DEPRECATED"),
    ("IN6_IFF_NODAD", "IFA_F_NODAD"),
    ("IN6_IFF_TEMPORARY", "IFA_F_TEMPORARY"),
]

# --- routes (RTM_*ROUTE) ----------------------------------------------------------------

# RTA_ attributes with the same number and meaning on both systems.
RTA_ATTRS = {
    "RTA_DST": 1,
    "RTA_SRC": 2,
    "RTA_OIF": 4,
    "RTA_GATEWAY": 5,
    "RTA_METRICS": 8,
    "RTA_MULTIPATH": 9,
    "RTA_TABLE": 15,
    "RTA_VIA": 18,
    "RTA_EXPIRES": 23,
    "RTA_NH_ID": 30,
}
# FreeBSD-only numbers Linux spends on obsolete attributes (RTA_PROTOINFO, RTA_SESSION,
# RTA_MP_ALGO).
FREEBSD_RTA_EXTRA = {"NL_RTA_KNH_ID": 10, "NL_RTA_WEIGHT": 13, "NL_RTA_RTFLAGS": 14}

# Routing tables: FreeBSD's fib number 0 is Linux's main table.
FREEBSD_RT_TABLE = {"RT_TABLE_MAIN": 0}
LINUX_RT_TABLE = {"RT_TABLE_UNSPEC": 0, "RT_TABLE_MAIN": 254, "RT_TABLE_LOCAL": 255}

# rtm_type values a FreeBSD route can have (route.h); the same numbers on Linux.
RTN_TYPES = {
    "RTN_UNICAST": 1,
    "RTN_BLACKHOLE": 6,
    "RTN_UNREACHABLE": 7,
    "RTN_PROHIBIT": 8,
}
RTPROT = {"RTPROT_KERNEL": 2, "RTPROT_BOOT": 3, "RTPROT_STATIC": 4}
# rtm_flags: Linux answers a single RTM_GETROUTE with the FIB entry itself only when asked;
# FreeBSD's route(8) asks for an exact prefix (route get -net …, get default) with RTM_F_PREFIX,
# which Linux reads only in dumps, as "prefix routes only".
LINUX_RTM_F_FIB_MATCH = 0x2000
FREEBSD_RTM_F_PREFIX = 0x800

# net/route.h rt_flags, carried by FreeBSD's RTA_RTFLAGS.
FREEBSD_RTF = {
    "RTF_UP": 0x1,
    "RTF_GATEWAY": 0x2,
    "RTF_HOST": 0x4,
    "RTF_REJECT": 0x8,
    "RTF_DONE": 0x40,  # a routing socket's answer: the request was carried out
    "RTF_STATIC": 0x800,
    "RTF_BLACKHOLE": 0x1000,
}
