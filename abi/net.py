"""Linux networking numbers of the network backend (bsdulator/net/) and its tests."""

LINUX_NET = {
    "IFNAMSIZ": 16,  # linux/if.h: an interface name's buffer, its NUL included
    "RT_TABLE_MAIN": 254,  # linux/rtnetlink.h: the routing table `ip route` shows
}
