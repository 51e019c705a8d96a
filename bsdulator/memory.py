"""Bulk access to a tracee's address space through /proc/PID/mem (never word by word)."""
import os
import struct

from .abi.errno import FREEBSD_ERRNO
from .errors import FreeBSDError

EFAULT, E2BIG, ENAMETOOLONG = FREEBSD_ERRNO["EFAULT"], FREEBSD_ERRNO["E2BIG"], FREEBSD_ERRNO["ENAMETOOLONG"]
PAGE = 4096
USER_END = 1 << 47         # x86-64's user address space ends here
MAX_COPY = 1 << 30         # the most one call copies in at once (more is surely a bad size)


class Memory:
    """One process image; reopened by the owner after exec replaces the image."""

    def __init__(self, pid: int):
        self.pid = pid
        self.fd = os.open(f"/proc/{pid}/mem", os.O_RDWR | os.O_CLOEXEC)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def read(self, addr: int, size: int) -> bytes:
        if size == 0:
            return b""
        if size > MAX_COPY or addr + size > USER_END:  # no user mapping is that large: copyin's EFAULT
            raise FreeBSDError(EFAULT, f"read {size} bytes at {addr:#x}")
        try:
            data = os.pread(self.fd, size, addr)
        except (OSError, OverflowError, MemoryError):
            raise FreeBSDError(EFAULT, f"read {size} bytes at {addr:#x}") from None
        if len(data) != size:
            raise FreeBSDError(EFAULT, f"short read at {addr:#x}")
        return data

    def write(self, addr: int, data: bytes) -> None:
        if not data:
            return
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
