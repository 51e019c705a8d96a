"""Ways out of a jail, tried from inside as jail root (issue 9): inherited directory
descriptors, the holder's procfs, and the privileges prison_priv_check denies a jail."""

import errno
import fcntl
import os
import pty
import shutil
import subprocess
import sys
import termios
import tty

import pytest
from test_e2e_jail import jails  # noqa: F401  (the fixture: a registry of this test's own)

from bsdulator.abi.capabilities import LINUX_CAPS
from bsdulator.jail import namespaces as jailns
from helpers import JAIL_DEV

pytestmark = [pytest.mark.e2e, pytest.mark.root]  # root: jails need namespaces, cgroups, mounts

INHERITED = r"""
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void attempt(const char *what, int fd) {
    char buf[64] = "";
    if (fd < 0) { printf("%s %s\n", what, errno == EBADF ? "EBADF" : strerror(errno)); return; }
    buf[read(fd, buf, sizeof buf - 1) > 0 ? sizeof buf - 1 : 0] = 0;
    printf("%s read %s\n", what, buf);
}

int main(void) {
    attempt("openat3", openat(3, "secret", O_RDONLY));
    attempt("openat3-up", openat(3, "../../../../../../../../etc/hostname", O_RDONLY));
    attempt("openat4-path", openat(4, "secret", O_RDONLY));
    if (fchdir(3) == 0) attempt("fchdir3", open("secret", O_RDONLY));
    else printf("fchdir3 %s\n", errno == EBADF ? "EBADF" : strerror(errno));
    return 0;
}
"""

ATTACH_FROM_HOST_DIR = r"""
#include <sys/param.h>
#include <sys/jail.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char cwd[MAXPATHLEN] = "";
    if (argc < 2 || jail_attach(atoi(argv[1])) != 0) { perror("jail_attach"); return 1; }
    int fd = open("secret", O_RDONLY);
    printf("secret %s\n", fd >= 0 ? "opened" : strerror(errno));
    printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    return 0;
}
"""

PRIVILEGES = r"""
#include <sys/types.h>
#include <sys/extattr.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/rtprio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void report(const char *what, int r) {
    printf("%s %s\n", what, r == 0 ? "ok" : errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES" : strerror(errno));
}

int main(int argc, char **argv) {
    char c = 'Z';
    report("TIOCSTI", ioctl(0, TIOCSTI, &c));
    struct rtprio rt = { RTP_PRIO_REALTIME, 5 };
    report("rtprio-realtime", rtprio(RTP_SET, 0, &rt));
    rt.type = RTP_PRIO_IDLE;
    report("rtprio-idle", rtprio(RTP_SET, 0, &rt));
    report("setpriority", setpriority(PRIO_PROCESS, 0, -15));
    report("mknod", mknod(argv[1], S_IFCHR | 0600, makedev(1, 3)));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    report("settimeofday", settimeofday(&tv, NULL));
    report("mlock", mlock(&c, 1));
    report("munlockall", munlockall());
    report("TIOCCONS", ioctl(0, TIOCCONS, &(int){1}));
    char file[] = "/tmp/privileges-XXXXXX";
    int fd = mkstemp(file);
    unlink(file);
    report("extattr-system", extattr_set_fd(fd, EXTATTR_NAMESPACE_SYSTEM, "bsdulator", "v", 1) == 1 ? 0 : -1);
    int s = socket(AF_NETLINK, SOCK_RAW, 0);
    report("netlink", s >= 0 ? 0 : -1);
    return argc < 2;
}
"""


@pytest.fixture
def jail(jails, freebsd_root):  # noqa: F811
    assert jails("jail", "-c", "name=esc", f"path={freebsd_root}", "persist").returncode == 0
    jails.root = freebsd_root
    yield jails
    assert jails("jail", "-r", "esc").returncode == 0


@pytest.fixture
def program(freebsd_cc, freebsd_root):
    """program(source, name) -> the path inside the jail of a FreeBSD program built from source."""
    made = []

    def build(source: str, name: str) -> str:
        inside = f"/tmp/{name}-{os.getpid()}"
        shutil.copy2(freebsd_cc(source, name), freebsd_root / inside.lstrip("/"))
        made.append(freebsd_root / inside.lstrip("/"))
        return inside

    yield build
    for path in made:
        path.unlink(missing_ok=True)


def jexec(jails, *args, into: str = "esc", **kw):  # noqa: F811
    """Popen of bsdulator's jexec into the test jail."""
    return subprocess.Popen(
        [sys.executable, "-m", "bsdulator", jails.root / "usr/sbin/jexec", into, *args],
        env=dict(os.environ, LC_ALL="C", **jails.env),
        **kw,
    )


@pytest.fixture
def jailed(jail, monkeypatch):
    """jailed(popen, jid) -> host pids of jail jid's processes but the holder, once popen's program
    printed a line."""
    monkeypatch.setenv("BSDULATOR_STATE_DIR", jail.env["BSDULATOR_STATE_DIR"])

    def members(popen, jid: int = 1) -> list[int]:
        popen.stdout.readline()
        holder = jailns.lookup(jid)
        return [pid for pid in jailns.members(holder) if pid != holder.pid]

    return members


def capability_sets(pid: int) -> dict[str, int]:
    """CapBnd, CapEff and CapPrm of a process, from the host's /proc."""
    with open(f"/proc/{pid}/status") as f:
        return {
            k: int(v, 16)
            for k, v in (line.split(":") for line in f)
            if k in ("CapBnd", "CapEff", "CapPrm")
        }


@pytest.mark.syscalls("close")
def test_inherited_directory_descriptors_are_closed(jail, program, freebsd_root, tmp_path):
    """jexec J prog 3<host-dir 4<host-dir(O_PATH): neither leads outside (both are closed)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("host-secret")
    prog = program(INHERITED, "inherited")
    fds = (
        os.open(outside, os.O_RDONLY | os.O_DIRECTORY),
        os.open(outside, os.O_PATH | os.O_DIRECTORY),
    )

    def as_3_and_4():
        os.dup2(fds[0], 3)
        os.dup2(fds[1], 4)

    try:
        p = jexec(
            jail,
            prog,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=False,
            preexec_fn=as_3_and_4,
        )
        out, err = p.communicate(timeout=60)
    finally:
        for fd in fds:
            os.close(fd)
    with open("/etc/hostname", "rb") as f:
        host_name = f.read().strip()
    assert b"host-secret" not in out and (not host_name or host_name not in out), out
    assert out.decode().splitlines() == [
        "openat3 EBADF",
        "openat3-up EBADF",
        "openat4-path EBADF",
        "fchdir3 EBADF",
    ], err


def test_working_directory_does_not_stay_outside(jail, freebsd_cc, tmp_path):
    """jail_attach(2) called by a process whose working directory is on the host: it ends up
    at the jail's root, as FreeBSD's pwd_chroot_chdir puts it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("host-secret")
    # the view shows the start dir
    prog = shutil.copy2(freebsd_cc(ATTACH_FROM_HOST_DIR, "attach_cwd"), outside)
    r = jail(prog, "1", cwd=outside, env={"BSDULATOR_ROOT": str(jail.root)})
    assert r.stdout.decode().splitlines() == ["secret No such file or directory", "cwd /"], (
        r.returncode,
        r.stderr,
    )


def test_no_linux_procfs_in_a_jail(jail, jailed, freebsd_root):
    """Nothing of a procfs is reachable from the jail: not in its /dev, nor mounted anywhere in
    it."""
    r = jail("jexec", "esc", "/bin/ls", "-a", "/dev")
    assert r.stdout.decode().split() == [".", "..", *JAIL_DEV]
    assert jail("jexec", "esc", "/bin/ls", "/dev/fd").stdout.decode().split() == ["0", "1", "2"]
    r = jail("jexec", "esc", "/usr/bin/stat", "/dev/.linux-proc")
    assert r.returncode != 0 and b"No such file or directory" in r.stderr
    r = jail("jexec", "esc", "/bin/sh", "-c", "echo x > /dev/.linux-proc/1/mem")
    assert r.returncode != 0 and b"No such file or directory" in r.stderr
    p = jexec(
        jail, "/bin/sh", "-c", "echo ready; read x", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        (member,) = jailed(p)
        with open(f"/proc/{member}/mountinfo") as f:
            kinds = {line.split(" - ")[1].split()[0] for line in f}
        assert "proc" not in kinds and "sysfs" not in kinds, kinds
    finally:
        p.communicate(b"\n", timeout=60)


# A root process with every capability but an effective CAP_SYS_PTRACE asks kcmp(2) about the
# holder: that needs ptrace read access, which a non-dumpable process grants only with it.
WITHOUT_PTRACE = """
import ctypes, os, struct, sys
from bsdulator import structs
from bsdulator.abi.capabilities import LINUX_CAPS, LINUX_CAPABILITY_VERSION as V
from bsdulator.abi.kqueue import LINUX_KCMP
from bsdulator.abi.linux_syscalls import LINUX_NR
libc = ctypes.CDLL(None, use_errno=True)
header = ctypes.create_string_buffer(structs.pack("linux_cap_header", version=V["_LINUX_CAPABILITY_VERSION_3"], pid=0))
size = structs.sizeof("linux_cap_data")
data = ctypes.create_string_buffer(size * V["_LINUX_CAPABILITY_U32S_3"])
assert libc.capget(header, data) == 0
cap = LINUX_CAPS["CAP_SYS_PTRACE"]
sets = structs.unpack("linux_cap_data", data.raw[size * (cap // 32):size * (cap // 32 + 1)])
sets["effective"] &= ~(1 << cap % 32)
ctypes.memmove(ctypes.addressof(data) + size * (cap // 32), structs.pack("linux_cap_data", **sets), size)
assert libc.capset(header, data) == 0
r = libc.syscall(LINUX_NR["kcmp"], os.getpid(), int(sys.argv[1]), LINUX_KCMP["KCMP_FILE"], 0, 0)
print(os.strerror(ctypes.get_errno()) if r < 0 else "allowed")
"""


def test_holder_is_not_dumpable(jail, jailed):
    p = jexec(
        jail, "/bin/sh", "-c", "echo ready; read x", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        jailed(p)
        holder = jailns.lookup(1)
        r = subprocess.run(
            [sys.executable, "-c", WITHOUT_PTRACE, str(holder.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        p.communicate(b"\n", timeout=60)
    assert r.stdout == os.strerror(errno.EPERM) + "\n", r.stderr


def test_dev_fd_and_std_names_still_work(jail):
    """devfs's /dev/fd/0-2 and /dev/std* open as duplicates of those descriptors."""
    assert jail("jexec", "esc", "/bin/cat", "/dev/stdin", input=b"x\n").stdout == b"x\n"
    assert jail("jexec", "esc", "/bin/cat", "/dev/fd/0", input=b"y\n").stdout == b"y\n"
    r = jail("jexec", "esc", "/bin/sh", "-c", "echo out > /dev/stdout; echo err > /dev/fd/2")
    assert (r.stdout, r.stderr) == (b"out\n", b"err\n")
    r = jail("jexec", "esc", "/bin/sh", "-c", "echo no > /dev/stdin", input=b"")
    # dupfdopen: not more access than fd 0 has
    assert r.returncode != 0 and b"Permission denied" in r.stderr


@pytest.mark.syscalls("rtprio", "settimeofday")
def test_privileges_a_jail_lacks(jail, program, freebsd_root):
    """TIOCSTI on the controlling tty, realtime/idle scheduling, a lower nice, device nodes, the
    clock, memory locking (no allow.mlock), the console, system extattrs and (no allow.socket_af)
    families but local, IP and routing are refused with FreeBSD's errors; nothing reaches the
    terminal."""
    prog = program(PRIVILEGES, "privileges")
    node = f"/tmp/privileges-node-{os.getpid()}"
    master, slave = pty.openpty()
    tty.setraw(slave)  # input pushed by TIOCSTI would be readable at once

    def controlling_tty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    try:
        p = jexec(
            jail,
            prog,
            node,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=controlling_tty,
        )
        out, err = p.communicate(timeout=60)
        for fd in (slave, master):
            os.set_blocking(fd, False)
            with pytest.raises(BlockingIOError):
                os.read(fd, 100)
    finally:
        os.close(master)
        os.close(slave)
    assert not (freebsd_root / node.lstrip("/")).exists()
    assert out.decode().splitlines() == [
        "TIOCSTI EPERM",
        "rtprio-realtime EPERM",
        "rtprio-idle EPERM",
        "setpriority EACCES",
        "mknod EPERM",
        "settimeofday EPERM",
        "mlock EPERM",
        "munlockall EPERM",
        "TIOCCONS EPERM",
        "extattr-system EPERM",
        "netlink Protocol not supported",
    ], err


def test_privilege_tools_in_a_jail(jail):
    r = jail("jexec", "esc", "/usr/sbin/rtprio", "5", "/usr/bin/true")
    assert r.returncode != 0 and b"Operation not permitted" in r.stderr
    r = jail("jexec", "esc", "/usr/bin/nice", "-n", "-15", "/bin/sh", "-c", "ps -o nice= -p $$")
    assert b"setpriority: Permission denied" in r.stderr and r.stdout.split() == [b"0"]


def test_jailed_processes_lack_the_capabilities(jail, jailed):
    """Enforced by the kernel: the jailed process's bounding and effective sets, read from the
    host."""
    p = jexec(
        jail, "/bin/sh", "-c", "echo ready; read x", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        (member,) = jailed(p)
        sets = capability_sets(member)
    finally:
        p.communicate(b"\n", timeout=60)
    lacking = (
        "CAP_DAC_READ_SEARCH",
        "CAP_SYS_NICE",
        "CAP_SYS_TIME",
        "CAP_MKNOD",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_BOOT",
        "CAP_SYS_PTRACE",
        "CAP_LINUX_IMMUTABLE",
        "CAP_SYSLOG",
        "CAP_SYS_PACCT",
        "CAP_SYS_TTY_CONFIG",
        "CAP_AUDIT_CONTROL",
        "CAP_AUDIT_WRITE",
        "CAP_MAC_ADMIN",
        "CAP_MAC_OVERRIDE",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_BPF",
        "CAP_PERFMON",
        "CAP_IPC_LOCK",
        "CAP_NET_RAW",
        "CAP_NET_ADMIN",
    )
    kept = (
        "CAP_SYS_ADMIN",
        "CAP_SYS_CHROOT",
        "CAP_SETUID",
        "CAP_SETGID",
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_KILL",
    )
    for name, caps in sets.items():
        assert [c for c in lacking if caps >> LINUX_CAPS[c] & 1] == [], name
        assert [c for c in kept if not caps >> LINUX_CAPS[c] & 1] == [], name


def test_allow_mlock_grants_memory_locking(jails, program, freebsd_root):  # noqa: F811
    prog = program(PRIVILEGES, "privileges")
    assert (
        jails("jail", "-c", "name=mlk", f"path={freebsd_root}", "allow.mlock", "persist").returncode
        == 0
    )
    try:
        lines = (
            jails("jexec", "mlk", prog, f"/tmp/privileges-node-{os.getpid()}")
            .stdout.decode()
            .splitlines()
        )
        assert lines[6:8] == ["mlock ok", "munlockall ok"]
    finally:
        assert jails("jail", "-r", "mlk").returncode == 0


def test_without_allow_suser_root_has_no_capability(jail, jailed, freebsd_root):
    assert (
        jail(
            "jail", "-c", "name=nosu", f"path={freebsd_root}", "allow.nosuser", "persist"
        ).returncode
        == 0
    )
    try:
        p = jexec(
            jail,
            "/bin/sh",
            "-c",
            "echo ready; read x",
            into="nosu",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        try:
            (member,) = jailed(p, 2)
            sets = capability_sets(member)
        finally:
            p.communicate(b"\n", timeout=60)
        assert sets == {"CapBnd": 0, "CapEff": 0, "CapPrm": 0}
    finally:
        assert jail("jail", "-r", "nosu").returncode == 0
