"""FreeBSD routing sockets (PF_ROUTE, net/route.h) and the routing sysctls (net.route.*), as
10.2's route(8) and netstat(1) read them; the layout is the same in FreeBSD 14's headers
(tests/abi_manifest.py checks every number against zig's).  Route flags (RTF_*), Linux's route
types, protocols, tables and message types are abi/netlink.py's."""

RTM_VERSION = 5  # net/route.h: what rt_msghdr.rtm_version must say

RTM_TYPES = {  # net/route.h: rtm_type
    "RTM_ADD": 0x1,
    "RTM_DELETE": 0x2,
    "RTM_CHANGE": 0x3,
    "RTM_GET": 0x4,
    "RTM_NEWADDR": 0xC,
    "RTM_DELADDR": 0xD,
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

LINUX_RTN = {  # linux/rtnetlink.h: route types FreeBSD netlink lacks (abi/netlink.py: the rest)
    "RTN_LOCAL": 2,  # an address of the namespace's own, in table local
    "RTN_BROADCAST": 3,
    "RTN_MULTICAST": 5,
}
LINUX_RTMGRP = {  # linux/rtnetlink.h: the notification groups a routing socket listens to
    "RTMGRP_IPV4_IFADDR": 0x10,
    "RTMGRP_IPV4_ROUTE": 0x40,
    "RTMGRP_IPV6_IFADDR": 0x100,
    "RTMGRP_IPV6_ROUTE": 0x400,
}
