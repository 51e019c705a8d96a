"""Jails' Linux namespaces: the holder, attaching by pidfd_open+setns, isolation, and clean removal.

Each test checks that nothing it made outlives it: no process, cgroup, mount or namespace."""

import ctypes
import errno
import fcntl
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from bsdulator import procfs
from bsdulator.jail import namespaces as jailns
from bsdulator.jail.namespaces import JailNsError
from bsdulator.native._native import lib
from helpers import JAIL_DEV, wait_until

pytestmark = pytest.mark.root

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PR_SET_CHILD_SUBREAPER = 36
NS_FLAGS = 0x00020000 | 0x04000000 | 0x08000000 | 0x20000000 | 0x40000000 | 0x02000000
_jids = itertools.count(800000 + (os.getpid() % 1000) * 100)  # away from other tests' jails
_libc = ctypes.CDLL(None, use_errno=True)

# A plain Linux process joining a jail the way a traced program will: pidfd_open + setns
# itself, after the test put it in the jail's cgroup.  It reports what it sees as JSON,
# then its child (born in the jail's PID namespace) reports, and both stay until killed.
ATTACHED = textwrap.dedent(r"""
    import ctypes, json, os, socket, sys
    libc = ctypes.CDLL(None, use_errno=True)
    holder, flags = int(sys.argv[1]), int(sys.argv[2])
    sys.stdin.readline()
    pidfd = libc.syscall(434, holder, 0)  # pidfd_open
    if pidfd < 0 or libc.setns(pidfd, flags) != 0:
        sys.exit(f"pidfd_open/setns: {os.strerror(ctypes.get_errno())}")

    def attempt(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError as e:
            return type(e).__name__

    buf = ctypes.create_string_buffer(65)
    libc.getdomainname(buf, 65)
    seen = {"hostname": socket.gethostname(), "domainname": buf.value.decode(), "root": sorted(os.listdir("/")),
            "root_dotdot": sorted(os.listdir("/../..")), "cwd": os.getcwd(), "dev": sorted(os.listdir("/dev")),
            "interfaces": sorted(name for _, name in socket.if_nameindex())}
    for path in sys.argv[3:]:
        seen[path] = attempt(path)
    pty_master, pty_slave = os.openpty()  # through /dev/ptmx → the jail's own devpts
    seen["pts"] = sorted(os.listdir("/dev/pts"))
    print(json.dumps(seen), flush=True)
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        try:  # /dev/fd/1 is a node only the supervisor serves (to traced programs)
            open("/dev/stdout", "w")
            stdout = "opened"
        except OSError as e:
            stdout = e.strerror
        print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "fds": sorted(os.listdir("/dev/fd")),
                          "stdout": stdout}), flush=True)
        os.close(w)
        sys.stdin.read()
        os._exit(0)
    os.close(w)
    os.read(r, 1)  # the child has reported
    sys.stdin.read()
""")


def _prctl(option: int, value: int) -> None:
    _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


def _unshare_works() -> str:
    """Why namespaces cannot be made here, or '' when they can (probed in a child)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if lib.bsdu_unshare(NS_FLAGS) == 0 else 1)
    return (
        ""
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        else "unshare of the jail namespaces fails"
    )


@pytest.fixture(scope="module", autouse=True)
def jails_possible():
    if os.geteuid() != 0:
        pytest.skip("jails need root (namespaces, mounts, cgroups)")
    try:
        root = jailns.cgroup2_root()
    except JailNsError as e:
        pytest.skip(str(e))
    if not os.path.exists(os.path.join(root, "cgroup.procs")) or not os.path.exists(
        "/proc/self/ns/cgroup"
    ):
        pytest.skip("no usable cgroup v2 / cgroup namespaces")
    if tuple(int(x) for x in os.uname().release.split(".")[:2]) < (5, 14):
        pytest.skip("jails need Linux 5.14+ (cgroup.kill)")
    why = _unshare_works()
    if why:
        pytest.skip(why)


@pytest.fixture(autouse=True)
def own_scope(monkeypatch, tmp_path):
    """These jails have no registry row: in the default registry's cgroup scope any bsdulator
    (another test's, a user's) would take them for a crashed creator's and reap them."""
    monkeypatch.setenv("BSDULATOR_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def subreaper():
    """Holders whose creator exits become this process's children, so destroy() reaps them at
    once."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    yield
    _prctl(PR_SET_CHILD_SUBREAPER, 0)


def _reap_adopted(pid_ns: int) -> None:
    """Wait for our zombie children from the jail's PID namespace, as a supervisor's wait loop
    does."""
    for entry in filter(str.isdigit, os.listdir("/proc")):
        stat = procfs.stat_if_alive(entry)
        if stat and stat.state == "Z" and stat.ppid == os.getpid():
            try:
                if os.stat(f"/proc/{entry}/ns/pid").st_ino == pid_ns:
                    os.waitpid(int(entry), os.WNOHANG)
            except (FileNotFoundError, ChildProcessError):
                pass


def _remove(holder) -> None:
    """kill, then finish while reaping what we adopted: how a supervisor removes a jail."""
    pid_ns = jailns.namespaces(holder)["pid"].inode if jailns.alive(holder) else 0
    jailns.kill(holder)

    def finished() -> bool:
        done = jailns.finish(holder)
        if not done:
            _reap_adopted(pid_ns)
        return done

    assert wait_until(finished, 10, interval=0.002), jailns.members(holder)
    jailns.destroy(holder)  # nothing is left to do: idempotent


def _mountinfo() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return sorted(f)


@pytest.fixture
def jails(subreaper):
    """make(path, **create kwargs) → Holder; afterwards every jail is destroyed and must leave
    nothing."""
    mounts = _mountinfo()
    made = []

    def make(path, hostname="jail", **kw):
        holder = jailns.create(next(_jids), str(path), hostname, **kw)
        made.append((holder, jailns.namespaces(holder)))
        return holder

    yield make
    failed = []
    for holder, _ in made:
        try:
            _remove(holder)
        except AssertionError as e:
            failed.append(e)
            jailns.destroy(holder)  # do not leave it behind for the next test run
    assert not failed
    assert [p for holder, ns in made for p in jailns.leftovers(holder, ns)] == []
    assert _mountinfo() == mounts
    assert not any(os.path.exists(holder.cgroup) for holder, _ in made)


@pytest.fixture
def root(tmp_path):
    """A jail path with a few files, links that try to leave it, and a file outside it."""
    (tmp_path / "outside.txt").write_text("outside")
    jail = tmp_path / "jail"
    (jail / "etc").mkdir(parents=True)
    (jail / "etc" / "hello").write_text("inside")
    (jail / "link_abs").symlink_to("/etc/hello")
    (jail / "link_up").symlink_to("../" * 12 + "outside.txt")
    (jail / "link_host").symlink_to(tmp_path / "outside.txt")
    return jail


def _attach(holder, *paths):
    """Start ATTACHED joined to the jail; (process, what it saw, what its child saw)."""
    plan = jailns.attach_plan(holder)
    proc = subprocess.Popen(
        [sys.executable, "-c", ATTACHED, str(plan.pid), str(plan.flags), *paths],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    jailns.join_cgroup(holder, proc.pid)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    seen = proc.stdout.readline()
    child = proc.stdout.readline()
    if not child:
        pytest.fail(f"the attached process failed: {proc.stderr.read()}")
    assert jailns.joined(plan, proc.pid)
    return proc, json.loads(seen), json.loads(child)


def test_attached_process_sees_only_the_jail(jails, root, tmp_path):
    holder = jails(root, hostname="inside.example", domainname="nis.example")
    escapes = (
        "/link_up",
        "/link_host",
        "/../outside.txt",
        "/etc/../../outside.txt",
        str(tmp_path / "outside.txt"),
        "/proc/self/status",
    )
    proc, seen, child = _attach(holder, "/link_abs", *escapes)
    assert seen["hostname"] == "inside.example" and seen["domainname"] == "nis.example"
    assert socket.gethostname() != "inside.example"
    assert seen["root"] == seen["root_dotdot"] == ["dev", "etc", "link_abs", "link_host", "link_up"]
    assert seen["cwd"] == "/"
    assert seen["/link_abs"] == "inside"
    for escape in escapes:
        assert seen[escape] == "FileNotFoundError", escape
    assert seen["dev"] == JAIL_DEV
    assert seen["pts"] == ["0", "ptmx"]  # a devpts of its own: the host's ptys are not there
    assert child["pid"] == 2 and child["ppid"] == 0  # PID 2 of the jail; its parent lives outside
    assert child["fds"] == ["0", "1", "2"] and child["stdout"] == os.strerror(errno.ENXIO)
    assert proc.pid in jailns.members(holder) and holder.pid in jailns.members(holder)
    assert len(jailns.members(holder)) == 3
    _remove(holder)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_network_and_ipc_namespaces_only_when_asked(jails, root):
    shared = jails(root)
    own = jails(root, vnet=True, sysvipc_new=True)
    assert set(jailns.namespaces(shared)) == {"mnt", "uts", "pid", "cgroup"}
    assert set(jailns.namespaces(own)) == {"mnt", "uts", "pid", "cgroup", "net", "ipc"}
    proc, seen, _ = _attach(own)
    assert seen["interfaces"] == ["lo"]
    proc.kill()
    proc.wait()


def test_holder_is_a_detached_pid_1(jails, root):
    holder = jails(root)
    status = dict(
        line.split(":\t", 1) for line in open(f"/proc/{holder.pid}/status").read().splitlines()
    )
    assert status["NSpid"].split()[-1] == "1"
    assert status["TracerPid"].strip() == "0"
    ignored = int(status["SigIgn"], 16)
    assert all(ignored & (1 << (sig - 1)) for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM))
    assert os.getsid(holder.pid) == holder.pid  # a session of its own
    fds = {
        fd: os.readlink(f"/proc/{holder.pid}/fd/{fd}")
        for fd in os.listdir(f"/proc/{holder.pid}/fd")
    }
    assert fds == {"0": "/dev/null", "1": "/dev/null", "2": "/dev/null"}
    assert os.readlink(f"/proc/{holder.pid}/root") == "/"
    assert sorted(os.listdir(f"/proc/{holder.pid}/root")) == sorted(os.listdir(root))
    with open(f"/proc/{holder.pid}/comm") as f:
        assert f.read().strip() == f"jail.{holder.jid}"
    os.kill(holder.pid, signal.SIGTERM)  # a stray kill on the host does not end the jail
    # No event says "the signal was ignored": watch for a death for a while; none may come.
    assert not wait_until(lambda: not jailns.alive(holder), timeout=0.05)


def _pid_ns_parent(pid: int) -> int:
    """The inode of the parent of pid's PID namespace (NS_GET_PARENT)."""
    fd = os.open(f"/proc/{pid}/ns/pid", os.O_RDONLY)
    try:
        parent = fcntl.ioctl(fd, 0xB702)  # _IO(0xb7, 0x2)
    finally:
        os.close(fd)
    try:
        return os.fstat(parent).st_ino
    finally:
        os.close(parent)


def test_child_jail_pid_namespace_lies_in_its_parents(jails, root):
    parent = jails(root)
    child = jails(root, parent=parent)
    assert _pid_ns_parent(child.pid) == os.stat(f"/proc/{parent.pid}/ns/pid").st_ino
    status = dict(
        line.split(":\t", 1) for line in open(f"/proc/{child.pid}/status").read().splitlines()
    )
    nspid = [int(x) for x in status["NSpid"].split()]
    # host, parent jail, its own
    assert nspid[0] == child.pid and nspid[-1] == 1 and len(nspid) == 3
    assert (
        os.stat(f"/proc/{child.pid}/ns/pid").st_ino != os.stat(f"/proc/{parent.pid}/ns/pid").st_ino
    )
    assert jailns.members(child) == [child.pid]


def test_host_view_is_unchanged(jails, root):
    before = sorted(os.listdir(root))
    jails(root)
    # the mount point, made when missing
    assert sorted(os.listdir(root)) == sorted(before + ["dev"])
    assert os.listdir(root / "dev") == []  # the jail's /dev is a tmpfs only it sees


def test_names_can_change_from_outside(jails, root):
    holder = jails(root, hostname="first")
    mine = socket.gethostname()
    jailns.set_hostname(holder, "second")
    jailns.set_domainname(holder, "dom")
    proc, seen, _ = _attach(holder)
    assert (seen["hostname"], seen["domainname"]) == ("second", "dom")
    assert socket.gethostname() == mine
    with pytest.raises(JailNsError, match="longer than"):
        jailns.set_hostname(holder, "x" * 65)
    proc.kill()
    proc.wait()


def test_holder_survives_its_creator_being_killed(jails, root):
    """A separate process creates the jail and is SIGKILLed; the jail lives on, and this one
    destroys it."""
    jid = next(_jids)
    code = f"""
        import json, sys
        from bsdulator.jail import namespaces as jailns
        h = jailns.create({jid}, {str(root)!r}, "orphan")
        print(json.dumps([h.jid, h.pid, h.start, h.cgroup]), flush=True)
        sys.stdin.read()
    """
    creator = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=REPO),
    )
    holder = jailns.Holder(*json.loads(creator.stdout.readline()))
    ns = jailns.namespaces(holder)
    creator.send_signal(signal.SIGKILL)
    creator.wait()
    # The holder must outlive its creator: watch for its death for a while; none may come.
    assert not wait_until(lambda: not jailns.alive(holder), timeout=0.05)
    assert jailns.lookup(jid) == holder and jid in jailns.jids()
    proc, seen, _ = _attach(holder)
    assert seen["hostname"] == "orphan"
    _remove(holder)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert jailns.leftovers(holder, ns) == []
    jailns.destroy(holder)  # idempotent


def test_destroy_without_being_the_holders_parent(root):
    """No subreaper: the holder and orphaned jail processes go to init, which reaps them."""
    mounts = _mountinfo()
    holder = jailns.create(next(_jids), str(root), "plain")
    ns = jailns.namespaces(holder)
    assert procfs.stat(holder.pid).ppid != os.getpid()
    proc, _, _ = _attach(holder)
    jailns.destroy(holder)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert not jailns.alive(holder)
    assert jailns.leftovers(holder, ns) == []
    assert _mountinfo() == mounts


def test_destroy_says_why_a_jail_is_still_dying(jails, root):
    """A jail process whose parent (here: us, as a supervisor) does not reap it keeps the jail
    dying."""
    holder = jails(root)
    proc, _, _ = _attach(holder)
    with pytest.raises(JailNsError, match=r"still dying .*state Z, parent " + str(os.getpid())):
        jailns.destroy(holder, timeout=0.3)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_path_slash_jail_sees_host_files_but_no_proc(jails):
    holder = jails("/")
    proc, seen, _ = _attach(holder, "/proc/self/status", "/sys/kernel/hostname", "/etc/hostname")
    assert seen["/proc/self/status"] == seen["/sys/kernel/hostname"] == "FileNotFoundError"
    assert os.path.exists("/etc/hostname") == (seen["/etc/hostname"] != "FileNotFoundError")
    assert "null" in seen["dev"] and ".linux-proc" not in seen["dev"]
    assert os.path.exists("/proc/self/status")  # the host keeps its own
    proc.kill()
    proc.wait()


def test_creation_errors_are_clear(jails, root, tmp_path):
    with pytest.raises(JailNsError, match="not a directory"):
        jailns.create(next(_jids), str(tmp_path / "missing"), "x")
    with pytest.raises(JailNsError, match="longer than"):
        jailns.create(next(_jids), str(root), "h" * 65)
    holder = jails(root)
    with pytest.raises(JailNsError, match="still holds the processes of an earlier jail"):
        jailns.create(holder.jid, str(root), "again")
    assert jailns.alive(holder)


def test_lookup_of_unknown_and_destroyed_jails(jails, root):
    holder = jails(root)
    assert jailns.lookup(holder.jid) == holder
    jailns.destroy(holder)
    assert jailns.lookup(holder.jid) is None
    with pytest.raises(JailNsError, match="gone"):
        jailns.attach_plan(holder)
    with pytest.raises(JailNsError, match="gone"):
        jailns.join_cgroup(holder, os.getpid())


def test_creation_is_fast(jails, root):
    times = []
    for _ in range(5):
        t = time.monotonic()
        jails(root)
        times.append(time.monotonic() - t)
    assert min(times) < 0.5


def test_leftovers_notices_a_namespace_kept_open(jails, root):
    """The leak check itself: a live jail, then a network namespace kept by an open fd, are
    reported."""
    holder = jails(root, vnet=True)
    ns = jailns.namespaces(holder)
    live = jailns.leftovers(holder, ns)
    assert any("runs" in p for p in live) and any("cgroup" in p for p in live)
    fd = os.open(f"/proc/{holder.pid}/ns/net", os.O_RDONLY)
    try:
        _remove(holder)
        kept = jailns.leftovers(holder, ns)
        assert len(kept) == 1 and kept[0].startswith(f"process {os.getpid()} ")
        assert kept[0].endswith(f"holds net:[{ns['net'].inode}]")
    finally:
        os.close(fd)
    assert jailns.leftovers(holder, ns) == []


def test_a_holder_that_fails_reports_why_and_leaves_nothing(jails, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "dev").write_text("a file where the jail's /dev must be mounted")
    jid = next(_jids)
    with pytest.raises(JailNsError, match=f"cannot start jail {jid}: .*File exists.*dev"):
        jailns.create(jid, str(broken), "x")
    assert jailns.lookup(jid) is None
