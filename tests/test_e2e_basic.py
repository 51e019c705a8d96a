"""End-to-end: real FreeBSD programs from the root, run through bsdulator (issue 4's acceptance)."""

import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import time

import pytest

from helpers import wait_until

pytestmark = pytest.mark.e2e


def test_echo(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/echo", "hello")
    assert (r.returncode, r.stdout, r.stderr) == (0, b"hello\n", b"")


@pytest.mark.syscalls("geteuid")
def test_explicit_loader_form(bsd, freebsd_root):
    r = bsd(freebsd_root / "libexec/ld-elf.so.1", freebsd_root / "bin/echo", "hello")
    assert (r.returncode, r.stdout) == (0, b"hello\n")


def test_relative_program_path(bsd, freebsd_root):
    r = bsd("./freebsd-root/bin/echo", "hi", cwd=freebsd_root.parent)
    assert (r.returncode, r.stdout) == (0, b"hi\n")


@pytest.mark.syscalls("freebsd11_stat")
def test_shell_pipeline_and_exit_status(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/sh", "-c", "echo a b c | wc -w; ls /etc | grep -c passwd; exit 7")
    native = subprocess.run(
        f"ls {freebsd_root}/etc | grep -c passwd", shell=True, capture_output=True
    ).stdout
    assert r.returncode == 7
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "       3"  # FreeBSD wc's %8d padding
    assert lines[1] == native.decode().strip()


@pytest.mark.syscalls("fchdir", "freebsd11_fstatat", "getdirentries", "lpathconf")
def test_root_is_the_view_of_slash(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/cat", "/etc/passwd")
    assert r.returncode == 0
    assert r.stdout == (freebsd_root / "etc/passwd").read_bytes()
    assert b"toor" in r.stdout
    r = bsd(freebsd_root / "bin/ls", "-la", "/")
    names = {line.split()[-1] for line in r.stdout.decode().splitlines()[1:]}
    assert {"bin", "etc", "lib", "libexec", "usr", "COPYRIGHT"} <= names
    assert r.returncode == 0


@pytest.mark.syscalls("__getcwd", "freebsd11_fstat")
def test_host_tmp_and_cwd_stay_reachable(bsd, freebsd_root, tmp_path):
    (tmp_path / "hostfile").write_text("from the host\n")
    r = bsd(freebsd_root / "bin/cat", tmp_path / "hostfile")
    assert r.stdout == b"from the host\n"
    r = bsd(freebsd_root / "bin/sh", "-c", "pwd", cwd=tmp_path)
    assert r.stdout.decode().strip() == str(tmp_path)


@pytest.mark.syscalls(
    "chmod",
    "dup",
    "fchown",
    "fpathconf",
    "freebsd11_fstatfs",
    "freebsd11_lstat",
    "futimes",
    "lchmod",
    "lchown",
    "lutimes",
    "symlink",
    "umask",
)
def test_tar_round_trip(bsd, freebsd_root, tmp_path):
    archive = tmp_path / "etc.tgz"
    r = bsd(freebsd_root / "usr/bin/tar", "-czf", archive, "-C", freebsd_root, "etc")
    assert r.returncode == 0, r.stderr
    with tarfile.open(archive) as t:
        listed = {m.name.rstrip("/") for m in t.getmembers()}
    expected = {str(p.relative_to(freebsd_root)) for p in (freebsd_root / "etc").rglob("*")} | {
        "etc"
    }
    assert listed == expected
    out = tmp_path / "out"
    out.mkdir()
    r = bsd(freebsd_root / "usr/bin/tar", "-xzf", archive, "-C", out)
    assert r.returncode == 0, r.stderr
    diff = subprocess.run(
        ["diff", "-r", "--no-dereference", out / "etc", freebsd_root / "etc"], capture_output=True
    )
    assert diff.returncode == 0, diff.stdout[:2000]


@pytest.mark.syscalls("__sysctl", "pread")
def test_uname_sysctl_date_id_env(bsd, freebsd_root):
    assert bsd(freebsd_root / "usr/bin/uname", "-s").stdout == b"FreeBSD\n"
    r = bsd(freebsd_root / "sbin/sysctl", "kern.ostype", "hw.ncpu")
    assert r.stdout.decode().splitlines() == [
        "kern.ostype: FreeBSD",
        f"hw.ncpu: {len(os.sched_getaffinity(0))}",
    ]
    year = subprocess.run(["date", "+%Y"], capture_output=True).stdout
    assert bsd(freebsd_root / "bin/date", "+%Y").stdout == year
    if os.geteuid() == 0:
        assert bsd(freebsd_root / "usr/bin/id", "-un").stdout == b"root\n"
    r = bsd(freebsd_root / "usr/bin/env", "FOO=1", "/usr/bin/env")
    assert b"FOO=1\n" in r.stdout


@pytest.mark.syscalls("__sysctl")
def test_sysctl_listing(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/sh", "-c", "sysctl -a | head -5")
    assert r.returncode == 0
    assert len(r.stdout.splitlines()) == 5
    assert r.stdout.startswith(b"kern.ostype: FreeBSD\n")


@pytest.mark.syscalls("getegid", "getgid", "getuid")
def test_death_by_signal_is_passed_on(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/sh", "-c", "kill -USR1 $$")
    assert r.returncode == -signal.SIGUSR1


@pytest.mark.syscalls("freebsd11_stat")
def test_exit_status_is_passed_on(bsd, freebsd_root):
    assert bsd(freebsd_root / "bin/sh", "-c", "exit 42").returncode == 42


def test_linux_elf_is_refused(bsd):
    r = bsd("/bin/ls")
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and b"not a FreeBSD/amd64 program" in r.stderr


def test_missing_root_is_refused(bsd):
    r = bsd("--root", "/nonexistent", "./x")
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and b"freebsd-root-fetch.sh" in r.stderr


def test_missing_program(bsd, freebsd_root):
    r = bsd("--root", freebsd_root, "/no/such/program")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and b"not found" in r.stderr


def test_trace_is_truss_style(bsd, freebsd_root):
    r = bsd("--trace", freebsd_root / "bin/sh", "-c", "echo hi")
    lines = r.stderr.decode().splitlines()
    assert any(
        line.startswith('write(1,"hi\\n",3)') and line.endswith("= 3 (0x3)") for line in lines
    )
    assert any("ERR#2 'No such file or directory'" in line for line in lines)
    r = bsd("--trace", freebsd_root / "bin/echo", "hi")
    assert any(line.startswith("writev(1,") for line in r.stderr.decode().splitlines())


SOCKLEN_PROGRAM = r"""
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
int main(void) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0), one = 1;
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, "/nonexistent/socket");
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    return connect(s, (struct sockaddr *)&sun, sizeof sun) == 0;
}
"""


@pytest.mark.syscalls("setsockopt")
def test_trace_prints_socket_lengths_as_numbers(bsd, freebsd_cc):
    """A __socklen_t argument is a length, printed in decimal like the other integers (SOL_SOCKET
    0xffff, SO_REUSEADDR 4 and sizeof(struct sockaddr_un) 106 are FreeBSD's <sys/socket.h> and
    <sys/un.h>)."""
    r = bsd("--trace", freebsd_cc(SOCKLEN_PROGRAM, "socklen"))
    lines = r.stderr.decode().splitlines()
    assert any(re.match(r"setsockopt\(\d+,65535,4,\S+,4\) +=", line) for line in lines), lines
    assert any(re.match(r"connect\(\d+,0x[0-9a-f]+,106\) +ERR#2 ", line) for line in lines), lines


def test_coverage_report(bsd):
    r = bsd("--coverage", "--format", "json")
    data = json.loads(r.stdout)
    assert data["counts"]["native"] > 50
    assert {"number", "name", "support", "note"} <= set(data["syscalls"][0])
    md = bsd("--coverage", "--format", "markdown").stdout.decode()
    assert md.startswith("# bsdulator syscall coverage") and "| 4 | `write` |" in md


def test_background_program_outlives_the_leader(bsd, freebsd_root, tmp_path):
    """The leader's exit frees the caller at once; its background child is still served."""
    marker = tmp_path / "late"
    start = time.monotonic()
    r = bsd(
        freebsd_root / "bin/sh",
        "-c",
        f"(sleep 1; echo late > {marker}) >/dev/null 2>&1 & echo started",
    )
    assert (r.returncode, r.stdout) == (0, b"started\n")
    assert time.monotonic() - start < 1.0 + 0.9  # not held until the sleep ends
    wait_until(lambda: marker.exists() and marker.read_text() == "late\n", 6)
    assert marker.read_text() == "late\n"


@pytest.mark.syscalls("dup2")
def test_sigpipe_has_its_default_action(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/sh", "-c", "yes | head -2")
    assert (r.returncode, r.stdout) == (0, b"y\ny\n")


def _sleeping_descendant(ancestor: int, comm: str) -> bool:
    """Whether a process below ancestor runs comm and sleeps (state S: started, not at a ptrace
    stop)."""
    parents, sleeping = {}, set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                name, rest = f.read().split(" (", 1)[1].rsplit(") ", 1)
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, ppid = rest.split()[:2]
        parents[int(entry)] = int(ppid)
        if name == comm and state == "S":
            sleeping.add(int(entry))
    for pid in sleeping:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == ancestor:
                return True
    return False


@pytest.mark.syscalls("nanosleep", "sigaction")
def test_sigterm_to_bsdulator_reaches_the_program(bsd, freebsd_root):
    p = subprocess.Popen([sys.executable, "-m", "bsdulator", freebsd_root / "bin/sleep", "30"])
    assert wait_until(lambda: _sleeping_descendant(p.pid, "sleep"), 20), (
        "the FreeBSD sleep never went to sleep"
    )
    p.terminate()
    assert p.wait(timeout=10) == -signal.SIGTERM


TLS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
static __thread int counter = 41;
static __thread char word[8] = "tls";
int main(int argc, char **argv) {
    counter++;
    printf("%d %s %s\n", counter, word, strrchr(argv[0], '/') + 1);
    return 0;
}
"""


@pytest.mark.parametrize("pie", [False, True], ids=["fixed-address", "position-independent"])
def test_program_with_its_own_tls(bsd, freebsd_cc, pie):
    """Thread-local storage in the executable itself: rtld finds its initial image where
    FreeBSD's kernel loader put it (rtld's direct-exec mode would look 0x1000000 off for a
    fixed-address program)."""
    flags = ["-fPIE", "-pie"] if pie else ["-fno-pie", "-no-pie"]
    exe = freebsd_cc(TLS_PROGRAM, "tls-pie" if pie else "tls", *flags)
    r = bsd(exe)
    assert r.returncode == 0 and r.stdout == f"42 tls {exe.name}\n".encode(), r.stderr


@pytest.mark.syscalls("vfork")
def test_process_table_shows_the_program_itself(bsd, freebsd_root):
    """ps sees a FreeBSD program's own name and command line, as on FreeBSD."""
    script = "/bin/ps -ww -o comm= -o args= -p $$; true"
    r = bsd(freebsd_root / "bin/sh", "-c", script)
    comm, args = r.stdout.decode().strip().split(None, 1)
    assert (comm, args) == ("sh", f"{freebsd_root / 'bin/sh'} -c {script}"), r.stderr
