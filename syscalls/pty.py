"""Pseudo-terminals as FreeBSD's pts(4) offers them: posix_openpt(2) makes a Linux devpts pair
(unlocked at once: FreeBSD has no lock, so grantpt and unlockpt only check the descriptor), and
the two ioctls libc's grantpt/unlockpt/ptsname/ttyname stand on: TIOCPTMASTER (is this a
master?) and FIODGNAME (a device's name under /dev: "pts/N" for either end of a pty)."""

import os
import stat

from bsdulator import structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_O_FLAGS, LINUX_AT_FLAGS, LINUX_FCNTL_COMMANDS
from bsdulator.abi.ioctls import LINUX_IOCTLS
from bsdulator.engine import check, lx
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EINVAL, ENOTTY = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENOTTY"]
AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
# sys_posix_openpt takes these and no others
OPENPT_FLAGS = (
    FREEBSD_O_FLAGS["O_RDWR"] | FREEBSD_O_FLAGS["O_NOCTTY"] | FREEBSD_O_FLAGS["O_CLOEXEC"]
)
PTMX = b"/dev/ptmx\0"
DEV = "/dev/"
PTS = "pts/"
TIOCGPTN, TIOCSPTLCK = LINUX_IOCTLS["TIOCGPTN"], LINUX_IOCTLS["TIOCSPTLCK"]
FIODGNAME_ARG = structs.sizeof("fiodgname_arg")
LINUX_F_GETFD = LINUX_FCNTL_COMMANDS["F_GETFD"]


@handler("posix_openpt", Support.TRANSLATED, "an open of /dev/ptmx, its slave unlocked at once")
def sys_posix_openpt(call, flags):
    """Implements FreeBSD posix_openpt(2): the master of a new pty, its slave unlocked."""
    flags &= 0xFFFFFFFF
    if flags & ~OPENPT_FLAGS:
        raise FreeBSDError(EINVAL, f"posix_openpt flags {flags:#x}")
    path = call.alloc(len(PTMX))
    call.mem.write(path, PTMX)
    # FreeBSD never makes a pty the controlling terminal on open: O_NOCTTY always
    linux_flags = translate.OPEN_FLAGS.to_linux(flags | FREEBSD_O_FLAGS["O_NOCTTY"])
    fd = check((yield lx.openat(AT_FDCWD, path, linux_flags, 0)))
    unlock = call.alloc(4)
    call.mem.write(unlock, bytes(4))
    r = yield lx.ioctl(fd, TIOCSPTLCK, unlock)
    if r < 0:
        yield lx.close(fd)
        check(r)
    return fd


def _pty_number(call, fd: int):
    """The pty number of a master descriptor, or None for anything else."""
    tmp = call.alloc(4)
    if (yield lx.ioctl(fd, TIOCGPTN, tmp)) < 0:
        return None
    return call.mem.read_u32(tmp)


def is_master(call, fd: int):
    """TIOCPTMASTER: 0 on a pty master; ENOTTY otherwise (EBADF for a closed descriptor)."""
    check((yield lx.fcntl(fd, LINUX_F_GETFD, 0)))
    if (yield from _pty_number(call, fd)) is None:
        raise FreeBSDError(ENOTTY, "not a pty master")
    return 0


def device_name(call, fd: int, data: int):
    """FIODGNAME (devfs_ioctl_f): a device's name relative to /dev, NUL included, into the
    caller's buffer (EINVAL when it does not fit); ENOTTY for what is no device."""
    check((yield lx.fcntl(fd, LINUX_F_GETFD, 0)))
    arg = structs.unpack("fiodgname_arg", call.mem.read(data, FIODGNAME_ARG))
    number = yield from _pty_number(call, fd)
    if number is not None:
        name = f"{PTS}{number}"
    else:
        link = f"/proc/{call.proc.pid}/fd/{fd}"
        try:
            target, mode = os.readlink(link), os.stat(link).st_mode
        except OSError:
            raise FreeBSDError(ENOTTY, "no device") from None
        if not stat.S_ISCHR(mode) or not target.startswith(DEV):
            raise FreeBSDError(ENOTTY, "not a device")
        name = target[len(DEV) :]
    raw = name.encode() + b"\0"
    if len(raw) > arg["len"]:
        raise FreeBSDError(EINVAL, "FIODGNAME buffer too small")
    call.mem.write(arg["buf"], raw)
    return 0
