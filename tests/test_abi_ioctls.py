"""abi/ioctls.py beyond the header lookups of abi_manifest.py: counterparts, what both share."""

import pytest
from abi_manifest import IOCTL_HEADERS

from bsdulator.abi import ioctls
from header_macros import freebsd_values, linux_values, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

LINUX_HEADERS = ["asm/termios.h", "asm/sockios.h"]  # asm/termios.h brings termbits.h and ioctls.h
WINSIZE_FIELDS = ["ws_row", "ws_col", "ws_xpixel", "ws_ypixel"]


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
    freebsd = freebsd_values(IOCTL_HEADERS, layout + modem + packet + ["TTYDISC"])
    linux = linux_values([*LINUX_HEADERS, "linux/tty.h"], layout + modem + packet + ["N_TTY"])
    assert freebsd.pop("TTYDISC") == linux.pop("N_TTY") == 0
    assert freebsd == linux
    assert len(freebsd) == len(layout + modem + packet)
