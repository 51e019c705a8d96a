"""kern.proc from /proc: kinfo_proc of real processes, jail filtering, and ps/pgrep end to end."""

import os
import re
import resource
import struct
import subprocess
import threading
import time
from types import SimpleNamespace

import pytest

from bsdulator import procfs, procinfo, structs
from bsdulator.abi import kinfo as K
from bsdulator.abi import sysctl as abi
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import procsysctl
from bsdulator.sysctl import Context, SysctlTree
from helpers import wait_until

pytestmark = pytest.mark.unit

SIZE = structs.sizeof("kinfo_proc")
ESRCH, EPERM, EINVAL, ENOMEM, ENOENT = 3, 1, 22, 12, 2


def _threads() -> int:
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("Threads:")).split()[1])


def _kinfo(pid, seen=None, threads=False):
    seen = seen if seen is not None else procinfo.Seen()
    ctx = Context(usrstack=0, ps_strings=0)
    return [
        structs.unpack("kinfo_proc", b)
        for b in procinfo.kinfo_procs(
            procinfo.read(pid), seen, threads=threads, boottime=ctx.boottime, now=time.time()
        )
    ]


def _asleep_in(pid: int, comm: str) -> bool:
    """Whether pid runs comm and sleeps in the kernel (state S, a wait channel), as the tests
    expect."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        with open(f"/proc/{pid}/wchan") as f:
            wchan = f.read()
    except FileNotFoundError:
        return False
    return stat.split(" (", 1)[1].startswith(f"{comm}) S ") and wchan not in ("", "0")


@pytest.fixture
def child():
    """A sleeping child started at a known time, with a marker in its environment."""
    before = time.time()
    proc = subprocess.Popen(
        ["sleep", "30"], env={"PROCINFO_MARKER": "here", "PATH": os.environ["PATH"]}
    )
    after = time.time()
    assert wait_until(lambda: _asleep_in(proc.pid, "sleep"), timeout=10), (
        "the child never went to sleep"
    )
    yield SimpleNamespace(pid=proc.pid, before=before, after=after)
    proc.kill()
    proc.wait()


# ---- procinfo: one process ---------------------------------------------------------------


def test_kinfo_proc_of_this_process():
    (k,) = _kinfo(os.getpid())
    assert (k["ki_structsize"], k["ki_pid"], k["ki_ppid"]) == (
        K.KINFO_PROC_SIZE,
        os.getpid(),
        os.getppid(),
    )
    assert (k["ki_pgid"], k["ki_sid"]) == (os.getpgrp(), os.getsid(0))
    assert (k["ki_ruid"], k["ki_uid"], k["ki_rgid"]) == (os.getuid(), os.geteuid(), os.getgid())
    assert k["ki_groups"][: k["ki_ngroups"]] == [os.getegid(), *os.getgroups()][: K.KI_NGROUPS]
    with open("/proc/self/comm", "rb") as f:
        assert k["ki_comm"] == f.read().strip()
    assert k["ki_stat"] == K.SRUN and k["ki_oncpu"] >= 0
    assert k["ki_flag"] & K.P_INMEM and not k["ki_flag"] & (K.P_TRACED | K.P_SYSTEM | K.P_JAILED)
    assert (k["ki_emul"], k["ki_loginclass"]) == (b"Linux ELF64", b"default")
    assert k["ki_numthreads"] == _threads() and k["ki_tid"] == os.getpid()
    assert 0 < k["ki_rssize"] * 4096 <= k["ki_size"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    runtime = k["ki_runtime"] / 1e6
    assert (
        usage.ru_utime + usage.ru_stime - 0.05 <= runtime <= usage.ru_utime + usage.ru_stime + 0.05
    )
    started = k["ki_start"]["tv_sec"] + k["ki_start"]["tv_usec"] / 1e6
    assert started <= time.time()


def test_start_time_state_and_signals_of_a_sleeping_child(child):
    (k,) = _kinfo(child.pid)
    started = k["ki_start"]["tv_sec"] + k["ki_start"]["tv_usec"] / 1e6
    assert child.before - 0.05 <= started <= child.after + 0.05
    assert (k["ki_ppid"], k["ki_comm"], k["ki_stat"]) == (os.getpid(), b"sleep", K.SSLEEP)
    assert k["ki_tdflags"] & K.TDF_SINTR and k["ki_wmesg"] == b"nanslp" and k["ki_wchan"]
    assert k["ki_oncpu"] == K.NOCPU and k["ki_oncpu_old"] == K.NOCPU_OLD
    assert k["ki_pri"]["pri_class"] == K.PRI_TIMESHARE
    assert k["ki_sigmask"] == {"__bits": [0, 0, 0, 0]}


def test_no_controlling_tty_is_nodev():
    with open("/proc/self/stat") as f:
        tty_nr = int(f.read().rsplit(")", 1)[1].split()[4])
    (k,) = _kinfo(os.getpid())
    if tty_nr:
        assert k["ki_flag"] & K.P_CONTROLT and k["ki_tdev"] == structs.dev_to_freebsd(tty_nr)
        assert k["ki_kiflag"] & K.KI_CTTY
    else:
        assert not k["ki_flag"] & K.P_CONTROLT
        assert (k["ki_tdev"], k["ki_tdev_freebsd11"], k["ki_tpgid"]) == (K.NODEV, 0xFFFFFFFF, 0)


def test_threads_get_one_entry_each():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        entries = _kinfo(os.getpid(), threads=True)
        assert {e["ki_tid"] for e in entries} >= {os.getpid(), worker.native_id}
        assert entries[0]["ki_tid"] == os.getpid()
        assert {e["ki_pid"] for e in entries} == {os.getpid()}
        assert (
            len(_kinfo(worker.native_id)) == 1
            and _kinfo(worker.native_id)[0]["ki_pid"] == os.getpid()
        )
    finally:
        stop.set()
        worker.join()


def test_kernel_threads_are_system_processes_without_arguments():
    kthreadd = procinfo.read(2)
    if not kthreadd.kernel:
        pytest.skip("no kthreadd as pid 2 here")
    (k,) = _kinfo(2)
    assert k["ki_flag"] & K.P_SYSTEM and k["ki_emul"] == b"null"
    assert procinfo.args(kthreadd, procinfo.Seen()) == b""


def test_seen_overrides_what_proc_says():
    seen = procinfo.Seen(
        jid=3, jailed=True, login="operator", comm="a-long-command-name", freebsd=True
    )
    (k,) = _kinfo(os.getpid(), seen)
    assert (k["ki_jid"], k["ki_login"], k["ki_emul"]) == (3, b"operator", b"FreeBSD ELF64")
    assert k["ki_flag"] & K.P_JAILED
    assert (k["ki_comm"], k["ki_tdname"], k["ki_moretdname"]) == (
        b"a-long-command-name",
        b"a-long-command-n",
        b"ame",
    )


def test_env_umask_rlimit_groups_pathname(child):
    assert (
        procinfo.env(procinfo.read(child.pid))
        == b"PROCINFO_MARKER=here\0PATH=" + os.environ["PATH"].encode() + b"\0"
    )
    me = procinfo.read(os.getpid())
    mask = os.umask(0o22)
    os.umask(mask)
    assert procinfo.umask(me) == mask
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert procinfo.rlimit(os.getpid(), 8) == (soft, hard)  # FreeBSD RLIMIT_NOFILE
    # RLIMIT_SBSIZE: FreeBSD only
    assert procinfo.rlimit(os.getpid(), 9)[0] == procinfo.FREEBSD_RLIM_INFINITY
    assert me.groups == [os.getegid(), *os.getgroups()]
    assert procinfo.pathname(me) == os.readlink("/proc/self/exe")


def test_devname():
    assert procinfo.devname(structs.dev_to_freebsd(os.makedev(136, 3))) == "pts/3"
    assert procinfo.devname(structs.dev_to_freebsd(os.makedev(137, 1))) == "pts/257"
    if os.path.exists("/sys/dev/char/1:3"):
        assert procinfo.devname(structs.dev_to_freebsd(os.makedev(1, 3))) == "null"
    assert procinfo.devname(structs.dev_to_freebsd(os.makedev(4095, 4095))) is None


# ---- the sysctl nodes, through a tree with procsysctl installed -------------------------------


class _Sup:
    """The parts of the supervisor procsysctl uses."""

    def __init__(self, jail_of=None):
        self.sysctl = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
        self.jails = None
        # jails as syscalls/jail.py's JailService numbers them: here, all in the host's namespace
        if jail_of:
            self.jails = SimpleNamespace(
                jail_of=jail_of,
                is_holder=lambda pid: False,
                numbering=lambda pid, jid: {p: p for p in procfs.pids() if jail_of(p) == jid},
            )
        self.procs = {}
        self.kernel = SimpleNamespace(osreldate=1305000)
        procsysctl.install(self)


def _ctx(pid=None, uid=None):
    ctx = Context(usrstack=0, ps_strings=0, uid=os.geteuid() if uid is None else uid)
    ctx.pid = os.getpid() if pid is None else pid
    return ctx


def _call(sup, ctx, *mib, new=None, oldlen=1 << 22):
    return sup.sysctl.call(ctx, [abi.CTL_KERN, abi.KERN_PROC, *mib], oldlen, new)


def _procs(sup, ctx, *mib):
    """What kvm_getprocs does: size, then read; the entries by pid."""
    size = _call(sup, ctx, *mib, oldlen=None).oldlen
    reply = _call(sup, ctx, *mib, oldlen=size)
    assert reply.errno == 0 and len(reply.data) % SIZE == 0
    entries = [
        structs.unpack("kinfo_proc", reply.data[i : i + SIZE])
        for i in range(0, len(reply.data), SIZE)
    ]
    return {e["ki_pid"]: e for e in entries}


def test_sizing_allows_five_more_and_pid_is_exact():
    sup, ctx = _Sup(), _ctx()
    listed = len(_procs(sup, ctx, abi.KERN_PROC_PROC))
    assert (
        _call(sup, ctx, abi.KERN_PROC_PROC, oldlen=None).oldlen
        >= (listed + procsysctl.SIZING_SLACK - 3) * SIZE
    )
    assert _call(sup, ctx, abi.KERN_PROC_PID, os.getpid(), oldlen=None).oldlen == SIZE


def test_a_short_buffer_gets_enomem_and_what_fits():
    sup, ctx = _Sup(), _ctx()
    reply = _call(sup, ctx, abi.KERN_PROC_PROC, oldlen=SIZE + 10)
    assert reply.errno == ENOMEM and len(reply.data) == SIZE + 10 and reply.oldlen == SIZE + 10


def test_selectors(child):
    sup, ctx = _Sup(), _ctx()
    assert {os.getpid(), child.pid, 1} <= set(_procs(sup, ctx, abi.KERN_PROC_PROC))
    assert os.getpid() in _procs(sup, ctx, abi.KERN_PROC_PGRP, os.getpgrp())
    assert os.getpid() in _procs(sup, ctx, abi.KERN_PROC_SESSION, os.getsid(0))
    assert os.getpid() in _procs(sup, ctx, abi.KERN_PROC_UID, os.geteuid())
    assert os.getpid() in _procs(sup, ctx, abi.KERN_PROC_RGID, os.getgid())
    assert os.getpid() not in _procs(sup, ctx, abi.KERN_PROC_UID, os.geteuid() + 4242)
    assert set(_procs(sup, ctx, abi.KERN_PROC_PID, child.pid)) == {child.pid}
    threads = _call(sup, ctx, abi.KERN_PROC_PID | abi.KERN_PROC_INC_THREAD, os.getpid())
    assert len(threads.data) == SIZE * _threads()
    with pytest.raises(FreeBSDError) as e:
        _call(sup, ctx, abi.KERN_PROC_UID)
    assert e.value.errno == EINVAL
    with pytest.raises(FreeBSDError) as e:
        _call(sup, ctx, abi.KERN_PROC_PID, 0x7FFFFFF0)
    assert e.value.errno == ESRCH


def test_an_unjailed_caller_sees_every_jail_with_its_jid(child):
    sup, ctx = _Sup(jail_of=lambda pid: 7 if pid == child.pid else 0), _ctx()
    procs = _procs(sup, ctx, abi.KERN_PROC_PROC)
    assert 1 in procs and os.getpid() in procs
    assert procs[child.pid]["ki_jid"] == 7 and procs[child.pid]["ki_flag"] & K.P_JAILED
    assert procs[os.getpid()]["ki_jid"] == 0 and not procs[os.getpid()]["ki_flag"] & K.P_JAILED


def test_a_jailed_caller_sees_only_its_jail(child):
    sup, ctx = _Sup(jail_of=lambda pid: 7 if pid in (child.pid, os.getpid()) else 0), _ctx()
    procs = _procs(sup, ctx, abi.KERN_PROC_PROC)
    assert set(procs) == {child.pid, os.getpid()}
    # its own jail is 0
    assert procs[child.pid]["ki_jid"] == 0 and procs[child.pid]["ki_flag"] & K.P_JAILED
    for mib in ([abi.KERN_PROC_PID, 1], [abi.KERN_PROC_ARGS, 1], [abi.KERN_PROC_PATHNAME, 1]):
        with pytest.raises(FreeBSDError) as e:
            _call(sup, ctx, *mib)
        assert e.value.errno == ESRCH
    assert _call(sup, ctx, abi.KERN_PROC_ARGS, child.pid).data == b"sleep\x0030\0"


def test_per_process_nodes(child):
    sup, ctx = _Sup(), _ctx()
    with open("/proc/self/cmdline", "rb") as f:
        assert _call(sup, ctx, abi.KERN_PROC_ARGS, -1).data == f.read()
    assert (
        _call(sup, ctx, abi.KERN_PROC_PATHNAME, -1).data
        == os.fsencode(os.readlink("/proc/self/exe")) + b"\0"
    )
    assert b"PROCINFO_MARKER=here\0" in _call(sup, ctx, abi.KERN_PROC_ENV, child.pid).data
    assert _call(sup, ctx, abi.KERN_PROC_SV_NAME, child.pid).data == b"Linux ELF64\0"
    groups = _call(sup, ctx, abi.KERN_PROC_GROUPS, -1).data
    assert list(struct.unpack(f"<{len(groups) // 4}I", groups)) == [os.getegid(), *os.getgroups()]
    mask = os.umask(0o27)
    try:
        assert _call(sup, ctx, abi.KERN_PROC_UMASK, 0).data == struct.pack("<H", 0o27)
    finally:
        os.umask(mask)
    assert struct.unpack(
        "<qq", _call(sup, ctx, abi.KERN_PROC_RLIMIT, os.getpid(), 8).data
    ) == resource.getrlimit(resource.RLIMIT_NOFILE)
    with pytest.raises(FreeBSDError) as e:
        _call(sup, ctx, abi.KERN_PROC_RLIMIT, os.getpid(), K.RLIM_NLIMITS)
    assert e.value.errno == EINVAL


def test_rlimit_writes():
    sup, ctx = _Sup(), _ctx()
    saved = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        _call(sup, ctx, abi.KERN_PROC_RLIMIT, os.getpid(), 8, new=struct.pack("<qq", 64, saved[1]))
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (64, saved[1])
        with pytest.raises(FreeBSDError) as e:  # raising the hard limit takes root
            _call(
                sup,
                _ctx(uid=4242),
                abi.KERN_PROC_RLIMIT,
                os.getpid(),
                8,
                new=struct.pack("<qq", 64, saved[1] + 1),
            )
        assert e.value.errno == EPERM
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, saved)


def test_a_stranger_may_not_read_the_environment(child):
    sup = _Sup()
    with pytest.raises(FreeBSDError) as e:
        _call(sup, _ctx(uid=4242), abi.KERN_PROC_ENV, child.pid)
    assert e.value.errno == EPERM


def test_a_title_set_is_kept_for_that_process_only(child):
    sup, ctx = _Sup(), _ctx()
    assert _call(sup, ctx, abi.KERN_PROC_ARGS, os.getpid(), new=b"python: testing\0").errno == 0
    assert _call(sup, ctx, abi.KERN_PROC_ARGS, os.getpid()).data == b"python: testing\0"
    procs = _procs(sup, ctx, abi.KERN_PROC_PROC)
    assert procs[os.getpid()]["ki_comm"] != b"python: testing"  # the title is not the command name
    with pytest.raises(FreeBSDError) as e:
        _call(sup, ctx, abi.KERN_PROC_ARGS, child.pid, new=b"x\0")
    assert e.value.errno == EPERM
    _call(sup, ctx, abi.KERN_PROC_ARGS, os.getpid(), new=b"")
    with open("/proc/self/cmdline", "rb") as f:
        assert _call(sup, ctx, abi.KERN_PROC_ARGS, os.getpid()).data == f.read()


def test_osrel_reads_the_kernels_until_set():
    sup, ctx = _Sup(), _ctx()
    assert _call(sup, ctx, abi.KERN_PROC_OSREL, os.getpid()).data == struct.pack("<i", 1305000)
    _call(sup, ctx, abi.KERN_PROC_OSREL, os.getpid(), new=struct.pack("<i", 1002000))
    assert _call(sup, ctx, abi.KERN_PROC_OSREL, os.getpid()).data == struct.pack("<i", 1002000)
    with pytest.raises(FreeBSDError) as e:
        _call(sup, ctx, abi.KERN_PROC_OSREL, os.getpid(), new=struct.pack("<i", -1))
    assert e.value.errno == EINVAL


def test_other_nodes_ps_reads():
    sup, ctx = _Sup(), _ctx()
    tree = sup.sysctl
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    assert tree.call_by_name(ctx, b"kern.pid_max", 4, None).data == struct.pack("<i", pid_max)
    assert tree.call_by_name(ctx, b"kern.fscale", 4, None).data == struct.pack("<i", K.FSCALE)
    assert tree.call_by_name(ctx, b"kern.ccpu", 4, None).data == struct.pack("<I", K.CCPU)
    assert tree.call_by_name(ctx, b"hw.availpages", 8, None).data == struct.pack(
        "<q", ctx.physmem // 4096
    )
    pts = struct.pack("<Q", structs.dev_to_freebsd(os.makedev(136, 5)))
    assert tree.call_by_name(ctx, b"kern.devname", 64, pts).data == b"pts/5\0"
    with pytest.raises(FreeBSDError) as e:
        tree.call_by_name(ctx, b"kern.devname", 64, struct.pack("<Q", K.NODEV))
    assert e.value.errno == EINVAL
    with pytest.raises(FreeBSDError) as e:
        tree.call_by_name(
            ctx, b"kern.devname", 64, struct.pack("<Q", structs.dev_to_freebsd(os.makedev(4095, 9)))
        )
    assert e.value.errno == ENOENT
    assert tree.call_by_name(ctx, b"kern.proc.all", None, None).oldlen > SIZE


# ---- end to end: FreeBSD's ps, pgrep and pkill -------------------------------------------------


def _rows(out: bytes) -> list[list[str]]:
    return [line.split(None, 3) for line in out.decode().splitlines()[1:]]


def test_ps_ax_lists_itself_and_its_parent(bsd):
    r = bsd("./freebsd-root/bin/ps", "-ax", "-o", "pid,ppid,comm,args")
    assert r.returncode == 0, r.stderr
    rows = {int(pid): (int(ppid), comm, args) for pid, ppid, comm, args in _rows(r.stdout)}
    (me,) = [
        pid
        for pid, (_, comm, args) in rows.items()
        if comm == "ps" and args.startswith("./freebsd-root/bin/ps -ax")
    ]
    parent = rows[me][0]
    assert parent in rows and rows[parent][1] != "ps"
    assert 1 in rows


def test_ps_default_format(bsd):
    r = bsd("./freebsd-root/bin/ps", "-ax")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0].split() == ["PID", "TT", "STAT", "TIME", "COMMAND"]
    assert re.search(
        r"^\s*\d+\s+\S+\s+R\S*\s+\S+\s+\./freebsd-root/bin/ps -ax$", r.stdout.decode(), re.M
    )


def test_ps_sees_a_shell_and_its_children(bsd, freebsd_root):
    r = bsd(
        freebsd_root / "bin/sh",
        "-c",
        "sleep 30 & sleep 1; ps -ax -o pid,ppid,comm,args; echo $$ $!; kill $!",
    )
    assert r.returncode == 0, r.stderr
    *table, last = r.stdout.decode().splitlines()
    sh, sleep = map(int, last.split())
    rows = {
        int(pid): (int(ppid), comm, args)
        for pid, ppid, comm, args in _rows("\n".join(table).encode())
    }
    assert rows[sh][1] == "sh" and rows[sleep] == (sh, "sleep", "sleep 30")
    assert [comm for ppid, comm, _ in rows.values() if ppid == sh and comm == "ps"] == ["ps"]


@pytest.mark.syscalls("kill")
def test_pgrep_and_pkill(bsd, freebsd_root):
    script = (
        "sh -c 'sleep 30; :' & inner=$!; sleep 30 & bg=$!; sleep 1; echo $$ $inner $bg; "
        "pgrep sh | tr '\\n' ' '; echo; pgrep -P $$ -x sleep; "
        "pkill -P $$ -x sleep; wait $bg; echo $?; pkill -P $inner; wait"
    )
    r = bsd(freebsd_root / "bin/sh", "-c", script, timeout=60)
    assert r.returncode == 0, r.stderr
    ids, shells, sleeps, status = r.stdout.decode().splitlines()
    outer, inner, bg = ids.split()
    assert inner in shells.split() and outer not in shells.split()  # pgrep leaves out its ancestors
    assert sleeps == bg
    assert status == "143"  # 128 + SIGTERM, from pkill


def test_pgrep_without_match_fails(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/pgrep", "-x", "no-such-program-here")
    assert (r.returncode, r.stdout) == (1, b"")


def test_ps_p_and_u(bsd, freebsd_root):
    r = bsd(freebsd_root / "bin/ps", "-u", "-p", "1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0].split()[:3] == ["USER", "PID", "%CPU"] and lines[1].split()[1] == "1"
