"""Everyday calls from FreeBSD programs of our own, each checked against its FreeBSD man page:
paths and the *at family, descriptor I/O, credentials, extended attributes, the compatibility
slots older binaries use, clocks and memory."""

import os

import pytest

pytestmark = pytest.mark.e2e


def _run(bsd, freebsd_programs, name, *args):
    r = bsd(freebsd_programs(name)[name], *args)
    assert r.stdout.decode().endswith(": 0 failures\n"), r.stdout.decode() + r.stderr.decode()
    return r


@pytest.mark.syscalls(
    "chdir", "openat", "mkdirat", "rmdir", "link", "symlinkat", "linkat", "readlinkat",
    "rename", "renameat", "unlinkat", "mkfifoat", "mkfifo", "mknodat", "faccessat", "eaccess",
    "access", "fchmodat", "fchmod", "chown", "fchownat", "utimes", "futimesat", "utimensat",
    "futimens", "truncate", "ftruncate", "pathconf", "unlink", "mkdir", "fstatat",
)  # fmt: skip
def test_paths_and_the_at_family(bsd, freebsd_programs, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chown to other users needs root")
    _run(bsd, freebsd_programs, "tour_paths", tmp_path)


@pytest.mark.syscalls(
    "pwritev", "preadv", "pwrite", "readv", "fsync", "fdatasync", "sync", "posix_fallocate",
    "posix_fadvise", "flock", "statfs", "fstatfs", "getfsstat", "pipe2", "pselect", "ppoll",
    "socket", "bind", "listen", "connect", "accept4", "kqueuex", "kevent", "lseek",
)  # fmt: skip
def test_descriptor_io(bsd, freebsd_programs, tmp_path):
    _run(bsd, freebsd_programs, "tour_io", tmp_path)


@pytest.mark.syscalls(
    "freebsd14_setgroups", "freebsd14_getgroups", "setgroups", "getgroups", "setgid", "setegid",
    "setregid", "setresgid", "getresgid", "setresuid", "getresuid", "setreuid", "setuid",
    "getrlimit", "setrlimit", "getdtablesize", "setsid", "getsid", "getpgrp", "setlogin",
    "getlogin", "getrusage", "getitimer", "fork", "wait4",
)  # fmt: skip
def test_credentials_sessions_and_limits(bsd, freebsd_programs):
    if os.geteuid() != 0:
        pytest.skip("changing credentials needs root")
    r = _run(bsd, freebsd_programs, "tour_creds")
    assert r.stdout.decode().count(": 0 failures") == 4, r.stdout.decode()


@pytest.mark.syscalls(
    "syscall", "__syscall", "sched_yield", "fchflags", "lchflags", "chflagsat", "freebsd10_pipe",
    "freebsd11_getdirentries", "freebsd11_getdents", "freebsd11_getfsstat", "freebsd11_mknodat",
    "msync", "mlock",
    "munlock", "mlockall", "munlockall", "clock_getres", "clock_nanosleep", "clock_settime",
    "getcontext", "swapcontext", "setcontext", "thr_self", "thr_set_name", "thr_kill2",
    "modnext", "kldunload", "chroot", "fchroot",
)  # fmt: skip
def test_assorted_calls(bsd, freebsd_programs, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chroot and memory locking need root")
    (tmp_path / "marker").write_text("")
    _run(bsd, freebsd_programs, "tour_misc", tmp_path)


@pytest.mark.syscalls(
    "extattr_set_file", "extattr_get_file", "extattr_delete_file", "extattr_list_file",
    "extattr_set_fd", "extattr_get_fd", "extattr_delete_fd", "extattr_list_fd",
    "extattr_set_link", "extattr_get_link", "extattr_delete_link", "extattr_list_link",
)  # fmt: skip
def test_extended_attributes(bsd, freebsd_programs, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    try:
        os.setxattr(target, "user.probe", b"1")
    except OSError as e:
        pytest.skip(f"{tmp_path} has no user extended attributes: {e.strerror}")
    os.removexattr(target, "user.probe")
    _run(bsd, freebsd_programs, "tour_extattr", target)


@pytest.mark.syscalls(
    "abort2", "funlinkat", "getloginclass", "setloginclass", "mincore",
)  # fmt: skip
def test_abort2_funlinkat_login_class_mincore(bsd, freebsd_programs, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("setloginclass needs root")
    _run(bsd, freebsd_programs, "tour_more", tmp_path)


@pytest.mark.syscalls("sendfile", "socketpair")
def test_sendfile_with_headers_and_trailers(bsd, freebsd_programs, tmp_path):
    (tmp_path / "data").write_text("0123456789")
    _run(bsd, freebsd_programs, "tour_sendfile", tmp_path / "data")


@pytest.mark.syscalls("__specialfd")
def test_eventfd(bsd, freebsd_programs):
    _run(bsd, freebsd_programs, "tour_eventfd")


@pytest.mark.syscalls("bindat", "connectat")
def test_bindat_connectat(bsd, freebsd_programs, tmp_path):
    _run(bsd, freebsd_programs, "tour_sockat", tmp_path)


@pytest.mark.syscalls("membarrier")
def test_membarrier(bsd, freebsd_programs):
    _run(bsd, freebsd_programs, "tour_membarrier")


@pytest.mark.syscalls("__specialfd", "inotify_add_watch_at", "inotify_rm_watch")
def test_inotify(bsd, freebsd_programs, tmp_path):
    _run(bsd, freebsd_programs, "tour_inotify", tmp_path)
