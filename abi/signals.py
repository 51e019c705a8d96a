"""Signal numbers, sigaction/sigaltstack flags and siginfo codes of FreeBSD (sys/signal.h) and
Linux x86_64 (asm/signal.h, asm-generic/siginfo.h)."""

# FreeBSD sys/signal.h, canonical names; aliases below.
FREEBSD_SIGNALS = {
    "SIGHUP": 1,
    "SIGINT": 2,
    "SIGQUIT": 3,
    "SIGILL": 4,
    "SIGTRAP": 5,
    "SIGABRT": 6,
    "SIGEMT": 7,
    "SIGFPE": 8,
    "SIGKILL": 9,
    "SIGBUS": 10,
    "SIGSEGV": 11,
    "SIGSYS": 12,
    "SIGPIPE": 13,
    "SIGALRM": 14,
    "SIGTERM": 15,
    "SIGURG": 16,
    "SIGSTOP": 17,
    "SIGTSTP": 18,
    "SIGCONT": 19,
    "SIGCHLD": 20,
    "SIGTTIN": 21,
    "SIGTTOU": 22,
    "SIGIO": 23,
    "SIGXCPU": 24,
    "SIGXFSZ": 25,
    "SIGVTALRM": 26,
    "SIGPROF": 27,
    "SIGWINCH": 28,
    "SIGINFO": 29,
    "SIGUSR1": 30,
    "SIGUSR2": 31,
    "SIGTHR": 32,  # libthr's thread-interrupt signal
    "SIGLIBRT": 33,  # librt's timer/aio notification signal
}

FREEBSD_SIGNAL_ALIASES = {
    "SIGIOT": 6,
    "SIGLWP": 32,
}

FREEBSD_SIGNAL_LIMITS = {
    "NSIG": 32,  # old-style signals only
    "SIGRTMIN": 65,
    "SIGRTMAX": 126,
    "_SIG_MAXSIG": 128,  # sigset_t holds signals 1.._SIG_MAXSIG
    "_SIG_WORDS": 4,  # uint32 words in sigset_t
}

FREEBSD_SIGPROCMASK_HOW = {
    "SIG_BLOCK": 1,
    "SIG_UNBLOCK": 2,
    "SIG_SETMASK": 3,
}

# sigqueue(2)'s signal argument: high bits are flags (sys/signal.h).
FREEBSD_SIGQUEUE_FLAGS = {
    "__SIGQUEUE_TID": 0x80000000,  # the pid argument is a thread id of the caller's process
}

FREEBSD_SA_FLAGS = {
    "SA_ONSTACK": 0x0001,
    "SA_RESTART": 0x0002,
    "SA_RESETHAND": 0x0004,
    "SA_NOCLDSTOP": 0x0008,
    "SA_NODEFER": 0x0010,
    "SA_NOCLDWAIT": 0x0020,
    "SA_SIGINFO": 0x0040,
}

FREEBSD_SS_FLAGS = {
    "SS_ONSTACK": 0x0001,
    "SS_DISABLE": 0x0004,
}

FREEBSD_SIGSTACK_SIZES = {
    "MINSIGSTKSZ": 2048,  # amd64 __MINSIGSTKSZ
    "SIGSTKSZ": 34816,  # MINSIGSTKSZ + 32768
}

# si_code values not tied to one signal.
FREEBSD_SI_CODES = {
    "SI_NOINFO": 0,
    "SI_USER": 0x10001,
    "SI_QUEUE": 0x10002,
    "SI_TIMER": 0x10003,
    "SI_ASYNCIO": 0x10004,
    "SI_MESGQ": 0x10005,
    "SI_KERNEL": 0x10006,
    "SI_LWP": 0x10007,  # thr_kill(2), pthread_kill(3)
}

FREEBSD_ILL_CODES = {
    "ILL_ILLOPC": 1,
    "ILL_ILLOPN": 2,
    "ILL_ILLADR": 3,
    "ILL_ILLTRP": 4,
    "ILL_PRVOPC": 5,
    "ILL_PRVREG": 6,
    "ILL_COPROC": 7,
    "ILL_BADSTK": 8,
}

FREEBSD_FPE_CODES = {
    "FPE_INTOVF": 1,  # Linux has INTDIV first
    "FPE_INTDIV": 2,
    "FPE_FLTDIV": 3,
    "FPE_FLTOVF": 4,
    "FPE_FLTUND": 5,
    "FPE_FLTRES": 6,
    "FPE_FLTINV": 7,
    "FPE_FLTSUB": 8,
    "FPE_FLTIDO": 9,
}

FREEBSD_SEGV_CODES = {
    "SEGV_MAPERR": 1,
    "SEGV_ACCERR": 2,
    "SEGV_PKUERR": 100,
}

FREEBSD_BUS_CODES = {
    "BUS_ADRALN": 1,
    "BUS_ADRERR": 2,
    "BUS_OBJERR": 3,
    "BUS_OOMERR": 100,
}

FREEBSD_TRAP_CODES = {
    "TRAP_BRKPT": 1,
    "TRAP_TRACE": 2,
    "TRAP_DTRACE": 3,
    "TRAP_CAP": 4,
}

FREEBSD_CLD_CODES = {
    "CLD_EXITED": 1,
    "CLD_KILLED": 2,
    "CLD_DUMPED": 3,
    "CLD_TRAPPED": 4,
    "CLD_STOPPED": 5,
    "CLD_CONTINUED": 6,
}

FREEBSD_POLL_CODES = {
    "POLL_IN": 1,
    "POLL_OUT": 2,
    "POLL_MSG": 3,
    "POLL_ERR": 4,
    "POLL_PRI": 5,
    "POLL_HUP": 6,
}

# Linux x86_64 asm/signal.h, canonical names (SIGIOT, SIGPOLL, SIGUNUSED are aliases).
LINUX_SIGNALS = {
    "SIGHUP": 1,
    "SIGINT": 2,
    "SIGQUIT": 3,
    "SIGILL": 4,
    "SIGTRAP": 5,
    "SIGABRT": 6,
    "SIGBUS": 7,
    "SIGFPE": 8,
    "SIGKILL": 9,
    "SIGUSR1": 10,
    "SIGSEGV": 11,
    "SIGUSR2": 12,
    "SIGPIPE": 13,
    "SIGALRM": 14,
    "SIGTERM": 15,
    "SIGSTKFLT": 16,
    "SIGCHLD": 17,
    "SIGCONT": 18,
    "SIGSTOP": 19,
    "SIGTSTP": 20,
    "SIGTTIN": 21,
    "SIGTTOU": 22,
    "SIGURG": 23,
    "SIGXCPU": 24,
    "SIGXFSZ": 25,
    "SIGVTALRM": 26,
    "SIGPROF": 27,
    "SIGWINCH": 28,
    "SIGIO": 29,
    "SIGPWR": 30,
    "SIGSYS": 31,
}

LINUX_SIGNAL_LIMITS = {
    "SIGRTMIN": 32,  # the kernel's; glibc keeps 32 and 33 and says 34
    "SIGRTMAX": 64,  # = _NSIG: the kernel's sigset is one 64-bit word
}

LINUX_SIGPROCMASK_HOW = {
    "SIG_BLOCK": 0,
    "SIG_UNBLOCK": 1,
    "SIG_SETMASK": 2,
}

LINUX_SA_FLAGS = {
    "SA_NOCLDSTOP": 0x00000001,
    "SA_NOCLDWAIT": 0x00000002,
    "SA_SIGINFO": 0x00000004,
    "SA_RESTORER": 0x04000000,  # sa_restorer is set: x86_64 needs one
    "SA_ONSTACK": 0x08000000,
    "SA_RESTART": 0x10000000,
    "SA_NODEFER": 0x40000000,
    "SA_RESETHAND": 0x80000000,
}

LINUX_SS_FLAGS = {
    "SS_ONSTACK": 1,
    "SS_DISABLE": 2,
}

LINUX_SIGSTACK_SIZES = {
    "MINSIGSTKSZ": 2048,
    "SIGSTKSZ": 8192,
}

LINUX_SI_CODES = {
    "SI_USER": 0,
    "SI_KERNEL": 0x80,
    "SI_QUEUE": -1,
    "SI_TIMER": -2,
    "SI_MESGQ": -3,
    "SI_ASYNCIO": -4,
    "SI_SIGIO": -5,
    "SI_TKILL": -6,  # tkill/tgkill: FreeBSD's SI_LWP
    "SI_DETHREAD": -7,
    "SI_ASYNCNL": -60,
}

LINUX_ILL_CODES = {
    "ILL_ILLOPC": 1,
    "ILL_ILLOPN": 2,
    "ILL_ILLADR": 3,
    "ILL_ILLTRP": 4,
    "ILL_PRVOPC": 5,
    "ILL_PRVREG": 6,
    "ILL_COPROC": 7,
    "ILL_BADSTK": 8,
    "ILL_BADIADDR": 9,
}

LINUX_FPE_CODES = {
    "FPE_INTDIV": 1,
    "FPE_INTOVF": 2,
    "FPE_FLTDIV": 3,
    "FPE_FLTOVF": 4,
    "FPE_FLTUND": 5,
    "FPE_FLTRES": 6,
    "FPE_FLTINV": 7,
    "FPE_FLTSUB": 8,
    "FPE_FLTUNK": 14,
    "FPE_CONDTRAP": 15,
}

LINUX_SEGV_CODES = {
    "SEGV_MAPERR": 1,
    "SEGV_ACCERR": 2,
    "SEGV_BNDERR": 3,
    "SEGV_PKUERR": 4,
}

LINUX_BUS_CODES = {
    "BUS_ADRALN": 1,
    "BUS_ADRERR": 2,
    "BUS_OBJERR": 3,
    "BUS_MCEERR_AR": 4,
    "BUS_MCEERR_AO": 5,
}

LINUX_TRAP_CODES = {
    "TRAP_BRKPT": 1,
    "TRAP_TRACE": 2,
    "TRAP_BRANCH": 3,
    "TRAP_HWBKPT": 4,
    "TRAP_UNK": 5,
}

LINUX_CLD_CODES = {
    "CLD_EXITED": 1,
    "CLD_KILLED": 2,
    "CLD_DUMPED": 3,
    "CLD_TRAPPED": 4,
    "CLD_STOPPED": 5,
    "CLD_CONTINUED": 6,
}

LINUX_POLL_CODES = {
    "POLL_IN": 1,
    "POLL_OUT": 2,
    "POLL_MSG": 3,
    "POLL_ERR": 4,
    "POLL_PRI": 5,
    "POLL_HUP": 6,
}

# bsdulator's own choice, not an ABI fact: where FreeBSD signals without a Linux twin
# travel as Linux real-time signals. Linux 32 and 33 are skipped because glibc
# reserves them, so a glibc program we run beside the tracee never sees them.
LINUX_SIGNAL_FOR_FREEBSD_ONLY = {
    "SIGEMT": 34,
    "SIGINFO": 35,
    "SIGTHR": 36,
    "SIGLIBRT": 37,
}

# FreeBSD SIGRTMIN + i travels as Linux signal 38 + i, up to Linux SIGRTMAX (64):
# FreeBSD 65..91 are deliverable, 92..126 have no Linux carrier.
LINUX_SIGNAL_FOR_FREEBSD_SIGRTMIN = 38

# mcontext_t bookkeeping (<machine/ucontext.h>): how a signal frame's FPU state and segment
# registers are marked.
FREEBSD_MCONTEXT = {
    "_MC_HASSEGS": 0x1,
    "_MC_HASBASES": 0x2,
    "_MC_FPFMT_NODEV": 0x10000,
    "_MC_FPFMT_XMM": 0x10002,
    "_MC_FPOWNED_NONE": 0x20000,
    "_MC_FPOWNED_FPU": 0x20001,
    "_MC_FPOWNED_PCB": 0x20002,
}

# FreeBSD signal.h: the sa_handler values that are no handler (pointer casts of these numbers).
FREEBSD_SIG_HANDLERS = {"SIG_DFL": 0, "SIG_IGN": 1}

# <sys/signal.h>: how a timer or message queue notifies (struct sigevent's sigev_notify).
FREEBSD_SIGEV = {
    "SIGEV_NONE": 0,
    "SIGEV_SIGNAL": 1,
    "SIGEV_THREAD": 2,
    "SIGEV_KEVENT": 3,
    "SIGEV_THREAD_ID": 4,
}
LINUX_SIGEV = {"SIGEV_SIGNAL": 0, "SIGEV_NONE": 1, "SIGEV_THREAD": 2, "SIGEV_THREAD_ID": 4}
