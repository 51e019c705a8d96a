"""Limits and versions: FreeBSD's (limits.h, unistd.h, sys/param.h …), the FreeBSD kernel defaults
its sysctls show, and Linux's that live in no UAPI header."""

# FreeBSD headers: what the kern.*, user.* and p1003_1b.* sysctls report.
FREEBSD_LIMITS = {
    "BSD": 199506,  # sys/param.h: kern.osrevision
    "ARG_MAX": 2 * 256 * 1024,  # sys/syslimits.h
    "IOV_MAX": 1024,
    "NGROUPS_MAX": 1023,
    "MAXLOGNAME": 33,  # sys/param.h: setlogin's name, NUL included
    "MAXSYMLINKS": 32,  # sys/param.h: symbolic links one lookup follows
    "_POSIX2_VERSION": 199212,  # unistd.h
    "BC_BASE_MAX": 99,  # limits.h
    "BC_DIM_MAX": 2048,
    "BC_SCALE_MAX": 99,
    "BC_STRING_MAX": 1000,
    "COLL_WEIGHTS_MAX": 10,
    "EXPR_NEST_MAX": 32,
    "LINE_MAX": 2048,
    "RE_DUP_MAX": 255,
    "FOPEN_MAX": 20,  # stdio.h: user.stream_max
    "NAME_MAX": 255,  # user.tzname_max
    "INT_MAX": 2**31 - 1,  # limits.h: the largest descriptor number fdescfs parses
    "PATH_MAX": 1024,  # sys/syslimits.h: namei's longest path, NUL included (ENAMETOOLONG)
    "_POSIX_MAPPED_FILES": 200112,
    "_POSIX_REALTIME_SIGNALS": 200112,
    "_POSIX_FSYNC": 200112,
    "_POSIX_SHARED_MEMORY_OBJECTS": 200112,
    "_POSIX_TIMERS": 200112,
    "BYTE_ORDER": 1234,  # machine/endian.h: little endian
}

# kern.posix1version: _POSIX_VERSION of 13.5's sys/unistd.h, the release bsdulator claims by
# default; FreeBSD 14's headers say 200809.
FREEBSD_POSIX1_VERSION = 200112

# struct sockaddr_storage, the same on both systems (sys/socket.h).
SOCKADDR_STORAGE_SIZE = {"sizeof(struct sockaddr_storage)": 128}

# FreeBSD kernel defaults no userland header holds, each from the source that sets it.
MAXUSERS = 384  # sys/kern/subr_param.c: maxusers' ceiling
FREEBSD_KERNEL_DEFAULTS = {
    "maxproc": 20 + 16 * MAXUSERS,  # subr_param.c NPROC
    "maxfiles": 40 + 32 * MAXUSERS,  # subr_param.c MAXFILES
    "maxfilesperproc": (40 + 32 * MAXUSERS) // 10 * 9,
    "maxprocperuid": (20 + 16 * MAXUSERS) * 9 // 10,
    "hz": 1000,  # kern.clockrate: subr_param.c HZ
    "tick": 1000,  # 1000000 / hz
    "stathz": 127,  # the amd64 local APIC timer's (sys/x86/x86/local_apic.c)
    "profhz": 8128,
    "arandom_max": 256,  # sys/kern/kern_mib.c sysctl_kern_arnd: at most this per call
    "max_pending_per_proc": 128,  # sys/kern/kern_sig.c: p1003_1b.sigqueue_max
    "jail_default_enforce_statfs": 2,  # sys/kern/kern_jail.c: security.jail.enforce_statfs
    "canary_len": 64,  # sys/kern/kern_exec.c: char canary[sizeof(long) * 8], AT_CANARYLEN
    "osreldate": 1305000,  # 13.5-RELEASE's __FreeBSD_version, for a libc without a note
    "proc_sizing_slack": 5,  # sys/kern/kern_proc.c sysctl_kern_proc: room for 5 more
    "jail_param_numbuf": 12,  # sys/kern/kern_jail.c sysctl_jail_param: char numbuf[12]
    "sizeof(struct vfsopt)": 48,  # sys/sys/mount.h (_KERNEL only): what vfs_buildopts counts
    # sys/kern/kern_cpuset.c cpuset_thread0: set 0 is the machine's (read-only root), 1 the
    # default set every process starts in (a root too), new sets' ids from new_unrhdr(2, …)
    "cpuset_zero": 0,
    "cpuset_default": 1,
    "cpuset_first_new": 2,
    "devctl_queue": 1000,  # sys/kern/subr_bus.c DEVCTL_DEFAULT_QUEUE_LEN: hw.bus.devctl_queue
}

# FreeBSD's Linux emulation (sys/compat/linux/linux_mib.h LINUX_MAX_UTSNAME): the
# linux.osname and linux.osrelease jail parameters' buffer.
FREEBSD_LINUX_MAX_UTSNAME = 65

LINUX_HOST_NAME_MAX = 64  # limits.h HOST_NAME_MAX: hostname and domainname, NUL excluded
LINUX_PATH_MAX = 4096  # linux/limits.h PATH_MAX: the longest path a call takes, NUL included

# Linux facts in no UAPI header, each tested by behaviour.
LINUX_MAX_ERRNO = 4095  # include/linux/err.h MAX_ERRNO: a raw return in [-4095, -1] is an errno
LINUX_TASK_COMM_LEN = 16  # include/linux/sched.h: comm holds 15 characters and a NUL
LINUX_NICE = {"MIN_NICE": -20, "MAX_NICE": 19, "NICE_WIDTH": 40}  # include/linux/sched/prio.h
LINUX_RT_PRIORITY = {"min": 1, "max": 99}  # sched_get_priority_min/max(SCHED_FIFO)
