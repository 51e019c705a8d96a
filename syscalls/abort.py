"""abort2(2): the process ends with SIGABRT whatever its disposition or mask (kern_abort2's
sigexit), the way FreeBSD's libc assertion paths and stack-protector failures end it."""

from bsdulator import translate
from bsdulator.abi import signals as S
from bsdulator.engine import lx
from bsdulator.process import SigAction
from bsdulator.syscalls.signal import _linux_sigaction
from bsdulator.table import Support, handler

FREEBSD_SIGABRT = S.FREEBSD_SIGNALS["SIGABRT"]
LINUX_SIGABRT = translate.signal_to_linux(FREEBSD_SIGABRT)
SIG_UNBLOCK = S.LINUX_SIGPROCMASK_HOW["SIG_UNBLOCK"]


@handler(
    "abort2",
    Support.PARTIAL,
    "the kernel log line naming `why` and the arguments is not written (no message buffer)",
)
def sys_abort2(call, why, nargs, args):
    """Implements FreeBSD abort2(2): never returns."""
    default = SigAction()
    call.proc.sigactions[FREEBSD_SIGABRT] = default
    act = call.alloc(32)
    call.mem.write(act, _linux_sigaction(default, call.proc.sigcode))
    yield lx.rt_sigaction(LINUX_SIGABRT, act, 0, 8)
    mask = call.alloc(8)
    call.mem.write_u64(mask, 1 << (LINUX_SIGABRT - 1))
    yield lx.rt_sigprocmask(SIG_UNBLOCK, mask, 0, 8)
    tid = yield lx.gettid()
    tgid = yield lx.getpid()
    yield lx.tgkill(tgid, tid, LINUX_SIGABRT)
    return 0
