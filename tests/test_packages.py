"""Real third-party FreeBSD applications (../shared/freebsd/freebsd10-packages.txz: FreeBSD 10.2
packages of python 2.7, perl 5.20, git, sqlite3, rsync, curl, xmllint, p7zip) laid over the test
root as its PROVENANCE.md says, each doing one real job.  Expected values are the jobs' own
(well-known digests and check values of standards, the files the test wrote), never the host's.
"""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[1]
PACKAGES = Path(
    os.environ.get(
        "FREEBSD_PACKAGES", REPO.parent / "shared" / "freebsd" / "freebsd10-packages.txz"
    )
)
MD5_ABC = "900150983cd24fb0d6963f7d28e17f72"  # RFC 1321's test suite: MD5("abc")
CRC32_CHECK = 0xCBF43926  # CRC-32 of "123456789", the algorithm's published check value
GIT_BLOB_HELLO = "ce013625030ba8dba906f756967f9e9ca394464a"  # sha1("blob 6\0hello\n")


@pytest.fixture(scope="session")
def pkg_root(freebsd_root, bsd, tmp_path_factory) -> Path:
    """A copy of the root (hard links) with the packages extracted over it and the run-time
    linker's hints for /usr/local/lib written by the root's own `ldconfig -m`."""
    if not PACKAGES.is_file():
        pytest.skip(f"no FreeBSD packages at {PACKAGES} (set FREEBSD_PACKAGES)")
    root = tmp_path_factory.mktemp("pkgroot") / "root"
    shutil.copytree(freebsd_root, root, symlinks=True, copy_function=os.link)
    with tarfile.open(PACKAGES) as archive:
        archive.extractall(root, filter="tar")
    r = bsd("--root", root, root / "sbin/ldconfig", "-m", "/usr/local/lib")
    assert r.returncode == 0, r.stderr
    return root


@pytest.fixture
def run(pkg_root, tmp_path):
    """run(program, *args) -> CompletedProcess (text) of a package program, in tmp_path."""

    def go(program: str, *args, input=None, timeout=120):
        args = [str(a) for a in args]
        if program.startswith("/usr/local/bin/7z"):  # p7zip's 7z/7za are sh scripts
            argv = [pkg_root / "bin/sh", program]
        else:
            argv = [pkg_root / program.lstrip("/")]
        return subprocess.run(
            [sys.executable, "-m", "bsdulator", "--root", pkg_root, *argv, *args],
            cwd=tmp_path,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ, LC_ALL="C"),
        )

    return go


@pytest.mark.syscalls("thr_new", "socketpair")
def test_python27_runs_threads_subprocesses_and_its_c_modules(run):
    script = (
        "import json, hashlib, subprocess, threading, socket, zlib, os\n"
        "print(json.dumps({'a': [1, 2]}, sort_keys=True))\n"
        "print(hashlib.md5(b'abc').hexdigest())\n"
        "print(zlib.crc32(b'123456789') & 0xffffffff)\n"
        "print(subprocess.check_output(['/bin/echo', 'from a child']).strip())\n"
        "seen = []\n"
        "threads = [threading.Thread(target=seen.append, args=(i,)) for i in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(sorted(seen))\n"
        "a, b = socket.socketpair(); a.sendall(b'ping'); print(b.recv(4))\n"
        "print(os.uname()[0])\n"
    )
    r = run("/usr/local/bin/python2.7", "-c", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        '{"a": [1, 2]}',
        MD5_ABC,
        str(CRC32_CHECK),
        "from a child",
        "[0, 1, 2, 3]",
        "ping",
        "FreeBSD",
    ]


@pytest.mark.syscalls("fork", "wait4")
def test_perl_digests_matches_and_forks(run):
    script = (
        'use Digest::MD5 qw(md5_hex); print md5_hex("abc"), "\\n";'
        '$_ = "a1b22c333"; my @m = /(\\d+)/g; print "@m\\n";'
        'my $pid = fork; if ($pid == 0) { exit 7 } waitpid($pid, 0); print $? >> 8, "\\n";'
        'print "$^O\\n";'
    )
    r = run("/usr/local/bin/perl", "-e", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [MD5_ABC, "1 22 333", "7", "freebsd"]


def test_sqlite3_keeps_a_database_file(run, tmp_path):
    db = tmp_path / "t.db"
    r = run("/usr/local/bin/sqlite3", db, "create table t(x); insert into t values (1), (2), (3);")
    assert r.returncode == 0, r.stderr
    r = run("/usr/local/bin/sqlite3", db, "select sum(x), count(*) from t; pragma integrity_check;")
    assert (r.returncode, r.stdout.splitlines()) == (0, ["6|3", "ok"]), r.stderr


def test_git_commits_and_reads_its_history(run, tmp_path):
    (tmp_path / "hello.txt").write_text("hello\n")
    r = run("/usr/local/bin/git", "hash-object", "hello.txt")
    assert r.stdout.strip() == GIT_BLOB_HELLO, r.stderr
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for args in (["init", "-q"], ["add", "hello.txt"], [*ident, "commit", "-q", "-m", "first"]):
        r = run("/usr/local/bin/git", *args)
        assert r.returncode == 0, (args, r.stderr)
    log = run("/usr/local/bin/git", "log", "--format=%s %an")
    assert log.stdout.splitlines() == ["first Test"], log.stderr
    assert run("/usr/local/bin/git", "status", "--porcelain").stdout == ""
    shown = run("/usr/local/bin/git", "show", "HEAD:hello.txt")
    assert shown.stdout == "hello\n"


def test_rsync_copies_a_tree(run, tmp_path):
    (tmp_path / "src/d").mkdir(parents=True)
    (tmp_path / "src/a").write_text("one\n")
    (tmp_path / "src/d/b").write_text("two\n")
    os.chmod(tmp_path / "src/d/b", 0o640)
    r = run("/usr/local/bin/rsync", "-a", "src/", "dst/")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "dst/a").read_text() == "one\n"
    assert (tmp_path / "dst/d/b").read_text() == "two\n"
    assert (tmp_path / "dst/d/b").stat().st_mode & 0o777 == 0o640
    again = run("/usr/local/bin/rsync", "-ai", "src/", "dst/")
    assert (again.returncode, again.stdout) == (0, "")  # nothing left to copy


def test_curl_reads_a_file_url(run, tmp_path):
    (tmp_path / "page").write_text("served\n")
    r = run("/usr/local/bin/curl", "-s", f"file://{tmp_path}/page")
    assert (r.returncode, r.stdout) == (0, "served\n"), r.stderr


def test_xmllint_evaluates_xpath_and_rejects_bad_xml(run, tmp_path):
    (tmp_path / "good.xml").write_text("<a><b>text</b><b>more</b></a>\n")
    (tmp_path / "bad.xml").write_text("<a><b>\n")
    r = run("/usr/local/bin/xmllint", "--xpath", "count(/a/b)", "good.xml")
    assert (r.returncode, r.stdout) == (0, "2"), r.stderr
    r = run("/usr/local/bin/xmllint", "--noout", "bad.xml")
    assert r.returncode != 0 and "parser error" in r.stderr


def test_p7zip_archives_and_extracts(run, tmp_path):
    (tmp_path / "src/d").mkdir(parents=True)
    (tmp_path / "src/d/file").write_text("packed and unpacked\n" * 100)
    r = run("/usr/local/bin/7za", "a", "-bd", "t.7z", "src")
    assert r.returncode == 0 and "Everything is Ok" in r.stdout, r.stderr + r.stdout
    (tmp_path / "out").mkdir()
    r = run("/usr/local/bin/7za", "x", "-bd", "-oout", "t.7z")
    assert r.returncode == 0, r.stderr + r.stdout
    assert (tmp_path / "out/src/d/file").read_text() == "packed and unpacked\n" * 100
    listing = run("/usr/local/bin/7za", "l", "t.7z")
    assert "src/d/file" in listing.stdout
