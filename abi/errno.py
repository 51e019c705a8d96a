"""errno numbers of FreeBSD (sys/errno.h) and Linux x86_64 (asm-generic/errno*.h), with libc's
message texts and the cross-system approximations."""

# FreeBSD sys/errno.h, EPERM .. ELAST.
FREEBSD_ERRNO = {
    "EPERM": 1,
    "ENOENT": 2,
    "ESRCH": 3,
    "EINTR": 4,
    "EIO": 5,
    "ENXIO": 6,
    "E2BIG": 7,
    "ENOEXEC": 8,
    "EBADF": 9,
    "ECHILD": 10,
    "EDEADLK": 11,
    "ENOMEM": 12,
    "EACCES": 13,
    "EFAULT": 14,
    "ENOTBLK": 15,
    "EBUSY": 16,
    "EEXIST": 17,
    "EXDEV": 18,
    "ENODEV": 19,
    "ENOTDIR": 20,
    "EISDIR": 21,
    "EINVAL": 22,
    "ENFILE": 23,
    "EMFILE": 24,
    "ENOTTY": 25,
    "ETXTBSY": 26,
    "EFBIG": 27,
    "ENOSPC": 28,
    "ESPIPE": 29,
    "EROFS": 30,
    "EMLINK": 31,
    "EPIPE": 32,
    "EDOM": 33,
    "ERANGE": 34,
    "EAGAIN": 35,
    "EINPROGRESS": 36,
    "EALREADY": 37,
    "ENOTSOCK": 38,
    "EDESTADDRREQ": 39,
    "EMSGSIZE": 40,
    "EPROTOTYPE": 41,
    "ENOPROTOOPT": 42,
    "EPROTONOSUPPORT": 43,
    "ESOCKTNOSUPPORT": 44,
    "EOPNOTSUPP": 45,
    "EPFNOSUPPORT": 46,
    "EAFNOSUPPORT": 47,
    "EADDRINUSE": 48,
    "EADDRNOTAVAIL": 49,
    "ENETDOWN": 50,
    "ENETUNREACH": 51,
    "ENETRESET": 52,
    "ECONNABORTED": 53,
    "ECONNRESET": 54,
    "ENOBUFS": 55,
    "EISCONN": 56,
    "ENOTCONN": 57,
    "ESHUTDOWN": 58,
    "ETOOMANYREFS": 59,
    "ETIMEDOUT": 60,
    "ECONNREFUSED": 61,
    "ELOOP": 62,
    "ENAMETOOLONG": 63,
    "EHOSTDOWN": 64,
    "EHOSTUNREACH": 65,
    "ENOTEMPTY": 66,
    "EPROCLIM": 67,
    "EUSERS": 68,
    "EDQUOT": 69,
    "ESTALE": 70,
    "EREMOTE": 71,
    "EBADRPC": 72,
    "ERPCMISMATCH": 73,
    "EPROGUNAVAIL": 74,
    "EPROGMISMATCH": 75,
    "EPROCUNAVAIL": 76,
    "ENOLCK": 77,
    "ENOSYS": 78,
    "EFTYPE": 79,
    "EAUTH": 80,
    "ENEEDAUTH": 81,
    "EIDRM": 82,
    "ENOMSG": 83,
    "EOVERFLOW": 84,
    "ECANCELED": 85,
    "EILSEQ": 86,
    "ENOATTR": 87,
    "EDOOFUS": 88,
    "EBADMSG": 89,
    "EMULTIHOP": 90,
    "ENOLINK": 91,
    "EPROTO": 92,
    "ENOTCAPABLE": 93,
    "ECAPMODE": 94,
    "ENOTRECOVERABLE": 95,
    "EOWNERDEAD": 96,
    "EINTEGRITY": 97,
}

FREEBSD_ERRNO_ALIASES = {
    "EWOULDBLOCK": 35,  # EAGAIN
    "ENOTSUP": 45,  # EOPNOTSUPP
    "ELAST": 97,  # highest errno
}

# Kernel-internal pseudo errnos (sys/errno.h under _KERNEL); never seen by user code.
FREEBSD_KERNEL_ERRNO = {
    "ERESTART": -1,  # restart the syscall
    "EJUSTRETURN": -2,  # return without touching the registers (sigreturn)
    "ENOIOCTL": -3,
    "EDIRIOCTL": -4,
    "ERELOOKUP": -5,
}

# Linux's kernel-internal "restart me" codes (include/linux/errno.h, not in the UAPI headers): a
# tracer sees them as -code in rax at the exit stop of an interrupted call, never the program.
# tests/test_abi_errno.py checks three of them there (ERESTARTNOINTR needs an interrupted fork).
LINUX_KERNEL_RESTART = {
    "ERESTARTSYS": 512,
    "ERESTARTNOINTR": 513,
    "ERESTARTNOHAND": 514,
    "ERESTART_RESTARTBLOCK": 516,
}

# strerror() texts of FreeBSD 13.5 libc (sys_errlist in /lib/libc.so.7).
FREEBSD_ERRNO_MESSAGES = {
    0: "No error: 0",
    1: "Operation not permitted",
    2: "No such file or directory",
    3: "No such process",
    4: "Interrupted system call",
    5: "Input/output error",
    6: "Device not configured",
    7: "Argument list too long",
    8: "Exec format error",
    9: "Bad file descriptor",
    10: "No child processes",
    11: "Resource deadlock avoided",
    12: "Cannot allocate memory",
    13: "Permission denied",
    14: "Bad address",
    15: "Block device required",
    16: "Device busy",
    17: "File exists",
    18: "Cross-device link",
    19: "Operation not supported by device",
    20: "Not a directory",
    21: "Is a directory",
    22: "Invalid argument",
    23: "Too many open files in system",
    24: "Too many open files",
    25: "Inappropriate ioctl for device",
    26: "Text file busy",
    27: "File too large",
    28: "No space left on device",
    29: "Illegal seek",
    30: "Read-only file system",
    31: "Too many links",
    32: "Broken pipe",
    33: "Numerical argument out of domain",
    34: "Result too large",
    35: "Resource temporarily unavailable",
    36: "Operation now in progress",
    37: "Operation already in progress",
    38: "Socket operation on non-socket",
    39: "Destination address required",
    40: "Message too long",
    41: "Protocol wrong type for socket",
    42: "Protocol not available",
    43: "Protocol not supported",
    44: "Socket type not supported",
    45: "Operation not supported",
    46: "Protocol family not supported",
    47: "Address family not supported by protocol family",
    48: "Address already in use",
    49: "Can't assign requested address",
    50: "Network is down",
    51: "Network is unreachable",
    52: "Network dropped connection on reset",
    53: "Software caused connection abort",
    54: "Connection reset by peer",
    55: "No buffer space available",
    56: "Socket is already connected",
    57: "Socket is not connected",
    58: "Can't send after socket shutdown",
    59: "Too many references: can't splice",
    60: "Operation timed out",
    61: "Connection refused",
    62: "Too many levels of symbolic links",
    63: "File name too long",
    64: "Host is down",
    65: "No route to host",
    66: "Directory not empty",
    67: "Too many processes",
    68: "Too many users",
    69: "Disc quota exceeded",
    70: "Stale NFS file handle",
    71: "Too many levels of remote in path",
    72: "RPC struct is bad",
    73: "RPC version wrong",
    74: "RPC prog. not avail",
    75: "Program version wrong",
    76: "Bad procedure for program",
    77: "No locks available",
    78: "Function not implemented",
    79: "Inappropriate file type or format",
    80: "Authentication error",
    81: "Need authenticator",
    82: "Identifier removed",
    83: "No message of desired type",
    84: "Value too large to be stored in data type",
    85: "Operation canceled",
    86: "Illegal byte sequence",
    87: "Attribute not found",
    88: "Programming error",
    89: "Bad message",
    90: "Multihop attempted",
    91: "Link has been severed",
    92: "Protocol error",
    93: "Capabilities insufficient",
    94: "Not permitted in capability mode",
    95: "State not recoverable",
    96: "Previous owner died",
    97: "Integrity check failed",
}

# Linux x86_64 asm-generic/errno-base.h and errno.h; 41 and 58 are unused numbers.
LINUX_ERRNO = {
    "EPERM": 1,
    "ENOENT": 2,
    "ESRCH": 3,
    "EINTR": 4,
    "EIO": 5,
    "ENXIO": 6,
    "E2BIG": 7,
    "ENOEXEC": 8,
    "EBADF": 9,
    "ECHILD": 10,
    "EAGAIN": 11,
    "ENOMEM": 12,
    "EACCES": 13,
    "EFAULT": 14,
    "ENOTBLK": 15,
    "EBUSY": 16,
    "EEXIST": 17,
    "EXDEV": 18,
    "ENODEV": 19,
    "ENOTDIR": 20,
    "EISDIR": 21,
    "EINVAL": 22,
    "ENFILE": 23,
    "EMFILE": 24,
    "ENOTTY": 25,
    "ETXTBSY": 26,
    "EFBIG": 27,
    "ENOSPC": 28,
    "ESPIPE": 29,
    "EROFS": 30,
    "EMLINK": 31,
    "EPIPE": 32,
    "EDOM": 33,
    "ERANGE": 34,
    "EDEADLK": 35,
    "ENAMETOOLONG": 36,
    "ENOLCK": 37,
    "ENOSYS": 38,
    "ENOTEMPTY": 39,
    "ELOOP": 40,
    "ENOMSG": 42,
    "EIDRM": 43,
    "ECHRNG": 44,
    "EL2NSYNC": 45,
    "EL3HLT": 46,
    "EL3RST": 47,
    "ELNRNG": 48,
    "EUNATCH": 49,
    "ENOCSI": 50,
    "EL2HLT": 51,
    "EBADE": 52,
    "EBADR": 53,
    "EXFULL": 54,
    "ENOANO": 55,
    "EBADRQC": 56,
    "EBADSLT": 57,
    "EBFONT": 59,
    "ENOSTR": 60,
    "ENODATA": 61,
    "ETIME": 62,
    "ENOSR": 63,
    "ENONET": 64,
    "ENOPKG": 65,
    "EREMOTE": 66,
    "ENOLINK": 67,
    "EADV": 68,
    "ESRMNT": 69,
    "ECOMM": 70,
    "EPROTO": 71,
    "EMULTIHOP": 72,
    "EDOTDOT": 73,
    "EBADMSG": 74,
    "EOVERFLOW": 75,
    "ENOTUNIQ": 76,
    "EBADFD": 77,
    "EREMCHG": 78,
    "ELIBACC": 79,
    "ELIBBAD": 80,
    "ELIBSCN": 81,
    "ELIBMAX": 82,
    "ELIBEXEC": 83,
    "EILSEQ": 84,
    "ERESTART": 85,
    "ESTRPIPE": 86,
    "EUSERS": 87,
    "ENOTSOCK": 88,
    "EDESTADDRREQ": 89,
    "EMSGSIZE": 90,
    "EPROTOTYPE": 91,
    "ENOPROTOOPT": 92,
    "EPROTONOSUPPORT": 93,
    "ESOCKTNOSUPPORT": 94,
    "EOPNOTSUPP": 95,
    "EPFNOSUPPORT": 96,
    "EAFNOSUPPORT": 97,
    "EADDRINUSE": 98,
    "EADDRNOTAVAIL": 99,
    "ENETDOWN": 100,
    "ENETUNREACH": 101,
    "ENETRESET": 102,
    "ECONNABORTED": 103,
    "ECONNRESET": 104,
    "ENOBUFS": 105,
    "EISCONN": 106,
    "ENOTCONN": 107,
    "ESHUTDOWN": 108,
    "ETOOMANYREFS": 109,
    "ETIMEDOUT": 110,
    "ECONNREFUSED": 111,
    "EHOSTDOWN": 112,
    "EHOSTUNREACH": 113,
    "EALREADY": 114,
    "EINPROGRESS": 115,
    "ESTALE": 116,
    "EUCLEAN": 117,
    "ENOTNAM": 118,
    "ENAVAIL": 119,
    "EISNAM": 120,
    "EREMOTEIO": 121,
    "EDQUOT": 122,
    "ENOMEDIUM": 123,
    "EMEDIUMTYPE": 124,
    "ECANCELED": 125,
    "ENOKEY": 126,
    "EKEYEXPIRED": 127,
    "EKEYREVOKED": 128,
    "EKEYREJECTED": 129,
    "EOWNERDEAD": 130,
    "ENOTRECOVERABLE": 131,
    "ERFKILL": 132,
    "EHWPOISON": 133,
}

LINUX_ERRNO_ALIASES = {
    "EWOULDBLOCK": 11,  # EAGAIN
    "EDEADLOCK": 35,  # EDEADLK
    "ENOTSUP": 95,  # EOPNOTSUPP
}

# Approximation: the FreeBSD errno a Linux-only errno is reported as (names shared by
# both systems map to themselves). Same spirit as FreeBSD's linux_errno.inc "XXX" rows.
FREEBSD_ERRNO_FOR_LINUX_ONLY = {
    "ECHRNG": "EINVAL",  # approximation: channel number out of range
    "EL2NSYNC": "EINVAL",  # approximation
    "EL3HLT": "EINVAL",  # approximation
    "EL3RST": "EINVAL",  # approximation
    "ELNRNG": "EINVAL",  # approximation
    "EUNATCH": "EINVAL",  # approximation
    "ENOCSI": "EINVAL",  # approximation
    "EL2HLT": "EINVAL",  # approximation
    "EBADE": "EINVAL",  # approximation: invalid exchange
    "EBADR": "EINVAL",  # approximation: invalid request descriptor
    "EXFULL": "ENOSPC",  # approximation: exchange full
    "ENOANO": "EINVAL",  # approximation
    "EBADRQC": "EINVAL",  # approximation: invalid request code
    "EBADSLT": "EINVAL",  # approximation
    "EBFONT": "EFTYPE",  # approximation: bad font file format
    "ENOSTR": "ENOTTY",  # approximation: not a STREAMS device
    "ENODATA": "ENOATTR",  # approximation: Linux xattr calls say ENODATA where FreeBSD says ENOATTR
    "ETIME": "ETIMEDOUT",  # approximation: timer expired
    "ENOSR": "ENOBUFS",  # approximation: out of STREAMS resources
    "ENONET": "ENETUNREACH",  # approximation: machine is not on the network
    "ENOPKG": "EINVAL",  # approximation
    "EADV": "EINVAL",  # approximation
    "ESRMNT": "EINVAL",  # approximation
    "ECOMM": "EIO",  # approximation: communication error on send
    "EDOTDOT": "EINVAL",  # approximation
    "ENOTUNIQ": "EINVAL",  # approximation
    "EBADFD": "EBADF",  # approximation: descriptor in bad state
    "EREMCHG": "EADDRNOTAVAIL",  # approximation: remote address changed
    "ELIBACC": "EACCES",  # approximation: cannot access a needed shared library
    "ELIBBAD": "ENOEXEC",  # approximation: corrupted shared library
    "ELIBSCN": "ENOEXEC",  # approximation
    "ELIBMAX": "ENOEXEC",  # approximation
    "ELIBEXEC": "ENOEXEC",  # approximation: cannot exec a shared library
    "ERESTART": "EINTR",  # approximation: interrupted, should be restarted
    "ESTRPIPE": "EPIPE",  # approximation: STREAMS pipe error
    "EUCLEAN": "EINTEGRITY",  # approximation: structure needs cleaning (fs corruption)
    "ENOTNAM": "EINVAL",  # approximation
    "ENAVAIL": "EINVAL",  # approximation
    "EISNAM": "EFTYPE",  # approximation: is a named type file
    "EREMOTEIO": "EIO",  # approximation
    "ENOMEDIUM": "ENXIO",  # approximation: no medium found
    "EMEDIUMTYPE": "EFTYPE",  # approximation: wrong medium type
    "ENOKEY": "EACCES",  # approximation: required key not available
    "EKEYEXPIRED": "EACCES",  # approximation
    "EKEYREVOKED": "EACCES",  # approximation
    "EKEYREJECTED": "EACCES",  # approximation
    "ERFKILL": "ENETDOWN",  # approximation: operation not possible due to RF-kill
    "EHWPOISON": "EIO",  # approximation: memory page has hardware error
}

# Approximation: the Linux errno a FreeBSD-only errno is reported as.
LINUX_ERRNO_FOR_FREEBSD_ONLY = {
    "EPROCLIM": "EAGAIN",  # approximation: too many processes (Linux fork says EAGAIN)
    "EBADRPC": "ENXIO",  # approximation, as linux_errno.inc
    "ERPCMISMATCH": "ENXIO",  # approximation, as linux_errno.inc
    "EPROGUNAVAIL": "ENXIO",  # approximation, as linux_errno.inc
    "EPROGMISMATCH": "ENXIO",  # approximation, as linux_errno.inc
    "EPROCUNAVAIL": "ENXIO",  # approximation, as linux_errno.inc
    "EFTYPE": "EINVAL",  # approximation: inappropriate file type or format
    "EAUTH": "EACCES",  # approximation: authentication error
    "ENEEDAUTH": "EACCES",  # approximation: need authenticator
    "ENOATTR": "ENODATA",  # approximation: Linux xattr calls say ENODATA
    "EDOOFUS": "EINVAL",  # approximation: programming error
    "ENOTCAPABLE": "EPERM",  # approximation: Capsicum rights insufficient
    "ECAPMODE": "EPERM",  # approximation: not permitted in capability mode
    "EINTEGRITY": "EUCLEAN",  # approximation: integrity check failed
}
