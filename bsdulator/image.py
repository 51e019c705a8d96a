"""How a FreeBSD execve becomes a Linux one.

Linux's ELF loader does for a FreeBSD program what FreeBSD's imgact_elf does: it maps the
program and the interpreter its PT_INTERP names (the root's /libexec/ld-elf.so.1, found
in the program's own view of the file system) and tells the interpreter where the
program lies (AT_PHDR, AT_ENTRY, AT_BASE), so rtld starts as under FreeBSD's kernel (not
in its direct-exec mode, which misplaces the TLS image of fixed-address programs).  The
supervisor then turns Linux's entry state into FreeBSD's (bsdulator/startup.py).
`#!` scripts name their interpreter, which is planned the same way.  Anything else is not
a FreeBSD image: ENOEXEC."""

from dataclasses import dataclass

from .abi.errno import FREEBSD_ERRNO
from .elf import ElfInfo

ENOEXEC = FREEBSD_ERRNO["ENOEXEC"]
MAX_SHEBANG = 255


@dataclass
class Plan:
    exe: str  # what Linux execve runs (in the program's view)
    argv: list[bytes]
    image: ElfInfo  # the program's ELF facts


def shebang(head: bytes) -> tuple[bytes, bytes | None] | None:
    """(interpreter, optional single argument) of a `#!` line, as FreeBSD splits it."""
    if not head.startswith(b"#!"):
        return None
    line = head[2:MAX_SHEBANG].split(b"\n", 1)[0].strip(b" \t")
    if not line:
        return None
    parts = line.split(None, 1)
    return parts[0], (parts[1].strip(b" \t") if len(parts) > 1 else None)


def elf_plan(path: bytes, argv: list[bytes], info: ElfInfo) -> Plan:
    """Plan for a FreeBSD ELF (static, or dynamic with its interpreter in the root)."""
    if not (info.freebsd and info.amd64):
        raise ValueError("not a FreeBSD/amd64 program")
    return Plan(path.decode(errors="surrogateescape"), argv, info)
