"""Kernel modules: modfind(2) and kldfind(2) against what the emulated kernel has built in.

modfind finds the modules listed in BUILTIN_MODULES (netlink: the 14.x tools look for it
before giving up on a netlink socket); kldfind finds the kernel file.  The rest of kld*
(kldload, kldunload, kldstat, kldnext, kldsym, modnext, modfnext, modstat) stays ENOSYS:
loading a FreeBSD module means mapping it onto a Linux facility, which is not done yet."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.jail import MAXPATHLEN
from bsdulator.abi.kld import KERNEL_FILE, KERNEL_FILE_ID, MAXMODNAME
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

ENOENT, ENAMETOOLONG = (FREEBSD_ERRNO[n] for n in ("ENOENT", "ENAMETOOLONG"))

# Modules compiled into the emulated kernel; a module's id is its place here, from 1.
BUILTIN_MODULES = ("netlink",)


def _name(call, addr: int, size: int) -> str:
    """copyinstr into a buffer of size bytes: ENAMETOOLONG when the NUL does not fit."""
    name = call.mem.read_cstr(addr, size)
    if len(name) >= size:
        raise FreeBSDError(ENAMETOOLONG, "name longer than its buffer")
    return name.decode("latin-1")


@handler("modfind", Support.PARTIAL, "only the modules built into the emulated kernel: netlink")
def sys_modfind(call, name):
    """Implements FreeBSD modfind(2)."""
    module = _name(call, name, MAXMODNAME)
    if module not in BUILTIN_MODULES:
        raise FreeBSDError(ENOENT, f"no module {module!r}")
    return BUILTIN_MODULES.index(module) + 1


@handler("kldfind", Support.PARTIAL, "only the kernel file; nothing is ever loaded")
def sys_kldfind(call, file):
    """Implements FreeBSD kldfind(2): the linker file by the base name of its path."""
    path = _name(call, file, MAXPATHLEN)
    if path.rsplit("/", 1)[-1] != KERNEL_FILE:
        raise FreeBSDError(ENOENT, f"no linker file {path!r}")
    return KERNEL_FILE_ID
