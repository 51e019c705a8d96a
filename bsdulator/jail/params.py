"""FreeBSD's jail parameters as libjail discovers them (kern_jail.c's SYSCTL_JAIL_PARAM table, in
registration order) and the codecs between their iovec bytes and Python values."""

from __future__ import annotations

import enum
import ipaddress
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bsdulator.abi import jail as abi
from bsdulator.abi import sysctl as ctl
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS, FREEBSD_LINUX_MAX_UTSNAME
from bsdulator.errors import FreeBSDError

EPERM, ENOENT, EAGAIN, EEXIST, EINVAL, EADDRINUSE, ENAMETOOLONG = (
    FREEBSD_ERRNO[name]
    for name in ("EPERM", "ENOENT", "EAGAIN", "EEXIST", "EINVAL", "EADDRINUSE", "ENAMETOOLONG")
)

Pairs = Iterable[tuple[bytes, "bytes | None"]]


class JailError(FreeBSDError):
    """A failed jail call: the errno, and the text the kernel writes into "errmsg" ("" when it
    writes none)."""

    def __init__(self, errno: int, message: str = ""):
        super().__init__(errno, message)
        self.message = message


# --- the parameter table --------------------------------------------------------


class Kind(enum.Enum):
    """How a parameter's value travels in the iovec, and so which sysctl type describes it."""

    INT = "int"  # int
    ULONG = "ulong"  # unsigned long (host.hostid)
    STRING = "string"  # NUL-terminated, at most Param.size bytes with the NUL
    BOOL = "bool"  # set by its name or "no" name, value ignored; read back as an int 0/1
    JAILSYS = "jailsys"  # int JAIL_SYS_DISABLE / NEW / INHERIT
    IP4 = "ip4"  # array of struct in_addr
    IP6 = "ip6"  # array of struct in6_addr
    NODE = "node"  # a plain sysctl node grouping parameters; not a parameter itself


_SYSCTL = {  # Kind -> the CTLTYPE and format the SYSCTL_JAIL_PARAM* macros give it
    Kind.INT: (ctl.CTLTYPE_INT, "I"),
    Kind.ULONG: (ctl.CTLTYPE_ULONG, "LU"),
    Kind.STRING: (ctl.CTLTYPE_STRING, "A"),
    Kind.BOOL: (ctl.CTLTYPE_INT, "B"),
    Kind.JAILSYS: (ctl.CTLTYPE_INT, "E,jailsys"),
    Kind.IP4: (ctl.CTLTYPE_STRUCT, "S,in_addr,a"),
    Kind.IP6: (ctl.CTLTYPE_STRUCT, "S,in6_addr,a"),
    Kind.NODE: (ctl.CTLTYPE_NODE, "N"),
}
WIDTH = {Kind.INT: 4, Kind.BOOL: 4, Kind.JAILSYS: 4, Kind.ULONG: 8, Kind.IP4: 4, Kind.IP6: 16}
_INT_CODE = {4: "<i", 8: "<Q"}


@dataclass(frozen=True)
class Param:
    """One security.jail.param entry: what kern_jail.c (or a module) registers for it."""

    name: str
    kind: Kind
    access: int  # CTLFLAG_RD: read-only; CTLFLAG_RDTUN: set at creation only; CTLFLAG_RW: settable
    descr: str
    size: int = 0  # strings: the buffer, NUL included (what the sysctl node reports)
    module: str | None = None  # the kernel module that adds it; None: in the kernel itself

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
        """A boolean's negative name: "no" before the last component (nopersist,
        allow.mount.nodevfs)."""
        head, dot, tail = self.name.rpartition(".")
        return f"{head}{dot}no{tail}"


def _node(name: str, descr: str, module: str | None = None) -> Param:
    """A plain node of the table."""
    return Param(name, Kind.NODE, 0, descr, module=module)


def _allow(name: str, descr: str, module: str | None = None) -> Param:
    """An allow.* boolean."""
    return Param(f"allow.{name}", Kind.BOOL, ctl.CTLFLAG_RW, descr, module=module)


def _mount(fs: str, module: str | None = None) -> Param:
    """allow.mount.<fs>, which prison_add_vfs adds for each jail-friendly file system the kernel
    has."""
    return _allow(f"mount.{fs}", f"Jail may mount the {fs} file system", module)


_RD, _RDTUN, _RW = ctl.CTLFLAG_RD, ctl.CTLFLAG_RDTUN, ctl.CTLFLAG_RW
LINUX_MAX_UTSNAME = FREEBSD_LINUX_MAX_UTSNAME

# In registration order: kern_jail.c's, then the file systems', then the SysV IPC and Linux
# modules'.
PARAMS: tuple[Param, ...] = (
    Param("jid", Kind.INT, _RDTUN, "Jail ID"),
    Param("parent", Kind.INT, _RD, "Jail parent ID"),
    Param("name", Kind.STRING, _RW, "Jail name", abi.MAXHOSTNAMELEN),
    Param("path", Kind.STRING, _RDTUN, "Jail root path", abi.MAXPATHLEN),
    Param("securelevel", Kind.INT, _RW, "Jail secure level"),
    Param("osreldate", Kind.INT, _RDTUN, "Jail value for kern.osreldate and uname -K"),
    Param(
        "osrelease",
        Kind.STRING,
        _RDTUN,
        "Jail value for kern.osrelease and uname -r",
        abi.OSRELEASELEN,
    ),
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
    Param(
        "ip4.saddrsel",
        Kind.BOOL,
        _RW,
        "Do (not) use IPv4 source address selection rather than the primary jail IPv4 address.",
    ),
    _node("ip6", "Jail IPv6 address virtualization"),
    Param("ip6", Kind.JAILSYS, _RDTUN, "Jail IPv6 address virtualization"),
    Param("ip6.addr", Kind.IP6, _RW, "Jail IPv6 addresses"),
    Param(
        "ip6.saddrsel",
        Kind.BOOL,
        _RW,
        "Do (not) use IPv6 source address selection rather than the primary jail IPv6 address.",
    ),
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
    _allow(
        "unprivileged_proc_debug", "Unprivileged processes may use process debugging facilities"
    ),
    _allow("suser", "Processes in jail with uid 0 have privilege"),
    _allow("nfsd", "Mountd/nfsd may run in the jail"),
    _node("allow.mount", "Jail mount/unmount permission flags"),
    _allow("mount", "Jail may mount/unmount jail-friendly file systems in general"),
    _mount("devfs"),
    _mount("fdescfs"),
    _mount("nullfs"),
    _mount("procfs"),
    _mount("tmpfs"),
    _mount("linprocfs", "linux"),
    _mount("linsysfs", "linux"),
    _mount("lindebugfs", "linux"),
    _mount("fusefs", "fusefs"),
    _mount("zfs", "zfs"),
    _node("sysvshm", "SYSV shared memory"),
    Param("sysvshm", Kind.JAILSYS, _RW, "SYSV shared memory"),
    _node("sysvsem", "SYSV semaphores"),
    Param("sysvsem", Kind.JAILSYS, _RW, "SYSV semaphores"),
    _node("sysvmsg", "SYSV message queues"),
    Param("sysvmsg", Kind.JAILSYS, _RW, "SYSV message queues"),
    _node("linux", "Jail Linux parameters", "linux"),
    Param("linux", Kind.JAILSYS, _RW, "Jail Linux parameters", module="linux"),
    Param(
        "linux.osname", Kind.STRING, _RW, "Jail Linux kernel OS name", LINUX_MAX_UTSNAME, "linux"
    ),
    Param(
        "linux.osrelease",
        Kind.STRING,
        _RW,
        "Jail Linux kernel OS release",
        LINUX_MAX_UTSNAME,
        "linux",
    ),
    Param("linux.oss_version", Kind.INT, _RW, "Jail Linux OSS version", module="linux"),
)

PARAM: dict[str, Param] = {p.name: p for p in PARAMS if p.kind is not Kind.NODE}

# kern_jail.c's defaults for a new jail's allow.* (JAIL_DEFAULT_ALLOW) and enforce_statfs.
JAIL_DEFAULT_ALLOW = frozenset(
    {"allow.set_hostname", "allow.reserved_ports", "allow.unprivileged_proc_debug", "allow.suser"}
)
JAIL_DEFAULT_ENFORCE_STATFS = FREEBSD_KERNEL_DEFAULTS["jail_default_enforce_statfs"]
ALLOW_DIFFERENCES = frozenset({"allow.unprivileged_proc_debug"})  # PR_ALLOW_DIFFERENCES
SYSV = ("sysvshm", "sysvsem", "sysvmsg")  # in the order their modules' OSD slots are called
BOOLS = ("persist", "ip4.saddrsel", "ip6.saddrsel")  # pr_flag_bool


# The address parameters of prison0 and of a new jail before jail_set's own: the parent's
# addresses (inherit), none listed, source address selection on.
NO_ADDRESS_LIMITS = {
    "ip4": abi.JAIL_SYS_INHERIT,
    "ip6": abi.JAIL_SYS_INHERIT,
    "ip4.addr": (),
    "ip6.addr": (),
    "ip4.saddrsel": True,
    "ip6.saddrsel": True,
}


@dataclass
class JailConfig:
    """The emulated kernel's jail settings: the security.jail.* defaults (sysctl-writable) and the
    modules it has."""

    # jail(2)'s allow.*
    default_allow: set[str] = field(default_factory=lambda: set(JAIL_DEFAULT_ALLOW))
    default_enforce_statfs: int = JAIL_DEFAULT_ENFORCE_STATFS  # every new jail's enforce_statfs
    max_af_ips: int = 255  # security.jail.jail_max_af_ips
    modules: frozenset[str] = frozenset()  # loaded modules: their parameters exist (e.g. "linux")

    def has(self, param: Param) -> bool:
        """Whether the kernel knows the parameter: built in, or its module is loaded."""
        return param.module is None or param.module in self.modules

    def allows(self) -> list[str]:
        """The allow.* parameters this kernel has, in pr_flag_allow order (allow.mount before its
        file systems)."""
        return [
            p.name
            for p in PARAMS
            if p.name.startswith("allow.") and p.kind is Kind.BOOL and self.has(p)
        ]

    def settings(self) -> dict[str, int]:
        """What the security.jail.* knobs changed, as numbers (a store keeps them between
        processes)."""
        return {
            "jail_max_af_ips": self.max_af_ips,
            "enforce_statfs": self.default_enforce_statfs,
            **{name: int(name in self.default_allow) for name in self.allows()},
        }

    def apply(self, settings: dict[str, int]) -> None:
        """Take back what settings() gave (names it does not know are left alone)."""
        self.max_af_ips = settings.get("jail_max_af_ips", self.max_af_ips)
        self.default_enforce_statfs = settings.get("enforce_statfs", self.default_enforce_statfs)
        for name in self.allows():
            if name in settings:
                (self.default_allow.add if settings[name] else self.default_allow.discard)(name)


# --- the codecs ---------------------------------------------------------------


def cstr(raw: bytes) -> str:
    """A C string: the bytes before the first NUL."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def encoded(text: str) -> bytes:
    """A str back into the bytes the kernel holds."""
    return text.encode("utf-8", "surrogateescape")


def _addr_family(kind: Kind) -> type:
    """The ipaddress class of an address array."""
    return ipaddress.IPv4Address if kind is Kind.IP4 else ipaddress.IPv6Address


def decode_value(param: Param, raw: bytes | None, *, max_ips: int = 255) -> Any:
    """A jail_set value as kern_jail_set reads it: ints of the exact size, bounded C strings,
    checked address lists.

    Booleans are not decoded: the kernel looks only at which name was given. Addresses come back
    as strings, all but the first sorted, as the kernel keeps them."""
    raw = raw or b""
    if param.kind in (Kind.INT, Kind.JAILSYS, Kind.ULONG):
        if len(raw) != WIDTH[param.kind]:
            raise JailError(EINVAL)
        return struct.unpack(_INT_CODE[len(raw)], raw)[0]
    if param.kind is Kind.STRING:
        if not raw or raw[-1] != 0:
            raise JailError(EINVAL)
        if len(raw) > param.size:
            raise JailError(ENAMETOOLONG)
        return cstr(raw)
    if param.kind in (Kind.IP4, Kind.IP6):
        return _decode_addrs(param.kind, raw, max_ips)
    raise ValueError(f"{param.name}: a {param.kind.value} parameter has no value to decode")


def _decode_addrs(kind: Kind, raw: bytes, max_ips: int) -> tuple[str, ...]:
    """prison_ip_copyin: whole addresses, not too many, the rest sorted after the primary, no
    0/broadcast/duplicates."""
    width = WIDTH[kind]
    if len(raw) % width:
        raise JailError(EINVAL)
    count = len(raw) // width
    if count > max_ips:
        raise JailError(EINVAL, f"too many IPv{4 if kind is Kind.IP4 else 6} addresses")
    addrs = [raw[i : i + width] for i in range(0, len(raw), width)]
    addrs[1:] = sorted(addrs[1:])
    invalid = {bytes(4), b"\xff" * 4} if kind is Kind.IP4 else {bytes(16)}
    for i, addr in enumerate(addrs):
        if addr in invalid or (i + 1 < count and addrs[i + 1] in (addrs[0], addr)):
            raise JailError(EINVAL)
    family = _addr_family(kind)
    return tuple(str(family(a)) for a in addrs)


def encode_value(param: Param, value: Any, raw: bytes | None) -> tuple[int, bytes | None]:
    """A jail_get answer for a caller's buffer raw (None: a NULL iov_base): the new iov_len, and the
    bytes to copy out.

    With no buffer only the size is reported; a buffer of the wrong size (ints), too small (strings,
    address arrays) fails with EINVAL, as vfs_setopt, vfs_setopts and vfs_setopt_part do."""
    if param.kind is Kind.STRING:
        text = encoded(value) + b"\0"
        if raw is None:
            return len(text), None
        if len(text) > len(raw):
            raise JailError(EINVAL)
        return len(raw), text + raw[len(text) :]
    if param.kind in (Kind.IP4, Kind.IP6):
        family = _addr_family(param.kind)
        data = b"".join(family(a).packed for a in value)
        if raw is not None and len(raw) < len(data):
            raise JailError(EINVAL)
        return len(data), None if raw is None else data
    data = struct.pack(_INT_CODE[WIDTH[param.kind]], int(value))
    if raw is not None and len(raw) != len(data):
        raise JailError(EINVAL)
    return len(data), None if raw is None else data
