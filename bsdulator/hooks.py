"""The supervisor's extension points: typed lists of hooks that subsystems register on.

The supervisor calls each list at its event, in registration order, and names no subsystem;
a subsystem (a syscalls/ module's install(sup)) appends what it needs.  No hook depends on
another having run first: each sees the same event."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Hooks:
    on_exec: list[Callable] = field(default_factory=list)              # (thread, regs): a new image
    on_process_exit: list[Callable] = field(default_factory=list)      # (proc): its last thread is gone
    at_exit: list[Callable] = field(default_factory=list)              # (): no traced thread is left
    signal_seen: list[Callable] = field(default_factory=list)          # (thread, FreeBSD signal): any delivery
    disposition_changed: list[Callable] = field(default_factory=list)  # (thread): sigaction changed one
    # The one subsystem that decides a delivery (handler frame, default action, ignore):
    # (thread, Linux signal) -> the Linux signal to let through, 0 for none.
    deliver_signal: Callable | None = None

    def run(self, name: str, *args) -> None:
        for hook in getattr(self, name):
            hook(*args)
