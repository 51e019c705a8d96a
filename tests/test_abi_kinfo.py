"""abi/kinfo.py beyond the header lookups of abi_manifest.py: computed values and sizes."""

import math

import pytest

from bsdulator.abi import kinfo
from bsdulator.abi.structs import LAYOUTS

pytestmark = pytest.mark.unit


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
