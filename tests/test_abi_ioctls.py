"""abi/ioctls.py against FreeBSD's sys/ttycom.h and sys/filio.h (zig) and the host's Linux
<asm/ioctls.h>, <asm/sockios.h>."""

import re
import termios

import pytest

from bsdulator.abi import ioctls
from header_macros import (
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
    requires_gcc,
    requires_zig,
)

pytestmark = pytest.mark.unit

# sys/ioctl.h brings ttycom.h and filio.h; the rest declares the structs whose sizes the numbers
# encode.
FREEBSD_HEADERS = ["sys/types.h", "sys/time.h", "sys/mman.h", "sys/ioctl.h", "termios.h"]
LINUX_HEADERS = ["asm/termios.h", "asm/sockios.h"]  # asm/termios.h brings termbits.h and ioctls.h
WINSIZE_FIELDS = ["ws_row", "ws_col", "ws_xpixel", "ws_ypixel"]


@requires_zig
def test_freebsd_values():
    assert (
        mismatches(ioctls.FREEBSD_IOCTLS, freebsd_values(FREEBSD_HEADERS, ioctls.FREEBSD_IOCTLS))
        == {}
    )


@requires_zig
def test_freebsd_table_is_complete():
    names = {
        name
        for name in freebsd_macros("sys/ttycom.h", "sys/filio.h")
        if re.fullmatch(r"(TIOC|FIO)[A-Z0-9]+", name)
    }
    assert names == set(ioctls.FREEBSD_IOCTLS)


@requires_gcc
def test_linux_values():
    assert mismatches(ioctls.LINUX_IOCTLS, linux_values(LINUX_HEADERS, ioctls.LINUX_IOCTLS)) == {}


def test_linux_values_agree_with_python():
    python = {
        name: getattr(termios, name) for name in ioctls.LINUX_IOCTLS if hasattr(termios, name)
    }
    assert len(python) > 20
    assert mismatches(python, ioctls.LINUX_IOCTLS) == {}


def test_counterparts_name_known_requests():
    assert set(ioctls.LINUX_IOCTL_FOR_FREEBSD) <= set(ioctls.FREEBSD_IOCTLS)
    assert set(ioctls.LINUX_IOCTL_FOR_FREEBSD.values()) <= set(ioctls.LINUX_IOCTLS)
    assert len(set(ioctls.LINUX_IOCTL_FOR_FREEBSD.values())) == len(ioctls.LINUX_IOCTL_FOR_FREEBSD)


@requires_zig
@requires_gcc
def test_winsize_and_modem_bits_are_the_same_on_both():
    layout = [
        "sizeof(struct winsize)",
        *(f"__builtin_offsetof(struct winsize, {f})" for f in WINSIZE_FIELDS),
    ]
    modem = [
        "TIOCM_LE",
        "TIOCM_DTR",
        "TIOCM_RTS",
        "TIOCM_ST",
        "TIOCM_SR",
        "TIOCM_CTS",
        "TIOCM_CAR",
        "TIOCM_RNG",
        "TIOCM_DSR",
    ]
    packet = [
        "TIOCPKT_DATA",
        "TIOCPKT_FLUSHREAD",
        "TIOCPKT_FLUSHWRITE",
        "TIOCPKT_STOP",
        "TIOCPKT_START",
        "TIOCPKT_NOSTOP",
        "TIOCPKT_DOSTOP",
    ]
    freebsd = freebsd_values(FREEBSD_HEADERS, layout + modem + packet + ["TTYDISC"])
    linux = linux_values([*LINUX_HEADERS, "linux/tty.h"], layout + modem + packet + ["N_TTY"])
    assert freebsd.pop("TTYDISC") == linux.pop("N_TTY") == 0
    assert freebsd == linux
    assert len(freebsd) == len(layout + modem + packet)
