"""Just enough ELF reading to decide how to start a program: FreeBSD or not, PT_INTERP,
the ABI note's __FreeBSD_version.  Parsed by hand because it runs on every execve.
Every size and offset comes from the file, so each is checked before use: a file that
claims to be ELF but is broken is MalformedElf, which FreeBSD's image activator answers
with ENOEXEC."""

import os
import struct
from dataclasses import dataclass

from .abi.auxv import ELF64_EHDR_SIZE, ELF64_PHDR_SIZE, ELFOSABI_FREEBSD, NT_FREEBSD_ABI_TAG
from .abi.elf import ELF_IDENT, ELF_MAGIC, ELF_NUMBERS
from .abi.jail import MAXPATHLEN

PT_INTERP, PT_NOTE = ELF_NUMBERS["PT_INTERP"], ELF_NUMBERS["PT_NOTE"]
EM_X86_64 = ELF_NUMBERS["EM_X86_64"]
NOTE_HEADER = ELF_NUMBERS["sizeof(Elf64_Nhdr)"]
MAX_NOTES = 65536  # more note bytes than any FreeBSD image has: not read
MAX_OFFSET = (1 << 63) - 1  # off_t's range: no file reaches past it


class MalformedElf(ValueError):
    """An ELF file with a broken header, program headers or PT_INTERP."""


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
    ident = read(0, ELF64_EHDR_SIZE)
    if ident[: ELF_IDENT["SELFMAG"]] != ELF_MAGIC:
        return None
    if len(ident) < ELF64_EHDR_SIZE:
        raise MalformedElf("truncated ELF header")
    if (
        ident[ELF_IDENT["EI_CLASS"]] != ELF_IDENT["ELFCLASS64"]
        or ident[ELF_IDENT["EI_DATA"]] != ELF_IDENT["ELFDATA2LSB"]
    ):
        return ElfInfo(False, False, None, None, 0, 0)
    (e_type, e_machine, _v, e_entry, e_phoff, _shoff, _flags, _ehsize, e_phentsize, e_phnum) = (
        struct.unpack_from("<HHIQQQIHHH", ident, 16)
    )
    if e_phentsize != ELF64_PHDR_SIZE:
        raise MalformedElf(f"program header size {e_phentsize}")
    interp, osrel, note_freebsd = None, None, False
    phdrs = _exact(read, e_phoff, e_phentsize * e_phnum, "program headers")
    for i in range(e_phnum):
        p_type, _pf, p_offset, _va, _pa, p_filesz = struct.unpack_from(
            "<IIQQQQ", phdrs, i * e_phentsize
        )
        if p_type == PT_INTERP:
            if not 2 <= p_filesz <= MAXPATHLEN:
                raise MalformedElf("invalid PT_INTERP")
            raw = _exact(read, p_offset, p_filesz, "PT_INTERP")
            if raw[-1] != 0:
                raise MalformedElf("PT_INTERP is not NUL-terminated")
            interp = os.fsdecode(raw.split(b"\0", 1)[0])
        elif p_type == PT_NOTE and p_filesz < MAX_NOTES:
            for name, ntype, desc in _notes(_exact(read, p_offset, p_filesz, "notes")):
                if name == b"FreeBSD" and ntype == NT_FREEBSD_ABI_TAG and len(desc) >= 4:
                    note_freebsd = True
                    osrel = struct.unpack_from("<I", desc)[0]
    freebsd = ident[ELF_IDENT["EI_OSABI"]] == ELFOSABI_FREEBSD or note_freebsd
    return ElfInfo(freebsd, e_machine == EM_X86_64, interp, osrel, e_entry, e_type)


def _exact(read, offset: int, size: int, what: str) -> bytes:
    """size bytes at offset, all inside the file."""
    if offset + size > MAX_OFFSET:
        raise MalformedElf(f"{what} past any file's end")
    data = read(offset, size)
    if len(data) != size:
        raise MalformedElf(f"{what} past the end of the file")
    return data


def _notes(data: bytes):
    off = 0
    while off + NOTE_HEADER <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        off += NOTE_HEADER
        name = data[off : off + namesz].rstrip(b"\0")
        off += (namesz + 3) & ~3
        desc = data[off : off + descsz]
        off += (descsz + 3) & ~3
        yield name, ntype, desc


def parse_file(path_or_fd) -> ElfInfo | None:
    """The file at a path (never blocking on a FIFO or device) or an open descriptor."""
    fd = (
        path_or_fd
        if isinstance(path_or_fd, int)
        else os.open(path_or_fd, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    )
    try:
        return parse(lambda off, size: os.pread(fd, size, off))
    finally:
        if not isinstance(path_or_fd, int):
            os.close(fd)
