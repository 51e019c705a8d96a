"""FreeBSD's interface-changing requests (sys/sockio.h, net/if_bridgevar.h, net/if_vlan_var.h) and
the layouts of the structs they carry (net/if.h, netinet/in_var.h, netinet6/in6_var.h), as the
network ioctls of syscalls/netif read and write them.  The same in FreeBSD 10.2 and 14."""

from .netif import FREEBSD_IFNAMSIZ, FREEBSD_NETIF_SIZES
from .netlink import FREEBSD_IFF

FREEBSD_SIOCS = {
    "SIOCSIFFLAGS": 0x80206910,  # _IOW('i', 16, struct ifreq)
    "SIOCDIFADDR": 0x80206919,  # _IOW('i', 25, struct ifreq)
    "SIOCDIFADDR_IN6": 0x81206919,  # _IOW('i', 25, struct in6_ifreq)
    "SIOCAIFADDR_IN6": 0x8088691B,  # _IOW('i', 27, struct in6_aliasreq)
    "SIOCSIFNAME": 0x80206928,  # _IOW('i', 40, struct ifreq)
    "SIOCSIFDESCR": 0x80206929,  # _IOW('i', 41, struct ifreq)
    "SIOCAIFADDR": 0x8044692B,  # _IOW('i', 43, struct in_aliasreq)
    "SIOCSIFMTU": 0x80206934,  # _IOW('i', 52, struct ifreq)
    "SIOCSIFLLADDR": 0x8020693C,  # _IOW('i', 60, struct ifreq)
    "SIOCSIFVNET": 0xC020695A,  # _IOWR('i', 90, struct ifreq): move to jail ifr_jid
    "SIOCSIFRVNET": 0xC020695B,  # _IOWR('i', 91, struct ifreq): take back from jail ifr_jid
    "SIOCIFGCLONERS": 0xC0106978,  # _IOWR('i', 120, struct if_clonereq)
    "SIOCIFDESTROY": 0x80206979,  # _IOW('i', 121, struct ifreq)
    "SIOCIFCREATE": 0xC020697A,  # _IOWR('i', 122, struct ifreq)
    "SIOCSDRVSPEC": 0x8028697B,  # _IOW('i', 123, struct ifdrv)
    "SIOCGDRVSPEC": 0xC028697B,  # _IOWR('i', 123, struct ifdrv)
    "SIOCIFCREATE2": 0xC020697C,  # _IOWR('i', 124, struct ifreq): ifr_data = cloner parameters
}

# net/if.h: the if_flags SIOCSIFFLAGS may change here (the rest, IFF_CANTCHANGE and the bits
# Linux lacks, are kept as they are) and the name buffer's size.  The flags netlink shares are
# abi/netlink.py's, the name size abi/netif.py's: each number is written once.
FREEBSD_IF = {
    **{
        n: FREEBSD_IFF[n]
        for n in ("IFF_UP", "IFF_DEBUG", "IFF_NOARP", "IFF_PROMISC", "IFF_ALLMULTI")
    },
    "IFF_PPROMISC": 0x20000,  # what `ifconfig promisc` sets: the kernel turns on IFF_PROMISC
    "IFF_CANTCHANGE": 0x218F72,
    "IFNAMSIZ": FREEBSD_IFNAMSIZ,
    "ETHER_ADDR_LEN": 6,  # net/ethernet.h
}

# net/if_bridgevar.h: ifd_cmd of SIOC[SG]DRVSPEC on a bridge, and a member's ifbr_ifsflags.
FREEBSD_BRDG = {
    "BRDGADD": 0,  # add a member (struct ifbreq)
    "BRDGDEL": 1,  # delete a member (struct ifbreq)
    "BRDGGIFFLGS": 2,  # a member's flags (struct ifbreq)
    "BRDGGCACHE": 5,  # address cache size (struct ifbrparam)
    "BRDGGIFS": 6,  # the members (struct ifbifconf)
    "BRDGGTO": 10,  # address cache timeout (struct ifbrparam)
    "BRDGPARAM": 25,  # spanning tree parameters (struct ifbropreq)
    "IFBIF_LEARNING": 0x1,
    "IFBIF_DISCOVER": 0x2,
    "IFBIF_BSTP_AUTOEDGE": 0x40,
    "IFBIF_BSTP_AUTOPTP": 0x100,
}

# net/bridgestp.h: what a new bridge and member start with (seconds are in 1/256 s units).
FREEBSD_BSTP = {
    "BSTP_PROTO_RSTP": 0x02,
    "BSTP_DEFAULT_MAX_AGE": 20 * 256,
    "BSTP_DEFAULT_HELLO_TIME": 2 * 256,
    "BSTP_DEFAULT_FORWARD_DELAY": 15 * 256,
    "BSTP_DEFAULT_HOLD_COUNT": 6,
    "BSTP_DEFAULT_BRIDGE_PRIORITY": 0x8000,
    "BSTP_DEFAULT_PORT_PRIORITY": 0x80,
    "BSTP_DEFAULT_PATH_COST": 55,
}
# BSTP's 1/256 s time unit, as bridge_ioctl_gbparam shifts it for ifconfig
BSTP_TICK_SHIFT = 8
# bridgestp.c: a bridge id is its priority above its Ethernet address (ifconfig's PV2ID)
BSTP_ID_PRIORITY_SHIFT = 8 * FREEBSD_IF["ETHER_ADDR_LEN"]
# if.c (net.ifdescr_maxlen, not in a header): the longest description SIOCSIFDESCR takes
IFDESCR_MAXLEN = 1024
# if_bridge.c (not in a header): the address cache's default size and timeout (seconds).
BRIDGE_RTABLE_MAX = 2000
BRIDGE_RTABLE_TIMEOUT = 20 * 60

# Sizes and offsets of the request structs (net/if.h, netinet/in_var.h, netinet6/in6_var.h,
# net/if_bridgevar.h, net/if_vlan_var.h).
FREEBSD_NETIF_LAYOUT = {
    # ifr_ifru holds ifr_flags, ifr_mtu, ifr_jid, ifr_data, ifr_addr …; these four are the read
    # side's (abi/netif.py)
    **{
        n: FREEBSD_NETIF_SIZES[n]
        for n in (
            "sizeof(struct ifreq)",
            "offsetof(struct ifreq, ifr_ifru)",
            "sizeof(struct sockaddr_in)",
            "sizeof(struct sockaddr_in6)",
        )
    },
    "sizeof(struct in_aliasreq)": 68,
    "offsetof(struct in_aliasreq, ifra_addr)": 16,
    "offsetof(struct in_aliasreq, ifra_broadaddr)": 32,
    "offsetof(struct in_aliasreq, ifra_mask)": 48,
    "sizeof(struct in6_aliasreq)": 136,
    "offsetof(struct in6_aliasreq, ifra_addr)": 16,
    "offsetof(struct in6_aliasreq, ifra_prefixmask)": 72,
    "sizeof(struct in6_ifreq)": 288,
    "offsetof(struct in6_ifreq, ifr_ifru)": 16,
    "sizeof(struct if_clonereq)": 16,
    "offsetof(struct if_clonereq, ifcr_count)": 4,
    "offsetof(struct if_clonereq, ifcr_buffer)": 8,
    "sizeof(struct ifdrv)": 40,
    "offsetof(struct ifdrv, ifd_cmd)": 16,
    "offsetof(struct ifdrv, ifd_len)": 24,
    "offsetof(struct ifdrv, ifd_data)": 32,
    "sizeof(struct ifbreq)": 80,
    "offsetof(struct ifbreq, ifbr_ifsflags)": 16,
    "offsetof(struct ifbreq, ifbr_path_cost)": 24,
    "offsetof(struct ifbreq, ifbr_portno)": 28,
    "offsetof(struct ifbreq, ifbr_priority)": 29,
    "sizeof(struct ifbifconf)": 16,
    "offsetof(struct ifbifconf, ifbic_ifbicu)": 8,
    "sizeof(struct ifbrparam)": 4,
    "sizeof(struct ifbropreq)": 56,
    "offsetof(struct ifbropreq, ifbop_holdcount)": 0,
    "offsetof(struct ifbropreq, ifbop_maxage)": 1,
    "offsetof(struct ifbropreq, ifbop_hellotime)": 2,
    "offsetof(struct ifbropreq, ifbop_fwddelay)": 3,
    "offsetof(struct ifbropreq, ifbop_protocol)": 4,
    "offsetof(struct ifbropreq, ifbop_priority)": 6,
    "offsetof(struct ifbropreq, ifbop_root_port)": 8,
    "offsetof(struct ifbropreq, ifbop_root_path_cost)": 12,
    "offsetof(struct ifbropreq, ifbop_bridgeid)": 16,
    "offsetof(struct ifbropreq, ifbop_designated_root)": 24,
    "sizeof(struct vlanreq)": 20,
    "offsetof(struct vlanreq, vlr_tag)": 16,
}

# netinet/in.h, netinet6/in6.h: where the address sits in a sockaddr_in / sockaddr_in6.
FREEBSD_SOCKADDR_LAYOUT = {
    "offsetof(struct sockaddr_in, sin_addr)": 4,
    "offsetof(struct sockaddr_in6, sin6_addr)": 8,
    "sizeof(struct in6_addr)": 16,
}
# netinet/in.h: the classful masks SIOCAIFADDR assumes when no netmask is given, and the
# IN_CLASSA/B/C(i) tests that pick one: ((i & mask) == value).
FREEBSD_IN_CLASS_NET = {
    "IN_CLASSA_NET": 0xFF000000,
    "IN_CLASSB_NET": 0xFFFF0000,
    "IN_CLASSC_NET": 0xFFFFFF00,
}
FREEBSD_IN_CLASS_TESTS = (
    (0x80000000, 0x00000000, "IN_CLASSA_NET"),
    (0xC0000000, 0x80000000, "IN_CLASSB_NET"),
    (0xE0000000, 0xC0000000, "IN_CLASSC_NET"),
)
