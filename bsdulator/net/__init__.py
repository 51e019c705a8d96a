"""The network backend: Linux network namespaces, veth pairs and bridges driven through netlink
(backend.py), and the layouts jails get on them (layout.py).  The supervisor's sup.net."""

from collections.abc import Sequence

from . import layout
from .backend import NetError

__all__ = ["NetError", "NetService"]


class NetService:
    """What the jail subsystem asks of the network (sup.net)."""

    def create_layout(self, jid: int, holder_pid: int, addresses: Sequence[str]) -> None:
        """The automatic VNET layout for jail jid (layout.create); all or nothing."""
        layout.create(jid, holder_pid, addresses)

    def remove_layout(self, jid: int, holder_pid: int | None, bound_only: bool = False) -> None:
        """Take jail jid's layout away (layout.remove), before its holder is killed."""
        layout.remove(jid, holder_pid, bound_only)
