"""FreeBSD's network interface ioctls on Linux links, in the caller's network namespace:
`ioctl_set` (the requests that change an interface, and the few reads their callers make
first), `clone` (SIOCIFCREATE/SIOCIFDESTROY: epair, bridge, lo), `bridge` (SIOC[SG]DRVSPEC on
a bridge: members and parameters), `vnet` (SIOCSIFVNET/SIOCSIFRVNET: into and out of jails)."""

from .ioctl_set import REQUESTS, ioctl

__all__ = ["REQUESTS", "ioctl"]
