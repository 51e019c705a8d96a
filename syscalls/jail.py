"""jail(2), jail_set(2), jail_get(2), jail_attach(2), jail_remove(2) and the jail sysctls.

The rules are bsdulator/jail/ (FreeBSD's kern_jail.c as pure logic); jails are
kept in the on-disk registry (bsdulator/jail/registry.py) so every bsdulator process sees
them; each one is backed by Linux namespaces kept alive by a holder process
(bsdulator/jail/namespaces.py).  A process joins a jail by calling setns itself (injected here, on
namespace descriptors the supervisor hands over) after the supervisor put it in the jail's
cgroup, then closing its ways out, dropping the capabilities a jail lacks and forking: see
AttachProxy."""

import ctypes
import errno
import os
import signal
import socket
import sqlite3
import struct
from contextlib import contextmanager
from dataclasses import replace

from bsdulator import procfs, ptrace, seccomp, structs
from bsdulator.abi import capabilities
from bsdulator.abi import jail as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import LINUX_AT_FLAGS, LINUX_MSG_FLAGS
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.seccomp import LINUX_SECCOMP
from bsdulator.abi.signals import LINUX_SI_CODES, LINUX_SIGPROCMASK_HOW
from bsdulator.abi.sysctl import CTLTYPE_INT, CTLTYPE_NODE
from bsdulator.engine import CF, RESTARTS, Fork, check, closing, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.jail import namespaces as jailns
from bsdulator.jail import options, params, records, rules, sysctls
from bsdulator.jail import registry as jailreg
from bsdulator.jail.params import JailError
from bsdulator.jail.records import JailRecord
from bsdulator.net import NetError
from bsdulator.process import effective_uid, ns_pids
from bsdulator.table import Support, handler
from bsdulator.testhooks import stop_point

EPERM, ENOENT, EINVAL, EAGAIN, EIO, ENOSPC, EEXIST = (
    FREEBSD_ERRNO[n] for n in ("EPERM", "ENOENT", "EINVAL", "EAGAIN", "EIO", "ENOSPC", "EEXIST")
)
# What jail_set(2) says for the registry's refusals; any other (cannot open it) is an I/O error.
REGISTRY_ERRNO = {jailreg.JailExists: EEXIST, jailreg.NoSuchJail: ENOENT, jailreg.NoFreeJid: EAGAIN}
IOVEC = struct.Struct("<QQ")
O_PATH_DIRECTORY_CLOEXEC = os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC
CMSGHDR = structs.sizeof("linux_cmsghdr")
MSG_CMSG_CLOEXEC, MSG_DONTWAIT = (
    LINUX_MSG_FLAGS["MSG_CMSG_CLOEXEC"],
    LINUX_MSG_FLAGS["MSG_DONTWAIT"],
)
CAPS, PRCTL = capabilities.LINUX_CAPS, capabilities.LINUX_PRCTL_CAPS
CAP_VERSION = capabilities.LINUX_CAPABILITY_VERSION["_LINUX_CAPABILITY_VERSION_3"]
CAP_WORDS = capabilities.LINUX_CAPABILITY_VERSION["_LINUX_CAPABILITY_U32S_3"]
# What a jailed root keeps: the Linux side of the privileges prison_priv_check grants (file
# ownership and DAC, set*id, signals within the jail, chroot, rlimits, IPC),
# CAP_SETPCAP to drop capabilities again at a nested attach, and CAP_SYS_ADMIN with
# CAP_SYS_CHROOT, which setns needs for that attach (mount(2) and the rest of what
# CAP_SYS_ADMIN allows are refused by the supervisor, not the kernel).  Not CAP_DAC_READ_SEARCH:
# CAP_DAC_OVERRIDE already reads and searches everything, and it would allow open_by_handle_at,
# which opens any file of a file system by its handle, outside the jail's root too.
JAIL_KEEPS = (
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_NET_BROADCAST",
    "CAP_IPC_OWNER",
    "CAP_SYS_CHROOT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_RESOURCE",
    "CAP_LEASE",
)
# Capabilities a jail keeps only with a parameter (PRIV_VM_MLOCK, PRIV_NETINET_RAW,
# PRIV_NETINET_RESERVEDPORT).
ALLOWED_BY = {
    "CAP_IPC_LOCK": "allow.mlock",
    "CAP_NET_RAW": "allow.raw_sockets",
    "CAP_NET_BIND_SERVICE": "allow.reserved_ports",
}
_libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
CONFIG_PREFIX = "config."  # registry counters holding the security.jail.* knobs


# -- the registry as rules' JailStore ---------------------------------------------


def _to_json(value):
    return list(value) if isinstance(value, tuple) else value


def _from_json(value):
    return tuple(value) if isinstance(value, list) else value


def record_of(row: jailreg.JailRow) -> JailRecord:
    meta = row.params
    return JailRecord(
        row.jid,
        row.name,
        row.path,
        meta["parent"],
        row.dying,
        row.persist,
        {k: _from_json(v) for k, v in meta["params"].items()},
    )


def _row_fields(record: JailRecord, host_path: str) -> dict:
    return dict(
        name=record.name,
        path=record.path,
        persist=record.persist,
        dying=record.dying,
        params={
            "parent": record.parent,
            "host_path": host_path,
            "params": {k: _to_json(v) for k, v in record.params.items()},
        },
    )


class Store:
    """records.JailStore over one registry transaction: the jails whose holder runs (_live).  Each
    is judged once, its parent first, so that a holder killed meanwhile (a concurrent jail_remove)
    never makes the snapshot contradict itself, e.g. a live jail under a gone parent."""

    def __init__(self, tx: jailreg.Transaction, host: JailRecord):
        self.tx, self.host = tx, host
        self.last_jid = tx.counter("lastjid")
        self.last_dead_jid = tx.counter("lastdeadjid")
        self._live: dict[int, bool] = {}

    def _exists(self, row: jailreg.JailRow | None) -> bool:
        if row is None:
            return False
        if row.jid not in self._live:
            parent = row.params["parent"]
            self._live[row.jid] = (parent <= 0 or self._exists(self.tx.by_jid(parent))) and _live(
                row
            ) is not None
        return self._live[row.jid]

    def get(self, jid: int) -> JailRecord | None:
        if jid == 0:
            return self.host
        row = self.tx.by_jid(jid)
        return record_of(row) if self._exists(row) else None

    def after(self, jid: int) -> JailRecord | None:
        row = self.tx.after(jid)
        while row is not None and not self._exists(row):
            row = self.tx.after(row.jid)
        return record_of(row) if row else None

    def children(self, jid: int):
        return [r for r in map(record_of, filter(self._exists, self.tx.all())) if r.parent == jid]


def _holder(row: jailreg.JailRow) -> jailns.Holder:
    """The row's holder, its cgroup as this process reaches it: the creator may have seen the
    hierarchy mounted elsewhere (under `ip netns exec`, see jailns.cgroup2_root)."""
    return jailns.Holder(row.jid, row.holder_pid or 0, row.holder_start, jailns.cgroup_of(row.jid))


def _live(row: jailreg.JailRow | None) -> jailreg.JailRow | None:
    """The row if its jail exists: a row whose holder died (a removal that could not delete it, a
    crash) stands for no jail, until the next writer deletes it (JailService.reap)."""
    return row if row is not None and jailns.alive(_holder(row)) else None


def _registry_errno(e: sqlite3.Error, state_dir: str) -> int:
    """FreeBSD's errno for a registry that cannot be read or written: ENOSPC when its filesystem is
    full (what write(2) says there, and what the administrator must fix; SQLite reports a full disk
    as SQLITE_FULL, or as an I/O error when even its shared-memory file cannot grow), EAGAIN when
    other bsdulators held it locked beyond the busy timeout (trying again can work), else EIO."""
    name = getattr(e, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return EAGAIN
    if name.startswith("SQLITE_FULL"):
        return ENOSPC
    try:
        full = os.statvfs(state_dir).f_bavail == 0
    except OSError:
        full = False
    return ENOSPC if full else EIO


class JailService:
    """Per supervisor: the registry handle, the jail parameter config, prison0."""

    def __init__(self, sup):
        self.sup = sup
        self._config = sysctls.register(sup.sysctl, store=self)
        self._registry = None
        self.dying: list[jailns.Holder] = []  # killed jails whose namespaces are not gone yet

    @property
    def registry(self) -> jailreg.Registry:
        if self._registry is None:
            registry = jailreg.Registry()
            try:
                with registry.transaction() as tx:
                    self.reap(tx)
            except sqlite3.Error:
                pass  # a full disk keeps the dead rows for later: reads skip them (_live)
            self._registry = registry
        return self._registry

    def reap(self, tx: jailreg.Transaction) -> None:
        """Remove what a crash or a failed write left: rows whose holder died, and jails (holder,
        cgroup) no row records.  Only under the write lock, in which every creator makes its cgroup
        and holder and records them (_set): a jail with no row then is nobody's work in progress,
        or a removed one still dying (ours finish in our wait loop: finish_dying)."""
        for row in tx.stale():
            if record_of(row).get(rules.LAYOUT_ADDRS):
                self._remove_layout(row.jid, _holder(row))
            tx.delete(row.jid)
        known = {row.jid for row in tx.all()} | {holder.jid for holder in self.dying}
        for jid in jailns.jids():
            holder = jailns.lookup(jid)
            if jid not in known and holder is not None:
                self._remove_layout(jid, holder, recorded=False)
                jailns.reap(holder)

    def _remove_layout(self, jid: int, holder: jailns.Holder, recorded: bool = True) -> None:
        """Take a jail's automatic VNET layout away (bsdulator/net/layout.py), while its holder
        still runs when it does.  A failure is reported and does not stop the removal: the next
        layout made on the bridge, or an administrator, finds what is left.  recorded: the row
        says the jail has one; else (a jail no row records) only a binding of its own namespace
        shows it had."""
        try:
            self.sup.net.remove_layout(
                jid, holder.pid if jailns.alive(holder) else None, bound_only=not recorded
            )
        except NetError as e:
            self.sup.warn(f"jail {jid}: its network layout is not fully removed: {e}")

    def _return_interfaces(self, tx, row: jailreg.JailRow, holder: jailns.Holder) -> None:
        """A vnet jail's interfaces go back to its parent's network (the host's: ours) before its
        namespace dies with them, as `ifconfig IF vnet J` lent them; what cannot is reported."""
        if not jailns.alive(holder):
            return
        parent = tx.by_jid(row.params["parent"]) if row.params["parent"] > 0 else None
        home = f"/proc/{parent.holder_pid}/ns/net" if parent and parent.holder_pid else None
        try:
            failed = self.sup.net.return_interfaces(f"/proc/{holder.pid}/ns/net", home)
        except NetError as e:
            failed = [str(e)]
        if failed:
            self.sup.warn(f"jail {row.jid}: interfaces not returned: {', '.join(failed)}")

    @property
    def config(self) -> params.JailConfig:
        """The security.jail.* settings as the last writer of any bsdulator left them."""
        self.load(self._config)
        return self._config

    def load(self, config: params.JailConfig) -> None:
        try:
            with self.transaction(write=False) as tx:
                stored = {
                    name.removeprefix(CONFIG_PREFIX): tx.counter(name)
                    for name in tx.counter_names(CONFIG_PREFIX)
                }
        except (OSError, FreeBSDError, jailns.JailNsError):
            return  # no registry to read (not root): the kernel's defaults
        config.apply(stored)

    def save(self, config: params.JailConfig) -> None:
        with self.transaction() as tx:
            for name, value in config.settings().items():
                tx.set_counter(CONFIG_PREFIX + name, value)

    def host(self) -> JailRecord:
        k = self.sup.kernel
        return records.host_jail(
            hostname=socket.gethostname(),
            osrelease=k.osrelease,
            osreldate=k.osreldate,
            config=self.config,
        )

    @contextmanager
    def transaction(self, write: bool = True):
        """A registry transaction; a registry the disk cannot hold fails the call with FreeBSD's
        errno."""
        try:
            with self.registry.transaction(write=write) as tx:
                yield tx
        except sqlite3.Error as e:
            raise FreeBSDError(
                _registry_errno(e, jailreg.default_state_dir()), f"jail registry: {e}"
            ) from None
        except jailreg.RegistryError as e:
            raise FreeBSDError(REGISTRY_ERRNO.get(type(e), EIO), f"jail registry: {e}") from None

    def row(self, jid: int) -> jailreg.JailRow | None:
        with self.transaction(write=False) as tx:
            return _live(tx.by_jid(jid))

    def jail_of(self, pid: int) -> int:
        """The jid a host pid belongs to, from its cgroup (0: the host); an attach proxy
        counts as the jail it stands for."""
        ours = "/" + jailns.scope() + "/"
        try:
            with open(f"/proc/{pid}/cgroup") as f:
                for line in f:
                    path = line.rstrip("\n").split(":", 2)[2].removesuffix("/" + jailns.PROXIES)
                    parent, _, name = path.rpartition("/")
                    if name.startswith("jail.") and (parent + "/").endswith(ours):
                        return int(name.removeprefix("jail."))
        except (OSError, ValueError):
            pass
        return 0

    def is_holder(self, pid: int) -> bool:
        """Whether pid is a jail's holder: PID 1 of the jail's PID namespace."""
        st = _status(pid)
        return bool(st and len(st["NSpid"]) > 1 and st["NSpid"][-1] == 1 and self.jail_of(pid))

    def record(self, jid: int) -> JailRecord:
        row = self.row(jid)
        if row is None:
            raise FreeBSDError(ENOENT, f"jail {jid} is gone")
        return record_of(row)

    def set_from_sysctl(self, jid: int, name: str, value: str) -> None:
        """kern.hostname/kern.domainname written inside a jail: allow.set_hostname decides."""
        with self.transaction() as tx:
            row = tx.by_jid(jid)
            old = record_of(row)
            if not old.get("allow.set_hostname"):
                raise FreeBSDError(EPERM, "allow.set_hostname is off")
            new = replace(old, params={**old.params, name: value})
            tx.update(jid, **_row_fields(new, row.params["host_path"]))
        _apply_names(_holder(row), old, new)

    def family(self, jid: int) -> list[int]:
        """jid and every jail below it: whose processes a process of jail jid sees
        (prison_ischild)."""
        with self.transaction(write=False) as tx:
            rows = tx.all()
        found = [jid]
        for jail in found:
            found += [r.jid for r in rows if r.params["parent"] == jail]
        return found

    def numbering(self, pid: int, jid: int) -> dict[int, int]:
        """host pid -> the pid jailed process pid (of jail jid) names it by, for every process
        of jid's family, holders included: their PID namespaces all lie within pid's."""
        own = _status(pid)
        if own is None:
            return {}
        level = len(own["NSpid"]) - 1
        numbers = {}
        for member in self.members(jid):
            st = _status(member)
            if st is not None and len(st["NSpid"]) > level:  # an AttachProxy has no number here
                numbers[member] = st["NSpid"][level]
        return numbers

    def members(self, jid: int) -> list[int]:
        """The host pids of every process of jid's family (their cgroups say), holders
        included."""
        return [
            pid
            for j in self.family(jid)
            if (row := self.row(j))
            for pid in jailns.members(_holder(row))
        ]

    def visible_targets(self, proc, pid: int) -> list[int]:
        """kill(2)'s targets for a jailed caller: the processes of its jail and the jails below
        it (never a holder), numbered as the caller names them."""
        members = []  # (number the caller uses, host pid, host-numbered pgid)
        for host, seen in self.numbering(proc.pid, proc.jail).items():
            st = _status(host)
            if st is not None and not self.is_holder(host):
                members.append((seen, host, st["pgid"]))
        if pid > 0:
            return [seen for seen, _host, _pg in members if seen == pid]
        if pid == -1:
            return [seen for seen, host, _pg in members if host != proc.pid]
        if pid == 0:
            me = _status(proc.pid)
            group = me["pgid"] if me else 0
        else:
            leaders = [host for seen, host, _pg in members if seen == -pid]
            if not leaders:
                return []
            group = leaders[0]
        return [seen for seen, _host, pg in members if pg == group]

    def finish_dying(self) -> None:
        """Clean up the killed jails whose last process has been reaped."""
        self.dying = [h for h in self.dying if not jailns.finish(h)]

    def at_exit(self) -> None:
        """Nothing is left for this supervisor to reap: wait for the rest of the killed jails."""
        for holder in self.dying:
            try:
                jailns.destroy(holder)
            except jailns.JailNsError:
                pass  # a process the kernel does not let go yet: the next reap() ends the jail
        self.dying = []

    def remove(self, jid: int, unless_in_use: bool = False) -> None:
        """Kill jail jid, then delete its row, under the write lock: a concurrent remover finds the
        row gone and does nothing, and a row that cannot be deleted (the registry's disk is full)
        keeps a dead holder, which stands for no jail (_live) until the next reap().  With
        unless_in_use, only a non-persistent jail no process uses.  Its namespaces go once its
        last process is reaped, which may be ours to do (a child of a traced process):
        finish_dying() sees to it."""
        killed = False
        try:
            with self.transaction() as tx:
                row = tx.by_jid(jid)
                if row is None:
                    return
                holder = _holder(row)
                if unless_in_use and (row.persist or jailns.in_use(holder)):
                    return
                if record_of(row).get(rules.LAYOUT_ADDRS):
                    self._remove_layout(jid, holder)
                if record_of(row).get("vnet") == abi.JAIL_SYS_NEW:
                    self._return_interfaces(tx, row, holder)
                jailns.kill(holder)
                killed = True
                self.dying.append(holder)
                stop_point("remove:killed")
                tx.delete(jid)
        except FreeBSDError:
            if not killed:
                raise

    def drop_if_unused(self, jid: int) -> None:
        """A non-persistent jail disappears with its last process, as on FreeBSD."""
        self.remove(jid, unless_in_use=True)
        self.finish_dying()


def _status(pid: int) -> dict | None:
    """NSpid (host first) and the process group as seen from the host, of a live process."""
    numbers = ns_pids(pid)
    stat = procfs.stat_if_alive(pid)
    if numbers is None or stat is None:
        return None
    return {"NSpid": numbers, "pgid": stat.pgrp}


def _service(call) -> JailService:
    return call.sup.jails


def refuse_in_jail(call, what: str, allow: str | None = None) -> None:
    """prison_priv_check for the privileges a jailed root lacks: always (allow None), or
    unless the jail has allow.<…> set.  Jailed processes are root on the host all the same,
    so the call must not reach Linux."""
    if not call.proc.jail:
        return
    if allow is not None and _service(call).record(call.proc.jail).get(allow):
        return
    raise FreeBSDError(EPERM, f"{what} is not permitted in a jail")


def _caller_jid(call) -> int:
    return call.proc.jail or 0


# -- iovec arrays ----------------------------------------------------------------------


def _read_pairs(call, iov: int, niovs: int):
    """(name, value) pairs and the iovec slots, as kern_jail_set/get see them."""
    niovs &= 0xFFFFFFFF
    if niovs % 2 or niovs > 2 * 1024:
        raise FreeBSDError(EINVAL)
    vecs = [
        IOVEC.unpack_from(call.mem.read(iov, IOVEC.size * niovs), i * IOVEC.size)
        for i in range(niovs)
    ]
    pairs = []
    for i in range(0, niovs, 2):
        (nbase, nlen), (vbase, vlen) = vecs[i], vecs[i + 1]
        name = call.mem.read(nbase, nlen) if nbase and nlen else b""
        value = call.mem.read(vbase, vlen) if vbase else None
        pairs.append((name, value))
    return pairs, vecs


def _writeback(call, iov: int, vecs, wb) -> None:
    base, _len = vecs[wb.index]
    if wb.data is not None and base:
        call.mem.write(base, wb.data)
    call.mem.write_u64(iov + wb.index * IOVEC.size + 8, wb.length)


def _report(call, iov: int, vecs, pairs, error: JailError) -> None:
    wb = options.errmsg_writeback(pairs, error)
    if wb is not None:
        _writeback(call, iov, vecs, wb)


# -- paths: the jail's root as the caller names it, and as the host reaches it -------


def _resolve_path(call, pairs):
    """Open the "path" value in the caller (its view, its permissions) and name it."""
    raw = next((v for n, v in reversed(pairs) if n.rstrip(b"\0") == b"path"), None)
    if not raw:
        return None, None
    text = raw.split(b"\0", 1)[0]
    addr = call.alloc(len(text) + 1)
    call.mem.write(addr, text + b"\0")
    fd = yield lx.openat(AT_FDCWD, addr, O_PATH_DIRECTORY_CLOEXEC, 0)
    if fd < 0:
        return None, check(fd)
    try:
        seen = os.readlink(f"/proc/{call.proc.pid}/fd/{fd}")
    finally:
        yield lx.close(fd)
    return seen, None


def _host_path(call, seen: str) -> str:
    """Where the caller's `seen` path is on the host (see bsdulator/view.py)."""
    if call.proc.jail:
        row = _service(call).row(call.proc.jail)
        base = row.params["host_path"] if row else "/"
        return os.path.normpath(base + "/" + seen)
    return call.sup.view_to_host(seen)


# -- the calls ---------------------------------------------------------------------------


def _attach(call, row: jailreg.JailRow, result: int = 0):
    """Move the calling process into the jail: cgroup first (so removal reaches it), then
    setns, then fork so that the program goes on inside the jail's PID namespace too, where
    the call returns `result` (jail_attach's 0, the jid jail(2) and jail_set return)."""
    holder = _holder(row)
    if not jailns.alive(holder):
        raise FreeBSDError(EINVAL, f"jail {row.jid}'s namespaces are gone")
    plan = jailns.attach_plan(holder)
    jailns.join_cgroup(holder, call.proc.pid)
    yield from _enter_namespaces(call, holder, plan)
    call.proc.jail = row.jid
    yield from _close_ways_out(call)
    yield from _add_jail_filter(call)
    yield from _drop_capabilities(call, record_of(row))
    yield from AttachProxy().fork(call, holder, result)


def _enter_namespaces(call, holder: jailns.Holder, plan: jailns.AttachPlan):
    """setns into each of the jail's namespaces, on nsfs descriptors the supervisor opened and
    hands over through a socketpair the caller makes (see jailns.namespace_fds): setns on a
    pidfd of the holder would need ptrace access to it, which a jailed caller (attaching to a
    child jail) lacks."""
    held = jailns.namespace_fds(holder, plan)
    try:
        pair = call.alloc(8)
        check(
            (yield lx.socketpair(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC, 0, pair))
        )
        receiving, sending = struct.unpack("<ii", call.mem.read(pair, 8))
        received = yield from closing(
            [receiving, sending], _hand_over(call, sending, receiving, held)
        )
    finally:
        for fd, _flag in held:
            os.close(fd)
    yield from closing(received, _setns_each(received, [flag for _fd, flag in held]))


def _hand_over(call, sending: int, receiving: int, held: list):
    _send_fds(call.proc.pid, sending, [fd for fd, _flag in held])
    return (yield from _receive_fds(call, receiving, len(held)))


def _setns_each(fds: list[int], flags: list[int]):
    for fd, flag in zip(fds, flags, strict=True):
        check((yield lx.setns(fd, flag)))


def _send_fds(pid: int, sock: int, fds: list[int]) -> None:
    """Send fds over process pid's socket sock, from a copy of it the supervisor takes
    (pidfd_getfd); never blocking, should another thread have put something else there."""
    try:
        pidfd = os.pidfd_open(pid)
        try:
            ours = _libc.syscall(LINUX_NR["pidfd_getfd"], pidfd, sock, 0)
            if ours < 0:
                raise OSError(ctypes.get_errno(), "pidfd_getfd")
        finally:
            os.close(pidfd)
        try:
            sending = socket.socket(fileno=ours)
        except OSError:
            os.close(ours)
            raise
        with sending:
            socket.send_fds(sending, [b"\0"], fds, MSG_DONTWAIT)
    except OSError as e:
        raise FreeBSDError(
            EINVAL, f"cannot hand the jail's namespaces over: {e.strerror}"
        ) from None


def _receive_fds(call, sock: int, count: int):
    """recvmsg(2) of count SCM_RIGHTS descriptors in the caller: their numbers there."""
    data = call.alloc(1)
    iov = call.alloc(IOVEC.size)
    call.mem.write(iov, IOVEC.pack(data, 1))
    room = CMSGHDR + 4 * count
    control = call.alloc(room)
    hdr = call.alloc(structs.sizeof("linux_msghdr"))
    call.mem.write(
        hdr,
        structs.pack(
            "linux_msghdr",
            msg_name=0,
            msg_namelen=0,
            msg_iov=iov,
            msg_iovlen=1,
            msg_control=control,
            msg_controllen=room,
            msg_flags=0,
        ),
    )
    check((yield lx.recvmsg(sock, hdr, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)))
    filled = min(
        structs.unpack("linux_msghdr", call.mem.read(hdr, structs.sizeof("linux_msghdr")))[
            "msg_controllen"
        ],
        room,
    )
    length = (
        structs.unpack("linux_cmsghdr", call.mem.read(control, CMSGHDR))["cmsg_len"]
        if filled >= CMSGHDR
        else 0
    )
    got = max(0, (min(length, filled) - CMSGHDR) // 4)
    fds = list(struct.unpack(f"<{got}i", call.mem.read(control + CMSGHDR, 4 * got)))
    if got != count:
        for fd in fds:
            yield lx.close(fd)
        raise FreeBSDError(EINVAL, "the jail's namespaces did not arrive")
    return fds


def _fd_identity(fd: int) -> tuple[int, int, int]:
    """(mount id, st_dev, st_ino) of an open directory: '..' leads elsewhere from the same
    directory seen through another mount (the host's mount of the jail's path, a bind mount)."""
    st = os.fstat(fd)
    with open(f"/proc/self/fdinfo/{fd}") as f:
        mount = next(int(line.split()[1]) for line in f if line.startswith("mnt_id:"))
    return mount, st.st_dev, st.st_ino


def leads_outside(pid: int, fd: int) -> bool:
    """Whether process pid's descriptor fd is a directory from which lookups (openat, '..',
    fchdir) reach what its root does not contain: walk '..' from it, mount by mount as the
    kernel does, and see whether its root comes up before the top of the tree."""
    try:
        cur = os.open(f"/proc/{pid}/fd/{fd}", O_PATH_DIRECTORY_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return False  # gone, or not a directory: names no other file
    except OSError:
        return True  # cannot be checked: as good as a way out
    try:
        root_fd = os.open(f"/proc/{pid}/root", O_PATH_DIRECTORY_CLOEXEC)
        try:
            root = _fd_identity(root_fd)
        finally:
            os.close(root_fd)
        while True:
            here = _fd_identity(cur)
            if here == root:
                return False
            parent = os.open("..", O_PATH_DIRECTORY_CLOEXEC, dir_fd=cur)
            os.close(cur)
            cur = parent
            if _fd_identity(cur) == here:
                return True
    except OSError:
        return True
    finally:
        os.close(cur)


def _close_ways_out(call):
    """jail_attach leaves no descriptor of a directory outside the jail: openat, '..' and fchdir
    from one would reach the host.  FreeBSD's do_jail_attach (pwd_chroot_chdir ->
    chroot_refuse_vdir_fds) fails with EPERM while the caller has any directory open; here only
    those leading outside are closed, as recvmsg does with ones passed in, so a jexec started
    with a directory descriptor inherited by mistake still runs, and gets EBADF should it use
    it.  The root and working directory need nothing: setns into the mount namespace moved
    both to the jail's root."""
    try:
        fds = procfs.fds(call.proc.pid)
    except OSError:
        raise FreeBSDError(EINVAL, "the caller's descriptors cannot be read") from None
    for fd in fds:
        if leads_outside(call.proc.pid, fd):
            yield lx.close(fd)


def lacking_capabilities(record: JailRecord) -> list[int]:
    """The Linux capabilities a jailed process must not have: all but those standing for the
    privileges prison_priv_check grants a jail, and those its allow.* / vnet parameters grant;
    every one without allow.suser (root in the jail is then as any user)."""
    kept = set()
    if record.get("allow.suser"):
        kept.update(JAIL_KEEPS)
        kept.update(cap for cap, allow in ALLOWED_BY.items() if record.get(allow))
        if record.get("vnet") == abi.JAIL_SYS_NEW:
            kept.add("CAP_NET_ADMIN")
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    return [cap for cap in range(last + 1) if cap not in {CAPS[name] for name in kept}]


def _add_jail_filter(call):
    """The caller stacks the jail's seccomp filter (bsdulator/seccomp.py) on its own: what
    no jailed process may ask of Linux, refused by the kernel whoever asks.  Installed while
    it still holds CAP_SYS_ADMIN, so no no_new_privs (setuid programs keep working)."""
    program = seccomp.jail_filter_bytes()
    rows = call.alloc(len(program))
    call.mem.write(rows, program)
    fprog = call.alloc(structs.sizeof("linux_sock_fprog"))
    call.mem.write(
        fprog, structs.pack("linux_sock_fprog", len=len(program) // seccomp.ROW_SIZE, filter=rows)
    )
    check((yield lx.seccomp(LINUX_SECCOMP["SECCOMP_SET_MODE_FILTER"], 0, fprog)))


def _drop_capabilities(call, record: JailRecord):
    """The caller gives up the capabilities the jail lacks, from its bounding set (for every
    program it runs later) and its effective, permitted and inheritable sets (for itself), so
    the kernel refuses what prison_priv_check would; its children inherit that."""
    lacking = lacking_capabilities(record)
    for cap in lacking:
        check((yield lx.prctl(PRCTL["PR_CAPBSET_DROP"], cap, 0, 0, 0)))
    header = call.alloc(structs.sizeof("linux_cap_header"))
    call.mem.write(header, structs.pack("linux_cap_header", version=CAP_VERSION, pid=0))
    size = structs.sizeof("linux_cap_data")
    data = call.alloc(size * CAP_WORDS)
    check((yield lx.capget(header, data)))
    for word in range(CAP_WORDS):
        keep = ~sum(1 << (cap - 32 * word) for cap in lacking if cap // 32 == word)
        sets = structs.unpack("linux_cap_data", call.mem.read(data + size * word, size))
        call.mem.write(
            data + size * word,
            structs.pack("linux_cap_data", **{k: v & keep for k, v in sets.items()}),
        )
    check((yield lx.capset(header, data)))


class AttachProxy:
    """What stays of a process that attached to a jail once its child carries on inside.

    Linux never moves a process into another PID namespace, only the children it forks
    afterwards, so jail_attach forks: the child returns 0 from jail_attach inside every
    namespace of the jail and is the program from then on (its pid is the jail's, so `ps`,
    `$$` and its children's getppid agree).  The caller keeps its pid outside, so its
    parent still waits for the same process: it closes every descriptor, waits for the
    child and ends as the child ended (exit status or the same signal), as nsenter(1)
    does.  Signals sent to it reach the child unless the child got them too (terminal and
    process-group signals).  It has no number in the jail and sits in the jail's proxies
    cgroup (jailns.join_proxies), so jailed programs never see it."""

    def __init__(self):
        self.child = 0  # the child's host pid, once the supervisor adopted it
        self.exiting = False  # dying of the child's signal: that one is let through

    def fork(self, call, holder: jailns.Holder, result: int = 0):
        """The rest of jail_attach in the caller: never returns to the program; the child
        returns `result` from the call."""
        saved = call.saved

        def adopted(thread):
            self.child = thread.proc.pid
            call.proc.proxy = self

            def start(regs):
                ptrace.copy_regs(regs, saved)
                regs.rax = result
                regs.eflags &= ~CF

            thread.start = start

        child = check((yield Fork(lx.fork(), adopted)))
        call.synthetic = True  # from here on the proxy's calls are not the program's
        jailns.join_proxies(holder, call.proc.pid)
        yield lx.close_range(0, 0xFFFFFFFF, 0)
        status = call.alloc(8)
        while True:
            r = yield lx.wait4(child, status, 0, 0)
            if r == child:
                break
            if -r not in RESTARTS and r != -errno.EINTR:
                yield lx.exit_group(1)  # cannot happen: the child is ours until we reap it
        wstatus = call.mem.read_u32(status)
        sig = wstatus & 0x7F
        if not sig:
            yield lx.exit_group((wstatus >> 8) & 0xFF)
        self.exiting = True
        call.proc.sigactions.clear()
        default = call.alloc(structs.sizeof("linux_sigaction"))
        call.mem.write(
            default,
            structs.pack("linux_sigaction", sa_handler=0, sa_flags=0, sa_restorer=0, sa_mask=0),
        )
        yield lx.rt_sigaction(sig, default, 0, 8)
        mask = call.alloc(8)
        call.mem.write(mask, struct.pack("<Q", 1 << (sig - 1)))
        yield lx.rt_sigprocmask(LINUX_SIGPROCMASK_HOW["SIG_UNBLOCK"], mask, 0, 8)
        yield lx.kill((yield lx.getpid()), sig)
        yield lx.exit_group(128 + sig)

    def signal(self, thread, linux_sig: int) -> int:
        """At the proxy's signal-delivery stop: the signal to let through (0: none)."""
        if self.exiting:
            return linux_sig
        if (
            linux_sig != signal.SIGCHLD
            and self.child
            and _sent_by_a_process(thread.tid)
            and not _pending(self.child, linux_sig)
        ):
            try:
                os.kill(self.child, linux_sig)
            except ProcessLookupError:
                pass
        return 0

    def gone(self) -> None:
        """The proxy died (SIGKILL, jail removal): the child goes with it, as one process would."""
        if self.child:
            try:
                os.kill(self.child, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _sent_by_a_process(tid: int) -> bool:
    """kill/sigqueue/tgkill rather than the kernel (terminal keys, hangup, SIGCHLD)."""
    (code,) = struct.unpack_from("<i", ptrace.get_siginfo(tid), 8)
    return code <= LINUX_SI_CODES["SI_USER"]


def _pending(pid: int, linux_sig: int) -> bool:
    try:
        pending = procfs.status(pid).sig_pending
    except (OSError, ValueError):
        return False
    return bool(pending >> (linux_sig - 1) & 1)


def _create_holder(
    record: JailRecord, host_path: str, parent: jailreg.JailRow | None
) -> jailns.Holder:
    p = record.params
    try:
        return jailns.create(
            record.jid,
            host_path,
            p.get("host.hostname") or "",
            p.get("host.domainname") or "",
            vnet=p.get("vnet") == abi.JAIL_SYS_NEW,
            sysvipc_new=abi.JAIL_SYS_NEW in (p.get("sysvshm"), p.get("sysvsem"), p.get("sysvmsg")),
            parent=_holder(parent) if parent else None,
        )
    except jailns.JailNsError as e:
        raise JailError(EAGAIN, str(e)) from None


def _create_layout(call, record: JailRecord, holder: jailns.Holder) -> None:
    """The automatic VNET layout of a new jail created with ip4.addr and vnet (rules.LAYOUT_ADDRS),
    in the supervisor's network namespace; a layout that cannot be made fails the creation.  Only
    a caller in that namespace may ask: a vnet jail's own jails would be bridged outside it."""
    if procfs.ns_inode(call.proc.pid, "net") != procfs.ns_inode("self", "net"):
        raise JailError(EINVAL, "vnet layout: only made for jails created from the host's network")
    try:
        call.sup.net.create_layout(record.jid, holder.pid, record.get(rules.LAYOUT_ADDRS))
    except NetError as e:
        raise JailError(EINVAL, f"vnet layout: {e}") from None


def _set(call, flags: int, pairs):
    svc = _service(call)
    seen, path_error = yield from _resolve_path(call, pairs)

    def lookup(_path: str) -> str:
        if path_error is not None:
            raise FreeBSDError(path_error)
        return seen

    host_path = _host_path(call, seen) if seen else None
    created = None  # the new jail's holder, until its row is committed
    layout = False  # the new jail's automatic VNET layout was made
    try:
        with svc.transaction() as tx:
            svc.reap(tx)  # dead rows would hold jids and names a new jail may take
            store = Store(tx, svc.host())
            plan = rules.plan_set(
                store,
                _caller_jid(call),
                flags,
                pairs,
                uid=effective_uid(call.proc.pid),
                lookup=lookup,
                config=svc.config,
            )
            record = plan.record
            if plan.created:
                stop_point("create:begin")
                created = _create_holder(
                    record,
                    host_path or "/",
                    tx.by_jid(record.parent) if record.parent > 0 else None,
                )
                stop_point("create:holder")
                if record.get(rules.LAYOUT_ADDRS):
                    _create_layout(call, record, created)
                    layout = True
                tx.insert(
                    jailreg.JailRow(
                        record.jid,
                        holder_pid=created.pid,
                        holder_start=created.start,
                        cgroup=created.cgroup,
                        **_row_fields(record, host_path or "/"),
                    )
                )
            else:
                old = tx.by_jid(record.jid)
                tx.update(record.jid, **_row_fields(record, old.params["host_path"]))
                _apply_names(_holder(old), record_of(old), record)
            for child in plan.descendants:
                crow = tx.by_jid(child.jid)
                tx.update(child.jid, **_row_fields(child, crow.params["host_path"]))
                _apply_names(_holder(crow), record_of(crow), child)
            tx.set_counter("lastjid", plan.last_jid)
            tx.set_counter("lastdeadjid", plan.last_dead_jid)
            row = tx.by_jid(record.jid)
            if plan.created:
                stop_point("create:inserted")
    except BaseException:
        if created is not None:  # no row records it (rolled back): it must not outlive this call
            if layout:
                svc._remove_layout(created.jid, created)
            _discard(created)
        raise
    if plan.created:
        stop_point("create:committed")
    if plan.attach:
        try:
            yield from _attach(call, row, plan.jid)
        except FreeBSDError:
            if plan.created:
                _remove_rows(svc, [record.jid])
            raise JailError(EAGAIN, "attach failed") from None
    if not record.persist and not plan.attach:
        svc.drop_if_unused(record.jid)
    return plan.jid


def _apply_names(holder: jailns.Holder, old: JailRecord, new: JailRecord) -> None:
    """host.hostname/domainname changes reach the jail's UTS namespace."""
    for name, setter in (
        ("host.hostname", jailns.set_hostname),
        ("host.domainname", jailns.set_domainname),
    ):
        if new.params.get(name) != old.params.get(name) and jailns.alive(holder):
            setter(holder, new.params.get(name) or "")


def _discard(holder: jailns.Holder) -> None:
    """Remove a jail that was never recorded; should it not go yet, the next reap() ends it."""
    try:
        jailns.destroy(holder)
    except jailns.JailNsError:
        pass


def _remove_rows(svc: JailService, jids) -> None:
    """Kill the jails' processes now (JailService.remove), never waiting for them here."""
    for jid in jids:
        svc.remove(jid)
    svc.finish_dying()


@handler(
    "jail_set",
    Support.EMULATED,
    "registry + Linux namespaces; FreeBSD's rules in bsdulator/jail/rules.py",
)
def sys_jail_set(call, iov, niovs, flags):
    """Implements FreeBSD jail_set(2)."""
    pairs, vecs = _read_pairs(call, iov, niovs)
    try:
        return (yield from _set(call, s32(flags), pairs))
    except JailError as e:
        _report(call, iov, vecs, pairs, e)
        raise


@handler(
    "jail_get", Support.EMULATED, "from the registry; FreeBSD's rules in bsdulator/jail/rules.py"
)
def sys_jail_get(call, iov, niovs, flags):
    """Implements FreeBSD jail_get(2)."""
    pairs, vecs = _read_pairs(call, iov, niovs)
    svc = _service(call)
    try:
        with svc.transaction(write=False) as tx:
            jid, writebacks = rules.do_get(
                Store(tx, svc.host()), _caller_jid(call), s32(flags), pairs, config=svc.config
            )
    except JailError as e:
        _report(call, iov, vecs, pairs, e)
        raise
    for wb in writebacks:
        _writeback(call, iov, vecs, wb)
    return jid


@handler(
    "jail_attach",
    Support.EMULATED,
    "cgroup + setns; outside directories closed, capabilities dropped",
)
def sys_jail_attach(call, jid):
    """Implements FreeBSD jail_attach(2)."""
    svc = _service(call)
    with svc.transaction(write=False) as tx:
        record = rules.attach_target(
            Store(tx, svc.host()), _caller_jid(call), s32(jid), uid=effective_uid(call.proc.pid)
        )
        row = tx.by_jid(record.jid)
    yield from _attach(call, row)
    return 0


@handler(
    "jail_remove",
    Support.EMULATED,
    "kills the jail's processes (cgroup.kill) and drops its namespaces",
)
def sys_jail_remove(call, jid):
    """Implements FreeBSD jail_remove(2)."""
    svc = _service(call)
    with svc.transaction(write=False) as tx:
        doomed = rules.removal(
            Store(tx, svc.host()), _caller_jid(call), s32(jid), uid=effective_uid(call.proc.pid)
        )
    _remove_rows(svc, [r.jid for r in reversed(doomed)])
    return 0


@handler("jail", Support.EMULATED, "struct jail becomes a jail_set(CREATE|ATTACH)")
def sys_jail(call, jail_addr):
    """Implements FreeBSD jail(2)."""
    mem = call.mem
    version = mem.read_u32(jail_addr)
    if version == abi.JAIL_VERSION_V0:
        start, ip_at = (
            abi.FREEBSD_JAIL_V0[f"offsetof(struct jail_v0, {n})"] for n in ("path", "ip_number")
        )
        path_p, host_p, ip = struct.unpack("<QQI", mem.read(jail_addr + start, ip_at + 4 - start))
        rules.check_jail(version, 1, 0, config=_service(call).config)
        name_p, ip4, ip6 = 0, struct.pack(">I", ip), b""
    else:
        f = structs.unpack("jail", mem.read(jail_addr, structs.sizeof("jail")))
        rules.check_jail(version, f["ip4s"], f["ip6s"], config=_service(call).config)
        path_p, host_p, name_p = f["path"], f["hostname"], f["jailname"]
        ip4 = mem.read(f["ip4"], 4 * f["ip4s"]) if f["ip4s"] else b""
        ip6 = mem.read(f["ip6"], 16 * f["ip6s"]) if f["ip6s"] else b""
    pairs = rules.jail_pairs(
        mem.read_cstr(path_p),
        mem.read_cstr(host_p),
        mem.read_cstr(name_p) if name_p else None,
        ip4,
        ip6,
        jailed=bool(call.proc.jail),
        config=_service(call).config,
    )
    return (yield from _set(call, abi.JAIL_CREATE | abi.JAIL_ATTACH, pairs))


def _children_sysctls(sup, svc: JailService) -> None:
    """security.jail.children.max/cur (sysctl_jail_children): the caller's prison's child limit
    and how many jails are below it, dying ones included (pr_childmax, pr_childcount); prison0's
    limit is JAIL_MAX."""

    def jid_of(ctx) -> int:
        return ctx.jail or 0

    def limit(ctx, rest) -> int:
        jid = jid_of(ctx)
        return abi.JAIL_MAX if jid == 0 else svc.record(jid).params["children.max"]

    def count(ctx, rest) -> int:
        return len(svc.family(jid_of(ctx))) - 1

    tree = sup.sysctl
    tree.add("security.jail.children", CTLTYPE_NODE, descr="Limits and stats of child jails")
    tree.add(
        "security.jail.children.max", CTLTYPE_INT, limit, descr="Maximum number of child jails"
    )
    tree.add(
        "security.jail.children.cur", CTLTYPE_INT, count, descr="Current number of child jails"
    )


def install(sup) -> None:
    svc = JailService(sup)
    sup.jails = svc
    _children_sysctls(sup, svc)

    def on_exit(proc):
        if proc.proxy is not None:
            proc.proxy.gone()
        if proc.jail:
            try:
                svc.drop_if_unused(proc.jail)
            except FreeBSDError:
                pass  # a registry it cannot read: the jail stays until jail -r, as if persistent
        if svc.dying:
            svc.finish_dying()

    sup.hooks.on_process_exit.append(on_exit)
    sup.hooks.at_exit.append(svc.at_exit)
