"""abi/net.py against the host's Linux headers."""

import pytest

from bsdulator.abi.net import LINUX_NET
from header_macros import linux_values, mismatches, requires_gcc

pytestmark = pytest.mark.unit


@requires_gcc
def test_linux_net_limits_match_the_headers():
    assert mismatches(LINUX_NET, linux_values(["linux/if.h"], LINUX_NET)) == {}
