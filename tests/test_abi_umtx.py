"""abi/umtx.py against FreeBSD's <sys/umtx.h>/<sys/thr.h>/<sys/rtprio.h> (zig's) and the host's
Linux headers."""

import pytest

from bsdulator.abi import umtx
from header_macros import freebsd_values, linux_values, mismatches, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

FREEBSD_TABLES = [
    umtx.FREEBSD_UMTX_OPS,
    umtx.FREEBSD_UMTX_OP_FLAGS,
    umtx.FREEBSD_UMTX_VALUES,
    umtx.FREEBSD_THR_FLAGS,
    umtx.FREEBSD_RTPRIO,
]
FREEBSD_HEADERS = ["sys/types.h", "sys/umtx.h", "sys/thr.h", "sys/rtprio.h"]
LINUX_TABLES = [
    (umtx.LINUX_FUTEX, ["linux/futex.h"]),
    (umtx.LINUX_CLONE_THREAD_FLAGS, ["linux/sched.h"]),
    (umtx.LINUX_PRCTL, ["linux/prctl.h"]),
]


@requires_zig
@pytest.mark.parametrize("table", FREEBSD_TABLES, ids=lambda t: next(iter(t)))
def test_freebsd_values(table):
    assert mismatches(table, freebsd_values(FREEBSD_HEADERS, table)) == {}


@requires_gcc
@pytest.mark.parametrize(
    "table,headers", LINUX_TABLES, ids=lambda t: next(iter(t)) if isinstance(t, dict) else ""
)
def test_linux_values(table, headers):
    assert mismatches(table, linux_values(headers, table)) == {}
