"""The kernel's half of the tracer's promises: a seccomp filter every FreeBSD process runs under,
and a second one every jailed process adds at jail_attach (jail_filter_bytes).

The supervisor sees every syscall entry first (ptrace), then the kernel runs this filter on
the call as the supervisor left it.  It lets through only:
- a call the supervisor cancelled (number -1: nothing runs);
- a call the supervisor decided to make: at every entry it lets run it sets the instruction
  pointer to SUPERVISED_IP and puts the real one back at the exit stop.  No `syscall`
  instruction can sit below that address (it is in the kernel's half), so a call that did not
  pass through the supervisor's entry handling (a traced process it lost track of, a process
  it does not trace) is refused;
- execve, from anywhere: the spawned child execs the FreeBSD program right after installing
  the filter, and execve keeps both the tracer and the filter, so it leads to nothing unseen;
- exit_group, from anywhere: ending is always allowed (the child reports a failed execve so).
Everything entered through another gate (int $0x80, sysenter, a `syscall` from a 32-bit code
segment: audit arch i386) or numbered for x32 kills the process with SIGSYS before the kernel
acts on it, whatever the supervisor made of it.  clone with CLONE_UNTRACED is refused, and
clone3 (flags in memory the filter cannot read) is ENOSYS, so no traced process ever starts
an untraced one.  The filter is inherited across fork, clone and exec and cannot be removed.
"""

import errno
import struct

from .abi.flags import LINUX_CLONE_FLAGS
from .abi.linux_syscalls import LINUX_NR
from .abi.seccomp import (
    LINUX_AUDIT_ARCH,
    LINUX_BPF,
    LINUX_SECCOMP,
    LINUX_X32_SYSCALL_BIT,
    SECCOMP_DATA_OFFSETS,
)

SUPERVISED_IP = 0xFFFFFFFFFFFF0002
ROW_SIZE = struct.calcsize("<HBBI")  # struct sock_filter
CANCELLED = 0xFFFFFFFF  # orig_rax = -1 as the filter's 32-bit nr

_LD = LINUX_BPF["BPF_LD"] | LINUX_BPF["BPF_W"] | LINUX_BPF["BPF_ABS"]
_JEQ = LINUX_BPF["BPF_JMP"] | LINUX_BPF["BPF_JEQ"] | LINUX_BPF["BPF_K"]
_JSET = LINUX_BPF["BPF_JMP"] | LINUX_BPF["BPF_JSET"] | LINUX_BPF["BPF_K"]
_RET = LINUX_BPF["BPF_RET"] | LINUX_BPF["BPF_K"]
_NR, _ARCH = SECCOMP_DATA_OFFSETS["nr"], SECCOMP_DATA_OFFSETS["arch"]
_IP_LO = SECCOMP_DATA_OFFSETS["instruction_pointer"]
_IP_HI = _IP_LO + 4
_ARG0_LO = SECCOMP_DATA_OFFSETS["args"]  # little-endian: the low word first

ALLOW = LINUX_SECCOMP["SECCOMP_RET_ALLOW"]
KILL = LINUX_SECCOMP["SECCOMP_RET_KILL_PROCESS"]


def _errno(code: int) -> int:
    return LINUX_SECCOMP["SECCOMP_RET_ERRNO"] | code


def _program() -> list[tuple[int, int, int, int]]:
    """(code, jt, jf, k) rows.  Jumps name a label; _assemble turns them into row counts."""
    x86_64 = LINUX_AUDIT_ARCH["AUDIT_ARCH_X86_64"]
    return _assemble(
        [
            (_LD, None, None, _NR),
            (_JEQ, "allow", None, CANCELLED),
            (_LD, None, None, _ARCH),
            (_JEQ, None, "kill", x86_64),  # a foreign gate
            (_LD, None, None, _NR),
            (_JSET, "kill", None, LINUX_X32_SYSCALL_BIT["__X32_SYSCALL_BIT"]),
            (_JEQ, "allow", None, LINUX_NR["execve"]),
            (_JEQ, "allow", None, LINUX_NR["exit_group"]),
            (_LD, None, None, _IP_HI),
            (_JEQ, None, "kill", SUPERVISED_IP >> 32),
            (_LD, None, None, _IP_LO),
            (_JEQ, None, "kill", SUPERVISED_IP & 0xFFFFFFFF),  # not made by the supervisor
            (_LD, None, None, _NR),
            (_JEQ, "clone", None, LINUX_NR["clone"]),
            (_JEQ, "enosys", "allow", LINUX_NR["clone3"]),
            "clone",
            (_LD, None, None, _ARG0_LO),  # clone's flags
            (_JSET, "eperm", "allow", LINUX_CLONE_FLAGS["CLONE_UNTRACED"]),
            "allow",
            (_RET, None, None, ALLOW),
            "kill",
            (_RET, None, None, KILL),
            "enosys",
            (_RET, None, None, _errno(errno.ENOSYS)),
            "eperm",
            (_RET, None, None, _errno(errno.EPERM)),
        ]
    )


def _assemble(source: list) -> list[tuple[int, int, int, int]]:
    """Resolve label operands (None: the next row) into classic BPF's forward offsets."""
    labels, rows = {}, []
    for item in source:
        if isinstance(item, str):
            labels[item] = len(rows)
        else:
            rows.append(item)

    def offset(here: int, target) -> int:
        skip = 0 if target is None else labels[target] - here - 1
        assert 0 <= skip <= 255, "classic BPF jumps only forward, by at most 255 rows"
        return skip

    return [(code, offset(i, jt), offset(i, jf), k) for i, (code, jt, jf, k) in enumerate(rows)]


def filter_bytes() -> bytes:
    """The filter as an array of struct sock_filter {u16 code; u8 jt, jf; u32 k}."""
    return _pack(_program())


# What a jailed process may not ask of Linux, whoever asks (prison_priv_check; FreeBSD's jails
# get mounts only through allow.mount.*, which the supervisor would carry out itself): file
# systems and swap, modules and kexec, port I/O, handles that open files by number past the
# jail's root, keys, BPF and perf, the clock and hostnames (the supervisor sets a jail's), and
# new namespaces or ptrace-like reach into other processes.  Capabilities dropped at attach
# cover many of these already; this holds also for CAP_SYS_ADMIN, which jails keep (setns of a
# nested attach needs it).
JAIL_DENIED = (
    "mount",
    "umount2",
    "pivot_root",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "swapon",
    "swapoff",
    "quotactl",
    "quotactl_fd",
    "acct",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "iopl",
    "ioperm",
    "open_by_handle_at",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "syslog",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "unshare",
    "ptrace",
    "process_vm_writev",
    "pidfd_getfd",
    "userfaultfd",
    "lookup_dcookie",
    "vhangup",
)
NEW_NAMESPACES = sum(
    LINUX_CLONE_FLAGS[f]
    for f in (
        "CLONE_NEWNS",
        "CLONE_NEWCGROUP",
        "CLONE_NEWUTS",
        "CLONE_NEWIPC",
        "CLONE_NEWUSER",
        "CLONE_NEWPID",
        "CLONE_NEWNET",
    )
)


def _jail_program() -> list[tuple[int, int, int, int]]:
    eperm = _errno(errno.EPERM)
    denied = [(_JEQ, "eperm", None, LINUX_NR[name]) for name in JAIL_DENIED]
    return _assemble(
        [
            (_LD, None, None, _NR),
            *denied,
            (_JEQ, None, "allow", LINUX_NR["clone"]),
            (_LD, None, None, _ARG0_LO),  # clone's flags
            (_JSET, "eperm", "allow", NEW_NAMESPACES),
            "allow",
            (_RET, None, None, ALLOW),
            "eperm",
            (_RET, None, None, eperm),
        ]
    )


def jail_filter_bytes() -> bytes:
    """The jail's filter, stacked on the first by jail_attach (syscalls/jail.py)."""
    return _pack(_jail_program())


def _pack(rows: list[tuple[int, int, int, int]]) -> bytes:
    return b"".join(struct.pack("<HBBI", *row) for row in rows)
