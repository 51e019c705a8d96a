"""FreeBSD netlink (AF_NETLINK 38: NETLINK_ROUTE, NETLINK_GENERIC) on Linux netlink in the
caller's network namespace: sockets.py for the socket side (syscalls/socket.py hands netlink
descriptors to it), messages.py for the translation of the messages themselves; the interface
names the two systems give differently are bsdulator/net/names.py's."""
