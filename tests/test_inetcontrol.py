"""The receive-side control messages of IP sockets as FreeBSD hands them over
(syscalls/inetcontrol.py): timestamps in SO_TS_CLOCK's formats, IP_RECVTTL / IP_RECVTOS."""

import struct
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsdulator.abi.flags import FREEBSD_CMSG, FREEBSD_IP_OPTIONS, LINUX_IP_OPTIONS
from bsdulator.abi.flags import FREEBSD_SO_TS_CLOCKS as TS
from bsdulator.syscalls import inetcontrol

pytestmark = pytest.mark.unit

SECONDS = st.integers(min_value=0, max_value=2**40)
MICROS = st.integers(min_value=0, max_value=999_999)


def _stamp(sec: int, usec: int, clock: str):
    return inetcontrol.timestamp(struct.pack("<qq", sec, usec), TS[clock])


@given(SECONDS, MICROS)
def test_realtime_formats_keep_the_instant(sec, usec):
    assert _stamp(sec, usec, "SO_TS_REALTIME_MICRO") == (
        FREEBSD_CMSG["SCM_TIMESTAMP"],
        struct.pack("<qq", sec, usec),
    )
    assert _stamp(sec, usec, "SO_TS_REALTIME") == (
        FREEBSD_CMSG["SCM_REALTIME"],
        struct.pack("<qq", sec, usec * 1000),
    )
    kind, data = _stamp(sec, usec, "SO_TS_BINTIME")
    got_sec, frac = struct.unpack("<qQ", data)  # struct bintime: an unsigned fraction
    assert kind == FREEBSD_CMSG["SCM_BINTIME"]
    assert got_sec == sec and frac * 10**6 >> 64 in (usec - 1, usec)


def test_monotonic_stamp_is_on_the_monotonic_clock():
    now = time.clock_gettime_ns(time.CLOCK_REALTIME)
    kind, data = _stamp(now // 10**9, now % 10**9 // 1000, "SO_TS_MONOTONIC")
    sec, nsec = struct.unpack("<qq", data)
    assert kind == FREEBSD_CMSG["SCM_MONOTONIC"]
    assert 0 <= nsec < 10**9
    assert abs(sec * 10**9 + nsec - time.clock_gettime_ns(time.CLOCK_MONOTONIC)) < 10**9


def test_ip_messages_carry_freebsds_types_and_one_byte():
    ttl = struct.pack("<i", 64)  # Linux: an int
    assert inetcontrol.ip_message(LINUX_IP_OPTIONS["IP_TTL"], ttl) == (
        FREEBSD_IP_OPTIONS["IP_RECVTTL"],
        b"\x40",
    )
    assert inetcontrol.ip_message(LINUX_IP_OPTIONS["IP_TOS"], b"\x10") == (
        FREEBSD_IP_OPTIONS["IP_RECVTOS"],
        b"\x10",
    )
    assert inetcontrol.ip_message(LINUX_IP_OPTIONS["IP_OPTIONS"], b"\x01") is None
