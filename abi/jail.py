"""FreeBSD jail ABI numbers (sys/sys/jail.h, 13.5): jail_set/jail_get flags, jailsys values,
limits, prison flags and allow bits."""

# jail(2): the struct jail versions the kernel tells apart by its first word.
JAIL_VERSION_V0 = 0  # one IPv4 address, in host byte order
JAIL_VERSION_V1 = 1  # multi-IPv4 jails that never reached the official kernel: EINVAL
JAIL_API_VERSION = 2  # struct jail as sys/jail.h declares it

# jail_set(2) / jail_get(2) flags. 13.5 has no jail descriptors, so its masks stop at JAIL_DYING
# (13.5-RELEASE sys/sys/jail.h; 14 adds JAIL_USE_DESC ... JAIL_OWN_DESC, 0x10-0x80, to both masks).
JAIL_CREATE = 0x01
JAIL_UPDATE = 0x02
JAIL_ATTACH = 0x04
JAIL_DYING = 0x08
JAIL_SET_MASK = 0x0F
JAIL_GET_MASK = 0x08

# Values of the "jailsys" integer parameters (host, vnet, ip4, ip6, sysvmsg ...).
JAIL_SYS_DISABLE = 0
JAIL_SYS_NEW = 1
JAIL_SYS_INHERIT = 2

# Limits.
JAIL_MAX = 999999  # highest jid, and prison0's children.max
MAXHOSTNAMELEN = 256  # name, host.hostname, host.domainname buffers (NUL included)
HOSTUUIDLEN = 64  # host.hostuuid buffer
OSRELEASELEN = 32  # osrelease buffer
MAXPATHLEN = 1024  # path buffer
XPRISON_VERSION = 3  # struct xprison of security.jail.list
DEFAULT_HOSTUUID = "00000000-0000-0000-0000-000000000000"

# struct prison pr_flags (kernel-only).
PR_PERSIST = 0x00000001
PR_HOST = 0x00000002
PR_IP4_USER = 0x00000004
PR_IP6_USER = 0x00000008
PR_VNET = 0x00000010
PR_IP4_SADDRSEL = 0x00000080
PR_IP6_SADDRSEL = 0x00000100

# struct prison pr_allow bits fixed at compile time; allow.mount.<fs> take free bits at run time.
PR_ALLOW_SET_HOSTNAME = 0x00000001
PR_ALLOW_SYSVIPC = 0x00000002
PR_ALLOW_RAW_SOCKETS = 0x00000004
PR_ALLOW_CHFLAGS = 0x00000008
PR_ALLOW_MOUNT = 0x00000010
PR_ALLOW_QUOTAS = 0x00000020
PR_ALLOW_SOCKET_AF = 0x00000040
PR_ALLOW_MLOCK = 0x00000080
PR_ALLOW_READ_MSGBUF = 0x00000100
PR_ALLOW_UNPRIV_DEBUG = 0x00000200
PR_ALLOW_SUSER = 0x00000400
PR_ALLOW_RESERVED_PORTS = 0x00008000
PR_ALLOW_KMEM_ACCESS = 0x00010000
PR_ALLOW_NFSD = 0x00020000
# 13.5-RELEASE sys/sys/jail.h; 14 adds the extattr, adjtime, settime, routing, unprivileged parent
# tamper and setaudit bits (0x00040000, 0x00F80000) to PR_ALLOW_ALL_STATIC and the tamper bit to
# DIFFERENCES.
PR_ALLOW_ALL_STATIC = 0x000387FF
PR_ALLOW_DIFFERENCES = PR_ALLOW_UNPRIV_DEBUG  # the one bit a child may have that its parent lacks

FREEBSD_JAIL = {
    "JAIL_API_VERSION": JAIL_API_VERSION,
    "JAIL_CREATE": JAIL_CREATE,
    "JAIL_UPDATE": JAIL_UPDATE,
    "JAIL_ATTACH": JAIL_ATTACH,
    "JAIL_DYING": JAIL_DYING,
    "JAIL_SET_MASK": JAIL_SET_MASK,
    "JAIL_GET_MASK": JAIL_GET_MASK,
    "JAIL_SYS_DISABLE": JAIL_SYS_DISABLE,
    "JAIL_SYS_NEW": JAIL_SYS_NEW,
    "JAIL_SYS_INHERIT": JAIL_SYS_INHERIT,
    "MAXHOSTNAMELEN": MAXHOSTNAMELEN,
    "MAXPATHLEN": MAXPATHLEN,
    "XPRISON_VERSION": XPRISON_VERSION,
}

# Names sys/jail.h defines only under _KERNEL.
FREEBSD_JAIL_KERNEL = {
    "JAIL_MAX": JAIL_MAX,
    "HOSTUUIDLEN": HOSTUUIDLEN,
    "OSRELEASELEN": OSRELEASELEN,
    "PR_PERSIST": PR_PERSIST,
    "PR_HOST": PR_HOST,
    "PR_IP4_USER": PR_IP4_USER,
    "PR_IP6_USER": PR_IP6_USER,
    "PR_VNET": PR_VNET,
    "PR_IP4_SADDRSEL": PR_IP4_SADDRSEL,
    "PR_IP6_SADDRSEL": PR_IP6_SADDRSEL,
    "PR_ALLOW_SET_HOSTNAME": PR_ALLOW_SET_HOSTNAME,
    "PR_ALLOW_SYSVIPC": PR_ALLOW_SYSVIPC,
    "PR_ALLOW_RAW_SOCKETS": PR_ALLOW_RAW_SOCKETS,
    "PR_ALLOW_CHFLAGS": PR_ALLOW_CHFLAGS,
    "PR_ALLOW_MOUNT": PR_ALLOW_MOUNT,
    "PR_ALLOW_QUOTAS": PR_ALLOW_QUOTAS,
    "PR_ALLOW_SOCKET_AF": PR_ALLOW_SOCKET_AF,
    "PR_ALLOW_MLOCK": PR_ALLOW_MLOCK,
    "PR_ALLOW_READ_MSGBUF": PR_ALLOW_READ_MSGBUF,
    "PR_ALLOW_UNPRIV_DEBUG": PR_ALLOW_UNPRIV_DEBUG,
    "PR_ALLOW_SUSER": PR_ALLOW_SUSER,
    "PR_ALLOW_RESERVED_PORTS": PR_ALLOW_RESERVED_PORTS,
    "PR_ALLOW_KMEM_ACCESS": PR_ALLOW_KMEM_ACCESS,
    "PR_ALLOW_NFSD": PR_ALLOW_NFSD,
    "PR_ALLOW_ALL_STATIC": PR_ALLOW_ALL_STATIC,
    "PR_ALLOW_DIFFERENCES": PR_ALLOW_DIFFERENCES,
}

# libjail (lib/libjail/jail.h): the size of jail_errmsg, the buffer it hands the kernel as "errmsg".
JAIL_ERRMSGLEN = 1024

# kern/vfs_mount.c (no header has it): the most bytes vfs_buildopts takes for one option, and for
# all together.
VFS_MOUNTARG_SIZE_MAX = 64 * 1024

# struct jail_v0 (sys/jail.h, visible to _KERNEL only): where jail(2) version 0 keeps its fields.
FREEBSD_JAIL_V0 = {"offsetof(struct jail_v0, path)": 8, "offsetof(struct jail_v0, ip_number)": 24}
