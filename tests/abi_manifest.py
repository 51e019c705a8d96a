"""What each abi/ table is checked against, as data: test_abi_headers.py walks it.

A Values row names an abi/ table (or a few constants), the side whose headers define its names
(FreeBSD: zig's FreeBSD 14 headers; Linux: the host's, read with gcc), the headers and defines
that bring them, the names the headers leave out or deliberately disagree on (each with its
source), and for Linux tables the Python module that knows the same constants.  A Complete row
says a table claims every macro of a prefix in its headers.  Checks that need more than a
lookup (struct layouts, values computed from others) stay in the test_abi_*.py files.
"""

import errno
import importlib
import mmap
import os
import select
import signal
import socket
import termios as python_termios
from dataclasses import dataclass, field
from types import ModuleType

FREEBSD, LINUX = "freebsd", "linux"


def table(spec: str) -> dict[str, int]:
    """The dict a spec names: 'abi.flags.FREEBSD_O_FLAGS', or several joined by ' | '."""
    joined: dict[str, int] = {}
    for path in spec.split(" | "):
        module, attr = path.rsplit(".", 1)
        joined |= getattr(importlib.import_module(f"bsdulator.{module}"), attr)
    return joined


def constants(spelled: dict[str, str]) -> dict[str, int]:
    """{header expression: value} for single constants, from {expression: 'abi.module.NAME'}."""
    found = {}
    for expr, path in spelled.items():
        module, attr = path.rsplit(".", 1)
        found[expr] = getattr(importlib.import_module(f"bsdulator.{module}"), attr)
    return found


@dataclass(frozen=True)
class Values:
    """Every name of a table has the table's value in these headers."""

    side: str
    name: str  # the table spec (see table()), or what a hand-made table holds
    headers: tuple[str, ...]
    defines: tuple[str, ...] = ()
    enum: bool = False  # the names are enum constants, not macros (probed without #ifdef)
    spelling: dict[str, str] = field(default_factory=dict)  # table name -> the headers' name
    absent: dict[str, str] = field(default_factory=dict)  # left out of the lookup -> why
    differs: dict[str, tuple] = field(
        default_factory=dict
    )  # name -> (table, headers' value; None: undefined)
    python: ModuleType | None = None  # Linux: a module whose like-named constants must agree
    python_skip: frozenset[str] = frozenset()  # names whose Python value is not the kernel's
    python_at_least: int = 1  # how many of the names the module must know
    values: dict[str, int] | None = None  # a hand-made table; else table(name)

    def table(self) -> dict[str, int]:
        return self.values if self.values is not None else table(self.name)


@dataclass(frozen=True)
class Complete:
    """Every macro of the headers that matches pattern (with a replacement text) is in the table,
    but for the others, which belong to another group."""

    name: str
    headers: tuple[str, ...]
    pattern: str
    others: frozenset[str] = frozenset()


def F(name, *headers, **kw) -> Values:
    return Values(FREEBSD, name, headers, **kw)


def L(name, *headers, **kw) -> Values:
    return Values(LINUX, name, headers, **kw)


# what netinet/in_pcb.h needs before it (its xinpcb is declared only after sys/socketvar.h)
PCB_HEADERS = ("sys/types.h", "sys/socket.h", "sys/socketvar.h", "netinet/in.h", "netinet/in_pcb.h")

# The test root is FreeBSD 13.5; zig ships FreeBSD 14's headers. Where 14 changed a number the table
# keeps 13.5's (the root's libraries and programs use it), listed with 14's as (13.5, 14).
# 14 added jail descriptors (JAIL_*_DESC) and allow bits; test_abi_jail checks the rest is 13.5's.
JAIL_14_WIDENED = {
    "JAIL_SET_MASK": (0x0F, 0xFF),
    "JAIL_GET_MASK": (0x08, 0xF8),
    "PR_ALLOW_ALL_STATIC": (0x387FF, 0xFF87FF),
    "PR_ALLOW_DIFFERENCES": (0x200, 0x400200),
}
KINFO_14_CHANGED = {
    "KI_NSPARE_PTR": (5, 4),  # 14's ki_uerrmsg took a spare pointer (13.5 sys/sys/user.h)
    "RLIM_NLIMITS": (15, 16),  # 14 added RLIMIT_PIPEBUF (13.5 sys/sys/resource.h)
    # 14 dropped swapping out (13.5 sys/sys/proc.h)
    "P_SWAPPINGOUT": (0x20000000, None),
    "P_SWAPPINGIN": (0x40000000, None),
    # 14 renumbered the priority ranges (13.5 sys/sys/priority.h)
    "PRI_MIN_REALTIME": (48, 8),
    "PRI_MAX_REALTIME": (79, 39),
    "PRI_MIN_TIMESHARE": (120, 56),
}
KINFO_HEADERS = (
    "sys/types.h",
    "sys/param.h",
    "sys/sysctl.h",
    "sys/user.h",
    "sys/proc.h",
    "sys/acct.h",
    "sys/priority.h",
    "sys/vmmeter.h",
    "sys/resource.h",
)


def _kinfo_freebsd() -> dict[str, int]:
    from bsdulator.abi import kinfo

    return {
        name: value
        for name, value in vars(kinfo).items()
        if name.isupper() and isinstance(value, int) and not name.startswith("LINUX_")
    }


# sys/ioctl.h brings ttycom.h and filio.h; the rest declare the structs the numbers encode sizes of.
IOCTL_HEADERS = ("sys/types.h", "sys/time.h", "sys/mman.h", "sys/ioctl.h", "termios.h")
# the interface-changing requests and their structs (abi/netif_write.py)
NETIF_WRITE_HEADERS = (
    "sys/types.h",
    "sys/param.h",
    "sys/socket.h",
    "sys/sockio.h",
    "sys/time.h",
    "stddef.h",
    "net/if.h",
    "net/ethernet.h",
    "net/if_bridgevar.h",
    "net/if_vlan_var.h",
    "netinet/in.h",
    "netinet/in_var.h",
    "netinet6/in6_var.h",
)
# net/bridgestp.h keeps its defaults under _KERNEL, with the kernel types its structs use
BRIDGESTP_HEADERS = (
    "sys/types.h",
    "sys/param.h",
    "sys/lock.h",
    "sys/mutex.h",
    "sys/_task.h",
    "sys/callout.h",
    "net/bridgestp.h",
)
SIGNAL_HEADERS = ("signal.h", "sys/_sigset.h")
TERMIOS_HEADERS = ("termios.h", "sys/ttydefaults.h")
SYSV_HEADERS = ("sys/types.h", "sys/ipc.h", "sys/shm.h", "sys/sem.h", "sys/msg.h")
UMTX_HEADERS = ("sys/types.h", "sys/umtx.h", "sys/thr.h", "sys/rtprio.h")
EVENT_HEADERS = ("sys/types.h", "sys/event.h")
NETIF_HEADERS = (
    "stddef.h",
    "sys/types.h",
    "sys/ioccom.h",
    "sys/socket.h",
    "sys/sockio.h",
    "net/if.h",
    "net/if_dl.h",
    "net/if_media.h",
    "net/ethernet.h",
    "net/route.h",
    "netinet/in.h",
    "netinet/ip6.h",
    "netinet6/in6_var.h",
    "netinet6/nd6.h",
)
SECCOMP_HEADERS = ("linux/seccomp.h", "linux/filter.h", "linux/audit.h", "asm/unistd.h")

FREEBSD_TYPES = ("sys/types.h", "sys/param.h")
NETLINK_FREEBSD_HEADERS = (
    "sys/types.h",
    "sys/socket.h",
    "net/if.h",
    "net/if_types.h",
    "net/route.h",
    "netinet/in.h",
    "netinet6/in6_var.h",
    "netlink/netlink.h",
    "netlink/netlink_route.h",
)
NETLINK_LINUX_HEADERS = (
    "stddef.h",
    "sys/socket.h",
    "linux/netlink.h",
    "linux/rtnetlink.h",
    "linux/if_link.h",
    "linux/if_addr.h",
    "linux/if.h",
    "linux/if_arp.h",
)


def _netlink_shared() -> dict[str, int]:
    """The netlink numbers FreeBSD kept Linux's for (both sides check them)."""
    from bsdulator.abi import netlink as N

    return {
        **N.NLMSG_TYPES,
        **N.RTM_TYPES,
        **N.NLM_FLAGS,
        **N.NLMSGERR_ATTRS,
        **N.NLA_FLAGS,
        **N.NETLINK_SIZES,
        **N.IFLA_ATTRS,
        **N.IFA_ATTRS,
        **N.RTA_ATTRS,
        **N.RTN_TYPES,
        **N.RTPROT,
        "NLMSG_ALIGNTO": N.NLMSG_ALIGNTO,
        "IFLA_INFO_KIND": N.IFLA_INFO_KIND,
    }


def _netlink_freebsd() -> dict[str, int]:
    from bsdulator.abi import netlink as N

    return {
        **_netlink_shared(),
        **N.FREEBSD_NETLINK_PROTOCOLS,
        **N.FREEBSD_NETLINK_OPTIONS,
        **N.FREEBSD_IFF,
        **N.FREEBSD_IFT,
        **N.FREEBSD_RTA_EXTRA,
        **N.FREEBSD_RT_TABLE,
        **N.FREEBSD_RTF,
        "SOL_NETLINK": N.FREEBSD_SOL_NETLINK,
        "IFLA_FREEBSD": N.FREEBSD_IFLA_FREEBSD,
        "IFA_FREEBSD": N.FREEBSD_IFA_FREEBSD,
        "IFAF_FLAGS": N.FREEBSD_IFAF_FLAGS,
        "RTM_F_PREFIX": N.FREEBSD_RTM_F_PREFIX,
        **N.FREEBSD_IN6_IFF,
        "sizeof(struct rtnl_link_stats64)": N.FREEBSD_LINK_STATS64_SIZE,
        "sizeof(((struct rtvia *)0)->rtvia_family)": N.FREEBSD_RTVIA_FAMILY_SIZE,
    }


def _netlink_linux() -> dict[str, int]:
    from bsdulator.abi import netlink as N

    return {
        **_netlink_shared(),
        **N.LINUX_NETLINK_PROTOCOLS,
        **N.LINUX_NETLINK_OPTIONS,
        **N.LINUX_IFF,
        **N.LINUX_ARPHRD,
        **N.LINUX_RT_TABLE,
        **N.LINUX_IFA_F,
        "SOL_NETLINK": N.LINUX_SOL_NETLINK,
        "RTM_F_FIB_MATCH": N.LINUX_RTM_F_FIB_MATCH,
        "sizeof(((struct rtvia *)0)->rtvia_family)": N.LINUX_RTVIA_FAMILY_SIZE,
        "offsetof(struct sockaddr_nl, nl_pid)": N.LINUX_SOCKADDR_NL_PID,
    }


FREEBSD_VALUES = [
    F("abi.errno.FREEBSD_ERRNO | abi.errno.FREEBSD_ERRNO_ALIASES", "sys/errno.h"),
    F("abi.errno.FREEBSD_KERNEL_ERRNO", "sys/errno.h", defines=("_KERNEL",)),
    F("abi.flags.FREEBSD_O_FLAGS", "fcntl.h"),
    F("abi.flags.FREEBSD_AT_FLAGS", "fcntl.h"),
    F("abi.flags.FREEBSD_FCNTL_COMMANDS", "fcntl.h"),
    F("abi.flags.FREEBSD_FD_FLAGS", "fcntl.h"),
    F("abi.flags.FREEBSD_FILE_FLAGS", "fcntl.h"),
    F("abi.flags.FREEBSD_FLOCK_TYPES", "fcntl.h"),
    F("abi.flags.FREEBSD_LOCK_OPS", "fcntl.h"),
    F("abi.flags.FREEBSD_ACCESS_MODES", "unistd.h"),
    F("abi.flags.FREEBSD_SEEK_WHENCE", "unistd.h"),
    F("abi.flags.FREEBSD_FILE_TYPES", "sys/stat.h"),
    F("abi.flags.FREEBSD_MODE_BITS", "sys/stat.h"),
    F("abi.flags.FREEBSD_UTIME_SPECIAL", "sys/stat.h"),
    F("abi.flags.FREEBSD_CHFLAGS", "sys/stat.h"),
    F("abi.flags.FREEBSD_MAP_FLAGS", "sys/mman.h"),
    F("abi.flags.FREEBSD_MAP_ALIGNMENT", "sys/param.h", "sys/mman.h"),
    F("abi.flags.FREEBSD_PROT_FLAGS", "sys/mman.h"),
    F("abi.flags.FREEBSD_MADV_ADVICE", "sys/mman.h"),
    F("abi.flags.FREEBSD_MSYNC_FLAGS", "sys/mman.h"),
    F("abi.flags.FREEBSD_SOCK_TYPES", "sys/socket.h"),
    F("abi.flags.FREEBSD_SOCK_FLAGS", "sys/socket.h"),
    F("abi.flags.FREEBSD_ADDRESS_FAMILIES", "sys/socket.h"),
    F("abi.flags.FREEBSD_MSG_FLAGS", "sys/socket.h"),
    F("abi.flags.FREEBSD_SOCKET_LEVELS", "sys/socket.h"),
    F("abi.flags.FREEBSD_LOCAL_OPTIONS", "sys/socket.h", "sys/un.h"),
    F("abi.flags.FREEBSD_XUCRED", "sys/types.h", "sys/ucred.h"),
    F("abi.flags.FREEBSD_SO_OPTIONS", "sys/socket.h"),
    F("abi.flags.FREEBSD_SO_TS_CLOCKS", "sys/socket.h"),
    F("abi.flags.FREEBSD_SHUT_HOW", "sys/socket.h"),
    F("abi.flags.FREEBSD_IPPROTO", "netinet/in.h"),
    F("abi.net.FREEBSD_INADDR", "netinet/in.h"),
    F("abi.net.FREEBSD_IPPORT", "netinet/in.h"),
    F("abi.net.FREEBSD_TCP_STATES", "netinet/tcp_fsm.h"),
    F("abi.net.FREEBSD_DTYPES", "sys/types.h", "sys/file.h"),
    F("abi.net.FREEBSD_INP_VFLAGS", *PCB_HEADERS),
    F(
        "pcblist leaves",
        *PCB_HEADERS,
        "netinet/tcp.h",
        "netinet/tcp_var.h",
        "netinet/udp.h",
        "netinet/udp_var.h",
        "netinet/ip.h",
        "netinet/ip_icmp.h",
        "netinet/icmp_var.h",
        "netinet/igmp_var.h",
        values=table(
            "abi.net.FREEBSD_PCBLIST_OIDS | abi.net.FREEBSD_STATS_OIDS | abi.net.FREEBSD_IGMPSTAT"
            " | abi.net.FREEBSD_IPCTL_DEFTTL"
        )
        | constants({"TCP_CA_NAME_MAX": "abi.net.FREEBSD_TCP_CA_NAME_MAX"}),
    ),
    F("abi.flags.FREEBSD_IP_OPTIONS", "netinet/in.h"),
    F("abi.flags.FREEBSD_IPV6_OPTIONS", "netinet/in.h"),
    F("abi.flags.FREEBSD_ICMP6_OPTIONS", "sys/types.h", "netinet/in.h"),
    F("abi.flags.FREEBSD_IPV6_MMTU", "sys/types.h", "netinet/in.h", "netinet/ip6.h"),
    F("abi.flags.FREEBSD_TCP_OPTIONS", "netinet/tcp.h"),
    F("abi.flags.FREEBSD_POLL_EVENTS", "poll.h"),
    F("abi.flags.FREEBSD_SELECT_LIMITS", "sys/select.h"),
    F("abi.flags.FREEBSD_WAIT_OPTIONS", "sys/wait.h"),
    F("abi.flags.FREEBSD_WAIT_IDS", "sys/wait.h"),
    F("abi.flags.FREEBSD_IDTYPES", "sys/wait.h", enum=True),
    F("abi.flags.FREEBSD_RFORK_FLAGS", "unistd.h"),
    F("abi.flags.FREEBSD_PROCDESC_FLAGS", "sys/types.h", "sys/procdesc.h"),
    F("abi.flags.FREEBSD_PROCCTL_COMMANDS", "sys/types.h", "sys/procctl.h"),
    F("abi.flags.FREEBSD_REAPER_FLAGS", "sys/types.h", "sys/procctl.h"),
    F("abi.flags.FREEBSD_PROC_TRACE_CTL", "sys/types.h", "sys/procctl.h"),
    F("abi.flags.FREEBSD_RLIMIT_RESOURCES", "sys/resource.h"),
    F("abi.flags.FREEBSD_RLIM", "sys/resource.h"),
    F("abi.flags.FREEBSD_RUSAGE_WHO", "sys/resource.h"),
    F("abi.flags.FREEBSD_PRIO_WHICH", "sys/resource.h"),
    F("abi.flags.FREEBSD_CLOCK_IDS", "time.h"),
    F("abi.flags.FREEBSD_TIMER_FLAGS", "time.h"),
    F("abi.flags.FREEBSD_ITIMER_WHICH", "sys/time.h"),
    F("abi.flags.FREEBSD_GRND_FLAGS", "sys/types.h", "sys/random.h"),
    F("abi.flags.FREEBSD_CLOSE_RANGE_FLAGS", "unistd.h"),
    F("abi.flags.FREEBSD_FD_NONE", "sys/types.h", "fcntl.h"),
    F("abi.flags.FREEBSD_SPACECTL", "sys/types.h", "fcntl.h"),
    F("abi.flags.FREEBSD_IN_INIT_FLAGS", "sys/types.h", "sys/inotify.h"),
    F("abi.flags.FREEBSD_IN_MASK", "sys/types.h", "sys/inotify.h"),
    F("abi.flags.FREEBSD_MEMBARRIER_CMDS", "sys/membarrier.h", enum=True),
    F("abi.flags.FREEBSD_SPECIALFD", "sys/types.h", "sys/specialfd.h", enum=True),
    F("abi.flags.FREEBSD_EFD_FLAGS", "sys/types.h", "sys/eventfd.h"),
    F("abi.ipc.FREEBSD_IPC_FLAGS", *SYSV_HEADERS),
    F("abi.ipc.FREEBSD_IPC_CMDS", *SYSV_HEADERS),
    F("abi.flags.FREEBSD_TFD_FLAGS", "sys/types.h", "fcntl.h", "sys/timerfd.h"),
    F(
        "abi.flags.FREEBSD_CPU_LEVELS | abi.flags.FREEBSD_CPU_WHICH"
        " | abi.flags.FREEBSD_CPU_MAXSIZE",
        "sys/types.h",
        "sys/param.h",
        "sys/cpuset.h",
    ),
    F("abi.ioctls.FREEBSD_IOCTLS", *IOCTL_HEADERS),
    *(
        F(f"abi.netif_write.{name}", *NETIF_WRITE_HEADERS)
        for name in (
            "FREEBSD_SIOCS",
            "FREEBSD_IF",
            "FREEBSD_BRDG",
            "FREEBSD_NETIF_LAYOUT",
            "FREEBSD_SOCKADDR_LAYOUT",
            "FREEBSD_IN_CLASS_NET",
        )
    ),
    F("abi.netif_write.FREEBSD_BSTP", *BRIDGESTP_HEADERS, defines=("_KERNEL",)),
    F(
        "abi.jail.FREEBSD_JAIL | abi.jail.FREEBSD_JAIL_KERNEL",
        "sys/param.h",
        "sys/jail.h",
        defines=("_KERNEL",),
        differs=JAIL_14_WIDENED,
    ),
    F(
        "abi.kinfo (FreeBSD constants)",
        *KINFO_HEADERS,
        values=_kinfo_freebsd(),
        differs=KINFO_14_CHANGED,
        absent={
            "CCPU": "a scheduler variable, not a macro (sched_4bsd.c ccpu); test_abi_kinfo has it",
            "NO_PID": "kernel-only (sys/sys/proc.h under _KERNEL)",
        },
    ),
    *(
        F(f"abi.kqueue.{name}", *EVENT_HEADERS)
        for name in (
            "FREEBSD_EVFILTERS",
            "FREEBSD_EV_FLAGS",
            "FREEBSD_NOTE_USER",
            "FREEBSD_NOTE_RW",
            "FREEBSD_NOTE_VNODE",
            "FREEBSD_NOTE_PROC",
            "FREEBSD_NOTE_TIMER",
            "FREEBSD_KQUEUE_FLAGS",
        )
    ),
    F("abi.auxv.FREEBSD_AT", "sys/types.h", "sys/elf_common.h"),
    F(
        "abi.auxv ELF markers",
        "sys/types.h",
        "sys/elf_common.h",
        "sys/elf64.h",
        values=constants(
            {
                "ELFOSABI_FREEBSD": "abi.auxv.ELFOSABI_FREEBSD",
                "NT_FREEBSD_ABI_TAG": "abi.auxv.NT_FREEBSD_ABI_TAG",
                "sizeof(Elf64_Ehdr)": "abi.auxv.ELF64_EHDR_SIZE",
                "sizeof(Elf64_Phdr)": "abi.auxv.ELF64_PHDR_SIZE",
            }
        ),
    ),
    F("abi.pathconf.FREEBSD_PC", "unistd.h"),
    F(
        "abi.route message layout",
        "stddef.h",
        "sys/types.h",
        "sys/socket.h",
        "net/if.h",
        "net/if_dl.h",
        "net/route.h",
        "netinet/in.h",
        values=constants({"RTAX_MAX": "abi.route.RTAX_MAX"}) | table("abi.route.SIZES"),
    ),
    F("abi.mount.FREEBSD_MNT | abi.mount.FREEBSD_VFCF", "sys/types.h", "sys/mount.h"),
    F("abi.extattr.FREEBSD_EXTATTR_NAMESPACE", "sys/types.h", "sys/extattr.h"),
    F(
        "syscalls.machdep sysarch operations",
        "sys/types.h",
        "machine/sysarch.h",
        values=constants(
            {
                op: f"syscalls.machdep.{op}"
                for op in (
                    "AMD64_GET_FSBASE",
                    "AMD64_SET_FSBASE",
                    "AMD64_GET_GSBASE",
                    "AMD64_SET_GSBASE",
                )
            }
        ),
    ),
    F("abi.signals.FREEBSD_MCONTEXT", "sys/types.h", "ucontext.h"),
    F("abi.signals.FREEBSD_SIGEV", "sys/types.h", "signal.h"),
    F(
        "abi.vm.VM_MAXUSER_ADDRESS_LA48",
        "sys/types.h",
        "sys/param.h",
        "vm/vm.h",
        "vm/pmap.h",
        "machine/vmparam.h",
        values=constants({"VM_MAXUSER_ADDRESS_LA48": "abi.vm.VM_MAXUSER_ADDRESS_LA48"}),
    ),
    *(
        F(f"abi.signals.{name}", *SIGNAL_HEADERS)
        for name in (
            "FREEBSD_SIGNALS",
            "FREEBSD_SIGNAL_ALIASES",
            "FREEBSD_SIGNAL_LIMITS",
            "FREEBSD_SIGQUEUE_FLAGS",
            "FREEBSD_SIGPROCMASK_HOW",
            "FREEBSD_SA_FLAGS",
            "FREEBSD_SS_FLAGS",
            "FREEBSD_SIGSTACK_SIZES",
            "FREEBSD_SI_CODES",
            "FREEBSD_ILL_CODES",
            "FREEBSD_FPE_CODES",
            "FREEBSD_SEGV_CODES",
            "FREEBSD_BUS_CODES",
            "FREEBSD_TRAP_CODES",
            "FREEBSD_CLD_CODES",
            "FREEBSD_POLL_CODES",
        )
    ),
    F(
        "abi.structs statfs versions",
        "sys/types.h",
        "sys/mount.h",
        defines=("_WANT_FREEBSD11_STATFS",),
        values=constants(
            {
                "STATFS_VERSION": "abi.structs.STATFS_VERSION",
                "FREEBSD11_STATFS_VERSION": "abi.structs.FREEBSD11_STATFS_VERSION",
            }
        ),
    ),
    *(
        F(f"abi.termios.{name}", *TERMIOS_HEADERS)
        for name in (
            "FREEBSD_TERMIOS",
            "FREEBSD_IFLAGS",
            "FREEBSD_OFLAGS",
            "FREEBSD_CFLAGS",
            "FREEBSD_LFLAGS",
            "FREEBSD_CC_INDEX",
            "FREEBSD_SPEEDS",
        )
    ),
    *(
        F(f"abi.umtx.{name}", *UMTX_HEADERS)
        for name in (
            "FREEBSD_UMTX_OPS",
            "FREEBSD_UMTX_OP_FLAGS",
            "FREEBSD_UMTX_VALUES",
            "FREEBSD_THR_FLAGS",
            "FREEBSD_RTPRIO",
        )
    ),
    F("abi.umtx.FREEBSD_SCHED_POLICY", "sys/types.h", "sched.h"),
    # What the handlers once spelled as literals (tests/test_abi_literals.py keeps them out).
    F(
        "abi.limits.FREEBSD_LIMITS",
        *FREEBSD_TYPES,
        "sys/syslimits.h",
        "limits.h",
        "unistd.h",
        "stdio.h",
        "machine/endian.h",
    ),
    F("abi.limits.SOCKADDR_STORAGE_SIZE", *FREEBSD_TYPES, "sys/socket.h"),
    F("abi.machine.FREEBSD_PAGE_SIZES", *FREEBSD_TYPES, "machine/param.h"),
    F("abi.machine.FREEBSD_PSL", *FREEBSD_TYPES, "machine/psl.h"),
    F("abi.machine.FREEBSD_SYSARCH", *FREEBSD_TYPES, "machine/sysarch.h"),
    F("abi.elf.ELF_IDENT | abi.elf.ELF_NUMBERS", *FREEBSD_TYPES, "sys/elf_common.h", "sys/elf64.h"),
    F("abi.devices.FREEBSD_FNV", *FREEBSD_TYPES, "sys/fnv_hash.h"),
    F("abi.ioctls.FREEBSD_D_TYPES", *FREEBSD_TYPES, "sys/conf.h"),
    F("abi.flags.FREEBSD_INHERIT", *FREEBSD_TYPES, "sys/mman.h"),
    F("abi.flags.FREEBSD_WAIT_STATUS", *FREEBSD_TYPES, "sys/wait.h"),
    F("abi.termios.FREEBSD_TERMIOS_SIZE", *FREEBSD_TYPES, "termios.h"),
    F("abi.vm.FREEBSD_VM_PROT", *FREEBSD_TYPES, "vm/vm.h"),
    F("abi.flags.FREEBSD_CMSG", *FREEBSD_TYPES, "sys/socket.h"),
    F("abi.flags.ICMP6_FILTER_SIZE", *FREEBSD_TYPES, "netinet/in.h", "netinet/icmp6.h"),
    F(
        "MAXMODNAME",
        "sys/param.h",
        "sys/module.h",
        values=constants(
            {"MAXMODNAME": "abi.kld.MAXMODNAME", "MAXMODNAMEV1V2": "abi.kld.MAXMODNAMEV1V2"}
        ),
    ),
    F("abi.kld.LINKER_UNLOAD_FLAGS", "sys/param.h", "sys/linker.h"),
    F("abi.netlink (FreeBSD)", *NETLINK_FREEBSD_HEADERS, enum=True, values=_netlink_freebsd()),
    *(
        F(f"abi.netif.{name}", *NETIF_HEADERS)
        for name in (
            "FREEBSD_NET_RT",
            "FREEBSD_RTM",
            "FREEBSD_RTAX",
            "FREEBSD_RTA",
            "FREEBSD_LINK_STATE",
            "FREEBSD_ND6_IFF",
            "FREEBSD_NETIF_SIZES",
            "FREEBSD_SIOCG",
            "FREEBSD_IOCPARM",
            "FREEBSD_IFM",
        )
    ),
    F(
        "abi.netif.FREEBSD_ND6_DEFAULTS",
        *NETIF_HEADERS,
        absent={
            "REACHABLE_TIME": "netinet6/nd6.h: under _KERNEL (30000 ms, nd6.h of 14.x)",
            "RETRANS_TIMER": "netinet6/nd6.h: under _KERNEL (1000 ms, nd6.h of 14.x)",
        },
    ),
    F(
        "abi.netif constants",
        *NETIF_HEADERS,
        values=constants(
            {
                "PF_ROUTE": "abi.netif.FREEBSD_PF_ROUTE",
                "AF_MAX": "abi.netif.FREEBSD_AF_MAX",
                "IFNAMSIZ": "abi.netif.FREEBSD_IFNAMSIZ",
                "ETHER_HDR_LEN": "abi.netif.FREEBSD_ETHER_HDR_LEN",
            }
        ),
    ),
    # abi/sysinfo.py: kenv(2), ACLs, ntp, the statistics sysctls
    F("abi.sysinfo.FREEBSD_KENV", *FREEBSD_TYPES, "sys/kenv.h"),
    F("abi.sysinfo.FREEBSD_TIME_STATES", *FREEBSD_TYPES, "sys/time.h", "sys/timex.h"),
    F("abi.sysinfo.FREEBSD_CPUSTATES", *FREEBSD_TYPES, "sys/resource.h"),
    F(
        "abi.sysinfo versions and sizes",
        *FREEBSD_TYPES,
        "sys/time.h",
        "sys/timex.h",
        "sys/resource.h",
        "sys/uuid.h",
        "sys/devicestat.h",
        "sys/bus.h",
        "vm/vm_param.h",
        "machine/param.h",
        values=constants(
            {
                "XSWDEV_VERSION": "abi.sysinfo.XSWDEV_VERSION",
                "DEVSTAT_VERSION": "abi.sysinfo.DEVSTAT_VERSION",
                "BUS_USER_VERSION": "abi.sysinfo.BUS_USER_VERSION",
                "VM_LOADAVG": "abi.sysinfo.VM_LOADAVG",
                "sizeof(struct ntptimeval)": "abi.sysinfo.NTPTIMEVAL_SIZE",
                "sizeof(struct timex)": "abi.sysinfo.TIMEX_SIZE",
                "sizeof(struct loadavg)": "abi.sysinfo.LOADAVG_SIZE",
                "sizeof(struct xswdev)": "abi.sysinfo.XSWDEV_SIZE",
                "sizeof(struct u_businfo)": "abi.sysinfo.BUSINFO_SIZE",
                "sizeof(struct uuid)": "abi.sysinfo.UUID_SIZE",
            }
        ),
    ),
]

# Kernel UAPI headers where they define the group (they carry the syscall ABI: O_LARGEFILE
# is 0 in glibc's <fcntl.h>); glibc's where the kernel exports nothing for userland.
LINUX_VALUES = [
    L("abi.capabilities.LINUX_CAPS", "linux/capability.h"),
    L("abi.capabilities.LINUX_CAPABILITY_VERSION", "linux/capability.h"),
    L("abi.capabilities.LINUX_PRCTL_CAPS", "linux/prctl.h"),
    L("abi.errno.LINUX_ERRNO | abi.errno.LINUX_ERRNO_ALIASES", "errno.h", python=errno),
    L(
        "abi.flags.LINUX_O_FLAGS",
        "asm/fcntl.h",
        spelling={"O_ASYNC": "FASYNC"},
        python=os,
        python_skip=frozenset({"O_LARGEFILE"}),
    ),  # glibc's is 0 on x86_64; the kernel's is what F_GETFL shows
    L("abi.flags.LINUX_AT_FLAGS", "linux/fcntl.h"),
    L("abi.flags.LINUX_FCNTL_COMMANDS", "asm/fcntl.h", "linux/fcntl.h"),
    L("abi.flags.LINUX_FD_FLAGS", "asm/fcntl.h"),
    L("abi.flags.LINUX_FLOCK_TYPES", "asm/fcntl.h"),
    L("abi.flags.LINUX_LOCK_OPS", "asm/fcntl.h"),
    L("abi.flags.LINUX_ACCESS_MODES", "unistd.h", python=os),
    L("abi.flags.LINUX_SEEK_WHENCE", "linux/fs.h", python=os),
    L("abi.flags.LINUX_INODE_FLAGS | abi.flags.LINUX_INODE_FLAG_IOCTLS", "linux/fs.h"),
    L("abi.flags.LINUX_FILE_TYPES", "sys/stat.h"),
    L("abi.flags.LINUX_MODE_BITS", "sys/stat.h"),
    L("abi.flags.LINUX_UTIME_SPECIAL", "sys/stat.h"),
    L("abi.flags.LINUX_MAP_FLAGS", "asm/mman.h", "linux/mman.h", python=mmap),
    L("abi.flags.LINUX_PROT_FLAGS", "asm/mman.h", python=mmap),
    L("abi.flags.LINUX_MADV_ADVICE", "asm/mman.h", python=mmap),
    L("abi.flags.LINUX_MSYNC_FLAGS", "asm/mman.h"),
    L("abi.flags.LINUX_SOCK_TYPES", "sys/socket.h", python=socket),
    L("abi.flags.LINUX_SOCK_FLAGS", "sys/socket.h", python=socket),
    L("abi.flags.LINUX_ADDRESS_FAMILIES", "sys/socket.h", python=socket),
    L("abi.flags.LINUX_MSG_FLAGS", "sys/socket.h", python=socket),
    L("abi.flags.LINUX_SOCKET_LEVELS", "asm/socket.h"),
    L("abi.flags.LINUX_SO_OPTIONS", "asm/socket.h", python=socket),
    L("abi.flags.LINUX_SHUT_HOW", "sys/socket.h"),
    L("abi.flags.LINUX_IPPROTO", "netinet/in.h", python=socket),
    L("abi.flags.LINUX_IP_OPTIONS", "netinet/in.h", python=socket),
    L("abi.flags.LINUX_IP_PMTUDISC", "linux/in.h"),
    L("abi.flags.LINUX_IPV6_OPTIONS", "netinet/in.h", python=socket),
    L("abi.flags.LINUX_ICMPV6_OPTIONS", "linux/icmpv6.h"),
    L("abi.flags.LINUX_TCP_OPTIONS", "netinet/tcp.h", python=socket),
    L("abi.flags.LINUX_POLL_EVENTS", "asm/poll.h", python=select),
    L("abi.flags.LINUX_WAIT_OPTIONS", "linux/wait.h", python=os),
    L("abi.flags.LINUX_IDTYPES", "linux/wait.h", python=os),
    L("abi.flags.LINUX_CLONE_FLAGS", "linux/sched.h"),
    L("abi.flags.LINUX_RLIMIT_RESOURCES", "asm/resource.h"),
    L("abi.flags.LINUX_RLIM", "asm/resource.h"),
    L("abi.flags.LINUX_RUSAGE_WHO", "linux/resource.h"),
    L("abi.flags.LINUX_PRIO_WHICH", "linux/resource.h", python=os),
    L("abi.flags.LINUX_CLOCK_IDS", "linux/time.h"),
    L("abi.flags.LINUX_TIMER_FLAGS", "linux/time.h"),
    L("abi.flags.LINUX_ITIMER_WHICH", "linux/time.h"),
    L("abi.flags.LINUX_GRND_FLAGS", "linux/random.h"),
    L("abi.flags.LINUX_CLOSE_RANGE_FLAGS", "linux/close_range.h"),
    L("abi.signals.LINUX_SIGEV", "signal.h"),
    L("abi.flags.LINUX_EFD_FLAGS", "sys/eventfd.h"),
    L("abi.flags.LINUX_FALLOC_FLAGS", "linux/falloc.h"),
    L("abi.flags.LINUX_IN_INIT_FLAGS", "sys/inotify.h"),
    L("abi.flags.LINUX_IN_MASK", "sys/inotify.h"),
    L("abi.flags.LINUX_MEMBARRIER_CMDS", "linux/membarrier.h", enum=True),
    L("abi.ipc.LINUX_IPC_FLAGS", *SYSV_HEADERS),
    L("abi.ipc.LINUX_IPC_CMDS", *SYSV_HEADERS),
    L("abi.flags.LINUX_TFD_FLAGS", "sys/timerfd.h"),
    # asm/termios.h brings termbits.h and ioctls.h
    L(
        "abi.ioctls.LINUX_IOCTLS",
        "asm/termios.h",
        "asm/sockios.h",
        python=python_termios,
        python_at_least=21,
    ),
    L(
        "abi.kinfo Linux numbers",
        "linux/sched.h",
        "linux/major.h",
        values=constants(
            {
                "SCHED_FIFO": "abi.kinfo.LINUX_SCHED_FIFO",
                "SCHED_RR": "abi.kinfo.LINUX_SCHED_RR",
                "SCHED_IDLE": "abi.kinfo.LINUX_SCHED_IDLE",
                "UNIX98_PTY_SLAVE_MAJOR": "abi.kinfo.LINUX_UNIX98_PTY_SLAVE_MAJOR",
                "UNIX98_PTY_MAJOR_COUNT": "abi.kinfo.LINUX_UNIX98_PTY_MAJOR_COUNT",
            }
        ),
    ),
    L("abi.kqueue.LINUX_EPOLL", "sys/epoll.h"),
    L("abi.kqueue.LINUX_TIMERFD", "sys/timerfd.h"),
    L("abi.kqueue.LINUX_SIGNALFD", "sys/signalfd.h"),
    L("abi.kqueue.LINUX_INOTIFY", "sys/inotify.h"),
    L("abi.kqueue.LINUX_BUFFER_QUERIES", "sys/ioctl.h", "linux/fcntl.h"),
    L("abi.kqueue.LINUX_KCMP", "linux/kcmp.h", enum=True),
    L("abi.route.LINUX_RTMGRP", "linux/rtnetlink.h"),
    L("abi.route.LINUX_RTN", "linux/rtnetlink.h", enum=True),
    L("abi.auxv.LINUX_AT", "elf.h"),
    L(
        "syscalls.machdep arch_prctl codes",
        "asm/prctl.h",
        values=constants(
            {
                code: f"syscalls.machdep.{code}"
                for code in ("ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS", "ARCH_GET_GS")
            }
        ),
    ),
    L(
        "abi.signals.LINUX_SIGNALS",
        "linux/signal.h",
        python=signal,
        python_at_least=len(table("abi.signals.LINUX_SIGNALS")),
    ),  # Python's signal module has every one of them
    *(
        L(f"abi.signals.{name}", "linux/signal.h")
        for name in (
            "LINUX_SIGPROCMASK_HOW",
            "LINUX_SA_FLAGS",
            "LINUX_SS_FLAGS",
            "LINUX_SIGSTACK_SIZES",
            "LINUX_SI_CODES",
            "LINUX_ILL_CODES",
            "LINUX_FPE_CODES",
            "LINUX_SEGV_CODES",
            "LINUX_BUS_CODES",
            "LINUX_TRAP_CODES",
            "LINUX_CLD_CODES",
            "LINUX_POLL_CODES",
        )
    ),
    L(
        "abi.signals.LINUX_SIGNAL_LIMITS",
        "linux/signal.h",
        absent={
            "SIGRTMAX": "UAPI spells it as the kernel-private _NSIG; test_abi_signals has glibc's"
        },
    ),
    L(
        "abi.termios.LINUX_TERMIOS",
        "asm/termbits.h",
        absent={
            "_POSIX_VDISABLE": "the kernel's __DISABLED_CHAR is private; glibc's unistd.h row below"
        },
    ),
    L(
        "abi.termios.LINUX_TERMIOS[_POSIX_VDISABLE]",
        "unistd.h",
        values={"_POSIX_VDISABLE": table("abi.termios.LINUX_TERMIOS")["_POSIX_VDISABLE"]},
    ),
    *(
        L(f"abi.termios.{name}", "asm/termbits.h", python=python_termios)
        for name in (
            "LINUX_IFLAGS",
            "LINUX_OFLAGS",
            "LINUX_CFLAGS",
            "LINUX_LFLAGS",
            "LINUX_CC_INDEX",
            "LINUX_SPEEDS",
        )
    ),
    *(
        L(f"abi.seccomp.{name}", *SECCOMP_HEADERS)
        for name in ("LINUX_SECCOMP", "LINUX_BPF", "LINUX_AUDIT_ARCH", "LINUX_X32_SYSCALL_BIT")
    ),
    L("abi.umtx.LINUX_FUTEX", "linux/futex.h"),
    L("abi.umtx.LINUX_CLONE_THREAD_FLAGS", "linux/sched.h"),
    L("abi.umtx.LINUX_PRCTL", "linux/prctl.h"),
    # What the handlers once spelled as literals (tests/test_abi_literals.py keeps them out).
    L("abi.ptrace.LINUX_PTRACE_REQUESTS", "linux/ptrace.h"),
    L("abi.ptrace.LINUX_NT", "linux/elf.h"),
    L("abi.ptrace.LINUX_PTRACE_OPTIONS", "linux/ptrace.h"),
    L("abi.ptrace.LINUX_PTRACE_EVENTS", "linux/ptrace.h"),
    L("abi.ptrace.LINUX_PTRACE_SIZES", "signal.h", "sys/user.h"),
    L("abi.ptrace.LINUX_WAIT", "linux/wait.h"),
    L("abi.ptrace.LINUX_PRCTL_PROCESS", "linux/prctl.h"),
    L("abi.mount.LINUX_MS", "linux/mount.h"),
    L("abi.mount.LINUX_UMOUNT", "sys/mount.h"),
    L("abi.machine.LINUX_ARCH_PRCTL", "asm/prctl.h"),
    L("abi.elf.ELF_IDENT | abi.elf.ELF_NUMBERS", "elf.h"),
    L("abi.termios.LINUX_TERMIOS_SIZE", "asm/termbits.h"),
    L("abi.termios.LINUX_TC_ACTIONS", "asm/termbits.h"),
    L("abi.limits.SOCKADDR_STORAGE_SIZE", "sys/socket.h"),
    L("abi.flags.LINUX_CMSG", "sys/socket.h"),
    L("abi.flags.ICMP6_FILTER_SIZE", "linux/icmpv6.h"),
    L(
        "HOST_NAME_MAX",
        "limits.h",
        values=constants({"HOST_NAME_MAX": "abi.limits.LINUX_HOST_NAME_MAX"}),
    ),
    L("PATH_MAX", "linux/limits.h", values=constants({"PATH_MAX": "abi.limits.LINUX_PATH_MAX"})),
    L("abi.net.LINUX_NET", "linux/if.h"),
    L("abi.net.LINUX_TCP_STATES", "netinet/tcp.h", enum=True),
    L("abi.netlink.LINUX_UDIAG_SHOW", "linux/unix_diag.h"),
    L("abi.netlink (Linux)", *NETLINK_LINUX_HEADERS, enum=True, values=_netlink_linux()),
    L("abi.sysinfo.FREEBSD_TIME_STATES", "sys/timex.h"),
    L(
        "struct timex (abi.sysinfo.LINUX_TIMEX_OFFSETS)",
        "stddef.h",
        "sys/timex.h",
        values={
            "sizeof(struct timex)": __import__("bsdulator.abi.sysinfo").abi.sysinfo.LINUX_TIMEX_SIZE
        }
        | {
            f"offsetof(struct timex, {name})": offset
            for name, offset in table("abi.sysinfo.LINUX_TIMEX_OFFSETS").items()
        },
    ),
]

# Groups whose FreeBSD table claims every macro of a prefix.
COMPLETE = [
    Complete(
        "abi.errno.FREEBSD_ERRNO | abi.errno.FREEBSD_ERRNO_ALIASES", ("sys/errno.h",), r"E[A-Z0-9]+"
    ),
    Complete("abi.flags.FREEBSD_O_FLAGS", ("fcntl.h",), r"O_\w+"),
    Complete("abi.flags.FREEBSD_AT_FLAGS", ("fcntl.h",), r"AT_\w+"),
    Complete(
        "abi.flags.FREEBSD_MAP_FLAGS | abi.flags.FREEBSD_MAP_ALIGNMENT",
        ("sys/mman.h",),
        r"MAP_\w+",
        others=frozenset({"MAP_FAILED"}),
    ),
    Complete("abi.flags.FREEBSD_MADV_ADVICE", ("sys/mman.h",), r"MADV_\w+"),
    Complete(
        "abi.flags.FREEBSD_SOCK_TYPES | abi.flags.FREEBSD_SOCK_FLAGS",
        ("sys/socket.h",),
        r"SOCK_\w+",
        others=frozenset({"SOCK_MAXADDRLEN"}),
    ),
    Complete("abi.flags.FREEBSD_MSG_FLAGS", ("sys/socket.h",), r"MSG_\w+"),
    Complete(
        "abi.flags.FREEBSD_ADDRESS_FAMILIES",
        ("sys/socket.h",),
        r"(AF_(?!VENDOR)|pseudo_AF_)\w+",
        others=frozenset({"AF_MAX"}),
    ),
    Complete(
        "abi.flags.FREEBSD_POLL_EVENTS",
        ("poll.h",),
        r"POLL[A-Z]+",
        others=frozenset({"POLLSTANDARD"}),
    ),
    Complete(
        "abi.flags.FREEBSD_WAIT_OPTIONS",
        ("sys/wait.h",),
        r"W[A-Z]+",
        others=frozenset({"WCOREFLAG"}),
    ),
    Complete(
        "abi.flags.FREEBSD_RFORK_FLAGS",
        ("unistd.h",),
        r"RF[A-Z]+",
        others=frozenset({"RFFLAGS", "RFKERNELONLY"}),
    ),
    Complete("abi.flags.FREEBSD_RLIMIT_RESOURCES", ("sys/resource.h",), r"RLIMIT_\w+"),
    Complete("abi.flags.FREEBSD_CLOCK_IDS", ("time.h",), r"CLOCK_[A-Z_]+"),
    Complete("abi.ioctls.FREEBSD_IOCTLS", ("sys/ttycom.h", "sys/filio.h"), r"(TIOC|FIO)[A-Z0-9]+"),
    # SIGSTKSZ is a stack size (FREEBSD_SIGSTACK_SIZES), not a signal.
    Complete(
        "abi.signals.FREEBSD_SIGNALS | abi.signals.FREEBSD_SIGNAL_ALIASES"
        " | abi.signals.FREEBSD_SIGNAL_LIMITS",
        SIGNAL_HEADERS,
        r"SIG[A-Z0-9]+",
        others=frozenset({"SIGSTKSZ"}),
    ),
    Complete("abi.termios.FREEBSD_CC_INDEX", ("termios.h",), r"V[A-Z0-9]+"),
    Complete("abi.termios.FREEBSD_SPEEDS", ("termios.h",), r"B\d+"),
]
