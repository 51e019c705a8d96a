"""FreeBSD routing sockets (PF_ROUTE, net/route.h) and the routing sysctls (net.route.*), as
10.2's route(8) and netstat(1) read them; the layout is the same in FreeBSD 14's headers
(tests/abi_manifest.py checks every number against zig's).  Message types, RTA_* bits, NET_RT_*
and the sockaddr sizes are abi/netif.py's; route flags (RTF_*), Linux's route types, protocols,
tables and message types abi/netlink.py's."""

RTAX_MAX = 8  # net/route.h: how many RTA_* slots there are

SIZES = {  # net/route.h, net/if_dl.h, netinet/in.h on amd64
    "sizeof(struct rt_msghdr)": 152,
    "sizeof(struct rt_metrics)": 112,
    "sizeof(long)": 8,  # SA_SIZE rounds a sockaddr up to this
    "offsetof(struct rt_msghdr, rtm_rmx)": 40,
    "offsetof(struct rt_msghdr, rtm_flags)": 8,
    "offsetof(struct rt_msghdr, rtm_inits)": 32,
    "offsetof(struct rt_metrics, rmx_mtu)": 8,
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
