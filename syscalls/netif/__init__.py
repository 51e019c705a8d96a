"""FreeBSD's network interface ioctls on Linux links, in the caller's network namespace.  The
write side: `ioctl_set` (the requests that change an interface, and their dispatch), `clone`
(SIOCIFCREATE/SIOCIFDESTROY: epair, bridge, lo, vlan), `bridge` (SIOC[SG]DRVSPEC on a bridge:
members and parameters), `vnet` (SIOCSIFVNET/SIOCSIFRVNET: into and out of jails), `target`
(what they share: the caller's network, names, errors)."""
