"""FreeBSD mount flags bsdulator sets itself (<sys/mount.h>); the ST_* ones are in
abi/structs.py."""

FREEBSD_MNT = {
    "MNT_LOCAL": 0x0000000000001000,
    "MNT_ROOTFS": 0x0000000000004000,
    "MNT_WAIT": 1,  # getfsstat mode
    "MNT_NOWAIT": 2,
}

# Linux filesystem types whose data lives elsewhere: FreeBSD leaves MNT_LOCAL off for these.
REMOTE_FSTYPES = ("nfs", "nfs4", "cifs", "smb3", "9p", "fuse.sshfs", "ceph", "glusterfs")

FREEBSD_VFCF = {
    "VFCF_STATIC": 0x00010000,
    "VFCF_NETWORK": 0x00020000,
    "VFCF_READONLY": 0x00040000,
    "VFCF_SYNTHETIC": 0x00080000,
    "VFCF_LOOPBACK": 0x00100000,
    "VFCF_UNICODE": 0x00200000,
    "VFCF_JAIL": 0x00400000,
    "VFCF_DELEGADMIN": 0x00800000,
}

# vfc_flags FreeBSD's own file systems register with (VFS_SET in each fs's vfsops).
_V = FREEBSD_VFCF
FREEBSD_VFS_FLAGS = {
    "ufs": 0,
    "ext2fs": 0,
    "msdosfs": 0,
    "cd9660": _V["VFCF_READONLY"],
    "udf": _V["VFCF_READONLY"],
    "zfs": _V["VFCF_JAIL"] | _V["VFCF_DELEGADMIN"],
    "tmpfs": _V["VFCF_JAIL"],
    "devfs": _V["VFCF_SYNTHETIC"] | _V["VFCF_JAIL"],
    "procfs": _V["VFCF_SYNTHETIC"] | _V["VFCF_JAIL"],
    "linsysfs": _V["VFCF_SYNTHETIC"] | _V["VFCF_JAIL"],
    "mqueuefs": _V["VFCF_SYNTHETIC"],
    "nullfs": _V["VFCF_LOOPBACK"] | _V["VFCF_JAIL"],
    "unionfs": _V["VFCF_LOOPBACK"],
    "fusefs": _V["VFCF_JAIL"] | _V["VFCF_SYNTHETIC"],
    "nfs": _V["VFCF_NETWORK"],
    "autofs": _V["VFCF_SYNTHETIC"],
}

# Linux mount(2) and umount2(2) flags the view and a jail's holder use (linux/mount.h;
# MNT_DETACH: sys/mount.h).
LINUX_MS = {
    "MS_RDONLY": 1,
    "MS_NOSUID": 2,
    "MS_NODEV": 4,
    "MS_NOEXEC": 8,
    "MS_REMOUNT": 32,
    "MS_BIND": 4096,
    "MS_REC": 16384,
    "MS_PRIVATE": 1 << 18,
}
LINUX_UMOUNT = {"MNT_DETACH": 2}
