"""Struct layouts of FreeBSD/amd64 and of the Linux x86_64 kernel ABI, as data.

LAYOUTS maps a layout name to (size, [(field, offset, size, kind), ...]).  FreeBSD
layouts carry the FreeBSD name (`stat`, `siginfo_t` ...); Linux ones are prefixed
`linux_`.  Offsets and sizes come from FreeBSD's headers (zig's FreeBSD 14 copy) and
the host's glibc/kernel headers; tests/test_abi_structs.py checks every entry against
the compilers' DWARF, and that what 14 named in 13.5's spare space (the test root's
libc) lies inside it.

kind says how to read a field:
  'u8' 'i16' 'u32' 'i64' ...  little-endian integer of that width (pointers are 'u64')
  'u16be' 'u32be'             big-endian (network order) integer
  'u32[4]' ...                array of such integers
  'bytes'                     raw bytes, no terminator implied
  'cstr'                      NUL-terminated char array
  a layout name               nested struct of that layout
Fields overlap where C has a union; they then carry the headers' macro names
(si_band, sa_sigaction ...).  Padding that C leaves unnamed is not listed.
"""

LAYOUTS = {
    # ---- FreeBSD/amd64 -------------------------------------------------------------
    "timespec": (16, [("tv_sec", 0, 8, "i64"), ("tv_nsec", 8, 8, "i64")]),
    "timeval": (16, [("tv_sec", 0, 8, "i64"), ("tv_usec", 8, 8, "i64")]),
    "timezone": (8, [("tz_minuteswest", 0, 4, "i32"), ("tz_dsttime", 4, 4, "i32")]),
    "itimerval": (32, [("it_interval", 0, 16, "timeval"), ("it_value", 16, 16, "timeval")]),
    "rusage": (
        144,
        [
            ("ru_utime", 0, 16, "timeval"),
            ("ru_stime", 16, 16, "timeval"),
            ("ru_maxrss", 32, 8, "i64"),
            ("ru_ixrss", 40, 8, "i64"),
            ("ru_idrss", 48, 8, "i64"),
            ("ru_isrss", 56, 8, "i64"),
            ("ru_minflt", 64, 8, "i64"),
            ("ru_majflt", 72, 8, "i64"),
            ("ru_nswap", 80, 8, "i64"),
            ("ru_inblock", 88, 8, "i64"),
            ("ru_oublock", 96, 8, "i64"),
            ("ru_msgsnd", 104, 8, "i64"),
            ("ru_msgrcv", 112, 8, "i64"),
            ("ru_nsignals", 120, 8, "i64"),
            ("ru_nvcsw", 128, 8, "i64"),
            ("ru_nivcsw", 136, 8, "i64"),
        ],
    ),
    # rlim_t is signed on FreeBSD: RLIM_INFINITY is INT64_MAX there, UINT64_MAX on Linux.
    "rlimit": (16, [("rlim_cur", 0, 8, "i64"), ("rlim_max", 8, 8, "i64")]),
    # clock_t is 32-bit on FreeBSD/amd64.
    "tms": (
        16,
        [
            ("tms_utime", 0, 4, "i32"),
            ("tms_stime", 4, 4, "i32"),
            ("tms_cutime", 8, 4, "i32"),
            ("tms_cstime", 12, 4, "i32"),
        ],
    ),
    "iovec": (16, [("iov_base", 0, 8, "u64"), ("iov_len", 8, 8, "u64")]),
    "pollfd": (8, [("fd", 0, 4, "i32"), ("events", 4, 2, "i16"), ("revents", 6, 2, "i16")]),
    "winsize": (
        8,
        [
            ("ws_row", 0, 2, "u16"),
            ("ws_col", 2, 2, "u16"),
            ("ws_xpixel", 4, 2, "u16"),
            ("ws_ypixel", 6, 2, "u16"),
        ],
    ),
    # SYS_NMLN is 256 for the current ABI (32 only for the FreeBSD 1.1 uname).
    "utsname": (
        1280,
        [
            ("sysname", 0, 256, "cstr"),
            ("nodename", 256, 256, "cstr"),
            ("release", 512, 256, "cstr"),
            ("version", 768, 256, "cstr"),
            ("machine", 1024, 256, "cstr"),
        ],
    ),
    # ino64 struct stat (FreeBSD >= 12).  st_bsdflags and st_filerev are 13.5's
    # st_padding0 and st_spare[0]: zero there, named as in FreeBSD 14/15.
    "stat": (
        224,
        [
            ("st_dev", 0, 8, "u64"),
            ("st_ino", 8, 8, "u64"),
            ("st_nlink", 16, 8, "u64"),
            ("st_mode", 24, 2, "u16"),
            ("st_bsdflags", 26, 2, "i16"),
            ("st_uid", 28, 4, "u32"),
            ("st_gid", 32, 4, "u32"),
            ("st_padding1", 36, 4, "i32"),
            ("st_rdev", 40, 8, "u64"),
            ("st_atim", 48, 16, "timespec"),
            ("st_mtim", 64, 16, "timespec"),
            ("st_ctim", 80, 16, "timespec"),
            ("st_birthtim", 96, 16, "timespec"),
            ("st_size", 112, 8, "i64"),
            ("st_blocks", 120, 8, "i64"),
            ("st_blksize", 128, 4, "i32"),
            ("st_flags", 132, 4, "u32"),
            ("st_gen", 136, 8, "u64"),
            ("st_filerev", 144, 8, "u64"),
            ("st_spare", 152, 72, "u64[9]"),
        ],
    ),
    # Pre-ino64 stat (FreeBSD 13.5 sys/sys/stat.h), for syscalls 188/189/190/493.
    "freebsd11_stat": (
        120,
        [
            ("st_dev", 0, 4, "u32"),
            ("st_ino", 4, 4, "u32"),
            ("st_mode", 8, 2, "u16"),
            ("st_nlink", 10, 2, "u16"),
            ("st_uid", 12, 4, "u32"),
            ("st_gid", 16, 4, "u32"),
            ("st_rdev", 20, 4, "u32"),
            ("st_atim", 24, 16, "timespec"),
            ("st_mtim", 40, 16, "timespec"),
            ("st_ctim", 56, 16, "timespec"),
            ("st_size", 72, 8, "i64"),
            ("st_blocks", 80, 8, "i64"),
            ("st_blksize", 88, 4, "i32"),
            ("st_flags", 92, 4, "u32"),
            ("st_gen", 96, 4, "u32"),
            ("st_lspare", 100, 4, "i32"),
            ("st_birthtim", 104, 16, "timespec"),
        ],
    ),
    # ino64 struct statfs; f_nvnodelistsize and f_spare0 are 13.5's f_spare[0].
    "statfs": (
        2344,
        [
            ("f_version", 0, 4, "u32"),
            ("f_type", 4, 4, "u32"),
            ("f_flags", 8, 8, "u64"),
            ("f_bsize", 16, 8, "u64"),
            ("f_iosize", 24, 8, "u64"),
            ("f_blocks", 32, 8, "u64"),
            ("f_bfree", 40, 8, "u64"),
            ("f_bavail", 48, 8, "i64"),
            ("f_files", 56, 8, "u64"),
            ("f_ffree", 64, 8, "i64"),
            ("f_syncwrites", 72, 8, "u64"),
            ("f_asyncwrites", 80, 8, "u64"),
            ("f_syncreads", 88, 8, "u64"),
            ("f_asyncreads", 96, 8, "u64"),
            ("f_nvnodelistsize", 104, 4, "u32"),
            ("f_spare0", 108, 4, "u32"),
            ("f_spare", 112, 72, "u64[9]"),
            ("f_namemax", 184, 4, "u32"),
            ("f_owner", 188, 4, "u32"),
            ("f_fsid", 192, 8, "i32[2]"),
            ("f_charspare", 200, 80, "bytes"),
            ("f_fstypename", 280, 16, "cstr"),
            ("f_mntfromname", 296, 1024, "cstr"),
            ("f_mntonname", 1320, 1024, "cstr"),
        ],
    ),
    "freebsd11_statfs": (
        472,
        [
            ("f_version", 0, 4, "u32"),
            ("f_type", 4, 4, "u32"),
            ("f_flags", 8, 8, "u64"),
            ("f_bsize", 16, 8, "u64"),
            ("f_iosize", 24, 8, "u64"),
            ("f_blocks", 32, 8, "u64"),
            ("f_bfree", 40, 8, "u64"),
            ("f_bavail", 48, 8, "i64"),
            ("f_files", 56, 8, "u64"),
            ("f_ffree", 64, 8, "i64"),
            ("f_syncwrites", 72, 8, "u64"),
            ("f_asyncwrites", 80, 8, "u64"),
            ("f_syncreads", 88, 8, "u64"),
            ("f_asyncreads", 96, 8, "u64"),
            ("f_spare", 104, 80, "u64[10]"),
            ("f_namemax", 184, 4, "u32"),
            ("f_owner", 188, 4, "u32"),
            ("f_fsid", 192, 8, "i32[2]"),
            ("f_charspare", 200, 80, "bytes"),
            ("f_fstypename", 280, 16, "cstr"),
            ("f_mntfromname", 296, 88, "cstr"),
            ("f_mntonname", 384, 88, "cstr"),
        ],
    ),
    # d_reclen = roundup(24 + d_namlen + 1, 8).
    "dirent": (
        280,
        [
            ("d_fileno", 0, 8, "u64"),
            ("d_off", 8, 8, "i64"),
            ("d_reclen", 16, 2, "u16"),
            ("d_type", 18, 1, "u8"),
            ("d_pad0", 19, 1, "u8"),
            ("d_namlen", 20, 2, "u16"),
            ("d_pad1", 22, 2, "u16"),
            ("d_name", 24, 256, "cstr"),
        ],
    ),
    # d_reclen = roundup(8 + d_namlen + 1, 4).
    "freebsd11_dirent": (
        264,
        [
            ("d_fileno", 0, 4, "u32"),
            ("d_reclen", 4, 2, "u16"),
            ("d_type", 6, 1, "u8"),
            ("d_namlen", 7, 1, "u8"),
            ("d_name", 8, 256, "cstr"),
        ],
    ),
    "sockaddr": (
        16,
        [("sa_len", 0, 1, "u8"), ("sa_family", 1, 1, "u8"), ("sa_data", 2, 14, "bytes")],
    ),
    "sockaddr_in": (
        16,
        [
            ("sin_len", 0, 1, "u8"),
            ("sin_family", 1, 1, "u8"),
            ("sin_port", 2, 2, "u16be"),
            ("sin_addr", 4, 4, "bytes"),
            ("sin_zero", 8, 8, "bytes"),
        ],
    ),
    "sockaddr_in6": (
        28,
        [
            ("sin6_len", 0, 1, "u8"),
            ("sin6_family", 1, 1, "u8"),
            ("sin6_port", 2, 2, "u16be"),
            ("sin6_flowinfo", 4, 4, "u32be"),
            ("sin6_addr", 8, 16, "bytes"),
            ("sin6_scope_id", 24, 4, "u32"),
        ],
    ),
    # sun_path holds sun_len - 2 bytes and needs no NUL.
    "sockaddr_un": (
        106,
        [("sun_len", 0, 1, "u8"), ("sun_family", 1, 1, "u8"), ("sun_path", 2, 104, "bytes")],
    ),
    "sockaddr_dl": (
        54,
        [
            ("sdl_len", 0, 1, "u8"),
            ("sdl_family", 1, 1, "u8"),
            ("sdl_index", 2, 2, "u16"),
            ("sdl_type", 4, 1, "u8"),
            ("sdl_nlen", 5, 1, "u8"),
            ("sdl_alen", 6, 1, "u8"),
            ("sdl_slen", 7, 1, "u8"),
            ("sdl_data", 8, 46, "bytes"),
        ],
    ),
    "msghdr": (
        48,
        [
            ("msg_name", 0, 8, "u64"),
            ("msg_namelen", 8, 4, "u32"),
            ("msg_iov", 16, 8, "u64"),
            ("msg_iovlen", 24, 4, "i32"),
            ("msg_control", 32, 8, "u64"),
            ("msg_controllen", 40, 4, "u32"),
            ("msg_flags", 44, 4, "i32"),
        ],
    ),
    # Data follows at CMSG_DATA = 16 (cmsghdr rounded up to 8).
    "cmsghdr": (
        12,
        [("cmsg_len", 0, 4, "u32"), ("cmsg_level", 4, 4, "i32"), ("cmsg_type", 8, 4, "i32")],
    ),
    "sigset_t": (16, [("__bits", 0, 16, "u32[4]")]),
    "sigaction": (
        32,
        [
            ("sa_handler", 0, 8, "u64"),
            ("sa_sigaction", 0, 8, "u64"),
            ("sa_flags", 8, 4, "i32"),
            ("sa_mask", 12, 16, "sigset_t"),
        ],
    ),
    # Note the order: ss_size before ss_flags (Linux has them the other way round).
    "stack_t": (24, [("ss_sp", 0, 8, "u64"), ("ss_size", 8, 8, "u64"), ("ss_flags", 16, 4, "i32")]),
    "siginfo_t": (
        80,
        [
            ("si_signo", 0, 4, "i32"),
            ("si_errno", 4, 4, "i32"),
            ("si_code", 8, 4, "i32"),
            ("si_pid", 12, 4, "i32"),
            ("si_uid", 16, 4, "u32"),
            ("si_status", 20, 4, "i32"),
            ("si_addr", 24, 8, "u64"),
            ("si_value", 32, 8, "u64"),
            ("si_trapno", 40, 4, "i32"),
            ("si_timerid", 40, 4, "i32"),
            ("si_overrun", 44, 4, "i32"),
            ("si_mqd", 40, 4, "i32"),
            ("si_band", 40, 8, "i64"),
        ],
    ),
    # mc_tlsbase is 13.5's mc_spare[0].
    "mcontext_t": (
        800,
        [
            ("mc_onstack", 0, 8, "i64"),
            ("mc_rdi", 8, 8, "i64"),
            ("mc_rsi", 16, 8, "i64"),
            ("mc_rdx", 24, 8, "i64"),
            ("mc_rcx", 32, 8, "i64"),
            ("mc_r8", 40, 8, "i64"),
            ("mc_r9", 48, 8, "i64"),
            ("mc_rax", 56, 8, "i64"),
            ("mc_rbx", 64, 8, "i64"),
            ("mc_rbp", 72, 8, "i64"),
            ("mc_r10", 80, 8, "i64"),
            ("mc_r11", 88, 8, "i64"),
            ("mc_r12", 96, 8, "i64"),
            ("mc_r13", 104, 8, "i64"),
            ("mc_r14", 112, 8, "i64"),
            ("mc_r15", 120, 8, "i64"),
            ("mc_trapno", 128, 4, "u32"),
            ("mc_fs", 132, 2, "u16"),
            ("mc_gs", 134, 2, "u16"),
            ("mc_addr", 136, 8, "i64"),
            ("mc_flags", 144, 4, "u32"),
            ("mc_es", 148, 2, "u16"),
            ("mc_ds", 150, 2, "u16"),
            ("mc_err", 152, 8, "i64"),
            ("mc_rip", 160, 8, "i64"),
            ("mc_cs", 168, 8, "i64"),
            ("mc_rflags", 176, 8, "i64"),
            ("mc_rsp", 184, 8, "i64"),
            ("mc_ss", 192, 8, "i64"),
            ("mc_len", 200, 8, "i64"),
            ("mc_fpformat", 208, 8, "i64"),
            ("mc_ownedfp", 216, 8, "i64"),
            ("mc_fpstate", 224, 512, "bytes"),
            ("mc_fsbase", 736, 8, "i64"),
            ("mc_gsbase", 744, 8, "i64"),
            ("mc_xfpustate", 752, 8, "i64"),
            ("mc_xfpustate_len", 760, 8, "i64"),
            ("mc_tlsbase", 768, 8, "i64"),
            ("mc_spare", 776, 24, "i64[3]"),
        ],
    ),
    "ucontext_t": (
        880,
        [
            ("uc_sigmask", 0, 16, "sigset_t"),
            ("uc_mcontext", 16, 800, "mcontext_t"),
            ("uc_link", 816, 8, "u64"),
            ("uc_stack", 824, 24, "stack_t"),
            ("uc_flags", 848, 4, "i32"),
            ("__spare__", 852, 16, "i32[4]"),
        ],
    ),
    # What amd64 sendsig() pushes: handler pointer, then 16-byte aligned ucontext and siginfo.
    "sigframe": (
        976,
        [
            ("sf_action", 0, 8, "u64"),
            ("sf_handler", 0, 8, "u64"),
            ("sf_uc", 16, 880, "ucontext_t"),
            ("sf_si", 896, 80, "siginfo_t"),
        ],
    ),
    "kevent": (
        64,
        [
            ("ident", 0, 8, "u64"),
            ("filter", 8, 2, "i16"),
            ("flags", 10, 2, "u16"),
            ("fflags", 12, 4, "u32"),
            ("data", 16, 8, "i64"),
            ("udata", 24, 8, "u64"),
            ("ext", 32, 32, "u64[4]"),
        ],
    ),
    # The pre-12 struct kevent (no ext[]), for freebsd11_kevent(2): FreeBSD 10/11 binaries.
    "freebsd11_kevent": (
        32,
        [
            ("ident", 0, 8, "u64"),
            ("filter", 8, 2, "i16"),
            ("flags", 10, 2, "u16"),
            ("fflags", 12, 4, "u32"),
            ("data", 16, 8, "i64"),
            ("udata", 24, 8, "u64"),
        ],
    ),
    "flock": (
        32,
        [
            ("l_start", 0, 8, "i64"),
            ("l_len", 8, 8, "i64"),
            ("l_pid", 16, 4, "i32"),
            ("l_type", 20, 2, "i16"),
            ("l_whence", 22, 2, "i16"),
            ("l_sysid", 24, 4, "i32"),
        ],
    ),
    "thr_param": (
        104,
        [
            ("start_func", 0, 8, "u64"),
            ("arg", 8, 8, "u64"),
            ("stack_base", 16, 8, "u64"),
            ("stack_size", 24, 8, "u64"),
            ("tls_base", 32, 8, "u64"),
            ("tls_size", 40, 8, "u64"),
            ("child_tid", 48, 8, "u64"),
            ("parent_tid", 56, 8, "u64"),
            ("flags", 64, 4, "i32"),
            ("rtp", 72, 8, "u64"),
            ("spare", 80, 24, "u64[3]"),
        ],
    ),
    # <sys/_umtx.h>: what _umtx_op(2) works on.
    "_umtx_time": (
        24,
        [("_timeout", 0, 16, "timespec"), ("_flags", 16, 4, "u32"), ("_clockid", 20, 4, "u32")],
    ),
    "umutex": (
        32,
        [
            ("m_owner", 0, 4, "i32"),
            ("m_flags", 4, 4, "u32"),
            ("m_ceilings", 8, 8, "u32[2]"),
            ("m_rb_lnk", 16, 8, "u64"),
            ("m_spare", 24, 8, "u32[2]"),
        ],
    ),
    "urwlock": (
        32,
        [
            ("rw_state", 0, 4, "i32"),
            ("rw_flags", 4, 4, "u32"),
            ("rw_blocked_readers", 8, 4, "u32"),
            ("rw_blocked_writers", 12, 4, "u32"),
            ("rw_spare", 16, 16, "u32[4]"),
        ],
    ),
    "rtprio": (4, [("type", 0, 2, "u16"), ("prio", 2, 2, "u16")]),
    "_usem2": (8, [("_count", 0, 4, "u32"), ("_flags", 4, 4, "u32")]),
    "ucond": (
        16,
        [
            ("c_has_waiters", 0, 4, "u32"),
            ("c_flags", 4, 4, "u32"),
            ("c_clockid", 8, 4, "u32"),
            ("c_spare", 12, 4, "u32[1]"),
        ],
    ),
    # struct jail, version 2 (JAIL_API_VERSION).
    "jail": (
        56,
        [
            ("version", 0, 4, "u32"),
            ("path", 8, 8, "u64"),
            ("hostname", 16, 8, "u64"),
            ("jailname", 24, 8, "u64"),
            ("ip4s", 32, 4, "u32"),
            ("ip6s", 36, 4, "u32"),
            ("ip4", 40, 8, "u64"),
            ("ip6", 48, 8, "u64"),
        ],
    ),
    # IPV6_PKTINFO's value (netinet6/in6.h): the source address and interface to send from.
    "in6_pktinfo": (20, [("ipi6_addr", 0, 16, "bytes"), ("ipi6_ifindex", 16, 4, "u32")]),
    # kldstat(2)'s answer (sys/linker.h); version is the size the caller expects.
    "kld_file_stat": (
        2080,
        [
            ("version", 0, 4, "i32"),
            ("name", 4, 1024, "cstr"),
            ("refs", 1028, 4, "i32"),
            ("id", 1032, 4, "i32"),
            ("address", 1040, 8, "u64"),
            ("size", 1048, 8, "u64"),
            ("pathname", 1056, 1024, "cstr"),
        ],
    ),
    # modstat(2)'s answer (sys/module.h); data is the module's modspecific_t union.
    "module_stat": (
        1048,
        [
            ("version", 0, 4, "i32"),
            ("name", 4, 1024, "cstr"),
            ("refs", 1028, 4, "i32"),
            ("id", 1032, 4, "i32"),
            ("data", 1040, 8, "bytes"),
        ],
    ),
    # One vfs.conflist entry (what getvfsbyname(3) searches).
    "xvfsconf": (
        48,
        [
            ("vfc_vfsops", 0, 8, "u64"),
            ("vfc_name", 8, 16, "cstr"),
            ("vfc_typenum", 24, 4, "i32"),
            ("vfc_refcount", 28, 4, "i32"),
            ("vfc_flags", 32, 4, "i32"),
            ("vfc_next", 40, 8, "u64"),
        ],
    ),
    # cr_groups[0] is the effective gid (FreeBSD 15 names it cr_gid).
    "xucred": (
        88,
        [
            ("cr_version", 0, 4, "u32"),
            ("cr_uid", 4, 4, "u32"),
            ("cr_ngroups", 8, 2, "i16"),
            ("cr_groups", 12, 64, "u32[16]"),
            ("cr_pid", 80, 4, "i32"),
        ],
    ),
    "priority": (
        4,
        [
            ("pri_class", 0, 1, "u8"),
            ("pri_level", 1, 1, "u8"),
            ("pri_native", 2, 1, "u8"),
            ("pri_user", 3, 1, "u8"),
        ],
    ),
    # What kern.proc.* returns per process or thread (KINFO_PROC_SIZE).  FreeBSD 10/11 binaries
    # read ki_tdev_freebsd11 and the u_char ki_*cpu_old; ki_uerrmsg is FreeBSD 14's, spare in 13.5.
    "kinfo_proc": (
        1088,
        [
            ("ki_structsize", 0, 4, "i32"),
            ("ki_layout", 4, 4, "i32"),
            ("ki_args", 8, 8, "u64"),
            ("ki_paddr", 16, 8, "u64"),
            ("ki_addr", 24, 8, "u64"),
            ("ki_tracep", 32, 8, "u64"),
            ("ki_textvp", 40, 8, "u64"),
            ("ki_fd", 48, 8, "u64"),
            ("ki_vmspace", 56, 8, "u64"),
            ("ki_wchan", 64, 8, "u64"),
            ("ki_pid", 72, 4, "i32"),
            ("ki_ppid", 76, 4, "i32"),
            ("ki_pgid", 80, 4, "i32"),
            ("ki_tpgid", 84, 4, "i32"),
            ("ki_sid", 88, 4, "i32"),
            ("ki_tsid", 92, 4, "i32"),
            ("ki_jobc", 96, 2, "i16"),
            ("ki_spare_short1", 98, 2, "i16"),
            ("ki_tdev_freebsd11", 100, 4, "u32"),
            ("ki_siglist", 104, 16, "sigset_t"),
            ("ki_sigmask", 120, 16, "sigset_t"),
            ("ki_sigignore", 136, 16, "sigset_t"),
            ("ki_sigcatch", 152, 16, "sigset_t"),
            ("ki_uid", 168, 4, "u32"),
            ("ki_ruid", 172, 4, "u32"),
            ("ki_svuid", 176, 4, "u32"),
            ("ki_rgid", 180, 4, "u32"),
            ("ki_svgid", 184, 4, "u32"),
            ("ki_ngroups", 188, 2, "i16"),
            ("ki_spare_short2", 190, 2, "i16"),
            ("ki_groups", 192, 64, "u32[16]"),
            ("ki_size", 256, 8, "u64"),
            ("ki_rssize", 264, 8, "i64"),
            ("ki_swrss", 272, 8, "i64"),
            ("ki_tsize", 280, 8, "i64"),
            ("ki_dsize", 288, 8, "i64"),
            ("ki_ssize", 296, 8, "i64"),
            ("ki_xstat", 304, 2, "u16"),
            ("ki_acflag", 306, 2, "u16"),
            ("ki_pctcpu", 308, 4, "u32"),
            ("ki_estcpu", 312, 4, "u32"),
            ("ki_slptime", 316, 4, "u32"),
            ("ki_swtime", 320, 4, "u32"),
            ("ki_cow", 324, 4, "u32"),
            ("ki_runtime", 328, 8, "u64"),
            ("ki_start", 336, 16, "timeval"),
            ("ki_childtime", 352, 16, "timeval"),
            ("ki_flag", 368, 8, "i64"),
            ("ki_kiflag", 376, 8, "i64"),
            ("ki_traceflag", 384, 4, "i32"),
            ("ki_stat", 388, 1, "i8"),
            ("ki_nice", 389, 1, "i8"),
            ("ki_lock", 390, 1, "i8"),
            ("ki_rqindex", 391, 1, "i8"),
            ("ki_oncpu_old", 392, 1, "u8"),
            ("ki_lastcpu_old", 393, 1, "u8"),
            ("ki_tdname", 394, 17, "cstr"),
            ("ki_wmesg", 411, 9, "cstr"),
            ("ki_login", 420, 18, "cstr"),
            ("ki_lockname", 438, 9, "cstr"),
            ("ki_comm", 447, 20, "cstr"),
            ("ki_emul", 467, 17, "cstr"),
            ("ki_loginclass", 484, 18, "cstr"),
            ("ki_moretdname", 502, 4, "cstr"),
            ("ki_sparestrings", 506, 46, "bytes"),
            ("ki_spareints", 552, 8, "i32[2]"),
            ("ki_tdev", 560, 8, "u64"),
            ("ki_oncpu", 568, 4, "i32"),
            ("ki_lastcpu", 572, 4, "i32"),
            ("ki_tracer", 576, 4, "i32"),
            ("ki_flag2", 580, 4, "i32"),
            ("ki_fibnum", 584, 4, "i32"),
            ("ki_cr_flags", 588, 4, "u32"),
            ("ki_jid", 592, 4, "i32"),
            ("ki_numthreads", 596, 4, "i32"),
            ("ki_tid", 600, 4, "i32"),
            ("ki_pri", 604, 4, "priority"),
            ("ki_rusage", 608, 144, "rusage"),
            ("ki_rusage_ch", 752, 144, "rusage"),
            ("ki_pcb", 896, 8, "u64"),
            ("ki_kstack", 904, 8, "u64"),
            ("ki_udata", 912, 8, "u64"),
            ("ki_tdaddr", 920, 8, "u64"),
            ("ki_pd", 928, 8, "u64"),
            ("ki_uerrmsg", 936, 8, "u64"),
            ("ki_spareptrs", 944, 32, "u64[4]"),
            ("ki_sparelongs", 976, 96, "i64[12]"),
            ("ki_sflag", 1072, 8, "i64"),
            ("ki_tdflags", 1080, 8, "i64"),
        ],
    ),
    # ---- Linux x86_64, as the kernel writes them -----------------------------------
    "linux_stat": (
        144,
        [
            ("st_dev", 0, 8, "u64"),
            ("st_ino", 8, 8, "u64"),
            ("st_nlink", 16, 8, "u64"),
            ("st_mode", 24, 4, "u32"),
            ("st_uid", 28, 4, "u32"),
            ("st_gid", 32, 4, "u32"),
            ("__pad0", 36, 4, "i32"),
            ("st_rdev", 40, 8, "u64"),
            ("st_size", 48, 8, "i64"),
            ("st_blksize", 56, 8, "i64"),
            ("st_blocks", 64, 8, "i64"),
            ("st_atim", 72, 16, "timespec"),
            ("st_mtim", 88, 16, "timespec"),
            ("st_ctim", 104, 16, "timespec"),
            ("__glibc_reserved", 120, 24, "i64[3]"),
        ],
    ),
    # Block counts are in f_frsize units (f_bsize when f_frsize is 0).
    "linux_statfs": (
        120,
        [
            ("f_type", 0, 8, "i64"),
            ("f_bsize", 8, 8, "i64"),
            ("f_blocks", 16, 8, "u64"),
            ("f_bfree", 24, 8, "u64"),
            ("f_bavail", 32, 8, "u64"),
            ("f_files", 40, 8, "u64"),
            ("f_ffree", 48, 8, "u64"),
            ("f_fsid", 56, 8, "i32[2]"),
            ("f_namelen", 64, 8, "i64"),
            ("f_frsize", 72, 8, "i64"),
            ("f_flags", 80, 8, "i64"),
            ("f_spare", 88, 32, "i64[4]"),
        ],
    ),
    # d_name is a flexible array; d_reclen = roundup(19 + namelen + 1, 8).
    "linux_dirent64": (
        24,
        [
            ("d_ino", 0, 8, "u64"),
            ("d_off", 8, 8, "i64"),
            ("d_reclen", 16, 2, "u16"),
            ("d_type", 18, 1, "u8"),
            ("d_name", 19, 0, "cstr"),
        ],
    ),
    "linux_sockaddr": (16, [("sa_family", 0, 2, "u16"), ("sa_data", 2, 14, "bytes")]),
    "linux_sockaddr_in": (
        16,
        [
            ("sin_family", 0, 2, "u16"),
            ("sin_port", 2, 2, "u16be"),
            ("sin_addr", 4, 4, "bytes"),
            ("sin_zero", 8, 8, "bytes"),
        ],
    ),
    "linux_sockaddr_in6": (
        28,
        [
            ("sin6_family", 0, 2, "u16"),
            ("sin6_port", 2, 2, "u16be"),
            ("sin6_flowinfo", 4, 4, "u32be"),
            ("sin6_addr", 8, 16, "bytes"),
            ("sin6_scope_id", 24, 4, "u32"),
        ],
    ),
    "linux_sockaddr_un": (110, [("sun_family", 0, 2, "u16"), ("sun_path", 2, 108, "bytes")]),
    "linux_msghdr": (
        56,
        [
            ("msg_name", 0, 8, "u64"),
            ("msg_namelen", 8, 4, "u32"),
            ("msg_iov", 16, 8, "u64"),
            ("msg_iovlen", 24, 8, "u64"),
            ("msg_control", 32, 8, "u64"),
            ("msg_controllen", 40, 8, "u64"),
            ("msg_flags", 48, 4, "i32"),
        ],
    ),
    "linux_cmsghdr": (
        16,
        [("cmsg_len", 0, 8, "u64"), ("cmsg_level", 8, 4, "i32"), ("cmsg_type", 12, 4, "i32")],
    ),
    # The kernel's struct sigaction for rt_sigaction(2), not glibc's.
    "linux_sigaction": (
        32,
        [
            ("sa_handler", 0, 8, "u64"),
            ("sa_flags", 8, 8, "u64"),
            ("sa_restorer", 16, 8, "u64"),
            ("sa_mask", 24, 8, "u64"),
        ],
    ),
    "linux_stack_t": (
        24,
        [("ss_sp", 0, 8, "u64"), ("ss_flags", 8, 4, "i32"), ("ss_size", 16, 8, "u64")],
    ),
    "linux_siginfo_t": (
        128,
        [
            ("si_signo", 0, 4, "i32"),
            ("si_errno", 4, 4, "i32"),
            ("si_code", 8, 4, "i32"),
            ("__pad0", 12, 4, "i32"),
            ("si_pid", 16, 4, "i32"),
            ("si_uid", 20, 4, "u32"),
            ("si_timerid", 16, 4, "i32"),
            ("si_overrun", 20, 4, "i32"),
            ("si_value", 24, 8, "u64"),
            ("si_status", 24, 4, "i32"),
            ("si_utime", 32, 8, "i64"),
            ("si_stime", 40, 8, "i64"),
            ("si_addr", 16, 8, "u64"),
            ("si_addr_lsb", 24, 2, "i16"),
            ("si_band", 16, 8, "i64"),
            ("si_fd", 24, 4, "i32"),
            ("si_call_addr", 16, 8, "u64"),
            ("si_syscall", 24, 4, "i32"),
            ("si_arch", 28, 4, "u32"),
        ],
    ),
    "linux_flock": (
        32,
        [
            ("l_type", 0, 2, "i16"),
            ("l_whence", 2, 2, "i16"),
            ("l_start", 8, 8, "i64"),
            ("l_len", 16, 8, "i64"),
            ("l_pid", 24, 4, "i32"),
        ],
    ),
    "linux_utsname": (
        390,
        [
            ("sysname", 0, 65, "cstr"),
            ("nodename", 65, 65, "cstr"),
            ("release", 130, 65, "cstr"),
            ("version", 195, 65, "cstr"),
            ("machine", 260, 65, "cstr"),
            ("domainname", 325, 65, "cstr"),
        ],
    ),
    # capget(2)/capset(2): the header, then one data struct per 32 capabilities.
    "linux_cap_header": (8, [("version", 0, 4, "u32"), ("pid", 4, 4, "i32")]),
    "linux_cap_data": (
        12,
        [("effective", 0, 4, "u32"), ("permitted", 4, 4, "u32"), ("inheritable", 8, 4, "u32")],
    ),
    "linux_sock_fprog": (16, [("len", 0, 2, "u16"), ("filter", 8, 8, "u64")]),
    "linux_tms": (
        32,
        [
            ("tms_utime", 0, 8, "i64"),
            ("tms_stime", 8, 8, "i64"),
            ("tms_cutime", 16, 8, "i64"),
            ("tms_cstime", 24, 8, "i64"),
        ],
    ),
}

# FreeBSD layouts whose bytes Linux x86_64 lays out identically (the tests check this),
# so syscalls can pass them through unconverted.
SAME_ON_LINUX = (
    "timespec",
    "timeval",
    "timezone",
    "itimerval",
    "rusage",
    "rlimit",
    "iovec",
    "pollfd",
    "winsize",
)

# ---- statfs contents ------------------------------------------------------------------
STATFS_VERSION = 0x20140518
FREEBSD11_STATFS_VERSION = 0x20030518

# FreeBSD MNT_* (sys/sys/mount.h) for each Linux ST_* (sys/statvfs.h) that has one.
# ST_NODEV has no FreeBSD counterpart (device nodes live only on devfs there).
ST_TO_MNT = {
    0x0001: 0x0000000000000001,  # ST_RDONLY      -> MNT_RDONLY
    0x0002: 0x0000000000000008,  # ST_NOSUID      -> MNT_NOSUID
    0x0008: 0x0000000000000004,  # ST_NOEXEC      -> MNT_NOEXEC
    0x0010: 0x0000000000000002,  # ST_SYNCHRONOUS -> MNT_SYNCHRONOUS
    0x0400: 0x0000000010000000,  # ST_NOATIME     -> MNT_NOATIME
    # ST_NOSYMFOLLOW -> MNT_NOSYMFOLLOW (kernel value; glibc lacks the name)
    0x2000: 0x0000000000400000,
}

# f_fstypename FreeBSD would show for a Linux filesystem, by the Linux type name of
# /proc/self/mountinfo: FreeBSD's own name for the same or the nearest filesystem.
LINUX_FSTYPE_TO_FREEBSD = {
    "ext2": "ext2fs",
    "ext3": "ext2fs",
    "ext4": "ext2fs",
    "tmpfs": "tmpfs",
    "ramfs": "tmpfs",
    "devtmpfs": "devfs",
    "devpts": "devfs",
    "proc": "procfs",
    "sysfs": "linsysfs",
    "overlay": "unionfs",
    "nfs": "nfs",
    "nfs4": "nfs",
    "vfat": "msdosfs",
    "msdos": "msdosfs",
    "iso9660": "cd9660",
    "fuse": "fusefs",
    "fuseblk": "fusefs",
    "zfs": "zfs",
    "mqueue": "mqueuefs",
    "autofs": "autofs",
    "udf": "udf",
}

# The same by Linux f_type magic (linux/magic.h), for when the type name is unknown.
# devtmpfs reports TMPFS_MAGIC, so only the name tells it from tmpfs.
LINUX_MAGIC_TO_FREEBSD = {
    0xEF53: "ext2fs",
    0x01021994: "tmpfs",
    0x858458F6: "tmpfs",
    0x1CD1: "devfs",
    0x9FA0: "procfs",
    0x62656572: "linsysfs",
    0x794C7630: "unionfs",
    0x6969: "nfs",
    0x4D44: "msdosfs",
    0x9660: "cd9660",
    0x65735546: "fusefs",
    0x2FC12FC1: "zfs",
    0x19800202: "mqueuefs",
    0x0187: "autofs",
    0x15013346: "udf",
}
