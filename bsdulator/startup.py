"""The FreeBSD entry state of a freshly exec'd image.

Linux leaves a Linux auxiliary vector on the stack and rdi = 0; FreeBSD's rtld and crt1
take the stack pointer in rdi and read FreeBSD's AT_* numbering.  At the exec stop we
build a FreeBSD argc/argv/envp/auxv block just below the one Linux made (pointing at the
same strings) and start the program on it, as FreeBSD's exec_setregs would."""

import os
import struct

from . import procfs, procinfo
from .abi.auxv import FREEBSD_AT as FA
from .abi.auxv import LINUX_AT as LA
from .abi.elf import ELF_NUMBERS
from .abi.flags import FREEBSD_RLIMIT_RESOURCES
from .abi.limits import FREEBSD_KERNEL_DEFAULTS
from .abi.machine import FREEBSD_PAGE_SIZES
from .abi.vm import FREEBSD_VM_PROT

ET_DYN = ELF_NUMBERS["ET_DYN"]
CANARY_LEN = FREEBSD_KERNEL_DEFAULTS["canary_len"]
PAGESIZES = tuple(FREEBSD_PAGE_SIZES[n] for n in ("PAGE_SIZE", "NBPDR", "NBPDP"))
VM_PROT_READ_WRITE = FREEBSD_VM_PROT["VM_PROT_READ"] | FREEBSD_VM_PROT["VM_PROT_WRITE"]
# auxv entries added once the vectors' places are known.
LATE_AUX = ("AT_ARGC", "AT_ARGV", "AT_ENVC", "AT_ENVV", "AT_PS_STRINGS")
# exec_setregs clears the whole trapframe, then sets rip, rsp and rdi (the stack).
CLEARED = ("rax", "rbx", "rcx", "rdx", "rsi", "rbp", *(f"r{n}" for n in range(8, 16)))
PAGE_MASK = FREEBSD_PAGE_SIZES["PAGE_SIZE"] - 1


def _stack_top(pid: int, sp: int) -> int:
    return next((m.end for m in procfs.maps(pid) if m.start <= sp < m.end), sp)


def linux_vector(mem, sp: int):
    """(argv pointers, envp pointers, {Linux AT_* type: value}) of the Linux initial stack."""
    argc = mem.read_u64(sp)
    argv = list(struct.unpack(f"<{argc}Q", mem.read(sp + 8, 8 * argc)))
    envp = mem.read_ptr_array(sp + 8 * (argc + 2))
    aux, off = {}, sp + 8 * (argc + 2 + len(envp) + 1)
    while True:
        key, val = struct.unpack("<QQ", mem.read(off, 16))
        if key == LA["AT_NULL"]:
            return argv, envp, aux
        aux[key] = val
        off += 16


def freebsd_entry_state(pid: int, mem, regs, exe_path: str, elf, osreldate: int, ncpus: int) -> int:
    """Write the FreeBSD initial stack; set rsp/rdi.  Returns (stack top, ps_strings address)."""
    sp = regs.rsp
    argv, envp, aux = linux_vector(mem, sp)
    top = _stack_top(pid, sp)

    # Data the FreeBSD auxv points at, packed just below the Linux block.
    data = bytearray()
    canary_off = len(data)
    data += os.urandom(CANARY_LEN)
    pagesizes_off = len(data)
    data += struct.pack(f"<{len(PAGESIZES)}Q", *PAGESIZES)
    ps_strings_off = len(data)
    data += bytes(32)
    execpath_off = len(data)
    data += exe_path.encode(errors="surrogateescape") + b"\0"
    data_addr = (sp - len(data)) & ~15

    entry = aux.get(LA["AT_ENTRY"], 0)
    base = (
        entry - elf.entry
        if elf.etype == ET_DYN and not aux.get(LA["AT_BASE"])
        else aux.get(LA["AT_BASE"], 0)
    )
    auxv = [
        (FA["AT_PHDR"], aux[LA["AT_PHDR"]]),
        (FA["AT_PHENT"], aux[LA["AT_PHENT"]]),
        (FA["AT_PHNUM"], aux[LA["AT_PHNUM"]]),
        (FA["AT_PAGESZ"], aux.get(LA["AT_PAGESZ"], FREEBSD_PAGE_SIZES["PAGE_SIZE"])),
        (FA["AT_FLAGS"], 0),
        (FA["AT_ENTRY"], entry),
        (FA["AT_BASE"], base),
        (FA["AT_EHDRFLAGS"], 0),
        (FA["AT_EXECPATH"], data_addr + execpath_off),
        (FA["AT_OSRELDATE"], osreldate),
        (FA["AT_CANARY"], data_addr + canary_off),
        (FA["AT_CANARYLEN"], CANARY_LEN),
        (FA["AT_NCPUS"], ncpus),
        (FA["AT_PAGESIZES"], data_addr + pagesizes_off),
        (FA["AT_PAGESIZESLEN"], 8 * len(PAGESIZES)),
        (FA["AT_STACKPROT"], VM_PROT_READ_WRITE),
        (FA["AT_BSDFLAGS"], 0),
        # libthr sizes the main thread's stack from these (else kern.usrstack, getrlimit)
        (FA["AT_USRSTACKBASE"], (top + PAGE_MASK) & ~PAGE_MASK),
        (FA["AT_USRSTACKLIM"], procinfo.rlimit(pid, FREEBSD_RLIMIT_RESOURCES["RLIMIT_STACK"])[0]),
    ]
    nvec = 1 + len(argv) + 1 + len(envp) + 1 + 2 * (len(auxv) + len(LATE_AUX))
    new_sp = (data_addr - 8 * nvec) & ~15
    argv_addr = new_sp + 8
    envp_addr = argv_addr + 8 * (len(argv) + 1)
    auxv += [
        (FA[name], value)
        for name, value in zip(
            LATE_AUX,
            (len(argv), argv_addr, len(envp), envp_addr, data_addr + ps_strings_off),
            strict=True,
        )
    ]
    words = [len(argv), *argv, 0, *envp, 0]
    for pair in auxv:
        words += pair
    words += [FA["AT_NULL"], 0]
    struct.pack_into("<QI4xQI4x", data, ps_strings_off, argv_addr, len(argv), envp_addr, len(envp))
    mem.write(data_addr, bytes(data))
    mem.write(new_sp, struct.pack(f"<{len(words)}Q", *words))
    for name in CLEARED:
        setattr(regs, name, 0)
    regs.rdi = new_sp
    regs.rsp = ((new_sp - 8) & ~15) + 8  # as FreeBSD's exec_setregs aligns it
    return top, data_addr + ps_strings_off
