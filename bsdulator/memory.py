"""Bulk access to a tracee's address space (never word by word).

Copies in and out go through process_vm_readv/writev, which honour page protection as
FreeBSD's copyin/copyout do: a read-only or unmapped page is EFAULT.  Only what the
supervisor itself installs in an image (its code page) is written through /proc/PID/mem,
which writes whatever the protection."""

import os
import struct

from .abi.errno import FREEBSD_ERRNO
from .abi.machine import FREEBSD_PAGE_SIZES
from .abi.vm import VM_MAXUSER_ADDRESS_LA48
from .errors import FreeBSDError
from .native._native import ffi, lib

EFAULT, E2BIG, ENAMETOOLONG = (
    FREEBSD_ERRNO["EFAULT"],
    FREEBSD_ERRNO["E2BIG"],
    FREEBSD_ERRNO["ENAMETOOLONG"],
)
PAGE = FREEBSD_PAGE_SIZES["PAGE_SIZE"]  # the same on Linux/amd64
USER_END = VM_MAXUSER_ADDRESS_LA48
MAX_COPY = 1 << 30  # the most one call copies in at once (more is surely a bad size)


class Memory:
    """One process image; reopened by the owner after exec replaces the image."""

    def __init__(self, pid: int):
        self.pid = pid
        self.fd = -1  # /proc/PID/mem, opened by the first forced write

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def read(self, addr: int, size: int) -> bytes:
        if size == 0:
            return b""
        if not 0 <= addr < USER_END or size > MAX_COPY or addr + size > USER_END:  # copyin's EFAULT
            raise FreeBSDError(EFAULT, f"read {size} bytes at {addr:#x}")
        try:
            buf = bytearray(size)
        except MemoryError:
            raise FreeBSDError(EFAULT, f"read {size} bytes at {addr:#x}") from None
        if lib.bsdu_vm_read(self.pid, addr, ffi.from_buffer(buf), size) != size:
            raise FreeBSDError(EFAULT, f"read {size} bytes at {addr:#x}")
        return bytes(buf)

    def write(self, addr: int, data: bytes) -> None:
        """copyout: a page the tracee may not write is EFAULT, as on FreeBSD."""
        if not data:
            return
        if not 0 <= addr < USER_END or addr + len(data) > USER_END:
            raise FreeBSDError(EFAULT, f"write {len(data)} bytes at {addr:#x}")
        if lib.bsdu_vm_write(self.pid, addr, ffi.from_buffer(data), len(data)) != len(data):
            raise FreeBSDError(EFAULT, f"write {len(data)} bytes at {addr:#x}")

    def write_forced(self, addr: int, data: bytes) -> None:
        """Write whatever the page protection: only for code the supervisor installs itself."""
        if self.fd < 0:
            self.fd = os.open(f"/proc/{self.pid}/mem", os.O_RDWR | os.O_CLOEXEC)
        try:
            done = os.pwrite(self.fd, data, addr)
        except (OSError, OverflowError):
            raise FreeBSDError(EFAULT, f"write {len(data)} bytes at {addr:#x}") from None
        if done != len(data):
            raise FreeBSDError(EFAULT, f"short write at {addr:#x}")

    def read_cstr(self, addr: int, limit: int = 1024 * 1024) -> bytes:
        """A NUL-terminated string, read a page at a time so no read crosses into a hole."""
        if addr == 0:
            raise FreeBSDError(EFAULT, "NULL string")
        out = bytearray()
        while len(out) < limit:
            chunk = self.read(addr, PAGE - addr % PAGE)
            end = chunk.find(b"\0")
            if end >= 0:
                out += chunk[:end]
                return bytes(out)
            out += chunk
            addr += len(chunk)
        raise FreeBSDError(ENAMETOOLONG, "string too long")

    def read_u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def write_u64(self, addr: int, value: int) -> None:
        self.write(addr, struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF))

    def read_u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, 4))[0]

    def write_u32(self, addr: int, value: int) -> None:
        self.write(addr, struct.pack("<I", value & 0xFFFFFFFF))

    def read_ptr_array(self, addr: int, limit: int = 65536) -> list[int]:
        """A NULL-terminated array of pointers (argv, envp)."""
        out = []
        while len(out) < limit:
            block = self.read(addr, 8 * 16)
            for (p,) in struct.iter_unpack("<Q", block):
                if p == 0:
                    return out
                out.append(p)
            addr += len(block)
        raise FreeBSDError(E2BIG, "argument list too long")


class Unreachable(Memory):
    """The memory of a call whose thread is gone: its process died (its pid may already be
    another process's) or runs a new image.  Every copy is EFAULT."""

    def __init__(self):
        super().__init__(0)

    def read(self, addr: int, size: int) -> bytes:
        raise FreeBSDError(EFAULT, "the process is gone")

    def write(self, addr: int, data: bytes) -> None:
        raise FreeBSDError(EFAULT, "the process is gone")
