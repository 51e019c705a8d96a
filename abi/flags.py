"""Flag and constant groups of the FreeBSD/amd64 ABI and their Linux x86_64 counterparts (kernel
values, not glibc's), as plain name → value dicts."""

# --- files ---------------------------------------------------------------------------

# FreeBSD sys/fcntl.h open(2) flags.
FREEBSD_O_FLAGS = {
    "O_RDONLY": 0x0000,
    "O_WRONLY": 0x0001,
    "O_RDWR": 0x0002,
    "O_ACCMODE": 0x0003,
    "O_NONBLOCK": 0x0004,
    "O_NDELAY": 0x0004,  # = O_NONBLOCK
    "O_APPEND": 0x0008,
    "O_SHLOCK": 0x0010,  # open with a shared flock(2)
    "O_EXLOCK": 0x0020,  # open with an exclusive flock(2)
    "O_ASYNC": 0x0040,
    "O_FSYNC": 0x0080,
    "O_SYNC": 0x0080,  # = O_FSYNC
    "O_NOFOLLOW": 0x0100,
    "O_CREAT": 0x0200,
    "O_TRUNC": 0x0400,
    "O_EXCL": 0x0800,
    "O_NOCTTY": 0x8000,  # a no-op on FreeBSD
    "O_DIRECT": 0x00010000,
    "O_DIRECTORY": 0x00020000,
    "O_EXEC": 0x00040000,
    "O_SEARCH": 0x00040000,  # = O_EXEC
    "O_TTY_INIT": 0x00080000,  # restore default termios on first open
    "O_CLOEXEC": 0x00100000,
    "O_VERIFY": 0x00200000,  # mac_veriexec check; rtld passes it
    "O_PATH": 0x00400000,
    "O_RESOLVE_BENEATH": 0x00800000,
    "O_DSYNC": 0x01000000,
    "O_EMPTY_PATH": 0x02000000,
    "O_NAMEDATTR": 0x04000000,  # newer than 13.5
    "O_XATTR": 0x04000000,  # = O_NAMEDATTR, newer than 13.5
    "O_CLOFORK": 0x08000000,  # newer than 13.5
}

# Linux asm-generic/fcntl.h (the kernel's O_LARGEFILE, which glibc calls 0 on x86_64).
LINUX_O_FLAGS = {
    "O_RDONLY": 0o0,
    "O_WRONLY": 0o1,
    "O_RDWR": 0o2,
    "O_ACCMODE": 0o3,
    "O_CREAT": 0o100,
    "O_EXCL": 0o200,
    "O_NOCTTY": 0o400,
    "O_TRUNC": 0o1000,
    "O_APPEND": 0o2000,
    "O_NONBLOCK": 0o4000,
    "O_NDELAY": 0o4000,  # = O_NONBLOCK
    "O_DSYNC": 0o10000,
    "O_ASYNC": 0o20000,  # FASYNC
    "O_DIRECT": 0o40000,
    "O_LARGEFILE": 0o100000,  # always set on x86_64 opens, shows in F_GETFL
    "O_DIRECTORY": 0o200000,
    "O_NOFOLLOW": 0o400000,
    "O_NOATIME": 0o1000000,
    "O_CLOEXEC": 0o2000000,
    "O_SYNC": 0o4010000,  # __O_SYNC | O_DSYNC
    "O_PATH": 0o10000000,
    "O_TMPFILE": 0o20200000,  # __O_TMPFILE | O_DIRECTORY
}

FREEBSD_AT_FLAGS = {
    "AT_FDCWD": -100,  # dirfd value, not a flag
    "AT_EACCESS": 0x0100,
    "AT_SYMLINK_NOFOLLOW": 0x0200,
    "AT_SYMLINK_FOLLOW": 0x0400,
    "AT_REMOVEDIR": 0x0800,
    "AT_RESOLVE_BENEATH": 0x2000,
    "AT_EMPTY_PATH": 0x4000,
}

# Linux linux/fcntl.h; AT_EACCESS and AT_REMOVEDIR share 0x200 (different calls).
LINUX_AT_FLAGS = {
    "AT_FDCWD": -100,  # dirfd value, not a flag
    "AT_SYMLINK_NOFOLLOW": 0x100,
    "AT_EACCESS": 0x200,
    "AT_REMOVEDIR": 0x200,
    "AT_SYMLINK_FOLLOW": 0x400,
    "AT_NO_AUTOMOUNT": 0x800,
    "AT_EMPTY_PATH": 0x1000,
    "AT_RECURSIVE": 0x8000,
}

FREEBSD_FCNTL_COMMANDS = {
    "F_DUPFD": 0,
    "F_GETFD": 1,
    "F_SETFD": 2,
    "F_GETFL": 3,
    "F_SETFL": 4,
    "F_GETOWN": 5,
    "F_SETOWN": 6,
    "F_OGETLK": 7,  # pre-FreeBSD-9 struct flock
    "F_OSETLK": 8,
    "F_OSETLKW": 9,
    "F_DUP2FD": 10,
    "F_GETLK": 11,
    "F_SETLK": 12,
    "F_SETLKW": 13,
    "F_SETLK_REMOTE": 14,
    "F_READAHEAD": 15,
    "F_RDAHEAD": 16,
    "F_DUPFD_CLOEXEC": 17,
    "F_DUP2FD_CLOEXEC": 18,
    "F_ADD_SEALS": 19,
    "F_GET_SEALS": 20,
    "F_ISUNIONSTACK": 21,
    "F_KINFO": 22,  # fill a struct kinfo_file
    "F_DUPFD_CLOFORK": 23,  # newer than 13.5
    "F_DUP3FD": 24,  # newer than 13.5
}

# Linux asm-generic/fcntl.h and linux/fcntl.h (F_LINUX_SPECIFIC_BASE 1024).
LINUX_FCNTL_COMMANDS = {
    "F_DUPFD": 0,
    "F_GETFD": 1,
    "F_SETFD": 2,
    "F_GETFL": 3,
    "F_SETFL": 4,
    "F_GETLK": 5,
    "F_SETLK": 6,
    "F_SETLKW": 7,
    "F_SETOWN": 8,
    "F_GETOWN": 9,
    "F_SETSIG": 10,
    "F_GETSIG": 11,
    "F_OFD_GETLK": 36,
    "F_OFD_SETLK": 37,
    "F_OFD_SETLKW": 38,
    "F_SETLEASE": 1024,
    "F_GETLEASE": 1025,
    "F_NOTIFY": 1026,
    "F_DUPFD_CLOEXEC": 1030,
    "F_SETPIPE_SZ": 1031,
    "F_GETPIPE_SZ": 1032,
    "F_ADD_SEALS": 1033,
    "F_GET_SEALS": 1034,
}

# The kernel's file flags an open mode maps to (FFLAGS(): O_RDONLY/O_WRONLY/O_RDWR + 1).
FREEBSD_FILE_FLAGS = {"FREAD": 0x0001, "FWRITE": 0x0002}

FREEBSD_FD_FLAGS = {
    "FD_CLOEXEC": 1,
    "FD_RESOLVE_BENEATH": 2,  # newer than 13.5
    "FD_CLOFORK": 4,  # newer than 13.5
}

LINUX_FD_FLAGS = {
    "FD_CLOEXEC": 1,
}

# struct flock l_type.
FREEBSD_FLOCK_TYPES = {
    "F_RDLCK": 1,
    "F_UNLCK": 2,
    "F_WRLCK": 3,
}

LINUX_FLOCK_TYPES = {
    "F_RDLCK": 0,
    "F_WRLCK": 1,
    "F_UNLCK": 2,
}

# flock(2) operations; the same on both.
FREEBSD_LOCK_OPS = {
    "LOCK_SH": 0x01,
    "LOCK_EX": 0x02,
    "LOCK_NB": 0x04,
    "LOCK_UN": 0x08,
}

LINUX_LOCK_OPS = {
    "LOCK_SH": 1,
    "LOCK_EX": 2,
    "LOCK_NB": 4,
    "LOCK_UN": 8,
}

# access(2) modes; the same on both.
FREEBSD_ACCESS_MODES = {
    "F_OK": 0,
    "X_OK": 0x01,
    "W_OK": 0x02,
    "R_OK": 0x04,
}

LINUX_ACCESS_MODES = {
    "F_OK": 0,
    "X_OK": 1,
    "W_OK": 2,
    "R_OK": 4,
}

# lseek(2) whence; the same on both.
FREEBSD_SEEK_WHENCE = {
    "SEEK_SET": 0,
    "SEEK_CUR": 1,
    "SEEK_END": 2,
    "SEEK_DATA": 3,
    "SEEK_HOLE": 4,
}

LINUX_SEEK_WHENCE = {
    "SEEK_SET": 0,
    "SEEK_CUR": 1,
    "SEEK_END": 2,
    "SEEK_DATA": 3,
    "SEEK_HOLE": 4,
}

# st_mode file types; the same on both except whiteouts.
FREEBSD_FILE_TYPES = {
    "S_IFMT": 0o170000,
    "S_IFIFO": 0o010000,
    "S_IFCHR": 0o020000,
    "S_IFDIR": 0o040000,
    "S_IFBLK": 0o060000,
    "S_IFREG": 0o100000,
    "S_IFLNK": 0o120000,
    "S_IFSOCK": 0o140000,
    "S_IFWHT": 0o160000,  # union-fs whiteout, FreeBSD only
}

LINUX_FILE_TYPES = {
    "S_IFMT": 0o170000,
    "S_IFIFO": 0o010000,
    "S_IFCHR": 0o020000,
    "S_IFDIR": 0o040000,
    "S_IFBLK": 0o060000,
    "S_IFREG": 0o100000,
    "S_IFLNK": 0o120000,
    "S_IFSOCK": 0o140000,
}

# st_mode permission bits; the same on both.
FREEBSD_MODE_BITS = {
    "S_ISUID": 0o4000,
    "S_ISGID": 0o2000,
    "S_ISVTX": 0o1000,
    "S_IRWXU": 0o700,
    "S_IRUSR": 0o400,
    "S_IWUSR": 0o200,
    "S_IXUSR": 0o100,
    "S_IRWXG": 0o070,
    "S_IRGRP": 0o040,
    "S_IWGRP": 0o020,
    "S_IXGRP": 0o010,
    "S_IRWXO": 0o007,
    "S_IROTH": 0o004,
    "S_IWOTH": 0o002,
    "S_IXOTH": 0o001,
}

LINUX_MODE_BITS = {
    "S_ISUID": 0o4000,
    "S_ISGID": 0o2000,
    "S_ISVTX": 0o1000,
    "S_IRWXU": 0o700,
    "S_IRUSR": 0o400,
    "S_IWUSR": 0o200,
    "S_IXUSR": 0o100,
    "S_IRWXG": 0o070,
    "S_IRGRP": 0o040,
    "S_IWGRP": 0o020,
    "S_IXGRP": 0o010,
    "S_IRWXO": 0o007,
    "S_IROTH": 0o004,
    "S_IWOTH": 0o002,
    "S_IXOTH": 0o001,
}

# chflags(2) file flags (sys/stat.h): user flags in the low half, system (super-user) flags in
# the high half.
FREEBSD_CHFLAGS = {
    "UF_SETTABLE": 0x0000FFFF,
    "UF_NODUMP": 0x00000001,
    "UF_IMMUTABLE": 0x00000002,
    "UF_APPEND": 0x00000004,
    "UF_OPAQUE": 0x00000008,
    "UF_NOUNLINK": 0x00000010,
    "UF_SYSTEM": 0x00000080,
    "UF_SPARSE": 0x00000100,
    "UF_OFFLINE": 0x00000200,
    "UF_REPARSE": 0x00000400,
    "UF_ARCHIVE": 0x00000800,
    "UF_READONLY": 0x00001000,
    "UF_HIDDEN": 0x00008000,
    "SF_SETTABLE": 0xFFFF0000,
    "SF_ARCHIVED": 0x00010000,
    "SF_IMMUTABLE": 0x00020000,
    "SF_APPEND": 0x00040000,
    "SF_NOUNLINK": 0x00100000,
    "SF_SNAPSHOT": 0x00200000,
}

# Linux inode flags (linux/fs.h) that mean what a FreeBSD flag means: FS_IOC_GETFLAGS and
# FS_IOC_SETFLAGS read and write them (an int, despite the ioctls' declared long).
LINUX_INODE_FLAGS = {
    "FS_IMMUTABLE_FL": 0x00000010,
    "FS_APPEND_FL": 0x00000020,
    "FS_NODUMP_FL": 0x00000040,
}
LINUX_INODE_FLAG_IOCTLS = {
    "FS_IOC_GETFLAGS": 0x80086601,
    "FS_IOC_SETFLAGS": 0x40086602,
}

# utimensat(2) tv_nsec markers.
FREEBSD_UTIME_SPECIAL = {
    "UTIME_NOW": -1,
    "UTIME_OMIT": -2,
}

LINUX_UTIME_SPECIAL = {
    "UTIME_NOW": (1 << 30) - 1,
    "UTIME_OMIT": (1 << 30) - 2,
}

# --- memory ----------------------------------------------------------------------------

FREEBSD_MAP_FLAGS = {
    "MAP_FILE": 0x0000,
    "MAP_SHARED": 0x0001,
    "MAP_PRIVATE": 0x0002,
    "MAP_COPY": 0x0002,  # = MAP_PRIVATE
    "MAP_FIXED": 0x0010,
    "MAP_RESERVED0020": 0x0020,
    "MAP_RESERVED0040": 0x0040,
    "MAP_RESERVED0080": 0x0080,
    "MAP_RESERVED0100": 0x0100,
    "MAP_HASSEMAPHORE": 0x0200,  # a hint, ignored
    "MAP_STACK": 0x0400,
    "MAP_NOSYNC": 0x0800,  # a hint about write-back
    "MAP_ANON": 0x1000,
    "MAP_ANONYMOUS": 0x1000,  # = MAP_ANON
    "MAP_GUARD": 0x2000,  # reserve address space; no access at all
    "MAP_EXCL": 0x4000,  # with MAP_FIXED: fail instead of replacing
    "MAP_NOCORE": 0x00020000,
    "MAP_PREFAULT_READ": 0x00040000,
    "MAP_32BIT": 0x00080000,  # below 2 GiB
}

# MAP_ALIGNED(n) = n << MAP_ALIGNMENT_SHIFT asks for 2**n alignment, PAGE_SHIFT <= n < 64;
# n = 1 (MAP_ALIGNED_SUPER) asks for superpage (NBPDR) alignment.
FREEBSD_MAP_ALIGNMENT = {
    "MAP_ALIGNMENT_SHIFT": 24,
    "MAP_ALIGNMENT_MASK": 0xFF << 24,
    "MAP_ALIGNED_SUPER": 1 << 24,
    "PAGE_SHIFT": 12,  # amd64 machine/param.h
    "NBPDR": 1 << 21,  # amd64 superpage: 2 MiB
}

LINUX_MAP_FLAGS = {
    "MAP_FILE": 0,
    "MAP_SHARED": 0x01,
    "MAP_PRIVATE": 0x02,
    "MAP_SHARED_VALIDATE": 0x03,
    "MAP_TYPE": 0x0F,
    "MAP_FIXED": 0x10,
    "MAP_ANONYMOUS": 0x20,
    "MAP_32BIT": 0x40,  # below 2 GiB
    "MAP_GROWSDOWN": 0x0100,
    "MAP_DENYWRITE": 0x0800,
    "MAP_EXECUTABLE": 0x1000,
    "MAP_LOCKED": 0x2000,
    "MAP_NORESERVE": 0x4000,
    "MAP_POPULATE": 0x8000,
    "MAP_NONBLOCK": 0x10000,
    "MAP_STACK": 0x20000,
    "MAP_HUGETLB": 0x40000,
    "MAP_SYNC": 0x80000,
    "MAP_FIXED_NOREPLACE": 0x100000,
}

FREEBSD_PROT_FLAGS = {
    "PROT_NONE": 0x00,
    "PROT_READ": 0x01,
    "PROT_WRITE": 0x02,
    "PROT_EXEC": 0x04,
    "_PROT_MAX_SHIFT": 16,  # PROT_MAX(p) = p << 16: the most a later mprotect may grant
}

LINUX_PROT_FLAGS = {
    "PROT_NONE": 0x0,
    "PROT_READ": 0x1,
    "PROT_WRITE": 0x2,
    "PROT_EXEC": 0x4,
    "PROT_SEM": 0x8,
    "PROT_GROWSDOWN": 0x01000000,
    "PROT_GROWSUP": 0x02000000,
}

FREEBSD_MADV_ADVICE = {
    "MADV_NORMAL": 0,
    "MADV_RANDOM": 1,
    "MADV_SEQUENTIAL": 2,
    "MADV_WILLNEED": 3,
    "MADV_DONTNEED": 4,
    "MADV_FREE": 5,
    "MADV_NOSYNC": 6,
    "MADV_AUTOSYNC": 7,
    "MADV_NOCORE": 8,
    "MADV_CORE": 9,
    "MADV_PROTECT": 10,
}

LINUX_MADV_ADVICE = {
    "MADV_NORMAL": 0,
    "MADV_RANDOM": 1,
    "MADV_SEQUENTIAL": 2,
    "MADV_WILLNEED": 3,
    "MADV_DONTNEED": 4,
    "MADV_FREE": 8,
    "MADV_REMOVE": 9,
    "MADV_DONTFORK": 10,
    "MADV_DOFORK": 11,
    "MADV_MERGEABLE": 12,
    "MADV_UNMERGEABLE": 13,
    "MADV_HUGEPAGE": 14,
    "MADV_NOHUGEPAGE": 15,
    "MADV_DONTDUMP": 16,
    "MADV_DODUMP": 17,
    "MADV_WIPEONFORK": 18,
}

# msync(2); FreeBSD's MS_SYNC is 0, the absence of MS_ASYNC.
FREEBSD_MSYNC_FLAGS = {
    "MS_SYNC": 0x0000,
    "MS_ASYNC": 0x0001,
    "MS_INVALIDATE": 0x0002,
}

LINUX_MSYNC_FLAGS = {
    "MS_ASYNC": 1,
    "MS_INVALIDATE": 2,
    "MS_SYNC": 4,
}

# --- sockets ----------------------------------------------------------------------------

FREEBSD_SOCK_TYPES = {
    "SOCK_STREAM": 1,
    "SOCK_DGRAM": 2,
    "SOCK_RAW": 3,
    "SOCK_RDM": 4,
    "SOCK_SEQPACKET": 5,
}

LINUX_SOCK_TYPES = {
    "SOCK_STREAM": 1,
    "SOCK_DGRAM": 2,
    "SOCK_RAW": 3,
    "SOCK_RDM": 4,
    "SOCK_SEQPACKET": 5,
    "SOCK_DCCP": 6,
    "SOCK_PACKET": 10,
}

# Flags or-ed into socket(2)'s type argument.
FREEBSD_SOCK_FLAGS = {
    "SOCK_CLOEXEC": 0x10000000,
    "SOCK_NONBLOCK": 0x20000000,
    "SOCK_CLOFORK": 0x40000000,  # newer than 13.5
}

LINUX_SOCK_FLAGS = {
    "SOCK_NONBLOCK": 0o4000,
    "SOCK_CLOEXEC": 0o2000000,
}

FREEBSD_ADDRESS_FAMILIES = {
    "AF_UNSPEC": 0,
    "AF_UNIX": 1,
    "AF_LOCAL": 1,  # = AF_UNIX
    "AF_INET": 2,
    "AF_IMPLINK": 3,
    "AF_PUP": 4,
    "AF_CHAOS": 5,
    "AF_NETBIOS": 6,
    "AF_ISO": 7,
    "AF_OSI": 7,  # = AF_ISO
    "AF_ECMA": 8,
    "AF_DATAKIT": 9,
    "AF_CCITT": 10,
    "AF_SNA": 11,
    "AF_DECnet": 12,
    "AF_DLI": 13,
    "AF_LAT": 14,
    "AF_HYLINK": 15,
    "AF_APPLETALK": 16,
    "AF_ROUTE": 17,  # routing sockets (rt_msghdr), not Linux's AF_ROUTE = AF_NETLINK
    "AF_LINK": 18,  # sockaddr_dl link-layer addresses
    "pseudo_AF_XTP": 19,
    "AF_COIP": 20,
    "AF_CNT": 21,
    "pseudo_AF_RTIP": 22,
    "AF_IPX": 23,
    "AF_SIP": 24,
    "pseudo_AF_PIP": 25,
    "AF_ISDN": 26,
    "AF_E164": 26,  # = AF_ISDN
    "pseudo_AF_KEY": 27,  # PF_KEY, RFC 2367
    "AF_INET6": 28,
    "AF_NATM": 29,
    "AF_ATM": 30,
    "pseudo_AF_HDRCMPLT": 31,
    "AF_NETGRAPH": 32,
    "AF_SLOW": 33,
    "AF_SCLUSTER": 34,
    "AF_ARP": 35,
    "AF_BLUETOOTH": 36,
    "AF_IEEE80211": 37,
    "AF_NETLINK": 38,
    "AF_INET_SDP": 40,
    "AF_INET6_SDP": 42,
    "AF_HYPERV": 43,
    "AF_DIVERT": 44,  # newer than 13.5
    "AF_IPFWLOG": 46,  # newer than 13.5
}

LINUX_ADDRESS_FAMILIES = {
    "AF_UNSPEC": 0,
    "AF_UNIX": 1,
    "AF_LOCAL": 1,
    "AF_INET": 2,
    "AF_AX25": 3,
    "AF_IPX": 4,
    "AF_APPLETALK": 5,
    "AF_NETROM": 6,
    "AF_BRIDGE": 7,
    "AF_ATMPVC": 8,
    "AF_X25": 9,
    "AF_INET6": 10,
    "AF_ROSE": 11,
    "AF_DECnet": 12,
    "AF_NETBEUI": 13,
    "AF_SECURITY": 14,
    "AF_KEY": 15,
    "AF_NETLINK": 16,
    "AF_ROUTE": 16,  # = AF_NETLINK
    "AF_PACKET": 17,
    "AF_ASH": 18,
    "AF_ECONET": 19,
    "AF_ATMSVC": 20,
    "AF_RDS": 21,
    "AF_SNA": 22,
    "AF_IRDA": 23,
    "AF_PPPOX": 24,
    "AF_WANPIPE": 25,
    "AF_LLC": 26,
    "AF_IB": 27,
    "AF_MPLS": 28,
    "AF_CAN": 29,
    "AF_TIPC": 30,
    "AF_BLUETOOTH": 31,
    "AF_IUCV": 32,
    "AF_RXRPC": 33,
    "AF_ISDN": 34,
    "AF_PHONET": 35,
    "AF_IEEE802154": 36,
    "AF_CAIF": 37,
    "AF_ALG": 38,
    "AF_NFC": 39,
    "AF_VSOCK": 40,
    "AF_KCM": 41,
    "AF_QIPCRTR": 42,
    "AF_SMC": 43,
    "AF_XDP": 44,
    "AF_MCTP": 45,
}

FREEBSD_MSG_FLAGS = {
    "MSG_OOB": 0x00000001,
    "MSG_PEEK": 0x00000002,
    "MSG_DONTROUTE": 0x00000004,
    "MSG_EOR": 0x00000008,
    "MSG_TRUNC": 0x00000010,
    "MSG_CTRUNC": 0x00000020,
    "MSG_WAITALL": 0x00000040,
    "MSG_DONTWAIT": 0x00000080,
    "MSG_EOF": 0x00000100,  # send, then shut down the sending side
    "MSG_NOTIFICATION": 0x00002000,  # SCTP
    "MSG_NBIO": 0x00004000,  # kernel internal
    "MSG_COMPAT": 0x00008000,  # kernel internal
    "MSG_NOSIGNAL": 0x00020000,
    "MSG_CMSG_CLOEXEC": 0x00040000,
    "MSG_WAITFORONE": 0x00080000,
    "MSG_CMSG_CLOFORK": 0x00400000,  # newer than 13.5
}

LINUX_MSG_FLAGS = {
    "MSG_OOB": 0x1,
    "MSG_PEEK": 0x2,
    "MSG_DONTROUTE": 0x4,
    "MSG_CTRUNC": 0x8,
    "MSG_PROXY": 0x10,
    "MSG_TRUNC": 0x20,
    "MSG_DONTWAIT": 0x40,
    "MSG_EOR": 0x80,
    "MSG_WAITALL": 0x100,
    "MSG_FIN": 0x200,
    "MSG_SYN": 0x400,
    "MSG_CONFIRM": 0x800,
    "MSG_RST": 0x1000,
    "MSG_ERRQUEUE": 0x2000,
    "MSG_NOSIGNAL": 0x4000,
    "MSG_MORE": 0x8000,
    "MSG_WAITFORONE": 0x10000,
    "MSG_BATCH": 0x40000,
    "MSG_ZEROCOPY": 0x4000000,
    "MSG_FASTOPEN": 0x20000000,
    "MSG_CMSG_CLOEXEC": 0x40000000,
}

# setsockopt(2) levels beyond the IPPROTO_* numbers.
FREEBSD_SOCKET_LEVELS = {
    "SOL_SOCKET": 0xFFFF,
}

# Unix-domain socket options (sys/un.h) and their credentials (sys/ucred.h).
FREEBSD_LOCAL_OPTIONS = {
    "SOL_LOCAL": 0,
    "LOCAL_PEERCRED": 1,  # struct xucred of the peer, as it was at connect
    "LOCAL_CREDS": 2,
    "LOCAL_CREDS_PERSISTENT": 3,
}
FREEBSD_XUCRED = {"XUCRED_VERSION": 0, "XU_NGROUPS": 16}

LINUX_SOCKET_LEVELS = {
    "SOL_SOCKET": 1,
}

# SOL_SOCKET options.
FREEBSD_SO_OPTIONS = {
    "SO_DEBUG": 0x00000001,
    "SO_ACCEPTCONN": 0x00000002,
    "SO_REUSEADDR": 0x00000004,
    "SO_KEEPALIVE": 0x00000008,
    "SO_DONTROUTE": 0x00000010,
    "SO_BROADCAST": 0x00000020,
    "SO_USELOOPBACK": 0x00000040,
    "SO_LINGER": 0x00000080,
    "SO_OOBINLINE": 0x00000100,
    "SO_REUSEPORT": 0x00000200,
    "SO_TIMESTAMP": 0x00000400,
    "SO_NOSIGPIPE": 0x00000800,
    "SO_ACCEPTFILTER": 0x00001000,
    "SO_BINTIME": 0x00002000,
    "SO_NO_OFFLOAD": 0x00004000,
    "SO_NO_DDP": 0x00008000,
    "SO_REUSEPORT_LB": 0x00010000,
    "SO_RERROR": 0x00020000,
    "SO_SNDBUF": 0x1001,
    "SO_RCVBUF": 0x1002,
    "SO_SNDLOWAT": 0x1003,
    "SO_RCVLOWAT": 0x1004,
    "SO_SNDTIMEO": 0x1005,
    "SO_RCVTIMEO": 0x1006,
    "SO_ERROR": 0x1007,  # the value is an errno
    "SO_TYPE": 0x1008,
    "SO_LABEL": 0x1009,
    "SO_PEERLABEL": 0x1010,
    "SO_LISTENQLIMIT": 0x1011,
    "SO_LISTENQLEN": 0x1012,
    "SO_LISTENINCQLEN": 0x1013,
    "SO_SETFIB": 0x1014,
    "SO_USER_COOKIE": 0x1015,
    "SO_PROTOCOL": 0x1016,
    "SO_TS_CLOCK": 0x1017,
    "SO_MAX_PACING_RATE": 0x1018,
    "SO_DOMAIN": 0x1019,  # the value is an address family
}

LINUX_SO_OPTIONS = {
    "SO_DEBUG": 1,
    "SO_REUSEADDR": 2,
    "SO_TYPE": 3,
    "SO_ERROR": 4,
    "SO_DONTROUTE": 5,
    "SO_BROADCAST": 6,
    "SO_SNDBUF": 7,
    "SO_RCVBUF": 8,
    "SO_KEEPALIVE": 9,
    "SO_OOBINLINE": 10,
    "SO_NO_CHECK": 11,
    "SO_PRIORITY": 12,
    "SO_LINGER": 13,
    "SO_BSDCOMPAT": 14,
    "SO_REUSEPORT": 15,
    "SO_PASSCRED": 16,
    "SO_PEERCRED": 17,
    "SO_RCVLOWAT": 18,
    "SO_SNDLOWAT": 19,
    "SO_RCVTIMEO": 20,  # SO_RCVTIMEO_OLD: struct timeval, as FreeBSD's
    "SO_SNDTIMEO": 21,  # SO_SNDTIMEO_OLD
    "SO_BINDTODEVICE": 25,
    "SO_TIMESTAMP": 29,  # SO_TIMESTAMP_OLD
    "SO_ACCEPTCONN": 30,
    "SO_PROTOCOL": 38,
    "SO_DOMAIN": 39,
    "SO_MAX_PACING_RATE": 47,
    "SO_PEERGROUPS": 59,  # the peer's supplementary groups, as SO_PEERCRED's gid_t array
}

# Protocol numbers (IANA), also the setsockopt(2) levels of their options; alike on both.
FREEBSD_IPPROTO = {
    "IPPROTO_IP": 0,
    "IPPROTO_HOPOPTS": 0,
    "IPPROTO_ICMP": 1,
    "IPPROTO_IGMP": 2,
    "IPPROTO_IPV4": 4,
    "IPPROTO_IPIP": 4,
    "IPPROTO_TCP": 6,
    "IPPROTO_EGP": 8,
    "IPPROTO_PUP": 12,
    "IPPROTO_UDP": 17,
    "IPPROTO_IDP": 22,
    "IPPROTO_TP": 29,
    "IPPROTO_DCCP": 33,
    "IPPROTO_IPV6": 41,
    "IPPROTO_ROUTING": 43,
    "IPPROTO_FRAGMENT": 44,
    "IPPROTO_RSVP": 46,
    "IPPROTO_GRE": 47,
    "IPPROTO_ESP": 50,
    "IPPROTO_AH": 51,
    "IPPROTO_ICMPV6": 58,
    "IPPROTO_NONE": 59,
    "IPPROTO_DSTOPTS": 60,
    "IPPROTO_MTP": 92,
    "IPPROTO_ENCAP": 98,
    "IPPROTO_PIM": 103,
    "IPPROTO_IPCOMP": 108,  # Linux calls it IPPROTO_COMP
    "IPPROTO_SCTP": 132,
    "IPPROTO_MH": 135,
    "IPPROTO_UDPLITE": 136,
    "IPPROTO_MPLS": 137,
    "IPPROTO_RAW": 255,
}

LINUX_IPPROTO = {
    "IPPROTO_IP": 0,
    "IPPROTO_HOPOPTS": 0,
    "IPPROTO_ICMP": 1,
    "IPPROTO_IGMP": 2,
    "IPPROTO_IPIP": 4,
    "IPPROTO_TCP": 6,
    "IPPROTO_EGP": 8,
    "IPPROTO_PUP": 12,
    "IPPROTO_UDP": 17,
    "IPPROTO_IDP": 22,
    "IPPROTO_TP": 29,
    "IPPROTO_DCCP": 33,
    "IPPROTO_IPV6": 41,
    "IPPROTO_ROUTING": 43,
    "IPPROTO_FRAGMENT": 44,
    "IPPROTO_RSVP": 46,
    "IPPROTO_GRE": 47,
    "IPPROTO_ESP": 50,
    "IPPROTO_AH": 51,
    "IPPROTO_ICMPV6": 58,
    "IPPROTO_NONE": 59,
    "IPPROTO_DSTOPTS": 60,
    "IPPROTO_MTP": 92,
    "IPPROTO_ENCAP": 98,
    "IPPROTO_PIM": 103,
    "IPPROTO_COMP": 108,
    "IPPROTO_SCTP": 132,
    "IPPROTO_MH": 135,
    "IPPROTO_UDPLITE": 136,
    "IPPROTO_MPLS": 137,
    "IPPROTO_RAW": 255,
}

# IPPROTO_IP options.
FREEBSD_IP_OPTIONS = {
    "IP_OPTIONS": 1,
    "IP_HDRINCL": 2,
    "IP_TOS": 3,
    "IP_TTL": 4,
    "IP_RECVOPTS": 5,
    "IP_RECVRETOPTS": 6,
    "IP_RECVDSTADDR": 7,
    "IP_RETOPTS": 8,
    "IP_MULTICAST_IF": 9,
    "IP_MULTICAST_TTL": 10,
    "IP_MULTICAST_LOOP": 11,
    "IP_ADD_MEMBERSHIP": 12,
    "IP_DROP_MEMBERSHIP": 13,
    "IP_PORTRANGE": 19,
    "IP_RECVIF": 20,
    "IP_BINDANY": 24,
    "IP_ORIGDSTADDR": 27,
    "IP_RECVTTL": 65,
    "IP_MINTTL": 66,
    "IP_DONTFRAG": 67,
    "IP_RECVTOS": 68,
}

LINUX_IP_OPTIONS = {
    "IP_TOS": 1,
    "IP_TTL": 2,
    "IP_HDRINCL": 3,
    "IP_OPTIONS": 4,
    "IP_RECVOPTS": 6,
    "IP_RETOPTS": 7,
    "IP_PKTINFO": 8,
    "IP_MTU_DISCOVER": 10,
    "IP_RECVERR": 11,
    "IP_RECVTTL": 12,
    "IP_RECVTOS": 13,
    "IP_FREEBIND": 15,
    "IP_TRANSPARENT": 19,
    "IP_ORIGDSTADDR": 20,
    "IP_MINTTL": 21,
    "IP_MULTICAST_IF": 32,
    "IP_MULTICAST_TTL": 33,
    "IP_MULTICAST_LOOP": 34,
    "IP_ADD_MEMBERSHIP": 35,
    "IP_DROP_MEMBERSHIP": 36,
}

# IP_MTU_DISCOVER values (linux/in.h): DONT sends without DF, as FreeBSD's rip_output does
# unless IP_DONTFRAG.
LINUX_IP_PMTUDISC = {"IP_PMTUDISC_DONT": 0, "IP_PMTUDISC_DO": 2}

# IPPROTO_IPV6 options.
FREEBSD_IPV6_OPTIONS = {
    "IPV6_UNICAST_HOPS": 4,
    "IPV6_MULTICAST_IF": 9,
    "IPV6_MULTICAST_HOPS": 10,
    "IPV6_MULTICAST_LOOP": 11,
    "IPV6_JOIN_GROUP": 12,
    "IPV6_LEAVE_GROUP": 13,
    "IPV6_PORTRANGE": 14,
    "IPV6_CHECKSUM": 26,
    "IPV6_V6ONLY": 27,
    "IPV6_RECVPKTINFO": 36,
    "IPV6_RECVHOPLIMIT": 37,
    "IPV6_RECVRTHDR": 38,
    "IPV6_RECVHOPOPTS": 39,
    "IPV6_RECVDSTOPTS": 40,
    "IPV6_USE_MIN_MTU": 42,
    "IPV6_RECVPATHMTU": 43,
    "IPV6_PATHMTU": 44,
    "IPV6_PKTINFO": 46,
    "IPV6_HOPLIMIT": 47,
    "IPV6_NEXTHOP": 48,
    "IPV6_HOPOPTS": 49,
    "IPV6_DSTOPTS": 50,
    "IPV6_RTHDR": 51,
    "IPV6_RECVTCLASS": 57,
    "IPV6_AUTOFLOWLABEL": 59,
    "IPV6_TCLASS": 61,
    "IPV6_DONTFRAG": 62,
    "IPV6_PREFER_TEMPADDR": 63,
    "IPV6_BINDANY": 64,
    "IPV6_ORIGDSTADDR": 72,
}

LINUX_IPV6_OPTIONS = {
    "IPV6_CHECKSUM": 7,
    "IPV6_NEXTHOP": 9,
    "IPV6_UNICAST_HOPS": 16,
    "IPV6_MULTICAST_IF": 17,
    "IPV6_MULTICAST_HOPS": 18,
    "IPV6_MULTICAST_LOOP": 19,
    "IPV6_JOIN_GROUP": 20,
    "IPV6_LEAVE_GROUP": 21,
    "IPV6_V6ONLY": 26,
    "IPV6_RECVPKTINFO": 49,
    "IPV6_PKTINFO": 50,
    "IPV6_RECVHOPLIMIT": 51,
    "IPV6_HOPLIMIT": 52,
    "IPV6_RECVHOPOPTS": 53,
    "IPV6_HOPOPTS": 54,
    "IPV6_RECVRTHDR": 56,
    "IPV6_RTHDR": 57,
    "IPV6_RECVDSTOPTS": 58,
    "IPV6_DSTOPTS": 59,
    "IPV6_RECVPATHMTU": 60,
    "IPV6_PATHMTU": 61,
    "IPV6_DONTFRAG": 62,
    "IPV6_RECVTCLASS": 66,
    "IPV6_TCLASS": 67,
    "IPV6_AUTOFLOWLABEL": 70,
    "IPV6_ORIGDSTADDR": 74,
    "IPV6_MTU": 24,  # a send MTU of the socket's own: IPV6_USE_MIN_MTU's way there
}

# IPPROTO_ICMPV6 options (netinet6/in6.h; linux/icmpv6.h). struct icmp6_filter is 256 bits on
# both; a set bit passes the type on FreeBSD and blocks it on Linux.
FREEBSD_ICMP6_OPTIONS = {"ICMP6_FILTER": 18}
LINUX_ICMPV6_OPTIONS = {"ICMPV6_FILTER": 1}
ICMP6_FILTER_SIZE = {"sizeof(struct icmp6_filter)": 32}

# The minimum IPv6 link MTU (netinet/ip6.h), what IPV6_USE_MIN_MTU sends with.
FREEBSD_IPV6_MMTU = {"IPV6_MMTU": 1280}

# IPPROTO_TCP options.
FREEBSD_TCP_OPTIONS = {
    "TCP_NODELAY": 1,
    "TCP_MAXSEG": 2,
    "TCP_NOPUSH": 4,  # Linux's TCP_CORK in spirit
    "TCP_NOOPT": 8,
    "TCP_MD5SIG": 16,
    "TCP_INFO": 32,  # struct tcp_info differs
    "TCP_CONGESTION": 64,
    "TCP_KEEPINIT": 128,
    "TCP_KEEPIDLE": 256,
    "TCP_KEEPINTVL": 512,
    "TCP_KEEPCNT": 1024,
    "TCP_FASTOPEN": 1025,
}

LINUX_TCP_OPTIONS = {
    "TCP_NODELAY": 1,
    "TCP_MAXSEG": 2,
    "TCP_CORK": 3,
    "TCP_KEEPIDLE": 4,
    "TCP_KEEPINTVL": 5,
    "TCP_KEEPCNT": 6,
    "TCP_INFO": 11,
    "TCP_CONGESTION": 13,
    "TCP_MD5SIG": 14,
    "TCP_FASTOPEN": 23,
}

# shutdown(2) how; the same on both.
FREEBSD_SHUT_HOW = {
    "SHUT_RD": 0,
    "SHUT_WR": 1,
    "SHUT_RDWR": 2,
}

LINUX_SHUT_HOW = {
    "SHUT_RD": 0,
    "SHUT_WR": 1,
    "SHUT_RDWR": 2,
}

# poll(2) events.
FREEBSD_POLL_EVENTS = {
    "POLLIN": 0x0001,
    "POLLPRI": 0x0002,
    "POLLOUT": 0x0004,
    "POLLWRNORM": 0x0004,  # = POLLOUT, unlike Linux
    "POLLERR": 0x0008,
    "POLLHUP": 0x0010,
    "POLLNVAL": 0x0020,
    "POLLRDNORM": 0x0040,
    "POLLRDBAND": 0x0080,
    "POLLWRBAND": 0x0100,
    "POLLINIGNEOF": 0x2000,  # FIFO: ignore EOF
    "POLLRDHUP": 0x4000,
}

# poll(2) takes up to max(kern.maxfilesperproc, FD_SETSIZE) descriptors; more is EINVAL.
FREEBSD_SELECT_LIMITS = {
    "FD_SETSIZE": 1024,
}

LINUX_POLL_EVENTS = {
    "POLLIN": 0x0001,
    "POLLPRI": 0x0002,
    "POLLOUT": 0x0004,
    "POLLERR": 0x0008,
    "POLLHUP": 0x0010,
    "POLLNVAL": 0x0020,
    "POLLRDNORM": 0x0040,
    "POLLRDBAND": 0x0080,
    "POLLWRNORM": 0x0100,
    "POLLWRBAND": 0x0200,
    "POLLMSG": 0x0400,
    "POLLREMOVE": 0x1000,
    "POLLRDHUP": 0x2000,
}

# --- processes --------------------------------------------------------------------------

FREEBSD_WAIT_OPTIONS = {
    "WNOHANG": 1,
    "WUNTRACED": 2,
    "WSTOPPED": 2,  # = WUNTRACED
    "WCONTINUED": 4,
    "WNOWAIT": 8,
    "WEXITED": 16,
    "WTRAPPED": 32,  # report ptrace stops
    "WLINUXCLONE": 0x80000000,  # wait for Linux-emulation clone children
}

# wait4(2)/wait6(2) special ids (sys/wait.h).
FREEBSD_WAIT_IDS = {
    "WAIT_ANY": -1,  # any child
    "WAIT_MYPGRP": 0,  # any child in the caller's process group
}

LINUX_WAIT_OPTIONS = {
    "WNOHANG": 0x00000001,
    "WUNTRACED": 0x00000002,
    "WSTOPPED": 0x00000002,
    "WEXITED": 0x00000004,
    "WCONTINUED": 0x00000008,
    "WNOWAIT": 0x01000000,
    "__WNOTHREAD": 0x20000000,
    "__WALL": 0x40000000,
    "__WCLONE": 0x80000000,
}

# wait6(2)/waitid(2) idtype_t; FreeBSD's is an enum starting at P_PID.
FREEBSD_IDTYPES = {
    "P_PID": 0,
    "P_PPID": 1,
    "P_PGID": 2,
    "P_SID": 3,
    "P_CID": 4,
    "P_UID": 5,
    "P_GID": 6,
    "P_ALL": 7,
    "P_LWPID": 8,
    "P_TASKID": 9,
    "P_PROJID": 10,
    "P_POOLID": 11,
    "P_JAILID": 12,
    "P_CTID": 13,
    "P_CPUID": 14,
    "P_PSETID": 15,
}

LINUX_IDTYPES = {
    "P_ALL": 0,
    "P_PID": 1,
    "P_PGID": 2,
    "P_PIDFD": 3,
}

# rfork(2) flags (sys/unistd.h). RFPPWAIT and RFSPAWN are the same bit.
FREEBSD_RFORK_FLAGS = {
    "RFNAMEG": 1 << 0,  # Plan 9 legacy, rejected
    "RFENVG": 1 << 1,
    "RFFDG": 1 << 2,  # copy the descriptor table (without it: share)
    "RFNOTEG": 1 << 3,
    "RFPROC": 1 << 4,  # make a new process
    "RFMEM": 1 << 5,  # share the address space
    "RFNOWAIT": 1 << 6,  # child is reparented to init at once
    "RFCNAMEG": 1 << 10,
    "RFCENVG": 1 << 11,
    "RFCFDG": 1 << 12,  # child starts with an empty descriptor table
    "RFTHREAD": 1 << 13,
    "RFSIGSHARE": 1 << 14,  # share signal handlers
    "RFLINUXTHPN": 1 << 16,  # exit signal SIGUSR1 (LinuxThreads)
    "RFSTOPPED": 1 << 17,  # kernel only
    "RFHIGHPID": 1 << 18,  # kernel only
    "RFTSIGZMB": 1 << 19,  # exit signal in RFTSIGMASK << RFTSIGSHIFT
    "RFTSIGSHIFT": 20,
    "RFTSIGMASK": 0xFF,
    "RFPROCDESC": 1 << 28,  # kernel only (pdfork)
    "RFSPAWN": 1 << 31,  # alone: vfork-like spawn
    "RFPPWAIT": 1 << 31,  # parent sleeps until the child execs or exits
}

# procctl(2) commands and their values (sys/procctl.h).
FREEBSD_PROCCTL_COMMANDS = {
    "PROC_SPROTECT": 1,
    "PROC_REAP_ACQUIRE": 2,
    "PROC_REAP_RELEASE": 3,
    "PROC_REAP_STATUS": 4,
    "PROC_REAP_GETPIDS": 5,
    "PROC_REAP_KILL": 6,
    "PROC_TRACE_CTL": 7,
    "PROC_TRACE_STATUS": 8,
    "PROC_TRAPCAP_CTL": 9,
    "PROC_TRAPCAP_STATUS": 10,
    "PROC_PDEATHSIG_CTL": 11,
    "PROC_PDEATHSIG_STATUS": 12,
    "PROC_ASLR_CTL": 13,
    "PROC_ASLR_STATUS": 14,
    "PROC_PROTMAX_CTL": 15,
    "PROC_PROTMAX_STATUS": 16,
    "PROC_STACKGAP_CTL": 17,
    "PROC_STACKGAP_STATUS": 18,
    "PROC_NO_NEW_PRIVS_CTL": 19,
    "PROC_NO_NEW_PRIVS_STATUS": 20,
    "PROC_WXMAP_CTL": 21,
    "PROC_WXMAP_STATUS": 22,  # 13.5's last: its procctl_cmds_info ends here
    "PROC_LOGSIGEXIT_CTL": 23,
    "PROC_LOGSIGEXIT_STATUS": 24,
    "PROC_PROCCTL_MD_MIN": 0x10000000,  # machine-dependent commands from here
}
FREEBSD_REAPER_FLAGS = {
    "REAPER_STATUS_OWNED": 0x00000001,
    "REAPER_STATUS_REALINIT": 0x00000002,
    "REAPER_PIDINFO_VALID": 0x00000001,
    "REAPER_PIDINFO_CHILD": 0x00000002,
    "REAPER_PIDINFO_REAPER": 0x00000004,
    "REAPER_PIDINFO_ZOMBIE": 0x00000008,
    "REAPER_PIDINFO_STOPPED": 0x00000010,
    "REAPER_PIDINFO_EXITING": 0x00000020,
    "REAPER_KILL_CHILDREN": 0x00000001,
    "REAPER_KILL_SUBTREE": 0x00000002,
}
FREEBSD_PROC_TRACE_CTL = {
    "PROC_TRACE_CTL_ENABLE": 1,
    "PROC_TRACE_CTL_DISABLE": 2,
    "PROC_TRACE_CTL_DISABLE_EXEC": 3,
}

# pdfork(2) flags (sys/procdesc.h).
FREEBSD_PROCDESC_FLAGS = {
    "PD_DAEMON": 0x00000001,  # last close does not kill the process
    "PD_CLOEXEC": 0x00000002,  # the descriptor is close-on-exec
}

# clone(2) flags, for rfork/vfork/thr_new; the low byte is the exit signal.
LINUX_CLONE_FLAGS = {
    "CSIGNAL": 0x000000FF,
    "CLONE_VM": 0x00000100,
    "CLONE_FS": 0x00000200,
    "CLONE_FILES": 0x00000400,
    "CLONE_SIGHAND": 0x00000800,
    "CLONE_PIDFD": 0x00001000,
    "CLONE_PTRACE": 0x00002000,
    "CLONE_VFORK": 0x00004000,
    "CLONE_PARENT": 0x00008000,
    "CLONE_THREAD": 0x00010000,
    "CLONE_NEWNS": 0x00020000,
    "CLONE_SYSVSEM": 0x00040000,
    "CLONE_SETTLS": 0x00080000,
    "CLONE_PARENT_SETTID": 0x00100000,
    "CLONE_CHILD_CLEARTID": 0x00200000,
    "CLONE_UNTRACED": 0x00800000,
    "CLONE_CHILD_SETTID": 0x01000000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}

FREEBSD_RLIMIT_RESOURCES = {
    "RLIMIT_CPU": 0,
    "RLIMIT_FSIZE": 1,
    "RLIMIT_DATA": 2,
    "RLIMIT_STACK": 3,
    "RLIMIT_CORE": 4,
    "RLIMIT_RSS": 5,
    "RLIMIT_MEMLOCK": 6,
    "RLIMIT_NPROC": 7,
    "RLIMIT_NOFILE": 8,
    "RLIMIT_SBSIZE": 9,
    "RLIMIT_VMEM": 10,
    "RLIMIT_AS": 10,  # = RLIMIT_VMEM
    "RLIMIT_NPTS": 11,
    "RLIMIT_SWAP": 12,
    "RLIMIT_KQUEUES": 13,
    "RLIMIT_UMTXP": 14,
    "RLIMIT_PIPEBUF": 15,  # newer than 13.5
}

LINUX_RLIMIT_RESOURCES = {
    "RLIMIT_CPU": 0,
    "RLIMIT_FSIZE": 1,
    "RLIMIT_DATA": 2,
    "RLIMIT_STACK": 3,
    "RLIMIT_CORE": 4,
    "RLIMIT_RSS": 5,
    "RLIMIT_NPROC": 6,
    "RLIMIT_NOFILE": 7,
    "RLIMIT_MEMLOCK": 8,
    "RLIMIT_AS": 9,
    "RLIMIT_LOCKS": 10,
    "RLIMIT_SIGPENDING": 11,
    "RLIMIT_MSGQUEUE": 12,
    "RLIMIT_NICE": 13,
    "RLIMIT_RTPRIO": 14,
    "RLIMIT_RTTIME": 15,
}

FREEBSD_RLIM = {
    "RLIM_INFINITY": (1 << 63) - 1,
}

LINUX_RLIM = {
    "RLIM_INFINITY": (1 << 64) - 1,
}

# getrusage(2) who; the same on both.
FREEBSD_RUSAGE_WHO = {
    "RUSAGE_SELF": 0,
    "RUSAGE_CHILDREN": -1,
    "RUSAGE_THREAD": 1,
}

LINUX_RUSAGE_WHO = {
    "RUSAGE_SELF": 0,
    "RUSAGE_CHILDREN": -1,
    "RUSAGE_THREAD": 1,
}

# getpriority(2) which; the same on both.
FREEBSD_PRIO_WHICH = {
    "PRIO_PROCESS": 0,
    "PRIO_PGRP": 1,
    "PRIO_USER": 2,
}

LINUX_PRIO_WHICH = {
    "PRIO_PROCESS": 0,
    "PRIO_PGRP": 1,
    "PRIO_USER": 2,
}

# --- time -------------------------------------------------------------------------------

FREEBSD_CLOCK_IDS = {
    "CLOCK_REALTIME": 0,
    "CLOCK_VIRTUAL": 1,  # user CPU time of the process
    "CLOCK_PROF": 2,  # user + system CPU time of the process
    "CLOCK_MONOTONIC": 4,
    "CLOCK_UPTIME": 5,
    "CLOCK_UPTIME_PRECISE": 7,
    "CLOCK_UPTIME_FAST": 8,
    "CLOCK_REALTIME_PRECISE": 9,
    "CLOCK_REALTIME_FAST": 10,
    "CLOCK_REALTIME_COARSE": 10,  # = CLOCK_REALTIME_FAST
    "CLOCK_MONOTONIC_PRECISE": 11,
    "CLOCK_MONOTONIC_FAST": 12,
    "CLOCK_MONOTONIC_COARSE": 12,  # = CLOCK_MONOTONIC_FAST
    "CLOCK_SECOND": 13,  # whole seconds
    "CLOCK_THREAD_CPUTIME_ID": 14,
    "CLOCK_PROCESS_CPUTIME_ID": 15,
    "CLOCK_TAI": 16,  # newer than 13.5
    "CLOCK_BOOTTIME": 4,  # = CLOCK_MONOTONIC here, = CLOCK_UPTIME (5) in 13.5
}

LINUX_CLOCK_IDS = {
    "CLOCK_REALTIME": 0,
    "CLOCK_MONOTONIC": 1,
    "CLOCK_PROCESS_CPUTIME_ID": 2,
    "CLOCK_THREAD_CPUTIME_ID": 3,
    "CLOCK_MONOTONIC_RAW": 4,
    "CLOCK_REALTIME_COARSE": 5,
    "CLOCK_MONOTONIC_COARSE": 6,
    "CLOCK_BOOTTIME": 7,
    "CLOCK_REALTIME_ALARM": 8,
    "CLOCK_BOOTTIME_ALARM": 9,
    "CLOCK_TAI": 11,
}

# clock_nanosleep(2)/timer_settime(2) flags; the same on both.
FREEBSD_TIMER_FLAGS = {
    "TIMER_ABSTIME": 0x1,
}

LINUX_TIMER_FLAGS = {
    "TIMER_ABSTIME": 0x1,
}

# setitimer(2) which; the same on both.
FREEBSD_ITIMER_WHICH = {
    "ITIMER_REAL": 0,
    "ITIMER_VIRTUAL": 1,
    "ITIMER_PROF": 2,
}

LINUX_ITIMER_WHICH = {
    "ITIMER_REAL": 0,
    "ITIMER_VIRTUAL": 1,
    "ITIMER_PROF": 2,
}

# getrandom(2) flags (<sys/random.h>, <linux/random.h>): the same numbers.
FREEBSD_GRND_FLAGS = {"GRND_NONBLOCK": 0x1, "GRND_RANDOM": 0x2, "GRND_INSECURE": 0x4}
LINUX_GRND_FLAGS = {"GRND_NONBLOCK": 0x1, "GRND_RANDOM": 0x2, "GRND_INSECURE": 0x4}

# close_range(2) flags (<unistd.h>, <linux/close_range.h>).
FREEBSD_CLOSE_RANGE_FLAGS = {"CLOSE_RANGE_CLOEXEC": 1 << 2}
LINUX_CLOSE_RANGE_FLAGS = {"CLOSE_RANGE_CLOEXEC": 1 << 2}

# cpuset(2) levels and "which" kinds (<sys/cpuset.h>).
FREEBSD_CPU_LEVELS = {"CPU_LEVEL_ROOT": 1, "CPU_LEVEL_CPUSET": 2, "CPU_LEVEL_WHICH": 3}
FREEBSD_CPU_WHICH = {
    "CPU_WHICH_TID": 1,
    "CPU_WHICH_PID": 2,
    "CPU_WHICH_CPUSET": 3,
    "CPU_WHICH_IRQ": 4,
    "CPU_WHICH_JAIL": 5,
    "CPU_WHICH_DOMAIN": 6,
    "CPU_WHICH_TIDPID": 9,
}
# The largest set the kernel takes, in bits (<sys/_cpuset.h>); a longer cpusetsize is ERANGE.
FREEBSD_CPU_MAXSIZE = {"CPU_MAXSIZE": 1024, "NBBY": 8}

# FreeBSD sys/mman.h minherit(2) values.
FREEBSD_INHERIT = {"INHERIT_SHARE": 0, "INHERIT_COPY": 1, "INHERIT_NONE": 2, "INHERIT_ZERO": 3}

# FreeBSD sys/wait.h: the core-dump bit of a killed child's status word. A continued child's
# status is SIGCONT's number alone (WIFCONTINUED(x): x == 0x13).
FREEBSD_WAIT_STATUS = {"WCOREFLAG": 0o200}

# Control messages (sys/socket.h): SCM_RIGHTS, and where a message's data starts, the same on
# both systems; the receive timestamps (FreeBSD's format follows SO_TS_CLOCK: timeval, bintime,
# timespec of the real or the monotonic clock; Linux's SCM_TIMESTAMP is SO_TIMESTAMP_OLD's
# timeval).
FREEBSD_CMSG = {
    "SCM_RIGHTS": 0x01,
    "SCM_TIMESTAMP": 0x02,
    "SCM_BINTIME": 0x04,
    "SCM_REALTIME": 0x05,
    "SCM_MONOTONIC": 0x06,
    "CMSG_LEN(0)": 16,
}
LINUX_CMSG = {"SCM_RIGHTS": 0x01, "SCM_TIMESTAMP": 29, "CMSG_LEN(0)": 16}

# SO_TS_CLOCK values (sys/socket.h): which SCM_* a SO_TIMESTAMP socket receives.
FREEBSD_SO_TS_CLOCKS = {
    "SO_TS_REALTIME_MICRO": 0,
    "SO_TS_BINTIME": 1,
    "SO_TS_REALTIME": 2,
    "SO_TS_MONOTONIC": 3,
}

# --- timer descriptors (FreeBSD 14) ------------------------------------------------------------

# <sys/timerfd.h>: TFD_NONBLOCK and TFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC; the settime flags
# are the same numbers on Linux (<linux/timerfd.h>).
FREEBSD_TFD_FLAGS = {
    "TFD_NONBLOCK": 0x0004,
    "TFD_CLOEXEC": 0x00100000,
    "TFD_TIMER_ABSTIME": 0x01,
    "TFD_TIMER_CANCEL_ON_SET": 0x02,
}
LINUX_TFD_FLAGS = {
    "TFD_NONBLOCK": 0o4000,
    "TFD_CLOEXEC": 0o2000000,
    "TFD_TIMER_ABSTIME": 0x01,
    "TFD_TIMER_CANCEL_ON_SET": 0x02,
}

# <fcntl.h>: funlinkat(2)'s "no descriptor to check the path against".
FREEBSD_FD_NONE = {"FD_NONE": -200}

# <sys/specialfd.h>: __specialfd(2)'s types; <sys/eventfd.h>: the eventfd flags (O_NONBLOCK's and
# O_CLOEXEC's values on each side).
FREEBSD_SPECIALFD = {"SPECIALFD_EVENTFD": 1, "SPECIALFD_INOTIFY": 2}
FREEBSD_EFD_FLAGS = {"EFD_SEMAPHORE": 0x1, "EFD_NONBLOCK": 0x4, "EFD_CLOEXEC": 0x00100000}
LINUX_EFD_FLAGS = {"EFD_SEMAPHORE": 0o1, "EFD_NONBLOCK": 0o4000, "EFD_CLOEXEC": 0o2000000}

# <fcntl.h>: fspacectl(2)'s commands; <linux/falloc.h>: the fallocate modes it becomes.
FREEBSD_SPACECTL = {"SPACECTL_DEALLOC": 1}
LINUX_FALLOC_FLAGS = {"FALLOC_FL_KEEP_SIZE": 0x01, "FALLOC_FL_PUNCH_HOLE": 0x02}

# <sys/membarrier.h> (FreeBSD 14.1): the commands are bits, the same on Linux
# (<linux/membarrier.h>); the query answers kern_membarrier.c's set (no RSEQ).
FREEBSD_MEMBARRIER_CMDS = {
    "MEMBARRIER_CMD_QUERY": 0x00,
    "MEMBARRIER_CMD_GLOBAL": 0x01,
    "MEMBARRIER_CMD_GLOBAL_EXPEDITED": 0x02,
    "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED": 0x04,
    "MEMBARRIER_CMD_PRIVATE_EXPEDITED": 0x08,
    "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED": 0x10,
    "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE": 0x20,
    "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE": 0x40,
    "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ": 0x80,
    "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ": 0x100,
}
LINUX_MEMBARRIER_CMDS = dict(FREEBSD_MEMBARRIER_CMDS)  # checked against the host's headers

# <sys/inotify.h> (FreeBSD 15): inotify_init1's flags are O_NONBLOCK and O_CLOEXEC on each side;
# the watch mask and event bits are Linux's own numbers (<sys/inotify.h> of glibc).
FREEBSD_IN_INIT_FLAGS = {"IN_NONBLOCK": 0x4, "IN_CLOEXEC": 0x00100000}
LINUX_IN_INIT_FLAGS = {"IN_NONBLOCK": 0o4000, "IN_CLOEXEC": 0o2000000}
FREEBSD_IN_MASK = {
    "IN_ACCESS": 0x00000001,
    "IN_MODIFY": 0x00000002,
    "IN_ATTRIB": 0x00000004,
    "IN_CLOSE_WRITE": 0x00000008,
    "IN_CLOSE_NOWRITE": 0x00000010,
    "IN_OPEN": 0x00000020,
    "IN_MOVED_FROM": 0x00000040,
    "IN_MOVED_TO": 0x00000080,
    "IN_CREATE": 0x00000100,
    "IN_DELETE": 0x00000200,
    "IN_DELETE_SELF": 0x00000400,
    "IN_MOVE_SELF": 0x00000800,
    "IN_ALL_EVENTS": 0x00000FFF,
    "IN_UNMOUNT": 0x00002000,
    "IN_Q_OVERFLOW": 0x00004000,
    "IN_IGNORED": 0x00008000,
    "IN_ONLYDIR": 0x01000000,
    "IN_DONT_FOLLOW": 0x02000000,
    "IN_EXCL_UNLINK": 0x04000000,
    "IN_MASK_CREATE": 0x10000000,
    "IN_MASK_ADD": 0x20000000,
    "IN_ISDIR": 0x40000000,
    "IN_ONESHOT": 0x80000000,
}
LINUX_IN_MASK = dict(FREEBSD_IN_MASK)  # checked against the host's headers all the same
