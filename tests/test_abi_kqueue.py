"""abi/kqueue.py beyond the header lookups of abi_manifest.py."""

import pytest

from bsdulator.abi import kqueue
from header_macros import freebsd_values, requires_zig

pytestmark = pytest.mark.unit


@requires_zig
def test_evfilt_syscount_covers_every_filter():
    count = freebsd_values(["sys/types.h", "sys/event.h"], ["EVFILT_SYSCOUNT"])["EVFILT_SYSCOUNT"]
    assert sorted(kqueue.FREEBSD_EVFILTERS.values()) == list(range(-count, 0))
