"""FreeBSD's interface read side: the routing sysctl's interface dumps (net/route.h, net/if.h,
net/if_dl.h: NET_RT_IFLIST and kin) and the read ioctls of sys/sockio.h with the structures they
fill (struct ifreq, ifmediareq, ifstat, in6_ndireq).  Checked against zig's FreeBSD 14 headers
(tests/abi_manifest.py)."""

# sys/socket.h: net.route is PF_ROUTE's node; net/route.h: its operations (net.route.0.<af>.<op>)
FREEBSD_PF_ROUTE = 17
FREEBSD_NET_RT = {
    "NET_RT_DUMP": 1,
    "NET_RT_FLAGS": 2,
    "NET_RT_IFLIST": 3,
    "NET_RT_IFMALIST": 4,
    "NET_RT_IFLISTL": 5,
}
# net/route.h: message version and types of the dumps
FREEBSD_RTM = {
    "RTM_VERSION": 5,
    "RTM_ADD": 0x1,  # the routing socket's requests and announcements (syscalls/route/)
    "RTM_DELETE": 0x2,
    "RTM_CHANGE": 0x3,
    "RTM_GET": 0x4,
    "RTM_NEWADDR": 0xC,
    "RTM_DELADDR": 0xD,
    "RTM_IFINFO": 0xE,
    "RTM_NEWMADDR": 0xF,
}
# net/route.h: which sockaddrs follow a message, by slot (RTAX_*; the bit RTA_* is 1 << slot)
FREEBSD_RTAX = {"RTAX_GATEWAY": 1, "RTAX_NETMASK": 2, "RTAX_IFP": 4, "RTAX_IFA": 5, "RTAX_BRD": 7}
FREEBSD_RTA = {
    "RTA_DST": 0x1,
    "RTA_GATEWAY": 0x2,
    "RTA_NETMASK": 0x4,
    "RTA_GENMASK": 0x8,
    "RTA_IFP": 0x10,
    "RTA_IFA": 0x20,
    "RTA_AUTHOR": 0x40,
    "RTA_BRD": 0x80,
}
# net/if.h if_link_state
FREEBSD_LINK_STATE = {"LINK_STATE_UNKNOWN": 0, "LINK_STATE_DOWN": 1, "LINK_STATE_UP": 2}
# netinet6/nd6.h: nd_ifinfo flags ifconfig prints as `nd6 options=`
FREEBSD_ND6_IFF = {"ND6_IFF_PERFORMNUD": 0x1, "ND6_IFF_AUTO_LINKLOCAL": 0x20}

# Sizes and offsets (amd64).  if_data is FreeBSD 11's and later (64-bit counters).
FREEBSD_NETIF_SIZES = {
    "sizeof(struct if_data)": 152,
    "sizeof(struct if_msghdr)": 168,
    "sizeof(struct if_msghdrl)": 176,
    "sizeof(struct ifa_msghdr)": 20,
    "sizeof(struct ifa_msghdrl)": 176,
    "sizeof(struct ifma_msghdr)": 16,
    "offsetof(struct if_msghdr, ifm_data)": 16,
    "offsetof(struct if_msghdrl, ifm_data)": 24,
    "offsetof(struct ifa_msghdrl, ifam_data)": 24,
    "sizeof(struct sockaddr_dl)": 54,
    "offsetof(struct sockaddr_dl, sdl_data)": 8,
    "sizeof(struct sockaddr_in)": 16,
    "sizeof(struct sockaddr_in6)": 28,
    "sizeof(struct ifreq)": 32,
    "sizeof(struct sockaddr)": 16,
    "offsetof(struct ifconf, ifc_ifcu)": 8,
    "offsetof(struct ifreq, ifr_ifru)": 16,
    "sizeof(struct ifmediareq)": 48,
    "offsetof(struct ifmediareq, ifm_current)": 16,
    "offsetof(struct ifmediareq, ifm_count)": 32,
    "offsetof(struct ifmediareq, ifm_ulist)": 40,
    "sizeof(struct ifstat)": 817,
    "offsetof(struct ifstat, ascii)": 16,
    "sizeof(struct in6_ndireq)": 72,
    "offsetof(struct in6_ndireq, ndi)": 16,
    "offsetof(struct nd_ifinfo, linkmtu)": 0,
    "offsetof(struct nd_ifinfo, basereachable)": 8,
    "offsetof(struct nd_ifinfo, reachable)": 12,
    "offsetof(struct nd_ifinfo, retrans)": 16,
    "offsetof(struct nd_ifinfo, flags)": 20,
    "offsetof(struct nd_ifinfo, chlim)": 28,
    "sizeof(struct ifgroupreq)": 40,
    "offsetof(struct ifgroupreq, ifgr_ifgru)": 24,
    "sizeof(struct in6_addrlifetime)": 24,
    "offsetof(struct in6_ndifreq, ifindex)": 16,
    "sizeof(struct ifconf)": 16,
    "offsetof(struct ifreq_buffer, buffer)": 8,
}
# nd6.h defaults a fresh interface has (ND_COMPUTE_RTIME of REACHABLE_TIME, RETRANS_TIMER,
# IPV6_DEFHLIM in netinet6/ip6.h)
FREEBSD_ND6_DEFAULTS = {"REACHABLE_TIME": 30000, "RETRANS_TIMER": 1000, "IPV6_DEFHLIM": 64}

# sys/sockio.h: the read requests (_IOWR('i', n, struct …))
FREEBSD_SIOCG = {
    "SIOCGIFFLAGS": 0xC0206911,
    "SIOCGIFMETRIC": 0xC0206917,
    "SIOCGIFCAP": 0xC020691F,
    "SIOCGIFINDEX": 0xC0206920,
    "SIOCGIFADDR": 0xC0206921,
    "SIOCGIFDSTADDR": 0xC0206922,
    "SIOCGIFBRDADDR": 0xC0206923,
    "SIOCGIFCONF": 0xC0106924,
    "SIOCGIFNETMASK": 0xC0206925,
    "SIOCGIFDESCR": 0xC020692A,
    "SIOCGIFMTU": 0xC0206933,
    "SIOCGIFPHYS": 0xC0206935,
    "SIOCGIFMEDIA": 0xC0306938,
    "SIOCGIFSTATUS": 0xC331693B,
    "SIOCGIFFIB": 0xC020695C,
    "SIOCGIFGROUP": 0xC0286988,
    "SIOCGIFXMEDIA": 0xC030698B,
    "SIOCGIFAFLAG_IN6": 0xC1206949,  # netinet6/in6_var.h, struct in6_ifreq
    "SIOCGIFALIFETIME_IN6": 0xC1206951,
    "SIOCGIFINFO_IN6": 0xC048696C,  # struct in6_ndireq
    "SIOCGDEFIFACE_IN6": 0xC0186956,  # struct in6_ndifreq: the default IPv6 interface
}

# net/ethernet.h: an Ethernet header's length, if_data's ifi_hdrlen of an Ethernet interface
FREEBSD_ETHER_HDR_LEN = 14
# sys/socket.h: the highest address family, the bound of net.route's af component
FREEBSD_AF_MAX = 46
# net/if.h: an interface name's buffer, its NUL included
FREEBSD_IFNAMSIZ = 16
# sys/ioccom.h: a request carries its argument's size, IOCPARM_LEN(r): r / _IOC(0, 0, 0, 1)
# masked with IOCPARM_MASK
FREEBSD_IOCPARM = {"IOCPARM_MASK": 0x1FFF, "_IOC(0, 0, 0, 1)": 0x10000}
# net/if_media.h: the media words an epair reports (if_epair.c: Ethernet 10Gbase-T, full
# duplex, always active)
FREEBSD_IFM = {
    "IFM_ETHER": 0x20,
    "IFM_10G_T": 26,
    "IFM_FDX": 0x100000,
    "IFM_AVALID": 0x1,
    "IFM_ACTIVE": 0x2,
}
