"""What FreeBSD's kern.proc sysctls report about a process (sys/sys/user.h, sys/proc.h,
sys/priority.h, 13.5), and how Linux's /proc words map onto it.

The kern.proc MIB numbers (KERN_PROC_ALL ... KERN_PROC_SIGFASTBLK) live with the other MIB
numbers in abi/sysctl.py; the struct kinfo_proc layout is "kinfo_proc" in abi/structs.py."""

# ---- sizes (sys/user.h, machine/proc.h, sys/param.h) ------------------------------------
KINFO_PROC_SIZE = 1088  # ki_structsize: libkvm refuses an answer of any other size
KI_NSPARE_INT = 2
KI_NSPARE_LONG = 12
KI_NSPARE_PTR = 5  # 13.5; FreeBSD 14 took one for ki_uerrmsg
WMESGLEN = 8
LOCKNAMELEN = 8
TDNAMLEN = 16
COMMLEN = 19
KI_EMULNAMELEN = 16
KI_NGROUPS = 16
LOGNAMELEN = 17
LOGINCLASSLEN = 17
MAXCOMLEN = 19

# ---- ki_cr_flags, ki_sflag, ki_kiflag ----------------------------------------------------
KI_CRF_CAPABILITY_MODE = 0x00000001
KI_CRF_GRP_OVERFLOW = 0x80000000  # the credential had more than KI_NGROUPS groups
PS_INMEM = 0x00001
KI_CTTY = 0x00000001  # controlling tty vnode active
KI_SLEADER = 0x00000002  # session leader
KI_LOCKBLOCK = 0x00000004  # blocked on the lock ki_lockname

# ---- ki_stat (sys/proc.h) ----------------------------------------------------------------
SIDL = 1
SRUN = 2
SSLEEP = 3
SSTOP = 4
SZOMB = 5
SWAIT = 6
SLOCK = 7

# ---- ki_flag: the P_* bits (sys/proc.h) --------------------------------------------------
P_ADVLOCK = 0x00000001
P_CONTROLT = 0x00000002
P_KPROC = 0x00000004
P_PPWAIT = 0x00000010
P_PROFIL = 0x00000020
P_STOPPROF = 0x00000040
P_HADTHREADS = 0x00000080
P_SUGID = 0x00000100
P_SYSTEM = 0x00000200
P_SINGLE_EXIT = 0x00000400
P_TRACED = 0x00000800
P_WAITED = 0x00001000
P_WEXIT = 0x00002000
P_EXEC = 0x00004000
P_WKILLED = 0x00008000
P_CONTINUED = 0x00010000
P_STOPPED_SIG = 0x00020000
P_STOPPED_TRACE = 0x00040000
P_STOPPED_SINGLE = 0x00080000
P_PROTECTED = 0x00100000
P_SIGEVENT = 0x00200000
P_SINGLE_BOUNDARY = 0x00400000
P_HWPMC = 0x00800000
P_JAILED = 0x01000000
P_TOTAL_STOP = 0x02000000
P_INEXEC = 0x04000000
P_STATCHILD = 0x08000000
P_INMEM = 0x10000000  # ps marks a process without it 'W' (swapped out)
P_SWAPPINGOUT = 0x20000000  # 13.5-RELEASE sys/sys/proc.h; 14 dropped both with swapping out
P_SWAPPINGIN = 0x40000000
P_PPTRACE = 0x80000000

# ---- ki_tdflags: the thread flag ps reads (sys/proc.h) -----------------------------------
TDF_SINTR = 0x00000008  # interruptible sleep: ps 'S' (or 'I'), without it 'D'

# ---- ki_acflag (sys/acct.h) --------------------------------------------------------------
AFORK = 0x01  # forked but not exec'ed

# ---- CPUs, pids, devices, scheduler ------------------------------------------------------
NOCPU = -1  # ki_oncpu of a thread not running
NOCPU_OLD = 255  # the same in the u_char ki_oncpu_old
MAXCPU_OLD = 254  # ki_*cpu_old clamp at this
NO_PID = 100000  # ki_tpgid of a terminal without a foreground group
NODEV = 0xFFFFFFFFFFFFFFFF  # ki_tdev without a controlling tty: (dev_t)-1
FSHIFT = 11
FSCALE = 1 << FSHIFT  # ki_pctcpu's fixed point, kern.fscale
MAXSLP = 20  # ps shows a sleep longer than this many seconds as 'I' (sys/vmmeter.h)
# kern.proc.rlimit refuses a resource number at or past this (13.5-RELEASE sys/sys/resource.h; 14
# added
# RLIMIT_PIPEBUF and made it 16).
RLIM_NLIMITS = 15
# kern.ccpu: the scheduler's %CPU decay per second, exp(-1/20) in FSCALE units (sched_ule.c, a
# variable).
CCPU = 1948

# ki_pri.pri_class and pri_level ranges (13.5-RELEASE sys/sys/priority.h; 14 renumbered the realtime
# and
# timesharing ranges: 8-39 and from 56).
PRI_ITHD = 1
PRI_REALTIME = 2
PRI_TIMESHARE = 3
PRI_IDLE = 4
PRI_FIFO_BIT = 8
PRI_MIN_REALTIME = 48
PRI_MAX_REALTIME = 79
PRI_MIN_TIMESHARE = 120
PRI_MAX_TIMESHARE = 223
PRI_MIN_IDLE = 224

# ---- Linux's words for the same facts ----------------------------------------------------
# /proc/<pid>/stat state letter -> ki_stat.  't' is our own ptrace stop (a syscall the
# supervisor is serving): to the FreeBSD program that is a thread running in the kernel.
LINUX_STATE_TO_KI_STAT = {
    "R": SRUN,
    "W": SRUN,
    "t": SRUN,
    "S": SSLEEP,
    "D": SSLEEP,
    "I": SSLEEP,
    "P": SSLEEP,
    "K": SSLEEP,
    "T": SSTOP,
    "Z": SZOMB,
    "X": SZOMB,
    "x": SZOMB,
}
LINUX_INTERRUPTIBLE = frozenset("SI")  # sleeps FreeBSD would mark TDF_SINTR
LINUX_IDLE = "I"  # Linux's long idle sleep: FreeBSD's 'I' (ki_slptime >= MAXSLP)

# task_struct->flags bits of the /proc stat "flags" field (include/linux/sched.h, kernel-internal).
LINUX_PF_EXITING = 0x00000004
LINUX_PF_FORKNOEXEC = 0x00000040
LINUX_PF_KTHREAD = 0x00200000

# Scheduling policies of the /proc stat "policy" field (linux/sched.h).
LINUX_SCHED_FIFO = 1
LINUX_SCHED_RR = 2
LINUX_SCHED_IDLE = 5

# The kernel function a Linux thread sleeps in (/proc/<pid>/wchan, without the compiler's
# .isra/.constprop/.part suffixes) -> the wmesg FreeBSD's own sleep in the same system call
# shows; unlisted functions show their first WMESGLEN bytes.
LINUX_WCHAN_TO_WMESG = {
    "do_wait": "wait",
    "kernel_wait4": "wait",
    "do_select": "select",
    "core_sys_select": "select",
    "poll_schedule_timeout": "select",
    "do_sys_poll": "select",
    "do_poll": "select",
    "ep_poll": "kqread",
    "do_epoll_wait": "kqread",
    "hrtimer_nanosleep": "nanslp",
    "do_nanosleep": "nanslp",
    "clock_nanosleep": "nanslp",
    "sigsuspend": "pause",
    "sys_pause": "pause",
    "__x64_sys_pause": "pause",
    "__x64_sys_rt_sigsuspend": "pause",
    "do_sigtimedwait": "sigwait",
    "n_tty_read": "ttyin",
    "wait_woken": "ttyin",
    "tty_read": "ttyin",
    "pipe_read": "piperd",
    "anon_pipe_read": "piperd",
    "pipe_wait": "piperd",
    "pipe_wait_readable": "piperd",
    "pipe_write": "pipewr",
    "anon_pipe_write": "pipewr",
    "pipe_wait_writable": "pipewr",
    "futex_wait_queue": "uwait",
    "futex_wait_queue_me": "uwait",
    "futex_wait": "uwait",
    "inet_csk_accept": "accept",
    "unix_stream_read_generic": "sbwait",
    "sk_wait_data": "sbwait",
    "unix_wait_for_peer": "sbwait",
    "wait_for_tcp_connect": "connec",
    "locks_lock_inode_wait": "lockf",
    "flock_lock_inode_wait": "lockf",
    "ptrace_stop": "",
}

# Unix98 pty slaves, /dev/pts/N: majors 136 .. 143 (linux/major.h).
LINUX_UNIX98_PTY_SLAVE_MAJOR = 136
LINUX_UNIX98_PTY_MAJOR_COUNT = 8

# kern.proc.filedesc (sys/user.h): descriptor types, vnode types, the special descriptors'
# numbers, the flags of an open file, and kf_status's "the file attributes are filled in"
KF_TYPE_VNODE = 1
KF_TYPE_SOCKET = 2
KF_TYPE_PIPE = 3
KF_TYPE_FIFO = 4
KF_TYPE_KQUEUE = 5
KF_TYPE_PROCDESC = 11
KF_TYPE_UNKNOWN = 255
KF_VTYPE_VNON = 0
KF_VTYPE_VREG = 1
KF_VTYPE_VDIR = 2
KF_VTYPE_VBLK = 3
KF_VTYPE_VCHR = 4
KF_VTYPE_VLNK = 5
KF_VTYPE_VSOCK = 6
KF_VTYPE_VFIFO = 7
KF_FD_TYPE_CWD = -1
KF_FD_TYPE_ROOT = -2
KF_FD_TYPE_TEXT = -5
KF_FLAG_READ = 0x00000001
KF_FLAG_WRITE = 0x00000002
KF_FLAG_APPEND = 0x00000004
KF_FLAG_NONBLOCK = 0x00000020
KF_FLAG_DIRECT = 0x00000040
KF_ATTR_VALID = 0x0001
