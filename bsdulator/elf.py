"""Just enough ELF reading to decide how to start a program: FreeBSD or not, PT_INTERP,
the ABI note's __FreeBSD_version.  Parsed by hand because it runs on every execve."""
import struct
from dataclasses import dataclass

from .abi.auxv import ELFOSABI_FREEBSD, NT_FREEBSD_ABI_TAG

PT_INTERP, PT_NOTE = 3, 4
EM_X86_64 = 62


@dataclass
class ElfInfo:
    freebsd: bool
    amd64: bool
    interp: str | None
    osreldate: int | None  # from the NT_FREEBSD_ABI_TAG note
    entry: int
    etype: int


def parse(read) -> ElfInfo | None:
    """read(offset, size) -> bytes over the file; None when the file is not ELF."""
    ident = read(0, 64)
    if len(ident) < 64 or ident[:4] != b"\x7fELF":
        return None
    if ident[4] != 2 or ident[5] != 1:  # 64-bit little endian only
        return ElfInfo(False, False, None, None, 0, 0)
    (e_type, e_machine, _v, e_entry, e_phoff, _shoff, _flags, _ehsize, e_phentsize,
     e_phnum) = struct.unpack_from("<HHIQQQIHHH", ident, 16)
    interp, osrel, note_freebsd = None, None, False
    phdrs = read(e_phoff, e_phentsize * e_phnum)
    for i in range(e_phnum):
        p_type, _pf, p_offset, _va, _pa, p_filesz = struct.unpack_from("<IIQQQQ", phdrs, i * e_phentsize)
        if p_type == PT_INTERP:
            interp = read(p_offset, p_filesz).split(b"\0", 1)[0].decode("utf-8", "replace")
        elif p_type == PT_NOTE and p_filesz < 65536:
            for name, ntype, desc in _notes(read(p_offset, p_filesz)):
                if name == b"FreeBSD" and ntype == NT_FREEBSD_ABI_TAG and len(desc) >= 4:
                    note_freebsd = True
                    osrel = struct.unpack_from("<I", desc)[0]
    freebsd = ident[7] == ELFOSABI_FREEBSD or note_freebsd
    return ElfInfo(freebsd, e_machine == EM_X86_64, interp, osrel, e_entry, e_type)


def _notes(data: bytes):
    off = 0
    while off + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        off += 12
        name = data[off:off + namesz].rstrip(b"\0")
        off += (namesz + 3) & ~3
        desc = data[off:off + descsz]
        off += (descsz + 3) & ~3
        yield name, ntype, desc


def parse_file(path_or_fd) -> ElfInfo | None:
    import os
    fd = path_or_fd if isinstance(path_or_fd, int) else os.open(path_or_fd, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return parse(lambda off, size: os.pread(fd, size, off))
    finally:
        if not isinstance(path_or_fd, int):
            os.close(fd)
