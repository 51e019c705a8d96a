"""Interface cloning (SIOCIFCREATE, SIOCIFCREATE2, SIOCIFDESTROY, SIOCIFGCLONERS) on Linux links:
an epair is a veth pair epairNa/epairNb, a bridge a Linux bridge, a loN (N > 0) a dummy, a vlan
a Linux VLAN on the parent SIOCIFCREATE2's vlanreq names (FreeBSD's `ifconfig vlanN create vlan
T vlandev IF`; one made without a parent Linux cannot hold).  A name without a unit takes the
lowest free one, and the name made is written back into ifr_name, as if_clone_create does."""

from __future__ import annotations

import re
import struct

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.netif_write import FREEBSD_NETIF_LAYOUT as L
from bsdulator.errors import FreeBSDError
from bsdulator.net.names import FREEBSD_LOOPBACK

from .target import IFRU, check_name, lookup, network, pack_name, read_name

EINVAL, EEXIST = FREEBSD_ERRNO["EINVAL"], FREEBSD_ERRNO["EEXIST"]
EPAIR_ENDS = ("a", "b")
# cloner name → the Linux link kind its interfaces are
KINDS = {"bridge": "bridge", "epair": "veth", "lo": "dummy", "vlan": "vlan"}
CLONERS = sorted(KINDS)
_NAME = re.compile(r"([a-z]+?)(\d*)")
_EPAIR = re.compile(r"epair(\d+)[ab]")


def _parse(name: str) -> tuple[str, int | None]:
    """(cloner, unit or None for the lowest free), as ifc_name2unit splits a name; EINVAL for
    a name no cloner makes."""
    match = _NAME.fullmatch(name)
    if match is None or match.group(1) not in KINDS:
        raise FreeBSDError(EINVAL, f"no interface cloner for {name!r}")
    unit = match.group(2)
    if unit and (len(unit) > 1 and unit.startswith("0")):
        raise FreeBSDError(EINVAL, f"bad unit in {name!r}")
    return match.group(1), int(unit) if unit else None


def _names(cloner: str, unit: int) -> list[str]:
    if cloner == "epair":
        return [f"epair{unit}{end}" for end in EPAIR_ENDS]
    return [f"{cloner}{unit}"]


def create(call, data):
    name = read_name(call.mem, data)
    cloner, unit = _parse(name)
    (params,) = struct.unpack_from("<Q", call.mem.read(data + IFRU, 8))
    with network(call.proc.pid) as link:
        taken = link.names() | {FREEBSD_LOOPBACK}
        if unit is None:
            unit = next(n for n in range(len(taken) + 1) if not set(_names(cloner, n)) & taken)
        names = _names(cloner, unit)
        if set(names) & taken:
            raise FreeBSDError(EEXIST, f"{names[0]} exists")
        linux = [check_name(n) for n in names]
        if cloner == "epair":
            link.add_pair(*linux)
        elif cloner == "vlan":
            link.add(linux[0], "vlan", **_vlan(call, link, params))
        else:
            link.add(linux[0], KINDS[cloner])
    call.mem.write(data, pack_name(names[0]))
    return 0


def _vlan(call, link, params: int) -> dict:
    """The parent and tag of a new vlan, from the struct vlanreq SIOCIFCREATE2 passes."""
    if not params:
        raise FreeBSDError(EINVAL, "a vlan needs its tag and parent (vlan T vlandev IF) here")
    raw = call.mem.read(params, L["sizeof(struct vlanreq)"])
    parent = read_name(call.mem, params)
    (tag,) = struct.unpack_from("<H", raw, L["offsetof(struct vlanreq, vlr_tag)"])
    return {"link": lookup(link, parent), "vlan_id": tag}


def _cloner_of(name: str) -> str | None:
    """The cloner that made interface name, by its name (lo0 is no clone)."""
    if _EPAIR.fullmatch(name):
        return "epair"
    match = _NAME.fullmatch(name)
    if match and match.group(2) and match.group(1) in KINDS and name != FREEBSD_LOOPBACK:
        return match.group(1)
    return None


def destroy(call, data):
    """ENXIO for no such interface; EINVAL for one no cloner made (lo0, a host's eth0).
    Destroying either end of an epair destroys both, as FreeBSD does."""
    name = read_name(call.mem, data)
    with network(call.proc.pid) as link:
        index = lookup(link, name)
        cloner = _cloner_of(name)
        if cloner is None or link.kind(index) != KINDS[cloner]:
            raise FreeBSDError(EINVAL, f"{name} was not made by an interface cloner")
        link.delete(index)
    return 0


def list_cloners(call, data):
    """SIOCIFGCLONERS: ifcr_total out; up to ifcr_count names into ifcr_buffer."""
    raw = call.mem.read(data, L["sizeof(struct if_clonereq)"])
    (count,) = struct.unpack_from("<i", raw, L["offsetof(struct if_clonereq, ifcr_count)"])
    (buffer,) = struct.unpack_from("<Q", raw, L["offsetof(struct if_clonereq, ifcr_buffer)"])
    if count < 0:
        raise FreeBSDError(EINVAL, "negative ifcr_count")
    call.mem.write(data, struct.pack("<i", len(CLONERS)))
    if buffer:
        call.mem.write(buffer, b"".join(pack_name(c) for c in CLONERS[:count]))
    return 0
