"""abi/net.py against the host's Linux headers."""

import pytest

from bsdulator.abi.net import LINUX_NET
from header_macros import linux_values, mismatches, requires_gcc

pytestmark = pytest.mark.unit


@requires_gcc
def test_linux_net_numbers_match_the_headers():
    # guard off: RT_TABLE_MAIN is an enum constant, not a macro.
    values = linux_values(["linux/if.h", "linux/rtnetlink.h"], LINUX_NET, guard=False)
    assert mismatches(LINUX_NET, values) == {}
