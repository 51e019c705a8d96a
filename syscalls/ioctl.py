"""ioctl(2): terminal and file requests (network requests join them with the VNET work)."""

import struct

from bsdulator import translate
from bsdulator.abi import termios
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_FILE_FLAGS
from bsdulator.abi.ioctls import FREEBSD_D_TYPES, LINUX_IOCTLS
from bsdulator.abi.ioctls import FREEBSD_IOCTLS as I
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import pty
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.syscalls.netif import ioctl_get, ioctl_set
from bsdulator.table import Support, handler

ENOTTY = FREEBSD_ERRNO["ENOTTY"]
LINUX_TCGETS, LINUX_TCFLSH, LINUX_TCSBRK, LINUX_TCXONC = (
    LINUX_IOCTLS[n] for n in ("TCGETS", "TCFLSH", "TCSBRK", "TCXONC")
)
LINUX_TERMIOS_SIZE = termios.LINUX_TERMIOS_SIZE["sizeof(struct termios)"]
FREEBSD_TERMIOS_SIZE = termios.FREEBSD_TERMIOS_SIZE["sizeof(struct termios)"]
TERMIOS_SETS = {I["TIOCSETA"], I["TIOCSETAW"], I["TIOCSETAF"]}
# FIODTYPE's answer: the D_* class of a character device (sys/conf.h).
D_TTY = FREEBSD_D_TYPES["D_TTY"]
FREAD, FWRITE = FREEBSD_FILE_FLAGS["FREAD"], FREEBSD_FILE_FLAGS["FWRITE"]
TCIFLUSH, TCOFLUSH, TCIOFLUSH, TCOOFF, TCOON = (
    termios.LINUX_TC_ACTIONS[n] for n in ("TCIFLUSH", "TCOFLUSH", "TCIOFLUSH", "TCOOFF", "TCOON")
)


def _is_tty(call, fd):
    tmp = call.alloc(LINUX_TERMIOS_SIZE)
    return (yield lx.ioctl(fd, LINUX_TCGETS, tmp)) == 0


@handler(
    "ioctl",
    Support.PARTIAL,
    "every request but the terminal (termios, winsize, pgrp, pty: TIOCPTMASTER, FIODGNAME), "
    "file (FIONREAD/FIONBIO…) and "
    "interface ones (syscalls/netif: the SIOCG* reads; cloning, flags, addresses, MTU, name, "
    "bridge members, vnet moves), other SIOC* (ENOTTY)",
)
def sys_ioctl(call, fd, request, data):
    """Implements FreeBSD ioctl(2)."""
    fd, request = s32(fd), request & 0xFFFFFFFF
    mem = call.mem
    if request in ioctl_set.REQUESTS:
        return ioctl_set.ioctl(call, fd, request, data)
    if request == I["TIOCGETA"]:
        tmp = call.alloc(LINUX_TERMIOS_SIZE)
        check((yield lx.ioctl(fd, LINUX_TCGETS, tmp)))
        mem.write(data, translate.termios_to_freebsd(mem.read(tmp, LINUX_TERMIOS_SIZE)))
        return 0
    if request in TERMIOS_SETS:
        tmp = call.alloc(LINUX_TERMIOS_SIZE)
        mem.write(tmp, translate.termios_to_linux(mem.read(data, FREEBSD_TERMIOS_SIZE)))
        return check((yield lx.ioctl(fd, translate.ioctl_to_linux(request), tmp)))
    if request == I["TIOCSTI"]:
        # Linux lets a root caller push input into its controlling terminal (the host's, for a
        # jexec started there); a jail lacks PRIV_TTY_STI, and this is refused whatever the tty.
        refuse_in_jail(call, "TIOCSTI")
    if request == I["TIOCCONS"]:
        # PRIV_TTY_CONSOLE; Linux asks CAP_SYS_ADMIN only
        refuse_in_jail(call, "redirecting the console")
    if request == I["TIOCSCTTY"]:
        return check((yield lx.ioctl(fd, translate.ioctl_to_linux(request), 0)))
    if request == I["TIOCFLUSH"]:
        what = mem.read_u32(data) & (FREAD | FWRITE) if data else 0
        queue = {FREAD: TCIFLUSH, FWRITE: TCOFLUSH}.get(what, TCIOFLUSH)
        return check((yield lx.ioctl(fd, LINUX_TCFLSH, queue)))
    if request == I["TIOCDRAIN"]:
        return check((yield lx.ioctl(fd, LINUX_TCSBRK, 1)))
    if request in (I["TIOCSTART"], I["TIOCSTOP"]):
        return check(
            (yield lx.ioctl(fd, LINUX_TCXONC, TCOON if request == I["TIOCSTART"] else TCOOFF))
        )
    if request == I["TIOCPTMASTER"]:
        return (yield from pty.is_master(call, fd))
    if request == I["FIODGNAME"]:
        return (yield from pty.device_name(call, fd, data))
    if request == I["FIODTYPE"]:
        tty = yield from _is_tty(call, fd)
        mem.write(data, struct.pack("<i", D_TTY if tty else 0))
        return 0
    if ioctl_get.handles(request):
        return ioctl_get.answer(call, fd, request, data)
    if request == I["FIONWRITE"]:
        return check((yield lx.ioctl(fd, translate.ioctl_to_linux(I["TIOCOUTQ"]), data)))
    linux = translate.ioctl_to_linux(request)
    if linux is None:
        raise FreeBSDError(ENOTTY, f"ioctl {request:#x}")
    return check((yield lx.ioctl(fd, linux, data)))
