"""net.inet.{tcp,udp,raw}.pcblist (in_pcblist, tcp_pcblist): the Internet sockets of the caller's
network namespace, as `netstat -a` and `sockstat` read them.

The answer is a struct xinpgen, one record per socket and a closing xinpgen, built from
/proc/PID/net/{tcp,udp,raw}{,6} of the caller.  The record's layout is the one the calling image
was built for (its ABI note, p_osrel): 12.0 and later get struct xinpcb/xtcpcb, older images the
10.x records, which carry the kernel's own struct inpcb and tcpcb (11.x's differ from 10.x's and
are not served).  What FreeBSD's records hold that Linux's table lacks is left zero: the
kernel addresses are stand-ins made from the socket's inode, and timers, retransmission counts and
TCP flags are not exported.

A listening socket's backlog comes from sock_diag (bsdulator/net/reader.py).

A jailed caller sees what cr_canseeinpcb lets it: a jail with its own vnet every socket of its
network namespace; a jail sharing its parent's stack only the sockets its own processes (and
those of the jails below it) hold, found by inode in their descriptor tables."""

from bsdulator import procfs
from bsdulator import structs as S
from bsdulator.abi import net as N
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_ADDRESS_FAMILIES,
    FREEBSD_IPPROTO,
    FREEBSD_SO_OPTIONS,
    FREEBSD_SOCK_TYPES,
)
from bsdulator.abi.jail import JAIL_SYS_NEW
from bsdulator.errors import FreeBSDError

EPERM = FREEBSD_ERRNO["EPERM"]
AF_INET, AF_INET6 = (FREEBSD_ADDRESS_FAMILIES[n] for n in ("AF_INET", "AF_INET6"))
INP_IPV4, INP_IPV6 = (N.FREEBSD_INP_VFLAGS[n] for n in ("INP_IPV4", "INP_IPV6"))
SO_ACCEPTCONN = FREEBSD_SO_OPTIONS["SO_ACCEPTCONN"]
TCPS_LISTEN = N.FREEBSD_TCP_STATES["TCPS_LISTEN"]
TCP_STATES = {
    N.LINUX_TCP_STATES[linux]: N.FREEBSD_TCP_STATES[freebsd]
    for linux, freebsd in N.TCP_STATE_TO_FREEBSD.items()
}
IN6_ADDR_SIZE = S.offsetof("sockaddr_in6", "sin6_scope_id") - S.offsetof(
    "sockaddr_in6", "sin6_addr"
)


class Protocol:
    """One pcblist leaf: the /proc/net table it reads and what its sockets are."""

    def __init__(self, table: str, proto: int | None, sock_type: int):
        self.table = table
        self.proto = proto  # None: a raw socket's own protocol (its "port" in the table)
        self.sock_type = sock_type

    @property
    def is_tcp(self) -> bool:
        return self.table == "tcp"


PROTOCOLS = {
    "tcp": Protocol("tcp", FREEBSD_IPPROTO["IPPROTO_TCP"], FREEBSD_SOCK_TYPES["SOCK_STREAM"]),
    "udp": Protocol("udp", FREEBSD_IPPROTO["IPPROTO_UDP"], FREEBSD_SOCK_TYPES["SOCK_DGRAM"]),
    "raw": Protocol("raw", None, FREEBSD_SOCK_TYPES["SOCK_RAW"]),
}


def socket_address(inode: int) -> int:
    """The stand-in kernel address of a socket (xso_so, so_pcb, kern.file's xf_data): the same
    for one socket in every record, so sockstat can match descriptors to sockets."""
    return N.FREEBSD_DMAP_MIN_ADDRESS + inode * S.sizeof("xinpcb")


def _union(address: bytes) -> bytes:
    """An address as struct in_endpoints' union holds it: IPv6 whole, IPv4 in the last word."""
    return address if len(address) == IN6_ADDR_SIZE else bytes(IN6_ADDR_SIZE - 4) + address


def _fields(protocol: Protocol, sock, gencnt: int, backlogs: dict[int, int]) -> dict:
    """What both record generations share, by FreeBSD's field names."""
    listening = protocol.is_tcp and TCP_STATES.get(sock.state) == TCPS_LISTEN
    handle = socket_address(sock.inode)
    return {
        "so": {
            "xso_so": handle,
            "so_pcb": handle,
            "so_type": protocol.sock_type,
            "so_options": SO_ACCEPTCONN if listening else 0,
            "xso_protocol": sock.local_port if protocol.proto is None else protocol.proto,
            "xso_family": AF_INET6 if sock.inet6 else AF_INET,
            # a listening socket's receive queue column is its accept queue
            "so_qlen": sock.rx_queue if listening else 0,
            "so_qlimit": backlogs.get(sock.inode, 0) if listening else 0,
            "so_rcv": {"sb_cc": 0 if listening else sock.rx_queue},
            "so_snd": {"sb_cc": 0 if listening else sock.tx_queue},
            "so_uid": sock.uid,
        },
        "inc": {
            "ie_fport": 0 if protocol.proto is None else sock.remote_port,
            "ie_lport": 0 if protocol.proto is None else sock.local_port,
            "ie_dependfaddr": _union(sock.remote),
            "ie_dependladdr": _union(sock.local),
        },
        "inp": {
            "inp_gencnt": gencnt,
            "inp_vflag": INP_IPV6 if sock.inet6 else INP_IPV4,
        },
        "t_state": TCP_STATES.get(sock.state, 0),
        "handle": handle,
    }


def _record_10(protocol: Protocol, f: dict) -> bytes:
    """struct xtcpcb / xinpcb as 10.x's kernel wrote them."""
    so = S.pack("freebsd10_xsocket", xso_len=S.sizeof("freebsd10_xsocket"), **f["so"])
    inc = S.pack("freebsd10_in_conninfo", **f["inc"])
    inp = S.pack("freebsd10_inpcb", inp_ppcb=f["handle"], inp_inc=inc, **f["inp"])
    if protocol.is_tcp:
        tp = S.pack("freebsd10_tcpcb", t_state=f["t_state"])
        size = S.sizeof("freebsd10_xtcpcb")
        return S.pack("freebsd10_xtcpcb", xt_len=size, xt_inp=inp, xt_tp=tp, xt_socket=so)
    size = S.sizeof("freebsd10_xinpcb")
    return S.pack("freebsd10_xinpcb", xi_len=size, xi_inp=inp, xi_socket=so)


def _record(protocol: Protocol, f: dict, cc: str) -> bytes:
    """struct xtcpcb / xinpcb of 12.0 and later."""
    so = S.pack("xsocket", xso_len=S.sizeof("xsocket"), **f["so"])
    inc = S.pack("in_conninfo", inc_ie=S.pack("in_endpoints", **f["inc"]))
    xinp = S.pack("xinpcb", xi_len=S.sizeof("xinpcb"), xi_socket=so, inp_inc=inc, **f["inp"])
    if protocol.is_tcp:
        size = S.sizeof("xtcpcb")
        return S.pack(
            "xtcpcb", xt_len=size, xt_inp=xinp, xt_stack="freebsd", xt_cc=cc, t_state=f["t_state"]
        )
    return xinp


def visible(ctx, sockets: list, own_stack_sees_all: bool = True) -> list:
    """cr_canseeinpcb: a jailed caller sees its own processes' sockets, or (own_stack_sees_all)
    every socket of the stack a vnet jail has to itself."""
    jails = ctx.jails
    if jails is None or not ctx.jail:
        return sockets
    if own_stack_sees_all and jails.record(ctx.jail).get("vnet") == JAIL_SYS_NEW:
        return sockets
    held = set()
    for pid in jails.members(ctx.jail):
        try:
            held |= {procfs.fd_inode(pid, fd) for fd in procfs.fds(pid)}
        except ProcessLookupError:
            continue
    return [s for s in sockets if s.inode in held]


def pcblist(
    protocol: Protocol, sockets: list, osrel: int, cc: str = "", backlogs: dict | None = None
) -> bytes:
    """The whole answer: xinpgen, the records, xinpgen again (nothing changed in between)."""
    modern = osrel >= N.PCBLIST_XINPCB_OSRELDATE
    gen = S.pack(
        "xinpgen" if modern else "freebsd10_xinpgen",
        xig_len=S.sizeof("xinpgen" if modern else "freebsd10_xinpgen"),
        xig_count=len(sockets),
        xig_gen=len(sockets) + 1,
        xig_sogen=len(sockets) + 1,
    )
    fields = [_fields(protocol, sock, n + 1, backlogs or {}) for n, sock in enumerate(sockets)]
    records = [_record(protocol, f, cc) if modern else _record_10(protocol, f) for f in fields]
    return gen + b"".join(records) + gen


def _backlogs(pid: int, protocol: Protocol, sockets: list) -> dict[int, int]:
    """Listening sockets' backlogs, asked of sock_diag only when there are some (pyroute2 is
    imported for it)."""
    if not any(protocol.is_tcp and TCP_STATES.get(s.state) == TCPS_LISTEN for s in sockets):
        return {}
    from bsdulator.net import reader
    from bsdulator.net.backend import NetError

    try:
        return reader.listen_backlogs(pid)
    except NetError:
        return {}


def _congestion_control(pid: int) -> str:
    try:
        return procfs.read(pid, "sys/net/ipv4/tcp_congestion_control").decode().strip()
    except (ProcessLookupError, PermissionError, UnicodeDecodeError):
        return ""


def _handler(protocol: Protocol):
    def handler(ctx, req, rest: list[int]) -> None:
        if req.new is not None:
            raise FreeBSDError(EPERM, f"net.inet.{protocol.table}.pcblist is read-only")
        try:
            sockets = procfs.inet_sockets(ctx.pid, protocol.table)
        except ProcessLookupError:
            sockets = []
        sockets = visible(ctx, sockets)
        cc = _congestion_control(ctx.pid) if protocol.is_tcp else ""
        req.out(pcblist(protocol, sockets, ctx.osrel, cc, _backlogs(ctx.pid, protocol, sockets)))

    return handler


def install(sup) -> None:
    tree = sup.sysctl
    tree.add_handler("net.inet", abi.CTLTYPE_NODE, None, number=AF_INET, descr="Internet Family")
    leaves = {
        "tcp": N.FREEBSD_PCBLIST_OIDS["TCPCTL_PCBLIST"],
        "udp": N.FREEBSD_PCBLIST_OIDS["UDPCTL_PCBLIST"],
        "raw": abi.OID_AUTO,
    }
    node_numbers = {
        "tcp": FREEBSD_IPPROTO["IPPROTO_TCP"],
        "udp": FREEBSD_IPPROTO["IPPROTO_UDP"],
        "raw": FREEBSD_IPPROTO["IPPROTO_RAW"],
    }
    for name, protocol in PROTOCOLS.items():
        tree.add_handler(f"net.inet.{name}", abi.CTLTYPE_NODE, None, number=node_numbers[name])
        tree.add_handler(
            f"net.inet.{name}.pcblist",
            abi.CTLTYPE_OPAQUE,
            _handler(protocol),
            fmt="S,xtcpcb" if protocol.is_tcp else "S,xinpcb",
            number=leaves[name],
            descr=f"List of active {name.upper()} connections",
        )
