"""abi/capabilities.py beyond the header lookups of abi_manifest.py."""

import pytest

from bsdulator.abi import capabilities
from header_macros import linux_values, requires_gcc

pytestmark = pytest.mark.unit


@requires_gcc
def test_the_table_ends_at_cap_last_cap():
    last = linux_values(["linux/capability.h"], ["CAP_LAST_CAP"])["CAP_LAST_CAP"]
    assert max(capabilities.LINUX_CAPS.values()) == last
