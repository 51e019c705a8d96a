"""Device numbers: FreeBSD's dev_t encoding (sys/types.h makedev), glibc's, and the Linux character
devices a jail's /dev holds."""

# FreeBSD makedev(major, minor): each (mask, shift) moves the masked bits of a number `shift`
# bits up.
FREEBSD_DEV_MAJOR_BITS = ((0xFFFFFF00, 32), (0x000000FF, 8))
FREEBSD_DEV_MINOR_BITS = ((0x0000FF00, 24), (0xFFFF00FF, 0))
# glibc's makedev (bits/sysmacros.h), the kernel's st_dev encoding, in the same form.
LINUX_DEV_MAJOR_BITS = ((0x00000FFF, 8), (0xFFFFF000, 32))
LINUX_DEV_MINOR_BITS = ((0x000000FF, 0), (0xFFFFFF00, 12))

# Linux's fixed character devices (major, minor), Documentation/admin-guide/devices.txt; no
# UAPI header names them, so the test compares them with the host's own /dev.
LINUX_CHAR_DEVICES = {
    "null": (1, 3),
    "zero": (1, 5),
    "full": (1, 7),
    "random": (1, 8),
    "urandom": (1, 9),
    "tty": (5, 0),
}

# fnv_32_str, which gives vfc_typenum (vfs.typenumhash=1): FreeBSD sys/fnv_hash.h.
FREEBSD_FNV = {"FNV1_32_INIT": 33554467, "FNV_32_PRIME": 0x01000193}

# Minors per Unix98 pty slave major: pts/N is (major - 136) * 256 + minor (devices.txt).
LINUX_UNIX98_PTY_MINORS = 256
