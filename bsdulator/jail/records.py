"""Jails as the rules see them: a JailRecord per prison (the host is jid 0), the JailStore
that keeps them, and the view of them from one caller's jail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bsdulator.abi import jail as abi

from .params import NO_ADDRESS_LIMITS, SYSV, JailConfig

# --- jails and where they are kept ------------------------------------------


@dataclass(frozen=True)
class JailRecord:
    """One prison as the store keeps it. The host is the record with jid 0 (prison0, see
    host_jail)."""

    jid: int
    name: str  # full dotted name (pr_name), e.g. "web.db"; the host's is "0"
    path: str  # root directory, as a path from the real root
    parent: int  # the parent's jid: 0 for a top-level jail, -1 for the host
    dying: bool = False  # removed, but processes (or references) remain
    persist: bool = False  # lives on without processes
    params: Mapping[str, Any] = field(default_factory=dict)
    # params: every other stored parameter by name, typed: securelevel, children.max,
    # enforce_statfs,
    # devfs_ruleset, osreldate, cpuset.id (int); osrelease, host.hostname, host.domainname,
    # host.hostuuid
    # (str); host.hostid (int); host, vnet, ip4, ip6, sysvshm, sysvsem, sysvmsg (JAIL_SYS_* as
    # jail_get
    # reports them, sysv* being what the jail chose, see sysv_value); ip4.addr, ip6.addr (tuples of
    # address strings, primary first); ip4.saddrsel, ip6.saddrsel and every allow.* (bool).

    @property
    def alive(self) -> bool:
        """prison_isalive."""
        return not self.dying

    def get(self, name: str) -> Any:
        """A stored parameter; allow.* a record predates (a module loaded since) read as False."""
        return self.params.get(name, False)


class JailStore(Protocol):
    """Where jails are kept (SQLite, elsewhere). Only read here; SetPlan says what to write."""

    last_jid: int  # lastprid: the jid get_next_prid handed out last (0 at first)
    last_dead_jid: (
        int  # lastdeadid: the jid last given to a dying jail moved out of the way (0 at first)
    )

    def get(self, jid: int) -> JailRecord | None:
        """The jail numbered jid, dying or not; 0 is the host."""

    def after(self, jid: int) -> JailRecord | None:
        """The jail with the smallest jid greater than jid, dying or not (never the host)."""

    def children(self, jid: int) -> Iterable[JailRecord]:
        """The jails whose parent is jid, dying or not."""


def host_jail(
    *,
    hostname: str,
    osrelease: str,
    osreldate: int,
    securelevel: int = -1,
    domainname: str = "",
    hostuuid: str = abi.DEFAULT_HOSTUUID,
    hostid: int = 0,
    config: JailConfig | None = None,
) -> JailRecord:
    """prison0: the host as the root of the jail tree, with every permission and every facility of
    its own."""
    config = config or JailConfig()
    params: dict[str, Any] = {
        "securelevel": securelevel,
        "children.max": abi.JAIL_MAX,
        "enforce_statfs": 0,
        "devfs_ruleset": 0,
        "osreldate": osreldate,
        "osrelease": osrelease,
        "cpuset.id": 1,
        "host": abi.JAIL_SYS_NEW,
        "host.hostname": hostname,
        "host.domainname": domainname,
        "host.hostuuid": hostuuid,
        "host.hostid": hostid,
        "vnet": abi.JAIL_SYS_NEW,
        **NO_ADDRESS_LIMITS,
        **{name: abi.JAIL_SYS_NEW for name in SYSV},
        **{name: True for name in config.allows()},
    }
    return JailRecord(0, "0", "/", -1, persist=True, params=params)


class View:
    """The store as a call sees it: its own pending changes first."""

    def __init__(self, store: JailStore):
        self.store = store
        self.changed: dict[int, JailRecord] = {}
        self.created: int | None = (
            None  # a jid being created: whatever the store has under it is not its child
        )

    def get(self, jid: int) -> JailRecord | None:
        """The jail as it stands within this call."""
        return self.changed[jid] if jid in self.changed else self.store.get(jid)

    def put(self, record: JailRecord) -> None:
        """Change a jail within this call."""
        self.changed[record.jid] = record

    def caller(self, jid: int) -> JailRecord:
        """The caller's own prison, which must exist."""
        record = self.get(jid)
        if record is None:
            raise ValueError(f"jail {jid} (the caller's) is not in the store")
        return record

    def children(self, jid: int) -> list[JailRecord]:
        """Direct children, with pending changes."""
        if jid == self.created:
            return []
        return [self.get(child.jid) for child in self.store.children(jid)]

    def descendants(
        self, jid: int, prune: Callable[[JailRecord], bool] = lambda r: False
    ) -> Iterator[tuple[JailRecord, int]]:
        """FOREACH_PRISON_DESCENDANT: every jail below jid in pre-order, with its depth; prune skips
        a subtree."""
        for child in self.children(jid):
            if prune(child):
                continue
            yield child, 1
            for below, depth in self.descendants(child.jid, prune):
                yield below, depth + 1

    def all(self) -> Iterator[JailRecord]:
        """allprison: every jail but the host, in jid order."""
        record = self.store.after(0)
        while record is not None:
            yield self.get(record.jid)
            record = self.store.after(record.jid)

    def ancestors(self, record: JailRecord) -> Iterator[JailRecord]:
        """The parent, its parent, ... up to the host."""
        while record.parent >= 0:
            record = self.caller(record.parent)
            yield record

    def is_child(self, mine: JailRecord, other: JailRecord) -> bool:
        """prison_ischild: other is below mine."""
        return any(a.jid == mine.jid for a in self.ancestors(other))

    def child_count(self, record: JailRecord) -> int:
        """pr_childcount: the jails below, dying ones included."""
        return sum(1 for _ in self.descendants(record.jid))

    def find_child(self, mine: JailRecord, jid: int) -> JailRecord | None:
        """prison_find_child: a jail below mine by jid."""
        return next((r for r, _ in self.descendants(mine.jid) if r.jid == jid), None)

    def find_name(self, mine: JailRecord, name: str) -> JailRecord | None:
        """prison_find_name: a jail below mine by its name relative to mine, a live one before a
        dying one."""
        prefix = "" if mine.jid == 0 else mine.name + "."
        found = [r for r, _ in self.descendants(mine.jid) if r.name == prefix + name]
        return next((r for r in found if r.alive), found[0] if found else None)

    def relative_name(self, mine: JailRecord, record: JailRecord) -> str:
        """prison_name: record's name as mine sees it ("0" for itself)."""
        if mine.jid == record.jid:
            return "0"
        if not self.is_child(mine, record):
            return record.name
        depth = sum(1 for _ in self.ancestors(mine))
        return record.name.split(".", depth)[-1]

    def ip_restricted(self, record: JailRecord, family: str) -> bool:
        """PR_IP4 / PR_IP6: this jail or an ancestor limits the family (prison0 does not)."""
        chain = [record, *self.ancestors(record)]
        return any(
            r.jid != 0 and r.get(family) == abi.JAIL_SYS_DISABLE
            for r in chain[: _vnet_depth(chain)]
        )

    def sysv_root(self, record: JailRecord, name: str) -> int | None:
        """The jid whose SysV IPC objects record uses for name, None when it has none (the module's
        OSD slot)."""
        for r in (record, *self.ancestors(record)):
            if r.get(name) != abi.JAIL_SYS_INHERIT:
                return r.jid if r.get(name) == abi.JAIL_SYS_NEW else None
        return None


def _vnet_depth(chain: list[JailRecord]) -> int:
    """How far up an IP restriction reaches: to the first jail with its own network stack."""
    return next(
        (i + 1 for i, r in enumerate(chain) if r.get("vnet") == abi.JAIL_SYS_NEW and r.jid != 0),
        len(chain),
    )


def sysv_value(view: View, record: JailRecord, name: str) -> int:
    """sysv*_prison_get: none -> disable, its own -> new, an ancestor's -> inherit."""
    root = view.sysv_root(record, name)
    return (
        abi.JAIL_SYS_DISABLE
        if root is None
        else abi.JAIL_SYS_NEW
        if root == record.jid
        else abi.JAIL_SYS_INHERIT
    )


def privileged(uid: int, caller: JailRecord) -> bool:
    """priv_check for PRIV_JAIL_*: root, where root is still root (allow.suser)."""
    return uid == 0 and bool(caller.get("allow.suser"))
