"""The termios struct layouts in bsdulator.translate against FreeBSD's <termios.h> (zig) and
Linux's <asm/termbits.h>; abi/termios.py's numbers are abi_manifest.py rows."""

import pytest

from bsdulator import translate
from bsdulator.abi import termios
from header_macros import freebsd_values, linux_values, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

LINUX_HEADERS = ["asm/termbits.h"]
FIELDS = ["c_iflag", "c_oflag", "c_cflag", "c_lflag", "c_cc"]


def _layout(fields):
    return ["sizeof(struct termios)", *(f"__builtin_offsetof(struct termios, {f})" for f in fields)]


def _offsets(fmt_sizes):
    """Running offsets of a packed little-endian layout."""
    offsets, at = [], 0
    for size in fmt_sizes:
        offsets.append(at)
        at += size
    return offsets


def test_freebsd_speeds_are_their_own_numbers():
    assert all(int(name[1:]) == value for name, value in termios.FREEBSD_SPEEDS.items())


@requires_zig
def test_freebsd_struct_layout():
    fields = [*FIELDS, "c_ispeed", "c_ospeed"]
    values = freebsd_values(["termios.h"], _layout(fields))
    nccs = termios.FREEBSD_TERMIOS["NCCS"]
    expected = [translate.FREEBSD_TERMIOS_STRUCT.size, *_offsets([4, 4, 4, 4, nccs, 4, 4])]
    assert list(values.values()) == expected == [44, 0, 4, 8, 12, 16, 36, 40]


@requires_gcc
def test_linux_struct_layout():
    fields = [*FIELDS[:4], "c_line", "c_cc"]
    values = linux_values(LINUX_HEADERS, _layout(fields))
    nccs = termios.LINUX_TERMIOS["NCCS"]
    expected = [translate.LINUX_TERMIOS_STRUCT.size, *_offsets([4, 4, 4, 4, 1, nccs])]
    assert list(values.values()) == expected == [36, 0, 4, 8, 12, 16, 17]
