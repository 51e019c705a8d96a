"""pathconf(2) names (FreeBSD <sys/unistd.h>) and the answers bsdulator gives for them.

Linux has no pathconf syscall, so the limits are FreeBSD's own constants (<sys/syslimits.h>,
<limits.h>), and the extension queries (ACLs, MAC, capabilities, named attributes) say
"not supported", which is what a FreeBSD file system without those features answers."""

FREEBSD_PC = {
    "_PC_LINK_MAX": 1,
    "_PC_MAX_CANON": 2,
    "_PC_MAX_INPUT": 3,
    "_PC_NAME_MAX": 4,
    "_PC_PATH_MAX": 5,
    "_PC_PIPE_BUF": 6,
    "_PC_CHOWN_RESTRICTED": 7,
    "_PC_NO_TRUNC": 8,
    "_PC_VDISABLE": 9,
    "_PC_ALLOC_SIZE_MIN": 10,
    "_PC_FILESIZEBITS": 12,
    "_PC_REC_INCR_XFER_SIZE": 14,
    "_PC_REC_MAX_XFER_SIZE": 15,
    "_PC_REC_MIN_XFER_SIZE": 16,
    "_PC_REC_XFER_ALIGN": 17,
    "_PC_SYMLINK_MAX": 18,
    "_PC_MIN_HOLE_SIZE": 21,
    "_PC_ASYNC_IO": 53,
    "_PC_PRIO_IO": 54,
    "_PC_SYNC_IO": 55,
    "_PC_ACL_EXTENDED": 59,
    "_PC_ACL_PATH_MAX": 60,
    "_PC_CAP_PRESENT": 61,
    "_PC_INF_PRESENT": 62,
    "_PC_MAC_PRESENT": 63,
    "_PC_ACL_NFS4": 64,
    "_PC_DEALLOC_PRESENT": 65,
    "_PC_NAMEDATTR_ENABLED": 66,
    "_PC_HAS_NAMEDATTR": 67,
}

# name -> value; -1 means "no limit" (errno unchanged), as POSIX specifies.
ANSWERS = {
    "_PC_LINK_MAX": 65000,  # UFS_LINK_MAX
    "_PC_MAX_CANON": 255,  # MAX_CANON
    "_PC_MAX_INPUT": 255,  # MAX_INPUT
    "_PC_NAME_MAX": 255,  # NAME_MAX
    "_PC_PATH_MAX": 1024,  # PATH_MAX
    "_PC_PIPE_BUF": 512,  # PIPE_BUF
    "_PC_CHOWN_RESTRICTED": 1,
    "_PC_NO_TRUNC": 1,
    "_PC_VDISABLE": 0xFF,  # _POSIX_VDISABLE
    "_PC_ALLOC_SIZE_MIN": 4096,
    "_PC_FILESIZEBITS": 64,
    "_PC_REC_INCR_XFER_SIZE": 4096,
    "_PC_REC_MAX_XFER_SIZE": -1,
    "_PC_REC_MIN_XFER_SIZE": 4096,
    "_PC_REC_XFER_ALIGN": 4096,
    "_PC_SYMLINK_MAX": 1024,  # MAXPATHLEN
    "_PC_MIN_HOLE_SIZE": 4096,
    "_PC_ASYNC_IO": -1,
    "_PC_PRIO_IO": -1,
    "_PC_SYNC_IO": -1,
    "_PC_ACL_EXTENDED": 0,
    "_PC_ACL_PATH_MAX": 0,
    "_PC_CAP_PRESENT": 0,
    "_PC_INF_PRESENT": 0,
    "_PC_MAC_PRESENT": 0,
    "_PC_ACL_NFS4": 0,
    "_PC_DEALLOC_PRESENT": 0,
    "_PC_NAMEDATTR_ENABLED": 0,
    "_PC_HAS_NAMEDATTR": 0,
}
