"""FreeBSD's network interfaces on Linux links, in the caller's network namespace.

Read side: the routing sysctl's interface dumps behind getifaddrs(), `ifconfig` and `netstat -i`
(`dumps`) and the SIOCG* ioctls of 10.x ifconfig (`ioctl_get`), answered through
bsdulator/net/reader.py.  Write side: `ioctl_set` (the requests that change an interface, and
their dispatch), `clone` (SIOCIFCREATE/SIOCIFDESTROY: epair, bridge, lo, vlan), `bridge`
(SIOC[SG]DRVSPEC on a bridge: members and parameters), `vnet` (SIOCSIFVNET/SIOCSIFRVNET: into
and out of jails), `target` (what they share: the caller's network, names, errors)."""

from bsdulator.abi import sysctl as abi

from . import dumps

# kern.features.<name> (FEATURE() in the kernel): 10.x ifconfig registers its inet and inet6
# address printers only when feature_present() finds them.
FEATURES = {"inet": "Internet protocol version 4", "inet6": "Internet protocol version 6"}


def install(sup) -> None:
    dumps.install(sup)
    tree = sup.sysctl
    tree.add("kern.features", abi.CTLTYPE_NODE, descr="Kernel Features")
    for name, descr in FEATURES.items():
        try:
            tree.add(f"kern.features.{name}", abi.CTLTYPE_INT, 1, descr=descr)
        except ValueError:
            pass  # another subsystem declared the feature already
