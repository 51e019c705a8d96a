"""Raw IP sockets with FreeBSD's conventions (sys/netinet/raw_ip.c).

What Linux already does as FreeBSD 11 and later do (the emulated kernel is 14.x): a datagram
read starts with its IP header, ip_len and ip_off in network byte order and ip_len counting
the header (FreeBSD 10's kernel gave them in host order; its ping reads neither on an echo
reply).  What differs and is set here: rip_output sends without DF unless IP_DONTFRAG, while
Linux sets DF for path MTU discovery.  Creating one needs PRIV_NETINET_RAW: a jail without
allow.raw_sockets is refused by the supervisor (syscalls/socket.py) and, whoever asks, by the
kernel, as its processes lack CAP_NET_RAW (syscalls/jail.py)."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_ICMP6_OPTIONS,
    FREEBSD_IPPROTO,
    FREEBSD_IPV6_MMTU,
    FREEBSD_IPV6_OPTIONS,
    ICMP6_FILTER_SIZE,
    LINUX_ICMPV6_OPTIONS,
    LINUX_IP_OPTIONS,
    LINUX_IP_PMTUDISC,
    LINUX_IPV6_OPTIONS,
)
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError

IPPROTO_IP = FREEBSD_IPPROTO["IPPROTO_IP"]  # the same level on Linux
IP_MTU_DISCOVER = LINUX_IP_OPTIONS["IP_MTU_DISCOVER"]
IP_PMTUDISC_DONT = LINUX_IP_PMTUDISC["IP_PMTUDISC_DONT"]
IPPROTO_IPV6 = FREEBSD_IPPROTO["IPPROTO_IPV6"]  # the same level on Linux
IPV6_USE_MIN_MTU = FREEBSD_IPV6_OPTIONS["IPV6_USE_MIN_MTU"]
IPV6_MTU = LINUX_IPV6_OPTIONS["IPV6_MTU"]
IPV6_MMTU = FREEBSD_IPV6_MMTU["IPV6_MMTU"]
# IP6PO_MINMTU_MCASTONLY (-1, the default), IP6PO_MINMTU_DISABLE (0), IP6PO_MINMTU_ALL (1).
USE_MIN_MTU_VALUES = (-1, 0, 1)
INT_SIZE = 4
IPPROTO_ICMPV6 = FREEBSD_IPPROTO["IPPROTO_ICMPV6"]  # the same level on Linux
ICMP6_FILTER = FREEBSD_ICMP6_OPTIONS["ICMP6_FILTER"]
ICMPV6_FILTER = LINUX_ICMPV6_OPTIONS["ICMPV6_FILTER"]
FILTER_SIZE = ICMP6_FILTER_SIZE["sizeof(struct icmp6_filter)"]  # a bit per ICMPv6 type
EINVAL = FREEBSD_ERRNO["EINVAL"]


def created(call, fd: int):
    """A new AF_INET raw socket fd: datagrams leave without DF, as FreeBSD sends them."""
    value = call.alloc(INT_SIZE)
    call.mem.write(value, IP_PMTUDISC_DONT.to_bytes(INT_SIZE, "little"))
    # Best effort: a refusal leaves Linux's DF, and the socket must not leak from a failed call.
    yield lx.setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, value, INT_SIZE)


def use_min_mtu(call, s: int, val: int, valsize: int):
    """setsockopt(IPPROTO_IPV6, IPV6_USE_MIN_MTU): 1 sends every packet within IPV6_MMTU, as
    Linux's IPV6_MTU of 1280 does; 0 and -1 (only multicast, which Linux leaves to the path
    MTU) go back to the path MTU."""
    if valsize & 0xFFFFFFFF != INT_SIZE:
        raise FreeBSDError(EINVAL, "IPV6_USE_MIN_MTU takes an int")
    value = s32(call.mem.read_u32(val))
    if value not in USE_MIN_MTU_VALUES:
        raise FreeBSDError(EINVAL, f"IPV6_USE_MIN_MTU {value}")
    mtu = call.alloc(INT_SIZE)
    call.mem.write(mtu, (IPV6_MMTU if value == 1 else 0).to_bytes(INT_SIZE, "little"))
    return check((yield lx.setsockopt(s32(s), IPPROTO_IPV6, IPV6_MTU, mtu, INT_SIZE)))


def _inverted(data: bytes) -> bytes:
    return bytes(b ^ 0xFF for b in data)


def set_icmp6_filter(call, s: int, val: int, valsize: int):
    """setsockopt(IPPROTO_ICMPV6, ICMP6_FILTER): FreeBSD's pass bits as Linux's block bits."""
    if valsize & 0xFFFFFFFF < FILTER_SIZE:
        raise FreeBSDError(EINVAL, "ICMP6_FILTER takes a struct icmp6_filter")
    linux = call.alloc(FILTER_SIZE)
    call.mem.write(linux, _inverted(call.mem.read(val, FILTER_SIZE)))
    return check((yield lx.setsockopt(s32(s), IPPROTO_ICMPV6, ICMPV6_FILTER, linux, FILTER_SIZE)))


def get_icmp6_filter(call, s: int, val: int, avalsize: int):
    """getsockopt(IPPROTO_ICMPV6, ICMP6_FILTER)."""
    if call.mem.read_u32(avalsize) < FILTER_SIZE:
        raise FreeBSDError(EINVAL, "ICMP6_FILTER takes a struct icmp6_filter")
    linux, size = call.alloc(FILTER_SIZE), call.alloc(INT_SIZE)
    call.mem.write_u32(size, FILTER_SIZE)
    check((yield lx.getsockopt(s32(s), IPPROTO_ICMPV6, ICMPV6_FILTER, linux, size)))
    call.mem.write(val, _inverted(call.mem.read(linux, FILTER_SIZE)))
    call.mem.write_u32(avalsize, FILTER_SIZE)
    return 0
