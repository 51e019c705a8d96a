"""The supervisor's extension points: typed lists of hooks that subsystems register on.

The supervisor calls each list at its event, in registration order, and names no subsystem;
a subsystem (a syscalls/ module's install(sup)) appends what it needs.  No hook depends on
another having run first: each sees the same event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .process import Process, Thread


@dataclass
class Hooks:
    # (thread, regs): a new image is set up; regs are written back after every hook ran
    on_exec: list[Callable[[Thread, object], None]] = field(default_factory=list)
    # (process): its last thread is gone
    on_process_exit: list[Callable[[Process], None]] = field(default_factory=list)
    # (): no traced thread is left
    at_exit: list[Callable[[], None]] = field(default_factory=list)
    # (thread, FreeBSD signal): any delivery stop, whatever the disposition
    signal_seen: list[Callable[[Thread, int], None]] = field(default_factory=list)
    # (thread): sigaction changed one of its process's dispositions
    disposition_changed: list[Callable[[Thread], None]] = field(default_factory=list)
    # The one subsystem that decides a delivery (handler frame, default action, ignore):
    # (thread, Linux signal) -> the Linux signal to let through, 0 for none.
    deliver_signal: Callable[[Thread, int], int] | None = None
