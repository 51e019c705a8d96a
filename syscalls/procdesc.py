"""Process descriptors (sys/kern/sys_procdesc.c): pdfork(2), pdkill(2), pdgetpid(2), and poll on
the descriptor, each a Linux pidfd.

What carries over from FreeBSD: the child is created with no exit signal, so its parent gets no
SIGCHLD and wait4 does not return it (Linux waits for such a "clone" child only with __WALL);
pdkill signals it, pdgetpid names it as the caller's pid namespace does, and poll reports
POLLHUP once it has exited, whatever events were asked for.  A pidfd is known as one by its
/proc link, so dup, fork and SCM_RIGHTS copies are process descriptors too.

Gaps: the last close of the descriptor neither kills the process (FreeBSD sends SIGKILL unless
PD_DAEMON) nor reaps its zombie (Linux's close of a pidfd does nothing: the zombie stays until its
parent exits); fstat shows a pidfd, not FreeBSD's S_IFREG with the process's start time;
EVFILT_PROCDESC and pdwait4 are not there."""

import os
import struct

from bsdulator import procfs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_PROCDESC_FLAGS,
    LINUX_CLONE_FLAGS,
    LINUX_FCNTL_COMMANDS,
    LINUX_POLL_EVENTS,
)
from bsdulator.abi.signals import FREEBSD_SIGNAL_LIMITS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EBADF, EINVAL = (FREEBSD_ERRNO[n] for n in ("EBADF", "EINVAL"))
PD_DAEMON, PD_CLOEXEC = FREEBSD_PROCDESC_FLAGS["PD_DAEMON"], FREEBSD_PROCDESC_FLAGS["PD_CLOEXEC"]
PD_FLAGS = PD_DAEMON | PD_CLOEXEC
CLONE_PIDFD = LINUX_CLONE_FLAGS["CLONE_PIDFD"]  # the exit signal (low byte) stays 0
F_SETFD = LINUX_FCNTL_COMMANDS["F_SETFD"]
SIG_MAXSIG = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
# A pidfd polls readable (and, on newer kernels, hung up once reaped) when its process has
# exited; FreeBSD's procdesc_poll answers POLLHUP then, whatever events were asked for.
POLL_EXIT = LINUX_POLL_EVENTS["POLLIN"]
LINUX_POLLHUP = LINUX_POLL_EVENTS["POLLHUP"]
PIDFD_LINK = "anon_inode:[pidfd]"
INT = struct.Struct("<i")


def is_procdesc(pid: int, fd: int) -> bool:
    """Whether descriptor fd of process pid is a process descriptor (a pidfd)."""
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}") == PIDFD_LINK
    except (OSError, ValueError):
        return False


class ProcDescs:
    """The supervisor's state: whether any pdfork was made (poll looks for them only then)."""

    made = False


def poll_procdescs(call, fds: list[int]) -> set[int]:
    """The process descriptors among the polled fds: none until some pdfork was made."""
    if not call.sup.state(ProcDescs).made:
        return set()
    return {fd for fd in fds if is_procdesc(call.proc.pid, fd)}


def exit_revents(linux_revents: int) -> int:
    """Linux's revents on a pidfd as FreeBSD's on a process descriptor (Linux bits)."""
    return LINUX_POLLHUP if linux_revents & (POLL_EXIT | LINUX_POLLHUP) else 0


def _target_pid(call, fd: int) -> int:
    """The pid descriptor fd stands for, numbered in the caller's pid namespace (-1 once the
    process is reaped); EBADF when fd is no process descriptor."""
    fd = s32(fd)
    if not is_procdesc(call.proc.pid, fd):
        raise FreeBSDError(EBADF, f"descriptor {fd} is not a process descriptor")
    info = procfs.read(call.proc.pid, f"fdinfo/{fd}").decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    nspid = fields.get("NSpid", fields.get("Pid", "-1")).split()
    caller = procfs.status(call.proc.pid).nspid or [call.proc.pid]
    level = len(caller) - 1
    return int(nspid[level]) if level < len(nspid) else int(nspid[-1])


@handler(
    "pdfork",
    Support.PARTIAL,
    "clone with a pidfd and no exit signal; last close neither kills (PD_DAEMON unused) nor "
    "reaps the child",
)
def sys_pdfork(call, fdp, flags):
    """Implements FreeBSD pdfork(2)."""
    flags &= 0xFFFFFFFF
    if flags & ~PD_FLAGS:
        raise FreeBSDError(EINVAL, f"pdfork flags {flags:#x}")
    call.sup.state(ProcDescs).made = True  # from now on poll looks for process descriptors
    slot = call.alloc(INT.size)
    pid = check((yield lx.clone(CLONE_PIDFD, 0, slot, 0, 0)))
    (pidfd,) = INT.unpack(call.mem.read(slot, INT.size))
    if not flags & PD_CLOEXEC:  # Linux makes every pidfd close-on-exec
        check((yield lx.fcntl(pidfd, F_SETFD, 0)))
    call.mem.write(fdp, INT.pack(pidfd))
    return pid, 0


@handler("pdkill", Support.TRANSLATED, "pidfd_send_signal with the signal translated")
def sys_pdkill(call, fd, signum):
    """Implements FreeBSD pdkill(2)."""
    signum = s32(signum)
    if not 0 <= signum <= SIG_MAXSIG:
        raise FreeBSDError(EINVAL, f"signal {signum}")
    _target_pid(call, fd)
    linux = translate.signal_to_linux(signum) if signum else 0
    if linux is None:
        raise FreeBSDError(EINVAL, f"signal {signum}")
    return check((yield lx.pidfd_send_signal(s32(fd), linux, 0, 0)))


@handler("pdgetpid", Support.TRANSLATED, "the pidfd's pid in the caller's pid namespace")
def sys_pdgetpid(call, fd, pidp):
    """Implements FreeBSD pdgetpid(2)."""
    call.mem.write(pidp, INT.pack(_target_pid(call, fd)))
    return 0
