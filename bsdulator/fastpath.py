"""The C fast path's tables, built from the dispatch table and the translators."""

import errno

from . import engine, seccomp, translate
from .abi.errno import FREEBSD_ERRNO, LINUX_ERRNO, LINUX_KERNEL_RESTART
from .abi.linux_syscalls import LINUX_NR
from .abi.seccomp import LINUX_USER64_CS
from .abi.signals import FREEBSD_SIGNAL_LIMITS, FREEBSD_SIGPROCMASK_HOW, LINUX_SIGNAL_LIMITS
from .native._native import ffi, lib

KINDS = {"": lib.BSDU_PYTHON, "native": lib.BSDU_NATIVE, "sigprocmask": lib.BSDU_SIGPROCMASK}
FREEBSD_SIGMAX, LINUX_SIGMAX = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"], LINUX_SIGNAL_LIMITS["SIGRTMAX"]
# loop.h's order
RESTARTS = (
    "ERESTARTSYS",
    "ERESTARTNOINTR",
    "ERESTARTNOHAND",
    "ERESTART_RESTARTBLOCK",
)


class FastPath:
    """Owns the C structures (cffi frees them with this object)."""

    def __init__(self, table, enabled: bool, log=None):
        self.entries = ffi.new("struct bsdu_entry[]", len(table))
        for e in table:
            self.entries[e.nr].kind = KINDS[e.fast]
            self.entries[e.nr].linux_nr = e.linux_nr or 0
        linux_errnos = range(max(LINUX_ERRNO.values()) + 1)
        self.errno_map = ffi.new("int32_t[]", [translate.errno_to_freebsd(e) for e in linux_errnos])
        self.sig_to_linux = ffi.new(
            "uint8_t[]",
            [translate.signal_to_linux(s) or 0 if s else 0 for s in range(FREEBSD_SIGMAX + 1)],
        )
        self.sig_to_freebsd = ffi.new(
            "uint8_t[]",
            [translate.signal_to_freebsd(s) or 0 if s else 0 for s in range(LINUX_SIGMAX + 1)],
        )
        self.fast = ffi.new("struct bsdu_fast *")
        self.fast.table = self.entries
        self.fast.ntable = len(table)
        self.fast.enabled = int(enabled)
        self.fast.errno_map = self.errno_map
        self.fast.nerrno = len(self.errno_map)
        self.fast.sig_to_linux = self.sig_to_linux
        self.fast.sig_to_freebsd = self.sig_to_freebsd
        self.fast.supervised_ip = seccomp.SUPERVISED_IP
        self.fast.user64_cs = LINUX_USER64_CS
        self.fast.freebsd_sigmax, self.fast.linux_sigmax = FREEBSD_SIGMAX, LINUX_SIGMAX
        self.fast.carry_flag = engine.CF
        self.fast.linux_enosys, self.fast.linux_efault = errno.ENOSYS, errno.EFAULT
        self.fast.freebsd_einval = FREEBSD_ERRNO["EINVAL"]
        self.fast.nr_rt_sigprocmask = LINUX_NR["rt_sigprocmask"]
        self.fast.red_zone = engine.RED_ZONE
        for i, name in enumerate(RESTARTS):
            self.fast.restart[i] = LINUX_KERNEL_RESTART[name]
        for how in range(len(self.fast.how_to_linux)):
            self.fast.how_to_linux[how] = (
                translate.SIGPROCMASK_HOW.to_linux(how)
                if how in FREEBSD_SIGPROCMASK_HOW.values()
                else -1
            )
        if log is not None:  # a SyscallLog: C and Python share its `seen` bytes
            self.fast.seen, self.fast.log_fd = log.seen, log.fd
        self.stop = ffi.new("struct bsdu_stop *")

    def to_python(self, nr: int) -> None:
        """Hand every later call nr to Python (its table entry has become a handler)."""
        self.entries[nr].kind = KINDS[""]

    def next_stop(self):
        """(tid, status, regs or None) of the next stop Python must handle; None when none is
        left."""
        if lib.bsdu_run(self.fast, self.stop) < 0:
            return None
        s = self.stop
        return s.tid, s.status, (ffi.addressof(s, "regs") if s.regs_valid else None)

    @property
    def handled(self) -> int:
        return self.fast.handled
