"""Subsystems plug into the supervisor through typed hooks (bsdulator/hooks.py), in any order."""

import pkgutil

import pytest

from bsdulator import table
from bsdulator.supervisor import Kernel, Supervisor

pytestmark = pytest.mark.unit


def _supervisor(order) -> Supervisor:
    modules = list(pkgutil.iter_modules(__import__("bsdulator.syscalls", fromlist=["x"]).__path__))
    real = pkgutil.iter_modules
    pkgutil.iter_modules = lambda path=None, prefix="": order(modules)
    try:
        return Supervisor(table.build(), "/nonexistent-root", Kernel(1305000, "13.5-RELEASE", 1))
    finally:
        pkgutil.iter_modules = real


def _names(hooks) -> dict:
    return {
        name: sorted(f"{h.__module__}.{h.__qualname__}" for h in getattr(hooks, name))
        for name in ("on_exec", "on_process_exit", "at_exit", "signal_seen", "disposition_changed")
    }


def test_install_order_does_not_matter():
    """Swapping the order the syscalls/ modules install in leaves the same hooks, services and
    MIB tree: no subsystem wraps or replaces another's hook."""
    forward, backward = _supervisor(list), _supervisor(lambda m: list(reversed(m)))
    assert _names(forward.hooks) == _names(backward.hooks)
    assert forward.hooks.deliver_signal is not None and backward.hooks.deliver_signal is not None
    assert type(forward.jails) is type(backward.jails) and forward.jails is not None
    assert forward.sysctl_host is not None and backward.sysctl_host is not None
    assert _mib(forward.sysctl._root) == _mib(backward.sysctl._root)


def _mib(node, prefix="") -> set[str]:
    """Every OID's dotted name (OID_AUTO numbers may differ with the order; names may not)."""
    here = f"{prefix}.{node.name}" if prefix else node.name
    return {here}.union(*(_mib(child, here) for child in node.children.values()))


def test_every_subsystem_hook_is_registered_once():
    hooks = _supervisor(list).hooks
    for name, registered in _names(hooks).items():
        assert len(registered) == len(set(registered)), name
    assert (
        _names(hooks)["on_process_exit"]
        and _names(hooks)["at_exit"]
        and _names(hooks)["signal_seen"]
    )
