"""abi/kld.py against FreeBSD's headers."""

import pytest

from bsdulator.abi import kld
from header_macros import freebsd_values, mismatches, requires_zig

pytestmark = pytest.mark.unit


@requires_zig
def test_freebsd_module_name_buffer():
    table = {"MAXMODNAME": kld.MAXMODNAME}
    headers = ["sys/param.h", "sys/module.h"]
    assert mismatches(table, freebsd_values(headers, table)) == {}
