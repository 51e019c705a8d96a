"""What a socket receives beside its data, as ping reads it: the SO_TIMESTAMP stamp in the
format SO_TS_CLOCK chose (sys/kern/uipc_socket.c, ip_savecontrol), and the IP_RECVTTL /
IP_RECVTOS values of IP sockets.

Linux stamps a datagram with SO_TIMESTAMP(_OLD)'s struct timeval of the real-time clock; FreeBSD
hands it over as SCM_TIMESTAMP (the default), SCM_BINTIME, SCM_REALTIME (timespec) or
SCM_MONOTONIC (timespec of the uptime clock, the 14.x ping's choice): the monotonic stamp is the
real-time one moved by the clocks' difference when the message is read, so a clock step between
arrival and reading shifts it.  Linux's IP_TTL and IP_TOS messages carry FreeBSD's IP_RECVTTL
(an int there, a u_char here) and IP_RECVTOS; IPv6's (IPV6_PKTINFO, IPV6_HOPLIMIT…) only
change numbers.  SO_TS_CLOCK lives in the supervisor, per socket
inode, so dup and fork copies share it as they share the socket."""

import struct
import time

from bsdulator import procfs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_CMSG,
    FREEBSD_IP_OPTIONS,
    FREEBSD_IPPROTO,
    FREEBSD_SO_OPTIONS,
    FREEBSD_SO_TS_CLOCKS,
    LINUX_CMSG,
    LINUX_IP_OPTIONS,
)
from bsdulator.engine import s32
from bsdulator.errors import FreeBSDError

EINVAL = FREEBSD_ERRNO["EINVAL"]
SO_TS_CLOCK = FREEBSD_SO_OPTIONS["SO_TS_CLOCK"]
TS = FREEBSD_SO_TS_CLOCKS
SCM_FOR_CLOCK = {
    TS["SO_TS_REALTIME_MICRO"]: FREEBSD_CMSG["SCM_TIMESTAMP"],
    TS["SO_TS_BINTIME"]: FREEBSD_CMSG["SCM_BINTIME"],
    TS["SO_TS_REALTIME"]: FREEBSD_CMSG["SCM_REALTIME"],
    TS["SO_TS_MONOTONIC"]: FREEBSD_CMSG["SCM_MONOTONIC"],
}
LINUX_SCM_TIMESTAMP = LINUX_CMSG["SCM_TIMESTAMP"]
IPPROTO_IP = FREEBSD_IPPROTO["IPPROTO_IP"]  # the same level on Linux
IPPROTO_IPV6 = FREEBSD_IPPROTO["IPPROTO_IPV6"]  # the same level on Linux
# Linux's IP-level message type → FreeBSD's, with FreeBSD's one-byte value.
IP_MESSAGES = {
    LINUX_IP_OPTIONS["IP_TTL"]: FREEBSD_IP_OPTIONS["IP_RECVTTL"],
    LINUX_IP_OPTIONS["IP_TOS"]: FREEBSD_IP_OPTIONS["IP_RECVTOS"],
}
TIMEVAL = struct.Struct("<qq")  # timeval and timespec: two signed 64-bit words
BINTIME = struct.Struct("<qQ")  # bintime: signed seconds, unsigned fraction
USEC, NSEC = 10**6, 10**9
BINTIME_FRAC = 1 << 64  # bintime's frac counts 2**-64 s
INT = struct.Struct("<i")


class TsClocks(dict[int, int]):
    """socket inode → its SO_TS_CLOCK, for the sockets given one (the supervisor's state)."""


def _clocks(sup) -> TsClocks:
    return sup.state(TsClocks)


def set_ts_clock(call, s: int, val: int, valsize: int) -> int:
    """setsockopt(SOL_SOCKET, SO_TS_CLOCK): an int among SO_TS_*, EINVAL otherwise."""
    if valsize & 0xFFFFFFFF < INT.size:
        raise FreeBSDError(EINVAL, "SO_TS_CLOCK needs an int")
    (clock,) = INT.unpack(call.mem.read(val, INT.size))
    inode = procfs.fd_inode(call.proc.pid, s32(s))
    if clock not in SCM_FOR_CLOCK or inode is None:
        raise FreeBSDError(EINVAL, f"SO_TS_CLOCK {clock}")
    _clocks(call.sup)[inode] = clock
    return 0


def get_ts_clock(call, s: int, val: int, avalsize: int) -> int:
    """getsockopt(SOL_SOCKET, SO_TS_CLOCK)."""
    inode = procfs.fd_inode(call.proc.pid, s32(s))
    clock = _clocks(call.sup).get(inode, TS["SO_TS_REALTIME_MICRO"])
    if call.mem.read_u32(avalsize) < INT.size:
        raise FreeBSDError(EINVAL, "SO_TS_CLOCK needs an int")
    call.mem.write(val, INT.pack(clock))
    call.mem.write_u32(avalsize, INT.size)
    return 0


def ts_clock_of(call, s: int) -> int:
    """The SO_TS_CLOCK of socket s (the default when none was set)."""
    known = _clocks(call.sup)
    default = TS["SO_TS_REALTIME_MICRO"]
    if not known:
        return default
    return known.get(procfs.fd_inode(call.proc.pid, s32(s)), default)


def timestamp(payload: bytes, clock: int) -> tuple[int, bytes]:
    """Linux's SCM_TIMESTAMP timeval as FreeBSD's message for clock: (type, data)."""
    sec, usec = TIMEVAL.unpack_from(payload)
    if clock == TS["SO_TS_BINTIME"]:
        data = BINTIME.pack(sec, usec * BINTIME_FRAC // USEC)
    elif clock == TS["SO_TS_REALTIME"]:
        data = TIMEVAL.pack(sec, usec * (NSEC // USEC))
    elif clock == TS["SO_TS_MONOTONIC"]:
        ns = sec * NSEC + usec * (NSEC // USEC)
        ns += time.clock_gettime_ns(time.CLOCK_MONOTONIC) - time.clock_gettime_ns(
            time.CLOCK_REALTIME
        )
        data = TIMEVAL.pack(*divmod(ns, NSEC))
    else:
        data = TIMEVAL.pack(sec, usec)
    return SCM_FOR_CLOCK[clock], data


def ip_message(ctype: int, payload: bytes) -> tuple[int, bytes] | None:
    """A Linux IPPROTO_IP message as FreeBSD's (type, data); None when it stays as it is."""
    fbsd = IP_MESSAGES.get(ctype)
    if fbsd is None or not payload:
        return None
    return fbsd, payload[:1]  # Linux's int TTL / byte TOS: the low byte (little-endian)


def ipv6_message(ctype: int) -> int:
    """A Linux IPPROTO_IPV6 message's type as FreeBSD's (IPV6_PKTINFO, IPV6_HOPLIMIT,
    IPV6_TCLASS…: the same data, other numbers)."""
    return translate.IPV6_OPTIONS.to_freebsd(ctype, ctype)
