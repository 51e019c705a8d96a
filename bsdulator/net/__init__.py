"""The network backend: Linux network namespaces, veth pairs and bridges driven through netlink
(backend.py), and the layouts jails get on them (layout.py).  The supervisor's sup.net."""

from collections.abc import Sequence

from . import layout
from .backend import NetError, rtnl
from .names import LINUX_LOOPBACK

__all__ = ["NetError", "NetService"]


class NetService:
    """What the jail subsystem asks of the network (sup.net)."""

    def create_layout(self, jid: int, holder_pid: int, addresses: Sequence[str]) -> None:
        """The automatic VNET layout for jail jid (layout.create); all or nothing."""
        layout.create(jid, holder_pid, addresses)

    def remove_layout(self, jid: int, holder_pid: int | None, bound_only: bool = False) -> None:
        """Take jail jid's layout away (layout.remove), before its holder is killed."""
        layout.remove(jid, holder_pid, bound_only)

    def return_interfaces(self, jail_ns: str, home_ns: str | None) -> list[str]:
        """Move every interface but the loopback out of a dying vnet jail's network namespace
        (the nsfs path jail_ns) into home_ns (None: the supervisor's), as FreeBSD's vnet teardown
        returns loaned interfaces to their home; Linux would destroy them (a veth with its peer).
        The names that could not go (a name taken at home) are returned."""
        home = home_ns or "/proc/self/ns/net"
        failed = []
        with rtnl(jail_ns) as jail:
            for link in jail.ipr.get_links():
                name = link.get("IFLA_IFNAME")
                if name == LINUX_LOOPBACK:
                    continue
                try:
                    jail.move(link["index"], home)
                except NetError:
                    failed.append(name)
        return failed
