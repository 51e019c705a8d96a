"""FreeBSD ⇄ Linux translators for errno, signals, flag words, enumerated values, mmap, termios
and ioctl numbers, all built from the abi/ tables."""

import bisect
import struct

from bsdulator.abi import errno as abi_errno
from bsdulator.abi import flags, ioctls, signals, termios
from bsdulator.errors import FreeBSDError


def _named_pairs(freebsd: dict, linux: dict, names) -> list[tuple[int, int]]:
    """(FreeBSD value, Linux value) pairs from names: "X" on both sides, ("X", "Y"), or a None side
    for "known, no counterpart" (value 0)."""
    pairs = []
    for name in names:
        freebsd_name, linux_name = (name, name) if isinstance(name, str) else name
        pairs.append(
            (
                0 if freebsd_name is None else freebsd[freebsd_name],
                0 if linux_name is None else linux[linux_name],
            )
        )
    return pairs


class Bitmap:
    """A flag word translated bit group by bit group, so bits without a counterpart are reported
    rather than guessed."""

    def __init__(self, pairs, passthrough: int = 0):
        self.pairs = tuple(pairs)
        self.passthrough = passthrough  # a field with the same encoding on both, copied as is
        # Widest Linux groups first, so O_SYNC (which contains O_DSYNC on Linux) wins.
        self._by_linux = sorted(self.pairs, key=lambda pair: -pair[1].bit_count())
        self.freebsd_mask = passthrough
        self.linux_mask = passthrough
        for freebsd_bits, linux_bits in self.pairs:
            self.freebsd_mask |= freebsd_bits
            self.linux_mask |= linux_bits

    @classmethod
    def from_names(cls, freebsd: dict, linux: dict, names, passthrough: int = 0) -> "Bitmap":
        """A Bitmap from two name → value tables and the names (or name pairs) that correspond."""
        return cls(_named_pairs(freebsd, linux, names), passthrough)

    def to_linux(self, value: int) -> int:
        """The Linux word for a FreeBSD one; unknown bits are dropped (see unknown_freebsd)."""
        out = value & self.passthrough
        for freebsd_bits, linux_bits in self.pairs:
            if freebsd_bits and value & freebsd_bits == freebsd_bits:
                out |= linux_bits
        return out

    def to_freebsd(self, value: int) -> int:
        """The FreeBSD word for a Linux one; unknown bits are dropped (see unknown_linux)."""
        out = value & self.passthrough
        rest = value
        for freebsd_bits, linux_bits in self._by_linux:
            if linux_bits and rest & linux_bits == linux_bits:
                out |= freebsd_bits
                rest &= ~linux_bits
        return out

    def unknown_freebsd(self, value: int) -> int:
        """The FreeBSD bits this table cannot translate, for the caller to reject or emulate."""
        return value & ~self.freebsd_mask

    def unknown_linux(self, value: int) -> int:
        """The Linux bits this table cannot translate."""
        return value & ~self.linux_mask


class ValueMap:
    """Enumerated values (commands, ids, families) mapped one to one; where several map to one, the
    first pair listed gives the way back."""

    def __init__(self, pairs):
        self.pairs = tuple(pairs)
        self._to_linux: dict[int, int] = {}
        self._to_freebsd: dict[int, int] = {}
        for freebsd_value, linux_value in self.pairs:
            self._to_linux.setdefault(freebsd_value, linux_value)
            self._to_freebsd.setdefault(linux_value, freebsd_value)

    @classmethod
    def from_names(cls, freebsd: dict, linux: dict, names) -> "ValueMap":
        """A ValueMap from two name → value tables and the names (or name pairs) that correspond."""
        return cls(_named_pairs(freebsd, linux, names))

    def to_linux(self, value: int, default=None):
        """The Linux value for a FreeBSD one, or default when it has none."""
        return self._to_linux.get(value, default)

    def to_freebsd(self, value: int, default=None):
        """The FreeBSD value for a Linux one, or default when it has none."""
        return self._to_freebsd.get(value, default)


def _shared(freebsd: dict, linux: dict) -> list[str]:
    """Names both tables define, in the FreeBSD table's order."""
    return [name for name in freebsd if name in linux]


# --- errno ------------------------------------------------------------------------------

# Order matters: shared names first, so each one-sided approximation only fills the direction it is
# for.
ERRNO = ValueMap(
    [(0, 0)]  # no error
    + _named_pairs(
        abi_errno.FREEBSD_ERRNO,
        abi_errno.LINUX_ERRNO,
        _shared(abi_errno.FREEBSD_ERRNO, abi_errno.LINUX_ERRNO),
    )
    + _named_pairs(
        abi_errno.FREEBSD_ERRNO,
        abi_errno.LINUX_ERRNO,
        abi_errno.LINUX_ERRNO_FOR_FREEBSD_ONLY.items(),
    )
    + _named_pairs(
        abi_errno.FREEBSD_ERRNO,
        abi_errno.LINUX_ERRNO,
        [(fb, lx) for lx, fb in abi_errno.FREEBSD_ERRNO_FOR_LINUX_ONLY.items()],
    )
)


def errno_to_freebsd(linux_errno: int) -> int:
    """The errno a FreeBSD program sees for a Linux one; numbers Linux never assigns become
    EINVAL."""
    return ERRNO.to_freebsd(linux_errno, abi_errno.FREEBSD_ERRNO["EINVAL"])


def errno_to_linux(freebsd_errno: int) -> int:
    """The Linux errno for a FreeBSD one; numbers FreeBSD never assigns become EINVAL."""
    return ERRNO.to_linux(freebsd_errno, abi_errno.LINUX_ERRNO["EINVAL"])


def freebsd_strerror(freebsd_errno: int) -> str:
    """The message FreeBSD's strerror(3) prints, which differs from Linux's for many errnos."""
    return abi_errno.FREEBSD_ERRNO_MESSAGES.get(freebsd_errno, f"Unknown error: {freebsd_errno}")


# --- signals ----------------------------------------------------------------------------

_FREEBSD_SIGRTMIN = signals.FREEBSD_SIGNAL_LIMITS["SIGRTMIN"]
_FREEBSD_SIGRTMAX = signals.FREEBSD_SIGNAL_LIMITS["SIGRTMAX"]
_LINUX_SIGRTMAX = signals.LINUX_SIGNAL_LIMITS["SIGRTMAX"]
_LINUX_RT_FIRST = signals.LINUX_SIGNAL_FOR_FREEBSD_SIGRTMIN

SIGNALS = ValueMap(
    [(0, 0)]  # kill(pid, 0) probes
    + _named_pairs(
        signals.FREEBSD_SIGNALS,
        signals.LINUX_SIGNALS,
        _shared(signals.FREEBSD_SIGNALS, signals.LINUX_SIGNALS),
    )
    + [
        (signals.FREEBSD_SIGNALS[name], linux)
        for name, linux in signals.LINUX_SIGNAL_FOR_FREEBSD_ONLY.items()
    ]
    + list(
        zip(
            range(_FREEBSD_SIGRTMIN, _FREEBSD_SIGRTMAX + 1),
            range(_LINUX_RT_FIRST, _LINUX_SIGRTMAX + 1),
            strict=False,  # FreeBSD has more realtime signals than Linux
        )
    )
)


def signal_to_linux(freebsd_signal: int) -> int | None:
    """The Linux signal that carries a FreeBSD one, or None (FreeBSD real-time signals past what
    Linux has)."""
    return SIGNALS.to_linux(freebsd_signal)


def signal_to_freebsd(linux_signal: int) -> int | None:
    """The FreeBSD signal a Linux one stands for, or None (SIGSTKFLT, SIGPWR, 32, 33, and carriers
    left unused)."""
    return SIGNALS.to_freebsd(linux_signal)


def _translate_set(mask: int, translate) -> int:
    """A signal set (bit sig-1 per member) with each member translated; untranslatable members are
    dropped."""
    out = 0
    while mask:
        low = mask & -mask
        mask ^= low
        translated = translate(low.bit_length())
        if translated:
            out |= 1 << (translated - 1)
    return out


def sigset_to_linux(data: bytes) -> int:
    """A FreeBSD sigset_t (4 × uint32, bit sig-1) as the Linux kernel's 64-bit mask."""
    return _translate_set(int.from_bytes(data[:16], "little"), signal_to_linux)


def sigset_to_freebsd(mask: int) -> bytes:
    """A Linux kernel signal mask as a FreeBSD sigset_t (16 bytes)."""
    return _translate_set(mask, signal_to_freebsd).to_bytes(16, "little")


SIGACTION_FLAGS = Bitmap.from_names(
    signals.FREEBSD_SA_FLAGS,
    signals.LINUX_SA_FLAGS,
    [*signals.FREEBSD_SA_FLAGS, (None, "SA_RESTORER")],  # bsdulator supplies its own restorer
)
SIGPROCMASK_HOW = ValueMap.from_names(
    signals.FREEBSD_SIGPROCMASK_HOW, signals.LINUX_SIGPROCMASK_HOW, signals.FREEBSD_SIGPROCMASK_HOW
)

SI_CODES = ValueMap.from_names(
    signals.FREEBSD_SI_CODES,
    signals.LINUX_SI_CODES,
    [
        "SI_USER",
        "SI_QUEUE",
        "SI_TIMER",
        "SI_MESGQ",
        "SI_ASYNCIO",
        "SI_KERNEL",
        ("SI_LWP", "SI_TKILL"),
    ],
)

# si_code values that mean something only for one signal, keyed by the FreeBSD signal.
SIGNAL_CODES = {
    signals.FREEBSD_SIGNALS[signal]: ValueMap.from_names(freebsd, linux, _shared(freebsd, linux))
    for signal, freebsd, linux in [
        ("SIGILL", signals.FREEBSD_ILL_CODES, signals.LINUX_ILL_CODES),
        ("SIGFPE", signals.FREEBSD_FPE_CODES, signals.LINUX_FPE_CODES),
        ("SIGSEGV", signals.FREEBSD_SEGV_CODES, signals.LINUX_SEGV_CODES),
        ("SIGBUS", signals.FREEBSD_BUS_CODES, signals.LINUX_BUS_CODES),
        ("SIGTRAP", signals.FREEBSD_TRAP_CODES, signals.LINUX_TRAP_CODES),
        ("SIGCHLD", signals.FREEBSD_CLD_CODES, signals.LINUX_CLD_CODES),
        ("SIGIO", signals.FREEBSD_POLL_CODES, signals.LINUX_POLL_CODES),
    ]
}


def si_code_to_freebsd(freebsd_signal: int, linux_code: int) -> int:
    """The FreeBSD si_code for a Linux one: generic codes first, then the signal's own; SI_NOINFO
    when neither knows it."""
    no_info = signals.FREEBSD_SI_CODES["SI_NOINFO"]
    own = SIGNAL_CODES.get(freebsd_signal, SI_CODES)
    return SI_CODES.to_freebsd(linux_code, own.to_freebsd(linux_code, no_info))


# --- files ------------------------------------------------------------------------------

OPEN_FLAGS = Bitmap.from_names(
    flags.FREEBSD_O_FLAGS,
    flags.LINUX_O_FLAGS,
    [
        "O_NONBLOCK",
        "O_APPEND",
        "O_ASYNC",
        "O_SYNC",
        "O_NOFOLLOW",
        "O_CREAT",
        "O_TRUNC",
        "O_EXCL",
        "O_NOCTTY",
        "O_DIRECT",
        "O_DIRECTORY",
        "O_CLOEXEC",
        "O_DSYNC",
        "O_PATH",
        ("O_VERIFY", None),  # only asks for a veriexec check
        ("O_TTY_INIT", None),  # Linux terminals start from sane settings anyway
        (None, "O_LARGEFILE"),  # set on every x86_64 open; F_GETFL shows it
    ],
    passthrough=flags.FREEBSD_O_FLAGS["O_ACCMODE"],
)
# Not translated (the caller emulates): O_SHLOCK/O_EXLOCK (flock after open), O_EXEC/O_SEARCH,
# O_RESOLVE_BENEATH (openat2), O_EMPTY_PATH, O_NAMEDATTR, O_CLOFORK.

# Linux gives 0x200 to both AT_REMOVEDIR and AT_EACCESS, so each family of calls has its own table.
AT_FLAGS = Bitmap.from_names(
    flags.FREEBSD_AT_FLAGS,
    flags.LINUX_AT_FLAGS,
    ["AT_SYMLINK_NOFOLLOW", "AT_SYMLINK_FOLLOW", "AT_REMOVEDIR", "AT_EMPTY_PATH"],
)
FACCESSAT_FLAGS = Bitmap.from_names(
    flags.FREEBSD_AT_FLAGS,
    flags.LINUX_AT_FLAGS,
    ["AT_EACCESS", "AT_SYMLINK_NOFOLLOW", "AT_EMPTY_PATH"],
)

# struct flock is laid out differently too (FreeBSD: start, len, pid, type, whence, sysid).
FCNTL_COMMANDS = ValueMap.from_names(
    flags.FREEBSD_FCNTL_COMMANDS,
    flags.LINUX_FCNTL_COMMANDS,
    [
        "F_DUPFD",
        "F_GETFD",
        "F_SETFD",
        "F_GETFL",
        "F_SETFL",
        "F_GETOWN",
        "F_SETOWN",
        "F_GETLK",
        "F_SETLK",
        "F_SETLKW",
        "F_DUPFD_CLOEXEC",
        "F_ADD_SEALS",
        "F_GET_SEALS",
    ],
)
FLOCK_TYPES = ValueMap.from_names(
    flags.FREEBSD_FLOCK_TYPES, flags.LINUX_FLOCK_TYPES, flags.FREEBSD_FLOCK_TYPES
)
UTIME_SPECIAL = ValueMap.from_names(
    flags.FREEBSD_UTIME_SPECIAL, flags.LINUX_UTIME_SPECIAL, flags.FREEBSD_UTIME_SPECIAL
)

# --- memory -----------------------------------------------------------------------------

_MAP = flags.FREEBSD_MAP_FLAGS
_ALIGNMENT = flags.FREEBSD_MAP_ALIGNMENT
_PROT_MAX_SHIFT = flags.FREEBSD_PROT_FLAGS["_PROT_MAX_SHIFT"]
_EINVAL = abi_errno.FREEBSD_ERRNO["EINVAL"]

PROT_FLAGS = Bitmap.from_names(
    flags.FREEBSD_PROT_FLAGS, flags.LINUX_PROT_FLAGS, ["PROT_READ", "PROT_WRITE", "PROT_EXEC"]
)
MMAP_FLAGS = Bitmap.from_names(
    flags.FREEBSD_MAP_FLAGS,
    flags.LINUX_MAP_FLAGS,
    [
        "MAP_SHARED",
        "MAP_PRIVATE",
        "MAP_FIXED",
        ("MAP_ANON", "MAP_ANONYMOUS"),
        "MAP_STACK",
        "MAP_32BIT",
        ("MAP_PREFAULT_READ", "MAP_POPULATE"),
        ("MAP_HASSEMAPHORE", None),  # a hint
        ("MAP_NOSYNC", None),  # a write-back hint
        ("MAP_NOCORE", None),  # the caller may follow up with madvise(MADV_DONTDUMP)
        ("MAP_RESERVED0020", None),  # FreeBSD ignores these two old flags
        ("MAP_RESERVED0040", None),
    ],
)
_MAP_SPECIAL = _MAP["MAP_GUARD"] | _MAP["MAP_EXCL"] | _ALIGNMENT["MAP_ALIGNMENT_MASK"]
_MAP_GUARD_ALLOWS = (
    _MAP["MAP_GUARD"]
    | _MAP["MAP_FIXED"]
    | _MAP["MAP_EXCL"]
    | _MAP["MAP_32BIT"]
    | _ALIGNMENT["MAP_ALIGNMENT_MASK"]
)
# FreeBSD insists
_MAP_STACK_PROT = flags.FREEBSD_PROT_FLAGS["PROT_READ"] | flags.FREEBSD_PROT_FLAGS["PROT_WRITE"]


def mmap_alignment(freebsd_flags: int) -> int:
    """The alignment in bytes MAP_ALIGNED(n)/MAP_ALIGNED_SUPER ask for (0: none), which Linux mmap
    cannot do itself."""
    field = freebsd_flags & _ALIGNMENT["MAP_ALIGNMENT_MASK"]
    if field == _ALIGNMENT["MAP_ALIGNED_SUPER"]:
        return _ALIGNMENT["NBPDR"]
    shift = field >> _ALIGNMENT["MAP_ALIGNMENT_SHIFT"]
    if field and not _ALIGNMENT["PAGE_SHIFT"] <= shift < 64:
        raise FreeBSDError(_EINVAL, f"MAP_ALIGNED({shift})")
    return 1 << shift if field else 0


def mmap_to_linux(prot: int, freebsd_flags: int) -> tuple[int, int]:
    """Linux (prot, flags) for FreeBSD mmap(2) ones, rejecting what FreeBSD rejects; fd/offset
    checks (anonymous needs fd -1, a file needs MAP_SHARED or MAP_PRIVATE) and mmap_alignment()
    stay with the caller."""
    max_prot = prot >> _PROT_MAX_SHIFT
    prot &= ~(max_prot << _PROT_MAX_SHIFT)
    if PROT_FLAGS.unknown_freebsd(prot | max_prot) or (max_prot and prot & ~max_prot):
        raise FreeBSDError(_EINVAL, f"mmap prot {prot:#x} max {max_prot:#x}")
    plain = freebsd_flags & ~_MAP_SPECIAL
    sharing = freebsd_flags & (_MAP["MAP_SHARED"] | _MAP["MAP_PRIVATE"])
    fixed = freebsd_flags & _MAP["MAP_FIXED"]
    if (
        MMAP_FLAGS.unknown_freebsd(plain)
        or sharing == _MAP["MAP_SHARED"] | _MAP["MAP_PRIVATE"]
        or (freebsd_flags & _MAP["MAP_STACK"] and prot & _MAP_STACK_PROT != _MAP_STACK_PROT)
        or (freebsd_flags & _MAP["MAP_EXCL"] and not fixed)
        or (freebsd_flags & _MAP["MAP_GUARD"] and (prot or freebsd_flags & ~_MAP_GUARD_ALLOWS))
    ):
        raise FreeBSDError(_EINVAL, f"mmap flags {freebsd_flags:#x}")
    mmap_alignment(freebsd_flags)
    linux = flags.LINUX_MAP_FLAGS
    if freebsd_flags & (_MAP["MAP_STACK"] | _MAP["MAP_GUARD"]):
        plain |= _MAP["MAP_ANON"]  # FreeBSD makes stacks and guards anonymous
    if not sharing:
        plain |= _MAP["MAP_PRIVATE"]  # FreeBSD's default; Linux insists on one of the two
    linux_flags = MMAP_FLAGS.to_linux(plain)
    if freebsd_flags & _MAP["MAP_GUARD"]:
        linux_flags |= linux["MAP_NORESERVE"]  # a PROT_NONE reservation stands in for the guard
    if freebsd_flags & _MAP["MAP_EXCL"]:
        linux_flags = linux_flags & ~linux["MAP_FIXED"] | linux["MAP_FIXED_NOREPLACE"]
    return PROT_FLAGS.to_linux(prot), linux_flags


# MADV_NOSYNC, MADV_AUTOSYNC, MADV_PROTECT: no Linux advice; succeed without effect
MADV_ADVICE = ValueMap.from_names(
    flags.FREEBSD_MADV_ADVICE,
    flags.LINUX_MADV_ADVICE,
    [
        "MADV_NORMAL",
        "MADV_RANDOM",
        "MADV_SEQUENTIAL",
        "MADV_WILLNEED",
        "MADV_DONTNEED",
        "MADV_FREE",
        ("MADV_NOCORE", "MADV_DONTDUMP"),
        ("MADV_CORE", "MADV_DODUMP"),
    ],
)

MSYNC_FLAGS = Bitmap.from_names(
    flags.FREEBSD_MSYNC_FLAGS, flags.LINUX_MSYNC_FLAGS, ["MS_ASYNC", "MS_INVALIDATE"]
)


def msync_to_linux(freebsd_flags: int) -> int:
    """Linux msync(2) flags: FreeBSD's MS_SYNC is the absence of MS_ASYNC, Linux wants its MS_SYNC
    bit."""
    linux = MSYNC_FLAGS.to_linux(freebsd_flags)
    return (
        linux
        if freebsd_flags & flags.FREEBSD_MSYNC_FLAGS["MS_ASYNC"]
        else linux | flags.LINUX_MSYNC_FLAGS["MS_SYNC"]
    )


# --- sockets ----------------------------------------------------------------------------

SOCK_TYPES = ValueMap.from_names(
    flags.FREEBSD_SOCK_TYPES, flags.LINUX_SOCK_TYPES, flags.FREEBSD_SOCK_TYPES
)
SOCK_FLAGS = Bitmap.from_names(
    flags.FREEBSD_SOCK_FLAGS, flags.LINUX_SOCK_FLAGS, ["SOCK_CLOEXEC", "SOCK_NONBLOCK"]
)

# AF_ROUTE and AF_LINK are left out on purpose: same idea, different protocol (Linux: netlink,
# packet).
ADDRESS_FAMILIES = ValueMap.from_names(
    flags.FREEBSD_ADDRESS_FAMILIES,
    flags.LINUX_ADDRESS_FAMILIES,
    [
        "AF_UNSPEC",
        "AF_UNIX",
        "AF_INET",
        "AF_INET6",
        "AF_APPLETALK",
        "AF_IPX",
        "AF_DECnet",
        "AF_SNA",
        "AF_ISDN",
        "AF_BLUETOOTH",
        "AF_NETLINK",
        ("pseudo_AF_KEY", "AF_KEY"),
    ],
)

# MSG_EOF (send, then shutdown) is the caller's to emulate
MSG_FLAGS = Bitmap.from_names(
    flags.FREEBSD_MSG_FLAGS,
    flags.LINUX_MSG_FLAGS,
    [
        "MSG_OOB",
        "MSG_PEEK",
        "MSG_DONTROUTE",
        "MSG_EOR",
        "MSG_TRUNC",
        "MSG_CTRUNC",
        "MSG_WAITALL",
        "MSG_DONTWAIT",
        "MSG_NOSIGNAL",
        "MSG_CMSG_CLOEXEC",
        "MSG_WAITFORONE",
    ],
)


# setsockopt(2) levels; IPPROTO_ICMP is left out because Linux's SOL_SOCKET is 1.
SOCKET_LEVELS = ValueMap(
    _named_pairs(flags.FREEBSD_SOCKET_LEVELS, flags.LINUX_SOCKET_LEVELS, ["SOL_SOCKET"])
    + _named_pairs(
        flags.FREEBSD_IPPROTO,
        flags.LINUX_IPPROTO,
        [
            "IPPROTO_IP",
            "IPPROTO_IPV6",
            "IPPROTO_TCP",
            "IPPROTO_UDP",
            "IPPROTO_RAW",
            "IPPROTO_ICMPV6",
            "IPPROTO_SCTP",
            "IPPROTO_UDPLITE",
        ],
    )
)

SO_OPTIONS = ValueMap.from_names(
    flags.FREEBSD_SO_OPTIONS,
    flags.LINUX_SO_OPTIONS,
    _shared(flags.FREEBSD_SO_OPTIONS, flags.LINUX_SO_OPTIONS),
)
IP_OPTIONS = ValueMap.from_names(
    flags.FREEBSD_IP_OPTIONS,
    flags.LINUX_IP_OPTIONS,
    _shared(flags.FREEBSD_IP_OPTIONS, flags.LINUX_IP_OPTIONS),
)
IPV6_OPTIONS = ValueMap.from_names(
    flags.FREEBSD_IPV6_OPTIONS,
    flags.LINUX_IPV6_OPTIONS,
    _shared(flags.FREEBSD_IPV6_OPTIONS, flags.LINUX_IPV6_OPTIONS),
)
# TCP_INFO and TCP_MD5SIG carry structs that differ
TCP_OPTIONS = ValueMap.from_names(
    flags.FREEBSD_TCP_OPTIONS,
    flags.LINUX_TCP_OPTIONS,
    [
        "TCP_NODELAY",
        "TCP_MAXSEG",
        "TCP_KEEPIDLE",
        "TCP_KEEPINTVL",
        "TCP_KEEPCNT",
        "TCP_CONGESTION",
        "TCP_FASTOPEN",
        ("TCP_NOPUSH", "TCP_CORK"),
    ],
)

# Option names per FreeBSD level.
SOCKET_OPTIONS = {
    flags.FREEBSD_SOCKET_LEVELS["SOL_SOCKET"]: SO_OPTIONS,
    flags.FREEBSD_IPPROTO["IPPROTO_IP"]: IP_OPTIONS,
    flags.FREEBSD_IPPROTO["IPPROTO_IPV6"]: IPV6_OPTIONS,
    flags.FREEBSD_IPPROTO["IPPROTO_TCP"]: TCP_OPTIONS,
}


def sockopt_to_linux(freebsd_level: int, freebsd_name: int) -> tuple[int, int] | None:
    """Linux (level, optname) for a FreeBSD socket option, or None when bsdulator knows no
    equivalent."""
    level = SOCKET_LEVELS.to_linux(freebsd_level)
    names = SOCKET_OPTIONS.get(freebsd_level)
    name = names.to_linux(freebsd_name) if names else None
    return None if level is None or name is None else (level, name)


SHUT_HOW = ValueMap.from_names(flags.FREEBSD_SHUT_HOW, flags.LINUX_SHUT_HOW, flags.FREEBSD_SHUT_HOW)

# POLLINIGNEOF has no Linux bit
POLL_EVENTS = Bitmap.from_names(
    flags.FREEBSD_POLL_EVENTS,
    flags.LINUX_POLL_EVENTS,
    [
        "POLLIN",
        "POLLPRI",
        "POLLOUT",
        "POLLWRNORM",
        "POLLERR",
        "POLLHUP",
        "POLLNVAL",
        "POLLRDNORM",
        "POLLRDBAND",
        "POLLWRBAND",
        "POLLRDHUP",
    ],
)

# --- processes --------------------------------------------------------------------------

# WTRAPPED: ptrace stops are bsdulator's own business
WAIT_OPTIONS = Bitmap.from_names(
    flags.FREEBSD_WAIT_OPTIONS,
    flags.LINUX_WAIT_OPTIONS,
    ["WNOHANG", "WUNTRACED", "WCONTINUED", "WNOWAIT", "WEXITED"],
)
WAIT_IDTYPES = ValueMap.from_names(
    flags.FREEBSD_IDTYPES, flags.LINUX_IDTYPES, ["P_PID", "P_PGID", "P_ALL"]
)

RLIMIT_RESOURCES = ValueMap.from_names(
    flags.FREEBSD_RLIMIT_RESOURCES,
    flags.LINUX_RLIMIT_RESOURCES,
    [
        "RLIMIT_CPU",
        "RLIMIT_FSIZE",
        "RLIMIT_DATA",
        "RLIMIT_STACK",
        "RLIMIT_CORE",
        "RLIMIT_RSS",
        "RLIMIT_MEMLOCK",
        "RLIMIT_NPROC",
        "RLIMIT_NOFILE",
        ("RLIMIT_VMEM", "RLIMIT_AS"),
    ],
)
# other limits pass as is
RLIM_INFINITY = ValueMap.from_names(flags.FREEBSD_RLIM, flags.LINUX_RLIM, ["RLIM_INFINITY"])

_RF = flags.FREEBSD_RFORK_FLAGS
_CLONE = flags.LINUX_CLONE_FLAGS
_RFORK_SIGNAL_FIELD = _RF["RFTSIGMASK"] << _RF["RFTSIGSHIFT"]
# RFPPWAIT shares its bit with RFSPAWN, which must come alone; kernel-only flags are invalid
RFORK_FLAGS = Bitmap.from_names(
    _RF,
    _CLONE,
    [
        ("RFMEM", "CLONE_VM"),
        ("RFSIGSHARE", "CLONE_SIGHAND"),
        ("RFPROC", None),  # clone always makes a process
        ("RFFDG", None),  # copying the table is clone's default; its absence is CLONE_FILES
        ("RFCFDG", None),  # the caller closes the child's descriptors
        ("RFNOWAIT", None),  # the caller reparents the child
        ("RFTHREAD", None),
        ("RFTSIGZMB", None),  # exit signal in the RFTSIGNUM field
        ("RFLINUXTHPN", None),  # exit signal SIGUSR1
    ],
)


def rfork_to_linux_clone(rfork_flags: int) -> int:
    """clone(2) flags with the exit signal for an rfork(2) that makes a process, rejecting what
    FreeBSD rejects; RFSPAWN's child must also reset caught signals."""
    if rfork_flags == _RF["RFSPAWN"]:  # RFFDG | RFPROC | RFPPWAIT | RFMEM
        return _CLONE["CLONE_VM"] | _CLONE["CLONE_VFORK"] | signals.LINUX_SIGNALS["SIGCHLD"]
    freebsd_signal = (rfork_flags & _RFORK_SIGNAL_FIELD) >> _RF["RFTSIGSHIFT"]
    if (
        RFORK_FLAGS.unknown_freebsd(rfork_flags & ~_RFORK_SIGNAL_FIELD)
        or (rfork_flags & _RF["RFFDG"] and rfork_flags & _RF["RFCFDG"])
        or (freebsd_signal and not rfork_flags & _RF["RFTSIGZMB"])
        or freebsd_signal > signals.FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
    ):
        raise FreeBSDError(_EINVAL, f"rfork flags {rfork_flags:#x}")
    clone = RFORK_FLAGS.to_linux(rfork_flags)
    if not rfork_flags & (_RF["RFFDG"] | _RF["RFCFDG"]):
        clone |= _CLONE["CLONE_FILES"]
    if rfork_flags & _RF["RFTSIGZMB"]:
        exit_signal = signal_to_linux(freebsd_signal) or 0
    elif rfork_flags & _RF["RFLINUXTHPN"]:
        exit_signal = signals.LINUX_SIGNALS["SIGUSR1"]
    else:
        exit_signal = signals.LINUX_SIGNALS["SIGCHLD"]
    return clone | exit_signal


# --- time -------------------------------------------------------------------------------

# FreeBSD's clocks have fast/precise twins; Linux's coarse clocks are the fast ones.
# CLOCK_VIRTUAL (user time only) has no Linux clock
CLOCK_IDS = ValueMap.from_names(
    flags.FREEBSD_CLOCK_IDS,
    flags.LINUX_CLOCK_IDS,
    [
        "CLOCK_REALTIME",
        "CLOCK_MONOTONIC",
        "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID",
        ("CLOCK_UPTIME", "CLOCK_BOOTTIME"),
        ("CLOCK_REALTIME_FAST", "CLOCK_REALTIME_COARSE"),
        ("CLOCK_MONOTONIC_FAST", "CLOCK_MONOTONIC_COARSE"),
        "CLOCK_TAI",
        ("CLOCK_REALTIME_PRECISE", "CLOCK_REALTIME"),
        ("CLOCK_MONOTONIC_PRECISE", "CLOCK_MONOTONIC"),
        ("CLOCK_UPTIME_PRECISE", "CLOCK_BOOTTIME"),
        ("CLOCK_UPTIME_FAST", "CLOCK_BOOTTIME"),
        ("CLOCK_SECOND", "CLOCK_REALTIME_COARSE"),  # the caller zeroes tv_nsec
        ("CLOCK_PROF", "CLOCK_PROCESS_CPUTIME_ID"),  # approximation: user + system time
    ],
)
TIMER_FLAGS = Bitmap.from_names(
    flags.FREEBSD_TIMER_FLAGS, flags.LINUX_TIMER_FLAGS, ["TIMER_ABSTIME"]
)
EVENTFD_FLAGS = Bitmap.from_names(
    flags.FREEBSD_EFD_FLAGS, flags.LINUX_EFD_FLAGS, ["EFD_SEMAPHORE", "EFD_NONBLOCK", "EFD_CLOEXEC"]
)
INOTIFY_INIT_FLAGS = Bitmap.from_names(
    flags.FREEBSD_IN_INIT_FLAGS, flags.LINUX_IN_INIT_FLAGS, ["IN_NONBLOCK", "IN_CLOEXEC"]
)
TIMERFD_CREATE_FLAGS = Bitmap.from_names(
    flags.FREEBSD_TFD_FLAGS, flags.LINUX_TFD_FLAGS, ["TFD_NONBLOCK", "TFD_CLOEXEC"]
)

# --- terminals --------------------------------------------------------------------------

TERMIOS_IFLAGS = Bitmap.from_names(
    termios.FREEBSD_IFLAGS,
    termios.LINUX_IFLAGS,
    _shared(termios.FREEBSD_IFLAGS, termios.LINUX_IFLAGS),
)
TERMIOS_OFLAGS = Bitmap.from_names(
    termios.FREEBSD_OFLAGS,
    termios.LINUX_OFLAGS,
    ["OPOST", "ONLCR", "OCRNL", "ONOCR", "ONLRET", "TAB3"],
)
# CSIZE goes bit by bit: CS6 and CS7 are its two bits on both systems.
# CIGNORE (keep the current c_cflag) is the TIOCSETA caller's to honour
TERMIOS_CFLAGS = Bitmap.from_names(
    termios.FREEBSD_CFLAGS,
    termios.LINUX_CFLAGS,
    ["CS6", "CS7", "CSTOPB", "CREAD", "PARENB", "PARODD", "HUPCL", "CLOCAL", "CRTSCTS"],
)
TERMIOS_LFLAGS = Bitmap.from_names(
    termios.FREEBSD_LFLAGS,
    termios.LINUX_LFLAGS,
    _shared(termios.FREEBSD_LFLAGS, termios.LINUX_LFLAGS),
)
TERMIOS_CC = ValueMap.from_names(
    termios.FREEBSD_CC_INDEX,
    termios.LINUX_CC_INDEX,
    _shared(termios.FREEBSD_CC_INDEX, termios.LINUX_CC_INDEX),
)

# flags, c_cc, c_ispeed, c_ospeed
FREEBSD_TERMIOS_STRUCT = struct.Struct(f"<4I{termios.FREEBSD_TERMIOS['NCCS']}s2I")
LINUX_TERMIOS_STRUCT = struct.Struct(f"<4IB{termios.LINUX_TERMIOS['NCCS']}s")  # flags, c_line, c_cc

# counts, not characters
_NUMERIC_CC = {
    termios.FREEBSD_CC_INDEX["VMIN"],
    termios.FREEBSD_CC_INDEX["VTIME"],
}
_FREEBSD_VDISABLE = termios.FREEBSD_TERMIOS["_POSIX_VDISABLE"]
_LINUX_VDISABLE = termios.LINUX_TERMIOS["_POSIX_VDISABLE"]
_CBAUD = termios.LINUX_TERMIOS["CBAUD"]
_CIBAUD = termios.LINUX_TERMIOS["CIBAUD"]
_IBSHIFT = termios.LINUX_TERMIOS["IBSHIFT"]
# Linux's Bnnn names spell the rate
_LINUX_SPEED_CODES = {int(name[1:]): code for name, code in termios.LINUX_SPEEDS.items()}
_LINUX_SPEEDS = sorted(_LINUX_SPEED_CODES)
_SPEED_FOR_CODE = {code: speed for speed, code in _LINUX_SPEED_CODES.items()}


def _speed_code(speed: int) -> int:
    """The Linux CBAUD code for a FreeBSD speed number: the fastest Linux rate not above it (TCSETS
    has no arbitrary rates)."""
    return _LINUX_SPEED_CODES[_LINUX_SPEEDS[bisect.bisect_right(_LINUX_SPEEDS, speed) - 1]]


def _speed(code: int) -> int:
    """The FreeBSD speed number for a Linux CBAUD code; BOTHER and junk read as FreeBSD's default
    speed."""
    return _SPEED_FOR_CODE.get(code, termios.FREEBSD_TERMIOS["TTYDEF_SPEED"])


def termios_to_linux(data: bytes) -> bytes:
    """A FreeBSD struct termios (44 bytes) as the Linux kernel's (TCSETS, 36 bytes); FreeBSD-only
    flags and c_cc slots are dropped."""
    iflag, oflag, cflag, lflag, cc, ispeed, ospeed = FREEBSD_TERMIOS_STRUCT.unpack(
        data[: FREEBSD_TERMIOS_STRUCT.size]
    )
    linux_cc = bytearray(termios.LINUX_TERMIOS["NCCS"])
    for index, linux_index in TERMIOS_CC.pairs:
        value = cc[index]
        linux_cc[linux_index] = (
            _LINUX_VDISABLE if value == _FREEBSD_VDISABLE and index not in _NUMERIC_CC else value
        )
    # 0: same as output, on both systems
    input_code = 0 if ispeed in (0, ospeed) else _speed_code(ispeed)
    linux_cflag = TERMIOS_CFLAGS.to_linux(cflag) | _speed_code(ospeed) | input_code << _IBSHIFT
    return LINUX_TERMIOS_STRUCT.pack(
        TERMIOS_IFLAGS.to_linux(iflag),
        TERMIOS_OFLAGS.to_linux(oflag),
        linux_cflag,
        TERMIOS_LFLAGS.to_linux(lflag),
        0,  # c_line: N_TTY
        bytes(linux_cc),
    )


def termios_to_freebsd(data: bytes) -> bytes:
    """A Linux kernel struct termios (TCGETS) as FreeBSD's; c_cc slots Linux lacks (VERASE2, VDSUSP,
    VSTATUS) read as disabled."""
    iflag, oflag, cflag, lflag, _line, linux_cc = LINUX_TERMIOS_STRUCT.unpack(
        data[: LINUX_TERMIOS_STRUCT.size]
    )
    cc = bytearray([_FREEBSD_VDISABLE]) * termios.FREEBSD_TERMIOS["NCCS"]
    for index, linux_index in TERMIOS_CC.pairs:
        value = linux_cc[linux_index]
        cc[index] = (
            _FREEBSD_VDISABLE if value == _LINUX_VDISABLE and index not in _NUMERIC_CC else value
        )
    ospeed = _speed(cflag & _CBAUD)
    input_code = (cflag & _CIBAUD) >> _IBSHIFT
    return FREEBSD_TERMIOS_STRUCT.pack(
        TERMIOS_IFLAGS.to_freebsd(iflag),
        TERMIOS_OFLAGS.to_freebsd(oflag),
        TERMIOS_CFLAGS.to_freebsd(cflag),
        TERMIOS_LFLAGS.to_freebsd(lflag),
        bytes(cc),
        _speed(input_code) if input_code else ospeed,
        ospeed,
    )


IOCTLS = ValueMap.from_names(
    ioctls.FREEBSD_IOCTLS, ioctls.LINUX_IOCTLS, ioctls.LINUX_IOCTL_FOR_FREEBSD.items()
)


def ioctl_to_linux(freebsd_request: int) -> int | None:
    """The Linux request doing a FreeBSD ioctl's work (see abi.ioctls for the payload notes), or
    None; FreeBSD reads only the low 32 bits."""
    return IOCTLS.to_linux(freebsd_request & 0xFFFFFFFF)
