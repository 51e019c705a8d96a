"""Every abi/ table against the headers abi_manifest.py names for it (FreeBSD: zig's FreeBSD 14
headers; Linux: the host's, read with gcc), and Linux tables against Python's constants."""

import functools
import re

import pytest
from abi_manifest import COMPLETE, FREEBSD, FREEBSD_VALUES, LINUX_VALUES, Complete, Values, table

from header_macros import (
    HAVE_GCC,
    HAVE_ZIG,
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
)

pytestmark = pytest.mark.unit

VALUES = [*FREEBSD_VALUES, *LINUX_VALUES]


def _lookup(row: Values) -> dict[str, str]:
    """Each name the row looks up in its headers, and the C expression that names it there."""
    spelled = {name: row.spelling.get(name, name) for name in row.table() if name not in row.absent}
    # An enum constant goes parenthesised: not an identifier, so the probe does not #ifdef it.
    return {name: f"({expr})" if row.enum else expr for name, expr in spelled.items()}


@functools.cache
def _probe(side: str, headers: tuple[str, ...], defines: tuple[str, ...]) -> dict[str, int]:
    """The values of every expression that the rows sharing these headers and defines look up,
    in one compiler run."""
    exprs = sorted(
        {
            expr
            for row in VALUES
            if (row.side, row.headers, row.defines) == (side, headers, defines)
            for expr in _lookup(row).values()
        }
    )
    return (freebsd_values if side == FREEBSD else linux_values)(headers, exprs, defines)


def _skip_without_compiler(side: str) -> None:
    if side == FREEBSD and not HAVE_ZIG:
        pytest.skip("the ziglang package (source of the FreeBSD headers) is not installed")
    if side != FREEBSD and not HAVE_GCC:
        pytest.skip("gcc (reader of the host's Linux headers) is not installed")


def _check_python(row: Values) -> None:
    ours = row.table()
    python = {
        name: getattr(row.python, name)
        for name in ours
        if hasattr(row.python, name) and name not in row.python_skip
    }
    assert len(python) >= row.python_at_least, f"{row.python.__name__} knows too few of the names"
    assert mismatches(python, ours) == {}


def _check_values(row: Values) -> None:
    ours = row.table()
    assert set(row.absent) | set(row.differs) <= set(ours), (
        "the manifest names what the table does not hold"
    )
    if row.python is not None:
        _check_python(row)
    _skip_without_compiler(row.side)
    values = _probe(row.side, row.headers, row.defines)
    lookup = _lookup(row)
    found = {name: values[expr] for name, expr in lookup.items() if expr in values}
    assert mismatches({name: ours[name] for name in lookup}, found) == row.differs


def _check_complete(row: Complete) -> None:
    _skip_without_compiler(FREEBSD)
    macros = freebsd_macros(*row.headers)
    names = {name for name, text in macros.items() if re.fullmatch(row.pattern, name) and text}
    assert names - row.others == {
        name for name in table(row.name) if re.fullmatch(row.pattern, name)
    }


def _id(row) -> str:
    return f"complete:{row.name}" if isinstance(row, Complete) else f"{row.side}:{row.name}"


@pytest.mark.parametrize("row", [*VALUES, *COMPLETE], ids=_id)
def test_abi_table_matches_the_headers(row):
    if isinstance(row, Complete):
        _check_complete(row)
    else:
        _check_values(row)
