"""Extended attribute namespaces: FreeBSD <sys/extattr.h> numbers and the Linux xattr
prefix that holds each (FreeBSD's privileged "system" namespace is Linux's "trusted.")."""

FREEBSD_EXTATTR_NAMESPACE = {
    "EXTATTR_NAMESPACE_EMPTY": 0,
    "EXTATTR_NAMESPACE_USER": 1,
    "EXTATTR_NAMESPACE_SYSTEM": 2,
}
EXTATTR_MAXNAMELEN = 255

LINUX_PREFIX = {"EXTATTR_NAMESPACE_USER": b"user.", "EXTATTR_NAMESPACE_SYSTEM": b"trusted."}
