"""FreeBSD rtnetlink ⇄ Linux rtnetlink, as pure functions on the bytes of one datagram.

FreeBSD's rtnetlink uses Linux's message format; what differs, per message kind:

  every kind   address families (AF_INET6 28 ⇄ 10, AF_LINK ⇄ AF_PACKET) in the header's first
               byte; interface names (bsdulator/net/names.py: lo0 ⇄ lo).
  links        ifi_type IFT_* ⇄ ARPHRD_* (a Linux bridge or vlan, ARPHRD_ETHER there, is
               IFT_BRIDGE or IFT_L2VLAN by its link kind), ifi_flags FreeBSD IFF_* ⇄ Linux's.
               To FreeBSD: the attributes FreeBSD's route/interface.h defines are kept
               (IFLA_STATS64 cut to FreeBSD's struct), IFLA_LINKINFO and every Linux-only one
               dropped (Linux numbers past IFLA_FREEBSD); IFF_MULTICAST is synthesized for a
               loopback and IFF_SIMPLEX for an Ethernet, as FreeBSD's if_loop and Ethernet
               drivers set them.  To Linux: IFLA_FREEBSD dropped.  IFLA_FREEBSD is not
               synthesized (no original name or hardware address, no capability bitset).
  addresses    IFA_* up to IFA_FLAGS kept; Linux's later ones dropped (IFA_PROTO has IFA_FREEBSD's
               number); IFA_LOCAL synthesized from IFA_ADDRESS where Linux gives only that
               (IPv6), as FreeBSD's dump has both, and an IPv6 address's IFA_FREEBSD/IFAF_FLAGS
               (IN6_IFF_TENTATIVE … from IFA_F_*), which ifconfig prints.  To Linux:
               IFA_FREEBSD dropped (no carp vhid), its IN6_IFF_* becoming IFA_F_* (no_dad …).
  routes       rtm_table and RTA_TABLE: FreeBSD's fib 0 ⇄ Linux's main table; routes of other
               Linux tables (local, broadcast …) and types FreeBSD lacks are not shown.  RTA_VIA
               has a one-byte family on FreeBSD, two bytes on Linux.  To FreeBSD: RTA_RTFLAGS
               synthesized (RTF_UP, GATEWAY, HOST, STATIC, BLACKHOLE, REJECT), RTA_DST of a
               default route synthesized (FreeBSD always sends it), Linux's RTA_PRIORITY,
               RTA_PREFSRC, RTA_CACHEINFO, RTA_PREF … dropped.  To Linux: RTA_RTFLAGS becomes the
               route type (blackhole, reject), whose gateway goes (Linux refuses one);
               RTA_KNH_ID and RTA_WEIGHT are dropped; a single (non-dump) RTM_GETROUTE asks for
               the FIB entry (RTM_F_FIB_MATCH), which is what FreeBSD answers, not Linux's
               per-destination clone, and its "unreachable" is FreeBSD's ESRCH (as is a
               single RTM_GETLINK's "no such device").  An exact prefix lookup (RTM_F_PREFIX,
               route get default) has no Linux form: it becomes a dump (PrefixGet).
  NLMSG_ERROR  Linux's negative errno → FreeBSD's positive one; the extended ack keeps
  NLMSG_DONE   NLMSGERR_ATTR_MSG only (the offset points into the Linux request).
Neighbour and nexthop messages get their family translated and pass otherwise; generic netlink
passes as it is."""

import struct
from dataclasses import dataclass

from bsdulator import translate
from bsdulator.abi import netlink as N
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_ADDRESS_FAMILIES
from bsdulator.net.names import freebsd_ifname, linux_ifname

# A lookup that finds nothing: FreeBSD's rtnetlink says ESRCH where Linux says which thing is
# missing (no route: ENETUNREACH; no interface by that index: ENODEV).
NOT_FOUND = {
    (N.RTM_TYPES["RTM_GETROUTE"], FREEBSD_ERRNO["ENETUNREACH"]): FREEBSD_ERRNO["ESRCH"],
    (N.RTM_TYPES["RTM_GETLINK"], FREEBSD_ERRNO["ENODEV"]): FREEBSD_ERRNO["ESRCH"],
}
NLMSGHDR = struct.Struct("<IHHII")
NLATTR = struct.Struct("<HH")
IFINFOMSG = struct.Struct("<BxHiII")
IFADDRMSG = struct.Struct("<BBBBI")
RTMSG = struct.Struct("<BBBBBBBBI")
RTNEXTHOP = struct.Struct("<HBBi")
U32 = struct.Struct("<I")
S32 = struct.Struct("<i")

T = {**N.NLMSG_TYPES, **N.RTM_TYPES}
F = N.NLM_FLAGS
IFLA, IFA, RTA = N.IFLA_ATTRS, N.IFA_ATTRS, N.RTA_ATTRS
NLA_TYPE_MASK = ~(N.NLA_FLAGS["NLA_F_NESTED"] | N.NLA_FLAGS["NLA_F_NET_BYTEORDER"]) & 0xFFFF
NLMSGERR_ATTR_MSG = N.NLMSGERR_ATTRS["NLMSGERR_ATTR_MSG"]

FAMILIES = translate.ValueMap.from_names(
    FREEBSD_ADDRESS_FAMILIES,
    LINUX_ADDRESS_FAMILIES,
    ["AF_UNSPEC", "AF_INET", "AF_INET6", ("AF_LINK", "AF_PACKET")],
)
ADDRESS_BYTES = {
    LINUX_ADDRESS_FAMILIES["AF_INET"]: 4,
    LINUX_ADDRESS_FAMILIES["AF_INET6"]: 16,
}
IFF = translate.Bitmap.from_names(N.FREEBSD_IFF, N.LINUX_IFF, N.IFF_PAIRS)
IN6_FLAGS = translate.Bitmap.from_names(N.FREEBSD_IN6_IFF, N.LINUX_IFA_F, N.IN6_IFF_PAIRS)
FREEBSD_AF_INET6, LINUX_AF_INET6 = (
    FREEBSD_ADDRESS_FAMILIES["AF_INET6"],
    LINUX_ADDRESS_FAMILIES["AF_INET6"],
)
IF_TYPES = translate.ValueMap.from_names(N.FREEBSD_IFT, N.LINUX_ARPHRD, N.IFT_PAIRS)
FREEBSD_IFT_OTHER = N.FREEBSD_IFT["IFT_OTHER"]
LINUX_ARPHRD_ETHER, LINUX_ARPHRD_LOOPBACK = (
    N.LINUX_ARPHRD[n] for n in ("ARPHRD_ETHER", "ARPHRD_LOOPBACK")
)
FREEBSD_TABLE_MAIN = N.FREEBSD_RT_TABLE["RT_TABLE_MAIN"]
LINUX_TABLE_MAIN = N.LINUX_RT_TABLE["RT_TABLE_MAIN"]
RTF = N.FREEBSD_RTF
RTN = N.RTN_TYPES
NAME_ATTRS = {IFLA["IFLA_IFNAME"], IFLA["IFLA_ALT_IFNAME"]}

LINK_TO_FREEBSD = {
    IFLA[n]
    for n in (
        "IFLA_ADDRESS",
        "IFLA_BROADCAST",
        "IFLA_IFNAME",
        "IFLA_MTU",
        "IFLA_LINK",
        "IFLA_MASTER",
        "IFLA_TXQLEN",
        "IFLA_OPERSTATE",
        "IFLA_IFALIAS",
        "IFLA_STATS64",
        "IFLA_PROMISCUITY",
        "IFLA_CARRIER",
    )
}
LINK_TO_LINUX = set(IFLA.values())
ADDR_ATTRS = set(IFA.values())
ROUTE_ATTRS = set(RTA.values())
ROUTE_TO_FREEBSD = ROUTE_ATTRS - {RTA["RTA_SRC"]}  # Linux's is a source prefix, FreeBSD's not
NEXTHOP_ATTRS = {RTA[n] for n in ("RTA_GATEWAY", "RTA_VIA", "RTA_OIF", "RTA_MULTIPATH")}
LINK_MESSAGES = {T["RTM_NEWLINK"], T["RTM_DELLINK"], T["RTM_GETLINK"], T["RTM_SETLINK"]}
ADDR_MESSAGES = {T["RTM_NEWADDR"], T["RTM_DELADDR"], T["RTM_GETADDR"]}
ROUTE_MESSAGES = {T["RTM_NEWROUTE"], T["RTM_DELROUTE"], T["RTM_GETROUTE"]}


def align(length: int) -> int:
    return (length + N.NLMSG_ALIGNTO - 1) & ~(N.NLMSG_ALIGNTO - 1)


# --- framing ---------------------------------------------------------------------------------


def split_messages(data: bytes) -> tuple[list[tuple[int, int, int, int, bytes]], bytes]:
    """The well-formed messages of a datagram as (type, flags, seq, pid, body), and what follows
    the last of them (a malformed tail, passed on untouched for the kernel to judge)."""
    out, off = [], 0
    while off + NLMSGHDR.size <= len(data):
        length, kind, flags, seq, pid = NLMSGHDR.unpack_from(data, off)
        if length < NLMSGHDR.size or off + length > len(data):
            break
        out.append((kind, flags, seq, pid, data[off + NLMSGHDR.size : off + length]))
        off += align(length)
    return out, data[off:]


def pack_message(kind: int, flags: int, seq: int, pid: int, body: bytes) -> bytes:
    length = NLMSGHDR.size + len(body)
    return NLMSGHDR.pack(length, kind, flags, seq, pid) + body + bytes(align(length) - length)


def parse_attrs(data: bytes) -> list[tuple[int, bytes]]:
    """(nla_type with its flag bits, payload) of each attribute; a malformed one ends the list."""
    out, off = [], 0
    while off + NLATTR.size <= len(data):
        length, kind = NLATTR.unpack_from(data, off)
        if length < NLATTR.size or off + length > len(data):
            break
        out.append((kind, data[off + NLATTR.size : off + length]))
        off += align(length)
    return out


def pack_attrs(attrs) -> bytes:
    out = bytearray()
    for kind, payload in attrs:
        length = NLATTR.size + len(payload)
        out += NLATTR.pack(length, kind) + payload + bytes(align(length) - length)
    return bytes(out)


def _string(payload: bytes) -> str:
    return payload.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _cstring(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape") + b"\0"


def _family(value: int, to_linux: bool) -> int:
    mapped = FAMILIES.to_linux(value) if to_linux else FAMILIES.to_freebsd(value)
    return value if mapped is None else mapped


def _with_family(body: bytes, to_linux: bool) -> bytes:
    """Any rtnetlink header (or a bare rtgenmsg) starts with a one-byte family."""
    return bytes([_family(body[0], to_linux)]) + body[1:] if body else body


# --- links ------------------------------------------------------------------------------------


def _linux_flags_to_freebsd(flags: int, if_type: int) -> int:
    fbsd = IFF.to_freebsd(flags)
    if if_type == LINUX_ARPHRD_LOOPBACK:
        fbsd |= N.FREEBSD_IFF["IFF_MULTICAST"]
    elif if_type == LINUX_ARPHRD_ETHER:
        fbsd |= N.FREEBSD_IFF["IFF_SIMPLEX"]
    return fbsd


def _kind_type(attrs) -> int | None:
    """FreeBSD's if_type for a Linux link kind that has one of its own (bridge, vlan)."""
    for kind, payload in attrs:
        if kind & NLA_TYPE_MASK == IFLA["IFLA_LINKINFO"]:
            for info, value in parse_attrs(payload):
                if info & NLA_TYPE_MASK == N.IFLA_INFO_KIND:
                    name = N.LINUX_KIND_IFT.get(_string(value))
                    return N.FREEBSD_IFT[name] if name else None
    return None


def link_to_freebsd(body: bytes) -> bytes:
    if len(body) < IFINFOMSG.size:
        return _with_family(body, False)
    family, if_type, index, flags, _change = IFINFOMSG.unpack_from(body)
    linux_attrs = parse_attrs(body[IFINFOMSG.size :])
    head = IFINFOMSG.pack(
        _family(family, False),
        _kind_type(linux_attrs) or IF_TYPES.to_freebsd(if_type, FREEBSD_IFT_OTHER),
        index,
        _linux_flags_to_freebsd(flags, if_type),
        0,
    )
    attrs = []
    for kind, payload in linux_attrs:
        kind &= NLA_TYPE_MASK
        if kind not in LINK_TO_FREEBSD:
            continue
        if kind in NAME_ATTRS:
            payload = _cstring(freebsd_ifname(_string(payload)))
        elif kind == IFLA["IFLA_STATS64"]:
            payload = payload[: N.FREEBSD_LINK_STATS64_SIZE]
        attrs.append((kind, payload))
    return head + pack_attrs(attrs)


def link_to_linux(body: bytes) -> bytes:
    if len(body) < IFINFOMSG.size:
        return _with_family(body, True)
    family, if_type, index, flags, change = IFINFOMSG.unpack_from(body)
    head = IFINFOMSG.pack(
        _family(family, True),
        IF_TYPES.to_linux(if_type, 0),
        index,
        IFF.to_linux(flags),
        IFF.to_linux(change),
    )
    attrs = []
    for kind, payload in parse_attrs(body[IFINFOMSG.size :]):
        if kind & NLA_TYPE_MASK not in LINK_TO_LINUX:
            continue  # IFLA_FREEBSD and numbers Linux gives another meaning
        if kind & NLA_TYPE_MASK in NAME_ATTRS:
            payload = _cstring(linux_ifname(_string(payload)))
        attrs.append((kind, payload))
    return head + pack_attrs(attrs)


# --- addresses --------------------------------------------------------------------------------


def _addr(body: bytes, to_linux: bool) -> bytes:
    if len(body) < IFADDRMSG.size:
        return _with_family(body, to_linux)
    family, prefixlen, flags, scope, index = IFADDRMSG.unpack_from(body)
    given = parse_attrs(body[IFADDRMSG.size :])
    ipv6 = family == (FREEBSD_AF_INET6 if to_linux else LINUX_AF_INET6)
    if to_linux and ipv6:
        flags |= IN6_FLAGS.to_linux(_in6_flags(given))
    head = IFADDRMSG.pack(_family(family, to_linux), prefixlen, flags, scope, index)
    attrs, rename = [], linux_ifname if to_linux else freebsd_ifname
    for kind, payload in given:
        if kind & NLA_TYPE_MASK not in ADDR_ATTRS:
            continue  # IFA_FREEBSD one way, IFA_RT_PRIORITY, IFA_PROTO … the other
        if kind & NLA_TYPE_MASK == IFA["IFA_LABEL"]:
            payload = _cstring(rename(_string(payload)))
        attrs.append((kind, payload))
    kinds = {kind for kind, _ in attrs}
    if not to_linux and IFA["IFA_LOCAL"] not in kinds and IFA["IFA_ADDRESS"] in kinds:
        attrs.append((IFA["IFA_LOCAL"], dict(attrs)[IFA["IFA_ADDRESS"]]))
    if not to_linux and ipv6:
        linux_flags = next(
            (U32.unpack(p)[0] for k, p in attrs if k == IFA["IFA_FLAGS"] and len(p) == U32.size),
            flags,
        )
        in6 = U32.pack(IN6_FLAGS.to_freebsd(linux_flags))
        attrs.append((N.FREEBSD_IFA_FREEBSD, pack_attrs([(N.FREEBSD_IFAF_FLAGS, in6)])))
    return head + pack_attrs(attrs)


def _in6_flags(attrs) -> int:
    """IFAF_FLAGS from a FreeBSD request's IFA_FREEBSD (0 when there is none)."""
    for kind, payload in attrs:
        if kind & NLA_TYPE_MASK == N.FREEBSD_IFA_FREEBSD:
            for inner, value in parse_attrs(payload):
                if inner & NLA_TYPE_MASK == N.FREEBSD_IFAF_FLAGS and len(value) == U32.size:
                    return U32.unpack(value)[0]
    return 0


def addr_to_freebsd(body: bytes) -> bytes:
    return _addr(body, False)


def addr_to_linux(body: bytes) -> bytes:
    return _addr(body, True)


# --- routes -----------------------------------------------------------------------------------


def _via(payload: bytes, to_linux: bool) -> bytes:
    """struct rtvia: the family's width differs, the address follows it."""
    if to_linux:
        if len(payload) < N.FREEBSD_RTVIA_FAMILY_SIZE:
            return payload
        family = _family(payload[0], True)
        return family.to_bytes(N.LINUX_RTVIA_FAMILY_SIZE, "little") + payload[1:]
    if len(payload) < N.LINUX_RTVIA_FAMILY_SIZE:
        return payload
    family = int.from_bytes(payload[: N.LINUX_RTVIA_FAMILY_SIZE], "little")
    return bytes([_family(family, False)]) + payload[N.LINUX_RTVIA_FAMILY_SIZE :]


def _table(value: int, to_linux: bool) -> int:
    if to_linux:
        return LINUX_TABLE_MAIN if value == FREEBSD_TABLE_MAIN else value
    return FREEBSD_TABLE_MAIN if value == LINUX_TABLE_MAIN else value


def _route_attrs(attrs, to_linux: bool):
    keep = ROUTE_ATTRS if to_linux else ROUTE_TO_FREEBSD
    out = []
    for kind, payload in attrs:
        bare = kind & NLA_TYPE_MASK
        if bare not in keep:
            continue
        if bare == RTA["RTA_VIA"]:
            payload = _via(payload, to_linux)
        elif bare == RTA["RTA_TABLE"] and len(payload) == U32.size:
            payload = U32.pack(_table(U32.unpack(payload)[0], to_linux))
        elif bare == RTA["RTA_MULTIPATH"]:
            payload = _multipath(payload, to_linux)
        out.append((kind, payload))
    return out


def _multipath(payload: bytes, to_linux: bool) -> bytes:
    """An array of rtnexthop, each followed by its own route attributes."""
    out, off = bytearray(), 0
    while off + RTNEXTHOP.size <= len(payload):
        length, flags, hops, ifindex = RTNEXTHOP.unpack_from(payload, off)
        if length < RTNEXTHOP.size or off + length > len(payload):
            break
        inner = pack_attrs(
            _route_attrs(parse_attrs(payload[off + RTNEXTHOP.size : off + length]), to_linux)
        )
        out += RTNEXTHOP.pack(RTNEXTHOP.size + len(inner), flags, hops, ifindex) + inner
        off += align(length)
    return bytes(out)


def _route_flags(rtm_type: int, protocol: int, dst_len: int, family: int, kinds) -> int:
    """FreeBSD's rt_flags of a Linux route, for RTA_RTFLAGS."""
    flags = RTF["RTF_UP"]
    if kinds & {RTA["RTA_GATEWAY"], RTA["RTA_VIA"]}:
        flags |= RTF["RTF_GATEWAY"]
    if dst_len == ADDRESS_BYTES.get(family, 0) * 8:
        flags |= RTF["RTF_HOST"]
    if protocol != N.RTPROT["RTPROT_KERNEL"]:
        flags |= RTF["RTF_STATIC"]
    if rtm_type == RTN["RTN_BLACKHOLE"]:
        flags |= RTF["RTF_BLACKHOLE"]
    elif rtm_type in (RTN["RTN_UNREACHABLE"], RTN["RTN_PROHIBIT"]):
        flags |= RTF["RTF_REJECT"]
    return flags


def route_to_freebsd(body: bytes) -> bytes | None:
    """None for a route FreeBSD would not have: another Linux table, or a type of Linux's own."""
    if len(body) < RTMSG.size:
        return _with_family(body, False)
    family, dst_len, src_len, tos, table, protocol, scope, rtm_type, flags = RTMSG.unpack_from(body)
    attrs = parse_attrs(body[RTMSG.size :])
    table = next(
        (
            U32.unpack(p)[0]
            for k, p in attrs
            if k & NLA_TYPE_MASK == RTA["RTA_TABLE"] and len(p) == U32.size
        ),
        table,
    )
    if table != LINUX_TABLE_MAIN or rtm_type not in RTN.values():
        return None
    out = _route_attrs(attrs, False)
    kinds = {kind & NLA_TYPE_MASK for kind, _ in out}
    if RTA["RTA_DST"] not in kinds and family in ADDRESS_BYTES:
        out.insert(0, (RTA["RTA_DST"], bytes(ADDRESS_BYTES[family])))
    rtflags = _route_flags(rtm_type, protocol, dst_len, family, kinds)
    out.append((N.FREEBSD_RTA_EXTRA["NL_RTA_RTFLAGS"], U32.pack(rtflags)))
    head = RTMSG.pack(
        _family(family, False),
        dst_len,
        src_len,
        tos,
        _table(table, False),
        protocol,
        scope,
        rtm_type,
        flags & ~N.LINUX_RTM_F_FIB_MATCH,
    )
    return head + pack_attrs(out)


def route_to_linux(body: bytes, single_get: bool = False) -> bytes:
    if len(body) < RTMSG.size:
        return _with_family(body, True)
    family, dst_len, src_len, tos, table, protocol, scope, rtm_type, flags = RTMSG.unpack_from(body)
    attrs = parse_attrs(body[RTMSG.size :])
    if rtm_type == RTN["RTN_UNICAST"]:
        rtm_type = _type_of_flags(attrs, rtm_type)
    out = _route_attrs(attrs, True)
    if rtm_type != RTN["RTN_UNICAST"]:
        # route(8) names a gateway for -blackhole/-reject; Linux refuses one on such a route.
        out = [(k, p) for k, p in out if k & NLA_TYPE_MASK not in NEXTHOP_ATTRS]
    if single_get:
        flags |= N.LINUX_RTM_F_FIB_MATCH
    head = RTMSG.pack(
        _family(family, True),
        dst_len,
        src_len,
        tos,
        _table(table, True),
        protocol,
        scope,
        rtm_type,
        flags,
    )
    return head + pack_attrs(out)


def _type_of_flags(attrs, rtm_type: int) -> int:
    """RTA_RTFLAGS' RTF_BLACKHOLE and RTF_REJECT as the route type, as route(8) itself maps them
    (reject: RTN_PROHIBIT)."""
    for kind, payload in attrs:
        if (
            kind & NLA_TYPE_MASK == N.FREEBSD_RTA_EXTRA["NL_RTA_RTFLAGS"]
            and len(payload) == U32.size
        ):
            rtflags = U32.unpack(payload)[0]
            if rtflags & RTF["RTF_BLACKHOLE"]:
                return RTN["RTN_BLACKHOLE"]
            if rtflags & RTF["RTF_REJECT"]:
                return RTN["RTN_PROHIBIT"]
    return rtm_type


# --- acknowledgements -------------------------------------------------------------------------


def _freebsd_error(linux_error: int) -> int:
    return translate.errno_to_freebsd(-linux_error) if linux_error < 0 else linux_error


def error_to_freebsd(flags: int, body: bytes) -> tuple[int, bytes]:
    """NLMSG_ERROR: (flags, body) with FreeBSD's errno and only the ack TLVs that still hold."""
    if len(body) < S32.size + NLMSGHDR.size:
        return flags, body
    error = _freebsd_error(S32.unpack_from(body)[0])
    error = NOT_FOUND.get((NLMSGHDR.unpack_from(body, S32.size)[1], error), error)
    if flags & F["NLM_F_CAPPED"]:
        copied = NLMSGHDR.size
    else:
        copied = min(align(NLMSGHDR.unpack_from(body, S32.size)[0]), len(body) - S32.size)
    head = S32.pack(error) + body[S32.size : S32.size + copied]
    tlvs = []
    if flags & F["NLM_F_ACK_TLVS"]:
        attrs = parse_attrs(body[S32.size + copied :])
        tlvs = [(k, p) for k, p in attrs if k & NLA_TYPE_MASK == NLMSGERR_ATTR_MSG]
    flags = flags & ~F["NLM_F_ACK_TLVS"] | (F["NLM_F_ACK_TLVS"] if tlvs else 0)
    return flags, head + pack_attrs(tlvs)


def done_to_freebsd(flags: int, body: bytes) -> tuple[int, bytes]:
    """NLMSG_DONE: the dump's result as FreeBSD's positive errno, no ack TLVs."""
    if len(body) < S32.size:
        return flags, body
    return flags & ~F["NLM_F_ACK_TLVS"], S32.pack(_freebsd_error(S32.unpack_from(body)[0]))


# --- datagrams --------------------------------------------------------------------------------

# ndmsg and nhmsg start with their family too.
FAMILY_ONLY = {
    T[n]
    for n in (
        "RTM_NEWNEIGH",
        "RTM_DELNEIGH",
        "RTM_GETNEIGH",
        "RTM_NEWNEXTHOP",
        "RTM_DELNEXTHOP",
        "RTM_GETNEXTHOP",
    )
}


@dataclass
class PrefixGet:
    """A FreeBSD RTM_GETROUTE for one exact prefix (RTM_F_PREFIX: route get default, route get
    -net …).  Linux looks up addresses only, so it goes out as a dump of the family, and the
    reply keeps the one route with that prefix, or says ESRCH as FreeBSD does."""

    family: int  # FreeBSD's
    dst_len: int
    dst: bytes  # masked to dst_len
    request: bytes  # the FreeBSD message, for the acknowledgement
    ack: bool
    found: bool = False

    def matches(self, body: bytes) -> bool:
        family, dst_len, *_unused = RTMSG.unpack_from(body)
        dst = dict(parse_attrs(body[RTMSG.size :])).get(RTA["RTA_DST"], b"")
        return (family, dst_len) == (self.family, self.dst_len) and _masked(
            dst, dst_len
        ) == self.dst


def _masked(addr: bytes, prefix_len: int) -> bytes:
    value = int.from_bytes(addr, "big") if addr else 0
    width = len(addr) * 8
    keep = ((1 << width) - 1) ^ ((1 << max(width - prefix_len, 0)) - 1) if width else 0
    return (value & keep).to_bytes(len(addr), "big")


def _prefix_get(flags: int, seq: int, pid: int, body: bytes) -> PrefixGet | None:
    if len(body) < RTMSG.size:
        return None
    family, dst_len, *_unused, rtm_flags = RTMSG.unpack_from(body)
    if not rtm_flags & N.FREEBSD_RTM_F_PREFIX:
        return None
    dst = dict(parse_attrs(body[RTMSG.size :])).get(RTA["RTA_DST"], b"")
    request = pack_message(T["RTM_GETROUTE"], flags, seq, pid, body)
    return PrefixGet(family, dst_len, _masked(dst, dst_len), request, bool(flags & F["NLM_F_ACK"]))


def _dump_request(body: bytes) -> bytes:
    """The rtmsg of a dump of body's family (without RTM_F_PREFIX, which would make Linux
    dump prefix routes only)."""
    return RTMSG.pack(_family(body[0], True), 0, 0, 0, 0, 0, 0, 0, 0)


def request_to_linux(data: bytes, protocol: int, prefix_gets: dict | None = None) -> bytes:
    """What a FreeBSD program sent on a netlink socket, as the Linux kernel must read it; exact
    prefix lookups are recorded in prefix_gets (by sequence number) for reply_to_freebsd."""
    if protocol != N.FREEBSD_NETLINK_PROTOCOLS["NETLINK_ROUTE"]:
        return data
    messages, tail = split_messages(data)
    out = bytearray()
    for kind, flags, seq, pid, body in messages:
        if kind in LINK_MESSAGES:
            body = link_to_linux(body)
        elif kind in ADDR_MESSAGES:
            body = addr_to_linux(body)
        elif kind in ROUTE_MESSAGES:
            single = kind == T["RTM_GETROUTE"] and not flags & F["NLM_F_DUMP"]
            exact = _prefix_get(flags, seq, pid, body) if single else None
            if exact is not None and prefix_gets is not None:
                prefix_gets[seq] = exact
                flags = flags & ~F["NLM_F_ACK"] | F["NLM_F_DUMP"]
                body = _dump_request(body)
            else:
                body = route_to_linux(body, single)
        elif kind in FAMILY_ONLY:
            body = _with_family(body, True)
        out += pack_message(kind, flags, seq, pid, body)
    return bytes(out) + tail


def _answer_prefix_get(get: PrefixGet, kind: int, flags: int, body: bytes, prefix_gets, seq):
    """(kind, flags, body) FreeBSD sends for one message of the dump behind a PrefixGet, or
    None when it sends nothing for it."""
    if kind == T["RTM_NEWROUTE"]:
        body = route_to_freebsd(body)
        if body is None or get.found or not get.matches(body):
            return None
        get.found = True
        return kind, flags & ~F["NLM_F_MULTI"], body
    if kind not in (T["NLMSG_DONE"], T["NLMSG_ERROR"]):
        return None
    del prefix_gets[seq]
    if kind == T["NLMSG_DONE"] and get.found:
        if not get.ack:
            return None
        return T["NLMSG_ERROR"], F["NLM_F_CAPPED"], S32.pack(0) + get.request[: NLMSGHDR.size]
    if kind == T["NLMSG_DONE"]:
        return T["NLMSG_ERROR"], 0, S32.pack(FREEBSD_ERRNO["ESRCH"]) + get.request
    return (kind, *error_to_freebsd(flags, body))


def reply_to_freebsd(data: bytes, protocol: int, prefix_gets: dict | None = None) -> bytes:
    """A datagram the Linux kernel sent, as FreeBSD's kernel would have; messages FreeBSD would
    not send are left out, and the dump behind an exact prefix lookup (prefix_gets, which this
    updates) becomes FreeBSD's single answer."""
    messages, tail = split_messages(data)
    out = bytearray()
    for kind, flags, seq, pid, body in messages:
        get = prefix_gets.get(seq) if prefix_gets else None
        if get is not None:
            answer = _answer_prefix_get(get, kind, flags, body, prefix_gets, seq)
            if answer is not None:
                out += pack_message(answer[0], answer[1], seq, pid, answer[2])
            continue
        if kind == T["NLMSG_ERROR"]:
            flags, body = error_to_freebsd(flags, body)
        elif kind == T["NLMSG_DONE"]:
            flags, body = done_to_freebsd(flags, body)
        elif protocol != N.FREEBSD_NETLINK_PROTOCOLS["NETLINK_ROUTE"]:
            pass
        elif kind in LINK_MESSAGES:
            body = link_to_freebsd(body)
        elif kind in ADDR_MESSAGES:
            body = addr_to_freebsd(body)
        elif kind in ROUTE_MESSAGES:
            body = route_to_freebsd(body)
            if body is None:
                continue
        elif kind in FAMILY_ONLY:
            body = _with_family(body, False)
        out += pack_message(kind, flags, seq, pid, body)
    return bytes(out) + tail
