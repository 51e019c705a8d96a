"""How a FreeBSD execve becomes a Linux one.

Linux cannot run a FreeBSD dynamic executable itself (its PT_INTERP names FreeBSD's
rtld), so a dynamic program is started through that rtld's direct-exec mode:
`ld-elf.so.1 -b <program> -- <argv0> <args…>` keeps the program's own argv[0].
Static FreeBSD programs are exec'd as they are; `#!` scripts name their interpreter,
which is planned the same way.  Anything else is not a FreeBSD image: ENOEXEC."""
from dataclasses import dataclass

from .abi.errno import FREEBSD_ERRNO
from .elf import ElfInfo

ENOEXEC = FREEBSD_ERRNO["ENOEXEC"]
MAX_SHEBANG = 255


@dataclass
class Plan:
    exe: str              # what Linux execve runs (in the program's view)
    argv: list[bytes]
    image: ElfInfo        # the ELF Linux loads: the rtld, or the static program


def shebang(head: bytes) -> tuple[bytes, bytes | None] | None:
    """(interpreter, optional single argument) of a `#!` line, as FreeBSD splits it."""
    if not head.startswith(b"#!"):
        return None
    line = head[2:MAX_SHEBANG].split(b"\n", 1)[0].strip(b" \t")
    if not line:
        return None
    parts = line.split(None, 1)
    return parts[0], (parts[1].strip(b" \t") if len(parts) > 1 else None)


def elf_plan(path: bytes, argv: list[bytes], info: ElfInfo, interp_info) -> Plan:
    """Plan for a FreeBSD ELF; interp_info(path) -> ElfInfo of its interpreter."""
    if not (info.freebsd and info.amd64):
        raise ValueError("not a FreeBSD/amd64 program")
    if info.interp is None:
        return Plan(path.decode(errors="surrogateescape"), argv, info)
    rtld = interp_info(info.interp)
    argv0 = argv[0] if argv else path
    return Plan(info.interp, [info.interp.encode(), b"-b", path, b"--", argv0, *argv[1:]], rtld)
