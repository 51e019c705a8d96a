"""Process identity, lifetime and resources."""

import os
import struct

from bsdulator import ptrace, structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_IDTYPES,
    FREEBSD_RFORK_FLAGS,
    FREEBSD_RLIMIT_RESOURCES,
    FREEBSD_WAIT_IDS,
    FREEBSD_WAIT_OPTIONS,
    FREEBSD_WAIT_STATUS,
    LINUX_CLONE_FLAGS,
    LINUX_WAIT_OPTIONS,
)
from bsdulator.abi.kinfo import RLIM_NLIMITS
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS, FREEBSD_LIMITS, LINUX_NICE
from bsdulator.abi.machine import RED_ZONE
from bsdulator.abi.signals import FREEBSD_CLD_CODES, FREEBSD_SIGNAL_LIMITS, FREEBSD_SIGNALS
from bsdulator.engine import CF, Fork, SetRegs, check, inject, lx, s32, signed
from bsdulator.errors import FreeBSDError
from bsdulator.process import SigAction
from bsdulator.syscalls.signal import GADGET_OFFSET, SIG_DFL, SIG_IGN, freebsd_siginfo
from bsdulator.table import Entry, Support, handler, native

for _name, _linux in [
    ("getpid", None),
    ("getppid", None),
    ("getuid", None),
    ("geteuid", None),
    ("getgid", None),
    ("getegid", None),
    ("getgroups", None),
    ("setgroups", None),
    ("setuid", None),
    ("setgid", None),
    ("setreuid", None),
    ("setregid", None),
    ("setresuid", None),
    ("setresgid", None),
    ("getresuid", None),
    ("getresgid", None),
    ("getpgrp", None),
    ("setpgid", None),
    ("setsid", None),
    ("getsid", None),
    ("getpgid", None),
    ("_exit", "exit_group"),
    ("vfork", None),
    ("setpriority", None),
]:
    native(_name, _linux)

EINVAL = FREEBSD_ERRNO["EINVAL"]
SIG_MAXSIG = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
UINT_MAX = 0xFFFFFFFF  # close_range's "to the last descriptor"
# what the Linux call's arguments overwrite; FreeBSD's syscall leaves them as they were
ARGUMENT_REGISTERS = ("rdi", "rsi", "r10", "r8", "r9")
LINUX_WALL = LINUX_WAIT_OPTIONS["__WALL"]
LINUX_WAIT_EVENTS = (
    LINUX_WAIT_OPTIONS["WEXITED"]
    | LINUX_WAIT_OPTIONS["WSTOPPED"]
    | LINUX_WAIT_OPTIONS["WCONTINUED"]
)
KEEP = 0xFFFFFFFF  # (uid_t)-1: leave this id as it is


@handler("seteuid", Support.TRANSLATED, "setresuid(-1, euid, -1)")
def sys_seteuid(call, euid):
    """Implements FreeBSD seteuid(2)."""
    return check((yield lx.setresuid(KEEP, euid, KEEP)))


@handler("setegid", Support.TRANSLATED, "setresgid(-1, egid, -1)")
def sys_setegid(call, egid):
    """Implements FreeBSD setegid(2)."""
    return check((yield lx.setresgid(KEEP, egid, KEEP)))


@handler("fork", Support.TRANSLATED, "rdx = 0 in the parent, 1 in the child (FreeBSD convention)")
def sys_fork(call):
    """Implements FreeBSD fork(2)."""
    pid = check((yield lx.fork()))
    return pid, 0


RF = FREEBSD_RFORK_FLAGS
CLONE = LINUX_CLONE_FLAGS
RFTSIGSHIFT, RFTSIGMASK = RF["RFTSIGSHIFT"], RF["RFTSIGMASK"]
RFTSIGBITS = RFTSIGMASK << RFTSIGSHIFT
# sys/unistd.h's RFKERNELONLY and RFFLAGS
RF_KERNEL_ONLY = RF["RFSTOPPED"] | RF["RFHIGHPID"] | RF["RFPROCDESC"]
RF_KNOWN = RF_KERNEL_ONLY | RF["RFPPWAIT"]
for _name in (
    "RFFDG",
    "RFPROC",
    "RFMEM",
    "RFNOWAIT",
    "RFCFDG",
    "RFTHREAD",
    "RFSIGSHARE",
    "RFLINUXTHPN",
    "RFTSIGZMB",
):
    RF_KNOWN |= RF[_name]
# What sys_rfork turns RFSPAWN into (vfork's flags; kern_fork.c)
RF_SPAWN_AS = RF["RFFDG"] | RF["RFPROC"] | RF["RFPPWAIT"] | RF["RFMEM"]


def _rfork_exit_signal(flags: int) -> int:
    """The Linux exit signal of an rfork child: RFTSIGZMB's (0: none), RFLINUXTHPN's SIGUSR1,
    else SIGCHLD (do_fork's p_sigparent)."""
    if flags & RF["RFTSIGZMB"]:
        fsig = (flags >> RFTSIGSHIFT) & RFTSIGMASK
        return translate.signal_to_linux(fsig) or 0 if fsig else 0
    name = "SIGUSR1" if flags & RF["RFLINUXTHPN"] else "SIGCHLD"
    return translate.signal_to_linux(FREEBSD_SIGNALS[name])


@handler(
    "rfork",
    Support.PARTIAL,
    "RFCFDG, RFSIGSHARE and RFNOWAIT with RFPROC (ENOSYS); RFTHREAD's peer list (no effect)",
)
def sys_rfork(call, flags):
    """Implements FreeBSD rfork(2): RFPROC children are Linux clones sharing what the flags
    share (RFMEM: CLONE_VM, no RFFDG: CLONE_FILES, RFPPWAIT: CLONE_VFORK)."""
    flags &= 0xFFFFFFFF
    if flags & RF_KERNEL_ONLY:
        raise FreeBSDError(EINVAL, f"kernel-only rfork flags {flags & RF_KERNEL_ONLY:#x}")
    if flags & RF["RFSPAWN"]:
        if flags != RF["RFSPAWN"]:
            raise FreeBSDError(EINVAL, "RFSPAWN with other flags")
        flags = RF_SPAWN_AS
    # fork1's checks, in its order
    if flags & ~(RF_KNOWN | RFTSIGBITS):
        raise FreeBSDError(EINVAL, f"rfork flags {flags & ~(RF_KNOWN | RFTSIGBITS):#x}")
    if flags & RFTSIGBITS and not flags & RF["RFTSIGZMB"]:
        raise FreeBSDError(EINVAL, "a signal number without RFTSIGZMB")
    if flags & RF["RFFDG"] and flags & RF["RFCFDG"]:
        raise FreeBSDError(EINVAL, "RFFDG with RFCFDG")
    if flags & RF["RFTSIGZMB"] and (flags >> RFTSIGSHIFT) & RFTSIGMASK > SIG_MAXSIG:
        raise FreeBSDError(EINVAL, "RFTSIGZMB signal out of range")
    if not flags & RF["RFPROC"]:  # fork_norfproc: the caller's own descriptor table changes
        if flags & (RF["RFFDG"] | RF["RFCFDG"]):
            check((yield lx.unshare(CLONE["CLONE_FILES"])))
        if flags & RF["RFCFDG"]:
            check((yield lx.close_range(0, UINT_MAX, 0)))
        return 0, 0
    for name in ("RFCFDG", "RFSIGSHARE", "RFNOWAIT"):
        if flags & RF[name]:
            raise call.sup.missing(call, name)
    clone = _rfork_exit_signal(flags)
    if flags & RF["RFMEM"]:
        clone |= CLONE["CLONE_VM"]
    if not flags & RF["RFFDG"]:
        clone |= CLONE["CLONE_FILES"]
    if flags & RF["RFPPWAIT"]:
        clone |= CLONE["CLONE_VFORK"]
    adopted = _returns_from(call, spawn=flags == RF_SPAWN_AS)
    pid = check((yield Fork(lx.clone(clone, 0, 0, 0, 0), adopted)))
    return pid, 0


def _returns_from(call, spawn: bool):
    """The child's start: FreeBSD's child return (rax 0, rdx 1, CF clear) with the caller's
    other registers as the syscall left them, not the Linux clone's arguments (rfork_thread
    finds its new stack in rsi).  An RFSPAWN child also drops its caught signals' handlers
    (FR2_DROPSIG_CAUGHT): SIG_DFL for FreeBSD and, through calls it makes at once, for Linux."""
    saved, sup = call.saved, call.sup

    def adopted(child):
        def start(regs):
            for name in ARGUMENT_REGISTERS:
                setattr(regs, name, getattr(saved, name))
            regs.rax, regs.rdx = 0, 1
            regs.eflags &= ~CF
            if spawn:
                _drop_caught(sup, child, regs)

        child.start = start

    return adopted


SPAWN_RESET = Entry(-1, "<rfork RFSPAWN: caught signals to SIG_DFL>", "", (), Support.EMULATED)
LINUX_SIGACTION_SIZE = structs.sizeof("linux_sigaction")


def _drop_caught(sup, child, regs) -> None:
    proc = child.proc
    caught = [s for s, a in proc.sigactions.items() if a.handler not in (SIG_DFL, SIG_IGN)]
    if not caught:
        return
    for sig in caught:
        proc.sigactions[sig] = SigAction()
    # below the red zone of the stack it shares with its parent, which waits in the kernel
    default = (regs.rsp - RED_ZONE - LINUX_SIGACTION_SIZE) & ~15
    proc.mem.write(default, bytes(LINUX_SIGACTION_SIZE))  # SIG_DFL, no flags, empty mask

    def reset():
        for sig in caught:
            linux = translate.signal_to_linux(sig)
            if linux is not None:
                yield lx.rt_sigaction(linux, default, 0, 8)
        return SetRegs(lambda regs: None)  # the child's start registers, as they were

    inject(sup, child, SPAWN_RESET, reset(), proc.sigcode + GADGET_OFFSET)


NGROUPS_MAX = FREEBSD_LIMITS["NGROUPS_MAX"]  # as kern.ngroups reports


@handler("freebsd14_getgroups", Support.TRANSLATED, "FreeBSD <15 lists the effective gid first")
def sys_freebsd14_getgroups(call, gidsetsize, gidset):
    """Implements FreeBSD 14 getgroups(2): cr_groups[0] is the egid, then the supplementary
    groups."""
    size = s32(gidsetsize)
    if size < 0:
        raise FreeBSDError(EINVAL)
    tmp = call.alloc(4 * NGROUPS_MAX)
    n = check((yield lx.getgroups(NGROUPS_MAX, tmp)))
    egid = check((yield lx.getegid()))
    groups = list(struct.unpack(f"<{n}I", call.mem.read(tmp, 4 * n)))
    if egid in groups:
        groups.remove(egid)
    groups.insert(0, egid)
    if size == 0:
        return len(groups)
    if size < len(groups):
        raise FreeBSDError(EINVAL)
    call.mem.write(gidset, struct.pack(f"<{len(groups)}I", *groups))
    return len(groups)


@handler("freebsd14_setgroups", Support.TRANSLATED, "FreeBSD <15 takes the effective gid first")
def sys_freebsd14_setgroups(call, gidsetsize, gidset):
    """Implements FreeBSD 14 setgroups(2): the first entry becomes the egid."""
    size = s32(gidsetsize)
    if not 0 <= size <= NGROUPS_MAX + 1:
        raise FreeBSDError(EINVAL)
    if size == 0:
        return check((yield lx.setgroups(0, 0)))
    groups = struct.unpack(f"<{size}I", call.mem.read(gidset, 4 * size))
    check((yield lx.setresgid(KEEP, groups[0], KEEP)))
    return check((yield lx.setgroups(size - 1, gidset + 4)))


@handler("getpriority", Support.TRANSLATED, "Linux's raw syscall returns 20 - nice")
def sys_getpriority(call, which, who):
    """Implements FreeBSD getpriority(2)."""
    return LINUX_NICE["MAX_NICE"] + 1 - check((yield lx.getpriority(s32(which), s32(who))))


@handler("issetugid", Support.EMULATED, "no set-id images exist under bsdulator")
def sys_issetugid(call):
    """Implements FreeBSD issetugid(2)."""
    return 0


def _linux_wstatus_to_freebsd(status: int) -> int:
    """A wait status word with the signal numbers FreeBSD uses."""
    low = status & 0x7F
    if low == 0:  # exited
        return status
    if low == 0x7F:  # stopped: signal in bits 8-15
        sig = translate.signal_to_freebsd((status >> 8) & 0xFF) or 0
        return (sig << 8) | 0x7F
    if status == 0xFFFF:  # continued (Linux) -> FreeBSD's WIFCONTINUED status, SIGCONT
        return FREEBSD_SIGNALS["SIGCONT"]
    sig = translate.signal_to_freebsd(low) or low
    # killed; the core flag is kept (Linux's is the same bit)
    return sig | (status & FREEBSD_WAIT_STATUS["WCOREFLAG"])


@handler("wait4", Support.TRANSLATED, "status word and options translated")
def sys_wait4(call, pid, status_addr, options, rusage):
    """Implements FreeBSD wait4(2)."""
    tmp = call.alloc(8) if status_addr else 0
    linux_options = translate.WAIT_OPTIONS.to_linux(options)
    if s32(pid) > 0:  # FreeBSD reaps a pdfork child named by its pid; Linux needs __WALL for it
        linux_options |= LINUX_WALL
    r = check((yield lx.wait4(s32(pid), tmp, linux_options, rusage)))
    if status_addr and r > 0:
        st = struct.unpack("<i", call.mem.read(tmp, 4))[0]
        call.mem.write(status_addr, struct.pack("<i", _linux_wstatus_to_freebsd(st)))
    return r


ESRCH = FREEBSD_ERRNO["ESRCH"]


WO = FREEBSD_WAIT_OPTIONS
# kern_wait6: options it knows, and the events one of which must be asked for
WAIT6_OPTIONS = (
    WO["WUNTRACED"]
    | WO["WNOHANG"]
    | WO["WCONTINUED"]
    | WO["WNOWAIT"]
    | WO["WEXITED"]
    | WO["WTRAPPED"]
    | WO["WLINUXCLONE"]
)
WAIT6_EVENTS = WO["WEXITED"] | WO["WUNTRACED"] | WO["WCONTINUED"] | WO["WTRAPPED"]
IDTYPE = FREEBSD_IDTYPES
CLD = FREEBSD_CLD_CODES
WRUSAGE = structs.sizeof("__wrusage")
SIGINFO = structs.sizeof("siginfo_t")
ECHILD = FREEBSD_ERRNO["ECHILD"]
WAIT_MYPGRP = FREEBSD_WAIT_IDS["WAIT_MYPGRP"]


def _status_from_siginfo(code: int, st: int) -> int:
    """The FreeBSD wait status word a CLD_* siginfo stands for (FreeBSD signal numbers)."""
    if code == CLD["CLD_EXITED"]:
        return (st & 0xFF) << 8
    if code == CLD["CLD_KILLED"]:
        return st
    if code == CLD["CLD_DUMPED"]:
        return st | FREEBSD_WAIT_STATUS["WCOREFLAG"]
    if code == CLD["CLD_CONTINUED"]:
        return FREEBSD_SIGNALS["SIGCONT"]
    return (st << 8) | 0x7F  # stopped or trapped


@handler(
    "wait6",
    Support.PARTIAL,
    "idtypes P_SID, P_UID, P_GID, P_JAILID (ENOSYS); WTRAPPED alone (ENOSYS: no child is "
    "ptraced by a FreeBSD program); wru_children is zero",
)
def sys_wait6(call, idtype, ident, status_addr, options, wrusage, info):
    """Implements FreeBSD wait6(2) on Linux waitid: the status word is rebuilt from the siginfo,
    wru_self is waitid's rusage."""
    idtype, options = s32(idtype), options & 0xFFFFFFFF
    if options & ~WAIT6_OPTIONS or not options & WAIT6_EVENTS:
        raise FreeBSDError(EINVAL, f"wait6 options {options:#x}")
    ident = signed(ident)
    if idtype in (IDTYPE[n] for n in ("P_SID", "P_UID", "P_GID", "P_JAILID")):
        raise call.sup.missing(call, f"idtype {idtype}")
    linux_options = translate.WAIT_OPTIONS.to_linux(options & ~WO["WTRAPPED"])
    if not linux_options & LINUX_WAIT_EVENTS:
        raise call.sup.missing(call, "WTRAPPED alone")
    if options & WO["WLINUXCLONE"]:  # children whose exit signal is not SIGCHLD
        linux_options |= LINUX_WAIT_OPTIONS["__WCLONE"]
    if s32(ident) == WAIT_MYPGRP and idtype in (IDTYPE["P_PID"], IDTYPE["P_PGID"]):
        idtype, ident = IDTYPE["P_PGID"], check((yield lx.getpgid(0)))
    linux_idtype = translate.WAIT_IDTYPES.to_linux(idtype)
    # Other idtypes match no child (proc_to_reap), nor does a negative id: ECHILD, where
    # Linux's waitid would say EINVAL.
    if linux_idtype is None or (idtype != IDTYPE["P_ALL"] and ident <= 0):
        raise FreeBSDError(ECHILD)
    if idtype == IDTYPE["P_PID"]:  # a pdfork child by its pid, as wait4 does
        linux_options |= LINUX_WALL
    raw = call.alloc(ptrace.SIGINFO_SIZE)
    call.mem.write(raw, bytes(ptrace.SIGINFO_SIZE))
    usage = call.alloc(WRUSAGE)
    call.mem.write(usage, bytes(WRUSAGE))
    check((yield lx.waitid(linux_idtype, ident, raw, linux_options, usage)))
    siginfo, code, _addr = freebsd_siginfo(
        FREEBSD_SIGNALS["SIGCHLD"], call.mem.read(raw, ptrace.SIGINFO_SIZE)
    )
    fields = structs.unpack("siginfo_t", siginfo)
    pid = fields["si_pid"]
    if not pid:  # WNOHANG, nothing to report: sys_wait6 copies out a zeroed siginfo
        siginfo = bytes(SIGINFO)
    if status_addr and pid:  # sys_wait6 copies both out only when a child was found
        status = _status_from_siginfo(code, fields["si_status"])
        call.mem.write(status_addr, struct.pack("<i", status))
    if wrusage and pid:
        call.mem.write(wrusage, call.mem.read(usage, WRUSAGE))
    if info:
        call.mem.write(info, siginfo)
    return pid


@handler(
    "kill", Support.TRANSLATED, "signal numbers translated; a jailed caller reaches its jail only"
)
def sys_kill(call, pid, sig):
    """Implements FreeBSD kill(2)."""
    sig, pid = s32(sig), s32(pid)
    linux = translate.signal_to_linux(sig) if sig else 0
    if linux is None:
        raise FreeBSDError(EINVAL)
    if not call.proc.jail:
        return check((yield lx.kill(pid, linux)))
    targets = call.sup.jails.visible_targets(call.proc, pid)
    if not targets:
        raise FreeBSDError(ESRCH)
    errors = []
    for target in targets:  # numbered as the caller sees them, so the kernel checks its rights
        r = yield lx.kill(target, linux)
        if r < 0:
            errors.append(r)
    if len(errors) == len(targets):
        check(errors[0])
    return 0


# RLIM_INFINITY: FreeBSD's is INT64_MAX, Linux's UINT64_MAX.
FREEBSD_RLIM_INFINITY, LINUX_RLIM_INFINITY = (1 << 63) - 1, (1 << 64) - 1
RLIMIT_NOFILE = FREEBSD_RLIMIT_RESOURCES["RLIMIT_NOFILE"]
MAXFILESPERPROC = FREEBSD_KERNEL_DEFAULTS["maxfilesperproc"]
RLIMIT_GAP = (
    "FreeBSD-only limits (SBSIZE, NPTS, SWAP, KQUEUES, UMTXP) read as unlimited; "
    "setting one is checked and accepted, not kept"
)


def _rlim_to_freebsd(v: int) -> int:
    return FREEBSD_RLIM_INFINITY if v >= FREEBSD_RLIM_INFINITY else v


def _rlim_to_linux(v: int) -> int:
    return LINUX_RLIM_INFINITY if v >= FREEBSD_RLIM_INFINITY else v


def _resource(which: int) -> int | None:
    """The Linux resource for a FreeBSD one (None: FreeBSD-only); EINVAL past RLIM_NLIMITS (an
    unsigned compare, as sys_getrlimit and kern_proc_setrlimit make it)."""
    which &= 0xFFFFFFFF
    if which >= RLIM_NLIMITS:
        raise FreeBSDError(EINVAL, f"resource {which}")
    return translate.RLIMIT_RESOURCES.to_linux(which)


@handler("getrlimit", Support.PARTIAL, RLIMIT_GAP)
def sys_getrlimit(call, which, rlp):
    """Implements FreeBSD getrlimit(2)."""
    res = _resource(which)
    if res is None:
        call.mem.write(rlp, struct.pack("<QQ", FREEBSD_RLIM_INFINITY, FREEBSD_RLIM_INFINITY))
        return 0
    tmp = call.alloc(16)
    check((yield lx.prlimit64(0, res, 0, tmp)))
    cur, mx = struct.unpack("<QQ", call.mem.read(tmp, 16))
    call.mem.write(rlp, struct.pack("<QQ", _rlim_to_freebsd(cur), _rlim_to_freebsd(mx)))
    return 0


@handler("setrlimit", Support.PARTIAL, RLIMIT_GAP)
def sys_setrlimit(call, which, rlp):
    """Implements FreeBSD setrlimit(2) with kern_proc_setrlimit's rules: a negative value is
    RLIM_INFINITY, a soft limit above the hard one is lowered to it (Linux: EINVAL), descriptors
    are capped at kern.maxfilesperproc; raising the hard limit takes privilege (EPERM)."""
    res = _resource(which)
    cur, mx = (_rlim_to_freebsd(v) for v in struct.unpack("<QQ", call.mem.read(rlp, 16)))
    if which & 0xFFFFFFFF == RLIMIT_NOFILE:
        cur, mx = min(cur, MAXFILESPERPROC), min(mx, MAXFILESPERPROC)
    cur = min(cur, mx)
    if res is None:
        return 0
    tmp = call.alloc(16)
    call.mem.write(tmp, struct.pack("<QQ", _rlim_to_linux(cur), _rlim_to_linux(mx)))
    return check((yield lx.prlimit64(0, res, tmp, 0)))


native("getrusage", note="struct rusage has the same layout")


MAXLOGNAME = FREEBSD_LIMITS["MAXLOGNAME"]
EPERM, ERANGE, ENAMETOOLONG = (FREEBSD_ERRNO[n] for n in ("EPERM", "ERANGE", "ENAMETOOLONG"))
LOGIN_GAP = (
    "kept per process and inherited (setsid keeps it, as FreeBSD's session copy does); another "
    "process of the same session does not see a later setlogin"
)


class InitialLogin:
    """The login name the first session has: the invoking user's, as login(1) would have set
    it (the host's login uid, else the real uid), named by the FreeBSD root's /etc/passwd."""

    def __init__(self):
        self.name: str | None = None

    def get(self, root: str) -> str:
        if self.name is None:
            self.name = _user_name(root, _login_uid())
        return self.name


def _login_uid() -> int:
    try:
        with open("/proc/self/loginuid") as f:
            uid = int(f.read())
    except (OSError, ValueError):
        uid = KEEP
    return os.getuid() if uid == KEEP else uid


def _user_name(root: str, uid: int) -> str:
    try:
        with open(os.path.join(root, "etc/passwd"), errors="replace") as f:
            for line in f:
                fields = line.split(":")
                if len(fields) > 2 and not line.startswith("#") and fields[2] == str(uid):
                    return fields[0][: MAXLOGNAME - 1]
    except OSError:
        pass
    return ""


def login_name(sup, proc) -> str:
    """A process's session login name (ki_login too)."""
    if proc.login is None:
        return sup.state(InitialLogin).get(sup.root)
    return proc.login


@handler("getlogin", Support.PARTIAL, LOGIN_GAP)
def sys_getlogin(call, buf, size):
    """Implements FreeBSD getlogin(2): ERANGE when the name and its NUL do not fit in size
    (taken as at most MAXLOGNAME)."""
    size = min(size & 0xFFFFFFFF, MAXLOGNAME)
    name = login_name(call.sup, call.proc).encode() + b"\0"
    if len(name) > size:
        raise FreeBSDError(ERANGE, "login name longer than the buffer")
    call.mem.write(buf, name)
    return 0


@handler("setlogin", Support.PARTIAL, LOGIN_GAP)
def sys_setlogin(call, name):
    """Implements FreeBSD setlogin(2): root only (EPERM), a name of fewer than MAXLOGNAME bytes
    (EINVAL)."""
    if check((yield lx.geteuid())) != 0:
        raise FreeBSDError(EPERM, "setlogin needs root")
    try:
        raw = call.mem.read_cstr(name, MAXLOGNAME)  # copyinstr into char[MAXLOGNAME]
    except FreeBSDError as e:
        if e.errno == ENAMETOOLONG:
            raise FreeBSDError(EINVAL, "login name too long") from None
        raise
    if len(raw) >= MAXLOGNAME:  # no room for its NUL
        raise FreeBSDError(EINVAL, "login name too long")
    call.proc.login = raw.decode(errors="replace")
    return 0
