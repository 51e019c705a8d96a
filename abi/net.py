"""Linux networking limits the network backend (bsdulator/net/) checks names against."""

# linux/if.h: an interface name's buffer, its NUL included (names are at most 15 bytes).
LINUX_NET = {
    "IFNAMSIZ": 16,
}
