"""_umtx_op(2) and thr_new(2) numbers: FreeBSD's <sys/umtx.h> and <sys/thr.h>, and the Linux
futex operations they are built from.

FreeBSD values are those of the FreeBSD 14 headers (tests/test_abi_umtx.py checks every name
against zig's copy); the Linux values are checked
against the host's <linux/futex.h> and <linux/sched.h>.
"""

FREEBSD_UMTX_OPS = {
    "UMTX_OP_LOCK": 0,
    "UMTX_OP_UNLOCK": 1,
    "UMTX_OP_WAIT": 2,
    "UMTX_OP_WAKE": 3,
    "UMTX_OP_MUTEX_TRYLOCK": 4,
    "UMTX_OP_MUTEX_LOCK": 5,
    "UMTX_OP_MUTEX_UNLOCK": 6,
    "UMTX_OP_SET_CEILING": 7,
    "UMTX_OP_CV_WAIT": 8,
    "UMTX_OP_CV_SIGNAL": 9,
    "UMTX_OP_CV_BROADCAST": 10,
    "UMTX_OP_WAIT_UINT": 11,
    "UMTX_OP_RW_RDLOCK": 12,
    "UMTX_OP_RW_WRLOCK": 13,
    "UMTX_OP_RW_UNLOCK": 14,
    "UMTX_OP_WAIT_UINT_PRIVATE": 15,
    "UMTX_OP_WAKE_PRIVATE": 16,
    "UMTX_OP_MUTEX_WAIT": 17,
    "UMTX_OP_MUTEX_WAKE": 18,
    "UMTX_OP_SEM_WAIT": 19,
    "UMTX_OP_SEM_WAKE": 20,
    "UMTX_OP_NWAKE_PRIVATE": 21,
    "UMTX_OP_MUTEX_WAKE2": 22,
    "UMTX_OP_SEM2_WAIT": 23,
    "UMTX_OP_SEM2_WAKE": 24,
    "UMTX_OP_SHM": 25,
    "UMTX_OP_ROBUST_LISTS": 26,
    "UMTX_OP_GET_MIN_TIMEOUT": 27,
    "UMTX_OP_SET_MIN_TIMEOUT": 28,
}

# High bits of the op: a 32-bit caller's layouts (FreeBSD/amd64 programs never set them).
FREEBSD_UMTX_OP_FLAGS = {"UMTX_OP__I386": 0x40000000, "UMTX_OP__32BIT": 0x80000000}

FREEBSD_UMTX_VALUES = {
    "UMUTEX_UNOWNED": 0x0,
    "UMUTEX_CONTESTED": 0x80000000,
    "UMUTEX_RB_OWNERDEAD": 0x80000010,
    "UMUTEX_RB_NOTRECOV": 0x80000011,
    "USYNC_PROCESS_SHARED": 0x0001,
    "UMUTEX_PRIO_INHERIT": 0x0004,
    "UMUTEX_PRIO_PROTECT": 0x0008,
    "UMUTEX_ROBUST": 0x0010,
    "UMUTEX_NONCONSISTENT": 0x0020,
    "USEM_HAS_WAITERS": 0x80000000,
    "USEM_MAX_COUNT": 0x7FFFFFFF,
    "URWLOCK_PREFER_READER": 0x0002,
    "URWLOCK_WRITE_OWNER": 0x80000000,
    "URWLOCK_WRITE_WAITERS": 0x40000000,
    "URWLOCK_READ_WAITERS": 0x20000000,
    "URWLOCK_MAX_READERS": 0x1FFFFFFF,
    "UMTX_ABSTIME": 0x01,
    "CVWAIT_CHECK_UNPARKING": 0x01,
    "CVWAIT_ABSTIME": 0x02,
    "CVWAIT_CLOCKID": 0x04,
}

FREEBSD_THR_FLAGS = {"THR_SUSPENDED": 0x0001, "THR_SYSTEM_SCOPE": 0x0002, "THR_C_RUNTIME": 0x0004}

# <sched.h> (sys/sched.h): the POSIX scheduling policies of sched_setscheduler(2).
FREEBSD_SCHED_POLICY = {"SCHED_FIFO": 1, "SCHED_OTHER": 2, "SCHED_RR": 3}

# <sys/rtprio.h>: rtprio(2) and rtprio_thread(2).
FREEBSD_RTPRIO = {
    "RTP_LOOKUP": 0,
    "RTP_SET": 1,
    "RTP_PRIO_REALTIME": 2,
    "RTP_PRIO_NORMAL": 3,
    "RTP_PRIO_IDLE": 4,
    "RTP_PRIO_FIFO": 10,
    "RTP_PRIO_MIN": 0,
    "RTP_PRIO_MAX": 31,
}

LINUX_FUTEX = {
    "FUTEX_WAIT": 0,
    "FUTEX_WAKE": 1,
    "FUTEX_WAKE_OP": 5,
    "FUTEX_WAIT_BITSET": 9,
    "FUTEX_BITSET_MATCH_ANY": 0xFFFFFFFF,
    "FUTEX_CLOCK_REALTIME": 256,
    "FUTEX_OP_SET": 0,
    "FUTEX_OP_ADD": 1,
    "FUTEX_OP_OR": 2,
    "FUTEX_OP_OPARG_SHIFT": 8,
    "FUTEX_OP_CMP_EQ": 0,
    "FUTEX_OP_CMP_LT": 2,
}

LINUX_PRCTL = {"PR_SET_NAME": 15}

LINUX_CLONE_THREAD_FLAGS = {
    "CLONE_VM": 0x00000100,
    "CLONE_FS": 0x00000200,
    "CLONE_FILES": 0x00000400,
    "CLONE_SIGHAND": 0x00000800,
    "CLONE_THREAD": 0x00010000,
    "CLONE_SYSVSEM": 0x00040000,
}

# linux/futex.h FUTEX_OP(op, oparg, cmp, cmparg): where each part sits in FUTEX_WAKE_OP's word.
LINUX_FUTEX_OP_SHIFTS = {"op": 28, "cmp": 24, "oparg": 12, "cmparg": 0}
