"""FreeBSD's sysctl MIB in Python: the tree __sysctl(2) and __sysctlbyname(2) read, write and
walk, independent of ptrace.

The kernel's rules are kept where a program can see them (sys/kern/kern_sysctl.c): nodes are
kept in number order under their parent, OID_AUTO numbers count down from 0x7fffffff, every
read goes through SYSCTL_OUT (copy what fits, count all, ENOMEM when short) and every write
through the permission checks of sysctl_root before the node's handler sees it."""

from __future__ import annotations

import enum
import hashlib
import os
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_CPU_MAXSIZE
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS as KERNEL
from bsdulator.abi.limits import FREEBSD_LIMITS as LIMITS
from bsdulator.abi.limits import FREEBSD_POSIX1_VERSION
from bsdulator.abi.machine import FREEBSD_PAGE_SIZES
from bsdulator.abi.signals import FREEBSD_SIGNAL_LIMITS
from bsdulator.errors import FreeBSDError

EPERM, ENOENT, ENOMEM, ENOTDIR, EISDIR, EINVAL, ENAMETOOLONG = (
    FREEBSD_ERRNO[n]
    for n in ("EPERM", "ENOENT", "ENOMEM", "ENOTDIR", "EISDIR", "EINVAL", "ENAMETOOLONG")
)

_AUTO_TOP = 0x7FFFFFFF  # where the kernel's OID_AUTO numbering starts (and wraps to)
_PAGE_SIZE = FREEBSD_PAGE_SIZES["PAGE_SIZE"]

# The FEATURE()s of the emulated kernel (netinet/in.c, netinet6/in6.c, net/vnet.c).
KERNEL_FEATURES = (
    ("inet", "Internet Protocol version 4"),
    ("inet6", "Internet Protocol version 6"),
    ("vimage", "VIMAGE kernel virtualization"),
)

_INTS = {  # struct codes of the integer types, as the amd64 kernel lays them out
    abi.CTLTYPE_INT: "i",
    abi.CTLTYPE_UINT: "I",
    abi.CTLTYPE_LONG: "q",
    abi.CTLTYPE_ULONG: "Q",
    abi.CTLTYPE_S64: "q",
    abi.CTLTYPE_U64: "Q",
    abi.CTLTYPE_U8: "B",
    abi.CTLTYPE_U16: "H",
    abi.CTLTYPE_S8: "b",
    abi.CTLTYPE_S16: "h",
    abi.CTLTYPE_S32: "i",
    abi.CTLTYPE_U32: "I",
}

_DEFAULT_FMT = {  # the format string each SYSCTL_<TYPE> macro gives its node
    abi.CTLTYPE_NODE: "N",
    abi.CTLTYPE_STRING: "A",
    abi.CTLTYPE_INT: "I",
    abi.CTLTYPE_UINT: "IU",
    abi.CTLTYPE_LONG: "L",
    abi.CTLTYPE_ULONG: "LU",
    abi.CTLTYPE_S64: "Q",
    abi.CTLTYPE_U64: "QU",
    abi.CTLTYPE_U8: "CU",
    abi.CTLTYPE_U16: "SU",
    abi.CTLTYPE_S8: "C",
    abi.CTLTYPE_S16: "S",
    abi.CTLTYPE_S32: "I",
    abi.CTLTYPE_U32: "IU",
}


MAXFILES = KERNEL["maxfiles"]
MAXFILESPERPROC = KERNEL["maxfilesperproc"]


class SysctlContext(Protocol):
    """What one sysctl call may learn about, or change in, the calling process and its host.

    The tree reads these attributes at call time and assigns the ones marked
    "written" after a successful set; back them with properties where the value
    lives elsewhere (a jail's hostname) and raise FreeBSDError(EPERM) from the
    property setter to refuse a change (e.g. a jail without allow.set_hostname).
    """

    uid: int  # effective uid: writes need 0 unless the node is CTLFLAG_ANYBODY
    jailed: (
        bool  # caller is in a jail: security.jail.jailed; root may write only CTLFLAG_PRISON nodes
    )
    securelevel: int  # kern.securelevel of the caller's prison (written; only ever raised)
    hostname: str  # kern.hostname (written)
    domainname: str  # kern.domainname (written)
    hostuuid: str  # kern.hostuuid (written)
    hostid: int  # kern.hostid (written)
    ncpu: int  # hw.ncpu
    physmem: int  # hw.physmem, bytes
    realmem: int  # hw.realmem, bytes
    usermem: int  # hw.usermem, bytes
    cpu_model: str  # hw.model
    pagesizes: tuple[int, ...]  # hw.pagesizes: MAXPAGESIZES entries, 0 for sizes the CPU lacks
    boottime: float  # kern.boottime, seconds since the epoch
    usrstack: int  # kern.usrstack of the calling process
    ps_strings: int  # kern.ps_strings of the calling process


def _host_cpuinfo(key: str) -> str:
    """One field of the host's /proc/cpuinfo (first CPU), or "" where the host has none."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return ""


def _host_meminfo(key: str) -> int:
    """One /proc/meminfo field in bytes, or 0 where the host has none."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name == key:
                    return int(value.split()[0]) * 1024
    except OSError:
        pass
    return 0


def _host_physmem() -> int:
    """The host's RAM in bytes: FreeBSD's physmem."""
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def _host_pagesizes() -> tuple[int, ...]:
    """amd64's page sizes: 4K, 2M, and 1G when the CPU has pdpe1gb (as pmap_init decides)."""
    giant = FREEBSD_PAGE_SIZES["NBPDP"] if "pdpe1gb" in _host_cpuinfo("flags").split() else 0
    return (_PAGE_SIZE, FREEBSD_PAGE_SIZES["NBPDR"], giant)


def _host_uuid() -> str:
    """The host's machine-id written as a UUID, FreeBSD's all-zero default without one."""
    try:
        with open("/etc/machine-id") as f:
            hexid = f.read().strip()
    except OSError:
        hexid = ""
    if len(hexid) != 32:
        return "00000000-0000-0000-0000-000000000000"
    return f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[16:20]}-{hexid[20:]}"


def _hostid_of(uuid: str) -> int:
    """kern.hostid as /etc/rc.d/hostid derives it: the first 32 bits of the UUID's MD5."""
    return int(hashlib.md5(uuid.encode()).hexdigest()[:8], 16)


def _host_boottime() -> float:
    """When the host booted: now minus CLOCK_BOOTTIME."""
    return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)


@dataclass
class Context:
    """A plain SysctlContext: host facts read when it is made, writes kept in its fields."""

    usrstack: int
    ps_strings: int
    uid: int = 0
    jailed: bool = False
    securelevel: int = -1
    hostname: str = field(default_factory=socket.gethostname)
    domainname: str = ""
    hostuuid: str = field(default_factory=_host_uuid)
    hostid: int = field(default_factory=lambda: _hostid_of(_host_uuid()))
    ncpu: int = field(default_factory=lambda: os.cpu_count() or 1)
    physmem: int = field(default_factory=_host_physmem)
    realmem: int = field(default_factory=_host_physmem)
    usermem: int = field(default_factory=lambda: _host_meminfo("MemAvailable"))
    cpu_model: str = field(default_factory=lambda: _host_cpuinfo("model name"))
    pagesizes: tuple[int, ...] = field(default_factory=_host_pagesizes)
    boottime: float = field(default_factory=_host_boottime)


class Reply(NamedTuple):
    """What the syscall handler copies back: data to oldp, oldlen to *oldlenp, then errno."""

    data: bytes | None  # bytes for oldp (at most the oldlen given); None when oldp was NULL
    oldlen: int | None  # value for *oldlenp; None: leave *oldlenp as it is
    errno: int  # 0, or ENOMEM: the buffer was short, data holds what fitted


Getter = Callable[[Any, list[int]], Any]
Setter = Callable[[Any, list[int], Any], None]


class Request:
    """One call's old and new buffers, advanced the way the kernel's struct sysctl_req is.

    A handler (see SysctlTree.add_handler) reads oldptr/oldlen to size its answer,
    writes with out() and reads a new value with take(); new is None when newp was NULL.
    """

    def __init__(self, oldlen: int | None, new: bytes | None):
        self.oldptr = oldlen is not None  # oldp was not NULL
        self.oldlen = oldlen or 0
        self.old = bytearray()
        self.oldidx = 0
        self.new = new  # None: newp was NULL
        self.newidx = 0

    def out(self, data: bytes) -> None:
        """SYSCTL_OUT: count every byte, copy what fits, fail with ENOMEM once oldp is full."""
        room = max(0, self.oldlen - self.oldidx)
        self.oldidx += len(data)
        if self.oldptr:
            self.old += data[:room]
            if room < len(data):
                raise FreeBSDError(ENOMEM, "sysctl: old buffer too short")

    def take(self, size: int) -> bytes:
        """SYSCTL_IN: the next size bytes of new, EINVAL when fewer are left."""
        if len(self.new) - self.newidx < size:
            raise FreeBSDError(EINVAL, "sysctl: new value too short")
        chunk = self.new[self.newidx : self.newidx + size]
        self.newidx += size
        return chunk

    def reply(self, errno: int) -> Reply:
        """userland_sysctl's answer: a short buffer reports its own size, otherwise the bytes
        produced."""
        oldlen = self.oldlen if self.oldptr and self.oldidx > self.oldlen else self.oldidx
        return Reply(bytes(self.old) if self.oldptr else None, oldlen, errno)


Handler = Callable[[Any, Request, list[int]], None]


@dataclass(eq=False)
class _Node:
    """One OID, with what struct sysctl_oid keeps for it."""

    name: str
    number: int
    kind: int  # CTLTYPE | CTLFLAG bits, as 0.4 reports them
    fmt: str
    descr: str
    label: str | None
    handler: Handler | None  # None only for a plain node, whose children hold the data
    children: dict[int, _Node] = field(default_factory=dict)

    @property
    def is_plain(self) -> bool:
        """A node without a handler: walked into by name2oid and next, EISDIR when read."""
        return self.handler is None

    def in_order(self) -> list[_Node]:
        """Children in number order, the order every walk of the kernel's lists follows."""
        return sorted(self.children.values(), key=lambda n: n.number)


class _Step(enum.Enum):
    """What sysctl_sysctl_next_node tells the walk to do at one node."""

    SIBLINGS = 1
    CHILDREN = 2
    FOUND = 3


def _next_step(node: _Node, name: list[int], honor_skip: bool) -> _Step:
    """sysctl_sysctl_next_node: skip, descend into, or return this node, seeking the OID after
    name."""
    if honor_skip and node.kind & abi.CTLFLAG_SKIP:
        return _Step.SIBLINGS
    if not name or node.number > name[0]:
        return _Step.CHILDREN if honor_skip and node.is_plain else _Step.FOUND
    if node.number < name[0] or not node.is_plain:
        return _Step.SIBLINGS
    return _Step.CHILDREN


def _encode(kind: int, value: Any) -> bytes:
    """A node's value as the kernel copies it out: native integers, NUL-terminated strings, raw
    bytes."""
    ctltype = kind & abi.CTLTYPE
    if ctltype in _INTS:
        return struct.pack("<" + _INTS[ctltype], value)
    if ctltype == abi.CTLTYPE_STRING:
        return value.encode("utf-8", "surrogateescape") + b"\0"
    return bytes(value)


def _decode(kind: int, req: Request, size: int) -> Any:
    """A written value as the kernel's handlers read it: sized integers, bounded C strings, the rest
    raw."""
    ctltype = kind & abi.CTLTYPE
    if ctltype in _INTS:
        code = "<" + _INTS[ctltype]
        return struct.unpack(code, req.take(struct.calcsize(code)))[0]
    rest = req.take(len(req.new) - req.newidx)
    if ctltype != abi.CTLTYPE_STRING:
        return rest
    if len(rest) >= size:  # sysctl_handle_string: the value and its NUL must fit the buffer
        raise FreeBSDError(EINVAL, "sysctl: string too long")
    return rest.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _value_handler(kind: int, getter: Getter, setter: Setter | None, size: int) -> Handler:
    """The default handler: copy the old value out, then (only if that fitted) take the new one."""

    def handler(ctx: Any, req: Request, rest: list[int]) -> None:
        req.out(_encode(kind, getter(ctx, rest)))
        if req.new is not None:
            setter(ctx, rest, _decode(kind, req, size))

    return handler


class _Stored:
    """The storage of a node registered with a plain value, as SYSCTL_INT(&variable) has."""

    def __init__(self, value: Any):
        self.value = value

    def get(self, ctx: Any, rest: list[int]) -> Any:
        """The value last stored: kernel variables are shared by every caller."""
        return self.value

    def set(self, ctx: Any, rest: list[int], value: Any) -> None:
        """Keep a written value for every later reader."""
        self.value = value


def _check_write(ctx: SysctlContext, kind: int) -> None:
    """sysctl_root's gate for any call with a new value: writable, securelevel, then privilege."""
    if not kind & abi.CTLFLAG_WR:
        raise FreeBSDError(EPERM, "sysctl: read-only node")
    level = (kind & abi.CTLMASK_SECURE) >> abi.CTLSHIFT_SECURE
    if kind & abi.CTLFLAG_SECURE and ctx.securelevel > level:
        raise FreeBSDError(EPERM, "sysctl: securelevel too high")
    if kind & abi.CTLFLAG_ANYBODY:
        return
    if ctx.uid != 0 or (ctx.jailed and not kind & abi.CTLFLAG_PRISON):
        raise FreeBSDError(EPERM, "sysctl: not privileged to write")


def _pack_oid(oid: list[int]) -> bytes:
    """An OID as the int array the meta-OIDs copy out."""
    return struct.pack(f"<{len(oid)}i", *oid)


def _name_from(new: bytes | None) -> str:
    """The name 0.3 was given: required, shorter than MAXPATHLEN, cut at its first NUL."""
    if not new:
        raise FreeBSDError(ENOENT, "sysctl: no name given")
    if len(new) >= abi.MAXPATHLEN:
        raise FreeBSDError(ENAMETOOLONG, "sysctl: name too long")
    return new.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


class SysctlTree:
    """The MIB: nodes by number under each parent, and the calls that read, write and walk it."""

    def __init__(self, *, osrelease: str, osreldate: int):
        self._root = _Node("", -1, abi.CTLTYPE_NODE, "N", "", None, None)
        self._auto = 0  # the last OID_AUTO number handed out, like kern_sysctl.c's static newoid
        _add_meta(self)
        _add_standard(self, osrelease, osreldate)

    # --- the two system calls -------------------------------------------------

    def call(
        self, ctx: SysctlContext, mib: list[int], oldlen: int | None, new: bytes | None
    ) -> Reply:
        """__sysctl(2), answered as a Reply; errors other than ENOMEM raise FreeBSDError.

        oldlen is *oldlenp (0 when oldlenp is NULL), or None when oldp is NULL;
        new is the newlen bytes at newp, or None when newp is NULL. ENOMEM comes
        back in the Reply because the kernel still copies the partial data and
        *oldlenp before failing.
        """
        if not 2 <= len(mib) <= abi.CTL_MAXNAME:
            raise FreeBSDError(EINVAL, "sysctl: bad name length")
        return self._dispatch(ctx, mib, oldlen, new)

    def call_by_name(
        self, ctx: SysctlContext, name: bytes, oldlen: int | None, new: bytes | None
    ) -> Reply:
        """__sysctlbyname(2): name is the namelen bytes at the name pointer; on ENOMEM *oldlenp
        stays as it was, as in 13.x."""
        if not 0 < len(name) <= abi.MAXPATHLEN:
            raise FreeBSDError(EINVAL, "sysctlbyname: bad name length")
        reply = self._dispatch(ctx, self.name2oid(_name_from(name)), oldlen, new)
        return reply._replace(oldlen=None) if reply.errno else reply

    def name2oid(self, name: str) -> list[int]:
        """The OID of a dotted name, looked up the way 0.3 does (a trailing dot is ignored; handler
        nodes end the walk)."""
        parent, oid, rest = self._root, [], name
        while len(oid) < abi.CTL_MAXNAME:
            part, _, rest = rest.partition(".")
            node = next((n for n in parent.in_order() if n.name == part), None)
            if node is None:
                break
            oid.append(node.number)
            if not rest:
                return oid
            if not node.is_plain:
                break
            parent = node
        raise FreeBSDError(ENOENT, f"sysctl: unknown name {name!r}")

    # --- registering nodes ----------------------------------------------------

    def add(
        self,
        path: str,
        kind: int,
        value: Any = None,
        setter: Setter | None = None,
        *,
        fmt: str | None = None,
        descr: str = "",
        number: int = abi.OID_AUTO,
        flags: int = abi.CTLFLAG_RD,
        size: int = 0,
        label: str | None = None,
    ) -> list[int]:
        """Register a node or leaf whose value is a constant or comes from a getter; returns its
        OID.

        value is a constant (kept by the node; a CTLFLAG_WR node stores what is written) or a
        getter(ctx, rest) called on every read, rest being the MIB components past a handler node
        (kern.proc.pid.<n>; empty when sysctl -a walks onto the node, which a getter may refuse
        with EINVAL). A getter with CTLFLAG_WR needs setter(ctx, rest, value), which runs after
        the old value was copied out. Values are ints, str for CTLTYPE_STRING, bytes for
        CTLTYPE_OPAQUE and handler nodes. size bounds a writable string (its buffer, NUL
        included). A CTLTYPE_NODE without value is a plain node."""
        if kind == abi.CTLTYPE_NODE and value is None:
            return self.add_handler(
                path, kind, None, fmt=fmt, descr=descr, number=number, flags=flags, label=label
            )
        if not callable(value):
            if setter is not None:
                raise ValueError(f"sysctl: {path}: a stored value takes no setter")
            stored = _Stored(value)
            value, setter = stored.get, stored.set if flags & abi.CTLFLAG_WR else None
        if flags & abi.CTLFLAG_WR and setter is None:
            raise ValueError(f"sysctl: {path}: writable but no setter")
        if flags & abi.CTLFLAG_WR and kind == abi.CTLTYPE_STRING and size <= 0:
            raise ValueError(f"sysctl: {path}: a writable string needs its buffer size")
        return self.add_handler(
            path,
            kind,
            _value_handler(kind, value, setter, size),
            fmt=fmt,
            descr=descr,
            number=number,
            flags=flags,
            label=label,
        )

    def add_handler(
        self,
        path: str,
        kind: int,
        handler: Handler | None,
        *,
        fmt: str | None = None,
        descr: str = "",
        number: int = abi.OID_AUTO,
        flags: int = abi.CTLFLAG_RD,
        label: str | None = None,
    ) -> list[int]:
        """Register a node whose handler(ctx, req, rest) works the Request itself, as a kernel
        SYSCTL_PROC does.

        The parent must exist. kind is a CTLTYPE_*, flags the CTLFLAG_* access bits (CTLFLAG_MPSAFE
        is always added); fmt defaults to the type's usual format. handler None with CTLTYPE_NODE is
        a plain node, and registering a plain node again returns the one there (as sysctl_add_oid
        does). OID_AUTO numbers count down from 0x7fffffff across the tree, so consecutive
        registrations get consecutive numbers: libjail finds the empty-named child of a node
        ("security.jail.param.host.") by looking one number off the node."""
        *parents, name = path.split(".")
        parent, oid = self._node_at(parents)
        existing = next((n for n in parent.children.values() if n.name == name), None)
        if existing is not None:
            if handler is None and existing.is_plain:
                return [*oid, existing.number]
            raise ValueError(f"sysctl: {path} is already registered")
        if number == abi.OID_AUTO:
            number = self._auto_number(parent)
        elif number in parent.children or not 0 <= number < abi.CTL_AUTO_START:
            raise ValueError(f"sysctl: {path} cannot take number {number}")
        if fmt is None and kind not in _DEFAULT_FMT:
            raise ValueError(f"sysctl: {path} needs a format string")
        node = _Node(
            name,
            number,
            kind | flags | abi.CTLFLAG_MPSAFE,
            _DEFAULT_FMT[kind] if fmt is None else fmt,
            descr,
            label,
            handler,
        )
        parent.children[number] = node
        return [*oid, number]

    def _auto_number(self, parent: _Node) -> int:
        """The kernel's OID_AUTO rule: count down from 0x7fffffff, step up past numbers already
        taken."""
        self._auto = self._auto - 1 if self._auto > abi.CTL_AUTO_START else _AUTO_TOP
        number = self._auto
        while number in parent.children:
            number = number + 1 if number < _AUTO_TOP else abi.CTL_AUTO_START
        return number

    def _node_at(self, names: list[str]) -> tuple[_Node, list[int]]:
        """The plain node a dotted path names, and its OID, for registering under it."""
        node, oid = self._root, []
        for name in names:
            node = next((n for n in node.children.values() if n.name == name and n.is_plain), None)
            if node is None:
                raise ValueError(f"sysctl: no node {'.'.join(names)!r} to register under")
            oid.append(node.number)
        return node, oid

    # --- finding and calling --------------------------------------------------

    def _find(self, mib: list[int]) -> tuple[_Node, int]:
        """sysctl_find_oid: the node mib names (a handler node ends it early) and how many
        components it used."""
        node = self._root
        for used, number in enumerate(mib[: abi.CTL_MAXNAME], 1):
            if not node.is_plain:
                raise FreeBSDError(ENOTDIR, "sysctl: path continues past a leaf")
            node = node.children.get(number)
            if node is None:
                raise FreeBSDError(ENOENT, "sysctl: no such OID")
            if used == len(mib) or (
                (node.kind & abi.CTLTYPE) == abi.CTLTYPE_NODE and not node.is_plain
            ):
                return node, used
        raise FreeBSDError(ENOENT, "sysctl: no such OID")

    def _dispatch(
        self, ctx: SysctlContext, mib: list[int], oldlen: int | None, new: bytes | None
    ) -> Reply:
        """sysctl_root and userland_sysctl: find, refuse plain nodes and forbidden writes, run the
        handler."""
        node, used = self._find(mib)
        if node.is_plain:
            raise FreeBSDError(EISDIR, "sysctl: a node has no value")
        if new is not None:
            _check_write(ctx, node.kind)
        req = Request(oldlen, new)
        try:
            node.handler(ctx, req, mib[used:])
        except FreeBSDError as e:
            if e.errno != ENOMEM:
                raise
            return req.reply(ENOMEM)
        return req.reply(0)

    def _next(self, nodes: list[_Node], name: list[int], honor_skip: bool) -> list[int] | None:
        """sysctl_sysctl_next_action: the OID after name in depth-first number order, None past the
        end."""
        for node in nodes:
            step = _next_step(node, name, honor_skip)
            if step is _Step.SIBLINGS:
                continue
            if step is _Step.FOUND:
                return [node.number]
            below = self._next(node.in_order(), name[1:], honor_skip)
            if below is not None:
                return [node.number, *below]
            name = []  # nothing left below: the next sibling's first OID is the answer
        return None

    # --- the meta-OIDs under {0} ----------------------------------------------

    def _meta_name(self, ctx: Any, req: Request, rest: list[int]) -> None:
        """0.1: the dotted name of an OID; components the tree does not know come out as numbers."""
        parts, node = [], self._root
        for number in rest:
            child = node.children.get(number) if node is not None and node.is_plain else None
            parts.append(str(number) if child is None else child.name)
            node = child
        req.out(".".join(parts).encode("utf-8", "surrogateescape") + b"\0")

    def _meta_next(self, honor_skip: bool) -> Handler:
        """0.2 (skipping CTLFLAG_SKIP, stepping into nodes) and 0.7 (neither): the OID after the
        suffix."""

        def handler(ctx: Any, req: Request, rest: list[int]) -> None:
            oid = self._next(self._root.in_order(), rest, honor_skip)
            if oid is None:
                raise FreeBSDError(ENOENT, "sysctl: no next OID")
            req.out(_pack_oid(oid))

        return handler

    def _meta_name2oid(self, ctx: Any, req: Request, rest: list[int]) -> None:
        """0.3: the OID of the name written to it."""
        req.out(_pack_oid(self.name2oid(_name_from(req.new))))

    def _meta_oidfmt(self, ctx: Any, req: Request, rest: list[int]) -> None:
        """0.4: the node's kind as a u_int, then its format string."""
        node, _ = self._find(rest)
        req.out(struct.pack("<I", node.kind) + node.fmt.encode() + b"\0")

    def _meta_oiddescr(self, ctx: Any, req: Request, rest: list[int]) -> None:
        """0.5: the node's description, what sysctl -d prints."""
        node, _ = self._find(rest)
        req.out(node.descr.encode() + b"\0")

    def _meta_oidlabel(self, ctx: Any, req: Request, rest: list[int]) -> None:
        """0.6: the node's aggregation label; ENOENT for the many nodes without one."""
        node, _ = self._find(rest)
        if node.label is None:
            raise FreeBSDError(ENOENT, "sysctl: no label")
        req.out(node.label.encode() + b"\0")


def _add_meta(tree: SysctlTree) -> None:
    """The {0} subtree sysctl(8), sysctlbyname(3) and libjail walk the MIB with."""
    meta = abi.CTLFLAG_RD | abi.CTLFLAG_CAPRD
    tree.add(
        "sysctl",
        abi.CTLTYPE_NODE,
        number=abi.CTL_SYSCTL,
        flags=abi.CTLFLAG_RW,
        descr="Sysctl internal magic",
    )
    for number, name, handler in (
        (abi.CTL_SYSCTL_NAME, "name", tree._meta_name),
        (abi.CTL_SYSCTL_NEXT, "next", tree._meta_next(True)),
        (abi.CTL_SYSCTL_OIDFMT, "oidfmt", tree._meta_oidfmt),
        (abi.CTL_SYSCTL_OIDDESCR, "oiddescr", tree._meta_oiddescr),
        (abi.CTL_SYSCTL_OIDLABEL, "oidlabel", tree._meta_oidlabel),
        (abi.CTL_SYSCTL_NEXTNOSKIP, "nextnoskip", tree._meta_next(False)),
    ):
        tree.add_handler(f"sysctl.{name}", abi.CTLTYPE_NODE, handler, number=number, flags=meta)
    tree.add_handler(
        "sysctl.name2oid",
        abi.CTLTYPE_INT,
        tree._meta_name2oid,
        number=abi.CTL_SYSCTL_NAME2OID,
        flags=abi.CTLFLAG_RW | abi.CTLFLAG_ANYBODY | abi.CTLFLAG_CAPRW,
    )


def _from_ctx(attr: str) -> Getter:
    """A getter for one SysctlContext attribute."""
    return lambda ctx, rest: getattr(ctx, attr)


def _to_ctx(attr: str) -> Setter:
    """A setter for one SysctlContext attribute."""
    return lambda ctx, rest, value: setattr(ctx, attr, value)


def _raise_securelevel(ctx: SysctlContext, rest: list[int], level: int) -> None:
    """kern.securelevel only goes up: lowering it is what securelevel exists to prevent."""
    if level < ctx.securelevel:
        raise FreeBSDError(EPERM, "kern.securelevel may not be lowered")
    ctx.securelevel = level


def _boottime(ctx: SysctlContext, rest: list[int]) -> bytes:
    """kern.boottime as the struct timeval amd64 copies out."""
    sec, usec = divmod(round(ctx.boottime * 1_000_000), 1_000_000)
    return struct.pack("<qq", sec, usec)


def _arandom(ctx: Any, req: Request, rest: list[int]) -> None:
    """kern.arandom: fresh random bytes, as many as the caller asked for, at most 256."""
    req.out(os.urandom(min(req.oldlen, KERNEL["arandom_max"])))


def _pagesizes(ctx: SysctlContext, req: Request, rest: list[int]) -> None:
    """hw.pagesizes: the u_long array, cut (without ENOMEM) to a shorter buffer as the kernel
    does."""
    data = struct.pack(f"<{abi.MAXPAGESIZES}Q", *ctx.pagesizes)
    req.out(data[: req.oldlen] if req.oldptr else data)


def _add_standard(tree: SysctlTree, osrelease: str, osreldate: int) -> None:
    """The top-level nodes and the leaves programs read before anything else is registered."""
    _add_roots(tree)
    _add_kern(tree, osrelease, osreldate)
    _add_hw(tree)
    _add_user(tree)
    _add_p1003_1b(tree)
    tree.add(
        "vm.overcommit",
        abi.CTLTYPE_INT,
        0,
        flags=abi.CTLFLAG_RW,
        descr="Configure virtual memory overcommit behavior. See tuning(7) for details.",
    )
    tree.add("security.jail", abi.CTLTYPE_NODE, flags=abi.CTLFLAG_RW, descr="Jails")
    # Registered first, so numbered above param: libjail's walk of security.jail.param.* must
    # end on an OID outside it, since an ENOENT from 0.2 there is an error to jailparam_all.
    tree.add(
        "security.jail.jailed",
        abi.CTLTYPE_INT,
        lambda ctx, rest: int(ctx.jailed),
        descr="Process in jail?",
    )
    tree.add("security.jail.param", abi.CTLTYPE_NODE, flags=abi.CTLFLAG_RW, descr="Jail parameters")


def _add_roots(tree: SysctlTree) -> None:
    """kern_mib.c's root nodes, so later registrations have parents."""
    rw = abi.CTLFLAG_RW
    for number, name, flags, descr in (
        (abi.CTL_KERN, "kern", rw | abi.CTLFLAG_CAPRD, "High kernel, proc, limits &c"),
        (abi.CTL_VM, "vm", rw, "Virtual memory"),
        (abi.CTL_VFS, "vfs", rw, "File system"),
        (abi.CTL_NET, "net", rw, "Network, (see socket.h)"),
        (abi.CTL_DEBUG, "debug", rw, "Debugging"),
        (abi.CTL_HW, "hw", rw, "hardware"),
        (abi.CTL_MACHDEP, "machdep", rw, "machine dependent"),
        (abi.CTL_USER, "user", rw, "user-level"),
        (abi.CTL_P1003_1B, "p1003_1b", rw, "p1003_1b, (see p1003_1b.h)"),
        (abi.OID_AUTO, "compat", rw, "Compatibility code"),
        (abi.OID_AUTO, "security", rw, "Security"),
    ):
        tree.add(name, abi.CTLTYPE_NODE, number=number, flags=flags, descr=descr)


def _add_kern(tree: SysctlTree, osrelease: str, osreldate: int) -> None:
    """kern.*: what the system is, its limits, and the caller's host names and process addresses."""
    rd, rw, caprd, prison = abi.CTLFLAG_RD, abi.CTLFLAG_RW, abi.CTLFLAG_CAPRD, abi.CTLFLAG_PRISON
    tun = abi.CTLFLAG_RDTUN | abi.CTLFLAG_NOFETCH
    INT, STR, ULONG = abi.CTLTYPE_INT, abi.CTLTYPE_STRING, abi.CTLTYPE_ULONG
    maxproc = KERNEL["maxproc"]
    maxfiles = MAXFILES
    for name, number, kind, value, flags, descr in (
        ("ostype", abi.KERN_OSTYPE, STR, "FreeBSD", rd | caprd, "Operating system type"),
        ("osrelease", abi.KERN_OSRELEASE, STR, osrelease, rd | caprd, "Operating system release"),
        ("osrevision", abi.KERN_OSREV, INT, LIMITS["BSD"], rd | caprd, "Operating system revision"),
        ("version", abi.KERN_VERSION, STR, f"FreeBSD {osrelease} GENERIC\n", rd, "Kernel version"),
        ("maxproc", abi.KERN_MAXPROC, INT, maxproc, tun, "Maximum number of processes"),
        ("maxfiles", abi.KERN_MAXFILES, INT, maxfiles, rw, "Maximum number of files"),
        (
            "argmax",
            abi.KERN_ARGMAX,
            INT,
            LIMITS["ARG_MAX"],
            rd | caprd,
            "Maximum bytes of argument to execve(2)",
        ),
        (
            "posix1version",
            abi.KERN_POSIX1,
            INT,
            FREEBSD_POSIX1_VERSION,
            rd | caprd,
            "Version of POSIX attempting to comply to",
        ),
        (
            "ngroups",
            abi.KERN_NGROUPS,
            INT,
            LIMITS["NGROUPS_MAX"],
            tun | caprd,
            "Maximum number of supplemental groups a user can belong to",
        ),
        (
            "job_control",
            abi.KERN_JOB_CONTROL,
            INT,
            1,
            rd | caprd,
            "Whether job control is available",
        ),
        (
            "saved_ids",
            abi.KERN_SAVED_IDS,
            INT,
            0,
            rd | caprd,
            "Whether saved set-group/user ID is available",
        ),
        ("osreldate", abi.KERN_OSRELDATE, INT, osreldate, rd | caprd, "Kernel release date"),
        (
            "maxfilesperproc",
            abi.KERN_MAXFILESPERPROC,
            INT,
            MAXFILESPERPROC,
            rw,
            "Maximum files allowed open per process",
        ),
        (
            "maxprocperuid",
            abi.KERN_MAXPROCPERUID,
            INT,
            KERNEL["maxprocperuid"],
            rw,
            "Maximum processes allowed per userid",
        ),
        (
            "logsigexit",
            abi.KERN_LOGSIGEXIT,
            INT,
            1,
            rw,
            "Log processes quitting on abnormal signals to syslog(3)",
        ),
        (
            "iov_max",
            abi.KERN_IOV_MAX,
            INT,
            LIMITS["IOV_MAX"],
            rd,
            "Maximum number of elements in an I/O vector; sysconf(_SC_IOV_MAX)",
        ),
        ("ident", abi.OID_AUTO, STR, "GENERIC", rd, "Kernel identifier"),
    ):
        tree.add(f"kern.{name}", kind, value, number=number, flags=flags, descr=descr)
    tree.add(
        "kern.bootfile",
        STR,
        "/boot/kernel/kernel",
        number=abi.KERN_BOOTFILE,
        flags=rw,
        size=abi.MAXPATHLEN,
        descr="Name of kernel file booted",
    )
    for name, number, size, descr in (
        ("hostname", abi.KERN_HOSTNAME, abi.MAXHOSTNAMELEN, "Hostname"),
        (
            "domainname",
            abi.KERN_NISDOMAINNAME,
            abi.MAXHOSTNAMELEN,
            "Name of the current YP/NIS domain",
        ),
        ("hostuuid", abi.KERN_HOSTUUID, abi.HOSTUUIDLEN, "Host UUID"),
    ):
        tree.add(
            f"kern.{name}",
            STR,
            _from_ctx(name),
            _to_ctx(name),
            number=number,
            flags=rw | prison | caprd,
            size=size,
            descr=descr,
        )
    tree.add(
        "kern.hostid",
        ULONG,
        _from_ctx("hostid"),
        _to_ctx("hostid"),
        number=abi.KERN_HOSTID,
        flags=rw | prison | caprd,
        descr="Host ID",
    )
    tree.add(
        "kern.securelevel",
        INT,
        _from_ctx("securelevel"),
        _raise_securelevel,
        number=abi.KERN_SECURELVL,
        flags=rw | prison,
        descr="Current secure level",
    )
    tree.add(
        "kern.ps_strings",
        ULONG,
        _from_ctx("ps_strings"),
        number=abi.KERN_PS_STRINGS,
        flags=rd | caprd,
        descr="Location of process' ps_strings structure",
    )
    tree.add(
        "kern.usrstack",
        ULONG,
        _from_ctx("usrstack"),
        number=abi.KERN_USRSTACK,
        flags=rd | caprd,
        descr="Top of process stack",
    )
    tree.add(
        "kern.boottime",
        abi.CTLTYPE_STRUCT,
        _boottime,
        number=abi.KERN_BOOTTIME,
        fmt="S,timeval",
        descr="Estimated system boottime",
    )
    tree.add(
        "kern.clockrate",
        abi.CTLTYPE_STRUCT,
        struct.pack("<5i", KERNEL["hz"], KERNEL["tick"], 0, KERNEL["stathz"], KERNEL["profhz"]),
        number=abi.KERN_CLOCKRATE,
        fmt="S,clockinfo",
        descr="Rate and period of various kernel clocks",
    )
    tree.add_handler(
        "kern.arandom",
        abi.CTLTYPE_OPAQUE,
        _arandom,
        fmt="",
        number=abi.KERN_ARND,
        flags=rd | caprd,
        descr="arc4rand",
    )
    tree.add("kern.proc", abi.CTLTYPE_NODE, number=abi.KERN_PROC, descr="Process table")
    tree.add("kern.sched", abi.CTLTYPE_NODE, flags=rw, descr="Scheduler")
    tree.add("kern.sched.name", STR, "ULE", descr="Scheduler name")
    # kern_cpuset.c: the kernel's sizeof(cpuset_t), which libthr's affinity calls need.
    tree.add(
        "kern.sched.cpusetsize",
        INT,
        FREEBSD_CPU_MAXSIZE["CPU_MAXSIZE"] // FREEBSD_CPU_MAXSIZE["NBBY"],
        flags=rd | caprd,
        descr="sizeof(cpuset_t)",
    )
    # subr_smp.c: Go sizes its cpuset_getaffinity mask from maxcpus (no answer: one CPU).
    tree.add("kern.smp", abi.CTLTYPE_NODE, flags=rw, descr="Kernel SMP")
    tree.add(
        "kern.smp.maxcpus",
        INT,
        FREEBSD_CPU_MAXSIZE["CPU_MAXSIZE"],
        flags=rd | caprd,
        descr="Max number of CPUs that the system was compiled for.",
    )
    tree.add(
        "kern.smp.cpus", INT, _from_ctx("ncpu"), flags=rd | caprd, descr="Number of CPUs online"
    )
    # FEATURE(9): what feature_present(3) asks; ifconfig registers its inet/inet6 families and
    # jls prints the IP columns only when these are 1.
    tree.add("kern.features", abi.CTLTYPE_NODE, flags=rw, descr="Kernel Features")
    for name, descr in KERNEL_FEATURES:
        tree.add(f"kern.features.{name}", INT, 1, flags=rd | caprd, descr=descr)


def _add_hw(tree: SysctlTree) -> None:
    """hw.*: the machine, with the host's CPU count, memory and model."""
    rd, caprd = abi.CTLFLAG_RD, abi.CTLFLAG_CAPRD
    INT, STR, ULONG = abi.CTLTYPE_INT, abi.CTLTYPE_STRING, abi.CTLTYPE_ULONG
    for name, number, kind, value, flags, descr in (
        ("machine", abi.HW_MACHINE, STR, "amd64", rd, "Machine class"),
        ("model", abi.HW_MODEL, STR, _from_ctx("cpu_model"), rd, "Machine model"),
        ("ncpu", abi.HW_NCPU, INT, _from_ctx("ncpu"), rd | caprd, "Number of active CPUs"),
        ("byteorder", abi.HW_BYTEORDER, INT, LIMITS["BYTE_ORDER"], rd | caprd, "System byte order"),
        (
            "physmem",
            abi.HW_PHYSMEM,
            ULONG,
            _from_ctx("physmem"),
            rd,
            "Amount of physical memory (in bytes)",
        ),
        (
            "usermem",
            abi.HW_USERMEM,
            ULONG,
            _from_ctx("usermem"),
            rd,
            "Amount of memory (in bytes) which is not wired",
        ),
        ("pagesize", abi.HW_PAGESIZE, INT, _PAGE_SIZE, rd | caprd, "System memory page size"),
        (
            "floatingpoint",
            abi.HW_FLOATINGPT,
            INT,
            1,
            rd,
            "Floating point instructions executed in hardware",
        ),
        ("machine_arch", abi.HW_MACHINE_ARCH, STR, "amd64", rd, "System architecture"),
        (
            "realmem",
            abi.HW_REALMEM,
            ULONG,
            _from_ctx("realmem"),
            rd,
            "Amount of memory (in bytes) reported by the firmware",
        ),
    ):
        tree.add(f"hw.{name}", kind, value, number=number, flags=flags, descr=descr)
    tree.add_handler(
        "hw.pagesizes",
        abi.CTLTYPE_OPAQUE,
        _pagesizes,
        fmt="S,pagesizes",
        descr="Supported page sizes",
    )
    # devd(8) will not start without it; no devctl events are ever queued here.
    tree.add("hw.bus", abi.CTLTYPE_NODE, flags=abi.CTLFLAG_RW, descr="")
    tree.add(
        "hw.bus.devctl_queue",
        INT,
        KERNEL["devctl_queue"],
        flags=abi.CTLFLAG_RW,
        descr="devctl queue length",
    )


def _add_user(tree: SysctlTree) -> None:
    """user.*: the constants libc's sysctl() answers for CTL_USER, here with the same values for raw
    __sysctl callers."""
    INT = abi.CTLTYPE_INT
    for name, number, value, descr in (
        (
            "bc_base_max",
            abi.USER_BC_BASE_MAX,
            LIMITS["BC_BASE_MAX"],
            "Max ibase/obase values in bc(1)",
        ),
        ("bc_dim_max", abi.USER_BC_DIM_MAX, LIMITS["BC_DIM_MAX"], "Max array size in bc(1)"),
        ("bc_scale_max", abi.USER_BC_SCALE_MAX, LIMITS["BC_SCALE_MAX"], "Max scale value in bc(1)"),
        (
            "bc_string_max",
            abi.USER_BC_STRING_MAX,
            LIMITS["BC_STRING_MAX"],
            "Max string length in bc(1)",
        ),
        (
            "coll_weights_max",
            abi.USER_COLL_WEIGHTS_MAX,
            LIMITS["COLL_WEIGHTS_MAX"],
            "Maximum number of weights assigned to an LC_COLLATE locale entry",
        ),
        ("expr_nest_max", abi.USER_EXPR_NEST_MAX, LIMITS["EXPR_NEST_MAX"], ""),
        (
            "line_max",
            abi.USER_LINE_MAX,
            LIMITS["LINE_MAX"],
            "Max length (bytes) of a text-processing utility's input line",
        ),
        (
            "re_dup_max",
            abi.USER_RE_DUP_MAX,
            LIMITS["RE_DUP_MAX"],
            "Maximum number of repeats of a regexp permitted",
        ),
        (
            "posix2_version",
            abi.USER_POSIX2_VERSION,
            LIMITS["_POSIX2_VERSION"],
            "The version of POSIX 1003.2 with which the system attempts to comply",
        ),
        (
            "posix2_c_bind",
            abi.USER_POSIX2_C_BIND,
            0,
            "Whether C development supports the C bindings option",
        ),
        (
            "posix2_c_dev",
            abi.USER_POSIX2_C_DEV,
            0,
            "Whether system supports the C development utilities option",
        ),
        ("posix2_char_term", abi.USER_POSIX2_CHAR_TERM, 0, ""),
        (
            "posix2_fort_dev",
            abi.USER_POSIX2_FORT_DEV,
            0,
            "Whether system supports FORTRAN development utilities",
        ),
        (
            "posix2_fort_run",
            abi.USER_POSIX2_FORT_RUN,
            0,
            "Whether system supports FORTRAN runtime utilities",
        ),
        (
            "posix2_localedef",
            abi.USER_POSIX2_LOCALEDEF,
            0,
            "Whether system supports creation of locales",
        ),
        (
            "posix2_sw_dev",
            abi.USER_POSIX2_SW_DEV,
            0,
            "Whether system supports software development utilities",
        ),
        (
            "posix2_upe",
            abi.USER_POSIX2_UPE,
            0,
            "Whether system supports the user portability utilities",
        ),
        (
            "stream_max",
            abi.USER_STREAM_MAX,
            LIMITS["FOPEN_MAX"],
            "Min Maximum number of streams a process may have open at one time",
        ),
        (
            "tzname_max",
            abi.USER_TZNAME_MAX,
            LIMITS["NAME_MAX"],
            "Min Maximum number of types supported for timezone names",
        ),
    ):
        tree.add(f"user.{name}", INT, value, number=number, descr=descr)
    tree.add(
        "user.cs_path",
        abi.CTLTYPE_STRING,
        "/usr/bin:/bin:/usr/sbin:/sbin",
        number=abi.USER_CS_PATH,
        descr="PATH that finds all the standard utilities",
    )
    tree.add(
        "user.localbase",
        abi.CTLTYPE_STRING,
        "/usr/local",
        number=abi.USER_LOCALBASE,
        flags=abi.CTLFLAG_RWTUN,
        size=abi.MAXPATHLEN,
        descr="Prefix used to install and locate add-on packages",
    )


def _add_p1003_1b(tree: SysctlTree) -> None:
    """p1003_1b.*: the POSIX.1b facilities sysconf(3) asks about; 0 marks one the kernel leaves
    unconfigured."""
    flags = abi.CTLFLAG_RD | abi.CTLFLAG_CAPRD
    for name, number, value in (
        ("asynchronous_io", abi.CTL_P1003_1B_ASYNCHRONOUS_IO, 0),
        ("mapped_files", abi.CTL_P1003_1B_MAPPED_FILES, LIMITS["_POSIX_MAPPED_FILES"]),
        ("memlock", abi.CTL_P1003_1B_MEMLOCK, 0),
        ("memlock_range", abi.CTL_P1003_1B_MEMLOCK_RANGE, 0),
        ("memory_protection", abi.CTL_P1003_1B_MEMORY_PROTECTION, 0),
        ("message_passing", abi.CTL_P1003_1B_MESSAGE_PASSING, 0),
        ("prioritized_io", abi.CTL_P1003_1B_PRIORITIZED_IO, 0),
        ("priority_scheduling", abi.CTL_P1003_1B_PRIORITY_SCHEDULING, 1),
        ("realtime_signals", abi.CTL_P1003_1B_REALTIME_SIGNALS, LIMITS["_POSIX_REALTIME_SIGNALS"]),
        ("semaphores", abi.CTL_P1003_1B_SEMAPHORES, 0),
        ("fsync", abi.CTL_P1003_1B_FSYNC, LIMITS["_POSIX_FSYNC"]),
        (
            "shared_memory_objects",
            abi.CTL_P1003_1B_SHARED_MEMORY_OBJECTS,
            LIMITS["_POSIX_SHARED_MEMORY_OBJECTS"],
        ),
        ("synchronized_io", abi.CTL_P1003_1B_SYNCHRONIZED_IO, 0),
        ("timers", abi.CTL_P1003_1B_TIMERS, LIMITS["_POSIX_TIMERS"]),
        ("aio_max", abi.CTL_P1003_1B_AIO_MAX, 0),
        ("aio_prio_delta_max", abi.CTL_P1003_1B_AIO_PRIO_DELTA_MAX, 0),
        ("delaytimer_max", abi.CTL_P1003_1B_DELAYTIMER_MAX, 2**31 - 1),
        ("mq_open_max", abi.CTL_P1003_1B_MQ_OPEN_MAX, 0),
        ("pagesize", abi.CTL_P1003_1B_PAGESIZE, _PAGE_SIZE),
        (
            "rtsig_max",
            abi.CTL_P1003_1B_RTSIG_MAX,
            FREEBSD_SIGNAL_LIMITS["SIGRTMAX"] - FREEBSD_SIGNAL_LIMITS["SIGRTMIN"] + 1,
        ),
        ("sem_value_max", abi.CTL_P1003_1B_SEM_VALUE_MAX, 0),
        ("sigqueue_max", abi.CTL_P1003_1B_SIGQUEUE_MAX, KERNEL["max_pending_per_proc"]),
        ("timer_max", abi.CTL_P1003_1B_TIMER_MAX, 32),
    ):
        tree.add(f"p1003_1b.{name}", abi.CTLTYPE_INT, value, number=number, flags=flags)
    # Writable in the kernel, but a write only sticks once the facility is configured, which it is
    # not.
    tree.add(
        "p1003_1b.sem_nsems_max",
        abi.CTLTYPE_INT,
        lambda ctx, rest: 0,
        lambda ctx, rest, value: None,
        number=abi.CTL_P1003_1B_SEM_NSEMS_MAX,
        flags=abi.CTLFLAG_RW,
    )
