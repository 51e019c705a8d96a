"""abi/flags.py against FreeBSD's headers (zig) and the host's Linux kernel and glibc headers."""

import functools
import mmap
import os
import re
import select
import socket

import pytest

from bsdulator.abi import flags
from header_macros import (
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
    requires_gcc,
    requires_zig,
)

pytestmark = pytest.mark.unit

# (table, FreeBSD headers, whether its names are macros rather than enum constants)
FREEBSD_CASES = [
    (flags.FREEBSD_O_FLAGS, ["fcntl.h"], True),
    (flags.FREEBSD_AT_FLAGS, ["fcntl.h"], True),
    (flags.FREEBSD_FCNTL_COMMANDS, ["fcntl.h"], True),
    (flags.FREEBSD_FD_FLAGS, ["fcntl.h"], True),
    (flags.FREEBSD_FILE_FLAGS, ["fcntl.h"], True),
    (flags.FREEBSD_FLOCK_TYPES, ["fcntl.h"], True),
    (flags.FREEBSD_LOCK_OPS, ["fcntl.h"], True),
    (flags.FREEBSD_ACCESS_MODES, ["unistd.h"], True),
    (flags.FREEBSD_SEEK_WHENCE, ["unistd.h"], True),
    (flags.FREEBSD_FILE_TYPES, ["sys/stat.h"], True),
    (flags.FREEBSD_MODE_BITS, ["sys/stat.h"], True),
    (flags.FREEBSD_UTIME_SPECIAL, ["sys/stat.h"], True),
    (flags.FREEBSD_MAP_FLAGS, ["sys/mman.h"], True),
    (flags.FREEBSD_MAP_ALIGNMENT, ["sys/param.h", "sys/mman.h"], True),
    (flags.FREEBSD_PROT_FLAGS, ["sys/mman.h"], True),
    (flags.FREEBSD_MADV_ADVICE, ["sys/mman.h"], True),
    (flags.FREEBSD_MSYNC_FLAGS, ["sys/mman.h"], True),
    (flags.FREEBSD_SOCK_TYPES, ["sys/socket.h"], True),
    (flags.FREEBSD_SOCK_FLAGS, ["sys/socket.h"], True),
    (flags.FREEBSD_ADDRESS_FAMILIES, ["sys/socket.h"], True),
    (flags.FREEBSD_MSG_FLAGS, ["sys/socket.h"], True),
    (flags.FREEBSD_SOCKET_LEVELS, ["sys/socket.h"], True),
    (flags.FREEBSD_SO_OPTIONS, ["sys/socket.h"], True),
    (flags.FREEBSD_SHUT_HOW, ["sys/socket.h"], True),
    (flags.FREEBSD_IPPROTO, ["netinet/in.h"], True),
    (flags.FREEBSD_IP_OPTIONS, ["netinet/in.h"], True),
    (flags.FREEBSD_IPV6_OPTIONS, ["netinet/in.h"], True),
    (flags.FREEBSD_TCP_OPTIONS, ["netinet/tcp.h"], True),
    (flags.FREEBSD_POLL_EVENTS, ["poll.h"], True),
    (flags.FREEBSD_SELECT_LIMITS, ["sys/select.h"], True),
    (flags.FREEBSD_WAIT_OPTIONS, ["sys/wait.h"], True),
    (flags.FREEBSD_IDTYPES, ["sys/wait.h"], False),
    (flags.FREEBSD_RFORK_FLAGS, ["unistd.h"], True),
    (flags.FREEBSD_RLIMIT_RESOURCES, ["sys/resource.h"], True),
    (flags.FREEBSD_RLIM, ["sys/resource.h"], True),
    (flags.FREEBSD_RUSAGE_WHO, ["sys/resource.h"], True),
    (flags.FREEBSD_PRIO_WHICH, ["sys/resource.h"], True),
    (flags.FREEBSD_CLOCK_IDS, ["time.h"], True),
    (flags.FREEBSD_TIMER_FLAGS, ["time.h"], True),
    (flags.FREEBSD_ITIMER_WHICH, ["sys/time.h"], True),
]

# Kernel UAPI headers where they define the group (they carry the syscall ABI: O_LARGEFILE
# is 0 in glibc's <fcntl.h>); glibc's where the kernel exports nothing for userland.
LINUX_CASES = [
    (flags.LINUX_O_FLAGS, ["asm/fcntl.h"]),
    (flags.LINUX_AT_FLAGS, ["linux/fcntl.h"]),
    (flags.LINUX_FCNTL_COMMANDS, ["asm/fcntl.h", "linux/fcntl.h"]),
    (flags.LINUX_FD_FLAGS, ["asm/fcntl.h"]),
    (flags.LINUX_FLOCK_TYPES, ["asm/fcntl.h"]),
    (flags.LINUX_LOCK_OPS, ["asm/fcntl.h"]),
    (flags.LINUX_ACCESS_MODES, ["unistd.h"]),
    (flags.LINUX_SEEK_WHENCE, ["linux/fs.h"]),
    (flags.LINUX_FILE_TYPES, ["sys/stat.h"]),
    (flags.LINUX_MODE_BITS, ["sys/stat.h"]),
    (flags.LINUX_UTIME_SPECIAL, ["sys/stat.h"]),
    (flags.LINUX_MAP_FLAGS, ["asm/mman.h", "linux/mman.h"]),
    (flags.LINUX_PROT_FLAGS, ["asm/mman.h"]),
    (flags.LINUX_MADV_ADVICE, ["asm/mman.h"]),
    (flags.LINUX_MSYNC_FLAGS, ["asm/mman.h"]),
    (flags.LINUX_SOCK_TYPES, ["sys/socket.h"]),
    (flags.LINUX_SOCK_FLAGS, ["sys/socket.h"]),
    (flags.LINUX_ADDRESS_FAMILIES, ["sys/socket.h"]),
    (flags.LINUX_MSG_FLAGS, ["sys/socket.h"]),
    (flags.LINUX_SOCKET_LEVELS, ["asm/socket.h"]),
    (flags.LINUX_SO_OPTIONS, ["asm/socket.h"]),
    (flags.LINUX_SHUT_HOW, ["sys/socket.h"]),
    (flags.LINUX_IPPROTO, ["netinet/in.h"]),
    (flags.LINUX_IP_OPTIONS, ["netinet/in.h"]),
    (flags.LINUX_IPV6_OPTIONS, ["netinet/in.h"]),
    (flags.LINUX_TCP_OPTIONS, ["netinet/tcp.h"]),
    (flags.LINUX_POLL_EVENTS, ["asm/poll.h"]),
    (flags.LINUX_WAIT_OPTIONS, ["linux/wait.h"]),
    (flags.LINUX_IDTYPES, ["linux/wait.h"]),
    (flags.LINUX_CLONE_FLAGS, ["linux/sched.h"]),
    (flags.LINUX_RLIMIT_RESOURCES, ["asm/resource.h"]),
    (flags.LINUX_RLIM, ["asm/resource.h"]),
    (flags.LINUX_RUSAGE_WHO, ["linux/resource.h"]),
    (flags.LINUX_PRIO_WHICH, ["linux/resource.h"]),
    (flags.LINUX_CLOCK_IDS, ["linux/time.h"]),
    (flags.LINUX_TIMER_FLAGS, ["linux/time.h"]),
    (flags.LINUX_ITIMER_WHICH, ["linux/time.h"]),
]

# Groups whose FreeBSD table claims every macro of a prefix: (table, headers, pattern, not in the
# group).
FREEBSD_COMPLETE = [
    (flags.FREEBSD_O_FLAGS, ["fcntl.h"], r"O_\w+", set()),
    (flags.FREEBSD_AT_FLAGS, ["fcntl.h"], r"AT_\w+", set()),
    (
        flags.FREEBSD_MAP_FLAGS | flags.FREEBSD_MAP_ALIGNMENT,
        ["sys/mman.h"],
        r"MAP_\w+",
        {"MAP_FAILED"},
    ),
    (flags.FREEBSD_MADV_ADVICE, ["sys/mman.h"], r"MADV_\w+", set()),
    (
        flags.FREEBSD_SOCK_TYPES | flags.FREEBSD_SOCK_FLAGS,
        ["sys/socket.h"],
        r"SOCK_\w+",
        {"SOCK_MAXADDRLEN"},
    ),
    (flags.FREEBSD_MSG_FLAGS, ["sys/socket.h"], r"MSG_\w+", set()),
    (
        flags.FREEBSD_ADDRESS_FAMILIES,
        ["sys/socket.h"],
        r"(AF_(?!VENDOR)|pseudo_AF_)\w+",
        {"AF_MAX"},
    ),
    (flags.FREEBSD_POLL_EVENTS, ["poll.h"], r"POLL[A-Z]+", {"POLLSTANDARD"}),
    (flags.FREEBSD_WAIT_OPTIONS, ["sys/wait.h"], r"W[A-Z]+", {"WCOREFLAG"}),
    (flags.FREEBSD_RFORK_FLAGS, ["unistd.h"], r"RF[A-Z]+", {"RFFLAGS", "RFKERNELONLY"}),
    (flags.FREEBSD_RLIMIT_RESOURCES, ["sys/resource.h"], r"RLIMIT_\w+", set()),
    (flags.FREEBSD_CLOCK_IDS, ["time.h"], r"CLOCK_[A-Z_]+", set()),
]

# The kernel's UAPI headers spell some names differently.
LINUX_UAPI_SPELLING = {"O_ASYNC": "FASYNC"}


def _id(case) -> str:
    return next(iter(case[0]))


@functools.cache
def _all_freebsd_values() -> dict[str, int]:
    """Every FreeBSD case's names in one compiler run (enum constants go parenthesised: no #ifdef
    guard)."""
    headers = list(dict.fromkeys(h for _, hs, _ in FREEBSD_CASES for h in hs))
    exprs = list(
        dict.fromkeys(n if macros else f"({n})" for t, _, macros in FREEBSD_CASES for n in t)
    )
    return {expr.strip("()"): value for expr, value in freebsd_values(headers, exprs).items()}


@functools.cache
def _linux_values_for(headers: tuple[str, ...]) -> dict[str, int]:
    """Every Linux case's names that share these headers, in one compiler run, under the table's
    spelling."""
    spelled = {
        LINUX_UAPI_SPELLING.get(n, n): n for t, hs in LINUX_CASES if tuple(hs) == headers for n in t
    }
    return {spelled[expr]: value for expr, value in linux_values(headers, spelled).items()}


@requires_zig
@pytest.mark.parametrize("case", FREEBSD_CASES, ids=_id)
def test_freebsd_values(case):
    table = case[0]
    assert mismatches(table, _all_freebsd_values()) == {}


@requires_zig
@pytest.mark.parametrize("case", FREEBSD_COMPLETE, ids=_id)
def test_freebsd_tables_are_complete(case):
    table, headers, pattern, others = case
    names = {
        name
        for name, text in freebsd_macros(*headers).items()
        if re.fullmatch(pattern, name) and text
    }
    assert names - others == {name for name in table if re.fullmatch(pattern, name)}


@requires_gcc
@pytest.mark.parametrize("case", LINUX_CASES, ids=_id)
def test_linux_values(case):
    table, headers = case
    assert mismatches(table, _linux_values_for(tuple(headers))) == {}


@pytest.mark.parametrize(
    "table, module",
    [
        (flags.LINUX_O_FLAGS, os),
        (flags.LINUX_ACCESS_MODES, os),
        (flags.LINUX_SEEK_WHENCE, os),
        (flags.LINUX_WAIT_OPTIONS, os),
        (flags.LINUX_IDTYPES, os),
        (flags.LINUX_PRIO_WHICH, os),
        (flags.LINUX_MAP_FLAGS, mmap),
        (flags.LINUX_PROT_FLAGS, mmap),
        (flags.LINUX_MADV_ADVICE, mmap),
        (flags.LINUX_SOCK_TYPES, socket),
        (flags.LINUX_SOCK_FLAGS, socket),
        (flags.LINUX_ADDRESS_FAMILIES, socket),
        (flags.LINUX_MSG_FLAGS, socket),
        (flags.LINUX_SO_OPTIONS, socket),
        (flags.LINUX_IPPROTO, socket),
        (flags.LINUX_IP_OPTIONS, socket),
        (flags.LINUX_IPV6_OPTIONS, socket),
        (flags.LINUX_TCP_OPTIONS, socket),
        (flags.LINUX_POLL_EVENTS, select),
    ],
    ids=lambda t: t.__name__ if hasattr(t, "__name__") else next(iter(t)),
)
def test_linux_values_agree_with_python(table, module):
    # glibc's O_LARGEFILE is 0 on x86_64; the kernel's is what F_GETFL shows.
    python = {
        name: getattr(module, name)
        for name in table
        if hasattr(module, name) and name != "O_LARGEFILE"
    }
    assert mismatches(python, table) == {}
