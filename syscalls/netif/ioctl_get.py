"""The read ioctls of 10.x ifconfig and netstat (sys/sockio.h SIOCG*), answered from the
caller's network namespace as FreeBSD's ifioctl, in_control and in6_control answer them: an
unknown interface is ENXIO, an interface without an IPv4 address EADDRNOTAVAIL for
SIOCGIFADDR and kin, a broadcast or destination address the interface cannot have EINVAL,
media (SIOCGIFMEDIA, SIOCGIFXMEDIA) an epair's for a veth pair, Linux's epair (if_epair.c's
Ethernet 10Gbase-T full duplex, active while the link has carrier), EINVAL for the others as
drivers without media answer, driver status (SIOCGIFSTATUS) EINVAL, and SIOCGIFDESCR without
a description ENOMSG.  SIOCGIFCONF (traceroute's ifaddrlist) lists every address as if.c's
ifconf does.  The requests of drivers Linux lacks (802.11, lagg, carp …) are not served."""

import os
import struct

from bsdulator.abi import netif as A
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls.netlink.messages import IN6_FLAGS

from . import common as C

G = A.FREEBSD_SIOCG
SIZE = C.SIZE
ENXIO, EINVAL, EADDRNOTAVAIL, ENOMSG, ENAMETOOLONG, ENOTTY, EBADF = (
    FREEBSD_ERRNO[n]
    for n in ("ENXIO", "EINVAL", "EADDRNOTAVAIL", "ENOMSG", "ENAMETOOLONG", "ENOTTY", "EBADF")
)
IFNAMSIZ = A.FREEBSD_IFNAMSIZ
IOCPARM_UNIT = A.FREEBSD_IOCPARM["_IOC(0, 0, 0, 1)"]
UNION = SIZE["offsetof(struct ifreq, ifr_ifru)"]
INT = struct.Struct("<i")
U16 = struct.Struct("<H")
U32 = struct.Struct("<I")
POINTER = struct.Struct("<Q")
BUFFER = struct.Struct("<QQ")  # struct ifreq_buffer: length, buffer
ND_IFINFO = struct.Struct("<IIIIIIiB")  # linkmtu … flags, recalctm, chlim
IFG_REQ = IFNAMSIZ  # struct ifg_req: a group name
# Groups FreeBSD puts an interface in: every one is in "all", a cloned one in its driver's.
GROUP_ALL = "all"
KIND_GROUP = {"bridge": "bridge", "vlan": "vlan"}
MEDIA = {G["SIOCGIFMEDIA"], G["SIOCGIFXMEDIA"]}
IFM = A.FREEBSD_IFM
EPAIR_MEDIA = IFM["IFM_ETHER"] | IFM["IFM_10G_T"]  # the one entry if_epair adds and sets
MEDIA_WORDS = struct.Struct("<iiiii")  # ifm_current, ifm_mask, ifm_status, ifm_active, ifm_count
IFREQ_INT = {G["SIOCGIFMETRIC"], G["SIOCGIFPHYS"], G["SIOCGIFFIB"]}  # always 0 here
IPV4_GETS = {G["SIOCGIFADDR"], G["SIOCGIFNETMASK"], G["SIOCGIFBRDADDR"], G["SIOCGIFDSTADDR"]}
HANDLED = set(G.values())
IFREQ = SIZE["sizeof(struct ifreq)"]
SOCKADDR = SIZE["sizeof(struct sockaddr)"]


def _name(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _groups(iface) -> list[str]:
    if C.if_type(iface) == C.IFT_LOOP:
        return [GROUP_ALL, "lo"]
    extra = KIND_GROUP.get(iface.kind or "")
    return [GROUP_ALL, extra] if extra else [GROUP_ALL]


def _ipv4(iface, request: int, jail) -> bytes:
    """The sockaddr_in SIOCGIFADDR and kin answer, of the interface's first IPv4 address the
    caller's jail may see."""
    address = next(
        (a for a in iface.addresses if a.family == C.LINUX_AF_INET and C.visible(jail, a)), None
    )
    if address is None:
        raise FreeBSDError(EADDRNOTAVAIL)
    flags = C.if_flags(iface)
    if request == G["SIOCGIFADDR"]:
        return C.sockaddr_ip(address.address)
    if request == G["SIOCGIFNETMASK"]:
        return C.sockaddr_ip(C.netmask(address))
    if request == G["SIOCGIFBRDADDR"]:
        if not flags & C.IFF["IFF_BROADCAST"]:
            raise FreeBSDError(EINVAL)
        return C.sockaddr_ip(C.broadcast(iface, address))
    if not flags & C.IFF["IFF_POINTOPOINT"] or address.peer is None:
        raise FreeBSDError(EINVAL)
    return C.sockaddr_ip(address.peer)


def _ipv6(iface, raw: bytes, jail):
    """The IPv6 address an in6_ifreq names (its sockaddr_in6 at the union)."""
    wanted = C.SOCKADDR_IN6.unpack_from(raw, UNION)[4]  # sin6_addr
    for address in iface.addresses:
        ours = address.family == C.LINUX_AF_INET6 and C.visible(jail, address)
        if ours and address.address.packed == wanted:
            return address
    raise FreeBSDError(EADDRNOTAVAIL)


def ifconf(ifaces, jail=None) -> bytes:
    """if.c ifconf: per interface, one struct ifreq per address it shows the caller (the link
    address first); an address longer than a struct sockaddr extends its entry to its own
    length, and an interface without one gets an entry with no address (pure: tests call it)."""
    out = bytearray()
    for iface in ifaces:
        name = iface.name.encode().ljust(IFNAMSIZ, b"\0")
        addresses = [C.sockaddr_dl(iface)] + [
            C.sockaddr_ip(a.address, C.scope_id(iface, a))
            for a in iface.addresses
            if C.visible(jail, a)
        ]
        for sa in addresses:
            out += name + (sa.ljust(SOCKADDR, b"\0") if len(sa) <= SOCKADDR else sa)
    return bytes(out)


def _ifconf(call, data: int) -> int:
    """SIOCGIFCONF: as many whole entries as ifc_len bytes hold, ifc_len set to their size."""
    length = INT.unpack(call.mem.read(data, INT.size))[0]
    if length <= 0:
        raise FreeBSDError(EINVAL, "ifc_len <= 0")
    buffer = POINTER.unpack(
        call.mem.read(data + SIZE["offsetof(struct ifconf, ifc_ifcu)"], POINTER.size)
    )[0]
    entries = ifconf(C.interfaces(call.proc.pid), C.jail_params(call))
    used = 0
    while used < len(entries):  # whole entries only, as the sbuf of ifc_len bytes keeps them
        sa_len = entries[used + IFNAMSIZ]
        size = IFNAMSIZ + max(sa_len, SOCKADDR)
        if used + size > length:
            break
        used += size
    call.mem.write(buffer, entries[:used])
    call.mem.write(data, INT.pack(used))
    return 0


def handles(request: int) -> bool:
    return request in HANDLED


def _is_socket(pid: int, fd: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    except OSError:
        return False


def answer(call, fd: int, request: int, data: int) -> int:
    """Serve one SIOCG* request (handles() said yes) on descriptor fd, with data the argument's
    address.  Any socket takes them (FreeBSD's soo_ioctl hands them to ifioctl); another
    descriptor has no such ioctl (ENOTTY), a bad one is EBADF."""
    if not _is_socket(call.proc.pid, fd):
        if not os.path.exists(f"/proc/{call.proc.pid}/fd/{fd}"):
            raise FreeBSDError(EBADF)
        raise FreeBSDError(ENOTTY)
    mem = call.mem
    if request == G["SIOCGIFCONF"]:
        return _ifconf(call, data)
    if request == G["SIOCGDEFIFACE_IN6"]:
        # nd6's default interface for scoped addresses: none set (0), FreeBSD's default
        mem.write(data + SIZE["offsetof(struct in6_ndifreq, ifindex)"], POINTER.pack(0))
        return 0
    size = request // IOCPARM_UNIT & A.FREEBSD_IOCPARM["IOCPARM_MASK"]  # IOCPARM_LEN
    raw = mem.read(data, size)
    iface = next((i for i in C.interfaces(call.proc.pid) if i.name == _name(raw[:IFNAMSIZ])), None)
    if iface is None:
        raise FreeBSDError(ENXIO)
    at = data + UNION
    if request == G["SIOCGIFFLAGS"]:
        flags = C.if_flags(iface)
        mem.write(at, U32.pack(flags))  # ifr_flags, then ifr_flagshigh
    elif request == G["SIOCGIFMTU"]:
        mem.write(at, INT.pack(iface.mtu))
    elif request in IFREQ_INT:
        mem.write(at, INT.pack(0))
    elif request == G["SIOCGIFCAP"]:
        mem.write(at, INT.pack(0) + INT.pack(0))  # ifr_reqcap, ifr_curcap: no offloads
    elif request == G["SIOCGIFINDEX"]:
        mem.write(at, U16.pack(iface.index))
    elif request in IPV4_GETS:
        mem.write(at, _ipv4(iface, request, C.jail_params(call)))
    elif request in MEDIA:
        if iface.kind != "veth":
            raise FreeBSDError(EINVAL)
        status = IFM["IFM_AVALID"] | (IFM["IFM_ACTIVE"] if iface.carrier else 0)
        active = EPAIR_MEDIA | IFM["IFM_FDX"]
        wanted = INT.unpack_from(raw, SIZE["offsetof(struct ifmediareq, ifm_count)"])[0]
        ulist = POINTER.unpack_from(raw, SIZE["offsetof(struct ifmediareq, ifm_ulist)"])[0]
        if ulist and wanted > 0:
            mem.write(ulist, INT.pack(EPAIR_MEDIA))
        mem.write(
            data + SIZE["offsetof(struct ifmediareq, ifm_current)"],
            MEDIA_WORDS.pack(EPAIR_MEDIA, 0, status, active, 1),
        )
    elif request == G["SIOCGIFSTATUS"]:
        raise FreeBSDError(EINVAL)
    elif request == G["SIOCGIFDESCR"]:
        if not iface.alias:
            raise FreeBSDError(ENOMSG)
        length, buffer = BUFFER.unpack(raw[UNION : UNION + BUFFER.size])
        text = iface.alias.encode() + b"\0"
        if length < len(text):
            mem.write(at, BUFFER.pack(length, 0))
            raise FreeBSDError(ENAMETOOLONG)
        mem.write(buffer, text)
    elif request == G["SIOCGIFGROUP"]:
        groups = _groups(iface)
        length = U32.unpack_from(raw, UNION)[0]
        if length == 0:
            mem.write(at, U32.pack(len(groups) * IFG_REQ))
        else:
            pointer = POINTER.unpack_from(raw, SIZE["offsetof(struct ifgroupreq, ifgr_ifgru)"])[0]
            fit = groups[: length // IFG_REQ]
            mem.write(pointer, b"".join(g.encode().ljust(IFG_REQ, b"\0") for g in fit))
            mem.write(at, U32.pack(len(fit) * IFG_REQ))
    elif request == G["SIOCGIFAFLAG_IN6"]:
        mem.write(at, INT.pack(IN6_FLAGS.to_freebsd(_ipv6(iface, raw, C.jail_params(call)).flags)))
    elif request == G["SIOCGIFALIFETIME_IN6"]:
        _ipv6(iface, raw, C.jail_params(call))
        mem.write(at, bytes(SIZE["sizeof(struct in6_addrlifetime)"]))  # no expiry kept
    elif request == G["SIOCGIFINFO_IN6"]:
        d = A.FREEBSD_ND6_DEFAULTS
        flags = (
            A.FREEBSD_ND6_IFF["ND6_IFF_PERFORMNUD"] | A.FREEBSD_ND6_IFF["ND6_IFF_AUTO_LINKLOCAL"]
        )
        info = ND_IFINFO.pack(
            iface.mtu,
            iface.mtu,
            d["REACHABLE_TIME"],
            d["REACHABLE_TIME"],
            d["RETRANS_TIMER"],
            flags,
            0,
            d["IPV6_DEFHLIM"],
        )
        mem.write(data + SIZE["offsetof(struct in6_ndireq, ndi)"], info)
    return 0
