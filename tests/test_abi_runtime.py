"""ABI facts that take more than a header lookup (those are rows of tests/abi_manifest.py):
values computed by FreeBSD's or Linux's own macros and functions, headers read as the kernel
reads them, and, where no header has a number, the running kernel."""

import ctypes
import os
import random

import pytest

from bsdulator import structs
from bsdulator.abi import (
    devices,
    elf,
    ioctls,
    jail,
    kld,
    limits,
    netif_write,
    signals,
    umtx,
)
from bsdulator.syscalls.umtx import _futex_op
from header_macros import (
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
    requires_gcc,
    requires_zig,
)

pytestmark = pytest.mark.unit

FREEBSD_TYPES = ["sys/types.h", "sys/param.h"]


def _freebsd(table: dict, headers: list[str]) -> dict:
    return mismatches(table, freebsd_values([*FREEBSD_TYPES, *headers], table))


def _linux(table: dict, headers: list[str]) -> dict:
    return mismatches(table, linux_values(headers, table))


# ---- FreeBSD ---------------------------------------------------------------------------------


@requires_zig
def test_freebsd_wait_status_of_a_continued_child():
    expr = f"WIFCONTINUED({signals.FREEBSD_SIGNALS['SIGCONT']})"
    assert freebsd_values([*FREEBSD_TYPES, "sys/wait.h"], [expr])[expr] == 1


@requires_zig
def test_freebsd_posix1_version_is_13_5s():
    """kern.posix1version answers 13.5's _POSIX_VERSION (sys/sys/unistd.h at releng/13.5:
    200112L); 14 raised it to 200809L, which is what zig's headers hold."""
    assert limits.FREEBSD_POSIX1_VERSION == 200112
    assert freebsd_values([*FREEBSD_TYPES, "unistd.h"], ["_POSIX_VERSION"]) == {
        "_POSIX_VERSION": 200809
    }


@requires_zig
def test_freebsd_elf_magic():
    assert freebsd_macros("sys/elf_common.h")["ELFMAG"] == '"\\177ELF"'
    assert elf.ELF_MAGIC == b"\177ELF"


@requires_zig
def test_freebsd_signal_handler_values():
    table = {f"(long){name}": value for name, value in signals.FREEBSD_SIG_HANDLERS.items()}
    assert _freebsd(table, ["signal.h"]) == {}


@requires_zig
def test_freebsd_jail_v0_offsets():
    """struct jail_v0 is visible to the kernel only: the header read as the kernel reads it."""
    values = freebsd_values(
        ["sys/types.h", "sys/param.h", "sys/jail.h"],
        ["__offsetof(struct jail_v0, path)"],
        defines=("_KERNEL",),
    )
    assert values, "struct jail_v0 is gone from sys/jail.h"
    table = {f"__offsetof{k.removeprefix('offsetof')}": v for k, v in jail.FREEBSD_JAIL_V0.items()}
    assert (
        mismatches(
            table, freebsd_values(["sys/types.h", "sys/param.h", "sys/jail.h"], table, ("_KERNEL",))
        )
        == {}
    )


def test_freebsd_kernel_defaults_hold_together():
    """No header has these (the sources are cited in abi/limits.py); they must at least agree
    with each other as subr_param.c derives them."""
    k = limits.FREEBSD_KERNEL_DEFAULTS
    assert k["maxfilesperproc"] == k["maxfiles"] // 10 * 9
    assert k["maxprocperuid"] == k["maxproc"] * 9 // 10
    assert k["tick"] == 10**6 // k["hz"]


# ---- Linux -------------------------------------------------------------------------------------


@requires_gcc
def test_linux_ns_get_id():
    """NS_GET_ID is in linux/nsfs.h since Linux 6.11; older headers give its parts (NSIO, 13)."""
    name = linux_values(["linux/nsfs.h"], ["NS_GET_ID"])
    expected = (
        name.get("NS_GET_ID")
        or linux_values(["linux/nsfs.h", "linux/types.h"], ["_IOR(NSIO, 13, __u64)"])[
            "_IOR(NSIO, 13, __u64)"
        ]
    )
    assert ioctls.LINUX_NSFS_IOCTLS["NS_GET_ID"] == expected


@requires_gcc
def test_linux_futex_op_word():
    for op, oparg, cmp, cmparg in ((1, 2, 3, 4), (4, 0xFFF, 5, 0xABC), (0, 1, 0, 0)):
        expr = f"FUTEX_OP({op}, {oparg}, {cmp}, {cmparg})"
        assert _futex_op(op, oparg, cmp, cmparg) == linux_values(["linux/futex.h"], [expr])[expr]
    assert set(umtx.LINUX_FUTEX_OP_SHIFTS) == {"op", "cmp", "oparg", "cmparg"}


# ---- dev_t: FreeBSD's makedev is an inline function, glibc's too ----------------------------


def test_linux_dev_t_bit_fields_match_glibc():
    rng = random.Random(10)
    for _ in range(1000):
        dev = rng.getrandbits(64)
        major, minor = structs._split_dev(
            dev, devices.LINUX_DEV_MAJOR_BITS, devices.LINUX_DEV_MINOR_BITS
        )
        assert (major, minor) == (os.major(dev), os.minor(dev))
        small = rng.getrandbits(31), rng.getrandbits(31)
        linux = structs._makedev(*small, devices.LINUX_DEV_MAJOR_BITS, devices.LINUX_DEV_MINOR_BITS)
        assert linux == os.makedev(*small)


DEV_PROGRAM = r"""
#include <sys/types.h>
#include <stdio.h>
int main(void) {
    unsigned int pairs[][2] = {{0, 0}, {1, 3}, {0x12345678u, 0x9abcdef0u}, {0xffffffffu, 0xffffffffu},
                               {0xabu, 0xcd00u}};
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        dev_t d = makedev(pairs[i][0], pairs[i][1]);
        printf("%u %u %llu %u %u\n", pairs[i][0], pairs[i][1], (unsigned long long)d, major(d), minor(d));
    }
    return 0;
}
"""


def test_freebsd_dev_t_bit_fields_match_makedev(bsd, freebsd_cc):
    """FreeBSD's own makedev/major/minor (sys/types.h), run under bsdulator."""
    out = bsd(freebsd_cc(DEV_PROGRAM, "makedev")).stdout.decode().split("\n")
    rows = [tuple(map(int, line.split())) for line in out if line]
    assert len(rows) == 5
    for major, minor, dev, back_major, back_minor in rows:
        bits = devices.FREEBSD_DEV_MAJOR_BITS, devices.FREEBSD_DEV_MINOR_BITS
        assert structs._makedev(major, minor, *bits) == dev
        assert structs._split_dev(dev, *bits) == (back_major, back_minor)


TYPENUM_PROGRAM = r"""
#include <sys/types.h>
#include <sys/fnv_hash.h>
#include <stdio.h>
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("%s %u\n", argv[i], fnv_32_str(argv[i], FNV1_32_INIT) & 0xff);
    return 0;
}
"""


def test_freebsd_typenum_is_fnv_32_str(bsd, freebsd_cc):
    """vfc_typenum as vfs_register computes it (vfs.typenumhash=1), with FreeBSD's own hash."""
    names = ["ufs", "zfs", "tmpfs", "devfs", "nfs", "procfs", "linuxfs"]
    out = bsd(freebsd_cc(TYPENUM_PROGRAM, "typenum"), *names).stdout.decode().split("\n")
    assert {name: int(n) for name, n in (line.split() for line in out if line)} == {
        name: structs.typenum(name) for name in names
    }


# ---- Linux values no UAPI header has: the running kernel ------------------------------------


def test_linux_char_devices_are_the_hosts():
    present = {n: v for n, v in devices.LINUX_CHAR_DEVICES.items() if os.path.exists(f"/dev/{n}")}
    if not present:
        pytest.skip("the host has none of the character devices in /dev")
    for name, (major, minor) in present.items():
        rdev = os.stat(f"/dev/{name}").st_rdev
        assert (os.major(rdev), os.minor(rdev)) == (major, minor), name


def test_linux_pts_numbering():
    from bsdulator.abi import kinfo

    leader, follower = os.openpty()
    try:
        rdev = os.fstat(follower).st_rdev
        name = os.ttyname(follower)
    finally:
        os.close(leader)
        os.close(follower)
    first = kinfo.LINUX_UNIX98_PTY_SLAVE_MAJOR
    number = (os.major(rdev) - first) * devices.LINUX_UNIX98_PTY_MINORS + os.minor(rdev)
    assert name == f"/dev/pts/{number}"


def test_linux_rt_priority_range():
    assert limits.LINUX_RT_PRIORITY == {
        "min": os.sched_get_priority_min(os.SCHED_FIFO),
        "max": os.sched_get_priority_max(os.SCHED_FIFO),
    }


def test_linux_raw_getpriority_is_max_nice_plus_one_minus_nice():
    """The raw syscall answers MAX_NICE + 1 - nice (getpriority(2) NOTES); glibc undoes it."""
    libc = ctypes.CDLL(None, use_errno=True)
    from bsdulator.abi.flags import LINUX_PRIO_WHICH
    from bsdulator.abi.linux_syscalls import LINUX_NR

    raw = libc.syscall(LINUX_NR["getpriority"], LINUX_PRIO_WHICH["PRIO_PROCESS"], 0)
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    assert raw == limits.LINUX_NICE["MAX_NICE"] + 1 - nice
    n = limits.LINUX_NICE
    assert n["NICE_WIDTH"] == n["MAX_NICE"] - n["MIN_NICE"] + 1


def test_linux_comm_keeps_task_comm_len_minus_one():
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_name = umtx.LINUX_PRCTL["PR_SET_NAME"]
    with open("/proc/thread-self/comm", "rb") as f:
        before = f.read().rstrip(b"\n")
    try:
        assert libc.prctl(pr_set_name, b"x" * 40, 0, 0, 0) == 0
        with open("/proc/thread-self/comm", "rb") as f:
            assert len(f.read().rstrip(b"\n")) == limits.LINUX_TASK_COMM_LEN - 1
    finally:
        libc.prctl(pr_set_name, before, 0, 0, 0)


def test_linux_max_errno_bounds_every_error():
    """MAX_ERRNO (include/linux/err.h) is above every errno and restart code a call returns."""
    from bsdulator.abi.errno import LINUX_ERRNO, LINUX_KERNEL_RESTART

    assert max(LINUX_ERRNO.values()) < limits.LINUX_MAX_ERRNO
    assert max(LINUX_KERNEL_RESTART.values()) < limits.LINUX_MAX_ERRNO
    assert limits.LINUX_MAX_ERRNO + 1 == os.sysconf("SC_PAGE_SIZE")  # the last page is never mapped


@requires_zig
def test_freebsd_address_classes():
    """Each (mask, value) of abi/netif_write.py picks the addresses netinet/in.h's IN_CLASSx(i)
    macro accepts (SIOCAIFADDR's classful mask when none is given)."""
    probes = (0x0A000001, 0x7FFFFFFF, 0x80000000, 0xAC100001, 0xC0A80001, 0xDFFFFFFF, 0xE0000001)
    tests = netif_write.FREEBSD_IN_CLASS_TESTS
    exprs = [f"{net.removesuffix('_NET')}({i:#x}U)" for _m, _v, net in tests for i in probes]
    values = freebsd_values([*FREEBSD_TYPES, "netinet/in.h"], exprs, guard=False)
    for mask, value, net in tests:
        for i in probes:
            got = values[f"{net.removesuffix('_NET')}({i:#x}U)"]
            assert bool(got) == ((i & mask) == value), (net, hex(i))


def test_old_module_stat_layouts_follow_from_the_short_name():
    """module_stat v1/v2 (kern_module.c): int version, char name[MAXMODNAMEV1V2], int refs,
    int id (v1 ends), then the 8-byte data union at the next multiple of 8 (v2)."""
    v = kld.MODULE_STAT_V1V2
    assert v["refs"] == v["name"] + kld.MAXMODNAMEV1V2 and v["id"] == v["refs"] + 4
    assert v["v1"] == v["id"] + 4 and v["data"] == -(-v["v1"] // 8) * 8
    assert v["v2"] == v["data"] + 8


def test_bridge_time_unit_is_the_headers():
    """bridgestp.h writes its default times in 1/256 s (BSTP_DEFAULT_HELLO_TIME is 2 * 256): the
    shift bridge_ioctl_gbparam applies for ifconfig is that unit's."""
    hello_seconds = 2  # bridgestp.h: the default hello time, 2 s
    assert netif_write.FREEBSD_BSTP["BSTP_DEFAULT_HELLO_TIME"] == hello_seconds << (
        netif_write.BSTP_TICK_SHIFT
    )
