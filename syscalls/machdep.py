"""amd64 machine-dependent calls."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.machine import FREEBSD_SYSARCH, LINUX_ARCH_PRCTL
from bsdulator.engine import check, lx
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

# FreeBSD <x86/sysarch.h> operations -> Linux arch_prctl codes.
AMD64_GET_FSBASE, AMD64_SET_FSBASE, AMD64_GET_GSBASE, AMD64_SET_GSBASE = (
    FREEBSD_SYSARCH[n]
    for n in ("AMD64_GET_FSBASE", "AMD64_SET_FSBASE", "AMD64_GET_GSBASE", "AMD64_SET_GSBASE")
)
ARCH_SET_GS, ARCH_SET_FS, ARCH_GET_FS, ARCH_GET_GS = (
    LINUX_ARCH_PRCTL[n] for n in ("ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS", "ARCH_GET_GS")
)
EINVAL = FREEBSD_ERRNO["EINVAL"]


@handler("sysarch", Support.PARTIAL, "every operation but AMD64_GET/SET_FSBASE/GSBASE (EINVAL)")
def sys_sysarch(call, op, parms):
    """Implements FreeBSD sysarch(2)."""
    if op == AMD64_SET_FSBASE:
        return check((yield lx.arch_prctl(ARCH_SET_FS, call.mem.read_u64(parms))))
    if op == AMD64_SET_GSBASE:
        return check((yield lx.arch_prctl(ARCH_SET_GS, call.mem.read_u64(parms))))
    if op == AMD64_GET_FSBASE:
        return check((yield lx.arch_prctl(ARCH_GET_FS, parms)))
    if op == AMD64_GET_GSBASE:
        return check((yield lx.arch_prctl(ARCH_GET_GS, parms)))
    raise FreeBSDError(EINVAL, f"sysarch op {op}")
