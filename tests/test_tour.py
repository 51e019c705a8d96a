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
