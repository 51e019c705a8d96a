"""Small ABI tables (auxv, pathconf, mount, extattr, sysarch) against FreeBSD's and Linux's
headers."""

import pytest

from bsdulator.abi import auxv, extattr, mount, pathconf, vm
from bsdulator.syscalls import machdep
from header_macros import freebsd_values, linux_values, mismatches, requires_gcc, requires_zig

pytestmark = pytest.mark.unit


@requires_zig
def test_freebsd_auxv_numbers():
    assert (
        mismatches(
            auxv.FREEBSD_AT, freebsd_values(["sys/types.h", "sys/elf_common.h"], auxv.FREEBSD_AT)
        )
        == {}
    )


@requires_gcc
def test_linux_auxv_numbers():
    assert mismatches(auxv.LINUX_AT, linux_values(["elf.h"], auxv.LINUX_AT)) == {}


@requires_zig
def test_freebsd_elf_abi_markers():
    table = {
        "ELFOSABI_FREEBSD": auxv.ELFOSABI_FREEBSD,
        "NT_FREEBSD_ABI_TAG": auxv.NT_FREEBSD_ABI_TAG,
        "sizeof(Elf64_Ehdr)": auxv.ELF64_EHDR_SIZE,
        "sizeof(Elf64_Phdr)": auxv.ELF64_PHDR_SIZE,
    }
    assert (
        mismatches(table, freebsd_values(["sys/types.h", "sys/elf_common.h", "sys/elf64.h"], table))
        == {}
    )


@requires_zig
def test_pathconf_names():
    assert mismatches(pathconf.FREEBSD_PC, freebsd_values(["unistd.h"], pathconf.FREEBSD_PC)) == {}
    assert set(pathconf.ANSWERS) == set(pathconf.FREEBSD_PC)


@requires_zig
def test_mount_flags():
    table = mount.FREEBSD_MNT | mount.FREEBSD_VFCF
    assert mismatches(table, freebsd_values(["sys/types.h", "sys/mount.h"], table)) == {}


@requires_zig
def test_extattr_namespaces():
    table = dict(extattr.FREEBSD_EXTATTR_NAMESPACE)
    assert mismatches(table, freebsd_values(["sys/types.h", "sys/extattr.h"], table)) == {}
    assert set(extattr.LINUX_PREFIX) <= set(extattr.FREEBSD_EXTATTR_NAMESPACE)


@requires_zig
def test_sysarch_operations():
    table = {
        name: getattr(machdep, name)
        for name in ("AMD64_GET_FSBASE", "AMD64_SET_FSBASE", "AMD64_GET_GSBASE", "AMD64_SET_GSBASE")
    }
    assert mismatches(table, freebsd_values(["sys/types.h", "machine/sysarch.h"], table)) == {}


@requires_gcc
def test_arch_prctl_codes():
    table = {
        name: getattr(machdep, name)
        for name in ("ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS", "ARCH_GET_GS")
    }
    assert mismatches(table, linux_values(["asm/prctl.h"], table)) == {}


@requires_zig
def test_getrandom_close_range_cpuset_numbers():
    from bsdulator.abi import flags

    for table, headers in (
        (flags.FREEBSD_GRND_FLAGS, ["sys/types.h", "sys/random.h"]),
        (flags.FREEBSD_CLOSE_RANGE_FLAGS, ["unistd.h"]),
        (
            flags.FREEBSD_CPU_LEVELS | flags.FREEBSD_CPU_WHICH | flags.FREEBSD_CPU_MAXSIZE,
            ["sys/types.h", "sys/param.h", "sys/cpuset.h"],
        ),
    ):
        assert mismatches(table, freebsd_values(headers, table)) == {}


@requires_gcc
def test_linux_getrandom_close_range_numbers():
    from bsdulator.abi import flags

    assert (
        mismatches(flags.LINUX_GRND_FLAGS, linux_values(["linux/random.h"], flags.LINUX_GRND_FLAGS))
        == {}
    )
    assert (
        mismatches(
            flags.LINUX_CLOSE_RANGE_FLAGS,
            linux_values(["linux/close_range.h"], flags.LINUX_CLOSE_RANGE_FLAGS),
        )
        == {}
    )


@requires_zig
def test_mcontext_markers():
    from bsdulator.abi import signals

    table = signals.FREEBSD_MCONTEXT
    assert mismatches(table, freebsd_values(["sys/types.h", "ucontext.h"], table)) == {}


@requires_zig
def test_user_address_ceiling():
    table = {"VM_MAXUSER_ADDRESS_LA48": vm.VM_MAXUSER_ADDRESS_LA48}
    headers = ["sys/types.h", "sys/param.h", "vm/vm.h", "vm/pmap.h", "machine/vmparam.h"]
    assert mismatches(table, freebsd_values(headers, table)) == {}
