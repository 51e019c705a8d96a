"""execve(2) and fexecve(2): FreeBSD images started through the root's rtld."""

import os
import stat
import struct

from bsdulator import elf, image
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import LINUX_ACCESS_MODES, LINUX_AT_FLAGS
from bsdulator.engine import Exec, check, lx
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler
from bsdulator.translate import errno_to_freebsd

AT_FDCWD = LINUX_AT_FLAGS["AT_FDCWD"]
O_PATH_CLOEXEC = os.O_PATH | os.O_CLOEXEC  # the host's (Linux) values
X_OK = LINUX_ACCESS_MODES["X_OK"]
EACCES = FREEBSD_ERRNO["EACCES"]
ANY_EXEC_BIT = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH


def _open_image(call, path_addr: int):
    """Find the file in the tracee's view without opening it for the tracee (an O_PATH
    descriptor: a FIFO or device neither blocks nor notices), then read it if it may be run."""
    # with the tracee's rights, before the image is read
    check((yield lx.faccessat(AT_FDCWD, path_addr, X_OK)))
    fd = check((yield lx.openat(AT_FDCWD, path_addr, O_PATH_CLOEXEC, 0)))
    try:
        return _read_image(f"/proc/{call.proc.pid}/fd/{fd}")
    finally:
        yield lx.close(fd)


def _read_image(link: str):
    """exec_check_permissions' answers: EACCES unless a regular file with an execute bit,
    ENOEXEC when empty; then the head and the ELF facts of that very file."""
    try:
        return _read_regular(link)
    except OSError as e:  # e.g. an I/O error reading it
        raise FreeBSDError(errno_to_freebsd(e.errno)) from None


def _read_regular(link: str):
    held = os.open(link, O_PATH_CLOEXEC)
    try:
        st = os.fstat(held)
        if not stat.S_ISREG(st.st_mode) or not st.st_mode & ANY_EXEC_BIT:
            raise FreeBSDError(EACCES, "not a regular executable file")
        if st.st_size == 0:
            raise FreeBSDError(image.ENOEXEC, "empty file")
        fd = os.open(f"/proc/self/fd/{held}", os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    finally:
        os.close(held)
    try:
        return os.pread(fd, image.MAX_SHEBANG, 0), elf.parse(
            lambda off, size: os.pread(fd, size, off)
        )
    except elf.MalformedElf as e:
        raise FreeBSDError(image.ENOEXEC, str(e)) from None
    finally:
        os.close(fd)


def _put_strings(call, strings: list[bytes]) -> list[int]:
    addrs = []
    for s in strings:
        a = call.alloc(len(s) + 1)
        call.mem.write(a, s + b"\0")
        addrs.append(a)
    return addrs


def _plan(call, path: bytes, path_addr: int, argv: list[bytes], depth: int = 0):
    head, info = yield from _open_image(call, path_addr)
    if info is None:
        interp = image.shebang(head)
        if interp is None or depth > 0:
            raise FreeBSDError(image.ENOEXEC)
        ipath, iarg = interp
        new_argv = [ipath]
        if iarg is not None:
            new_argv.append(iarg)
        new_argv += [path, *argv[1:]]
        (ipath_addr,) = _put_strings(call, [ipath])
        return (yield from _plan(call, ipath, ipath_addr, new_argv, depth + 1))
    if not (info.freebsd and info.amd64):
        raise FreeBSDError(image.ENOEXEC)
    return image.elf_plan(path, argv, info)


@handler(
    "execve",
    Support.TRANSLATED,
    "Linux loads FreeBSD images with the root's rtld as their interpreter",
)
def sys_execve(call, path_addr, argv_addr, envp_addr):
    """Implements FreeBSD execve(2)."""
    mem = call.mem
    path = call.path(path_addr)
    argv = [mem.read_cstr(p) for p in mem.read_ptr_array(argv_addr)] if argv_addr else []
    plan = yield from _plan(call, path, path_addr, argv)
    exe_addr, *arg_addrs = _put_strings(
        call, [plan.exe.encode(errors="surrogateescape"), *plan.argv]
    )
    vec = call.alloc(8 * (len(arg_addrs) + 1))
    mem.write(vec, struct.pack(f"<{len(arg_addrs) + 1}Q", *arg_addrs, 0))
    check((yield Exec(lx.execve(exe_addr, vec, envp_addr), plan.exe, plan.image)))
