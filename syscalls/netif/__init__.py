"""FreeBSD's network interfaces on Linux links, in the caller's network namespace.

Read side: the routing sysctl's interface dumps behind getifaddrs(), `ifconfig` and `netstat -i`
(`dumps`) and the SIOCG* ioctls of 10.x ifconfig (`ioctl_get`), answered through
bsdulator/net/reader.py.  Write side: `ioctl_set` (the requests that change an interface, and
their dispatch), `clone` (SIOCIFCREATE/SIOCIFDESTROY: epair, bridge, lo, vlan), `bridge`
(SIOC[SG]DRVSPEC on a bridge: members and parameters), `vnet` (SIOCSIFVNET/SIOCSIFRVNET: into
and out of jails), `target` (what they share: the caller's network, names, errors)."""

from . import dumps

# kern.features.inet/inet6, without which 10.x ifconfig registers no address printers, are the
# emulated kernel's (bsdulator/sysctl.py KERNEL_FEATURES).


def install(sup) -> None:
    dumps.install(sup)
