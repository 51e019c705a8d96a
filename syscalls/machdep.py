"""amd64 machine-dependent calls."""

from bsdulator import ptrace, structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.machine import FREEBSD_SYSARCH, LINUX_ARCH_PRCTL
from bsdulator.engine import check, lx
from bsdulator.errors import FreeBSDError
from bsdulator.memory import USER_END
from bsdulator.table import Support, handler

# FreeBSD <x86/sysarch.h> operations -> Linux arch_prctl codes.
AMD64_GET_FSBASE, AMD64_SET_FSBASE, AMD64_GET_GSBASE, AMD64_SET_GSBASE = (
    FREEBSD_SYSARCH[n]
    for n in ("AMD64_GET_FSBASE", "AMD64_SET_FSBASE", "AMD64_GET_GSBASE", "AMD64_SET_GSBASE")
)
AMD64_GET_XFPUSTATE = FREEBSD_SYSARCH["AMD64_GET_XFPUSTATE"]
AMD64_GET_TLSBASE, AMD64_SET_TLSBASE, AMD64_DISABLE_TLSBASE = (
    FREEBSD_SYSARCH[n] for n in ("AMD64_GET_TLSBASE", "AMD64_SET_TLSBASE", "AMD64_DISABLE_TLSBASE")
)
ARCH_SET_GS, ARCH_SET_FS, ARCH_GET_FS, ARCH_GET_GS = (
    LINUX_ARCH_PRCTL[n] for n in ("ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS", "ARCH_GET_GS")
)
EINVAL, ESRCH = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ESRCH"]
SYSARCH_GAPS = (
    "the I386_* (LDT, I/O permissions, 32-bit bases and XFPUSTATE) and PKRU operations "
    "(EINVAL); a signal handler keeps the interrupted code's FS base, not the TLS base"
)


def _user_base(call, parms) -> int:
    """The base a SET operation copies in: at or past VM_MAXUSER_ADDRESS it is EINVAL
    (Linux would say EPERM)."""
    base = call.mem.read_u64(parms)
    if base >= USER_END:
        raise FreeBSDError(EINVAL, f"base {base:#x}")
    return base


@handler("sysarch", Support.PARTIAL, SYSARCH_GAPS)
def sys_sysarch(call, op, parms):
    """Implements FreeBSD sysarch(2)."""
    op &= 0xFFFFFFFF  # an int
    if op in (AMD64_SET_FSBASE, AMD64_SET_TLSBASE):
        base = _user_base(call, parms)
        check((yield lx.arch_prctl(ARCH_SET_FS, base)))
        if op == AMD64_SET_TLSBASE:  # the C runtime's base, which FreeBSD 15's libthr asks for
            call.thread.tlsbase = base
        return 0
    if op == AMD64_SET_GSBASE:
        return check((yield lx.arch_prctl(ARCH_SET_GS, _user_base(call, parms))))
    if op == AMD64_GET_FSBASE:
        return check((yield lx.arch_prctl(ARCH_GET_FS, parms)))
    if op == AMD64_GET_GSBASE:
        return check((yield lx.arch_prctl(ARCH_GET_GS, parms)))
    if op == AMD64_GET_XFPUSTATE:
        return _get_xfpustate(call, parms)
    if op == AMD64_GET_TLSBASE:
        if call.thread.tlsbase is None:
            raise FreeBSDError(ESRCH, "no TLS base set")
        call.mem.write_u64(parms, call.thread.tlsbase)
        return 0
    if op == AMD64_DISABLE_TLSBASE:
        call.thread.tlsbase = None
        return 0
    raise FreeBSDError(EINVAL, f"sysarch op {op}")


def _get_xfpustate(call, parms) -> int:
    """The XSAVE area past the FXSAVE image (savefpu): its header, then the AVX and later
    components; a length beyond what the CPU saves is EINVAL."""
    req = structs.unpack(
        "amd64_get_xfpustate", call.mem.read(parms, structs.sizeof("amd64_get_xfpustate"))
    )
    extended = ptrace.get_xstate(call.thread.tid)[ptrace.FPREGS_SIZE :]
    if not 0 <= req["len"] <= len(extended):
        raise FreeBSDError(EINVAL, f"xfpustate len {req['len']} > {len(extended)}")
    call.mem.write(req["addr"], extended[: req["len"]])
    return 0
