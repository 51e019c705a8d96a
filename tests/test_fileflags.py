"""FreeBSD file flags: chflags(2) and its kin, st_flags, and what each flag forbids.

Expected values are FreeBSD's: the flag rules of sys/ufs/ufs/ufs_vnops.c (ufs_setattr's flags
step, ufs_access, ufs_open, ufs_remove, ufs_link, ufs_rename, ufs_rmdir), the privilege rules
of kern_jail.c's prison_priv_check (PRIV_VFS_SYSFLAGS needs allow.chflags), errno numbers
from sys/errno.h through abi/."""

import fcntl
import os
import struct
from pathlib import Path

import pytest

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import FREEBSD_CHFLAGS, LINUX_INODE_FLAG_IOCTLS
from bsdulator.syscalls import fileflags

pytestmark = pytest.mark.unit

PROGRAMS = Path(__file__).resolve().parent / "freebsd_programs"
F = FREEBSD_CHFLAGS
EPERM, EOPNOTSUPP = FREEBSD_ERRNO["EPERM"], FREEBSD_ERRNO["EOPNOTSUPP"]


def unlock_tree(top: Path) -> None:
    """Clear Linux's inode flags and the flags xattr under top, so the tree can be removed."""
    for path in [top, *top.rglob("*")]:
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.ioctl(fd, LINUX_INODE_FLAG_IOCTLS["FS_IOC_SETFLAGS"], struct.pack("i", 0))
        except OSError:
            pass
        finally:
            os.close(fd)


@pytest.fixture
def work(tmp_path):
    yield tmp_path
    unlock_tree(tmp_path)


# -- the rules -------------------------------------------------------------------------


def test_unprivileged_callers_change_only_user_flags():
    assert fileflags.new_flags(F["SF_ARCHIVED"], F["UF_NODUMP"], False, -1) == (
        F["SF_ARCHIVED"] | F["UF_NODUMP"]
    )
    with pytest.raises(Exception) as e:
        fileflags.new_flags(0, F["SF_IMMUTABLE"], False, -1)
    assert e.value.errno == EPERM
    with pytest.raises(Exception) as e:  # a system lock freezes every flag for them
        fileflags.new_flags(F["SF_NOUNLINK"], F["SF_NOUNLINK"] | F["UF_NODUMP"], False, -1)
    assert e.value.errno == EPERM


def test_privileged_callers_obey_securelevel_and_the_snapshot_flag():
    assert fileflags.new_flags(F["SF_IMMUTABLE"], 0, True, 0) == 0
    with pytest.raises(Exception) as e:
        fileflags.new_flags(F["SF_IMMUTABLE"], 0, True, 1)
    assert e.value.errno == EPERM
    assert fileflags.new_flags(F["UF_IMMUTABLE"], F["SF_APPEND"], True, 1) == F["SF_APPEND"]
    with pytest.raises(Exception) as e:
        fileflags.new_flags(0, F["SF_SNAPSHOT"], True, -1)
    assert e.value.errno == EPERM


def test_unknown_flags_are_eopnotsupp_for_everyone():
    for privileged in (True, False):
        with pytest.raises(Exception) as e:
            fileflags.new_flags(0, 1 << 31, privileged, -1)
        assert e.value.errno == EOPNOTSUPP


def test_removal_rules():
    assert fileflags.removal_refused(F["UF_NOUNLINK"], 0)
    assert fileflags.removal_refused(F["SF_APPEND"], 0)
    assert fileflags.removal_refused(0, F["UF_APPEND"])
    assert fileflags.removal_refused(0, F["SF_IMMUTABLE"])
    assert not fileflags.removal_refused(F["UF_NODUMP"] | F["SF_ARCHIVED"], F["UF_NOUNLINK"])


@pytest.mark.parametrize(
    "path,parent",
    [(b"f", b"."), (b"a/b", b"a"), (b"a//b/", b"a"), (b"/f", b"/"), (b"/", b"/"), (b"a/", b".")],
)
def test_parent_path(path, parent):
    assert fileflags.parent_path(path) == parent


# -- from FreeBSD programs ------------------------------------------------------------

IMMUTABLE_FILE = dict.fromkeys(
    [
        "open-write",
        "open-append",
        "open-trunc",
        "truncate",
        "chmod",
        "chown",
        "utimes",
        "link",
        "rename-from",
        "rename-onto",
        "unlink",
    ],
    EPERM,
)
APPEND_FILE = IMMUTABLE_FILE | {"open-append": 0}  # ufs_open: appending is what it allows
NOUNLINK_FILE = dict.fromkeys(IMMUTABLE_FILE, 0) | dict.fromkeys(
    ["rename-from", "rename-onto", "unlink"], EPERM
)
# A directory: an immutable one refuses VWRITE (new entries too), an append-only one refuses
# removing entries, a nounlink one only its own removal.
IMMUTABLE_DIR = {"create": EPERM, "mkdir": EPERM, "unlink-in": EPERM, "rmdir": EPERM}
APPEND_DIR = {"create": 0, "mkdir": 0, "unlink-in": EPERM, "rmdir": EPERM}
NOUNLINK_DIR = {"create": 0, "mkdir": 0, "unlink-in": 0, "rmdir": EPERM}
BY_FLAG = {
    "uchg": (IMMUTABLE_FILE, IMMUTABLE_DIR),
    "schg": (IMMUTABLE_FILE, IMMUTABLE_DIR),
    "uappnd": (APPEND_FILE, APPEND_DIR),
    "sappnd": (APPEND_FILE, APPEND_DIR),
    "uunlnk": (NOUNLINK_FILE, NOUNLINK_DIR),
    "sunlnk": (NOUNLINK_FILE, NOUNLINK_DIR),
}


def _expected_ops() -> list[str]:
    lines = []
    for flag, (on_file, on_dir) in BY_FLAG.items():
        lines.append(f"{flag} file st_flags 1 1")
        lines += [f"{flag} file {op} {errno}" for op, errno in on_file.items()]
        lines.append(f"{flag} file cleared 1")
        lines += [f"{flag} dir {op} {errno}" for op, errno in on_dir.items()]
    return lines


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls(
    "chflags",
    "fstatat",
    "open",
    "openat",
    "truncate",
    "chmod",
    "chown",
    "utimes",
    "link",
    "rename",
    "unlink",
    "mkdir",
    "rmdir",
)
def test_each_flag_against_each_path_operation(bsd, freebsd_cc, work):
    program = freebsd_cc((PROGRAMS / "fflags_ops.c").read_text(), "fflags_ops")
    r = bsd(program, work)
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == _expected_ops()


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("chflagsat", "fstatat")  # the root's chflags(1) calls chflagsat
def test_the_roots_chflags_and_ls_show_flags(bsd, freebsd_root, work):
    (work / "f").write_text("")
    (work / "l").symlink_to("f")
    script = (
        "cd $1; chflags uchg,nodump f; chflags -h sunlnk l; ls -lo f l | awk '{print $5}';"
        " chflags -h nosunlnk l; chflags 0 f; ls -lo f | awk '{print $5}'"
    )
    r = bsd(freebsd_root / "bin" / "sh", "-c", script, "sh", work)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split() == ["uchg,nodump", "sunlnk", "-"]


RULES = [
    f"unlink-dir {EPERM}",  # kern_funlinkat: a directory is EPERM (POSIX), not EISDIR
    "link-follows 0 1",  # sys_link: FOLLOW, so the new name is the regular file
    f"lchflags 0 {F['UF_NOUNLINK']:#x} 0",
    f"unlink-locked-link {EPERM}",
    f"fchflags 0 {F['UF_NODUMP']:#x}",
    f"chflagsat-badflag {FREEBSD_ERRNO['EINVAL']}",
    f"chflagsat-nofollow 0 {F['UF_HIDDEN']:#x} {F['UF_NODUMP']:#x}",
    "chflagsat-empty 0 0",
    f"extattr-hidden {FREEBSD_ERRNO['ENOATTR']} {FREEBSD_ERRNO['ENOATTR']} 0",
    f"chflags-missing {FREEBSD_ERRNO['ENOENT']}",
    f"chflags-snapshot {EPERM}",
    f"user-not-owner {EPERM}",  # VADMIN
    f"user-own-uflag 0 {F['SF_ARCHIVED'] | F['UF_IMMUTABLE'] | F['UF_NODUMP']:#x}",
    f"user-own-sflag {EPERM}",
    f"user-own-clear 0 {F['SF_ARCHIVED']:#x}",  # the system flags stay
    f"user-system-locked {EPERM}",
    f"user-unknown {EOPNOTSUPP}",
    "root-clears-system 0 0",  # securelevel -1
]


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls(
    "chflags",
    "lchflags",
    "fchflags",
    "chflagsat",
    "fstat",
    "fstatat",
    "unlink",
    "link",
    "extattr_get_file",
    "extattr_set_file",
    "extattr_list_file",
)
def test_who_may_set_which_flags(bsd, freebsd_cc, work):
    program = freebsd_cc((PROGRAMS / "fflags_rules.c").read_text(), "fflags_rules")
    work.chmod(0o755)  # its unprivileged child works in it (by relative paths)
    r = bsd(program, work)
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == RULES


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("chflagsat")
def test_linux_sees_the_flags_it_has_too(bsd, freebsd_root, work):
    f = work / "f"
    f.write_text("")
    sh = freebsd_root / "bin" / "sh"
    assert bsd(sh, "-c", 'chflags uchg,nodump "$1"', "sh", f).returncode == 0
    immutable, nodump = (fileflags.LINUX_FL[n] for n in ("FS_IMMUTABLE_FL", "FS_NODUMP_FL"))
    assert _linux_inode_flags(f) & (immutable | nodump) == immutable | nodump
    with pytest.raises(PermissionError):  # the kernel itself refuses, for host programs too
        f.write_text("x")
    assert bsd(sh, "-c", 'chflags 0 "$1"', "sh", f).returncode == 0
    assert _linux_inode_flags(f) & (immutable | nodump) == 0
    f.write_text("x")


def _linux_inode_flags(path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    try:
        out = fcntl.ioctl(fd, LINUX_INODE_FLAG_IOCTLS["FS_IOC_GETFLAGS"], struct.pack("i", 0))
    finally:
        os.close(fd)
    return struct.unpack("i", out)[0]


@pytest.mark.e2e
@pytest.mark.root
@pytest.mark.syscalls("chflagsat")
@pytest.mark.parametrize(
    "params,expected",
    [
        # prison_priv_check: PRIV_VFS_SYSFLAGS only with allow.chflags; user flags always.
        ((), ["schg 1", "uchg 0", "noschg 1"]),
        (("allow.chflags",), ["schg 0", "uchg 0", "noschg 0"]),
        # securelevel_gt(cred, 0): a jail's securelevel locks the system flags set.
        (("allow.chflags", "securelevel=1"), ["schg 0", "uchg 1", "noschg 1"]),
    ],
)
def test_jailed_root_and_system_flags(bsd, freebsd_root, tmp_path, params, expected):
    # /var/tmp is the root's own, in the jail and in the unjailed view alike.
    name = f"/var/tmp/fflags-{os.getpid()}-{len(params)}"
    inside, locked = freebsd_root / name[1:], f"{name}-locked"
    inside.write_text("")
    (freebsd_root / locked[1:]).write_text("")
    assert bsd(freebsd_root / "bin" / "chflags", "schg", locked).returncode == 0
    script = (
        f"chflags schg {name}; echo schg $?;"
        f" chflags uchg {name}; echo uchg $?;"
        f" chflags noschg {locked}; echo noschg $?"
    )
    try:
        r = bsd(
            freebsd_root / "usr/sbin/jail",
            "-c",
            "name=fflags",
            f"path={freebsd_root}",
            *params,
            "command=/bin/sh",
            "-c",
            script,
            env={"BSDULATOR_STATE_DIR": str(tmp_path / "state")},
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().splitlines() == expected
    finally:
        for path in (inside, freebsd_root / locked[1:]):
            unlock_tree(path)
            path.unlink()


@pytest.mark.parametrize(
    "path,name", [(b"f", b"f"), (b"a/b/", b"b"), (b"/", b""), (b"a/.", b"."), (b"..", b"..")]
)
def test_last_component(path, name):
    assert fileflags.last_component(path) == name


def test_the_supervisor_reads_the_record_only_from_the_inode_the_program_found(work):
    f = work / "f"
    f.write_text("")
    st = os.stat(f)
    here = (st.st_dev, st.st_ino)
    cwd = fileflags.AT_FDCWD
    assert fileflags.kept_at(os.getpid(), cwd, bytes(f), True, here) == fileflags.Kept()
    assert fileflags.kept_at(os.getpid(), cwd, bytes(f), True, (st.st_dev, st.st_ino + 1)) is None
    assert fileflags.kept_at(os.getpid(), cwd, bytes(work / "missing"), True, here) is None


@pytest.mark.root
def test_the_record_round_trips(work):
    f = work / "f"
    f.write_text("")
    fd = os.open(f, os.O_PATH)
    try:
        record = fileflags.Kept(F["UF_NODUMP"], 0o700, (1000, 500))
        fileflags.store(os.getpid(), fd, record)
        assert fileflags.kept(os.getpid(), fd) == record
        st = os.stat(f)
        inode = (st.st_dev, st.st_ino)
        assert fileflags.kept_at(os.getpid(), fileflags.AT_FDCWD, bytes(f), True, inode) == record
        fileflags.store(os.getpid(), fd, fileflags.Kept())
        assert fileflags.XATTR not in os.listxattr(f)
    finally:
        os.close(fd)
