"""FreeBSD routing sockets (PF_ROUTE, net/route.h) and the routing sysctls (net.route.*), as
10.2's route(8) and netstat(1) read them; the layout is the same in FreeBSD 14's headers
(tests/test_abi_route.py checks every number against zig's)."""

RTM_VERSION = 5  # net/route.h: what rt_msghdr.rtm_version must say

RTM_TYPES = {  # net/route.h: rtm_type
    "RTM_ADD": 0x1,
    "RTM_DELETE": 0x2,
    "RTM_CHANGE": 0x3,
    "RTM_GET": 0x4,
    "RTM_NEWADDR": 0xC,
    "RTM_DELADDR": 0xD,
    "RTM_IFINFO": 0xE,
}
LINUX_RTM = {  # linux/rtnetlink.h: the notifications route monitor's messages come from
    "RTM_NEWADDR": 20,
    "RTM_DELADDR": 21,
    "RTM_NEWROUTE": 24,
    "RTM_DELROUTE": 25,
}

RTA_BITS = {  # net/route.h: rtm_addrs, the sockaddrs that follow a header, in this order
    "RTA_DST": 0x1,
    "RTA_GATEWAY": 0x2,
    "RTA_NETMASK": 0x4,
    "RTA_GENMASK": 0x8,
    "RTA_IFP": 0x10,
    "RTA_IFA": 0x20,
    "RTA_AUTHOR": 0x40,
    "RTA_BRD": 0x80,
}
RTAX_MAX = 8  # net/route.h: how many RTA_* slots there are

RTF_FLAGS = {  # net/route.h: rtm_flags (route(8) prints them by these letters)
    "RTF_UP": 0x1,
    "RTF_GATEWAY": 0x2,
    "RTF_HOST": 0x4,
    "RTF_REJECT": 0x8,
    "RTF_DONE": 0x40,
    "RTF_STATIC": 0x800,
    "RTF_BLACKHOLE": 0x1000,
    "RTF_PINNED": 0x100000,
    "RTF_LOCAL": 0x200000,
}

NET_RT = {  # net/route.h: the fifth name of net.route.0.<af>.<op>.<arg>
    "NET_RT_DUMP": 1,
    "NET_RT_FLAGS": 2,
}

SIZES = {  # net/route.h, net/if_dl.h, netinet/in.h on amd64
    "sizeof(struct rt_msghdr)": 152,
    "sizeof(struct rt_metrics)": 112,
    "sizeof(struct ifa_msghdr)": 20,
    "sizeof(struct sockaddr_dl)": 54,
    "sizeof(struct sockaddr_in)": 16,
    "sizeof(struct sockaddr_in6)": 28,
    "sizeof(long)": 8,  # SA_SIZE rounds a sockaddr up to this
    "offsetof(struct rt_msghdr, rtm_rmx)": 40,
    "offsetof(struct rt_msghdr, rtm_flags)": 8,
    "offsetof(struct rt_msghdr, rtm_inits)": 32,
    "offsetof(struct rt_metrics, rmx_mtu)": 8,
    "offsetof(struct sockaddr_dl, sdl_data)": 8,
    "offsetof(struct sockaddr_in, sin_addr)": 4,
    "offsetof(struct sockaddr_in6, sin6_addr)": 8,
}

LINUX_ROUTE = {  # linux/rtnetlink.h: what a route is on Linux
    "RTN_UNICAST": 1,
    "RTN_LOCAL": 2,
    "RTN_BROADCAST": 3,
    "RTN_MULTICAST": 5,
    "RTN_BLACKHOLE": 6,
    "RTN_UNREACHABLE": 7,
    "RTN_PROHIBIT": 8,
    "RT_SCOPE_HOST": 254,
    "RT_SCOPE_LINK": 253,
    "RTPROT_KERNEL": 2,
    "RTPROT_STATIC": 4,
    "RT_TABLE_MAIN": 254,
    "RT_TABLE_LOCAL": 255,
    "RTMGRP_IPV4_IFADDR": 0x10,
    "RTMGRP_IPV4_ROUTE": 0x40,
    "RTMGRP_IPV6_IFADDR": 0x100,
    "RTMGRP_IPV6_ROUTE": 0x400,
    "NETLINK_ROUTE": 0,
}
