"""The automatic VNET layout (BSDulator's Phase 3): what `jail -c … ip4.addr=A vnet persist`
gets on Linux.

Jail jid's own network namespace (the one its holder made) is bound as bsdjail_<jid> under
/var/run/netns, so `ip netns exec bsdjail_<jid> …` reaches it; a veth pair joins it to the
caller's network namespace: veth0_j<jid> there, enslaved to the bridge bsdjail0, and eth0 in
the jail with A on it, lo up and a default route to the bridge's address.  The bridge is made
on first use with the subnet's first address: BSDULATOR_BRIDGE_ADDR (an address with or
without /len), else the first address of A's /24 (10.0.0.1/24 for 10.0.0.10); A takes the
bridge's prefix length, as jail(8) strips a /len before the kernel sees ip4.addr.  remove()
takes the pair and the binding away, and the bridge once no port is left on it.

Names are per jid, and jids per registry: a name already taken (another registry's jail) makes
creation fail rather than share it.  Everything is undone when a step fails."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence

from .backend import NetError, bind_netns, netns_has_processes, netns_inode, netns_path, rtnl
from .backend import unbind_netns as _unbind
from .names import LINUX_LOOPBACK

BRIDGE = "bsdjail0"
JAIL_INTERFACE = "eth0"
BRIDGE_ADDR_ENV = "BSDULATOR_BRIDGE_ADDR"
DEFAULT_PREFIXLEN = 24  # the Phase 3 layout's subnet: 10.0.0.0/24


def netns_name(jid: int) -> str:
    return f"bsdjail_{jid}"


def veth_name(jid: int) -> str:
    return f"veth0_j{jid}"


def configured_bridge_address(first: str) -> ipaddress.IPv4Interface:
    """The address a new bridge gets: BSDULATOR_BRIDGE_ADDR, else the first of first's /24."""
    text = os.environ.get(BRIDGE_ADDR_ENV)
    try:
        if text:
            if "/" not in text:
                text += f"/{DEFAULT_PREFIXLEN}"
            return ipaddress.IPv4Interface(text)
        subnet = ipaddress.IPv4Network(f"{first}/{DEFAULT_PREFIXLEN}", strict=False)
    except ValueError as e:
        raise NetError(f"{BRIDGE_ADDR_ENV}={text!r}: {e}") from None
    return ipaddress.IPv4Interface(f"{subnet.network_address + 1}/{DEFAULT_PREFIXLEN}")


def jail_addresses(
    addresses: Sequence[str], gateway: ipaddress.IPv4Interface
) -> list[ipaddress.IPv4Interface]:
    """The addresses eth0 gets: each a host of the bridge's subnet other than the bridge's own."""
    network = gateway.network
    found = []
    for text in addresses:
        address = ipaddress.IPv4Interface(f"{text}/{network.prefixlen}")
        if address.network != network or address.ip in (
            gateway.ip,
            network.network_address,
            network.broadcast_address,
        ):
            raise NetError(
                f"{text} is not a free host address of {BRIDGE}'s subnet {network} "
                f"(its address {gateway.ip}; set {BRIDGE_ADDR_ENV} for another subnet)"
            )
        found.append(address)
    return found


def create(jid: int, holder_pid: int, addresses: Sequence[str]) -> None:
    """Give jail jid, whose holder is holder_pid, the layout with addresses on its eth0."""
    name, veth = netns_name(jid), veth_name(jid)
    jail_ns = f"/proc/{holder_pid}/ns/net"
    with rtnl() as host:
        if host.index(veth) is not None:
            raise NetError(f"interface {veth} already exists")
        bridge = host.index(BRIDGE)
        existing = host.ipv4(bridge) if bridge is not None else []
        gateway = existing[0] if existing else configured_bridge_address(addresses[0])
        on_eth0 = jail_addresses(addresses, gateway)
        made_bridge = bound = False
        try:
            if bridge is None:
                bridge = host.add_bridge(BRIDGE)
                made_bridge = True
            if not existing:
                host.add_ipv4(bridge, gateway)
            host.up(bridge)
            bind_netns(name, holder_pid)
            bound = True
            host.up(host.add_veth(veth, JAIL_INTERFACE, jail_ns), master=bridge)
            with rtnl(jail_ns) as jail:
                eth0 = jail.require(JAIL_INTERFACE)
                for address in on_eth0:
                    jail.add_ipv4(eth0, address)
                jail.up(eth0)
                jail.up(jail.require(LINUX_LOOPBACK))
                jail.default_route(gateway.ip)
        except BaseException:
            _undo(host, veth, name if bound else None, bridge if made_bridge else None)
            raise


def _undo(host, veth: str, binding: str | None, bridge: int | None) -> None:
    """Remove what a failed create() made (deleting a veth deletes its peer too)."""
    index = host.index(veth)
    if index is not None:
        host.delete(index)
    if binding is not None:
        _unbind(binding)
    if bridge is not None and not host.ports(bridge):
        host.delete(bridge)


def remove(jid: int, holder_pid: int | None, bound_only: bool = False) -> None:
    """Take jail jid's layout away: its veth pair, its binding (only when it is this jail's
    namespace: the holder's, or, the holder gone, one no process uses), and the bridge when no
    port is left.  holder_pid: the jail's running holder, None once it is gone.  Call it before
    killing the holder: the pair is deleted from inside the jail's namespace (under `ip netns
    exec` the binding another bsdulator made is not visible here, only its mount point, which
    goes too).  bound_only: touch nothing unless the binding shows the jail had a layout (a jail
    no registry row describes)."""
    name = netns_name(jid)
    binding = netns_path(name)
    jail_ns = f"/proc/{holder_pid}/ns/net" if holder_pid else None
    jail_inode = netns_inode(jail_ns) if jail_ns else None
    if jail_inode == netns_inode("/proc/self/ns/net"):
        jail_inode = None  # not a vnet jail: its "eth0" would be ours
    bound = netns_inode(binding)
    ours = bound is not None and (
        bound == jail_inode if jail_inode is not None else not netns_has_processes(bound)
    )
    if bound_only and not ours:
        return
    inside = jail_ns if jail_inode is not None else binding if ours else None
    if inside is not None:
        with rtnl(inside) as jail:
            eth0 = jail.index(JAIL_INTERFACE)
            if eth0 is not None:
                jail.delete(eth0)
    if ours or bound is None:
        _unbind(name)
    with rtnl() as host:
        bridge = host.index(BRIDGE)
        if bridge is not None and not host.ports(bridge):
            host.delete(bridge)
