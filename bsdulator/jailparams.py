"""FreeBSD's jail parameters and the kernel's jail(2), jail_set(2), jail_get(2), jail_attach(2) and jail_remove(2) rules, as pure logic.

The rules are sys/kern/kern_jail.c's (13.5 behaviour, without jail descriptors),
with the vfsopt layer it borrows from kern/vfs_mount.c: an iovec of (name, value)
pairs becomes an option list in which the last of several same-named options
wins ("persist" and "nopersist" count as the same name), every option the kernel
looks at is marked seen, and any left unseen fails the call as an unknown
parameter once every other check has passed. Jails live in a JailStore that
someone else keeps; plan_set says what to change in it and never changes it.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Protocol

from bsdulator.sysctl import SysctlTree

from bsdulator.abi import jail as abi
from bsdulator.abi import sysctl as ctl
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError

EPERM, ENOENT, EAGAIN, EEXIST, EINVAL, EADDRINUSE, ENAMETOOLONG = (
    FREEBSD_ERRNO[name] for name in ("EPERM", "ENOENT", "EAGAIN", "EEXIST", "EINVAL", "EADDRINUSE", "ENAMETOOLONG"))

Pairs = Iterable[tuple[bytes, "bytes | None"]]


class JailError(FreeBSDError):
    """A failed jail call: the errno, and the text the kernel writes into "errmsg" ("" when it writes none)."""

    def __init__(self, errno: int, message: str = ""):
        super().__init__(errno, message)
        self.message = message


# --- the parameter table --------------------------------------------------------


class Kind(enum.Enum):
    """How a parameter's value travels in the iovec, and so which sysctl type describes it."""
    INT = "int"             # int
    ULONG = "ulong"         # unsigned long (host.hostid)
    STRING = "string"       # NUL-terminated, at most Param.size bytes with the NUL
    BOOL = "bool"           # set by its name or "no" name, value ignored; read back as an int 0/1
    JAILSYS = "jailsys"     # int JAIL_SYS_DISABLE / NEW / INHERIT
    IP4 = "ip4"             # array of struct in_addr
    IP6 = "ip6"             # array of struct in6_addr
    NODE = "node"           # a plain sysctl node grouping parameters; not a parameter itself


_SYSCTL = {     # Kind -> the CTLTYPE and format the SYSCTL_JAIL_PARAM* macros give it
    Kind.INT: (ctl.CTLTYPE_INT, "I"), Kind.ULONG: (ctl.CTLTYPE_ULONG, "LU"), Kind.STRING: (ctl.CTLTYPE_STRING, "A"),
    Kind.BOOL: (ctl.CTLTYPE_INT, "B"), Kind.JAILSYS: (ctl.CTLTYPE_INT, "E,jailsys"),
    Kind.IP4: (ctl.CTLTYPE_STRUCT, "S,in_addr,a"), Kind.IP6: (ctl.CTLTYPE_STRUCT, "S,in6_addr,a"),
    Kind.NODE: (ctl.CTLTYPE_NODE, "N"),
}
_WIDTH = {Kind.INT: 4, Kind.BOOL: 4, Kind.JAILSYS: 4, Kind.ULONG: 8, Kind.IP4: 4, Kind.IP6: 16}
_INT_CODE = {4: "<i", 8: "<Q"}


@dataclass(frozen=True)
class Param:
    """One security.jail.param entry: what kern_jail.c (or a module) registers for it."""

    name: str
    kind: Kind
    access: int             # CTLFLAG_RD: read-only; CTLFLAG_RDTUN: set at creation only; CTLFLAG_RW: settable
    descr: str
    size: int = 0           # strings: the buffer, NUL included (what the sysctl node reports)
    module: str | None = None   # the kernel module that adds it; None: in the kernel itself

    @property
    def ctltype(self) -> int:
        """The CTLTYPE_* its sysctl node has."""
        return _SYSCTL[self.kind][0]

    @property
    def fmt(self) -> str:
        """The format string its sysctl node has, as libjail reads it through 0.4."""
        return _SYSCTL[self.kind][1]

    @property
    def noname(self) -> str:
        """A boolean's negative name: "no" before the last component (nopersist, allow.mount.nodevfs)."""
        head, dot, tail = self.name.rpartition(".")
        return f"{head}{dot}no{tail}"


def _node(name: str, descr: str, module: str | None = None) -> Param:
    """A plain node of the table."""
    return Param(name, Kind.NODE, 0, descr, module=module)


def _allow(name: str, descr: str, module: str | None = None) -> Param:
    """An allow.* boolean."""
    return Param(f"allow.{name}", Kind.BOOL, ctl.CTLFLAG_RW, descr, module=module)


def _mount(fs: str, module: str | None = None) -> Param:
    """allow.mount.<fs>, which prison_add_vfs adds for each jail-friendly file system the kernel has."""
    return _allow(f"mount.{fs}", f"Jail may mount the {fs} file system", module)


_RD, _RDTUN, _RW = ctl.CTLFLAG_RD, ctl.CTLFLAG_RDTUN, ctl.CTLFLAG_RW
LINUX_MAX_UTSNAME = 65

# In registration order: kern_jail.c's, then the file systems', then the SysV IPC and Linux modules'.
PARAMS: tuple[Param, ...] = (
    Param("jid", Kind.INT, _RDTUN, "Jail ID"),
    Param("parent", Kind.INT, _RD, "Jail parent ID"),
    Param("name", Kind.STRING, _RW, "Jail name", abi.MAXHOSTNAMELEN),
    Param("path", Kind.STRING, _RDTUN, "Jail root path", abi.MAXPATHLEN),
    Param("securelevel", Kind.INT, _RW, "Jail secure level"),
    Param("osreldate", Kind.INT, _RDTUN, "Jail value for kern.osreldate and uname -K"),
    Param("osrelease", Kind.STRING, _RDTUN, "Jail value for kern.osrelease and uname -r", abi.OSRELEASELEN),
    Param("enforce_statfs", Kind.INT, _RW, "Jail cannot see all mounted file systems"),
    Param("devfs_ruleset", Kind.INT, _RW, "Ruleset for in-jail devfs mounts"),
    Param("persist", Kind.BOOL, _RW, "Jail persistence"),
    Param("vnet", Kind.JAILSYS, _RDTUN, "Virtual network stack"),
    Param("dying", Kind.BOOL, _RD, "Jail is in the process of shutting down"),
    _node("children", "Number of child jails"),
    Param("children.cur", Kind.INT, _RD, "Current number of child jails"),
    Param("children.max", Kind.INT, _RW, "Maximum number of child jails"),
    _node("host", "Jail host info"),
    Param("host", Kind.JAILSYS, _RW, "Jail host info"),
    Param("host.hostname", Kind.STRING, _RW, "Jail hostname", abi.MAXHOSTNAMELEN),
    Param("host.domainname", Kind.STRING, _RW, "Jail NIS domainname", abi.MAXHOSTNAMELEN),
    Param("host.hostuuid", Kind.STRING, _RW, "Jail host UUID", abi.HOSTUUIDLEN),
    Param("host.hostid", Kind.ULONG, _RW, "Jail host ID"),
    _node("cpuset", "Jail cpuset"),
    Param("cpuset.id", Kind.INT, _RD, "Jail cpuset ID"),
    _node("ip4", "Jail IPv4 address virtualization"),
    Param("ip4", Kind.JAILSYS, _RDTUN, "Jail IPv4 address virtualization"),
    Param("ip4.addr", Kind.IP4, _RW, "Jail IPv4 addresses"),
    Param("ip4.saddrsel", Kind.BOOL, _RW,
          "Do (not) use IPv4 source address selection rather than the primary jail IPv4 address."),
    _node("ip6", "Jail IPv6 address virtualization"),
    Param("ip6", Kind.JAILSYS, _RDTUN, "Jail IPv6 address virtualization"),
    Param("ip6.addr", Kind.IP6, _RW, "Jail IPv6 addresses"),
    Param("ip6.saddrsel", Kind.BOOL, _RW,
          "Do (not) use IPv6 source address selection rather than the primary jail IPv6 address."),
    _node("allow", "Jail permission flags"),
    _allow("set_hostname", "Jail may set hostname"),
    _allow("sysvipc", "Jail may use SYSV IPC"),
    _allow("raw_sockets", "Jail may create raw sockets"),
    _allow("chflags", "Jail may alter system file flags"),
    _allow("quotas", "Jail may set file quotas"),
    _allow("socket_af", "Jail may create sockets other than just UNIX/IPv4/IPv6/route"),
    _allow("mlock", "Jail may lock (unlock) physical pages in memory"),
    _allow("reserved_ports", "Jail may bind sockets to reserved ports"),
    _allow("read_msgbuf", "Jail may read the kernel message buffer"),
    _allow("unprivileged_proc_debug", "Unprivileged processes may use process debugging facilities"),
    _allow("suser", "Processes in jail with uid 0 have privilege"),
    _allow("nfsd", "Mountd/nfsd may run in the jail"),
    _node("allow.mount", "Jail mount/unmount permission flags"),
    _allow("mount", "Jail may mount/unmount jail-friendly file systems in general"),
    _mount("devfs"), _mount("fdescfs"), _mount("nullfs"), _mount("procfs"), _mount("tmpfs"),
    _mount("linprocfs", "linux"), _mount("linsysfs", "linux"), _mount("lindebugfs", "linux"),
    _mount("fusefs", "fusefs"), _mount("zfs", "zfs"),
    _node("sysvshm", "SYSV shared memory"),
    Param("sysvshm", Kind.JAILSYS, _RW, "SYSV shared memory"),
    _node("sysvsem", "SYSV semaphores"),
    Param("sysvsem", Kind.JAILSYS, _RW, "SYSV semaphores"),
    _node("sysvmsg", "SYSV message queues"),
    Param("sysvmsg", Kind.JAILSYS, _RW, "SYSV message queues"),
    _node("linux", "Jail Linux parameters", "linux"),
    Param("linux", Kind.JAILSYS, _RW, "Jail Linux parameters", module="linux"),
    Param("linux.osname", Kind.STRING, _RW, "Jail Linux kernel OS name", LINUX_MAX_UTSNAME, "linux"),
    Param("linux.osrelease", Kind.STRING, _RW, "Jail Linux kernel OS release", LINUX_MAX_UTSNAME, "linux"),
    Param("linux.oss_version", Kind.INT, _RW, "Jail Linux OSS version", module="linux"),
)

PARAM: dict[str, Param] = {p.name: p for p in PARAMS if p.kind is not Kind.NODE}

# kern_jail.c's defaults for a new jail's allow.* (JAIL_DEFAULT_ALLOW) and enforce_statfs.
JAIL_DEFAULT_ALLOW = frozenset({"allow.set_hostname", "allow.reserved_ports", "allow.unprivileged_proc_debug",
                                "allow.suser"})
JAIL_DEFAULT_ENFORCE_STATFS = 2
_ALLOW_DIFFERENCES = frozenset({"allow.unprivileged_proc_debug"})   # PR_ALLOW_DIFFERENCES
_SYSV = ("sysvshm", "sysvsem", "sysvmsg")       # in the order their modules' OSD slots are called
_BOOLS = ("persist", "ip4.saddrsel", "ip6.saddrsel")     # pr_flag_bool


@dataclass
class JailConfig:
    """The emulated kernel's jail settings: the security.jail.* defaults (sysctl-writable) and the modules it has."""

    default_allow: set[str] = field(default_factory=lambda: set(JAIL_DEFAULT_ALLOW))   # jail(2)'s allow.*
    default_enforce_statfs: int = JAIL_DEFAULT_ENFORCE_STATFS   # every new jail's enforce_statfs
    max_af_ips: int = 255           # security.jail.jail_max_af_ips
    modules: frozenset[str] = frozenset()   # loaded modules: their parameters exist (e.g. "linux")

    def has(self, param: Param) -> bool:
        """Whether the kernel knows the parameter: built in, or its module is loaded."""
        return param.module is None or param.module in self.modules

    def allows(self) -> list[str]:
        """The allow.* parameters this kernel has, in pr_flag_allow order (allow.mount before its file systems)."""
        return [p.name for p in PARAMS if p.name.startswith("allow.") and p.kind is Kind.BOOL and self.has(p)]

    def settings(self) -> dict[str, int]:
        """What the security.jail.* knobs changed, as numbers (a store keeps them between processes)."""
        return {"jail_max_af_ips": self.max_af_ips, "enforce_statfs": self.default_enforce_statfs,
                **{name: int(name in self.default_allow) for name in self.allows()}}

    def apply(self, settings: dict[str, int]) -> None:
        """Take back what settings() gave (names it does not know are left alone)."""
        self.max_af_ips = settings.get("jail_max_af_ips", self.max_af_ips)
        self.default_enforce_statfs = settings.get("enforce_statfs", self.default_enforce_statfs)
        for name in self.allows():
            if name in settings:
                (self.default_allow.add if settings[name] else self.default_allow.discard)(name)


# --- the codecs ---------------------------------------------------------------


def _cstr(raw: bytes) -> str:
    """A C string: the bytes before the first NUL."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _bytes(text: str) -> bytes:
    """A str back into the bytes the kernel holds."""
    return text.encode("utf-8", "surrogateescape")


def _addr_family(kind: Kind) -> type:
    """The ipaddress class of an address array."""
    return ipaddress.IPv4Address if kind is Kind.IP4 else ipaddress.IPv6Address


def decode_value(param: Param, raw: bytes | None, *, max_ips: int = 255) -> Any:
    """A jail_set value as kern_jail_set reads it: ints of the exact size, bounded C strings, checked address lists.

    Booleans are not decoded: the kernel looks only at which name was given.
    Addresses come back as strings, all but the first sorted, as the kernel keeps them.
    """
    raw = raw or b""
    if param.kind in (Kind.INT, Kind.JAILSYS, Kind.ULONG):
        if len(raw) != _WIDTH[param.kind]:
            raise JailError(EINVAL)
        return struct.unpack(_INT_CODE[len(raw)], raw)[0]
    if param.kind is Kind.STRING:
        if not raw or raw[-1] != 0:
            raise JailError(EINVAL)
        if len(raw) > param.size:
            raise JailError(ENAMETOOLONG)
        return _cstr(raw)
    if param.kind in (Kind.IP4, Kind.IP6):
        return _decode_addrs(param.kind, raw, max_ips)
    raise ValueError(f"{param.name}: a {param.kind.value} parameter has no value to decode")


def _decode_addrs(kind: Kind, raw: bytes, max_ips: int) -> tuple[str, ...]:
    """prison_ip_copyin: whole addresses, not too many, the rest sorted after the primary, no 0/broadcast/duplicates."""
    width = _WIDTH[kind]
    if len(raw) % width:
        raise JailError(EINVAL)
    count = len(raw) // width
    if count > max_ips:
        raise JailError(EINVAL, f"too many IPv{4 if kind is Kind.IP4 else 6} addresses")
    addrs = [raw[i:i + width] for i in range(0, len(raw), width)]
    addrs[1:] = sorted(addrs[1:])
    invalid = {bytes(4), b"\xff" * 4} if kind is Kind.IP4 else {bytes(16)}
    for i, addr in enumerate(addrs):
        if addr in invalid or (i + 1 < count and addrs[i + 1] in (addrs[0], addr)):
            raise JailError(EINVAL)
    family = _addr_family(kind)
    return tuple(str(family(a)) for a in addrs)


def encode_value(param: Param, value: Any, raw: bytes | None) -> tuple[int, bytes | None]:
    """A jail_get answer for a caller's buffer raw (None: a NULL iov_base): the new iov_len, and the bytes to copy out.

    With no buffer only the size is reported; a buffer of the wrong size (ints),
    too small (strings, address arrays) fails with EINVAL, as vfs_setopt,
    vfs_setopts and vfs_setopt_part do.
    """
    if param.kind is Kind.STRING:
        text = _bytes(value) + b"\0"
        if raw is None:
            return len(text), None
        if len(text) > len(raw):
            raise JailError(EINVAL)
        return len(raw), text + raw[len(text):]
    if param.kind in (Kind.IP4, Kind.IP6):
        family = _addr_family(param.kind)
        data = b"".join(family(a).packed for a in value)
        if raw is not None and len(raw) < len(data):
            raise JailError(EINVAL)
        return len(data), None if raw is None else data
    data = struct.pack(_INT_CODE[_WIDTH[param.kind]], int(value))
    if raw is not None and len(raw) != len(data):
        raise JailError(EINVAL)
    return len(data), None if raw is None else data


# --- the option list (vfsoptlist) ---------------------------------------------


_VFSOPT_SIZE = 48       # sizeof(struct vfsopt) on amd64, which vfs_buildopts counts against its limit


@dataclass
class _Opt:
    """One iovec pair as struct vfsopt holds it."""
    name: str
    value: bytes | None     # None: no value (iov_len 0)
    pos: int                # index of the pair in the iovec
    seen: bool = False


def _same_option(a: str, b: str) -> bool:
    """vfs_equalopts: equal, or equal but for a "no" before the last component; ro/rdonly/norw/rw/noro alike."""
    if a == b or (a.startswith("no") and a[2:] == b) or (b.startswith("no") and a == b[2:]):
        return True
    while "." in a:
        head = a[:a.index(".") + 1]
        if not b.startswith(head):
            break
        a, b = a[len(head):], b[len(head):]
        if (a.startswith("no") and a[2:] == b) or (b.startswith("no") and a == b[2:]):
            return True
    mode = {"ro", "rdonly", "norw", "rw", "noro"}
    return a in mode and b in mode


class Request:
    """A jail_set/jail_get iovec as vfs_buildopts leaves it, with the accessors kern_jail.c reads it through.

    pairs are (name, value) as the iovec gives them: the iov_len bytes of each
    name (NUL-terminated) and value, None where iov_base is NULL. Of several
    same-named options the last is kept. Every accessor marks what it looks at
    as seen; unknown() names the first option nothing looked at.
    """

    def __init__(self, pairs: Pairs):
        opts, used = [], 0
        for pos, (name, value) in enumerate(pairs):
            used += _VFSOPT_SIZE + len(name) + len(value or b"")
            if max(used, len(name), len(value or b"")) > abi.VFS_MOUNTARG_SIZE_MAX or not name or name[-1] != 0:
                raise JailError(EINVAL)
            opts.append(_Opt(_cstr(name), value or None, pos))
        kept: list[_Opt] = []
        for opt in reversed(opts):
            if not any(_same_option(later.name, opt.name) for later in kept):
                kept.append(opt)
        self.opts = kept[::-1]

    def _find(self, name: str) -> _Opt | None:
        """The option named exactly name, marked seen."""
        opt = next((o for o in self.opts if o.name == name), None)
        if opt is not None:
            opt.seen = True
        return opt

    def has(self, name: str) -> bool:
        """vfs_flagopt: whether the option was given (its value is never looked at)."""
        return self._find(name) is not None

    def raw(self, name: str) -> tuple[bool, bytes | None]:
        """vfs_getopt: whether the option was given, and its value."""
        opt = self._find(name)
        return opt is not None, None if opt is None else opt.value

    def value(self, name: str, *, max_ips: int = 255) -> Any:
        """A typed value (see decode_value), or None when the option is absent."""
        given, raw = self.raw(name)
        return decode_value(PARAM[name], raw, max_ips=max_ips) if given else None

    def flag(self, name: str) -> bool | None:
        """A boolean as kern_jail_set takes it: True by its name, False by its "no" name, None when neither is given."""
        if self.has(name):
            return True
        return False if self.has(PARAM[name].noname) else None

    def position(self, name: str) -> int | None:
        """vfs_getopt_pos: the iovec pair index of the option."""
        opt = self._find(name)
        return None if opt is None else opt.pos

    def unknown(self) -> str | None:
        """The first option no rule looked at ("errmsg" excepted): the kernel's unknown parameter."""
        return next((o.name for o in self.opts if not o.seen and o.name != "errmsg"), None)


class Writeback(NamedTuple):
    """What the jail syscall handler copies back for one value: data to iov_base, length to the iovec's iov_len."""

    index: int              # index into the iovec array (the value's slot, 2 * pair + 1)
    length: int             # the new iov_len (jail_get copies the iovec array back on success)
    data: bytes | None      # bytes for iov_base, None: nothing (the caller passed no buffer)


def errmsg_writeback(pairs: Pairs, error: JailError) -> Writeback | None:
    """The "errmsg" buffer after a failed call: the message vsnprintf'd into it, the rest as it was; None: untouched."""
    if not error.message:
        return None
    opt = Request(pairs)._find("errmsg")
    if opt is None or opt.value is None:
        return None
    text = _bytes(error.message)[:len(opt.value) - 1] + b"\0"
    return Writeback(2 * opt.pos + 1, len(opt.value), text + opt.value[len(text):])


# --- jails and where they are kept ------------------------------------------


@dataclass(frozen=True)
class JailRecord:
    """One prison as the store keeps it. The host is the record with jid 0 (prison0, see host_jail)."""

    jid: int
    name: str               # full dotted name (pr_name), e.g. "web.db"; the host's is "0"
    path: str               # root directory, as a path from the real root
    parent: int             # the parent's jid: 0 for a top-level jail, -1 for the host
    dying: bool = False     # removed, but processes (or references) remain
    persist: bool = False   # lives on without processes
    params: Mapping[str, Any] = field(default_factory=dict)
    # params: every other stored parameter by name, typed: securelevel, children.max, enforce_statfs,
    # devfs_ruleset, osreldate, cpuset.id (int); osrelease, host.hostname, host.domainname, host.hostuuid
    # (str); host.hostid (int); host, vnet, ip4, ip6, sysvshm, sysvsem, sysvmsg (JAIL_SYS_* as jail_get
    # reports them, sysv* being what the jail chose, see _sysv_value); ip4.addr, ip6.addr (tuples of
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

    last_jid: int           # lastprid: the jid get_next_prid handed out last (0 at first)
    last_dead_jid: int      # lastdeadid: the jid last given to a dying jail moved out of the way (0 at first)

    def get(self, jid: int) -> JailRecord | None:
        """The jail numbered jid, dying or not; 0 is the host."""

    def after(self, jid: int) -> JailRecord | None:
        """The jail with the smallest jid greater than jid, dying or not (never the host)."""

    def children(self, jid: int) -> Iterable[JailRecord]:
        """The jails whose parent is jid, dying or not."""


def host_jail(*, hostname: str, osrelease: str, osreldate: int, securelevel: int = -1, domainname: str = "",
              hostuuid: str = abi.DEFAULT_HOSTUUID, hostid: int = 0, config: JailConfig | None = None) -> JailRecord:
    """prison0: the host as the root of the jail tree, with every permission and every facility of its own."""
    config = config or JailConfig()
    params: dict[str, Any] = {
        "securelevel": securelevel, "children.max": abi.JAIL_MAX, "enforce_statfs": 0, "devfs_ruleset": 0,
        "osreldate": osreldate, "osrelease": osrelease, "cpuset.id": 1,
        "host": abi.JAIL_SYS_NEW, "host.hostname": hostname, "host.domainname": domainname,
        "host.hostuuid": hostuuid, "host.hostid": hostid,
        "vnet": abi.JAIL_SYS_NEW, "ip4": abi.JAIL_SYS_INHERIT, "ip6": abi.JAIL_SYS_INHERIT,
        "ip4.addr": (), "ip6.addr": (), "ip4.saddrsel": True, "ip6.saddrsel": True,
        **{name: abi.JAIL_SYS_NEW for name in _SYSV},
        **{name: True for name in config.allows()},
    }
    return JailRecord(0, "0", "/", -1, persist=True, params=params)


class _View:
    """The store as a call sees it: its own pending changes first."""

    def __init__(self, store: JailStore):
        self.store = store
        self.changed: dict[int, JailRecord] = {}
        self.created: int | None = None     # a jid being created: whatever the store has under it is not its child

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

    def descendants(self, jid: int, prune: Callable[[JailRecord], bool] = lambda r: False
                    ) -> Iterator[tuple[JailRecord, int]]:
        """FOREACH_PRISON_DESCENDANT: every jail below jid in pre-order, with its depth; prune skips a subtree."""
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
        """prison_find_name: a jail below mine by its name relative to mine, a live one before a dying one."""
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
        return any(r.jid != 0 and r.get(family) == abi.JAIL_SYS_DISABLE for r in chain[:_vnet_depth(chain)])

    def sysv_root(self, record: JailRecord, name: str) -> int | None:
        """The jid whose SysV IPC objects record uses for name, None when it has none (the module's OSD slot)."""
        for r in (record, *self.ancestors(record)):
            if r.get(name) != abi.JAIL_SYS_INHERIT:
                return r.jid if r.get(name) == abi.JAIL_SYS_NEW else None
        return None


def _vnet_depth(chain: list[JailRecord]) -> int:
    """How far up an IP restriction reaches: to the first jail with its own network stack."""
    return next((i + 1 for i, r in enumerate(chain) if r.get("vnet") == abi.JAIL_SYS_NEW and r.jid != 0),
                len(chain))


def _sysv_value(view: _View, record: JailRecord, name: str) -> int:
    """sysv*_prison_get: none -> disable, its own -> new, an ancestor's -> inherit."""
    root = view.sysv_root(record, name)
    return abi.JAIL_SYS_DISABLE if root is None else abi.JAIL_SYS_NEW if root == record.jid else abi.JAIL_SYS_INHERIT


def _privileged(uid: int, caller: JailRecord) -> bool:
    """priv_check for PRIV_JAIL_*: root, where root is still root (allow.suser)."""
    return uid == 0 and bool(caller.get("allow.suser"))


# --- jail_set(2) --------------------------------------------------------------


@dataclass(frozen=True)
class SetPlan:
    """What a successful jail_set(2) changes; the caller saves it all, then attaches if asked."""

    jid: int                            # what jail_set returns
    created: bool                       # record is a new jail to add
    record: JailRecord                  # the jail as it is after the call
    attach: bool                        # JAIL_ATTACH: move the calling process into record
    descendants: tuple[JailRecord, ...] = ()    # jails below record that inherited part of the change
    renumbered: tuple[int, int] | None = None   # (old, new) jid of a dying jail moved off the jid record takes
    last_jid: int = 0                   # the store's new last_jid
    last_dead_jid: int = 0              # the store's new last_dead_jid


def _strtoul(text: str) -> tuple[int, str]:
    """strtoul(3) in base 10, as libkern has it: the unsigned long value and what is left after the number."""
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
    return len(_bytes(text))


def _string_opt(req: Request, name: str, limit: int) -> str | None:
    """A NUL-terminated string option no longer than limit bytes with its NUL, None when absent."""
    given, raw = req.raw(name)
    if not given:
        return None
    if not raw or raw[-1] != 0:
        raise JailError(EINVAL)
    if len(raw) > limit:
        raise JailError(ENAMETOOLONG)
    return _cstr(raw)


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
        self.bools = {name: value for name in _BOOLS if (value := req.flag(name)) is not None}
        self.jailsys: dict[str, int] = {}
        for name in ("host", "vnet", "ip4", "ip6"):
            value = _int_opt(req, name)
            if value is None:
                continue
            if value not in (abi.JAIL_SYS_NEW, abi.JAIL_SYS_INHERIT) and not (
                    value == abi.JAIL_SYS_DISABLE and name in ("ip4", "ip6")):
                raise JailError(EINVAL)
            self.jailsys[name] = value
        if flags & (abi.JAIL_CREATE | abi.JAIL_ATTACH) == abi.JAIL_CREATE and not self.bools.get("persist"):
            raise JailError(EINVAL, "new jail must persist or attach")
        for name in ("vnet", "ip4", "ip6"):
            if update and name in self.jailsys:
                raise JailError(EINVAL, f"{name} cannot be changed after creation")
        self.allow = {name: value for name in config.allows() if (value := req.flag(name)) is not None}
        self.name = _string_opt(req, "name", abi.MAXHOSTNAMELEN)
        self.host = {name: value for name, limit in (("host.hostname", abi.MAXHOSTNAMELEN),
                                                     ("host.domainname", abi.MAXHOSTNAMELEN),
                                                     ("host.hostuuid", abi.HOSTUUIDLEN))
                     if (value := _string_opt(req, name, limit)) is not None}
        given, raw = req.raw("host.hostid")
        if given:
            self.host["host.hostid"] = decode_value(PARAM["host.hostid"], raw)
        self.ips = {name: value for name in ("ip4.addr", "ip6.addr")
                    if (value := req.value(name, max_ips=config.max_af_ips)) is not None}
        ip_user = {name for name in ("ip4", "ip6") if name in self.jailsys or f"{name}.addr" in self.ips}
        if "vnet" in self.jailsys and ip_user:
            raise JailError(EINVAL, "vnet jails cannot have IP address restrictions")
        self.ip_user = ip_user      # ch_flags & PR_IP*_USER
        self.osrelease = self._osrelease(update)
        self.osreldate = self._osreldate(update)
        given, raw = req.raw("path")
        if given and update:
            raise JailError(EINVAL, "path cannot be changed after creation")
        if given and (not raw or raw[-1] != 0):
            raise JailError(EINVAL)
        self.path = _cstr(raw) if given else None

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
            raise JailError(ENAMETOOLONG, f"osrelease string must be 1-{abi.OSRELEASELEN - 1} bytes long")
        return _cstr(raw)

    def _osreldate(self, update: int) -> int | None:
        """osreldate: creation only, never 0."""
        value = _int_opt(self.req, "osreldate")
        if value is not None and update:
            raise JailError(EINVAL, "osreldate cannot be changed after creation")
        if value == 0:
            raise JailError(EINVAL, "osreldate cannot be 0")
        return value

    def ip_new(self, name: str) -> bool:
        """pr_flags & PR_IP*_USER: the request limits the family (addresses, or ip4/ip6 = new or disable)."""
        return f"{name}.addr" in self.ips or self.jailsys.get(name, abi.JAIL_SYS_INHERIT) != abi.JAIL_SYS_INHERIT


def plan_set(store: JailStore, caller_jid: int, flags: int, pairs: Pairs, *, uid: int = 0,
             lookup: Callable[[str], str] | None = None, config: JailConfig | None = None) -> SetPlan:
    """kern_jail_set: create or update a jail as the caller in jail caller_jid (0: the host) asks; raises JailError.

    lookup turns the "path" value into the directory's path from the real root
    (namei and vn_path_to_global_path), raising FreeBSDError (ENOENT, ENOTDIR
    ...) where the kernel would; without it the path is taken relative to the
    caller's root.
    """
    config = config or JailConfig()
    view = _View(store)
    mine = view.caller(caller_jid)
    if flags & abi.JAIL_CREATE and mine.get("children.max") == 0:
        raise JailError(EPERM)
    if flags & ~abi.JAIL_SET_MASK:
        raise JailError(EINVAL)
    req = Request(pairs)
    cuflags = flags & (abi.JAIL_CREATE | abi.JAIL_UPDATE)
    if not cuflags:
        raise JailError(EINVAL, "no valid operation (create or update)")
    if not _privileged(uid, mine):
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
    """The second half of kern_jail_set: find the jail (or its parent), check, then work out the new state."""

    def __init__(self, view: _View, mine: JailRecord, flags: int, cuflags: int, ask: _SetRequest,
                 path: str | None, config: JailConfig):
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
        return SetPlan(record.jid, created, record, bool(self.flags & abi.JAIL_ATTACH), descendants, renumbered,
                       last_jid, last_dead)

    @property
    def default_jid(self) -> int:
        """A new jail named with a number (or ending in .number) takes that number as its jid."""
        if self.cuflags != abi.JAIL_CREATE or self.ask.name is None:
            return 0
        value, rest = _strtoul(self.ask.name.rpartition(".")[2])
        return _as_int(value) if rest == "" else 0

    def _find(self) -> tuple[JailRecord | None, JailRecord, JailRecord | None, str | None]:
        """The jail to update (None: create one), its parent, a dying jail on the jid asked for, the name's leaf."""
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
                if (pr is not None and tpr.jid == pr.jid) or not tpr.alive or tpr.name != prefix + leaf:
                    continue
                if cuflags == abi.JAIL_CREATE or pr is not None:
                    raise JailError(EEXIST, f'jail "{name}" already exists')
                pr = tpr
                break
            if pr is None and cuflags == abi.JAIL_UPDATE:
                raise JailError(ENOENT, f'jail "{name}" not found')
        return pr, parent, deadpr, leaf

    def _new_jail(self, jid: int, parent: JailRecord) -> JailRecord:
        """A new prison's defaults, partly inherited from its parent, as kern_jail_set fills them in."""
        view, ask = self.view, self.ask
        params: dict[str, Any] = {
            "securelevel": parent.get("securelevel"), "children.max": 0,
            "enforce_statfs": self.config.default_enforce_statfs, "devfs_ruleset": parent.get("devfs_ruleset"),
            "osreldate": ask.osreldate or parent.get("osreldate"),
            "osrelease": parent.get("osrelease") if ask.osrelease is None else ask.osrelease,
            "cpuset.id": max([1, *(r.get("cpuset.id") for r in view.all())]) + 1,
            "host": abi.JAIL_SYS_NEW, "host.hostname": "", "host.domainname": "",
            "host.hostuuid": abi.DEFAULT_HOSTUUID, "host.hostid": 0,
            "vnet": abi.JAIL_SYS_NEW if ask.jailsys.get("vnet") == abi.JAIL_SYS_NEW else abi.JAIL_SYS_INHERIT,
            "ip4": abi.JAIL_SYS_INHERIT, "ip6": abi.JAIL_SYS_INHERIT, "ip4.addr": (), "ip6.addr": (),
            "ip4.saddrsel": True, "ip6.saddrsel": True,
            **{name: abi.JAIL_SYS_DISABLE for name in _SYSV},
            **{name: name in JAIL_DEFAULT_ALLOW and bool(parent.get(name)) for name in self.config.allows()},
        }
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
        """What an update may not change: IP limits of a vnet jail, or whether the jail limits a family."""
        if pr.get("vnet") == abi.JAIL_SYS_NEW and self.ask.ip_user:
            raise JailError(EINVAL, "vnet jails cannot have IP address restrictions")
        for family in sorted(self.ask.ip_user):
            if self.ask.ip_new(family) != (pr.get(family) == abi.JAIL_SYS_DISABLE):
                raise JailError(EINVAL, f"{family} cannot be changed after creation")

    def _final_checks(self, pr: JailRecord, parent: JailRecord) -> None:
        """Limits the parent sets: securelevel, children.max, enforce_statfs, devfs_ruleset, addresses, allow.*."""
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
            if view.ip_restricted(parent, family) and not _parent_match(parent.get(f"{family}.addr"), addrs):
                raise JailError(EPERM)
            if not self._no_clash(pr, parent, family, addrs):
                raise JailError(EADDRINUSE, f"IPv{version} addresses clash")

    def _no_clash(self, pr: JailRecord, parent: JailRecord, family: str, addrs: tuple[str, ...]) -> bool:
        """prison_ip_conflict_check: no other live jail limited to addresses shares one (unless both have just one)."""
        view = self.view
        top = next((r for r in (parent, *view.ancestors(parent)) if r.jid != 0 and r.get("vnet") == abi.JAIL_SYS_NEW),
                   view.caller(0))

        def clear_below(jid: int) -> bool:
            for tpr in view.children(jid):
                if tpr.jid == pr.jid or tpr.get("vnet") == abi.JAIL_SYS_NEW or not tpr.alive:
                    continue
                if tpr.get(family) != abi.JAIL_SYS_DISABLE:
                    if not clear_below(tpr.jid):
                        return False
                    continue
                theirs = tpr.get(f"{family}.addr") or ()
                if theirs and not (len(addrs) == 1 and len(theirs) == 1) and set(addrs) & set(theirs):
                    return False
            return True
        return clear_below(top.jid)

    def _check_name(self, pr: JailRecord, parent: JailRecord, leaf: str | None) -> str | None:
        """The name's last component: the jid when empty, numeric only as the jid, short enough for every descendant."""
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
        """No permission the parent lacks (but allow.unprivileged_proc_debug), the SysV modules' checks, no unknowns."""
        granted = {name for name, on in self.ask.allow.items() if on}
        if {name for name in granted if not parent.get(name)} - _ALLOW_DIFFERENCES:
            raise JailError(EPERM)
        for name in _SYSV:
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
        """What descendants take from a changed jail: addresses, limits, the name prefix, host names, lost permissions."""
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
            updated = replace(_with(tpr, change), name=name + tpr.name[len(old_name):])
            if updated != tpr:
                view.put(updated)

    def _set_sysv(self, jid: int) -> None:
        """sysv*_prison_set: a module's jailsys value, or allow.sysvipc / allow.nosysvipc standing for inherit / disable."""
        view, req = self.view, self.ask.req
        for name in _SYSV:
            value = _int_opt(req, name)
            if value is None:
                sysvipc = self.ask.allow.get("allow.sysvipc")
                if sysvipc is None:
                    continue
                value = abi.JAIL_SYS_INHERIT if sysvipc else abi.JAIL_SYS_DISABLE
            record = view.get(jid)
            if value == abi.JAIL_SYS_INHERIT and view.sysv_root(view.caller(record.parent), name) is None:
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
    """prison_ip_restrict: a jail not limiting the family takes its parent's list; one that does keeps what the parent has."""
    if not parents:
        return ()
    if record.get(family) != abi.JAIL_SYS_DISABLE:
        return parents
    return tuple(a for a in record.get(f"{family}.addr") or () if a in parents)


# --- jail_get(2) --------------------------------------------------------------


def do_get(store: JailStore, caller_jid: int, flags: int, pairs: Pairs,
           *, config: JailConfig | None = None) -> tuple[int, list[Writeback]]:
    """kern_jail_get: the jail the request names (lastjid, jid or name) and what to copy back; raises JailError.

    The writebacks cover every option but "errmsg"; on success the handler
    copies each one's data to its iov_base and its length into the iovec
    array, which jail_get(2) copies back whole.
    """
    config = config or JailConfig()
    if flags & ~abi.JAIL_GET_MASK:
        raise JailError(EINVAL)
    req = Request(pairs)
    errmsg_pos = req.position("errmsg")
    view = _View(store)
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


def _get_target(view: _View, mine: JailRecord, flags: int, req: Request) -> JailRecord:
    """The jail a jail_get names: after lastjid, by jid, or by name; dying ones only with JAIL_DYING."""
    dying_ok = bool(flags & abi.JAIL_DYING)
    lastjid = _int_opt(req, "lastjid")
    if lastjid is not None:
        for record in view.all():
            if record.jid > lastjid and (dying_ok or record.alive) and view.is_child(mine, record):
                return record
        raise JailError(ENOENT, f"no jail after {lastjid}")
    jid = _int_opt(req, "jid")
    if jid:
        found = view.find_child(mine, jid)
        if found is None:
            raise JailError(ENOENT, f"jail {jid} not found")
        if not (found.alive or dying_ok):
            raise JailError(ENOENT, f"jail {jid} is dying")
        return found
    given, raw = req.raw("name")
    if not given:
        raise JailError(ENOENT, "no jail specified")
    if not raw or raw[-1] != 0:
        raise JailError(EINVAL)
    name = _cstr(raw)
    found = view.find_name(mine, name)
    if found is None:
        raise JailError(ENOENT, f'jail "{name}" not found')
    if not (found.alive or dying_ok):
        raise JailError(ENOENT, f'jail "{name}" is dying')
    return found


def _relative_path(mine: JailRecord, record: JailRecord) -> str:
    """prison_path: record's path as mine sees it."""
    if mine.path == "/":
        return record.path
    if not record.path.startswith(mine.path):
        return record.path
    rest = record.path[len(mine.path):]
    return "/" if rest == "" else rest if rest.startswith("/") else record.path


def _get_values(view: _View, mine: JailRecord, pr: JailRecord, config: JailConfig) -> dict[str, Any]:
    """Every parameter jail_get answers, by the name it answers to."""
    values: dict[str, Any] = {
        "jid": pr.jid, "parent": 0 if pr.parent == mine.jid else pr.parent,
        "name": view.relative_name(mine, pr), "path": _relative_path(mine, pr),
        "children.cur": view.child_count(pr), "dying": not pr.alive, "nodying": pr.alive,
        "persist": pr.persist, "nopersist": not pr.persist,
    }
    for key in ("cpuset.id", "ip4.addr", "ip6.addr", "securelevel", "children.max", *_HOST_KEYS, "enforce_statfs",
                "devfs_ruleset", "host", "vnet", "ip4", "ip6", "osreldate", "osrelease"):
        values[key] = pr.get(key)
    for key in ("ip4.saddrsel", "ip6.saddrsel", *config.allows()):
        values[key] = bool(pr.get(key))
        values[PARAM[key].noname] = not values[key]
    for key in _SYSV:
        values[key] = _sysv_value(view, pr, key)
    return values


# --- jail(2), jail_attach(2), jail_remove(2) -----------------------------------


def check_jail(version: int, ip4s: int, ip6s: int, *, config: JailConfig | None = None) -> None:
    """sys_jail and kern_jail's first checks, before the handler reads the strings and addresses: EINVAL."""
    config = config or JailConfig()
    if version not in (abi.JAIL_VERSION_V0, abi.JAIL_API_VERSION):
        raise JailError(EINVAL)
    if (1 if version == abi.JAIL_VERSION_V0 else ip4s) > config.max_af_ips or ip6s > config.max_af_ips:
        raise JailError(EINVAL)


def jail_pairs(path: bytes, hostname: bytes, jailname: bytes | None, ip4: bytes, ip6: bytes, *, jailed: bool,
               config: JailConfig | None = None) -> list[tuple[bytes, bytes | None]]:
    """kern_jail's jail_set request for a struct jail (strings without their NUL; jailname None when NULL).

    plan_set it with JAIL_CREATE | JAIL_ATTACH. A top-level jail gets the
    security.jail.* default permissions and enforce_statfs. For a version 0
    struct, ip4 is its one address in network order (htonl(ip_number)).
    """
    config = config or JailConfig()
    pairs: list[tuple[bytes, bytes | None]] = []
    if not jailed:
        for name in config.allows():
            pairs.append((_bytes(name if name in config.default_allow else PARAM[name].noname) + b"\0", None))
        pairs.append((b"enforce_statfs\0", struct.pack("<i", config.default_enforce_statfs)))
    for key, value, limit in ((b"path", path, abi.MAXPATHLEN), (b"host.hostname", hostname, abi.MAXHOSTNAMELEN),
                              (b"name", jailname, abi.MAXHOSTNAMELEN)):
        if value is None:
            continue
        if len(value) + 1 > limit:
            raise JailError(ENAMETOOLONG)
        pairs.append((key + b"\0", value + b"\0"))
    pairs += [(b"ip4.addr\0", ip4), (b"ip6.addr\0", ip6)]
    return pairs


def attach_target(store: JailStore, caller_jid: int, jid: int, *, uid: int = 0) -> JailRecord:
    """sys_jail_attach: the live jail below the caller to move into; EPERM without privilege, EINVAL otherwise."""
    view = _View(store)
    mine = view.caller(caller_jid)
    if not _privileged(uid, mine):
        raise JailError(EPERM)
    record = view.find_child(mine, jid)
    if record is None or not record.alive:
        raise JailError(EINVAL)
    return record


def removal(store: JailStore, caller_jid: int, jid: int, *, uid: int = 0) -> list[JailRecord]:
    """sys_jail_remove: the jail below the caller and its live descendants, now dying and not persistent.

    The handler kills their processes and drops each one once no process is
    left in it; EPERM without privilege, EINVAL when the caller cannot see jid.
    """
    view = _View(store)
    mine = view.caller(caller_jid)
    if not _privileged(uid, mine):
        raise JailError(EPERM)
    record = view.find_child(mine, jid)
    if record is None:
        raise JailError(EINVAL)
    below = [r for r, _ in view.descendants(record.jid, lambda r: not r.alive)]
    return [replace(r, dying=True, persist=False) for r in (record, *below)]


# --- the security.jail sysctls -------------------------------------------------


def _param_handler(param: Param) -> Callable[[Any, Any, list[int]], None]:
    """sysctl_jail_param: a node's value only describes it: 0, a string's buffer size, an element's size."""
    if param.kind is Kind.STRING:
        text = f"{param.size}".encode() + b"\0"

        def string(ctx: Any, req: Any, rest: list[int]) -> None:
            req.out(text)
            if req.new is not None and len(req.new) >= 12:     # sysctl_handle_string into char numbuf[12]
                raise FreeBSDError(EINVAL, "sysctl: string too long")
        return string
    if param.kind in (Kind.IP4, Kind.IP6):
        data = struct.pack("<Q", _WIDTH[param.kind])
    else:
        data = bytes(_WIDTH[param.kind])
    return lambda ctx, req, rest: req.out(data)


class ConfigStore(Protocol):
    """Where the knobs' settings live between processes, as the kernel keeps them between calls."""

    def load(self, config: JailConfig) -> None: ...
    def save(self, config: JailConfig) -> None: ...


def _knob(config: JailConfig, store: ConfigStore | None, get: Callable[[], int],
          put: Callable[[int], None]) -> tuple[Callable, Callable]:
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


def _default_allow(config: JailConfig, name: str, inverted: bool) -> tuple[Callable[[], int], Callable[[int], None]]:
    """sysctl_jail_default_allow for one permission of jail(2)'s top-level jails."""
    def get() -> int:
        return int((name in config.default_allow) != inverted)

    def put(value: int) -> None:
        (config.default_allow.add if bool(value) != inverted else config.default_allow.discard)(name)
    return get, put


def register(tree: SysctlTree, config: JailConfig | None = None, store: ConfigStore | None = None) -> JailConfig:
    """Add security.jail.param.* (what libjail and jls discover parameters by) and the security.jail.* knobs.

    Nodes are registered in kernel order, each jailsys node or boolean node
    (host, allow.mount) followed at once by its empty-named child, so that
    the child is one OID number off the node as libjail expects. The knobs
    show the host's view to every caller, read from and written to store when there is one.
    Returns the config the knobs change.
    """
    config = config or JailConfig()
    rw, rd, INT = ctl.CTLFLAG_RW, ctl.CTLFLAG_RD, ctl.CTLTYPE_INT
    tree.add("security.jail.jail_max_af_ips", ctl.CTLTYPE_UINT,
             *_knob(config, store, lambda: config.max_af_ips, lambda value: setattr(config, "max_af_ips", value)),
             flags=rw, descr="Number of IP addresses a jail may have at most per address family (deprecated)")
    for knob, name, inverted, descr in (
        ("set_hostname_allowed", "allow.set_hostname", False, "Processes in jail can set their hostnames (deprecated)"),
        ("socket_unixiproute_only", "allow.socket_af", True,
         "Processes in jail are limited to creating UNIX/IP/route sockets only (deprecated)"),
        ("sysvipc_allowed", "allow.sysvipc", False, "Processes in jail can use System V IPC primitives (deprecated)"),
        ("allow_raw_sockets", "allow.raw_sockets", False, "Prison root can create raw sockets (deprecated)"),
        ("chflags_allowed", "allow.chflags", False, "Processes in jail can alter system file flags (deprecated)"),
        ("mount_allowed", "allow.mount", False,
         "Processes in jail can mount/unmount jail-friendly file systems (deprecated)"),
        ("mlock_allowed", "allow.mlock", False, "Processes in jail can lock/unlock physical pages in memory"),
    ):
        tree.add(f"security.jail.{knob}", INT, *_knob(config, store, *_default_allow(config, name, inverted)),
                 flags=rw, descr=descr)
    tree.add("security.jail.enforce_statfs", INT,
             *_knob(config, store, lambda: config.default_enforce_statfs,
                    lambda value: setattr(config, "default_enforce_statfs", value)),
             flags=rw, descr="Processes in jail cannot see all mounted file systems (deprecated)")
    tree.add("security.jail.devfs_ruleset", INT, 0, flags=rd,
             descr="Ruleset for the devfs filesystem in jail (deprecated)")
    nodes = {p.name for p in PARAMS if p.kind is Kind.NODE}
    for param in PARAMS:
        if not config.has(param):
            continue
        path = f"security.jail.param.{param.name}"
        if param.kind is Kind.NODE:
            tree.add(path, ctl.CTLTYPE_NODE, flags=0, descr=param.descr)
            continue
        tree.add_handler(path + "." if param.name in nodes else path, param.ctltype, _param_handler(param),
                         fmt=param.fmt, flags=param.access, descr=param.descr)
    for param in PARAMS:
        if param.name.startswith("allow.mount.") and config.has(param):
            fs = param.name.rpartition(".")[2]
            tree.add(f"security.jail.mount_{fs}_allowed", INT,
                     *_knob(config, store, *_default_allow(config, param.name, False)),
                     flags=rw, descr=f"{param.descr} (deprecated)")
    return config
