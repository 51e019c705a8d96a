"""End-to-end: FreeBSD's own jail(8), jls(8) and jexec(8) on Linux namespaces (issue 5)."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from bsdulator.abi.jail import JAIL_MAX
from bsdulator.jail import namespaces as jailns
from helpers import jail_cgroups, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.root]  # root: jails need namespaces, cgroups, mounts


@pytest.fixture
def jails(bsd, freebsd_root, tmp_path):
    """run(tool, *args): bsdulator on freebsd_root/usr/sbin/<tool>, with a registry of this test's
    own."""
    state = tmp_path / "state"
    env = {"BSDULATOR_STATE_DIR": str(state)}

    def run(tool, *args, **kw):
        prog = freebsd_root / ("usr/sbin/" + tool if tool in ("jail", "jls", "jexec") else tool)
        return bsd(prog, *args, env=env | kw.pop("env", {}), **kw)

    run.env = env
    yield run
    # Remove whatever a failing test left, and check nothing of it survives.
    for jid in run("jls", "jid").stdout.decode().split():
        run("jail", "-r", jid)
    assert run("jls", "jid").stdout == b""


def names(out: bytes) -> list[str]:
    return out.decode().split()


def test_persistent_jail_lifecycle(jails, freebsd_root):
    R = str(freebsd_root)
    r = jails("jail", "-c", "name=t1", f"path={R}", "host.hostname=t1.example", "persist")
    assert r.returncode == 0, r.stderr
    ls = jails("jls").stdout.decode().splitlines()
    assert ls[0].split() == ["JID", "IP", "Address", "Hostname", "Path"]
    assert ls[1].split() == ["1", "-", "t1.example", R]
    # 10.2's jls resets the flags 13.5's libjail sets in jailparam_init, so with this root
    # FreeBSD itself prints jailsys values as numbers here (JAIL_SYS_INHERIT = 2).
    assert jails(
        "jls", "-h", "jid", "name", "host.hostname", "path", "vnet"
    ).stdout.decode().splitlines() == ["jid name host.hostname path vnet", f"1 t1 t1.example {R} 2"]
    assert jails("jls", "-q").returncode == 0
    n = jails("jls", "-j", "t1", "-n").stdout.decode()
    assert (
        "jid=1 " in n and "name=t1 " in n and f"path={R} " in n and "host.hostname=t1.example " in n
    )
    assert "persist" in n.split()
    assert jails("jls", "-v").returncode == 0 and b"t1.example" in jails("jls", "-v").stdout
    s = jails("jls", "-s").stdout.decode()
    assert "name=t1" in s and "persist" in s

    assert jails("jexec", "t1", "/bin/hostname").stdout == b"t1.example\n"
    assert jails("jexec", "1", "/sbin/sysctl", "-n", "security.jail.jailed").stdout == b"1\n"
    assert jails("jexec", "t1", "/sbin/sysctl", "-n", "security.jail.jailed").returncode == 0
    assert (
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bsdulator",
                freebsd_root / "sbin/sysctl",
                "-n",
                "security.jail.jailed",
            ],
            capture_output=True,
        ).stdout
        == b"0\n"
    )

    ps = jails("jexec", "t1", "/bin/ps", "-ax", "-o", "pid,comm").stdout.decode().splitlines()
    assert [line.split()[1] for line in ps[1:]] == ["ps"]

    assert jails("jail", "-m", "name=t1", "host.hostname=renamed").returncode == 0
    assert jails("jexec", "t1", "hostname").stdout == b"renamed\n"

    host_name = subprocess.run(["hostname"], capture_output=True).stdout
    jails("jail", "-m", "name=t1", "allow.set_hostname=1")
    assert jails("jexec", "t1", "/bin/hostname", "inside").returncode == 0
    assert jails("jexec", "t1", "/bin/hostname").stdout == b"inside\n"
    assert subprocess.run(["hostname"], capture_output=True).stdout == host_name

    assert jails("jail", "-r", "t1").returncode == 0
    assert names(jails("jls").stdout) == ["JID", "IP", "Address", "Hostname", "Path"]
    assert jail_cgroups(jails.env) == "[]"


def test_command_jail_goes_away(jails, freebsd_root):
    r = jails(
        "jail",
        "-c",
        "name=t2",
        f"path={freebsd_root}",
        "host.hostname=t2.example",
        "command=/bin/sh",
        "-c",
        "hostname; echo in-jail",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"t2.example\nin-jail\n"
    assert names(jails("jls").stdout) == ["JID", "IP", "Address", "Hostname", "Path"]


def test_jail_conf_with_exec_start_and_stop(jails, freebsd_root, tmp_path):
    """exec.prestart/poststop run on the host, exec.start/stop inside the jail (its /tmp is the
    root's)."""
    host_log = tmp_path / "host.log"
    inside = f"/tmp/jail-test-{os.getpid()}.log"
    conf = tmp_path / "jail.conf"
    conf.write_text(f"""
path = "{freebsd_root}";
host.hostname = "$name.example";
exec.prestart = "echo prestart $name >> {host_log}";
exec.start = "/bin/sh -c 'hostname >> {inside}'";
exec.stop = "/bin/sh -c 'echo stop $name >> {inside}'";
exec.poststop = "echo poststop $name >> {host_log}";
persist;
web {{ }}
""")
    try:
        r = jails("jail", "-f", conf, "-c", "web")
        assert (r.returncode, r.stdout) == (0, b"web: created\n"), r.stderr
        assert jails("jexec", "web", "hostname").stdout == b"web.example\n"
        assert jails("jail", "-f", conf, "-r", "web").returncode == 0
        assert host_log.read_text() == "prestart web\npoststop web\n"
        assert (freebsd_root / inside.lstrip("/")).read_text() == "web.example\nstop web\n"
    finally:
        (freebsd_root / inside.lstrip("/")).unlink(missing_ok=True)


def test_isolated_root(jails, freebsd_root, tmp_path):
    jroot = tmp_path / "jroot"
    for rel in (
        "libexec/ld-elf.so.1",
        "lib/libc.so.7",
        "lib/libedit.so.7",
        "lib/libncursesw.so.9",
        "lib/libncurses.so.8",
        "lib/libutil.so.9",
        "lib/libxo.so.0",
        "bin/sh",
        "bin/cat",
        "bin/ls",
        "bin/hostname",
        "bin/kill",
    ):
        src = freebsd_root / rel
        if src.exists():
            (jroot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, jroot / rel)
    (jroot / "etc").mkdir()
    (jroot / "etc/marker").write_text("inside\n")
    os.symlink("/etc/passwd", jroot / "escape")
    assert jails("jail", "-c", "name=iso", f"path={jroot}", "persist").returncode == 0
    assert sorted(names(jails("jexec", "iso", "/bin/ls", "/").stdout)) == [
        "bin",
        "dev",
        "escape",
        "etc",
        "lib",
        "libexec",
    ]
    assert jails("jexec", "iso", "/bin/cat", "/../../../etc/marker").stdout == b"inside\n"
    # /etc/passwd is not in the jail
    assert jails("jexec", "iso", "/bin/cat", "/escape").returncode != 0
    assert jails("jexec", "iso", "/bin/ls", "/proc").returncode != 0
    victim = subprocess.Popen(["sleep", "30"])
    try:
        r = jails("jexec", "iso", "/bin/kill", "-9", str(victim.pid))
        assert r.returncode != 0 and victim.poll() is None
    finally:
        victim.kill()
        victim.wait()
    assert jails("jail", "-r", "iso").returncode == 0


def test_parallel_creation(jails, freebsd_root):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bsdulator",
                freebsd_root / "usr/sbin/jail",
                "-c",
                f"name=p{i}",
                f"path={freebsd_root}",
                "persist",
            ],
            env=dict(os.environ, **jails.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert [code for code, _err in results] == [0] * 20, [err for code, err in results if code]
    lines = jails("jls", "jid", "name").stdout.decode().splitlines()
    jids = [int(line.split()[0]) for line in lines]
    assert len(set(jids)) == 20 and sorted(line.split()[1] for line in lines) == sorted(
        f"p{i}" for i in range(20)
    )
    for i in range(20):
        assert jails("jail", "-r", f"p{i}").returncode == 0
    assert names(jails("jls").stdout) == ["JID", "IP", "Address", "Hostname", "Path"]
    assert jail_cgroups(jails.env) == "[]"


def test_sigkill_of_bsdulator_kills_the_jailed_program(jails, freebsd_root):
    assert jails("jail", "-c", "name=k", f"path={freebsd_root}", "persist").returncode == 0
    naptime = f"600.{os.getpid()}"  # names this test's sleep among every process of the host

    def sleeping() -> bool:
        return (
            f"sleep {naptime}"
            in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        )

    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bsdulator",
            freebsd_root / "usr/sbin/jexec",
            "k",
            "/bin/sleep",
            naptime,
        ],
        env=dict(os.environ, **jails.env),
    )
    assert wait_until(sleeping, 20), "the jailed sleep never started"
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert wait_until(lambda: not sleeping(), 20), "the jailed sleep outlived its bsdulator"
    assert b"k" in jails("jls", "name").stdout
    assert jails("jail", "-r", "k").returncode == 0


def test_bad_input(jails, freebsd_root):
    r = jails("jexec", "x", "/bin/sh")
    assert r.returncode != 0 and b'jexec: jail "x" not found' in r.stderr
    assert jails("jail", "-c", "name=d", f"path={freebsd_root}", "persist").returncode == 0
    r = jails("jail", "-c", "name=d", f"path={freebsd_root}", "persist")
    assert r.returncode != 0 and b"already exists" in r.stderr
    r = jails("jail", "-c", "name=u", f"path={freebsd_root}", "no.such.param=1", "persist")
    assert r.returncode != 0 and b"unknown parameter: no.such.param" in r.stderr
    for result in (r,):
        assert b"Traceback" not in result.stderr
    assert jails("jail", "-r", "d").returncode == 0


def test_remove_while_a_traced_child_lives_in_the_jail(jails, freebsd_root):
    """jail -r from the same supervisor that must reap the jail's processes does not wedge it."""
    assert jails("jail", "-c", "name=busy", f"path={freebsd_root}", "persist").returncode == 0
    start = time.monotonic()
    r = jails(
        "bin/sh",
        "-c",
        'jexec busy /bin/sh -c "sleep 30; true" & sleep 1; jail -r busy; echo "rm=$?"',
    )
    assert r.stdout == b"rm=0\n" and time.monotonic() - start < 10, r.stderr
    assert names(jails("jls").stdout) == ["JID", "IP", "Address", "Hostname", "Path"]
    assert jail_cgroups(jails.env) == "[]"


FDPASS = r"""
#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    snprintf(un.sun_path, sizeof un.sun_path, "%s", argv[1]);
    if (connect(s, (struct sockaddr *)&un, SUN_LEN(&un)) != 0) { perror("connect"); return 1; }
    for (int round = 0; round < 3; round++) {
        char byte; struct iovec iov = { &byte, 1 };
        union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
        struct msghdr m = { 0 };
        m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
        recvmsg(s, &m, 0);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        int fd = -1;
        if (c && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
        int f = fd >= 0 ? openat(fd, "marker", O_RDONLY) : -1;
        printf("%c fd=%d ctrunc=%d readable=%d\n", byte, fd >= 0, (m.msg_flags & MSG_CTRUNC) != 0, f >= 0);
    }
    return 0;
}
"""


def test_directory_from_outside_cannot_be_passed_in(
    jails, freebsd_root, freebsd_cc, tmp_path, monkeypatch
):
    """A directory outside the jail is closed on the way in; so is one below the jail's path
    opened on the host ('..' from it climbs the host's tree); one opened in the jail is kept."""
    import socket as pysocket

    tag = f"fdpass-{os.getpid()}"
    prog_host = freebsd_root / "tmp" / tag
    sock_host = freebsd_root / "tmp" / f"{tag}.sock"
    inside_dir = freebsd_root / "tmp" / f"{tag}.d"
    outside_dir = tmp_path / "outside"
    for d in (inside_dir, outside_dir):
        d.mkdir()
        (d / "marker").write_text("x")
    shutil.copy2(freebsd_cc(FDPASS, "fdpass"), prog_host)
    server = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    server.bind(str(sock_host))
    server.listen(1)
    try:
        assert jails("jail", "-c", "name=fdp", f"path={freebsd_root}", "persist").returncode == 0
        p = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bsdulator",
                freebsd_root / "usr/sbin/jexec",
                "fdp",
                f"/tmp/{tag}",
                f"/tmp/{tag}.sock",
            ],
            env=dict(os.environ, **jails.env),
            stdout=subprocess.PIPE,
        )
        conn, _ = server.accept()
        monkeypatch.setenv("BSDULATOR_STATE_DIR", jails.env["BSDULATOR_STATE_DIR"])
        holder = jailns.lookup(1)
        (receiver,) = [pid for pid in jailns.members(holder) if pid != holder.pid]
        in_jail = f"/proc/{receiver}/root/tmp/{tag}.d"  # through the jail's own mount of its root
        for label, d in ((b"o", outside_dir), (b"h", inside_dir), (b"i", in_jail)):
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
            pysocket.send_fds(conn, [label], [fd])
            os.close(fd)
        out, _ = p.communicate(timeout=30)
        conn.close()
        assert out.decode().splitlines() == [
            "o fd=0 ctrunc=1 readable=0",
            "h fd=0 ctrunc=1 readable=0",
            "i fd=1 ctrunc=0 readable=1",
        ]
    finally:
        server.close()
        for path in (prog_host, sock_host):
            path.unlink(missing_ok=True)
        shutil.rmtree(inside_dir, ignore_errors=True)


def test_jexec_program_is_numbered_in_the_jail(jails, freebsd_root):
    """jexec's program itself runs in the jail's PID namespace: $$, ps and its children's
    getppid() agree, and jexec's parent still sees it end as it ended."""
    assert jails("jail", "-c", "name=pids", f"path={freebsd_root}", "persist").returncode == 0
    r = jails(
        "jexec",
        "pids",
        "/bin/sh",
        "-c",
        "echo $$; ps -o pid= -p $$; /bin/sh -c 'echo $PPID'; ps -ax -o comm=; true",
    )
    own, listed, childs_parent, *commands = r.stdout.decode().split()
    # small: the jail's numbering
    assert own == listed == childs_parent and int(own) < 100, r.stdout
    assert commands == ["sh", "ps"]  # neither jexec's stand-in outside nor the jail's holder
    assert jails("jexec", "pids", "/bin/sh", "-c", "exit 7").returncode == 7
    assert jails("jexec", "pids", "/bin/sh", "-c", "kill -TERM $$").returncode == -signal.SIGTERM
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bsdulator",
            freebsd_root / "usr/sbin/jexec",
            "pids",
            "/bin/sh",
            "-c",
            "trap 'echo got TERM; exit 3' TERM; echo ready; while :; do sleep 0.1; done",
        ],
        env=dict(os.environ, **jails.env),
        stdout=subprocess.PIPE,
    )
    assert p.stdout.readline() == b"ready\n"
    p.send_signal(signal.SIGTERM)  # reaches the jailed shell once, through whatever stands outside
    assert p.stdout.read() == b"got TERM\n" and p.wait(timeout=30) == 3
    assert jails("jail", "-r", "pids").returncode == 0


PGRP = r"""
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

int main(void) {
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        for (;;) pause();
    }
    setpgid(child, child);
    printf("leader %d\n", getpgid(child) == child);
    if (kill(-child, SIGTERM) != 0) { perror("kill -pgrp"); return 1; }
    int st;
    waitpid(child, &st, 0);
    printf("group kill %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    signal(SIGUSR1, on_usr1);
    setpgid(0, 0);
    printf("own group %d %d\n", kill(0, SIGUSR1), (int)got);
    printf("everyone else %d\n", kill(-1, 0));
    return 0;
}
"""


@pytest.mark.syscalls("getpgid", "setpgid", "sigsuspend")
def test_process_groups_inside_a_jail(jails, freebsd_root, freebsd_cc):
    """kill(-pgrp) and kill(0) name process groups as the jail numbers them; kill(-1) finds
    nobody else in a jail of one process."""
    prog = freebsd_root / "tmp" / f"pgrp-{os.getpid()}"
    shutil.copy2(freebsd_cc(PGRP, "pgrp"), prog)
    try:
        assert jails("jail", "-c", "name=pg", f"path={freebsd_root}", "persist").returncode == 0
        r = jails("jexec", "pg", f"/tmp/{prog.name}")
        assert r.stdout.decode().splitlines() == [
            "leader 1",
            "group kill 15",
            "own group 0 1",
            "everyone else -1",
        ]
        assert jails("jail", "-r", "pg").returncode == 0
    finally:
        prog.unlink(missing_ok=True)


CHILDREN = ("security.jail.children.max", "security.jail.children.cur")


def test_nested_jails(jails, freebsd_root):
    """children.max allows jails inside a jail; the parent sees and signals the child's
    processes, the child sees none of the parent's; removing the parent removes both."""
    R = str(freebsd_root)
    assert (
        jails(
            "jail", "-c", "name=outer", f"path={R}", "host.hostname=outer.example", "persist"
        ).returncode
        == 0
    )
    r = jails("jexec", "outer", "/usr/sbin/jail", "-c", "name=inner", "path=/", "persist")
    assert r.returncode == 1 and b"jail_set: Operation not permitted" in r.stderr  # children.max=0
    assert jails("jail", "-m", "name=outer", "children.max=1").returncode == 0
    r = jails(
        "jexec",
        "outer",
        "/usr/sbin/jail",
        "-c",
        "name=inner",
        "path=/",
        "host.hostname=inner.example",
        "persist",
    )
    assert r.returncode == 0, r.stderr
    assert (
        jails(
            "jexec", "outer", "/usr/sbin/jail", "-c", "name=second", "path=/", "persist"
        ).returncode
        == 1
    )
    assert jails("jls", "-n", "name", "parent").stdout.decode().split() == [
        "name=outer",
        "parent=0",
        "name=outer.inner",
        "parent=1",
    ]
    assert jails(
        "jexec", "outer", "/usr/sbin/jls", "-n", "jid", "name"
    ).stdout.decode().split() == ["jid=2", "name=inner"]
    assert jails("jexec", "outer.inner", "hostname").stdout == b"inner.example\n"
    # security.jail.children.{max,cur} at every level (kern_jail.c sysctl_jail_children: the
    # caller's pr_childmax and pr_childcount, prison0's limit JAIL_MAX from sys/jail.h)
    levels = {
        "host": jails("sbin/sysctl", "-n", *CHILDREN),
        "outer": jails("jexec", "outer", "/sbin/sysctl", "-n", *CHILDREN),
        "inner": jails("jexec", "outer.inner", "/sbin/sysctl", "-n", *CHILDREN),
    }
    assert {k: r.stdout.decode().split() for k, r in levels.items()} == {
        "host": [str(JAIL_MAX), "2"],
        "outer": ["1", "1"],
        "inner": ["0", "0"],
    }

    sleeper = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bsdulator",
            freebsd_root / "usr/sbin/jexec",
            "outer",
            "/usr/sbin/jexec",
            "inner",
            "/bin/sleep",
            "60",
        ],
        env=dict(os.environ, **jails.env),
    )
    try:

        def sleeping_or_gone() -> bool:
            return (
                sleeper.poll() is not None
                or b"sleep" in jails("jexec", "outer", "/bin/ps", "-ax", "-o", "jid,comm").stdout
            )

        assert wait_until(sleeping_or_gone, 20) and sleeper.poll() is None
        seen = (
            jails("jexec", "outer", "/bin/ps", "-ax", "-o", "jid=", "-o", "comm=")
            .stdout.decode()
            .splitlines()
        )
        assert [line.split() for line in seen] == [["2", "sleep"], ["0", "ps"]]
        inside = (
            jails("jexec", "outer.inner", "/bin/ps", "-ax", "-o", "comm=").stdout.decode().split()
        )
        assert inside == ["sleep", "ps"]
        # the host's ps -J: the jail's processes; its holder (PID 1 of the namespace) is
        # bsdulator's, shown unjailed
        listed = jails("bin/ps", "-J", "2", "-o", "comm=").stdout.decode().split()
        assert "sleep" in listed and not [c for c in listed if c.startswith("jail.")]
        holders = jails("bin/ps", "-ax", "-o", "jid=", "-o", "comm=").stdout.decode().splitlines()
        assert {line.split()[0] for line in holders if line.split()[1].startswith("jail.")} == {"0"}
        assert jails("jexec", "outer", "/bin/pkill", "sleep").returncode == 0
        assert sleeper.wait(timeout=30) == -signal.SIGTERM
    finally:
        sleeper.kill()
    assert jails("jail", "-r", "outer").returncode == 0
    assert jails("jls", "jid").stdout == b""
    assert jail_cgroups(jails.env) == "[]"


def test_jail_knobs_hold_for_every_later_bsdulator(jails, freebsd_root):
    """security.jail.* is kernel state on FreeBSD: a setting made by one bsdulator holds for
    the jails the next one creates (kept in the registry)."""
    sysctl = freebsd_root / "sbin/sysctl"
    assert jails(sysctl, "security.jail.set_hostname_allowed=0").returncode == 0
    assert jails(sysctl, "-n", "security.jail.set_hostname_allowed").stdout == b"0\n"
    r = jails(
        "jail", str(freebsd_root), "knob.example", "127.0.0.2", "/bin/sh", "-c", "hostname other"
    )
    assert r.returncode == 1 and b"Operation not permitted" in r.stderr
    assert jails(sysctl, "security.jail.set_hostname_allowed=1").returncode == 0
    r = jails(
        "jail",
        str(freebsd_root),
        "knob.example",
        "127.0.0.2",
        "/bin/sh",
        "-c",
        "hostname other; hostname",
    )
    assert r.returncode == 0 and r.stdout == b"other\n"


@pytest.mark.syscalls("freebsd11_mknod")
def test_privileges_a_jail_lacks(jails, freebsd_root):
    """prison_priv_check: a jailed root may not set the clock, make device nodes or (without
    allow.raw_sockets) open raw sockets; fifos are fine."""
    # ip4=inherit: a new jail's IPv4 is off by default, and socreate would refuse the raw
    # socket for that (EPROTONOSUPPORT) before raw IP's privilege check.
    assert (
        jails(
            "jail", "-c", "name=priv", f"path={freebsd_root}", "ip4=inherit", "persist"
        ).returncode
        == 0
    )
    before = time.time()
    r = jails("jexec", "priv", "/bin/date", "203001010000")
    assert (
        r.returncode != 0
        and b"Operation not permitted" in r.stderr
        and abs(time.time() - before) < 60
    )
    r = jails("jexec", "priv", "/sbin/mknod", "/tmp/priv-dev", "c", "1", "3")
    assert r.returncode != 0 and b"Operation not permitted" in r.stderr
    assert not (freebsd_root / "tmp/priv-dev").exists()
    r = jails("jexec", "priv", "/sbin/ping", "-c1", "127.0.0.1")
    assert r.returncode != 0 and b"socket: Operation not permitted" in r.stderr
    fifo = f"/tmp/priv-fifo-{os.getpid()}"
    assert (
        jails(
            "jexec", "priv", "/bin/sh", "-c", f"mkfifo {fifo} && test -p {fifo} && rm {fifo}"
        ).returncode
        == 0
    )
    assert jails("jail", "-r", "priv").returncode == 0


@pytest.mark.syscalls("jail", "shmget")
def test_the_old_jail_call_jails_its_caller(jails, bsd, freebsd_root, freebsd_programs):
    prog = freebsd_programs("jail_old_api")["jail_old_api"]
    r = bsd(prog, freebsd_root, env=jails.env)
    out = r.stdout.decode()
    assert out.endswith(": 0 failures\n") and out.startswith("jid 1\n"), out + r.stderr.decode()
    assert jails("jls", "jid").stdout == b""  # not persistent: gone with its last process
