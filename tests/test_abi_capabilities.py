"""abi/capabilities.py against the host's <linux/capability.h> and <linux/prctl.h>."""

import pytest

from bsdulator.abi import capabilities
from header_macros import linux_values, mismatches, requires_gcc

pytestmark = pytest.mark.unit


@requires_gcc
def test_capability_numbers():
    table = capabilities.LINUX_CAPS
    assert mismatches(table, linux_values(["linux/capability.h"], table)) == {}
    assert (
        max(table.values())
        == linux_values(["linux/capability.h"], ["CAP_LAST_CAP"])["CAP_LAST_CAP"]
    )


@requires_gcc
def test_capset_version_and_prctl_options():
    for table, headers in (
        (capabilities.LINUX_CAPABILITY_VERSION, ["linux/capability.h"]),
        (capabilities.LINUX_PRCTL_CAPS, ["linux/prctl.h"]),
    ):
        assert mismatches(table, linux_values(headers, table)) == {}
