"""Byte ranges of regular files: copy_file_range(2) (FreeBSD 13) on Linux's."""

from bsdulator.engine import check, lx, s32
from bsdulator.table import Support, handler


@handler(
    "copy_file_range",
    Support.PARTIAL,
    "between file systems Linux will not copy across (EXDEV); FreeBSD copies through the buffer "
    "cache there",
)
def sys_copy_file_range(call, infd, inoffp, outfd, outoffp, length, flags):
    """Implements FreeBSD copy_file_range(2): the same arguments and errors as Linux's."""
    return check(
        (yield lx.copy_file_range(s32(infd), inoffp, s32(outfd), outoffp, length, s32(flags)))
    )
