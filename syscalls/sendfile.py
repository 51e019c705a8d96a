"""sendfile(2): a file's bytes to a stream socket, with headers and trailers around them, on
Linux's sendfile and writev."""

import stat

from bsdulator import procfs, structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.engine import check, lx, s32, signed
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EINVAL, ENOTSOCK, EBADF = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ENOTSOCK", "EBADF"))
CHUNK = 0x7FFFFFFF  # Linux moves at most MAX_RW_COUNT per call anyway


def _mode(call, fd: int) -> int:
    try:
        return procfs.fd_stat(call.proc.pid, fd).st_mode
    except OSError:
        raise FreeBSDError(EBADF) from None


@handler(
    "sendfile",
    Support.PARTIAL,
    "the flags (SF_NODISKIO, SF_NOCACHE, SF_SYNC, readahead) change nothing; a datagram "
    "socket is not refused",
)
def sys_sendfile(call, fd, s, offset, nbytes, hdtr, sbytes):
    """Implements FreeBSD sendfile(2): nbytes 0 sends to the end of the file; *sbytes counts
    headers, file bytes and trailers, also when the call fails part way (EAGAIN); fd's offset
    does not move.  The seventh argument, flags (on the stack), is not read: none changes what
    is sent."""
    fd, s, offset = s32(fd), s32(s), signed(offset)
    if not stat.S_ISREG(_mode(call, fd)):
        raise FreeBSDError(EINVAL, "sendfile from a file that is not regular")
    if not stat.S_ISSOCK(_mode(call, s)):
        raise FreeBSDError(ENOTSOCK)
    if offset < 0:
        raise FreeBSDError(EINVAL, "negative offset")
    h = {"headers": 0, "hdr_cnt": 0, "trailers": 0, "trl_cnt": 0}
    if hdtr:
        h = structs.unpack("sf_hdtr", call.mem.read(hdtr, structs.sizeof("sf_hdtr")))
    sent = 0
    try:
        if h["hdr_cnt"] > 0:
            sent += check((yield lx.writev(s, h["headers"], h["hdr_cnt"])))
        pos = call.alloc(8)
        call.mem.write_u64(pos, offset)
        left = nbytes
        while True:
            n = check((yield lx.sendfile(s, fd, pos, min(left, CHUNK) if nbytes else CHUNK)))
            sent += n
            left -= n
            if n == 0 or (nbytes and left == 0):
                break
        if h["trl_cnt"] > 0:
            sent += check((yield lx.writev(s, h["trailers"], h["trl_cnt"])))
    finally:
        if sbytes:
            call.mem.write_u64(sbytes, sent)
    return 0
