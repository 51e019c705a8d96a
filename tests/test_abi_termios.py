"""abi/termios.py and the termios struct layouts in bsdulator.translate against FreeBSD's
<termios.h> (zig) and Linux's <asm/termbits.h>."""

import re
import termios as python_termios

import pytest

from bsdulator import translate
from bsdulator.abi import termios
from header_macros import (
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
    requires_gcc,
    requires_zig,
)

pytestmark = pytest.mark.unit

FREEBSD_HEADERS = ["termios.h", "sys/ttydefaults.h"]
LINUX_HEADERS = ["asm/termbits.h"]
FREEBSD_TABLES = [
    termios.FREEBSD_TERMIOS,
    termios.FREEBSD_IFLAGS,
    termios.FREEBSD_OFLAGS,
    termios.FREEBSD_CFLAGS,
    termios.FREEBSD_LFLAGS,
    termios.FREEBSD_CC_INDEX,
    termios.FREEBSD_SPEEDS,
]
LINUX_TABLES = [
    termios.LINUX_TERMIOS,
    termios.LINUX_IFLAGS,
    termios.LINUX_OFLAGS,
    termios.LINUX_CFLAGS,
    termios.LINUX_LFLAGS,
    termios.LINUX_CC_INDEX,
    termios.LINUX_SPEEDS,
]
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


@requires_zig
@pytest.mark.parametrize("table", FREEBSD_TABLES, ids=lambda t: next(iter(t)))
def test_freebsd_values(table):
    assert mismatches(table, freebsd_values(FREEBSD_HEADERS, table)) == {}


@requires_zig
def test_freebsd_cc_indices_and_speeds_are_complete():
    macros = freebsd_macros("termios.h")
    assert {n for n in macros if re.fullmatch(r"V[A-Z0-9]+", n)} == set(termios.FREEBSD_CC_INDEX)
    assert {n for n in macros if re.fullmatch(r"B\d+", n)} == set(termios.FREEBSD_SPEEDS)


def test_freebsd_speeds_are_their_own_numbers():
    assert all(int(name[1:]) == value for name, value in termios.FREEBSD_SPEEDS.items())


@requires_gcc
@pytest.mark.parametrize("table", LINUX_TABLES, ids=lambda t: next(iter(t)))
def test_linux_values(table):
    kernel = {name: value for name, value in table.items() if name != "_POSIX_VDISABLE"}
    assert mismatches(kernel, linux_values(LINUX_HEADERS, kernel)) == {}


@requires_gcc
def test_linux_disabled_character():
    # The kernel keeps its __DISABLED_CHAR private; glibc publishes the same NUL.
    assert linux_values(["unistd.h"], ["_POSIX_VDISABLE"]) == {
        "_POSIX_VDISABLE": termios.LINUX_TERMIOS["_POSIX_VDISABLE"]
    }


def test_linux_values_agree_with_python():
    tables = [table for table in LINUX_TABLES if table is not termios.LINUX_TERMIOS]
    python = {
        name: getattr(python_termios, name)
        for table in tables
        for name in table
        if hasattr(python_termios, name)
    }
    assert (
        mismatches(python, {name: value for table in tables for name, value in table.items()}) == {}
    )


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
