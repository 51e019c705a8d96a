"""net.inet.{tcp,udp,ip,icmp,igmp}.stats and net.link.ether.arp.stats: the protocol counters
`netstat -s` prints, from Linux's of the caller's network namespace (/proc/PID/net/snmp and
net/netstat).

FreeBSD's counters are structs of 64-bit words (abi/structs.py); those Linux counts the same
events for are filled (COUNTERS; ICMP's per-type histograms from IcmpMsg's InTypeN/OutTypeN),
the rest read zero: Linux keeps no IGMP or ARP counters.  tcpstat's layout follows the calling
image (10.x's differs from 12.0's and later's); the others are the same in both.  Linux cannot
zero its counters, so `netstat -z` (a write of zeros) is refused with EPERM.  net.inet.ip.ttl,
the default TTL traceroute starts from, is the namespace's ip_default_ttl."""

import os
import threading

from bsdulator import procfs
from bsdulator import structs as S
from bsdulator.abi import net as N
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES as AF
from bsdulator.abi.flags import FREEBSD_IPPROTO, LINUX_CLONE_FLAGS
from bsdulator.abi.netlink import FREEBSD_IFT
from bsdulator.errors import FreeBSDError
from bsdulator.native._native import lib

EPERM, ESRCH = FREEBSD_ERRNO["EPERM"], FREEBSD_ERRNO["ESRCH"]

# FreeBSD counter <- the sum of Linux counters ("Proto.Name", a leading "-" subtracts), for the
# events both count.  Linux counts a datagram it delivers, FreeBSD every one received.
COUNTERS = {
    "tcp": {
        "tcps_connattempt": "Tcp.ActiveOpens",
        "tcps_accepts": "Tcp.PassiveOpens",
        "tcps_connects": "Tcp.ActiveOpens -Tcp.AttemptFails Tcp.PassiveOpens",
        "tcps_conndrops": "Tcp.AttemptFails",
        "tcps_drops": "Tcp.EstabResets",
        "tcps_sndtotal": "Tcp.OutSegs",
        "tcps_sndrexmitpack": "Tcp.RetransSegs",
        "tcps_rcvtotal": "Tcp.InSegs",
        "tcps_rcvbadsum": "Tcp.InCsumErrors",
        "tcps_delack": "TcpExt.DelayedACKs",
        "tcps_rexmttimeo": "TcpExt.TCPTimeouts",
        "tcps_timeoutdrop": "TcpExt.TCPAbortOnTimeout",
        "tcps_keepprobe": "TcpExt.TCPKeepAlive",
        "tcps_listendrop": "TcpExt.ListenOverflows",
        "tcps_pawsdrop": "TcpExt.PAWSEstab",
        "tcps_predack": "TcpExt.TCPHPAcks",
        "tcps_preddat": "TcpExt.TCPHPHits",
        "tcps_rcvackpack": "TcpExt.TCPPureAcks",
        "tcps_rcvoopack": "TcpExt.TCPOFOQueue",
        "tcps_sc_sendcookie": "TcpExt.SyncookiesSent",
        "tcps_sc_recvcookie": "TcpExt.SyncookiesRecv",
        "tcps_sc_failcookie": "TcpExt.SyncookiesFailed",
        "tcps_sack_recovery_episode": "TcpExt.TCPSackRecovery",
        "tcps_dsack_count": "TcpExt.TCPDSACKRecv",
    },
    "udp": {
        "udps_ipackets": "Udp.InDatagrams Udp.NoPorts Udp.InErrors",
        "udps_badlen": "Udp.InErrors -Udp.RcvbufErrors -Udp.InCsumErrors",
        "udps_badsum": "Udp.InCsumErrors",
        "udps_noport": "Udp.NoPorts",
        "udps_fullsock": "Udp.RcvbufErrors",
        "udps_opackets": "Udp.OutDatagrams",
    },
    "ip": {
        "ips_total": "Ip.InReceives",
        "ips_badhlen": "Ip.InHdrErrors",
        "ips_badaddr": "Ip.InAddrErrors",
        "ips_forward": "Ip.ForwDatagrams",
        "ips_noproto": "Ip.InUnknownProtos",
        "ips_delivered": "Ip.InDelivers",
        "ips_localout": "Ip.OutRequests",
        "ips_odropped": "Ip.OutDiscards",
        "ips_noroute": "Ip.OutNoRoutes",
        "ips_fragtimeout": "Ip.ReasmTimeout",
        "ips_fragments": "Ip.ReasmReqds",
        "ips_reassembled": "Ip.ReasmOKs",
        "ips_fragdropped": "Ip.ReasmFails",
        "ips_fragmented": "Ip.FragOKs",
        "ips_cantfrag": "Ip.FragFails",
        "ips_ofragments": "Ip.FragCreates",
    },
    "icmp": {
        "icps_checksum": "Icmp.InCsumErrors",
        "icps_badlen": "Icmp.InErrors -Icmp.InCsumErrors",
        "icps_reflect": "Icmp.OutEchoReps Icmp.OutTimestampReps Icmp.OutAddrMaskReps",
        # "{}" takes each index of the histogram
        "icps_inhist": "IcmpMsg.InType{}",
        "icps_outhist": "IcmpMsg.OutType{}",
    },
    "igmp": {},
    "arp": {},
}
FIXED = {
    "igmp": {
        "igps_version": N.FREEBSD_IGMPSTAT["IGPS_VERSION_3"],
        "igps_len": N.FREEBSD_IGMPSTAT["IGPS_VERSION3_LEN"],
    },
}


def _layout(protocol: str, osrel: int) -> str:
    if protocol == "tcp":
        return "tcpstat" if osrel >= N.PCBLIST_XINPCB_OSRELDATE else "freebsd10_tcpstat"
    return f"{protocol}stat"


def _sum(terms: str, linux: dict[str, dict[str, int]]) -> int:
    total = 0
    for term in terms.split():
        proto, name = term.lstrip("-").split(".")
        value = linux.get(proto, {}).get(name, 0)
        total += -value if term.startswith("-") else value
    return max(total, 0)


def stats(protocol: str, linux: dict[str, dict[str, int]], osrel: int) -> bytes:
    """The protocol's statistics struct from Linux's counters (procfs.snmp), counters of a layout
    that lacks them (14's new ones for a 10.x caller) left out."""
    layout = _layout(protocol, osrel)
    sizes = {field: size for field, _, size, _ in S.LAYOUTS[layout][1]}
    values = dict(FIXED.get(protocol, {}))
    for field, terms in COUNTERS[protocol].items():
        if field not in sizes:
            continue
        if "{}" in terms:
            words = sizes[field] // 8
            values[field] = [_sum(terms.format(i), linux) for i in range(words)]
        else:
            values[field] = _sum(terms, linux)
    return S.pack(layout, **values)


def _handler(protocol: str):
    def handler(ctx, req, rest: list[int]) -> None:
        if req.new is not None:
            raise FreeBSDError(EPERM, "Linux's protocol counters cannot be zeroed")
        try:
            linux = procfs.snmp(ctx.pid)
        except ProcessLookupError:
            linux = {}
        req.out(stats(protocol, linux, ctx.osrel))

    return handler


def _default_ttl(ctx, rest) -> int:
    """net.inet.ip.ttl: ip_default_ttl of the caller's network namespace, read by a thread of
    ours that entered it (/proc/sys/net answers for the reader's namespace)."""
    found: list[int] = []

    def read():
        try:
            nsfd = os.open(f"/proc/{ctx.pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            try:
                if lib.bsdu_setns(nsfd, LINUX_CLONE_FLAGS["CLONE_NEWNET"]) < 0:
                    return
            finally:
                os.close(nsfd)
            with open("/proc/sys/net/ipv4/ip_default_ttl") as f:
                found.append(int(f.read()))
        except OSError:
            return

    worker = threading.Thread(target=read, name="bsdulator-netns", daemon=True)
    worker.start()
    worker.join()
    if not found:
        raise FreeBSDError(ESRCH, "the caller's network namespace is gone")
    return found[0]


def install(sup) -> None:
    tree = sup.sysctl
    tree.add_handler("net.inet", abi.CTLTYPE_NODE, None, number=AF["AF_INET"])
    tree.add_handler("net.link", abi.CTLTYPE_NODE, None, number=AF["AF_LINK"])
    tree.add_handler("net.link.ether", abi.CTLTYPE_NODE, None, number=FREEBSD_IFT["IFT_ETHER"])
    nodes = {
        "tcp": ("net.inet.tcp", FREEBSD_IPPROTO["IPPROTO_TCP"], "TCPCTL_STATS", "TCP"),
        "udp": ("net.inet.udp", FREEBSD_IPPROTO["IPPROTO_UDP"], "UDPCTL_STATS", "UDP"),
        "ip": ("net.inet.ip", FREEBSD_IPPROTO["IPPROTO_IP"], "IPCTL_STATS", "IP"),
        "icmp": ("net.inet.icmp", FREEBSD_IPPROTO["IPPROTO_ICMP"], "ICMPCTL_STATS", "ICMP"),
        "igmp": ("net.inet.igmp", FREEBSD_IPPROTO["IPPROTO_IGMP"], "IGMPCTL_STATS", "IGMP"),
        "arp": ("net.link.ether.arp", AF["AF_ARP"], None, "ARP"),
    }
    for name, (node, number, leaf, what) in nodes.items():
        tree.add_handler(node, abi.CTLTYPE_NODE, None, number=number)
        tree.add_handler(
            f"{node}.stats",
            abi.CTLTYPE_OPAQUE,
            _handler(name),
            fmt=f"S,{name}stat",
            number=abi.OID_AUTO if leaf is None else N.FREEBSD_STATS_OIDS[leaf],
            descr=f"{what} statistics",
        )
    tree.add(
        "net.inet.ip.ttl",
        abi.CTLTYPE_INT,
        _default_ttl,
        number=N.FREEBSD_IPCTL_DEFTTL["IPCTL_DEFTTL"],
        descr="Maximum TTL on IP packets",
    )
