"""abi/kinfo.py against FreeBSD's headers (zig's 14, where 13.5 differs as recorded) and the
host's Linux headers."""

import math

import pytest

from bsdulator.abi import kinfo
from bsdulator.abi.structs import LAYOUTS
from header_macros import freebsd_values, linux_values, mismatches, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

HEADERS = [
    "sys/types.h",
    "sys/param.h",
    "sys/sysctl.h",
    "sys/user.h",
    "sys/proc.h",
    "sys/acct.h",
    "sys/priority.h",
    "sys/vmmeter.h",
    "sys/resource.h",
]
NOT_MACROS = {"CCPU", "NO_PID"}  # a scheduler variable (checked below); a kernel-only macro
FREEBSD = {
    name: value
    for name, value in vars(kinfo).items()
    if name.isupper()
    and isinstance(value, int)
    and not name.startswith("LINUX_")
    and name not in NOT_MACROS
}


@requires_zig
def test_freebsd_14_differs_only_where_it_changed_the_kernel():
    """The table holds 13.5's values (the test root's); these are where 14's headers differ, as
    (13.5, 14)."""
    found = mismatches(FREEBSD, freebsd_values(HEADERS, FREEBSD))
    assert found == {
        "KI_NSPARE_PTR": (5, 4),  # ki_uerrmsg
        "RLIM_NLIMITS": (15, 16),  # RLIMIT_PIPEBUF
        "P_SWAPPINGOUT": (0x20000000, None),
        "P_SWAPPINGIN": (0x40000000, None),  # swapping out went
        "PRI_MIN_REALTIME": (48, 8),
        "PRI_MAX_REALTIME": (79, 39),
        "PRI_MIN_TIMESHARE": (120, 56),  # renumbered
    }


def test_ccpu_is_exp_minus_one_twentieth():
    assert kinfo.CCPU == int(math.exp(-1 / 20) * kinfo.FSCALE)


def test_sizes_agree_with_the_layout():
    size, fields = LAYOUTS["kinfo_proc"]
    assert size == kinfo.KINFO_PROC_SIZE
    sizes = {name: fsize for name, _, fsize, _ in fields}
    assert sizes["ki_comm"] == kinfo.COMMLEN + 1 and sizes["ki_wmesg"] == kinfo.WMESGLEN + 1
    assert sizes["ki_tdname"] == kinfo.TDNAMLEN + 1 and sizes["ki_login"] == kinfo.LOGNAMELEN + 1
    assert (
        sizes["ki_groups"] == 4 * kinfo.KI_NGROUPS and sizes["ki_emul"] == kinfo.KI_EMULNAMELEN + 1
    )
    assert sizes["ki_moretdname"] == kinfo.MAXCOMLEN - kinfo.TDNAMLEN + 1


def test_linux_tables_give_freebsd_values():
    assert set(kinfo.LINUX_STATE_TO_KI_STAT.values()) <= {
        kinfo.SRUN,
        kinfo.SSLEEP,
        kinfo.SSTOP,
        kinfo.SZOMB,
    }
    assert kinfo.LINUX_INTERRUPTIBLE <= set(kinfo.LINUX_STATE_TO_KI_STAT)
    assert all(len(w) <= kinfo.WMESGLEN for w in kinfo.LINUX_WCHAN_TO_WMESG.values())
    # looked up without suffixes
    assert not any("." in function for function in kinfo.LINUX_WCHAN_TO_WMESG)


@requires_gcc
def test_linux_numbers_match_the_host_headers():
    table = {
        "SCHED_FIFO": kinfo.LINUX_SCHED_FIFO,
        "SCHED_RR": kinfo.LINUX_SCHED_RR,
        "SCHED_IDLE": kinfo.LINUX_SCHED_IDLE,
        "UNIX98_PTY_SLAVE_MAJOR": kinfo.LINUX_UNIX98_PTY_SLAVE_MAJOR,
        "UNIX98_PTY_MAJOR_COUNT": kinfo.LINUX_UNIX98_PTY_MAJOR_COUNT,
    }
    assert mismatches(table, linux_values(["linux/sched.h", "linux/major.h"], table)) == {}
