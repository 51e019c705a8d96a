"""SIOCSIFVNET and SIOCSIFRVNET: an interface lent to a vnet jail's network (`ifconfig IF vnet J`,
jail(8)'s vnet.interface) and taken back (`ifconfig IF -vnet J`), by jid (ifr_jid), with
if_vmove_loan's and if_vmove_reclaim's errors: ENXIO for no such jail (or no such interface in
it), EEXIST for a jail without a network of its own or a name taken at the destination; a jailed
caller may move none (EPERM).  The jail's network is its holder's network namespace."""

from __future__ import annotations

import struct

from bsdulator import procfs
from bsdulator.abi import jail as jail_abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.net.names import linux_ifname

from .target import IFREQ_SIZE, IFRU, lookup, network, network_at, read_name

EPERM, ENXIO, EEXIST = FREEBSD_ERRNO["EPERM"], FREEBSD_ERRNO["ENXIO"], FREEBSD_ERRNO["EEXIST"]


def has_own_network(call, jid: int) -> bool:
    return call.sup.jails.record(jid).get("vnet") == jail_abi.JAIL_SYS_NEW


def _request(call, data: int) -> tuple[str, str]:
    """(interface name, the jail's network namespace as an nsfs path)."""
    if call.proc.jail:
        raise FreeBSDError(EPERM, "moving an interface between jails is not permitted in a jail")
    raw = call.mem.read(data, IFREQ_SIZE)
    (jid,) = struct.unpack_from("<i", raw, IFRU)
    row = call.sup.jails.row(jid) if jid > 0 else None
    if row is None or not row.holder_pid:
        raise FreeBSDError(ENXIO, f"no jail {jid}")
    jail_ns = f"/proc/{row.holder_pid}/ns/net"
    if procfs.ns_inode(row.holder_pid, "net") == procfs.ns_inode(call.proc.pid, "net"):
        raise FreeBSDError(EEXIST, f"jail {jid} shares the caller's network (no vnet)")
    return read_name(call.mem, data), jail_ns


def _absent_in(netns: str, name: str) -> None:
    with network_at(netns) as there:
        if there.index(linux_ifname(name)) is not None:
            raise FreeBSDError(EEXIST, f"{name} exists at the destination")


def to_jail(call, data):
    name, jail_ns = _request(call, data)
    _absent_in(jail_ns, name)
    with network(call.proc.pid) as link:
        link.move(lookup(link, name), jail_ns)
    return 0


def from_jail(call, data):
    """if_vmove_reclaim's order: the interface must be in the jail (ENXIO), its name free here."""
    name, jail_ns = _request(call, data)
    caller_ns = f"/proc/{call.proc.pid}/ns/net"
    with network_at(jail_ns) as there:
        index = there.index(linux_ifname(name))
        if index is None:
            raise FreeBSDError(ENXIO, f"no interface {name} in the jail")
        with network(call.proc.pid) as link:
            if link.index(linux_ifname(name)) is not None:
                raise FreeBSDError(EEXIST, f"{name} exists here")
        there.move(index, caller_ns)
    return 0
