"""Memory mappings."""

from bsdulator import translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_INHERIT,
    FREEBSD_MADV_ADVICE,
    FREEBSD_MSYNC_FLAGS,
    LINUX_MADV_ADVICE,
)
from bsdulator.abi.machine import FREEBSD_PAGE_SIZES
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler, native

native("munmap")
native("mprotect", note="PROT_* bits are the same numbers")


# PRIV_VM_MLOCK/PRIV_VM_MUNLOCK: a jail has them only with allow.mlock.  Its processes also
# lack CAP_IPC_LOCK, but Linux still lets them lock up to RLIMIT_MEMLOCK, which they may raise.
@handler("mlock", Support.TRANSLATED, "refused in jails without allow.mlock")
def sys_mlock(call, addr, length):
    """Implements FreeBSD mlock(2)."""
    refuse_in_jail(call, "locking memory", allow="allow.mlock")
    return check((yield lx.mlock(addr, length)))


@handler("munlock", Support.TRANSLATED, "refused in jails without allow.mlock")
def sys_munlock(call, addr, length):
    """Implements FreeBSD munlock(2)."""
    refuse_in_jail(call, "unlocking memory", allow="allow.mlock")
    return check((yield lx.munlock(addr, length)))


@handler(
    "mlockall",
    Support.TRANSLATED,
    "MCL_* bits are the same numbers; refused in jails without allow.mlock",
)
def sys_mlockall(call, how):
    """Implements FreeBSD mlockall(2)."""
    refuse_in_jail(call, "locking memory", allow="allow.mlock")
    return check((yield lx.mlockall(s32(how))))


@handler("munlockall", Support.TRANSLATED, "refused in jails without allow.mlock")
def sys_munlockall(call):
    """Implements FreeBSD munlockall(2)."""
    refuse_in_jail(call, "unlocking memory", allow="allow.mlock")
    return check((yield lx.munlockall()))


@handler(
    "mmap",
    Support.TRANSLATED,
    "MAP_* translated; MAP_ALIGNED by over-mapping and trimming; MAP_GUARD as PROT_NONE",
)
def sys_mmap(call, addr, length, prot, flags, fd, pos):
    """Implements FreeBSD mmap(2)."""
    align = translate.mmap_alignment(flags)
    prot, lflags = translate.mmap_to_linux(prot, flags)
    fd = -1 if fd & 0xFFFFFFFF == 0xFFFFFFFF else fd
    if align <= FREEBSD_PAGE_SIZES["PAGE_SIZE"] or addr:
        return check((yield lx.mmap(addr, length, prot, lflags, fd, pos)))
    # MAP_ALIGNED(n)/MAP_ALIGNED_SUPER: map enough to find an aligned start, unmap the rest.
    span = length + align
    base = check((yield lx.mmap(0, span, prot, lflags, fd, pos)))
    start = (base + align - 1) & ~(align - 1)
    if start > base:
        check((yield lx.munmap(base, start - base)))
    if base + span > start + length:
        check((yield lx.munmap(start + length, base + span - start - length)))
    return start


@handler(
    "madvise",
    Support.TRANSLATED,
    "advice numbers translated; FreeBSD-only hints succeed without effect",
)
def sys_madvise(call, addr, length, behav):
    """Implements FreeBSD madvise(2)."""
    if s32(behav) not in FREEBSD_MADV_ADVICE.values():
        raise FreeBSDError(EINVAL, f"madvise {behav}")
    linux = translate.MADV_ADVICE.to_linux(s32(behav))
    if linux is None:  # MADV_NOSYNC, MADV_AUTOSYNC, MADV_PROTECT
        return 0
    return check((yield lx.madvise(addr, length, linux)))


@handler("msync", Support.TRANSLATED, "MS_* translated")
def sys_msync(call, addr, length, flags):
    """Implements FreeBSD msync(2): MS_ASYNC with MS_INVALIDATE contradict each other (EINVAL,
    kern_msync), which Linux accepts."""
    if s32(flags) & ASYNC_INVALIDATE == ASYNC_INVALIDATE:
        raise FreeBSDError(FREEBSD_ERRNO["EINVAL"], "MS_ASYNC|MS_INVALIDATE")
    return check((yield lx.msync(addr, length, translate.msync_to_linux(flags))))


ASYNC_INVALIDATE = FREEBSD_MSYNC_FLAGS["MS_ASYNC"] | FREEBSD_MSYNC_FLAGS["MS_INVALIDATE"]


@handler(
    "mincore",
    Support.PARTIAL,
    "MINCORE_REFERENCED/MODIFIED (and their _OTHER forms, MINCORE_SUPER) are never set: Linux "
    "reports residency only, which is MINCORE_INCORE's bit",
)
def sys_mincore(call, addr, length, vec):
    """Implements FreeBSD mincore(2)."""
    return check((yield lx.mincore(addr, length, vec)))


# FreeBSD INHERIT_* -> Linux madvise advice giving the same fork behaviour.
_INHERIT = {
    FREEBSD_INHERIT[freebsd]: LINUX_MADV_ADVICE[linux]
    for freebsd, linux in (
        ("INHERIT_COPY", "MADV_DOFORK"),
        ("INHERIT_NONE", "MADV_DONTFORK"),
        ("INHERIT_ZERO", "MADV_WIPEONFORK"),
    )
}
EINVAL, ENOMEM = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENOMEM"]


@handler("minherit", Support.PARTIAL, "INHERIT_SHARE of private memory (EINVAL)")
def sys_minherit(call, addr, length, inherit):
    """Implements FreeBSD minherit(2)."""
    advice = _INHERIT.get(inherit & 0xFFFFFFFF)
    if advice is None:
        raise FreeBSDError(EINVAL, "INHERIT_SHARE needs shared memory Linux cannot retrofit")
    return check((yield lx.madvise(addr, length, advice)))


@handler("break", Support.TRANSLATED, "Linux's brk, whose start is the program's data end too")
def sys_break(call, nsize):
    """Implements FreeBSD break(2) (obreak): move the data segment's end to nsize rounded up to
    a page and return it; below the segment's start (libc's break(NULL)) nothing changes and
    the current end is returned, as Linux's brk does too."""
    page = FREEBSD_PAGE_SIZES["PAGE_SIZE"]
    new = (nsize + page - 1) & ~(page - 1)
    got = yield lx.brk(new)
    if got < new:  # Linux keeps the old end when it cannot grow (RLIMIT_DATA, no room)
        raise FreeBSDError(ENOMEM, "the data segment cannot grow")
    return got
