"""The dispatch table: one entry per FreeBSD syscall slot, built from the generated
abi/syscall_table.py plus the handlers that syscalls/*.py register.

Every entry states its support level (the gVisor model), so coverage is a query on
the table, never a hand-written list.  A `native` entry is pure data (a Linux syscall
number, plus named argument translators), which a C loop can execute without Python.
"""

import importlib
import os
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .abi.linux_syscalls import LINUX_NR
from .abi.syscall_table import MASTER, MAX_SYSCALL


class Support(StrEnum):
    NATIVE = "native"  # the same Linux call with the same arguments
    TRANSLATED = "translated"  # a Linux call after rewriting arguments or results
    EMULATED = "emulated"  # implemented by bsdulator itself
    PARTIAL = "partial"  # served, except what its note says is missing
    STUB = "stub"  # accepted, does nothing useful (documented why)
    ENOSYS = "enosys"  # a FreeBSD call bsdulator does not implement yet
    OBSOLETE = "obsolete"  # a slot FreeBSD itself lacks: SIGSYS + ENOSYS, as FreeBSD


@dataclass(frozen=True)
class Entry:
    nr: int
    name: str
    kind: str  # syscalls.master type (STD, COMPAT11, OBSOL, ...)
    args: tuple  # ((annotation, ctype, name), ...) from syscalls.master
    support: Support
    handler: Callable | None = None
    linux_nr: int | None = None
    note: str = ""
    fast: str = ""  # a C fast-path kind that finishes this call without Python
    where: str = ""  # file:function:line of the code that serves it (see _where)
    paths: tuple[int, ...] = ()  # which arguments are path names (namei's PATH_MAX applies)

    @property
    def nargs(self) -> int:
        return sum(1 for a in self.args if a[1] != "...")


@dataclass
class _Spec:
    support: Support
    handler: Callable | None = None
    linux_nr: int | None = None
    note: str = ""
    fast: str = ""
    where: str = ""


# syscalls/ sits beside bsdulator/
_TREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _where(filename: str, function: str, line: int) -> str:
    """`syscalls/file.py:sys_openat:120`: one hop from a table row to its code."""
    return f"{os.path.relpath(filename, _TREE)}:{function}:{line}"


def _declared_here(declarer: str) -> str:
    """Where a data-only entry (native, stub) was declared: the caller of `native`/`stub`."""
    frame = sys._getframe(2)
    return _where(frame.f_code.co_filename, declarer, frame.f_lineno)


_REGISTRY: dict[str, _Spec] = {}


def _register(name: str, spec: _Spec) -> None:
    if name not in _NAMES:
        raise KeyError(f"{name} is not a FreeBSD syscall in syscalls.master")
    if name in _REGISTRY:
        raise KeyError(f"{name} registered twice")
    _REGISTRY[name] = spec


def native(name: str, linux: str | None = None, note: str = "") -> None:
    """Declare that FreeBSD `name` is Linux `linux` with identical arguments."""
    _register(
        name,
        _Spec(
            Support.NATIVE,
            linux_nr=LINUX_NR[linux or name],
            note=note,
            fast="native",
            where=_declared_here("native"),
        ),
    )


def handler(name: str, support: Support, note: str = "", fast: str = "") -> Callable:
    """Decorator: `fn(call, *args)` implements FreeBSD syscall `name`; `fast` names the C
    fast-path kind that does the same for the common case (fn stays the slow path).
    A Support.PARTIAL handler's `note` lists what is missing, not how the rest works."""

    def wrap(fn):
        code = fn.__code__
        _register(
            name,
            _Spec(
                support,
                handler=fn,
                note=note,
                fast=fast,
                where=_where(code.co_filename, code.co_name, code.co_firstlineno),
            ),
        )
        return fn

    return wrap


def stub(name: str, result: int = 0, note: str = "") -> None:
    """A call that succeeds without effect; `note` says why that is right here."""
    _register(
        name,
        _Spec(
            Support.STUB, handler=lambda call, *a: result, note=note, where=_declared_here("stub")
        ),
    )


_REASONS: dict[str, str] = {}  # name -> why bsdulator leaves that FreeBSD call unimplemented


def unimplemented(note: str, *names: str) -> None:
    """Say why FreeBSD calls `names` stay `enosys` (syscalls/unsupported.py); a handler
    registered for one of them wins, and a test names the reason that became stale."""
    for name in names:
        if name not in _NAMES:
            raise KeyError(f"{name} is not a FreeBSD syscall in syscalls.master")
        if name in _REASONS:
            raise KeyError(f"{name} has two reasons")
        _REASONS[name] = note


_KIND_REASONS: dict[str, str] = {}  # syscalls.master type (COMPAT4 …) -> why none is served


def unimplemented_kind(kind: str, note: str) -> None:
    """Say why the entries of syscalls.master type `kind` that have no handler stay `enosys`."""
    if kind in _KIND_REASONS:
        raise KeyError(f"{kind} has two reasons")
    _KIND_REASONS[kind] = note


def reasons() -> dict[str, str]:
    return dict(_REASONS)


_NAMES = {name for (_k, name, _r, _a) in MASTER.values()}
# The syscalls.master names of the string arguments namei (or kern_execve, kldload, shm's
# path lookup) copies in with MAXPATHLEN as the bound.
PATH_ARGS = frozenset(
    {"path", "path1", "path2", "from", "to", "link", "old", "new", "fname", "file"}
    | {"filename", "path_p", "path_from", "path_to"}
)


def path_args(args: tuple) -> tuple[int, ...]:
    """The positions of a syscalls.master argument list's path names (`_In_z_` strings)."""
    return tuple(i for i, a in enumerate(args) if a[0].startswith("_In_z") and a[2] in PATH_ARGS)


_ABSENT = ("OBSOL", "RESERVED", "UNIMPL")


def _reason(name: str, kind: str) -> str:
    return _REASONS.get(name) or _KIND_REASONS.get(kind.split("|")[0], "")


def build() -> list[Entry]:
    """Import every syscalls/ module (they register themselves) and assemble the table."""
    from . import engine, syscalls

    for mod in pkgutil.iter_modules(syscalls.__path__):
        importlib.import_module(f"{syscalls.__name__}.{mod.name}")
    table = []
    for nr in range(MAX_SYSCALL):
        kind, name, _ret, args = MASTER[nr]
        absent = kind.split("|")[0] in _ABSENT
        spec = None if absent else _REGISTRY.get(name)  # an OBSOL slot may share a live call's name
        if kind == "SYSMUX":
            enter = engine.enter.__code__
            table.append(
                Entry(
                    nr,
                    name,
                    kind,
                    args,
                    Support.EMULATED,
                    note="indirect: the engine takes the number from the first argument",
                    where=_where(enter.co_filename, enter.co_name, enter.co_firstlineno),
                )
            )
        elif spec is None:
            table.append(
                Entry(nr, name, kind, args, Support.OBSOLETE)
                if absent
                else Entry(nr, name, kind, args, Support.ENOSYS, note=_reason(name, kind))
            )
        else:
            paths = path_args(args)
            table.append(
                Entry(
                    nr,
                    name,
                    kind,
                    args,
                    spec.support,
                    spec.handler,
                    spec.linux_nr,
                    spec.note,
                    # A path's length is checked in Python before the call runs natively.
                    "" if paths and spec.fast == "native" else spec.fast,
                    spec.where,
                    paths,
                )
            )
    return table
