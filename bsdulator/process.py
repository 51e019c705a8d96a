"""Per-process and per-thread state of traced FreeBSD programs (no globals)."""

from dataclasses import dataclass, field

from . import procfs, ptrace
from .abi.flags import FREEBSD_PROC_TRACE_CTL
from .abi.signals import FREEBSD_SS_FLAGS
from .memory import Memory
from .native._native import lib

SS_DISABLE = FREEBSD_SS_FLAGS["SS_DISABLE"]
TRACE_DISABLE_EXEC = FREEBSD_PROC_TRACE_CTL["PROC_TRACE_CTL_DISABLE_EXEC"]


def effective_uid(pid: int) -> int:
    """A traced process's effective uid, as the kernel checks it."""
    return procfs.status(pid).euid


def ns_pids(pid: int) -> list[int] | None:
    """pid's numbers in each PID namespace it is in, the host's first (/proc's NSpid);
    None once it is gone."""
    try:
        numbers = procfs.status(pid).nspid
    except OSError:
        return None
    return numbers or [pid]


@dataclass
class SigAction:
    """A FreeBSD sigaction as the program set it (FreeBSD numbers, FreeBSD sa_flags)."""

    handler: int = 0  # SIG_DFL 0, SIG_IGN 1, or an address
    flags: int = 0
    mask: bytes = bytes(16)


@dataclass
class Process:
    pid: int
    ppid: int
    mem: Memory
    sigactions: dict[int, SigAction] = field(default_factory=dict)
    usrstack: int = 0
    ps_strings: int = 0
    sigcode: int = 0  # address of the signal return trampoline in this image
    # the image's __FreeBSD_version from its ABI note (p_osrel): what compat decisions go by
    osrel: int = 0
    jail: object = None  # the jail this process belongs to, if any
    login: str | None = None  # setlogin(2)'s name; None: the invoking user's (syscalls/proc.py)
    loginclass: str = "default"  # setloginclass(2)'s, the credential's (proc0's is "default")
    threads: set = field(default_factory=set)
    proxy: object = None  # set when this process only stands in for a jail_attach child
    warned: set = field(default_factory=set)  # missing calls already reported: once per process
    # syscalls/kqueue's Registry, made by the first kqueue(2); a fork child starts with none
    kqueues: object = None
    cpuset: int = 0  # cpuset(2)'s set id; 0 until the supervisor gives the default set's
    reaper: bool = False  # procctl(PROC_REAP_ACQUIRE); not inherited, as FreeBSD's P_TREE_REAPER
    notrace: int = 0  # PROC_TRACE_CTL's DISABLE or DISABLE_EXEC state; 0: tracing allowed
    reapsubtree: int = 0  # p_reapsubtree: the child of its reaper it descends from (0: itself)

    def fork(self, pid: int) -> "Process":
        """The child's state: FreeBSD fork copies dispositions, jail and image facts."""
        return Process(
            pid,
            self.pid,
            Memory(pid),
            {s: SigAction(a.handler, a.flags, a.mask) for s, a in self.sigactions.items()},
            self.usrstack,
            self.ps_strings,
            self.sigcode,
            self.osrel,
            self.jail,
            self.login,
            cpuset=self.cpuset,
            notrace=self.notrace,
            reapsubtree=pid if self.reaper else self.reapsubtree or self.pid,
            loginclass=self.loginclass,
        )

    def exec_reset(self) -> None:
        """execve: handlers revert to default; ignored signals stay ignored (POSIX)."""
        self.mem.close()
        self.mem = Memory(self.pid)
        self.sigcode = 0
        self.sigactions = {s: a for s, a in self.sigactions.items() if a.handler == 1}
        if self.notrace == TRACE_DISABLE_EXEC:  # P2_NOTRACE_EXEC: tracing back on at exec
            self.notrace = 0


class Thread:
    __slots__ = (
        "tid",
        "proc",
        "regs",
        "_call",
        "in_syscall",
        "fresh",
        "start",
        "altstack",
        "suspend_mask",
        "name",
        "exiting",
        "deferred",
        "resume_ip",
        "tlsbase",
    )

    def __init__(self, tid: int, proc: Process, fresh: bool = False):
        self.tid = tid
        self.proc = proc
        self.regs = ptrace.new_regs()
        self._call = None
        self.in_syscall = False
        self.fresh = fresh  # created by fork/clone: its first stop is the attach SIGSTOP
        self.start = None  # start(regs) at that stop, if its creator's call decides them
        self.altstack = (0, 0, SS_DISABLE)  # sigaltstack(2): (sp, size, FreeBSD flags)
        self.suspend_mask = (
            None  # the mask sigsuspend(2) replaced, restored by the handler's return
        )
        self.name = ""  # thr_set_name(2)'s, up to MAXCOMLEN
        self.tlsbase = None  # sysarch(AMD64_SET_TLSBASE)'s, None until one is set
        self.exiting = False  # in thr_exit(2): gone as far as the program can tell
        self.deferred = []  # Linux siginfos of caught signals that came while a call was half done
        self.resume_ip = 0  # a new child's rip: its creator's call returns there

    def forked_from(self, parent: "Thread") -> None:
        """A fork child's thread copies its creator's: do_fork keeps the alternate signal stack,
        cpu_fork the pcb (the TLS base sysarch set)."""
        self.altstack = parent.altstack
        self.tlsbase = parent.tlsbase

    @property
    def call(self):
        """The FreeBSD syscall in flight (engine.Call); while there is one, the C fast
        path hands this thread's stops to Python."""
        return self._call

    @call.setter
    def call(self, value) -> None:
        if (value is None) != (self._call is None):
            lib.bsdu_own(self.tid, int(value is not None))
        self._call = value
