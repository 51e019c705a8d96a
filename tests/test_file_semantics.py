"""File semantics where FreeBSD's differ from Linux's, from a FreeBSD program.

Expected values are FreeBSD's: vn_open_vnode and open(2) (EMLINK for O_NOFOLLOW on a symbolic
link, EOPNOTSUPP for a socket), select(2) ("does not modify the timeout"), ufs_setattr /
ufs_chown (no change touches nothing; an unprivileged change clears setuid and setgid,
PRIV_VFS_RETAINSUGID keeps them for root), ufs_chmod (EFTYPE for an unprivileged sticky bit
on a file, EPERM for setgid with a group the caller is not in), lchmod(2) on UFS, setutimes (a birth time set back); errno
numbers from sys/errno.h through abi/."""

from pathlib import Path

import pytest

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.limits import FREEBSD_LIMITS

pytestmark = pytest.mark.e2e

PROGRAMS = Path(__file__).resolve().parent / "freebsd_programs"
E = FREEBSD_ERRNO

EXPECTED = [
    f"open-nofollow {E['EMLINK']}",
    f"open-loop {E['ELOOP']}",
    f"open-socket {E['EOPNOTSUPP']}",
    # lookup(): "." as the last component of a DELETE or RENAME is EINVAL, "/" EISDIR;
    # ufs_rename: ".." EINVAL for a directory; kern_renameat: a file onto a directory EISDIR.
    f"rename-dot {E['EINVAL']} {E['EINVAL']}",
    f"rename-dotdot {E['EINVAL']} {E['EISDIR']}",
    f"rename-root {E['EISDIR']}",
    f"rename-into-itself {E['EINVAL']}",
    "rename-same 0",
    f"unlink-dot {E['EINVAL']} {E['EISDIR']}",
    f"rmdir-root {E['EISDIR']}",
    "select-timeout 0 1000",
    "pselect-timeout 0 1000000",
    "chown-nochange 0 1",
    f"chown-nochange-locked {E['EPERM']}",
    # vfs_syscalls.c setutimes: an mtime older than the birth time sets the birth time.
    "utimensat-birth 0 1 1000000 500",
    "utimensat-newer 0 1000000 500",
    "futimens-birth 0 999 0",
    "lchmod 0 700 644",
    "root-sticky-file 0",
    f"user-sticky-file {E['EFTYPE']}",
    "user-sticky-dir 0",
    f"user-setgid-foreign-group {E['EPERM']}",
    "user-chown-dir 0 755",
    "user-chown-sgid-file 0 744",
    f"user-fchmod-sticky {E['EFTYPE']}",
    "user-fchown 0 644",
    "user-lchown-nochange 0",
    "root-chown-dir 0 6755",
    f"at-forms {E['EPERM']} {E['EPERM']} {E['EPERM']}",
    f"futimesat-locked {E['EPERM']}",
    "fchownat-nochange 0",
    "fchmodat-link 0 600",
]


@pytest.mark.root
@pytest.mark.syscalls(
    "open",
    "rename",
    "renameat",
    "unlink",
    "unlinkat",
    "rmdir",
    "fchmod",
    "fchmodat",
    "fchown",
    "fchownat",
    "lchown",
    "futimesat",
    "select",
    "pselect",
    "chown",
    "utimensat",
    "futimens",
    "chmod",
    "lchmod",
    "fstatat",
    "chflags",
)
def test_file_semantics(bsd, freebsd_cc, tmp_path):
    program = freebsd_cc((PROGRAMS / "fsem_files.c").read_text(), "fsem_files")
    tmp_path.chmod(0o755)  # its unprivileged child works in it (by relative paths)
    r = bsd(program, tmp_path)
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == EXPECTED


def _pathmax_expected() -> list[str]:
    path_max = FREEBSD_LIMITS["PATH_MAX"]
    lines = []
    for n in (path_max - 1, path_max, path_max + 50):
        # 1023 bytes: looked up (d/d/… does not exist); longer: refused before any lookup.
        found = E["ENOENT"] if n < path_max else E["ENAMETOOLONG"]
        lines += [f"{call} {n} {found}" for call in ("open", "stat", "access", "mkdir", "unlink")]
        lines.append(f"rename-to {n} {found}")
    return lines


@pytest.mark.syscalls("open", "fstatat", "access", "mkdir", "unlink", "rename")
def test_path_max(bsd, freebsd_cc, freebsd_root, tmp_path):
    program = freebsd_cc((PROGRAMS / "fsem_pathmax.c").read_text(), "fsem_pathmax")
    r = bsd("--root", freebsd_root, program, cwd=tmp_path)
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == _pathmax_expected()
