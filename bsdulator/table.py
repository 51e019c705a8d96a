"""The dispatch table: one entry per FreeBSD syscall slot, built from the generated
abi/syscall_table.py plus the handlers that syscalls/*.py register.

Every entry states its support level (the gVisor model), so coverage is a query on
the table, never a hand-written list.  A `native` entry is pure data (a Linux syscall
number, plus named argument translators), which a C loop can execute without Python.
"""
import importlib
import pkgutil
from dataclasses import dataclass
from enum import Enum
from typing import Callable

from .abi.linux_syscalls import LINUX_NR
from .abi.syscall_table import MASTER, MAX_SYSCALL


class Support(str, Enum):
    NATIVE = "native"          # the same Linux call with the same arguments
    TRANSLATED = "translated"  # a Linux call after rewriting arguments or results
    EMULATED = "emulated"      # implemented by bsdulator itself
    STUB = "stub"              # accepted, does nothing useful (documented why)
    ENOSYS = "enosys"          # a FreeBSD call bsdulator does not implement yet
    OBSOLETE = "obsolete"      # a slot FreeBSD itself lacks: SIGSYS + ENOSYS, as FreeBSD


@dataclass(frozen=True)
class Entry:
    nr: int
    name: str
    kind: str                  # syscalls.master type (STD, COMPAT11, OBSOL, ...)
    args: tuple                # ((annotation, ctype, name), ...) from syscalls.master
    support: Support
    handler: Callable | None = None
    linux_nr: int | None = None
    note: str = ""
    fast: str = ""             # a C fast-path kind that finishes this call without Python

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


_REGISTRY: dict[str, _Spec] = {}


def _register(name: str, spec: _Spec) -> None:
    if name not in _NAMES:
        raise KeyError(f"{name} is not a FreeBSD syscall in syscalls.master")
    if name in _REGISTRY:
        raise KeyError(f"{name} registered twice")
    _REGISTRY[name] = spec


def native(name: str, linux: str | None = None, note: str = "") -> None:
    """Declare that FreeBSD `name` is Linux `linux` with identical arguments."""
    _register(name, _Spec(Support.NATIVE, linux_nr=LINUX_NR[linux or name], note=note, fast="native"))


def handler(name: str, support: Support, note: str = "", fast: str = "") -> Callable:
    """Decorator: `fn(call, *args)` implements FreeBSD syscall `name`; `fast` names the C
    fast-path kind that does the same for the common case (fn stays the slow path)."""
    def wrap(fn):
        _register(name, _Spec(support, handler=fn, note=note, fast=fast))
        return fn
    return wrap


def stub(name: str, result: int = 0, note: str = "") -> None:
    """A call that succeeds without effect; `note` says why that is right here."""
    _register(name, _Spec(Support.STUB, handler=lambda call, *a: result, note=note))


_NAMES = {name for (_k, name, _r, _a) in MASTER.values()}
_ABSENT = ("OBSOL", "RESERVED", "UNIMPL")


def build() -> list[Entry]:
    """Import every syscalls/ module (they register themselves) and assemble the table."""
    from . import syscalls
    for mod in pkgutil.iter_modules(syscalls.__path__):
        importlib.import_module(f"{syscalls.__name__}.{mod.name}")
    table = []
    for nr in range(MAX_SYSCALL):
        kind, name, _ret, args = MASTER[nr]
        absent = kind.split("|")[0] in _ABSENT
        spec = None if absent else _REGISTRY.get(name)  # an OBSOL slot may share a live call's name
        if kind == "SYSMUX":
            table.append(Entry(nr, name, kind, args, Support.EMULATED,
                               note="indirect: the engine takes the number from the first argument"))
        elif spec is None:
            table.append(Entry(nr, name, kind, args, Support.OBSOLETE if absent else Support.ENOSYS))
        else:
            table.append(Entry(nr, name, kind, args, spec.support, spec.handler, spec.linux_nr, spec.note,
                               spec.fast))
    return table
