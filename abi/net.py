"""Linux networking numbers of the network backend (bsdulator/net/); the routing ones are
abi/netlink.py's."""

LINUX_NET = {
    "IFNAMSIZ": 16,  # linux/if.h: an interface name's buffer, its NUL included
}
