"""abi/jail.py against FreeBSD 13.5's sys/jail.h (the binding one) and the FreeBSD 14 headers zig ships."""
import pytest

from bsdulator.abi import jail
from header_macros import (HAVE_FREEBSD_13_5, freebsd_13_5_values, freebsd_macros, freebsd_values, mismatches,
                           requires_zig)

HEADERS = ["sys/param.h", "sys/jail.h"]
needs_13_5 = pytest.mark.skipif(not HAVE_FREEBSD_13_5, reason="needs ziglang and FreeBSD 13.5's headers")
# Jail descriptors widened the masks; 14 added allow bits (extattr, adjtime, settime, routing ...).
CHANGED_SINCE_13_5 = {"JAIL_SET_MASK", "JAIL_GET_MASK", "PR_ALLOW_ALL_STATIC", "PR_ALLOW_DIFFERENCES"}


@needs_13_5
def test_flags_and_limits_match_13_5():
    assert mismatches(jail.FREEBSD_JAIL, freebsd_13_5_values(HEADERS, jail.FREEBSD_JAIL)) == {}


@needs_13_5
def test_kernel_only_names_match_13_5():
    values = freebsd_13_5_values(HEADERS, jail.FREEBSD_JAIL_KERNEL, defines=("_KERNEL",))
    assert mismatches(jail.FREEBSD_JAIL_KERNEL, values) == {}


@needs_13_5
def test_libjail_errmsg_size_matches_13_5():
    table = {"JAIL_ERRMSGLEN": jail.JAIL_ERRMSGLEN}
    assert mismatches(table, freebsd_13_5_values([*HEADERS, "jail.h"], table)) == {}


@requires_zig
def test_numbers_unchanged_since_13_5_match_freebsd_14():
    table = {k: v for k, v in {**jail.FREEBSD_JAIL, **jail.FREEBSD_JAIL_KERNEL}.items() if k not in CHANGED_SINCE_13_5}
    values = freebsd_values(HEADERS, table, defines=("_KERNEL",))
    assert mismatches(table, values) == {}


@requires_zig
def test_default_hostuuid_and_versions():
    macros = freebsd_macros(*HEADERS, defines=("_KERNEL",))
    assert macros["DEFAULT_HOSTUUID"] == f'"{jail.DEFAULT_HOSTUUID}"'
    assert jail.JAIL_VERSION_V0 < jail.JAIL_VERSION_V1 < jail.JAIL_API_VERSION
    assert jail.JAIL_SET_MASK == jail.JAIL_CREATE | jail.JAIL_UPDATE | jail.JAIL_ATTACH | jail.JAIL_DYING


def test_allow_bits_are_the_static_set():
    bits = [v for k, v in jail.FREEBSD_JAIL_KERNEL.items()
            if k.startswith("PR_ALLOW_") and k not in ("PR_ALLOW_ALL_STATIC", "PR_ALLOW_DIFFERENCES")]
    total = 0
    for bit in bits:
        assert bit & (bit - 1) == 0 and not total & bit
        total |= bit
    assert total == jail.PR_ALLOW_ALL_STATIC
