"""The rest of FreeBSD's process model from FreeBSD programs: rfork and posix_spawn, sigqueue and
sigwait*, wait6, credentials on unix sockets, cpusets, resource limits, procctl, ptys, login
names.  Expected values are FreeBSD's (kern_fork.c, kern_sig.c, kern_exit.c, the man pages)."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def _lines(bsd, program, *args) -> list[str]:
    r = bsd(program, *args)
    assert r.returncode == 0 and b"internal error" not in r.stderr, (r.stdout, r.stderr)
    return r.stdout.decode().splitlines()


@pytest.mark.syscalls("rfork", "execve", "wait4")
def test_rfork_and_posix_spawn(bsd, freebsd_programs, tmp_path):
    """posix_spawn is rfork_thread(RFSPAWN): file actions run in the child, errors of the exec
    come back as posix_spawn's result; every rfork form libc uses, and fork1's EINVAL checks; an
    RFSPAWN child's caught signals are SIG_DFL (FR2_DROPSIG_CAUGHT: SIGUSR1 30 ends it)."""
    out = tmp_path / "stderr.txt"
    lines = _lines(bsd, freebsd_programs("proc_spawn")["proc_spawn"], out)
    assert lines == [
        "from fd 3",
        "posix_spawn: exit 5",
        "file: spawned sh",
        "spawnp found echo",
        "posix_spawnp: exit 0",
        "posix_spawn missing: ENOENT",
        "rfork(RFPROC|RFFDG): exit 3",
        "shared table: fcntl after the child's close = -1 errno 9",
        "RFMEM: exit 4, the child's store seen: 42",
        "RFSPAWN: child saw SIG_DFL 1, ended by signal 30; the parent keeps its handler 1",
        "rfork(RFCFDG) in a child: exit 9",
        # EINVAL: RFSPAWN with others, RFFDG|RFCFDG, Plan 9's RFNAMEG, kernel-only RFSTOPPED,
        # a signal without RFTSIGZMB, a signal above _SIG_MAXSIG
        "rfork(0x80000010) = -1 errno 22",
        "rfork(0x1014) = -1 errno 22",
        "rfork(0x11) = -1 errno 22",
        "rfork(0x20010) = -1 errno 22",
        "rfork(0x1e00010) = -1 errno 22",
        "rfork(0xc880010) = -1 errno 22",
    ]


@pytest.mark.syscalls("sigqueue", "sigwaitinfo", "sigtimedwait", "sigwait", "sigaction")
def test_sigqueue_and_sigwait(bsd, freebsd_programs):
    """FreeBSD's siginfo from a queued signal (SI_QUEUE 0x10002, si_value, si_pid, si_uid),
    realtime signals queued in order, sigtimedwait's EAGAIN and EINVAL, sigwait's result-not-errno
    (EFAULT 14 for a bad set), sigqueue's EINVAL/ESRCH, __SIGQUEUE_TID, and a handler's siginfo."""
    assert _lines(bsd, freebsd_programs("proc_sigqueue")["proc_sigqueue"])[:-1] == [
        "sigwaitinfo 30 code 0x10002 value 1234 pid-is-me 1 uid-is-mine 1",
        "queued 1: signal 65 value 1",
        "queued 2: signal 65 value 2",
        "queued 3: signal 65 value 3",
        "sigtimedwait timeout = -1 errno 35",
        "sigtimedwait bad nsec = -1 errno 22",
        "sigwait = 0 sig 31",
        "raw sigwait, bad set = 14",
        "sigqueue(0) = -1 errno 22",
        "sigqueue(sig 200) = -1 errno 22",
        "sigqueue(no such pid) = -1 errno 3",
        "sigqueue(sig 0) = 0",
        "to my thread: signal 30 value 5",
        "from the child: signal 31 value 99 pid-is-child 1",
        "handler: value 77 code 0x10002",
    ]


@pytest.mark.syscalls(
    "getrlimit", "setrlimit", "cpuset", "cpuset_getid", "cpuset_setid", "fork", "wait4"
)
def test_rlimits_and_cpuset_ids(bsd, freebsd_programs):
    """getrlimit/setrlimit past RLIM_NLIMITS are EINVAL; a soft limit above the hard one is
    lowered to it, a negative one is RLIM_INFINITY, descriptors stop at kern.maxfilesperproc
    (kern_proc_setrlimit).  cpuset ids as kern_cpuset.c gives them: 1 is the default (root) set,
    cpuset() makes a new one a fork child inherits."""
    assert _lines(bsd, freebsd_programs("proc_limits")["proc_limits"])[:-1] == [
        "getrlimit(RLIM_NLIMITS) = -1 errno 22",
        "getrlimit(-1) = -1 errno 22",
        "setrlimit(99) = -1 errno 22",
        "setrlimit(cur > max) = 0",
        "core: cur 2048 max 2048",
        "setrlimit(NOFILE, negative) = 0",
        "nofile: cur 11088 max 11088",
        "kqueues unlimited: 1",
        "pid root = 0 errno 0 set 1",
        "pid cpuset = 0 errno 0 set 1",
        "pid which = -1 errno 22 set -5",
        "tid cpuset = 0 errno 0 set 1",
        "set 1 = 0 errno 0 set 1",
        "set 0 root = 0 errno 0 set 0",
        "no such set = -1 errno 3 set -5",
        "irq = -1 errno 22 set -5",
        "no such pid = -1 errno 3 set -5",
        "new set is new: 1",
        "caller moved: 1",
        "its root: 1",
        "child inherits: 1",
        "setid back to 1 = 0",
        "now in 1",
        "setid of a thread = -1 errno 22",
        "setid no such set = -1 errno 3",
    ]


@pytest.mark.syscalls("wait6", "fork", "kill", "setpgid")
def test_wait6(bsd, freebsd_programs):
    """kern_wait6: P_PID, P_PGID, P_ALL (id 0 with P_PID/P_PGID is the caller's group), WEXITED,
    WSTOPPED, WCONTINUED, WNOWAIT, WNOHANG (status left alone, siginfo zeroed); FreeBSD's siginfo
    (SIGCHLD 20, CLD_* codes, si_status a FreeBSD signal: SIGSTOP 17, SIGCONT 19) and status
    words; unknown options or none of the events EINVAL; idtypes matching no child ECHILD."""
    assert _lines(bsd, freebsd_programs("proc_wait6")["proc_wait6"])[:-1] == [
        "P_PID exit 7: ret-is-pid 1 status 0x700 signo 20 code 1 status 7 pid-ok 1 uid-ok 1",
        "rusage: maxrss>0 1",
        "P_ALL SIGTERM: ret-is-pid 1 status 0xf signo 20 code 2 status 15 pid-ok 1 uid-ok 1",
        "WNOWAIT: ret-is-pid 1 status 0x300 signo 20 code 1 status 3 pid-ok 1 uid-ok 1",
        "P_PGID after WNOWAIT: ret-is-pid 1 status 0x300 signo 20 code 1 status 3 pid-ok 1 "
        "uid-ok 1",
        "again = -1 errno 10",
        "WNOHANG: ret 0 status untouched 1 signo 0 pid 0",
        "WSTOPPED: ret-is-pid 1 status 0x117f signo 20 code 5 status 17 pid-ok 1 uid-ok 1",
        "WIFSTOPPED 1 WSTOPSIG 17",
        "WCONTINUED: ret-is-pid 1 status 0x13 signo 20 code 6 status 19 pid-ok 1 uid-ok 1",
        "WIFCONTINUED 1",
        "exit 0: ret-is-pid 1 status 0 signo 20 code 1 status 0 pid-ok 1 uid-ok 1",
        "no events = -1 errno 22",
        "unknown option = -1 errno 22",
        "P_PID 0, my group has no child = -1 errno 10",
        "P_PID -1 = -1 errno 10",
        "P_PPID = -1 errno 10",
        "P_LWPID = -1 errno 10",
        "P_PGID 0, the child in a group of its own = -1 errno 10",
        "reaped: 1",
        "P_PID 0, my group: ret-is-pid 1 status 0x600 signo 20 code 1 status 6 pid-ok 1 uid-ok 1",
    ]


@pytest.mark.syscalls("posix_openpt", "ioctl", "open")
def test_pty_calls(bsd, freebsd_programs):
    """posix_openpt's EINVAL for flags other than O_RDWR|O_NOCTTY|O_CLOEXEC; grantpt/unlockpt
    (TIOCPTMASTER) EINVAL on no master and EBADF on no descriptor; ptsname and ttyname
    (FIODGNAME: /dev/pts/N on either end, EINVAL when the name does not fit, ENOTTY 25 on a
    file); data through the pair; a session leader's open of a tty does not make it the
    controlling terminal (ENXIO 6 for /dev/tty), TIOCSCTTY does."""
    assert _lines(bsd, freebsd_programs("proc_pty")["proc_pty"])[:-1] == [
        "posix_openpt(O_RDWR|O_APPEND) = -1 errno 22",
        "cloexec 1",
        "grantpt 0 unlockpt 0",
        "ptsname under /dev/pts/: 1",
        "ttyname(slave) is ptsname: 1",
        "ttyname(master) is ptsname: 1",
        "grantpt(slave) = -1 errno 22",
        "ptsname(slave) null 1 errno 22",
        "unlockpt(closed) = -1 errno 9",
        "slave read 4: ping",
        "master read 4: pong",
        "FIODGNAME small buffer = -1 errno 22",
        "FIODGNAME /dev/null = 0 null",
        "FIODGNAME of a file = -1 errno 25",
        "TIOCPTMASTER of a file = -1 errno 25",
        "TIOCPTMASTER of the master = 0",
        "session leader's open: /dev/tty errno 6; after TIOCSCTTY errno 0",
    ]


@pytest.mark.syscalls("posix_openpt", "ioctl", "setsid", "select")
def test_script_records_a_session_on_a_pty(bsd, freebsd_root, tmp_path):
    """The root's script(1): openpty, login_tty (setsid, TIOCSCTTY) in the child, the session
    copied to the file; `tty` inside names the pty (ttyname through FIODGNAME)."""
    out = tmp_path / "typescript"
    r = bsd(
        freebsd_root / "usr/bin/script",
        "-q",
        out,
        "/bin/sh",
        "-c",
        "tty; echo ok",
        input=b"",
    )
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    assert re.fullmatch(rb"/dev/pts/\d+\r\nok\r\n", out.read_bytes()), out.read_bytes()
    assert r.stdout == out.read_bytes()


PACKAGES = REPO.parent / "shared/freebsd/freebsd10-packages.txz"


@pytest.fixture
def tmux_root(freebsd_root, tmp_path) -> Path:
    """A copy of the root (hard links) with tmux and libevent from the FreeBSD 10 packages."""
    if not PACKAGES.exists():
        pytest.skip(f"no FreeBSD packages at {PACKAGES}")
    root = tmp_path / "root"
    if subprocess.run(["cp", "-al", freebsd_root, root], capture_output=True).returncode:
        shutil.copytree(freebsd_root, root, symlinks=True)
    with tarfile.open(PACKAGES, "r:xz") as tar:
        wanted = [
            m
            for m in tar
            if m.name == "usr/local/bin/tmux" or m.name.startswith("usr/local/lib/libevent")
        ]
        tar.extractall(root, members=wanted, filter="tar")
    return root


@pytest.mark.syscalls("posix_openpt", "ioctl", "fork", "setsid")
def test_tmux_server_starts(bsd, tmux_root, tmp_path):
    """tmux 2.1 from the FreeBSD 10 packages: `new -d` starts a server whose window runs on a
    pty (its slave opened without becoming the server's controlling terminal, as FreeBSD's open
    never does), `ls` lists the session, `kill-server` ends it."""
    env = {"TMUX_TMPDIR": str(tmp_path)}
    tmux = tmux_root / "usr/local/bin/tmux"
    log = tmp_path / "new.log"
    try:
        # the server outlives the command with its supervisor: no pipe to wait on
        with log.open("wb") as out:
            started = subprocess.run(
                [sys.executable, "-m", "bsdulator", "--quiet", tmux, "new", "-d", "sleep 600"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                env=dict(os.environ, LC_ALL="C", **env),
                cwd=REPO,
                timeout=120,
            )
        assert started.returncode == 0, log.read_bytes()
        r = bsd("--quiet", tmux, "ls", env=env)
        assert r.returncode == 0 and re.match(rb"0: 1 windows \(created ", r.stdout), r
    finally:
        killed = bsd("--quiet", tmux, "kill-server", env=env)
    assert killed.returncode == 0, killed.stderr
    r = bsd("--quiet", tmux, "ls", env=env)
    assert r.returncode == 1 and b"no server running" in r.stderr


@pytest.mark.syscalls("getlogin", "setlogin", "setsid", "setuid")
def test_login_name(bsd, freebsd_programs, freebsd_root):
    """The first session's login name is the invoking user's, as named by the root's
    /etc/passwd (root here); getlogin's ERANGE 34, setlogin's EINVAL for MAXLOGNAME (33)
    characters and EPERM for non-root; a child keeps the name across setsid."""
    if os.getuid() != 0:
        pytest.skip("expects the invoking user to be root, and setlogin needs root")
    assert _lines(bsd, freebsd_programs("proc_login")["proc_login"])[:-1] == [
        "getlogin: root",
        "short buffer = -1 errno 34",
        "setlogin(tester) = 0, now tester",
        "setlogin(33 chars) = -1 errno 22",
        "setlogin(32 chars) = 0",
        "child after setsid: tester",
        "setlogin as nobody = -1 errno 1",
    ]
    r = bsd(freebsd_root / "usr/bin/logname")
    assert (r.returncode, r.stdout) == (0, b"root\n"), r.stderr


@pytest.mark.syscalls("getsockopt", "socketpair", "connect", "accept", "listen", "bind")
def test_peer_credentials(bsd, freebsd_programs):
    """LOCAL_PEERCRED's struct xucred (XUCRED_VERSION 0, the peer's euid, cr_groups[0] its egid,
    its pid) and getpeereid(3) on a socketpair and on an accepted connection from a process
    that changed to nobody; ENOTCONN 57 on a listener and an unconnected socket, EINVAL 22 on a
    datagram socket, ENOTSOCK 38 on a pipe."""
    if os.getuid() != 0:
        pytest.skip("the connecting child changes its uid")
    # a directory nobody can reach (pytest's own are the owner's only)
    where = Path(tempfile.mkdtemp(prefix="bsdulator-peercred-", dir="/tmp"))
    try:
        where.chmod(0o755)
        lines = _lines(bsd, freebsd_programs("proc_peercred")["proc_peercred"], where / "s")
    finally:
        shutil.rmtree(where)
    assert lines[:-1] == [
        "getpeereid: uid-ok 1 gid-ok 1",
        "socketpair: len 88 version 0 uid-is-euid 1 ngroups>0 1 groups[0]-is-egid 1 pid-is-me 1",
        "listener: LOCAL_PEERCRED = -1 errno 57",
        "unconnected: LOCAL_PEERCRED = -1 errno 57",
        "accepted from a child as nobody: uid 65534 gid 65533",
        "datagram: LOCAL_PEERCRED = -1 errno 22",
        "getpeereid(pipe) = -1 errno 38",
    ]


@pytest.mark.syscalls("procctl", "fork", "wait4", "execve")
def test_procctl_reaper_and_trace(bsd, freebsd_programs):
    """kern_procctl.c: REAP_ACQUIRE (EINVAL with data, EBUSY twice), an orphaned grandchild
    handed to the reaper, REAP_STATUS (OWNED 0x1; before: REALINIT 0x2, reaper 1), REAP_GETPIDS
    (VALID|CHILD, the subtree it was forked in), REAP_KILL (EINVAL for both flags, ESRCH with
    nobody left), REAP_RELEASE (EINVAL when not a reaper), EINVAL for command 0 and a P_SID
    target, ESRCH for no such pid; TRACE_STATUS 0 / -1 with TRACE_CTL, DISABLE_EXEC undone by
    exec."""
    assert _lines(bsd, freebsd_programs("proc_reaper")["proc_reaper"]) == [
        "before: flags 0x2 reaper 1",
        "acquire with data = -1 errno 22",
        "acquire = 0",
        "acquire again = -1 errno 16",
        "owned: flags 0x1 reaper-is-me 1 children 1 descendants 1 pid-is-b 1",
        "getpids: pid-is-b 1 subtree-is-a 1 flags 0x3; next valid 0",
        "kill: killed 1 fpid -1; b reaped 1 by signal 15",
        "kill both flags = -1 errno 22",
        "kill nobody = -1 errno 3 killed 0",
        "release = 0",
        "release again = -1 errno 22",
        "command 0 = -1 errno 22",
        "P_SID status = -1 errno 22",
        "no such pid = -1 errno 3",
        "trace status 0",
        "disabled: trace status -1",
        "enabled: trace status 0",
        "bad state = -1 errno 22",
        "disabled until exec: trace status -1",
        "after exec: trace status 0",
    ]
