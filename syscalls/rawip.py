"""Raw IP sockets with FreeBSD's conventions (sys/netinet/raw_ip.c).

What Linux already does as FreeBSD 11 and later do (the emulated kernel is 14.x): a datagram
read starts with its IP header, ip_len and ip_off in network byte order and ip_len counting
the header (FreeBSD 10's kernel gave them in host order; its ping reads neither on an echo
reply).  What differs and is set here: rip_output sends without DF unless IP_DONTFRAG, while
Linux sets DF for path MTU discovery.  Creating one needs PRIV_NETINET_RAW: a jail without
allow.raw_sockets is refused by the supervisor (syscalls/socket.py) and, whoever asks, by the
kernel, as its processes lack CAP_NET_RAW (syscalls/jail.py)."""

from bsdulator.abi.flags import FREEBSD_IPPROTO, LINUX_IP_OPTIONS, LINUX_IP_PMTUDISC
from bsdulator.engine import lx

IPPROTO_IP = FREEBSD_IPPROTO["IPPROTO_IP"]  # the same level on Linux
IP_MTU_DISCOVER = LINUX_IP_OPTIONS["IP_MTU_DISCOVER"]
IP_PMTUDISC_DONT = LINUX_IP_PMTUDISC["IP_PMTUDISC_DONT"]
INT_SIZE = 4


def created(call, fd: int):
    """A new AF_INET raw socket fd: datagrams leave without DF, as FreeBSD sends them."""
    value = call.alloc(INT_SIZE)
    call.mem.write(value, IP_PMTUDISC_DONT.to_bytes(INT_SIZE, "little"))
    # Best effort: a refusal leaves Linux's DF, and the socket must not leak from a failed call.
    yield lx.setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, value, INT_SIZE)
