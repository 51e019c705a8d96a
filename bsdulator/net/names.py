"""Interface names: programs see FreeBSD's, the kernel has Linux's.

The one place the two name spaces meet, for the netlink translator (syscalls/netlink) and the
network backend alike.  Only the loopback differs today: FreeBSD's lo0 is Linux's lo.  Every
other name is the same on both sides; a Linux interface that is itself called lo0 is shown as
lo0 too, but FreeBSD's lo0 always means Linux's lo."""

FREEBSD_LOOPBACK = "lo0"
LINUX_LOOPBACK = "lo"

_TO_LINUX = {FREEBSD_LOOPBACK: LINUX_LOOPBACK}
_TO_FREEBSD = {linux: fbsd for fbsd, linux in _TO_LINUX.items()}


def linux_ifname(freebsd: str) -> str:
    """The Linux interface a FreeBSD program means by `freebsd`."""
    return _TO_LINUX.get(freebsd, freebsd)


def freebsd_ifname(linux: str) -> str:
    """The name a FreeBSD program sees for the Linux interface `linux`."""
    return _TO_FREEBSD.get(linux, linux)
