"""FreeBSD's interface read side on Linux: the routing sysctl's interface dumps behind
getifaddrs(), `ifconfig` and `netstat -i` (dumps.py) and the SIOCG* ioctls of 10.x ifconfig
(ioctl_get.py), both answered from the caller's network namespace (bsdulator/net/reader.py)."""

from . import dumps

# kern.features.inet/inet6, without which 10.x ifconfig registers no address printers, are the
# emulated kernel's (bsdulator/sysctl.py KERNEL_FEATURES).


def install(sup) -> None:
    dumps.install(sup)
