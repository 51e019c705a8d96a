"""net.local.{stream,dgram,seqpacket}.pcblist (unp_pcblist): the unix-domain sockets of the
caller's network namespace, as `netstat -a` and `sockstat` read them.

sock_diag (pyroute2, bsdulator/net/reader.py) gives each socket's inode, type, state, peer, name
and queues.  The answer is a struct xunpgen, one xunpcb per socket and a closing xunpgen, in the
calling image's generation (10.x's records carry the kernel's struct unpcb).  Kernel addresses
are stand-ins: the socket's is the one kern.file names (syscalls/pcblist.py), its unpcb's lies
after it, so a connected socket's unp_conn is its peer's xu_unpp.  Linux's abstract names (no
FreeBSD equivalent) are shown with a leading '@'.  A jailed caller sees the sockets its jail's
processes hold."""

from bsdulator import structs as S
from bsdulator.abi import net as N
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_ADDRESS_FAMILIES,
    FREEBSD_SO_OPTIONS,
    FREEBSD_SOCK_TYPES,
    LINUX_SOCK_TYPES,
)
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.pcblist import socket_address, visible
from bsdulator.translate import SOCK_TYPES

EPERM = FREEBSD_ERRNO["EPERM"]
AF_LOCAL = FREEBSD_ADDRESS_FAMILIES["AF_LOCAL"]
SO_ACCEPTCONN = FREEBSD_SO_OPTIONS["SO_ACCEPTCONN"]
SUN_PATH = S.offsetof("sockaddr_un", "sun_path")
SUN_PATH_MAX = S.sizeof("sockaddr_un") - SUN_PATH
TYPES = ("stream", "dgram", "seqpacket")  # the net.local nodes, named after SOCK_<TYPE>


def pcb_address(inode: int) -> int:
    """The stand-in address of a socket's unpcb: just after its socket's."""
    return socket_address(inode) + S.sizeof("xsocket")


def _sockaddr(sock) -> bytes:
    if not sock.name:
        return b""
    path = (sock.name if sock.bound_in_fs else b"@" + sock.name.lstrip(b"\0"))[:SUN_PATH_MAX]
    return S.pack("sockaddr_un", sun_len=SUN_PATH + len(path), sun_family=AF_LOCAL, sun_path=path)


def _record(sock, gencnt: int, modern: bool) -> bytes:
    so = {
        "xso_len": S.sizeof("xsocket" if modern else "freebsd10_xsocket"),
        "xso_so": socket_address(sock.inode),
        "so_pcb": pcb_address(sock.inode),
        "so_type": SOCK_TYPES.to_freebsd(sock.sock_type, 0),
        "so_options": SO_ACCEPTCONN if sock.listening else 0,
        "xso_family": AF_LOCAL,
        "so_qlen": sock.rqueue if sock.listening else 0,
        "so_qlimit": sock.wqueue if sock.listening else 0,
        "so_rcv": {"sb_cc": 0 if sock.listening else sock.rqueue},
        "so_snd": {"sb_cc": 0 if sock.listening else sock.wqueue},
    }
    common = {
        "xu_unpp": pcb_address(sock.inode),
        "unp_vnode": N.FREEBSD_DMAP_MIN_ADDRESS if sock.bound_in_fs else 0,
        "unp_conn": pcb_address(sock.peer) if sock.peer else 0,
        "unp_gencnt": gencnt,
        "xu_addr": _sockaddr(sock) or bytes(S.sizeof("sockaddr_un")),
    }
    if modern:
        socket = S.pack("xsocket", **so)
        return S.pack("xunpcb", xu_len=S.sizeof("xunpcb"), xu_socket=socket, **common)
    socket = S.pack("freebsd10_xsocket", **so)
    return S.pack(
        "freebsd10_xunpcb",
        xu_len=S.sizeof("freebsd10_xunpcb"),
        unp_socket=socket_address(sock.inode),
        unp_addr=pcb_address(sock.inode) + S.sizeof("xunpcb") if sock.name else 0,
        xu_socket=socket,
        **common,
    )


def pcblist(sockets: list, osrel: int) -> bytes:
    """xunpgen, one xunpcb per socket, xunpgen again."""
    modern = osrel >= N.PCBLIST_XINPCB_OSRELDATE
    gen = S.pack(
        "xunpgen",  # 10.x's is the same 32 bytes
        xug_len=S.sizeof("xunpgen"),
        xug_count=len(sockets),
        xug_gen=len(sockets) + 1,
        xug_sogen=len(sockets) + 1,
    )
    records = [_record(sock, n + 1, modern) for n, sock in enumerate(sockets)]
    return gen + b"".join(records) + gen


def _handler(kind: str):
    linux_type = LINUX_SOCK_TYPES[f"SOCK_{kind.upper()}"]

    def handler(ctx, req, rest: list[int]) -> None:
        from bsdulator.net import reader
        from bsdulator.net.backend import NetError

        if req.new is not None:
            raise FreeBSDError(EPERM, f"net.local.{kind}.pcblist is read-only")
        try:
            sockets = [s for s in reader.unix_sockets(ctx.pid) if s.sock_type == linux_type]
        except NetError:
            sockets = []
        sockets = visible(ctx, sockets, own_stack_sees_all=False)
        req.out(pcblist(sockets, ctx.osrel))

    return handler


def install(sup) -> None:
    tree = sup.sysctl
    tree.add_handler("net.local", abi.CTLTYPE_NODE, None, number=AF_LOCAL, descr="Local domain")
    for kind in TYPES:
        tree.add_handler(
            f"net.local.{kind}",
            abi.CTLTYPE_NODE,
            None,
            number=FREEBSD_SOCK_TYPES[f"SOCK_{kind.upper()}"],
            descr=kind.upper(),
        )
        tree.add_handler(
            f"net.local.{kind}.pcblist",
            abi.CTLTYPE_OPAQUE,
            _handler(kind),
            fmt="S,xunpcb",
            descr=f"List of active local {kind} sockets",
        )
