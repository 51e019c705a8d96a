"""The kernel's jail(2), jail_set(2), jail_get(2), jail_attach(2) and jail_remove(2) rules,
as pure logic.

The rules are sys/kern/kern_jail.c's (13.5 behaviour, without jail descriptors), with the
vfsopt layer it borrows from kern/vfs_mount.c (options.py): the last of several same-named
options wins, every option the kernel looks at is marked seen, and any left unseen fails the
call as an unknown parameter once every other check has passed.  Jails live in a JailStore
that someone else keeps (registry.py); plan_set says what to change in it and never changes
it."""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bsdulator.abi import jail as abi
from bsdulator.errors import FreeBSDError

from .options import Request, Writeback
from .params import (
    ALLOW_DIFFERENCES,
    BOOLS,
    EADDRINUSE,
    EAGAIN,
    EEXIST,
    EINVAL,
    ENAMETOOLONG,
    ENOENT,
    EPERM,
    JAIL_DEFAULT_ALLOW,
    NO_ADDRESS_LIMITS,
    PARAM,
    SYSV,
    JailConfig,
    JailError,
    Kind,
    Pairs,
    Param,
    cstr,
    decode_value,
    encode_value,
    encoded,
)
from .records import JailRecord, JailStore, View, privileged, sysv_value

# The addresses a new vnet jail created with ip4.addr puts on its eth0 (bsdulator/net/layout.py).
# FreeBSD refuses ip4.addr on a vnet jail; that one combination is how BSDulator's Phase 3 flow
# asks for the automatic layout, so the addresses become eth0's instead of an IP restriction.
# A record key, not a parameter: no request can name it.
LAYOUT_ADDRS = "layout.ip4.addr"

# --- jail_set(2) --------------------------------------------------------------


@dataclass(frozen=True)
class SetPlan:
    """What a successful jail_set(2) changes; the caller saves it all, then attaches if asked."""

    jid: int  # what jail_set returns
    created: bool  # record is a new jail to add
    record: JailRecord  # the jail as it is after the call
    attach: bool  # JAIL_ATTACH: move the calling process into record
    descendants: tuple[JailRecord, ...] = ()  # jails below record that inherited part of the change
    renumbered: tuple[int, int] | None = (
        None  # (old, new) jid of a dying jail moved off the jid record takes
    )
    last_jid: int = 0  # the store's new last_jid
    last_dead_jid: int = 0  # the store's new last_dead_jid


def _strtoul(text: str) -> tuple[int, str]:
    """strtoul(3) in base 10, as libkern has it: the unsigned long value and what is left after the
    number."""
    s = text.lstrip(" \t\n\v\f\r")
    sign, digits = (s[0], s[1:]) if s[:1] in ("+", "-") else ("", s)
    n = len(digits) - len(digits.lstrip("0123456789"))
    if n == 0:
        return 0, text
    value = int(digits[:n])
    if value >= 2**64:
        return 2**64 - 1, digits[n:]
    return (-value % 2**64 if sign == "-" else value), digits[n:]


def _as_int(value: int) -> int:
    """An unsigned long stored into a C int: its low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _next_prid(jids: list[int], last: int) -> int:
    """get_next_prid: the next free jid after last, wrapping at JAIL_MAX; 0 when none is free."""
    jid = last % abi.JAIL_MAX + 1
    if not jids or jids[-1] < jid:
        return jid
    maxid = abi.JAIL_MAX
    while True:
        for taken in jids:
            if taken < jid:
                continue
            if taken > jid:
                return jid
            jid += 1
            if jid > maxid:
                if last in (maxid, 0):
                    return 0
                jid, maxid = 1, last
                break
        else:
            return jid


def _next_deadid(jids: list[int], last: int) -> int:
    """get_next_deadid: like _next_prid, counting down from JAIL_MAX; 0 when none is free."""
    deadid = last - 1 if last else abi.JAIL_MAX
    minid = 1
    while True:
        for taken in reversed(jids):
            if taken > deadid:
                continue
            if taken < deadid:
                return deadid
            deadid -= 1
            if deadid < minid:
                if last in (minid, 0):
                    return 0
                deadid, minid = abi.JAIL_MAX, last
                break
        else:
            return deadid


def _blen(text: str) -> int:
    """strlen of a str as the kernel holds it."""
    return len(encoded(text))


def _string_opt(req: Request, name: str, limit: int) -> str | None:
    """A NUL-terminated string option no longer than limit bytes with its NUL, None when absent."""
    given, raw = req.raw(name)
    if not given:
        return None
    if not raw or raw[-1] != 0:
        raise JailError(EINVAL)
    if len(raw) > limit:
        raise JailError(ENAMETOOLONG)
    return cstr(raw)


def _int_opt(req: Request, name: str) -> int | None:
    """vfs_copyopt of an int: exactly sizeof(int) bytes (EINVAL otherwise), None when absent."""
    given, raw = req.raw(name)
    if not given:
        return None
    if len(raw or b"") != 4:
        raise JailError(EINVAL)
    return struct.unpack("<i", raw)[0]


def _default_path_lookup(caller: JailRecord) -> Callable[[str], str]:
    """Without a file system to ask: a path taken as seen from the caller's root, normalised."""

    def lookup(path: str) -> str:
        parts: list[str] = []
        for part in path.split("/"):
            if part == "..":
                parts = parts[:-1]
            elif part not in ("", "."):
                parts.append(part)
        root = caller.path.rstrip("/")
        return root + "/" + "/".join(parts) if parts else caller.path

    return lookup


class _SetRequest:
    """The parts of a jail_set request kern_jail_set gathers before it looks for the jail."""

    def __init__(self, req: Request, flags: int, config: JailConfig):
        self.req = req
        update = flags & abi.JAIL_UPDATE
        self.jid = _int_opt(req, "jid") or 0
        self.slevel = _int_opt(req, "securelevel")
        self.childmax = _int_opt(req, "children.max")
        self.enforce = _int_opt(req, "enforce_statfs")
        if self.enforce is not None and not 0 <= self.enforce <= 2:
            raise JailError(EINVAL)
        self.rsnum = _int_opt(req, "devfs_ruleset")
        self.bools = {name: value for name in BOOLS if (value := req.flag(name)) is not None}
        self.jailsys: dict[str, int] = {}
        for name in ("host", "vnet", "ip4", "ip6"):
            value = _int_opt(req, name)
            if value is None:
                continue
            if value not in (abi.JAIL_SYS_NEW, abi.JAIL_SYS_INHERIT) and not (
                value == abi.JAIL_SYS_DISABLE and name in ("ip4", "ip6")
            ):
                raise JailError(EINVAL)
            self.jailsys[name] = value
        if flags & (abi.JAIL_CREATE | abi.JAIL_ATTACH) == abi.JAIL_CREATE and not self.bools.get(
            "persist"
        ):
            raise JailError(EINVAL, "new jail must persist or attach")
        for name in ("vnet", "ip4", "ip6"):
            if update and name in self.jailsys:
                raise JailError(EINVAL, f"{name} cannot be changed after creation")
        self.allow = {
            name: value for name in config.allows() if (value := req.flag(name)) is not None
        }
        self.name = _string_opt(req, "name", abi.MAXHOSTNAMELEN)
        self.host = {
            name: value
            for name, limit in (
                ("host.hostname", abi.MAXHOSTNAMELEN),
                ("host.domainname", abi.MAXHOSTNAMELEN),
                ("host.hostuuid", abi.HOSTUUIDLEN),
            )
            if (value := _string_opt(req, name, limit)) is not None
        }
        given, raw = req.raw("host.hostid")
        if given:
            self.host["host.hostid"] = decode_value(PARAM["host.hostid"], raw)
        self.ips = {
            name: value
            for name in ("ip4.addr", "ip6.addr")
            if (value := req.value(name, max_ips=config.max_af_ips)) is not None
        }
        ip_user = {
            name for name in ("ip4", "ip6") if name in self.jailsys or f"{name}.addr" in self.ips
        }
        self.layout: tuple[str, ...] = ()  # LAYOUT_ADDRS of a new jail
        if "vnet" in self.jailsys and ip_user:
            if not self._asks_layout(flags, ip_user):
                raise JailError(EINVAL, "vnet jails cannot have IP address restrictions")
            self.layout = self.ips.pop("ip4.addr")
            ip_user = set()
        self.ip_user = ip_user  # ch_flags & PR_IP*_USER
        self.osrelease = self._osrelease(update)
        self.osreldate = self._osreldate(update)
        given, raw = req.raw("path")
        if given and update:
            raise JailError(EINVAL, "path cannot be changed after creation")
        if given and (not raw or raw[-1] != 0):
            raise JailError(EINVAL)
        self.path = cstr(raw) if given else None

    def _asks_layout(self, flags: int, ip_user: set[str]) -> bool:
        """The one combination FreeBSD refuses that means the automatic layout (LAYOUT_ADDRS): a
        new vnet jail with IPv4 addresses and nothing else limiting its addresses."""
        return (
            flags & (abi.JAIL_CREATE | abi.JAIL_UPDATE) == abi.JAIL_CREATE
            and self.jailsys["vnet"] == abi.JAIL_SYS_NEW
            and ip_user == {"ip4"}
            and "ip4" not in self.jailsys
            and bool(self.ips.get("ip4.addr"))
        )

    def _osrelease(self, update: int) -> str | None:
        """osrelease: creation only, 1 to OSRELEASELEN - 1 bytes with its NUL."""
        given, raw = self.req.raw("osrelease")
        if not given:
            return None
        if update:
            raise JailError(EINVAL, "osrelease cannot be changed after creation")
        if not raw or raw[-1] != 0:
            raise JailError(EINVAL)
        if len(raw) >= abi.OSRELEASELEN:
            raise JailError(
                ENAMETOOLONG, f"osrelease string must be 1-{abi.OSRELEASELEN - 1} bytes long"
            )
        return cstr(raw)

    def _osreldate(self, update: int) -> int | None:
        """osreldate: creation only, never 0."""
        value = _int_opt(self.req, "osreldate")
        if value is not None and update:
            raise JailError(EINVAL, "osreldate cannot be changed after creation")
        if value == 0:
            raise JailError(EINVAL, "osreldate cannot be 0")
        return value

    def ip_new(self, name: str) -> bool:
        """pr_flags & PR_IP*_USER: the request limits the family (addresses, or ip4/ip6 = new or
        disable)."""
        return (
            f"{name}.addr" in self.ips
            or self.jailsys.get(name, abi.JAIL_SYS_INHERIT) != abi.JAIL_SYS_INHERIT
        )


def plan_set(
    store: JailStore,
    caller_jid: int,
    flags: int,
    pairs: Pairs,
    *,
    uid: int = 0,
    lookup: Callable[[str], str] | None = None,
    config: JailConfig | None = None,
) -> SetPlan:
    """kern_jail_set: create or update a jail as the caller in jail caller_jid (0: the host) asks;
    raises JailError.

    lookup turns the "path" value into the directory's path from the real root (namei and
    vn_path_to_global_path), raising FreeBSDError (ENOENT, ENOTDIR ...) where the kernel would;
    without it the path is taken relative to the caller's root."""
    config = config or JailConfig()
    view = View(store)
    mine = view.caller(caller_jid)
    if flags & abi.JAIL_CREATE and mine.get("children.max") == 0:
        raise JailError(EPERM)
    if flags & ~abi.JAIL_SET_MASK:
        raise JailError(EINVAL)
    req = Request(pairs)
    cuflags = flags & (abi.JAIL_CREATE | abi.JAIL_UPDATE)
    if not cuflags:
        raise JailError(EINVAL, "no valid operation (create or update)")
    if not privileged(uid, mine):
        raise JailError(EPERM)
    ask = _SetRequest(req, flags, config)
    path = None
    if ask.path is not None:
        try:
            path = (lookup or _default_path_lookup(mine))(ask.path)
        except FreeBSDError as e:
            raise JailError(e.errno) from e
    return _Setter(view, mine, flags, cuflags, ask, path, config).plan()


class _Setter:
    """The second half of kern_jail_set: find the jail (or its parent), check, then work out the new
    state."""

    def __init__(
        self,
        view: View,
        mine: JailRecord,
        flags: int,
        cuflags: int,
        ask: _SetRequest,
        path: str | None,
        config: JailConfig,
    ):
        self.view, self.mine, self.flags, self.cuflags = view, mine, flags, cuflags
        self.ask, self.path, self.config = ask, path, config

    def plan(self) -> SetPlan:
        """Find, create or check, then apply."""
        view, ask = self.view, self.ask
        pr, parent, deadpr, leaf = self._find()
        created = pr is None
        renumbered, last_jid, last_dead = None, view.store.last_jid, view.store.last_dead_jid
        jid = ask.jid or self.default_jid
        if created:
            for tpr in (self.mine, *view.ancestors(self.mine)):
                if view.child_count(tpr) >= tpr.get("children.max"):
                    raise JailError(EPERM, "prison limit exceeded")
            jids = [r.jid for r in view.all()]
            if deadpr is not None:
                last_dead = _next_deadid(jids, last_dead)
                if last_dead == 0:
                    raise JailError(EAGAIN, "no available jail IDs")
                renumbered = (deadpr.jid, last_dead)
            if jid == 0:
                jid = last_jid = _next_prid(jids, last_jid)
                if jid == 0:
                    raise JailError(EAGAIN, "no available jail IDs")
            pr = self._new_jail(jid, parent)
            leaf = "" if leaf is None else leaf
        else:
            self._check_existing(pr)
        self._final_checks(pr, parent)
        leaf = self._check_name(pr, parent, leaf)
        self._check_rest(parent)
        self._apply(pr, parent, leaf)
        record = view.get(pr.jid) if not created else view.changed.pop(pr.jid)
        descendants = tuple(r for j, r in view.changed.items() if j != record.jid)
        return SetPlan(
            record.jid,
            created,
            record,
            bool(self.flags & abi.JAIL_ATTACH),
            descendants,
            renumbered,
            last_jid,
            last_dead,
        )

    @property
    def default_jid(self) -> int:
        """A new jail named with a number (or ending in .number) takes that number as its jid."""
        if self.cuflags != abi.JAIL_CREATE or self.ask.name is None:
            return 0
        value, rest = _strtoul(self.ask.name.rpartition(".")[2])
        return _as_int(value) if rest == "" else 0

    def _find(self) -> tuple[JailRecord | None, JailRecord, JailRecord | None, str | None]:
        """The jail to update (None: create one), its parent, a dying jail on the jid asked for, the
        name's leaf."""
        view, ask, mine, cuflags = self.view, self.ask, self.mine, self.cuflags
        pr = deadpr = None
        parent = mine
        jid = ask.jid or self.default_jid
        if not mine.alive:
            raise JailError(EAGAIN)
        if jid != 0:
            if jid < 0:
                raise JailError(EINVAL, "negative jid")
            found = view.get(jid)
            if found is not None:
                pr, deadpr = (found, None) if found.alive else (None, found)
            if cuflags == abi.JAIL_CREATE and pr is not None:
                raise JailError(EEXIST, f"jail {jid} already exists")
            if (cuflags == abi.JAIL_UPDATE) if pr is None else not view.is_child(mine, pr):
                raise JailError(ENOENT, f"jail {jid} not found")
            if pr is not None:
                parent = view.caller(pr.parent)
        if ask.name is None:
            if cuflags == abi.JAIL_UPDATE and pr is None:
                raise JailError(ENOENT, "update specified no jail")
            return pr, parent, deadpr, None
        name = ask.name
        head, dot, leaf = name.rpartition(".")
        if dot:
            if pr is not None:
                if head != parent.name:
                    raise JailError(EINVAL, "cannot change jail's parent")
            else:
                parent = view.find_name(mine, head)
                if parent is None:
                    raise JailError(ENOENT, f'jail "{head}" not found')
                if not parent.alive:
                    raise JailError(ENOENT, f'jail "{head}" is dying')
        if leaf:
            prefix = "" if parent.jid == 0 else parent.name + "."
            for tpr in view.children(parent.jid):
                if (
                    (pr is not None and tpr.jid == pr.jid)
                    or not tpr.alive
                    or tpr.name != prefix + leaf
                ):
                    continue
                if cuflags == abi.JAIL_CREATE or pr is not None:
                    raise JailError(EEXIST, f'jail "{name}" already exists')
                pr = tpr
                break
            if pr is None and cuflags == abi.JAIL_UPDATE:
                raise JailError(ENOENT, f'jail "{name}" not found')
        return pr, parent, deadpr, leaf

    def _new_jail(self, jid: int, parent: JailRecord) -> JailRecord:
        """A new prison's defaults, partly inherited from its parent, as kern_jail_set fills them
        in."""
        view, ask = self.view, self.ask
        params: dict[str, Any] = {
            "securelevel": parent.get("securelevel"),
            "children.max": 0,
            "enforce_statfs": self.config.default_enforce_statfs,
            "devfs_ruleset": parent.get("devfs_ruleset"),
            "osreldate": ask.osreldate or parent.get("osreldate"),
            "osrelease": parent.get("osrelease") if ask.osrelease is None else ask.osrelease,
            "cpuset.id": max([1, *(r.get("cpuset.id") for r in view.all())]) + 1,
            "host": abi.JAIL_SYS_NEW,
            "host.hostname": "",
            "host.domainname": "",
            "host.hostuuid": abi.DEFAULT_HOSTUUID,
            "host.hostid": 0,
            "vnet": abi.JAIL_SYS_NEW
            if ask.jailsys.get("vnet") == abi.JAIL_SYS_NEW
            else abi.JAIL_SYS_INHERIT,
            **NO_ADDRESS_LIMITS,
            **{name: abi.JAIL_SYS_DISABLE for name in SYSV},
            **{
                name: name in JAIL_DEFAULT_ALLOW and bool(parent.get(name))
                for name in self.config.allows()
            },
        }
        if ask.layout:
            params[LAYOUT_ADDRS] = ask.layout
        if params["vnet"] != abi.JAIL_SYS_NEW:
            for family in ("ip4", "ip6"):
                if family not in ask.ip_user:
                    params[family] = abi.JAIL_SYS_DISABLE
                elif not ask.ip_new(family):
                    params[f"{family}.addr"] = parent.get(f"{family}.addr") or ()
        path = self.path if self.path is not None else self.mine.path
        record = JailRecord(jid, "", path, parent.jid, params=params)
        view.created = jid
        view.put(record)
        return record

    def _check_existing(self, pr: JailRecord) -> None:
        """What an update may not change: IP limits of a vnet jail, or whether the jail limits a
        family."""
        if pr.get("vnet") == abi.JAIL_SYS_NEW and self.ask.ip_user:
            raise JailError(EINVAL, "vnet jails cannot have IP address restrictions")
        for family in sorted(self.ask.ip_user):
            if self.ask.ip_new(family) != (pr.get(family) == abi.JAIL_SYS_DISABLE):
                raise JailError(EINVAL, f"{family} cannot be changed after creation")

    def _final_checks(self, pr: JailRecord, parent: JailRecord) -> None:
        """Limits the parent sets: securelevel, children.max, enforce_statfs, devfs_ruleset,
        addresses, allow.*."""
        view, ask = self.view, self.ask
        if ask.slevel is not None and ask.slevel < parent.get("securelevel"):
            raise JailError(EPERM)
        if ask.childmax is not None and ask.childmax >= parent.get("children.max"):
            raise JailError(EPERM)
        if ask.enforce is not None and ask.enforce < parent.get("enforce_statfs"):
            raise JailError(EPERM)
        if ask.rsnum is not None:
            if not 0 <= ask.rsnum <= 65535:
                raise JailError(EINVAL)
            if self.mine.jid != 0:
                if ask.rsnum > 0 and ask.rsnum != parent.get("devfs_ruleset"):
                    raise JailError(EPERM)
                ask.rsnum = parent.get("devfs_ruleset")
        for family, version in (("ip4", 4), ("ip6", 6)):
            addrs = ask.ips.get(f"{family}.addr")
            if not addrs:
                continue
            if view.ip_restricted(parent, family) and not _parent_match(
                parent.get(f"{family}.addr"), addrs
            ):
                raise JailError(EPERM)
            if not self._no_clash(pr, parent, family, addrs):
                raise JailError(EADDRINUSE, f"IPv{version} addresses clash")

    def _no_clash(
        self, pr: JailRecord, parent: JailRecord, family: str, addrs: tuple[str, ...]
    ) -> bool:
        """prison_ip_conflict_check: no other live jail limited to addresses shares one (unless both
        have just one)."""
        view = self.view
        top = next(
            (
                r
                for r in (parent, *view.ancestors(parent))
                if r.jid != 0 and r.get("vnet") == abi.JAIL_SYS_NEW
            ),
            view.caller(0),
        )

        def clear_below(jid: int) -> bool:
            for tpr in view.children(jid):
                if tpr.jid == pr.jid or tpr.get("vnet") == abi.JAIL_SYS_NEW or not tpr.alive:
                    continue
                if tpr.get(family) != abi.JAIL_SYS_DISABLE:
                    if not clear_below(tpr.jid):
                        return False
                    continue
                theirs = tpr.get(f"{family}.addr") or ()
                if (
                    theirs
                    and not (len(addrs) == 1 and len(theirs) == 1)
                    and set(addrs) & set(theirs)
                ):
                    return False
            return True

        return clear_below(top.jid)

    def _check_name(self, pr: JailRecord, parent: JailRecord, leaf: str | None) -> str | None:
        """The name's last component: the jid when empty, numeric only as the jid, short enough for
        every descendant."""
        if leaf is None:
            return None
        jid = pr.jid
        if leaf == "":
            leaf = str(jid)
        else:
            value, rest = _strtoul(leaf)
            if (value != jid % 2**64 or not "1" <= leaf[0] <= "9") and rest == "":
                raise JailError(EINVAL, "name cannot be numeric (unless it is the jid)")
        pnamelen = 0 if parent.jid == 0 else _blen(parent.name) + 1
        onamelen = max(0, _blen(pr.name) - pnamelen)
        namelen = _blen(leaf)
        if pnamelen + namelen + 1 > abi.MAXHOSTNAMELEN:
            raise JailError(ENAMETOOLONG)
        for tpr, _ in self.view.descendants(pr.jid):
            if _blen(tpr.name) + (namelen - onamelen) >= abi.MAXHOSTNAMELEN:
                raise JailError(ENAMETOOLONG)
        return leaf

    def _check_rest(self, parent: JailRecord) -> None:
        """No permission the parent lacks (but allow.unprivileged_proc_debug), the SysV modules'
        checks, no unknowns."""
        granted = {name for name, on in self.ask.allow.items() if on}
        if {name for name in granted if not parent.get(name)} - ALLOW_DIFFERENCES:
            raise JailError(EPERM)
        for name in SYSV:
            value = _int_opt(self.ask.req, name)
            if value is None or value == abi.JAIL_SYS_DISABLE:
                continue
            if value not in (abi.JAIL_SYS_NEW, abi.JAIL_SYS_INHERIT):
                raise JailError(EINVAL)
            if self.view.sysv_root(parent, name) is None:
                raise JailError(EPERM)
        unknown = self.ask.req.unknown()
        if unknown is not None:
            raise JailError(EINVAL, f"unknown parameter: {unknown}")

    def _apply(self, pr: JailRecord, parent: JailRecord, leaf: str | None) -> None:
        """Set the parameters, passing the ones that flow down on to the descendants."""
        view, ask = self.view, self.ask
        params = dict(pr.params)
        for family in ("ip4", "ip6"):
            if ask.ip_new(family):
                params[family] = abi.JAIL_SYS_DISABLE
                params[f"{family}.addr"] = ask.ips.get(f"{family}.addr", ())
        if ask.slevel is not None:
            params["securelevel"] = ask.slevel
        if ask.childmax is not None:
            params["children.max"] = ask.childmax
        if ask.enforce is not None:
            params["enforce_statfs"] = ask.enforce
        if ask.rsnum is not None:
            params["devfs_ruleset"] = ask.rsnum
        name = pr.name
        if leaf is not None:
            name = leaf if parent.jid == 0 else f"{parent.name}.{leaf}"
        host_inherit = ask.jailsys.get("host") == abi.JAIL_SYS_INHERIT and not ask.host
        if host_inherit:
            if params["host"] == abi.JAIL_SYS_NEW:
                params.update({key: parent.get(key) for key in _HOST_KEYS})
        else:
            params.update(ask.host)
        if ask.host or ask.jailsys.get("host") == abi.JAIL_SYS_NEW:
            params["host"] = abi.JAIL_SYS_NEW
        elif host_inherit:
            params["host"] = abi.JAIL_SYS_INHERIT
        off = {n for n, on in ask.allow.items() if not on}
        params.update(ask.allow)
        for key, value in ask.bools.items():
            if key != "persist":
                params[key] = value
        persist = ask.bools.get("persist", pr.persist)
        old_name = pr.name
        view.put(replace(pr, name=name, path=self.path or pr.path, persist=persist, params=params))
        self._pass_down(pr.jid, old_name, name, params, off)
        self._set_sysv(pr.jid)

    def _pass_down(self, jid: int, old_name: str, name: str, params: dict, off: set[str]) -> None:
        """What descendants take from a changed jail: addresses, limits, the name prefix, host
        names, lost permissions."""
        view, ask = self.view, self.ask
        for family in ("ip4", "ip6"):
            if ask.ip_new(family):
                for tpr, _ in view.descendants(jid, lambda r: r.get("vnet") == abi.JAIL_SYS_NEW):
                    above = view.caller(tpr.parent).get(f"{family}.addr") or ()
                    view.put(_with(tpr, {f"{family}.addr": _restrict(tpr, family, above)}))
        host_changed = {key: params[key] for key in ask.host}
        inherit_host: set[int] = {jid}
        for tpr, depth in list(view.descendants(jid)):
            tpr = view.get(tpr.jid)
            change: dict[str, Any] = {}
            if ask.slevel is not None and tpr.get("securelevel") < ask.slevel:
                change["securelevel"] = ask.slevel
            if ask.childmax is not None and tpr.get("children.max") > ask.childmax - depth:
                change["children.max"] = max(ask.childmax - depth, 0)
            if ask.enforce is not None and tpr.get("enforce_statfs") < ask.enforce:
                change["enforce_statfs"] = ask.enforce
            if ask.rsnum is not None:
                change["devfs_ruleset"] = ask.rsnum
            if host_changed and tpr.parent in inherit_host and tpr.get("host") != abi.JAIL_SYS_NEW:
                inherit_host.add(tpr.jid)
                change.update(host_changed)
            change.update({n: False for n in off})
            updated = replace(_with(tpr, change), name=name + tpr.name[len(old_name) :])
            if updated != tpr:
                view.put(updated)

    def _set_sysv(self, jid: int) -> None:
        """sysv*_prison_set: a module's jailsys value, or allow.sysvipc / allow.nosysvipc standing
        for inherit / disable."""
        view, req = self.view, self.ask.req
        for name in SYSV:
            value = _int_opt(req, name)
            if value is None:
                sysvipc = self.ask.allow.get("allow.sysvipc")
                if sysvipc is None:
                    continue
                value = abi.JAIL_SYS_INHERIT if sysvipc else abi.JAIL_SYS_DISABLE
            record = view.get(jid)
            if (
                value == abi.JAIL_SYS_INHERIT
                and view.sysv_root(view.caller(record.parent), name) is None
            ):
                value = abi.JAIL_SYS_DISABLE
            view.put(_with(record, {name: value}))
            if value == abi.JAIL_SYS_DISABLE:
                for tpr, _ in list(view.descendants(jid)):
                    view.put(_with(view.get(tpr.jid), {name: abi.JAIL_SYS_DISABLE}))


_HOST_KEYS = ("host.hostname", "host.domainname", "host.hostuuid", "host.hostid")


def _with(record: JailRecord, change: Mapping[str, Any]) -> JailRecord:
    """A record with some parameters changed."""
    return replace(record, params={**record.params, **change})


def _parent_match(parents: tuple[str, ...], addrs: tuple[str, ...]) -> bool:
    """prison_ip_parent_match: every address (the primary above all) is one the parent has."""
    return bool(parents) and set(addrs) <= set(parents)


def _restrict(record: JailRecord, family: str, parents: tuple[str, ...]) -> tuple[str, ...]:
    """prison_ip_restrict: a jail not limiting the family takes its parent's list; one that does
    keeps what the parent has."""
    if not parents:
        return ()
    if record.get(family) != abi.JAIL_SYS_DISABLE:
        return parents
    return tuple(a for a in record.get(f"{family}.addr") or () if a in parents)


# --- jail_get(2) --------------------------------------------------------------


def do_get(
    store: JailStore, caller_jid: int, flags: int, pairs: Pairs, *, config: JailConfig | None = None
) -> tuple[int, list[Writeback]]:
    """kern_jail_get: the jail the request names (lastjid, jid or name) and what to copy back;
    raises JailError.

    The writebacks cover every option but "errmsg"; on success the handler copies each one's data
    to its iov_base and its length into the iovec array, which jail_get(2) copies back whole."""
    config = config or JailConfig()
    if flags & ~abi.JAIL_GET_MASK:
        raise JailError(EINVAL)
    req = Request(pairs)
    errmsg_pos = req.position("errmsg")
    view = View(store)
    mine = view.caller(caller_jid)
    pr = _get_target(view, mine, flags, req)
    values = _get_values(view, mine, pr, config)
    writes = []
    failed = False
    for opt in req.opts:
        if opt.name in values:
            opt.seen = True
            try:
                length, data = encode_value(_get_param(opt.name), values[opt.name], opt.value)
            except JailError:
                failed = True
                continue
            writes.append(Writeback(2 * opt.pos + 1, length, data))
        elif opt.pos != errmsg_pos:
            writes.append(Writeback(2 * opt.pos + 1, len(opt.value or b""), opt.value))
    if failed:
        raise JailError(EINVAL)
    unknown = req.unknown()
    if unknown is not None:
        raise JailError(EINVAL, f"unknown parameter: {unknown}")
    return pr.jid, writes


def _get_param(name: str) -> Param:
    """The table entry a jail_get name is answered by (a "no" name by its boolean)."""
    if name in PARAM:
        return PARAM[name]
    return next(p for p in PARAM.values() if p.kind is Kind.BOOL and p.noname == name)


def _get_target(view: View, mine: JailRecord, flags: int, req: Request) -> JailRecord:
    """The jail a jail_get names: after lastjid, by jid, or by name; dying ones only with
    JAIL_DYING."""
    dying_ok = bool(flags & abi.JAIL_DYING)
    lastjid = _int_opt(req, "lastjid")
    if lastjid is not None:
        for record in view.all():
            if record.jid > lastjid and (dying_ok or record.alive) and view.is_child(mine, record):
                return record
        raise JailError(ENOENT, f"no jail after {lastjid}")
    jid = _int_opt(req, "jid")
    if jid:
        return _named(view.find_child(mine, jid), f"jail {jid}", dying_ok)
    given, raw = req.raw("name")
    if not given:
        raise JailError(ENOENT, "no jail specified")
    if not raw or raw[-1] != 0:
        raise JailError(EINVAL)
    name = cstr(raw)
    return _named(view.find_name(mine, name), f'jail "{name}"', dying_ok)


def _named(found: JailRecord | None, said: str, dying_ok: bool) -> JailRecord:
    """The jail a jid or name found, or ENOENT saying it is unknown or dying."""
    if found is None:
        raise JailError(ENOENT, f"{said} not found")
    if not (found.alive or dying_ok):
        raise JailError(ENOENT, f"{said} is dying")
    return found


def _relative_path(mine: JailRecord, record: JailRecord) -> str:
    """prison_path: record's path as mine sees it."""
    if mine.path == "/":
        return record.path
    if not record.path.startswith(mine.path):
        return record.path
    rest = record.path[len(mine.path) :]
    return "/" if rest == "" else rest if rest.startswith("/") else record.path


def _get_values(view: View, mine: JailRecord, pr: JailRecord, config: JailConfig) -> dict[str, Any]:
    """Every parameter jail_get answers, by the name it answers to."""
    values: dict[str, Any] = {
        "jid": pr.jid,
        "parent": 0 if pr.parent == mine.jid else pr.parent,
        "name": view.relative_name(mine, pr),
        "path": _relative_path(mine, pr),
        "children.cur": view.child_count(pr),
        "dying": not pr.alive,
        "nodying": pr.alive,
        "persist": pr.persist,
        "nopersist": not pr.persist,
    }
    for key in (
        "cpuset.id",
        "ip4.addr",
        "ip6.addr",
        "securelevel",
        "children.max",
        *_HOST_KEYS,
        "enforce_statfs",
        "devfs_ruleset",
        "host",
        "vnet",
        "ip4",
        "ip6",
        "osreldate",
        "osrelease",
    ):
        values[key] = pr.get(key)
    for key in ("ip4.saddrsel", "ip6.saddrsel", *config.allows()):
        values[key] = bool(pr.get(key))
        values[PARAM[key].noname] = not values[key]
    for key in SYSV:
        values[key] = sysv_value(view, pr, key)
    return values


# --- jail(2), jail_attach(2), jail_remove(2) -----------------------------------


def check_jail(version: int, ip4s: int, ip6s: int, *, config: JailConfig | None = None) -> None:
    """sys_jail and kern_jail's first checks, before the handler reads the strings and addresses:
    EINVAL."""
    config = config or JailConfig()
    if version not in (abi.JAIL_VERSION_V0, abi.JAIL_API_VERSION):
        raise JailError(EINVAL)
    if (
        1 if version == abi.JAIL_VERSION_V0 else ip4s
    ) > config.max_af_ips or ip6s > config.max_af_ips:
        raise JailError(EINVAL)


def jail_pairs(
    path: bytes,
    hostname: bytes,
    jailname: bytes | None,
    ip4: bytes,
    ip6: bytes,
    *,
    jailed: bool,
    config: JailConfig | None = None,
) -> list[tuple[bytes, bytes | None]]:
    """kern_jail's jail_set request for a struct jail (strings without their NUL; jailname None when
    NULL).

    plan_set it with JAIL_CREATE | JAIL_ATTACH. A top-level jail gets the security.jail.* default
    permissions and enforce_statfs. For a version 0 struct, ip4 is its one address in network order
    (htonl(ip_number))."""
    config = config or JailConfig()
    pairs: list[tuple[bytes, bytes | None]] = []
    if not jailed:
        for name in config.allows():
            pairs.append(
                (
                    encoded(name if name in config.default_allow else PARAM[name].noname) + b"\0",
                    None,
                )
            )
        pairs.append((b"enforce_statfs\0", struct.pack("<i", config.default_enforce_statfs)))
    for key, value, limit in (
        (b"path", path, abi.MAXPATHLEN),
        (b"host.hostname", hostname, abi.MAXHOSTNAMELEN),
        (b"name", jailname, abi.MAXHOSTNAMELEN),
    ):
        if value is None:
            continue
        if len(value) + 1 > limit:
            raise JailError(ENAMETOOLONG)
        pairs.append((key + b"\0", value + b"\0"))
    pairs += [(b"ip4.addr\0", ip4), (b"ip6.addr\0", ip6)]
    return pairs


def attach_target(store: JailStore, caller_jid: int, jid: int, *, uid: int = 0) -> JailRecord:
    """sys_jail_attach: the live jail below the caller to move into; EPERM without privilege, EINVAL
    otherwise."""
    view = View(store)
    mine = view.caller(caller_jid)
    if not privileged(uid, mine):
        raise JailError(EPERM)
    record = view.find_child(mine, jid)
    if record is None or not record.alive:
        raise JailError(EINVAL)
    return record


def removal(store: JailStore, caller_jid: int, jid: int, *, uid: int = 0) -> list[JailRecord]:
    """sys_jail_remove: the jail below the caller and its live descendants, now dying and not
    persistent.

    The handler kills their processes and drops each one once no process is left in it; EPERM
    without privilege, EINVAL when the caller cannot see jid."""
    view = View(store)
    mine = view.caller(caller_jid)
    if not privileged(uid, mine):
        raise JailError(EPERM)
    record = view.find_child(mine, jid)
    if record is None:
        raise JailError(EINVAL)
    below = [r for r, _ in view.descendants(record.jid, lambda r: not r.alive)]
    return [replace(r, dying=True, persist=False) for r in (record, *below)]
