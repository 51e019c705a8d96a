"""membarrier(2) (FreeBSD 14.1): the same command bits as Linux's membarrier, with FreeBSD's set
of supported commands (kern_membarrier.c: no RSEQ, no flags)."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_MEMBARRIER_CMDS as CMD
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EINVAL = FREEBSD_ERRNO["EINVAL"]
# MEMBARRIER_SUPPORTED_CMDS: every command but the query and the RSEQ pair
SUPPORTED = 0
for _name, _bit in CMD.items():
    if "RSEQ" not in _name:
        SUPPORTED |= _bit


@handler(
    "membarrier", Support.TRANSLATED, "Linux membarrier; the query answers FreeBSD's command set"
)
def sys_membarrier(call, cmd, flags, cpu_id):
    """Implements FreeBSD membarrier(2): one command at a time, registration first for the
    expedited ones (EPERM), flags 0."""
    cmd = s32(cmd)
    if s32(flags) != 0 or cmd & ~SUPPORTED:
        raise FreeBSDError(EINVAL, f"membarrier command {cmd:#x}, flags {flags:#x}")
    if cmd == CMD["MEMBARRIER_CMD_QUERY"]:
        return SUPPORTED
    return check((yield lx.membarrier(cmd, 0, 0)))
