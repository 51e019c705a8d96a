"""abi/errno.py beyond the header lookups of abi_manifest.py: density, the approximations,
FreeBSD 13.5 libc's sys_errlist, and the kernel-internal restart codes a tracer sees."""

import errno
import io

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

from bsdulator.abi import errno as abi_errno
from header_macros import requires_zig

pytestmark = pytest.mark.unit


@requires_zig
def test_freebsd_errno_is_dense_up_to_elast():
    assert sorted(abi_errno.FREEBSD_ERRNO.values()) == list(
        range(1, abi_errno.FREEBSD_ERRNO_ALIASES["ELAST"] + 1)
    )


def test_python_knows_no_errno_the_table_lacks():
    assert set(errno.errorcode) <= set(abi_errno.LINUX_ERRNO.values())


def test_approximations_cover_exactly_the_unshared_names():
    freebsd, linux = set(abi_errno.FREEBSD_ERRNO), set(abi_errno.LINUX_ERRNO)
    assert set(abi_errno.FREEBSD_ERRNO_FOR_LINUX_ONLY) == linux - freebsd
    assert set(abi_errno.FREEBSD_ERRNO_FOR_LINUX_ONLY.values()) <= freebsd
    assert set(abi_errno.LINUX_ERRNO_FOR_FREEBSD_ONLY) == freebsd - linux
    assert set(abi_errno.LINUX_ERRNO_FOR_FREEBSD_ONLY.values()) <= linux


def _sys_errlist(libc: bytes) -> list[str]:
    """FreeBSD libc's sys_errlist strings, read through its R_X86_64_RELATIVE relocations."""
    elf = ELFFile(io.BytesIO(libc))
    symbol = next(
        s for s in elf.get_section_by_name(".dynsym").iter_symbols() if s.name == "sys_errlist"
    )
    start, size = symbol["st_value"], symbol["st_size"]
    targets = {
        reloc["r_offset"]: reloc["r_addend"]
        for section in elf.iter_sections()
        if isinstance(section, RelocationSection)
        for reloc in section.iter_relocations()
        if start <= reloc["r_offset"] < start + size
    }

    def string_at(address: int) -> str:
        for segment in elf.iter_segments():
            if (
                segment["p_type"] == "PT_LOAD"
                and segment["p_vaddr"] <= address < segment["p_vaddr"] + segment["p_filesz"]
            ):
                offset = segment["p_offset"] + address - segment["p_vaddr"]
                return libc[offset : libc.index(b"\0", offset)].decode()
        raise LookupError(hex(address))

    return [string_at(targets[start + 8 * i]) for i in range(size // 8)]


def test_messages_are_freebsd_libc_sys_errlist(freebsd_root):
    """The test root's own libc (13.5's) is the source of the strerror() texts."""
    libc = (freebsd_root / "lib/libc.so.7").read_bytes()
    errlist = _sys_errlist(libc)
    elast = abi_errno.FREEBSD_ERRNO_ALIASES["ELAST"]
    assert abi_errno.FREEBSD_ERRNO_MESSAGES == dict(enumerate(errlist[: elast + 1]))
    assert set(errlist[elast + 1 :]) == {"Unknown error"}  # padding of the fixed-size array


def test_linux_restart_codes_are_what_a_tracer_sees():
    """Linux's ERESTART* codes are kernel-internal (no UAPI header): check them where bsdulator
    meets them, at the exit stop of a call a caught signal interrupts.  A pipe read gives
    ERESTARTSYS, pause() ERESTARTNOHAND, poll with a timeout ERESTART_RESTARTBLOCK."""
    import os
    import select
    import signal

    from bsdulator import ptrace
    from bsdulator.abi.errno import LINUX_KERNEL_RESTART
    from bsdulator.abi.linux_syscalls import LINUX_NR

    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGUSR1, lambda *_: os.write(wfd, b"x"))  # the read then has data
            ptrace.ptrace(ptrace.PTRACE_TRACEME, 0)
            os.kill(os.getpid(), signal.SIGSTOP)
            os.read(rfd, 1)
            signal.pause()
            select.poll().poll(200)
        finally:
            os._exit(0)
    waiting = {
        LINUX_NR["read"]: "ERESTARTSYS",
        LINUX_NR["pause"]: "ERESTARTNOHAND",
        LINUX_NR["poll"]: "ERESTART_RESTARTBLOCK",
    }
    seen, regs, entering, pending = {}, ptrace.new_regs(), True, None
    try:
        os.waitpid(pid, 0)
        ptrace.ptrace(ptrace.PTRACE_SETOPTIONS, pid, 0, ptrace.O_TRACESYSGOOD | ptrace.O_EXITKILL)
        ptrace.ptrace(ptrace.PTRACE_SYSCALL, pid, 0, 0)
        while True:
            _, status = os.waitpid(pid, 0)
            if not os.WIFSTOPPED(status):
                break
            deliver = 0
            if os.WSTOPSIG(status) == ptrace.SYSCALL_STOP:
                assert ptrace.getregs(pid, regs)
                name = waiting.get(regs.orig_rax)
                ours = regs.orig_rax != LINUX_NR["read"] or regs.rdi == rfd
                if entering and name and name not in seen and ours:
                    os.kill(pid, signal.SIGUSR1)
                    pending = regs.orig_rax
                elif not entering and pending == regs.orig_rax:
                    seen[waiting[pending]] = -(regs.rax - (1 << 64))
                    pending = None
                entering = not entering
            else:
                deliver = os.WSTOPSIG(status)
            ptrace.ptrace(ptrace.PTRACE_SYSCALL, pid, 0, deliver)
    finally:
        os.close(rfd)
        os.close(wfd)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert seen == {name: LINUX_KERNEL_RESTART[name] for name in waiting.values()}
