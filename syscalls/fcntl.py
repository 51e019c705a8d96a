"""fcntl(2): descriptor flags, status flags, record locks."""

import os

from bsdulator import structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_FCNTL_COMMANDS as F
from bsdulator.abi.flags import LINUX_FCNTL_COMMANDS
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EINVAL = FREEBSD_ERRNO["EINVAL"]
LINUX_O_CLOEXEC = os.O_CLOEXEC
LINUX_F_GETFD, LINUX_F_GETFL, LINUX_F_SETFL = (
    LINUX_FCNTL_COMMANDS[n] for n in ("F_GETFD", "F_GETFL", "F_SETFL")
)
LOCKS = (F["F_GETLK"], F["F_SETLK"], F["F_SETLKW"])


def _flock_to_linux(fl: dict) -> bytes:
    return structs.pack(
        "linux_flock",
        l_type=translate.FLOCK_TYPES.to_linux(fl["l_type"], -1),
        l_whence=fl["l_whence"],
        l_start=fl["l_start"],
        l_len=fl["l_len"],
        l_pid=fl["l_pid"],
    )


def _flock_to_freebsd(lf: dict) -> bytes:
    return structs.pack(
        "flock",
        l_type=translate.FLOCK_TYPES.to_freebsd(lf["l_type"], 0),
        l_whence=lf["l_whence"],
        l_start=lf["l_start"],
        l_len=lf["l_len"],
        l_pid=lf["l_pid"],
    )


@handler("fcntl", Support.TRANSLATED, "commands, O_* status flags and struct flock translated")
def sys_fcntl(call, fd, cmd, arg):
    """Implements FreeBSD fcntl(2)."""
    fd, cmd = s32(fd), s32(cmd)
    if cmd == F["F_GETFL"]:
        return translate.OPEN_FLAGS.to_freebsd(check((yield lx.fcntl(fd, LINUX_F_GETFL, 0))))
    if cmd == F["F_SETFL"]:
        return check((yield lx.fcntl(fd, LINUX_F_SETFL, translate.OPEN_FLAGS.to_linux(arg))))
    if cmd in (F["F_DUP2FD"], F["F_DUP2FD_CLOEXEC"]):
        if s32(arg) == fd:  # dup3 refuses equal descriptors; FreeBSD returns fd if it is open
            check((yield lx.fcntl(fd, LINUX_F_GETFD, 0)))
            return fd
        flags = LINUX_O_CLOEXEC if cmd == F["F_DUP2FD_CLOEXEC"] else 0
        return check((yield lx.dup3(fd, s32(arg), flags)))
    if cmd in LOCKS:
        tmp = call.alloc(structs.sizeof("linux_flock"))
        call.mem.write(
            tmp,
            _flock_to_linux(structs.unpack("flock", call.mem.read(arg, structs.sizeof("flock")))),
        )
        check((yield lx.fcntl(fd, translate.FCNTL_COMMANDS.to_linux(cmd), tmp)))
        if cmd == F["F_GETLK"]:
            lf = structs.unpack("linux_flock", call.mem.read(tmp, structs.sizeof("linux_flock")))
            call.mem.write(arg, _flock_to_freebsd(lf))
        return 0
    if cmd == F["F_ISUNIONSTACK"]:
        return 0  # Linux has no union mounts
    if cmd in (F["F_READAHEAD"], F["F_RDAHEAD"]):
        check((yield lx.fcntl(fd, LINUX_F_GETFD, 0)))  # a hint: only check that fd is open
        return 0
    linux = translate.FCNTL_COMMANDS.to_linux(cmd)
    if linux is None:
        raise FreeBSDError(EINVAL, f"fcntl command {cmd}")
    return check((yield lx.fcntl(fd, linux, arg)))
