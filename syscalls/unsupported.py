"""Why each FreeBSD call bsdulator leaves unimplemented does so: `--coverage` shows the reason
beside the slot, and a test fails when a slot is neither served nor explained here, or when a
reason stays behind for a call that has since got a handler.  Such a call fails with ENOSYS
and the once-per-process warning (Supervisor.missing)."""

from bsdulator.table import unimplemented, unimplemented_kind

# Old ABIs: syscalls.master's COMPAT* entries serve binaries built for an older FreeBSD (COMPAT:
# 4.3BSD); every libc bsdulator runs (10.x userland, 13.x-15.x libraries) calls the current form,
# which is served.  One reason per entry type, for each such entry bsdulator does not serve.
for _type, _release in {
    "COMPAT": "4.3BSD (COMPAT_43)",
    "COMPAT4": "FreeBSD 4",
    "COMPAT6": "FreeBSD 6",
    "COMPAT7": "FreeBSD 7",
    "COMPAT10": "FreeBSD 10's libthr before _umtx_op",
    "COMPAT11": "FreeBSD 11 (no libc of 10.x or later calls the nstat/fhstat/vadvise forms)",
    "COMPAT12": "FreeBSD 12",
    "COMPAT13": "FreeBSD 13",
}.items():
    unimplemented_kind(
        _type,
        f"compatibility entry for binaries built for {_release}: the libcs bsdulator runs call "
        "the current form",
    )

unimplemented(
    "loadable syscall slots (lkmnosys): no FreeBSD kernel module can be loaded to fill them",
    "lkmnosys",
)
unimplemented(
    "the i386-era multiplexers of SysV IPC: amd64 libc calls the individual calls",
    "semsys",
    "msgsys",
    "shmsys",
)
unimplemented("profil(2): no kernel profiling clock to sample the program counter", "profil")
unimplemented(
    "mounting file systems: needs a FreeBSD file system type for each Linux one (nmount's "
    "iovec options, fstyp names); the view is fixed when bsdulator starts",
    "mount",
    "unmount",
    "nmount",
)
unimplemented(
    "swap, reboot, accounting, kernel exec and quotas are the host's: a FreeBSD program under "
    "bsdulator must not change them",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "quotactl",
    "kexec_load",
)
unimplemented(
    "clock adjustment (adjtime) and the feed-forward clock belong to the host's time daemon",
    "adjtime",
    "ffclock_getcounter",
    "ffclock_setestimate",
    "ffclock_getestimate",
)
unimplemented(
    "ptrace(2): the program is already traced by bsdulator; FreeBSD's ptrace would have to be "
    "served on top of it (not yet)",
    "ptrace",
)
unimplemented("ktrace(2): no ktrace(1) record writer yet", "ktrace")
unimplemented("kldsym(2): no kernel symbol table to look names up in", "kldsym")
unimplemented(
    "NFS file handles: Linux's handles (name_to_handle_at) do not fit FreeBSD's 16-byte fid, "
    "and opening by handle would bypass the view",
    "getfh",
    "lgetfh",
    "getfhat",
    "fhopen",
    "fhstat",
    "fhstatfs",
    "fhlink",
    "fhlinkat",
    "fhreadlink",
)
unimplemented(
    "kernel NFS, RPC-over-TLS, AFS and Arla services: the host's NFS is Linux's",
    "nlm_syscall",
    "nfssvc",
    "rpctls_syscall",
    "afs3_syscall",
    "nnpfs_syscall",
)
unimplemented("setfib(2): FreeBSD's multiple routing tables have no Linux counterpart", "setfib")
unimplemented("undelete(2): only union and UFS whiteouts; Linux has none", "undelete")
unimplemented("extattrctl(2): UFS1 extended attribute administration only", "extattrctl")
unimplemented(
    "__setugid(2) exists only in kernels built with options REGRESSION (ENOSYS otherwise)",
    "__setugid",
)
unimplemented(
    "the MAC framework: no policy module is loaded, as on a kernel without options MAC",
    "__mac_get_proc",
    "__mac_set_proc",
    "__mac_get_fd",
    "__mac_get_file",
    "__mac_set_fd",
    "__mac_set_file",
    "__mac_get_pid",
    "__mac_get_link",
    "__mac_set_link",
    "__mac_execve",
    "mac_syscall",
)
unimplemented(
    "security event auditing: bsdulator keeps no audit trail, as a kernel without options "
    "AUDIT (auditd and praudit then say so)",
    "audit",
    "auditon",
    "getauid",
    "setauid",
    "getaudit",
    "setaudit",
    "getaudit_addr",
    "setaudit_addr",
    "auditctl",
)
unimplemented(
    "SCTP: no sctp(4) module, as FreeBSD 15's GENERIC kernel without sctp.ko",
    "sctp_peeloff",
    "sctp_generic_sendmsg",
    "sctp_generic_sendmsg_iov",
    "sctp_generic_recvmsg",
)
unimplemented(
    "POSIX asynchronous I/O: Linux has no kernel AIO for ordinary files that fits (io_submit "
    "needs O_DIRECT), and kevent's EVFILT_AIO would have to report it",
    "aio_read",
    "aio_write",
    "aio_readv",
    "aio_writev",
    "lio_listio",
    "aio_return",
    "aio_suspend",
    "aio_cancel",
    "aio_error",
    "aio_waitcomplete",
    "aio_fsync",
    "aio_mlock",
)
unimplemented(
    "the pre-9.0 kernel semaphores: libc's sem_* use _umtx_op since FreeBSD 9; only old "
    "binaries call ksem_*",
    "ksem_close",
    "ksem_post",
    "ksem_wait",
    "ksem_trywait",
    "ksem_init",
    "ksem_open",
    "ksem_unlink",
    "ksem_getvalue",
    "ksem_destroy",
    "ksem_timedwait",
)
unimplemented(
    "thr_create, thr_suspend and thr_wake: libthr uses thr_new; the others are KSE-era and unused",
    "thr_create",
    "thr_suspend",
    "thr_wake",
)
unimplemented(
    "Capsicum: capability mode and rights would need every later call checked against them; "
    "ENOSYS as a kernel without options CAPABILITY_MODE/CAPABILITIES, which libcasper and the "
    "base tools accept",
    "cap_enter",
    "cap_getmode",
    "__cap_rights_get",
    "cap_rights_limit",
    "cap_ioctls_limit",
    "cap_ioctls_get",
    "cap_fcntls_limit",
    "cap_fcntls_get",
)
unimplemented(
    "sigfastblock(2): the kernel would have to read the thread's block word at every signal; "
    "rtld and libthr fall back to sigprocmask on ENOSYS",
    "sigfastblock",
)
unimplemented(
    "not yet: fexecve, FreeBSD 15's pdrfork/pdwait and setcred",
    "fexecve",
    "pdrfork",
    "pdwait",
    "setcred",
)
unimplemented(
    "NUMA domains: Linux's mempolicy does not map onto FreeBSD's domainsets",
    "cpuset_getdomain",
    "cpuset_setdomain",
)
unimplemented(
    "not yet: POSIX shared memory objects (shm_open2 with SHM_ANON, shm_rename, shm_unlink)",
    "shm_open2",
    "shm_unlink",
    "shm_rename",
)
unimplemented(
    "FreeBSD 15 calls not yet served: kcmp, getrlimitusage, exterrctl, "
    "jail descriptors, renameat2, setrlimit_uid",
    "kcmp",
    "getrlimitusage",
    "exterrctl",
    "jail_attach_jd",
    "jail_remove_jd",
    "renameat2",
    "setrlimit_uid",
)
unimplemented(
    "not yet: clock_getcpuclockid2 (clock_gettime would need FreeBSD's CPU-clock ids)",
    "clock_getcpuclockid2",
)
