"""The security.jail sysctls: a node per jail parameter (what libjail discovers) and the knobs
that set a new jail's defaults."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, Protocol

from bsdulator.abi import sysctl as ctl
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS
from bsdulator.errors import FreeBSDError
from bsdulator.sysctl import SysctlTree

from .params import EINVAL, PARAMS, WIDTH, JailConfig, Kind, Param

# --- the security.jail sysctls -------------------------------------------------


def _param_handler(param: Param) -> Callable[[Any, Any, list[int]], None]:
    """sysctl_jail_param: a node's value only describes it: 0, a string's buffer size, an element's
    size."""
    if param.kind is Kind.STRING:
        text = f"{param.size}".encode() + b"\0"

        def string(ctx: Any, req: Any, rest: list[int]) -> None:
            req.out(text)
            if req.new is not None and len(req.new) >= FREEBSD_KERNEL_DEFAULTS["jail_param_numbuf"]:
                raise FreeBSDError(EINVAL, "sysctl: string too long")

        return string
    if param.kind in (Kind.IP4, Kind.IP6):
        data = struct.pack("<Q", WIDTH[param.kind])
    else:
        data = bytes(WIDTH[param.kind])
    return lambda ctx, req, rest: req.out(data)


class ConfigStore(Protocol):
    """Where the knobs' settings live between processes, as the kernel keeps them between calls."""

    def load(self, config: JailConfig) -> None: ...
    def save(self, config: JailConfig) -> None: ...


def _knob(
    config: JailConfig,
    store: ConfigStore | None,
    get: Callable[[], int],
    put: Callable[[int], None],
) -> tuple[Callable, Callable]:
    """A knob's sysctl getter and setter, reading and writing through the store."""

    def getter(ctx: Any, rest: list[int]) -> int:
        if store:
            store.load(config)
        return get()

    def setter(ctx: Any, rest: list[int], value: int) -> None:
        if store:
            store.load(config)
        put(value)
        if store:
            store.save(config)

    return getter, setter


def _default_allow(
    config: JailConfig, name: str, inverted: bool
) -> tuple[Callable[[], int], Callable[[int], None]]:
    """sysctl_jail_default_allow for one permission of jail(2)'s top-level jails."""

    def get() -> int:
        return int((name in config.default_allow) != inverted)

    def put(value: int) -> None:
        (config.default_allow.add if bool(value) != inverted else config.default_allow.discard)(
            name
        )

    return get, put


def register(
    tree: SysctlTree, config: JailConfig | None = None, store: ConfigStore | None = None
) -> JailConfig:
    """Add security.jail.param.* (what libjail and jls discover parameters by) and the
    security.jail.* knobs.

    Nodes are registered in kernel order, each jailsys node or boolean node (host, allow.mount)
    followed at once by its empty-named child, so that the child is one OID number off the node
    as libjail expects. The knobs show the host's view to every caller, read from and written to
    store when there is one. Returns the config the knobs change."""
    config = config or JailConfig()
    rw, rd, INT = ctl.CTLFLAG_RW, ctl.CTLFLAG_RD, ctl.CTLTYPE_INT
    tree.add(
        "security.jail.jail_max_af_ips",
        ctl.CTLTYPE_UINT,
        *_knob(
            config,
            store,
            lambda: config.max_af_ips,
            lambda value: setattr(config, "max_af_ips", value),
        ),
        flags=rw,
        descr="Number of IP addresses a jail may have at most per address family (deprecated)",
    )
    for knob, name, inverted, descr in (
        (
            "set_hostname_allowed",
            "allow.set_hostname",
            False,
            "Processes in jail can set their hostnames (deprecated)",
        ),
        (
            "socket_unixiproute_only",
            "allow.socket_af",
            True,
            "Processes in jail are limited to creating UNIX/IP/route sockets only (deprecated)",
        ),
        (
            "sysvipc_allowed",
            "allow.sysvipc",
            False,
            "Processes in jail can use System V IPC primitives (deprecated)",
        ),
        (
            "allow_raw_sockets",
            "allow.raw_sockets",
            False,
            "Prison root can create raw sockets (deprecated)",
        ),
        (
            "chflags_allowed",
            "allow.chflags",
            False,
            "Processes in jail can alter system file flags (deprecated)",
        ),
        (
            "mount_allowed",
            "allow.mount",
            False,
            "Processes in jail can mount/unmount jail-friendly file systems (deprecated)",
        ),
        (
            "mlock_allowed",
            "allow.mlock",
            False,
            "Processes in jail can lock/unlock physical pages in memory",
        ),
    ):
        tree.add(
            f"security.jail.{knob}",
            INT,
            *_knob(config, store, *_default_allow(config, name, inverted)),
            flags=rw,
            descr=descr,
        )
    tree.add(
        "security.jail.enforce_statfs",
        INT,
        *_knob(
            config,
            store,
            lambda: config.default_enforce_statfs,
            lambda value: setattr(config, "default_enforce_statfs", value),
        ),
        flags=rw,
        descr="Processes in jail cannot see all mounted file systems (deprecated)",
    )
    tree.add(
        "security.jail.devfs_ruleset",
        INT,
        0,
        flags=rd,
        descr="Ruleset for the devfs filesystem in jail (deprecated)",
    )
    nodes = {p.name for p in PARAMS if p.kind is Kind.NODE}
    for param in PARAMS:
        if not config.has(param):
            continue
        path = f"security.jail.param.{param.name}"
        if param.kind is Kind.NODE:
            tree.add(path, ctl.CTLTYPE_NODE, flags=0, descr=param.descr)
            continue
        tree.add_handler(
            path + "." if param.name in nodes else path,
            param.ctltype,
            _param_handler(param),
            fmt=param.fmt,
            flags=param.access,
            descr=param.descr,
        )
    for param in PARAMS:
        if param.name.startswith("allow.mount.") and config.has(param):
            fs = param.name.rpartition(".")[2]
            tree.add(
                f"security.jail.mount_{fs}_allowed",
                INT,
                *_knob(config, store, *_default_allow(config, param.name, False)),
                flags=rw,
                descr=f"{param.descr} (deprecated)",
            )
    return config
