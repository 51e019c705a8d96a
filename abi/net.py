"""Linux networking numbers of the network backend (bsdulator/net/), the routing ones being
abi/netlink.py's; FreeBSD's well-known IPv4 addresses (IP jails, syscalls/ipjail.py)."""

LINUX_NET = {
    "IFNAMSIZ": 16,  # linux/if.h: an interface name's buffer, its NUL included
}

FREEBSD_INADDR = {
    "INADDR_LOOPBACK": 0x7F000001,  # netinet/in.h, host order
}

FREEBSD_IPPORT = {
    "IPPORT_RESERVED": 1024,  # netinet/in.h: ports below it need PRIV_NETINET_RESERVEDPORT
}

# --- the pcblist sysctls (net.inet.{tcp,udp,raw}.pcblist: netstat -a, sockstat) ------------

# netinet/tcp_var.h, udp_var.h: the leaves' numbers (raw_ip.c registers its pcblist OID_AUTO)
FREEBSD_PCBLIST_OIDS = {
    "TCPCTL_PCBLIST": 11,
    "UDPCTL_PCBLIST": 5,
}

# netinet/tcp_fsm.h: the states a record's t_state holds
FREEBSD_TCP_STATES = {
    "TCPS_CLOSED": 0,
    "TCPS_LISTEN": 1,
    "TCPS_SYN_SENT": 2,
    "TCPS_SYN_RECEIVED": 3,
    "TCPS_ESTABLISHED": 4,
    "TCPS_CLOSE_WAIT": 5,
    "TCPS_FIN_WAIT_1": 6,
    "TCPS_CLOSING": 7,
    "TCPS_LAST_ACK": 8,
    "TCPS_FIN_WAIT_2": 9,
    "TCPS_TIME_WAIT": 10,
}

# netinet/tcp.h's enum (the kernel's net/tcp_states.h): the st column of /proc/net/tcp
LINUX_TCP_STATES = {
    "TCP_ESTABLISHED": 1,
    "TCP_SYN_SENT": 2,
    "TCP_SYN_RECV": 3,
    "TCP_FIN_WAIT1": 4,
    "TCP_FIN_WAIT2": 5,
    "TCP_TIME_WAIT": 6,
    "TCP_CLOSE": 7,
    "TCP_CLOSE_WAIT": 8,
    "TCP_LAST_ACK": 9,
    "TCP_LISTEN": 10,
    "TCP_CLOSING": 11,
}

# Linux's state name -> FreeBSD's: the same TCP state machine (RFC 793) under two spellings
TCP_STATE_TO_FREEBSD = {
    "TCP_ESTABLISHED": "TCPS_ESTABLISHED",
    "TCP_SYN_SENT": "TCPS_SYN_SENT",
    "TCP_SYN_RECV": "TCPS_SYN_RECEIVED",
    "TCP_FIN_WAIT1": "TCPS_FIN_WAIT_1",
    "TCP_FIN_WAIT2": "TCPS_FIN_WAIT_2",
    "TCP_TIME_WAIT": "TCPS_TIME_WAIT",
    "TCP_CLOSE": "TCPS_CLOSED",
    "TCP_CLOSE_WAIT": "TCPS_CLOSE_WAIT",
    "TCP_LAST_ACK": "TCPS_LAST_ACK",
    "TCP_LISTEN": "TCPS_LISTEN",
    "TCP_CLOSING": "TCPS_CLOSING",
}

# netinet/in_pcb.h: inp_vflag, the families a pcb serves
FREEBSD_INP_VFLAGS = {
    "INP_IPV4": 0x1,
    "INP_IPV6": 0x2,
}

# sys/param.h __FreeBSD_version: 12.0 replaced the records' copies of the kernel's struct inpcb
# and tcpcb by the fixed struct xinpcb/xtcpcb; a binary whose ABI note is older gets the 10.x
# records (freebsd10_* in abi/structs.py)
PCBLIST_XINPCB_OSRELDATE = 1200000

# netinet/tcp.h TCP_CA_NAME_MAX: xt_cc, the congestion control's name with its NUL
FREEBSD_TCP_CA_NAME_MAX = 16

# amd64 machine/vmparam.h DMAP_MIN_ADDRESS (kernel-only): where FreeBSD's kernel objects live; the
# pcblist records' kernel addresses (xso_so, so_pcb, inp_ppcb) are stand-ins placed there
FREEBSD_DMAP_MIN_ADDRESS = 0xFFFFF80000000000

# netinet/tcp_var.h, udp_var.h, in.h: the protocol statistics leaves (netstat -s)
FREEBSD_STATS_OIDS = {
    "TCPCTL_STATS": 4,
    "UDPCTL_STATS": 2,
    "IPCTL_STATS": 12,
    "ICMPCTL_STATS": 2,
    "IGMPCTL_STATS": 1,
}
# netinet/in.h: net.inet.ip.ttl, the default TTL (Linux's ipv4 ip_default_ttl)
FREEBSD_IPCTL_DEFTTL = {"IPCTL_DEFTTL": 3}

# netinet/igmp_var.h: the igmpstat version and length netstat checks before reading it
FREEBSD_IGMPSTAT = {
    "IGPS_VERSION_3": 3,
    "IGPS_VERSION3_LEN": 168,
}

# sys/file.h: the descriptor types kern.file's xf_type names
FREEBSD_DTYPES = {
    "DTYPE_VNODE": 1,
    "DTYPE_SOCKET": 2,
    "DTYPE_PIPE": 3,
    "DTYPE_FIFO": 4,
    "DTYPE_KQUEUE": 5,
    "DTYPE_PTS": 10,
    "DTYPE_PROCDESC": 12,
    "DTYPE_EVENTFD": 13,
}
