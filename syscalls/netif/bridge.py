"""SIOCSDRVSPEC/SIOCGDRVSPEC on a bridge (if_bridge's ioctl commands, struct ifdrv): members
added and deleted (BRDGADD, BRDGDEL: `ifconfig bridge0 addm/deletem IF`) as Linux bridge
ports, and what `ifconfig bridge0` reads to print them (BRDGGIFS, BRDGGIFFLGS) after the
bridge's own parameters (BRDGPARAM, BRDGGCACHE, BRDGGTO).  Linux bridges run no spanning tree
here, so the parameters are FreeBSD's defaults for a new bridge and every member's flags those of
a new member; the other commands are EINVAL, as for an unknown command."""

from __future__ import annotations

import struct

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.netif_write import (
    BRIDGE_RTABLE_MAX,
    BRIDGE_RTABLE_TIMEOUT,
    BSTP_ID_PRIORITY_SHIFT,
    BSTP_TICK_SHIFT,
)
from bsdulator.abi.netif_write import FREEBSD_BRDG as B
from bsdulator.abi.netif_write import FREEBSD_BSTP as BSTP
from bsdulator.abi.netif_write import FREEBSD_NETIF_LAYOUT as L
from bsdulator.abi.netlink import LINUX_ARPHRD
from bsdulator.errors import FreeBSDError
from bsdulator.net.names import linux_ifname

from .target import fbsd_name, lookup, network, pack_name, read_name

EINVAL, ENOENT = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["ENOENT"]
EEXIST, EBUSY = FREEBSD_ERRNO["EEXIST"], FREEBSD_ERRNO["EBUSY"]
IFBREQ = L["sizeof(struct ifbreq)"]
IFBIFCONF = L["sizeof(struct ifbifconf)"]
IFBROPREQ = L["sizeof(struct ifbropreq)"]
IFBRPARAM = L["sizeof(struct ifbrparam)"]
NEW_MEMBER_FLAGS = (
    B["IFBIF_LEARNING"] | B["IFBIF_DISCOVER"] | B["IFBIF_BSTP_AUTOEDGE"] | B["IFBIF_BSTP_AUTOPTP"]
)
BRIDGE_KIND = "bridge"
ARPHRD_ETHER = LINUX_ARPHRD["ARPHRD_ETHER"]


def drvspec(call, data: int, may_change, set_: bool) -> int:
    mem = call.mem
    raw = mem.read(data, L["sizeof(struct ifdrv)"])
    name = read_name(mem, data)
    (cmd,) = struct.unpack_from("<Q", raw, L["offsetof(struct ifdrv, ifd_cmd)"])
    (length,) = struct.unpack_from("<Q", raw, L["offsetof(struct ifdrv, ifd_len)"])
    (arg,) = struct.unpack_from("<Q", raw, L["offsetof(struct ifdrv, ifd_data)"])
    command = COMMANDS.get(cmd)
    if command is None:
        raise FreeBSDError(EINVAL, f"bridge command {cmd} is not served")
    size, copyout, run = command
    # bridge_ioctl: the argument's size, and the direction, must be the command's
    if length != size or set_ == copyout:
        raise FreeBSDError(EINVAL, f"bridge command {cmd}: wrong size or direction")
    if not copyout:
        may_change(call)
    with network(call.proc.pid) as link:
        bridge = lookup(link, name)
        if link.kind(bridge) != BRIDGE_KIND:
            raise FreeBSDError(EINVAL, f"{name} is not a bridge")
        reply = run(link, bridge, mem.read(arg, size), mem)
    if copyout:
        mem.write(arg, reply)
    return 0


def _member(link, bridge: int, raw: bytes) -> tuple[str, int | None]:
    name = raw.split(b"\0", 1)[0].decode(errors="replace")
    index = link.index(linux_ifname(name)) if name else None
    return name, index if index is not None and index in link.ports(bridge) else None


def _add(link, bridge, raw, _mem):
    name, _ = _member(link, bridge, raw)
    try:
        index = lookup(link, name)
    except FreeBSDError:
        raise FreeBSDError(ENOENT, f"no interface {name}") from None
    # bridge_ioctl_add takes Ethernet-like interfaces only (no loopback, no bridge)
    if link.get(index)["ifi_type"] != ARPHRD_ETHER or link.kind(index) == BRIDGE_KIND:
        raise FreeBSDError(EINVAL, f"{name} cannot be a bridge member")
    master = link.get(index).get("IFLA_MASTER")
    if master == bridge:
        raise FreeBSDError(EEXIST, f"{name} is a member already")
    if master:
        raise FreeBSDError(EBUSY, f"{name} is a member of another bridge")
    link.set(index, master=bridge)
    return b""


def _delete(link, bridge, raw, _mem):
    name, index = _member(link, bridge, raw)
    if index is None:
        raise FreeBSDError(ENOENT, f"{name} is no member")
    link.set(index, master=0)
    return b""


def _ifbreq(link, index: int) -> bytes:
    out = bytearray(IFBREQ)
    out[: L["offsetof(struct ifbreq, ifbr_ifsflags)"]] = pack_name(
        fbsd_name(link.get(index).get("IFLA_IFNAME"))
    )
    struct.pack_into("<I", out, L["offsetof(struct ifbreq, ifbr_ifsflags)"], NEW_MEMBER_FLAGS)
    struct.pack_into(
        "<I", out, L["offsetof(struct ifbreq, ifbr_path_cost)"], BSTP["BSTP_DEFAULT_PATH_COST"]
    )
    # FreeBSD's port number is the member's interface index, truncated as ifbr_portno is
    out[L["offsetof(struct ifbreq, ifbr_portno)"]] = index & 0xFF
    out[L["offsetof(struct ifbreq, ifbr_priority)"]] = BSTP["BSTP_DEFAULT_PORT_PRIORITY"]
    return bytes(out)


def _flags(link, bridge, raw, _mem):
    name, index = _member(link, bridge, raw)
    if index is None:
        raise FreeBSDError(ENOENT, f"{name} is no member")
    return _ifbreq(link, index)


def _members(link, bridge, raw, mem):
    """BRDGGIFS: with ifbic_len 0 the length all members need; else as many as fit, and the
    length they took."""
    (room,) = struct.unpack_from("<I", raw, 0)
    (buffer,) = struct.unpack_from("<Q", raw, L["offsetof(struct ifbifconf, ifbic_ifbicu)"])
    entries = [_ifbreq(link, index) for index in link.ports(bridge)]
    if room:
        entries = entries[: room // IFBREQ]
        if entries:
            mem.write(buffer, b"".join(entries))
    out = bytearray(raw)
    struct.pack_into("<I", out, 0, len(entries) * IFBREQ)
    return bytes(out)


def _param(link, bridge, raw, _mem):
    out = bytearray(IFBROPREQ)
    shift = BSTP_TICK_SHIFT
    out[L["offsetof(struct ifbropreq, ifbop_holdcount)"]] = BSTP["BSTP_DEFAULT_HOLD_COUNT"]
    out[L["offsetof(struct ifbropreq, ifbop_maxage)"]] = BSTP["BSTP_DEFAULT_MAX_AGE"] >> shift
    out[L["offsetof(struct ifbropreq, ifbop_hellotime)"]] = BSTP["BSTP_DEFAULT_HELLO_TIME"] >> shift
    out[L["offsetof(struct ifbropreq, ifbop_fwddelay)"]] = (
        BSTP["BSTP_DEFAULT_FORWARD_DELAY"] >> shift
    )
    out[L["offsetof(struct ifbropreq, ifbop_protocol)"]] = BSTP["BSTP_PROTO_RSTP"]
    struct.pack_into(
        "<H",
        out,
        L["offsetof(struct ifbropreq, ifbop_priority)"],
        BSTP["BSTP_DEFAULT_BRIDGE_PRIORITY"],
    )
    # the bridge is its own root: its id is its priority and Ethernet address
    mac = link.get(bridge).get("IFLA_ADDRESS") or ""
    bridge_id = int(mac.replace(":", "") or "0", 16) | (
        BSTP["BSTP_DEFAULT_BRIDGE_PRIORITY"] << BSTP_ID_PRIORITY_SHIFT
    )
    struct.pack_into("<Q", out, L["offsetof(struct ifbropreq, ifbop_bridgeid)"], bridge_id)
    struct.pack_into("<Q", out, L["offsetof(struct ifbropreq, ifbop_designated_root)"], bridge_id)
    return bytes(out)


def _param_u32(value: int):
    return lambda link, bridge, raw, mem: struct.pack("<I", value)


# command → (argument size, copied out, what it does)
COMMANDS = {
    B["BRDGADD"]: (IFBREQ, False, _add),
    B["BRDGDEL"]: (IFBREQ, False, _delete),
    B["BRDGGIFFLGS"]: (IFBREQ, True, _flags),
    B["BRDGGIFS"]: (IFBIFCONF, True, _members),
    B["BRDGPARAM"]: (IFBROPREQ, True, _param),
    B["BRDGGCACHE"]: (IFBRPARAM, True, _param_u32(BRIDGE_RTABLE_MAX)),
    B["BRDGGTO"]: (IFBRPARAM, True, _param_u32(BRIDGE_RTABLE_TIMEOUT)),
}
