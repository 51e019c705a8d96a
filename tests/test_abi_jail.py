"""abi/jail.py beyond the header lookups of abi_manifest.py: 13.5's values against what 14 added."""

import re

import pytest
from abi_manifest import JAIL_14_WIDENED
from elftools.elf.elffile import ELFFile

from bsdulator.abi import jail
from header_macros import freebsd_macros, freebsd_values, requires_zig

pytestmark = pytest.mark.unit

HEADERS = ["sys/param.h", "sys/jail.h"]
ALL_NAMES = {**jail.FREEBSD_JAIL, **jail.FREEBSD_JAIL_KERNEL}
# The test root's libjail is 13.5's; 14 widened these (abi_manifest.JAIL_14_WIDENED) with flags
# it added: jail descriptors (JAIL_*_DESC) and allow bits (extattr, adjtime, settime, routing,
# unprivileged parent tamper, setaudit). Each with the prefix of the flags that widened it.
CHANGED_SINCE_13_5 = {
    "JAIL_SET_MASK": "JAIL_",
    "JAIL_GET_MASK": "JAIL_",
    "PR_ALLOW_ALL_STATIC": "PR_ALLOW_",
    "PR_ALLOW_DIFFERENCES": "PR_ALLOW_",
}


def test_the_manifest_knows_what_14_widened():
    assert set(JAIL_14_WIDENED) == set(CHANGED_SINCE_13_5)


@requires_zig
@pytest.mark.parametrize("name", sorted(CHANGED_SINCE_13_5))
def test_13_5_value_is_freebsd_14_without_the_flags_14_added(name):
    macros = freebsd_macros(*HEADERS, defines=("_KERNEL",))
    added = [
        m
        for m, text in macros.items()
        if m.startswith(CHANGED_SINCE_13_5[name])
        and m not in ALL_NAMES
        and re.fullmatch(r"0x[0-9a-fA-F]+", text)
    ]
    values = freebsd_values(HEADERS, [name, *added], defines=("_KERNEL",))
    added_bits = 0
    for flag in added:
        added_bits |= values[flag]
    assert values[name] != ALL_NAMES[name]
    assert values[name] & ~added_bits == ALL_NAMES[name]


def test_libjail_errmsg_size_is_the_roots(freebsd_root):
    """libjail's jail_errmsg is char[JAIL_ERRMSGLEN] (lib/libjail/jail.h); its symbol size says how
    long."""
    with open(freebsd_root / "lib" / "libjail.so.1", "rb") as f:
        sizes = {
            s.name: s["st_size"] for s in ELFFile(f).get_section_by_name(".dynsym").iter_symbols()
        }
    assert sizes["jail_errmsg"] == jail.JAIL_ERRMSGLEN


@requires_zig
def test_default_hostuuid_and_versions():
    macros = freebsd_macros(*HEADERS, defines=("_KERNEL",))
    assert macros["DEFAULT_HOSTUUID"] == f'"{jail.DEFAULT_HOSTUUID}"'
    assert jail.JAIL_VERSION_V0 < jail.JAIL_VERSION_V1 < jail.JAIL_API_VERSION
    assert (
        jail.JAIL_SET_MASK
        == jail.JAIL_CREATE | jail.JAIL_UPDATE | jail.JAIL_ATTACH | jail.JAIL_DYING
    )


def test_allow_bits_are_the_static_set():
    bits = [
        v
        for k, v in jail.FREEBSD_JAIL_KERNEL.items()
        if k.startswith("PR_ALLOW_") and k not in ("PR_ALLOW_ALL_STATIC", "PR_ALLOW_DIFFERENCES")
    ]
    total = 0
    for bit in bits:
        assert bit & (bit - 1) == 0 and not total & bit
        total |= bit
    assert total == jail.PR_ALLOW_ALL_STATIC
