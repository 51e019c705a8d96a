"""copy_file_range(2), fspacectl(2) and timerfd(2) from a FreeBSD program (expected values:
FreeBSD's copy_file_range(2), fspacectl(2) and timerfd(2) man pages, sys/kern/sys_timerfd.c)."""

import pytest

from bsdulator.abi.flags import FREEBSD_TFD_FLAGS, LINUX_TFD_FLAGS

pytestmark = pytest.mark.e2e


@pytest.mark.unit
def test_timerfd_settime_flags_are_the_same_numbers():
    """timerfd_settime is native: its flags must mean the same on both."""
    for name in ("TFD_TIMER_ABSTIME", "TFD_TIMER_CANCEL_ON_SET"):
        assert FREEBSD_TFD_FLAGS[name] == LINUX_TFD_FLAGS[name]


@pytest.mark.syscalls(
    "copy_file_range", "fspacectl", "timerfd_create", "timerfd_settime", "timerfd_gettime"
)
def test_copy_file_range_and_timerfd(bsd, freebsd_programs, tmp_path):
    src, dst = tmp_path / "in", tmp_path / "out"
    src.write_text("0123456789")
    prog = freebsd_programs("ranges_timerfd")["ranges_timerfd"]
    r = bsd(prog, src, dst)
    assert r.stdout.decode().endswith(": 0 failures\n"), r.stdout.decode() + r.stderr.decode()
    assert dst.read_bytes() == b"2" + bytes(3) + b"601234" + bytes(5)  # both ranges zeroed
