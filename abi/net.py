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
