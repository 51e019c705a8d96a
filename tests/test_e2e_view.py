"""End-to-end: the full view (issue 12): the program runs from wherever it lies, host paths a
user passes work, the program names itself as given, the environment passes through unchanged,
and /dev/std*, /dev/fd/N are FreeBSD's (fdescfs: open is a dup of the descriptor)."""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from helpers import PROGRAMS

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]


def _lacking(root: Path) -> list[Path]:
    """Host directories the root lacks (so the full view shows them) that a test may write in."""
    found = [Path(d) for d in ("/srv", "/home", "/opt", "/mnt") if os.path.isdir(d)]
    return [d for d in found if not any((root / d.name).glob("*"))]


@pytest.fixture
def host_dirs(freebsd_root):
    """Two fresh directories under host directories the root lacks, removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root: makes directories under /srv, /home …")
    places = _lacking(freebsd_root)
    if not places:
        pytest.skip("the host has none of /srv, /home, /opt, /mnt that the root lacks")
    made = [
        Path(tempfile.mkdtemp(prefix="bsdu-view-", dir=places[i % len(places)])) for i in (0, 1)
    ]
    yield made
    for d in made:
        shutil.rmtree(d)


@pytest.fixture(scope="module")
def view_self(freebsd_cc):
    return freebsd_cc((PROGRAMS / "view_self.c").read_text(), "view_self")


def test_program_runs_from_a_host_directory_the_root_lacks(bsd, freebsd_root, host_dirs):
    echo = host_dirs[0] / "x" / "echo"
    echo.parent.mkdir()
    shutil.copy(freebsd_root / "bin/echo", echo)
    r = bsd("--root", freebsd_root, echo, "hi", cwd="/")
    assert (r.returncode, r.stdout, r.stderr) == (0, b"hi\n", b"")


def test_minimal_view_keeps_refusing_paths_outside(bsd, freebsd_root, host_dirs):
    echo = host_dirs[0] / "echo"
    shutil.copy(freebsd_root / "bin/echo", echo)
    r = bsd("--root", freebsd_root, "--view", "minimal", echo, "hi", cwd="/")
    assert r.returncode == 2 and r.stdout == b""
    assert r.stderr.splitlines() == [
        f"bsdulator: {echo}: outside both the FreeBSD root and the current directory".encode()
    ]
    r = bsd("--root", freebsd_root, "--view", "wide", echo, cwd="/")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and b"--view" in r.stderr


@pytest.mark.syscalls("open", "openat", "write", "read")
def test_tar_between_host_directories(bsd, freebsd_root, host_dirs):
    out, src = host_dirs
    (src / "dir").mkdir()
    (src / "dir" / "f").write_text("data\n")
    archive = out / "t" / "a.tar"
    archive.parent.mkdir()
    r = bsd(freebsd_root / "usr/bin/tar", "-cf", archive, "-C", src, "dir", cwd="/")
    assert r.returncode == 0, r.stderr
    with tarfile.open(archive) as t:
        assert sorted(m.name.rstrip("/") for m in t.getmembers()) == ["dir", "dir/f"]
        assert t.extractfile("dir/f").read() == b"data\n"


def test_program_in_a_directory_the_root_hides_is_bound_in(bsd, freebsd_root):
    """/root collides with the root's own /root: the program's own directory is bound in."""
    if os.geteuid() != 0 or not any((freebsd_root / "root").iterdir()):
        pytest.skip("needs root, and a root with a /root of its own")
    d = Path(tempfile.mkdtemp(prefix="bsdu-view-", dir="/root"))
    try:
        shutil.copy(freebsd_root / "bin/echo", d / "echo")
        r = bsd("--root", freebsd_root, d / "echo", "hidden", cwd="/")
        assert (r.returncode, r.stdout, r.stderr) == (0, b"hidden\n", b"")
    finally:
        shutil.rmtree(d)
        mountpoint = freebsd_root / "root" / d.name
        if mountpoint.is_dir():
            mountpoint.rmdir()


@pytest.mark.syscalls("__sysctl")
def test_program_names_itself_as_given(bsd, freebsd_root, host_dirs, view_self):
    """argv[0], AT_EXECPATH and kern.proc.pathname: the absolute path as given; a relative
    one keeps argv[0] and has the full path in the other two (FreeBSD's vn_fullpath)."""
    prog = host_dirs[0] / "self"
    shutil.copy(view_self, prog)
    r = bsd("--root", freebsd_root, prog, cwd="/")
    assert r.stdout.decode().splitlines() == [str(prog)] * 3, r.stderr
    r = bsd("--root", freebsd_root, f"./{prog.name}", cwd=prog.parent)
    assert r.stdout.decode().splitlines() == [f"./{prog.name}", str(prog), str(prog)], r.stderr


@pytest.mark.syscalls("__sysctl")
def test_symlink_in_the_program_path_resolves_inside_the_root(bsd, freebsd_root, view_self):
    """usr/bin/pgrep -> /bin/pgrep names the root's pgrep, not the host's; AT_EXECPATH is the
    path as given (FreeBSD keeps an absolute one), kern.proc.pathname the file run."""
    r = bsd(freebsd_root / "usr/bin/pgrep", "-x", "no-such-program-name")
    assert (r.returncode, r.stdout, r.stderr) == (1, b"", b"")  # FreeBSD pgrep: no match
    target = freebsd_root / "usr/libexec/bsdu-view-self"
    link = freebsd_root / "usr/bin/bsdu-view-self"
    shutil.copy(view_self, target)
    try:
        link.symlink_to("/usr/libexec/bsdu-view-self")
        r = bsd(link)
        assert r.stdout.decode().splitlines() == [
            str(link),
            str(link),
            "/usr/libexec/bsdu-view-self",
        ], r.stderr
    finally:
        link.unlink(missing_ok=True)
        target.unlink()


def test_environment_passes_through_unchanged(freebsd_root, bsd):
    """No LC_CTYPE from Python's locale coercion (the caller set no locale)."""
    given = {"PATH": "/bin:/usr/bin", "HOME": "/", "FOO": "bar baz"}
    r = subprocess.run(
        [sys.executable, "-m", "bsdulator", freebsd_root / "usr/bin/env"],
        cwd=REPO,
        env=given,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.decode().splitlines()) == sorted(f"{k}={v}" for k, v in given.items())


@pytest.mark.syscalls("open", "read", "write")
def test_dev_stdin_stdout_and_fd(bsd, freebsd_root, tmp_path):
    sh = freebsd_root / "bin/sh"
    r = bsd(sh, "-c", "echo x > /dev/stdout; cat /dev/stdin", input=b"in\n")
    assert (r.returncode, r.stdout, r.stderr) == (0, b"x\nin\n", b"")
    r = bsd(sh, "-c", "cat /dev/fd/0; echo err > /dev/stderr", input=b"zero\n")
    assert (r.returncode, r.stdout, r.stderr) == (0, b"zero\n", b"err\n")
    # Any descriptor, as fdescfs has it: 5 is a dup of stdout, 7 is not open (EBADF).
    r = bsd(sh, "-c", "echo five 5>&1 >/dev/fd/5; cat /dev/fd/7")
    assert r.stdout == b"five\n"
    assert r.returncode == 1 and b"/dev/fd/7: Bad file descriptor" in r.stderr
    # A dup shares the offset: cat goes on where read stopped (a reopen would start again).
    f = tmp_path / "lines"
    f.write_text("first\nsecond\n")
    r = bsd(sh, "-c", f"{{ read x; cat /dev/stdin; }} < {f}")
    assert (r.returncode, r.stdout) == (0, b"second\n")
