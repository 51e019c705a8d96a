"""kern.file (sysctl_kern_file): every open descriptor of the processes the caller may see, as
struct xfile, which `sockstat` joins with the pcblist records to name each socket's owner.

Descriptors come from /proc/PID/fd and fdinfo; their kind from what the link names (a socket,
a pipe, an anonymous inode) and the kernel addresses are stand-ins: a socket's xf_data is the
address its pcblist record carries (syscalls/pcblist.py).  The records' layout follows the calling
image (10.x's struct xfile before 12.0).  A jailed caller sees its jail's processes (p_cansee,
through syscalls/procsysctl.py's View)."""

import re

from bsdulator import procfs
from bsdulator import structs as S
from bsdulator.abi import net as N
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_FILE_FLAGS, FREEBSD_O_FLAGS, LINUX_O_FLAGS
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.pcblist import socket_address
from bsdulator.syscalls.procsysctl import ProcTable, View
from bsdulator.translate import OPEN_FLAGS

EPERM = FREEBSD_ERRNO["EPERM"]
DTYPE = N.FREEBSD_DTYPES
LINK = re.compile(r"(socket|pipe|anon_inode):\[?([^\]]*)\]?")
ANON_TYPES = {  # anon_inode:[NAME] -> what FreeBSD calls that kind of descriptor
    "eventpoll": DTYPE["DTYPE_KQUEUE"],  # a kqueue is an epoll instance here (syscalls/kqueue)
    "pidfd": DTYPE["DTYPE_PROCDESC"],
    "[pidfd]": DTYPE["DTYPE_PROCDESC"],
    "eventfd": DTYPE["DTYPE_EVENTFD"],
    "[eventfd]": DTYPE["DTYPE_EVENTFD"],
}
ACCMODE = LINUX_O_FLAGS["O_ACCMODE"]


def _kind(target: str) -> tuple[int, int]:
    """(xf_type, xf_data) of a descriptor from its /proc link."""
    m = LINK.fullmatch(target)
    if m is None:
        return DTYPE["DTYPE_VNODE"], 0
    kind, name = m.groups()
    if kind == "socket":
        return DTYPE["DTYPE_SOCKET"], socket_address(int(name))
    if kind == "pipe":
        return DTYPE["DTYPE_PIPE"], 0
    return ANON_TYPES.get(name, DTYPE["DTYPE_VNODE"]), 0


def _flags(linux: int) -> int:
    """f_flag: FFLAGS of the open mode (FREAD/FWRITE) and the status flags, in FreeBSD's bits."""
    access = {0: FREEBSD_FILE_FLAGS["FREAD"], 1: FREEBSD_FILE_FLAGS["FWRITE"]}.get(
        linux & ACCMODE, FREEBSD_FILE_FLAGS["FREAD"] | FREEBSD_FILE_FLAGS["FWRITE"]
    )
    return access | (OPEN_FLAGS.to_freebsd(linux & ~ACCMODE) & ~FREEBSD_O_FLAGS["O_ACCMODE"])


def records(view: View, modern: bool) -> bytes:
    layout = "xfile" if modern else "freebsd10_xfile"
    out = []
    for proc in view.everyone():
        pid = view.numbers.get(proc.pid, 0) if view.numbers is not None else proc.pid
        try:
            fds = sorted(procfs.fds(proc.pid))
        except ProcessLookupError:
            continue
        for fd in fds:
            target = procfs.fd_target(proc.pid, fd)
            if target is None:
                continue
            info = procfs.fdinfo(proc.pid, fd)
            xf_type, data = _kind(target)
            out.append(
                S.pack(
                    layout,
                    xf_size=S.sizeof(layout),
                    xf_pid=pid,
                    xf_uid=proc.uids[1],
                    xf_fd=fd,
                    xf_file=N.FREEBSD_DMAP_MIN_ADDRESS,
                    xf_type=xf_type,
                    xf_count=1,
                    xf_offset=info.get("pos", 0),
                    xf_data=data,
                    xf_flag=_flags(info.get("flags", 0)),
                )
            )
    return b"".join(out)


def install(sup) -> None:
    table = ProcTable(sup)

    def handler(ctx, req, rest: list[int]) -> None:
        if req.new is not None:
            raise FreeBSDError(EPERM, "kern.file is read-only")
        req.out(records(View(table, ctx), ctx.osrel >= N.PCBLIST_XINPCB_OSRELDATE))

    sup.sysctl.add_handler(
        "kern.file",
        abi.CTLTYPE_OPAQUE,
        handler,
        fmt="S,xfile",
        number=abi.KERN_FILE,
        descr="Entire file table",
    )
