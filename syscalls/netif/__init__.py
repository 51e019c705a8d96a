"""FreeBSD's interface read side on Linux: the routing sysctl's interface dumps behind
getifaddrs(), `ifconfig` and `netstat -i` (dumps.py) and the SIOCG* ioctls of 10.x ifconfig
(ioctl_get.py), both answered from the caller's network namespace (bsdulator/net/reader.py)."""

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
