"""Constants read from FreeBSD's own headers (zig's copy) and the host's Linux headers (gcc), so
tests never check a table against itself."""

import functools
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from helpers import HAVE_ZIG, cached, freebsd_cc_command

HAVE_GCC = shutil.which("gcc") is not None

requires_zig = pytest.mark.skipif(
    not HAVE_ZIG, reason="the ziglang package (source of the FreeBSD headers) is not installed"
)
requires_gcc = pytest.mark.skipif(
    not HAVE_GCC, reason="gcc (reader of the host's Linux headers) is not installed"
)

FREEBSD_CC = tuple(freebsd_cc_command())
LINUX_CC = ("gcc",)

_DEFINE = re.compile(r"#define ([A-Za-z_]\w*) (.*)")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _source(headers: tuple[str, ...]) -> str:
    return "".join(f"#include <{h}>\n" for h in headers)


@functools.cache
def _macros(
    cc: tuple[str, ...], headers: tuple[str, ...], defines: tuple[str, ...]
) -> dict[str, str]:
    cmd = [*cc, *(f"-D{d}" for d in defines), "-E", "-dM", "-x", "c", "-"]
    source = _source(headers)

    def preprocess():
        out = subprocess.run(cmd, input=source, capture_output=True, text=True, check=True).stdout
        return {m[1]: m[2].strip() for m in map(_DEFINE.fullmatch, out.splitlines()) if m}

    return cached(cc, cmd, source, preprocess)


@functools.cache
def _values(
    cc: tuple[str, ...],
    headers: tuple[str, ...],
    exprs: tuple[str, ...],
    defines: tuple[str, ...],
    guard: bool,
) -> dict[str, int]:
    lines = [_source(headers)]
    for i, expr in enumerate(exprs):
        # The value's bits, and whether it is negative, so signed and unsigned both come out right.
        value = f"const unsigned long long bsdulator_v{i} = (unsigned long long)({expr}), bsdulator_n{i} = ({expr}) < 0;\n"
        lines.append(
            f"#ifdef {expr}\n{value}#endif\n" if guard and _IDENTIFIER.fullmatch(expr) else value
        )
    source = "".join(lines)
    cmd = [*cc, *(f"-D{d}" for d in defines), "-w", "-c", "-O0", "-x", "c", "-", "-o"]
    raw = cached(cc, cmd, source, lambda: _compile_symbols(cmd, source))
    return {
        expr: raw[f"bsdulator_v{i}"] - (1 << 64 if raw[f"bsdulator_n{i}"] else 0)
        for i, expr in enumerate(exprs)
        if f"bsdulator_v{i}" in raw
    }


def _compile_symbols(cmd: list[str], source: str) -> dict[str, int]:
    """The 8-byte values of the bsdulator_* symbols in the object that cmd (ending in -o) compiles
    from source."""
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp, "values.o")
        done = subprocess.run([*cmd, str(obj)], input=source, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[:3000]}")
        elf = ELFFile(io.BytesIO(obj.read_bytes()))
    raw = {}
    for sym in elf.get_section_by_name(".symtab").iter_symbols():
        if sym.name.startswith("bsdulator_"):
            data = elf.get_section(sym["st_shndx"]).data()[sym["st_value"] : sym["st_value"] + 8]
            raw[sym.name] = int.from_bytes(data, "little")
    return raw


def freebsd_macros(*headers: str, defines: tuple[str, ...] = ()) -> dict[str, str]:
    """Object-like macros (name → replacement text) that the FreeBSD headers define."""
    return _macros(FREEBSD_CC, headers, defines)


def linux_macros(*headers: str, defines: tuple[str, ...] = ()) -> dict[str, str]:
    """Object-like macros (name → replacement text) that the host's Linux headers define."""
    return _macros(LINUX_CC, headers, defines)


def freebsd_values(headers, exprs, defines=(), guard=True) -> dict[str, int]:
    """Values of C constant expressions as the FreeBSD/amd64 compiler computes them; undefined
    macros are left out when guard is set."""
    return _values(FREEBSD_CC, tuple(headers), tuple(exprs), tuple(defines), guard)


def linux_values(headers, exprs, defines=(), guard=True) -> dict[str, int]:
    """Values of C constant expressions as the host's Linux/x86_64 compiler computes them; undefined
    macros are left out when guard is set."""
    return _values(LINUX_CC, tuple(headers), tuple(exprs), tuple(defines), guard)


def _same(table_value: int, header_value: int) -> bool:
    """Equal, or equal as 32-bit words: the headers often spell a flag word's top bit as a negative
    int."""
    word = range(-(1 << 31), 1 << 32)
    return table_value == header_value or (
        table_value in word
        and header_value in word
        and (table_value - header_value) % (1 << 32) == 0
    )


def mismatches(table: dict[str, int], values: dict[str, int]) -> dict[str, tuple]:
    """Names whose table value differs from the headers', with (table, headers); a missing name
    shows None."""
    return {
        name: (value, values.get(name))
        for name, value in table.items()
        if name not in values or not _same(value, values[name])
    }
