"""FreeBSD's view of a Linux process, read from /proc: struct kinfo_proc and the other kern.proc
answers.

Reading and packing only.  Which processes a caller may see, how it names their jail and what
the supervisor knows beyond /proc (setlogin names, titles set with setproctitle) come in as a
Seen from the caller, syscalls/procsysctl.py.

Linux runs FreeBSD programs as they are (bsdulator/image.py), so /proc's command line and exe
are FreeBSD's too; whether an image is a FreeBSD one is read from its ELF header.  The ptrace
stops that serve their syscalls are hidden: such a thread is running in the kernel as FreeBSD
sees it, and nobody traces it."""

import os
import resource
from dataclasses import dataclass

from . import elf, procfs
from .abi import kinfo as K
from .abi.devices import LINUX_UNIX98_PTY_MINORS
from .abi.limits import LINUX_NICE, LINUX_RT_PRIORITY, LINUX_TASK_COMM_LEN
from .abi.machine import FREEBSD_PAGE_SIZES
from .structs import dev_to_freebsd, dev_to_linux, pack
from .translate import RLIMIT_RESOURCES, signal_to_freebsd, sigset_to_freebsd

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = FREEBSD_PAGE_SIZES["PAGE_SIZE"]  # the unit of ki_rssize and the other sizes in pages
LINUX_COMM_MAX = LINUX_TASK_COMM_LEN - 1
EMUL_FREEBSD, EMUL_LINUX, EMUL_KERNEL = "FreeBSD ELF64", "Linux ELF64", "null"
FREEBSD_RLIM_INFINITY = (1 << 63) - 1
_ASLEEP = (
    1  # ki_wchan of a sleeping thread: Linux shows no address; ps needs non-zero for the wmesg
)


@dataclass(frozen=True)
class Task:
    """One Linux thread as its /proc directory shows it."""

    stat: dict  # procfs.STAT_FIELDS present in this kernel's stat line; ints but comm and state
    status: dict  # /proc status "Name: value" lines, values as text
    wchan: str  # the kernel function it sleeps in, "" when running or hidden


@dataclass(frozen=True)
class Proc:
    """One Linux process, read once for all the kern.proc answers about it."""

    pid: int
    main: Task
    cmdline: list

    @property
    def uids(self) -> list[int]:
        """Real, effective and saved uid."""
        return [int(v) for v in self.main.status["Uid"].split()[:3]]

    @property
    def gids(self) -> list[int]:
        """Real, effective and saved gid."""
        return [int(v) for v in self.main.status["Gid"].split()[:3]]

    @property
    def groups(self) -> list[int]:
        """FreeBSD's cr_groups: the effective gid, then the supplementary groups."""
        return [self.gids[1], *(int(v) for v in self.main.status.get("Groups", "").split())]

    @property
    def kernel(self) -> bool:
        """A kernel thread: FreeBSD's P_SYSTEM kernel process, without arguments or address
        space."""
        return bool(self.main.stat["flags"] & K.LINUX_PF_KTHREAD)

    @property
    def exe(self) -> str | None:
        """The program's path in its own view of the file system; None without one (kernel,
        zombie)."""
        try:
            return os.readlink(f"/proc/{self.pid}/exe")
        except OSError:
            return None

    def threads(self) -> list[Task]:
        """Every thread, the main one first; threads that end meanwhile are left out."""
        tids = sorted(int(t) for t in procfs.listdir(self.pid, "task"))
        tasks = [self.main]
        for tid in tids:
            if tid != self.pid:
                try:
                    tasks.append(_task(f"{self.pid}/task/{tid}"))
                except ProcessLookupError:
                    pass
        return tasks


@dataclass(frozen=True)
class Seen:
    """What the caller adds to /proc: the target's jail as the asking process names it, and what the
    supervisor knows."""

    jid: int = 0  # ki_jid: 0 when unjailed or in the caller's own jail
    jailed: bool = False  # in any jail: P_JAILED
    login: str = ""  # the session's setlogin(2) name
    freebsd: bool = False  # runs a FreeBSD image (known to the supervisor even for static programs)
    comm: str | None = None  # the command name, where the caller knows better than the command line
    args: bytes | None = (
        None  # a title set through kern.proc.args (setproctitle(3)), NUL-terminated strings
    )


def _task(pid: str) -> Task:
    """The thread or process whose /proc directory is /proc/pid (pid may be "PID/task/TID")."""
    stat = procfs.stat(pid)
    status = {
        name: value.decode(errors="replace") for name, value in procfs.status(pid).lines().items()
    }
    try:
        wchan = procfs.read(pid, "wchan").decode(errors="replace")
    except (ProcessLookupError, PermissionError):
        wchan = ""
    fields = {
        "pid": stat.pid,
        "comm": stat.comm.decode(errors="replace"),
        "state": stat.state,
        **stat.numbers,
    }
    return Task(fields, status, "" if wchan == "0" else wchan)


def read(pid: int) -> Proc:
    """The process pid names; a thread id names its process, as FreeBSD's pget does.
    ProcessLookupError if none."""
    if pid <= 0:
        raise ProcessLookupError(pid)
    main = _task(str(pid))
    tgid = int(main.status.get("Tgid", pid))
    if tgid != pid:
        return read(tgid)
    cmdline = procfs.read(pid, "cmdline")
    return Proc(
        pid, main, cmdline.split(b"\0")[:-1] if cmdline.endswith(b"\0") else cmdline.split(b"\0")
    )


def comm(proc: Proc, seen: Seen) -> str:
    """p_comm: the last component of the path exec was given, as Linux's comm keeps it, with
    what Linux's 15-byte limit cut off taken from the program's file name."""
    if seen.comm is not None:
        return seen.comm
    name = proc.main.stat["comm"]
    if len(name) == LINUX_COMM_MAX and not proc.kernel and proc.exe is not None:
        full = os.path.basename(proc.exe.removesuffix(" (deleted)"))
        if full.startswith(name):
            return full[: K.MAXCOMLEN]
    return name


_FREEBSD_IMAGES: dict[
    tuple, bool
] = {}  # (st_dev, st_ino, st_mtime_ns) -> whether it is a FreeBSD ELF


def _freebsd_image(pid: int) -> bool:
    """Whether the process runs a FreeBSD ELF (whoever supervises it)."""
    try:
        st = os.stat(f"/proc/{pid}/exe")
    except OSError:
        return False
    key = (st.st_dev, st.st_ino, st.st_mtime_ns)
    if key not in _FREEBSD_IMAGES:
        try:
            info = elf.parse_file(f"/proc/{pid}/exe")
        except (OSError, elf.MalformedElf):
            return False
        _FREEBSD_IMAGES[key] = bool(info and info.freebsd)
    return _FREEBSD_IMAGES[key]


def emul(proc: Proc, seen: Seen) -> str:
    """The sysentvec name: FreeBSD's for its programs, the linuxulator's for host programs, null for
    kernel threads."""
    if proc.kernel:
        return EMUL_KERNEL
    return EMUL_FREEBSD if seen.freebsd or _freebsd_image(proc.pid) else EMUL_LINUX


def args(proc: Proc, seen: Seen) -> bytes:
    """KERN_PROC_ARGS: the title set, or argv as NUL-terminated strings (none for kernel
    threads)."""
    if seen.args is not None:
        return seen.args
    if proc.kernel:
        return b""
    return b"".join(arg + b"\0" for arg in proc.cmdline)


def env(proc: Proc) -> bytes:
    """KERN_PROC_ENV: the environment strings, NUL-terminated (none for kernel threads)."""
    return b"" if proc.kernel else procfs.read(proc.pid, "environ")


def pathname(proc: Proc) -> str:
    """KERN_PROC_PATHNAME: the program's path in its own view; "" for processes without one (kernel,
    zombies)."""
    return proc.exe or ""


def umask(proc: Proc) -> int:
    """KERN_PROC_UMASK; ProcessLookupError for a process past having one (a zombie)."""
    if "Umask" not in proc.main.status:
        raise ProcessLookupError(proc.pid)
    return int(proc.main.status["Umask"], 8)


def _linux_resource(freebsd_resource: int) -> int | None:
    """The Linux RLIMIT_* for a FreeBSD one; None for FreeBSD-only limits (sbsize, npts, swap,
    kqueues, umtxp)."""
    return RLIMIT_RESOURCES.to_linux(freebsd_resource)


def rlimit(pid: int, freebsd_resource: int) -> tuple[int, int]:
    """KERN_PROC_RLIMIT: (rlim_cur, rlim_max) with FreeBSD's signed RLIM_INFINITY; FreeBSD-only
    limits are unlimited."""
    res = _linux_resource(freebsd_resource)
    if res is None:
        return FREEBSD_RLIM_INFINITY, FREEBSD_RLIM_INFINITY
    return tuple(
        FREEBSD_RLIM_INFINITY if v < 0 or v >= FREEBSD_RLIM_INFINITY else v
        for v in resource.prlimit(pid, res)
    )


def set_rlimit(pid: int, freebsd_resource: int, cur: int, max_: int) -> None:
    """Set a limit of another process, as kern.proc.rlimit writes do; FreeBSD-only limits are
    ignored."""
    res = _linux_resource(freebsd_resource)
    if res is not None:
        resource.prlimit(
            pid,
            res,
            tuple(resource.RLIM_INFINITY if v >= FREEBSD_RLIM_INFINITY else v for v in (cur, max_)),
        )


# ---- struct kinfo_proc ------------------------------------------------------------------


def _us(ticks: int) -> int:
    """Clock ticks in microseconds."""
    return ticks * 1_000_000 // CLK_TCK


def _timeval(us: int) -> dict:
    """A struct timeval of microseconds."""
    return {"tv_sec": us // 1_000_000, "tv_usec": us % 1_000_000}


def _pages(status: dict, key: str) -> int:
    """A status size in kB (VmRSS ...) as FreeBSD pages; 0 where the kernel shows none (kernel
    threads, zombies)."""
    return _kb(status, key) * 1024 // PAGE_SIZE


def _kb(status: dict, key: str) -> int:
    """A status size in kB, 0 where absent."""
    value = status.get(key)
    return int(value.split()[0]) if value else 0


def _sigset(status: dict, key: str) -> bytes:
    """A status signal mask (SigBlk ...) as a FreeBSD sigset_t."""
    return sigset_to_freebsd(int(status.get(key, "0"), 16))


def _pctcpu(cpu_ticks: int, age: float) -> int:
    """Lifetime CPU share in FSCALE units, times the 1 - ccpu^swtime that ps divides it by, so ps
    shows the share."""
    if age <= 0:
        return 0
    share = cpu_ticks / CLK_TCK / age
    return round(share * (1 - (K.CCPU / K.FSCALE) ** int(age)) * K.FSCALE)


def _priority(stat: dict) -> dict:
    """struct priority: the scheduling class and a level in its range, from the Linux policy and
    nice or rt priority."""
    policy = stat.get("policy", 0)
    if policy in (K.LINUX_SCHED_FIFO, K.LINUX_SCHED_RR):
        klass = K.PRI_REALTIME | (K.PRI_FIFO_BIT if policy == K.LINUX_SCHED_FIFO else 0)
        span = K.PRI_MAX_REALTIME - K.PRI_MIN_REALTIME
        rt_max, rt_min = LINUX_RT_PRIORITY["max"], LINUX_RT_PRIORITY["min"]
        level = K.PRI_MIN_REALTIME + (rt_max - stat["rt_priority"]) * span // (rt_max - rt_min)
    elif policy == K.LINUX_SCHED_IDLE:
        klass, level = K.PRI_IDLE, K.PRI_MIN_IDLE
    else:
        span = K.PRI_MAX_TIMESHARE - K.PRI_MIN_TIMESHARE
        klass, level = (
            K.PRI_TIMESHARE,
            K.PRI_MIN_TIMESHARE
            + (stat["nice"] - LINUX_NICE["MIN_NICE"]) * span // LINUX_NICE["NICE_WIDTH"],
        )
    return {"pri_class": klass, "pri_level": level, "pri_native": level, "pri_user": level}


def _rusage(stat: dict, status: dict) -> dict:
    """struct rusage of a process or thread: times, faults, peak RSS and context switches."""
    return {
        "ru_utime": _timeval(_us(stat["utime"])),
        "ru_stime": _timeval(_us(stat["stime"])),
        "ru_maxrss": _kb(status, "VmHWM"),
        "ru_minflt": stat["minflt"],
        "ru_majflt": stat["majflt"],
        "ru_nvcsw": int(status.get("voluntary_ctxt_switches", 0)),
        "ru_nivcsw": int(status.get("nonvoluntary_ctxt_switches", 0)),
    }


def _xstat(stat: dict) -> int:
    """A zombie's wait status with the FreeBSD signal number; 0 for the living."""
    code = stat.get("exit_code", 0) if stat["state"] in "ZXx" else 0
    sig = code & 0x7F
    return (code & ~0x7F) | ((signal_to_freebsd(sig) or sig) if sig else 0)


def _process_fields(proc: Proc, seen: Seen, start_us: int, age: float) -> dict:
    """fill_kinfo_proc_only and fill_kinfo_proc_pgrp: what every thread's entry shares."""
    stat, status = proc.main.stat, proc.main.status
    tty = stat["tty_nr"] != 0
    tdev = dev_to_freebsd(stat["tty_nr"]) if tty else K.NODEV
    groups = proc.groups
    flag = K.P_INMEM
    flag |= K.P_CONTROLT if tty else 0
    flag |= K.P_SYSTEM | K.P_KPROC if proc.kernel else 0
    flag |= K.P_JAILED if seen.jailed else 0
    flag |= K.P_HADTHREADS if stat["num_threads"] > 1 else 0
    flag |= K.P_WEXIT if stat["flags"] & K.LINUX_PF_EXITING else 0
    flag |= K.P_EXEC if not stat["flags"] & (K.LINUX_PF_FORKNOEXEC | K.LINUX_PF_KTHREAD) else 0
    ruid, euid, svuid = proc.uids
    rgid, _, svgid = proc.gids
    name = comm(proc, seen)
    return dict(
        ki_structsize=K.KINFO_PROC_SIZE,
        ki_pid=proc.pid,
        ki_ppid=stat["ppid"],
        ki_pgid=stat["pgrp"],
        ki_tpgid=(stat["tpgid"] if stat["tpgid"] > 0 else K.NO_PID) if tty else 0,
        ki_sid=stat["session"],
        ki_tsid=stat["session"] if tty else 0,
        ki_tdev=tdev,
        ki_tdev_freebsd11=tdev & 0xFFFFFFFF,
        ki_siglist=_sigset(status, "ShdPnd"),
        ki_sigignore=_sigset(status, "SigIgn"),
        ki_sigcatch=_sigset(status, "SigCgt"),
        ki_uid=euid,
        ki_ruid=ruid,
        ki_svuid=svuid,
        ki_rgid=rgid,
        ki_svgid=svgid,
        ki_ngroups=min(len(groups), K.KI_NGROUPS),
        ki_groups=groups[: K.KI_NGROUPS],
        ki_cr_flags=K.KI_CRF_GRP_OVERFLOW if len(groups) > K.KI_NGROUPS else 0,
        ki_size=_kb(status, "VmSize") * 1024,
        ki_rssize=_pages(status, "VmRSS"),
        ki_tsize=_pages(status, "VmExe"),
        ki_dsize=_pages(status, "VmData"),
        ki_ssize=_pages(status, "VmStk"),
        ki_xstat=_xstat(stat),
        ki_acflag=K.AFORK if stat["flags"] & K.LINUX_PF_FORKNOEXEC else 0,
        ki_pctcpu=_pctcpu(stat["utime"] + stat["stime"], age),
        ki_swtime=max(0, int(age)),
        ki_runtime=_us(stat["utime"] + stat["stime"]),
        ki_start=_timeval(start_us),
        ki_childtime=_timeval(_us(stat["cutime"] + stat["cstime"])),
        ki_flag=flag,
        ki_kiflag=(K.KI_CTTY if tty else 0) | (K.KI_SLEADER if proc.pid == stat["session"] else 0),
        ki_nice=stat["nice"],
        ki_login=seen.login,
        ki_comm=name,
        ki_emul=emul(proc, seen),
        ki_loginclass="default",
        ki_jid=seen.jid,
        ki_numthreads=stat["num_threads"],
        ki_rusage=_rusage(stat, status),
        ki_rusage_ch={
            "ru_utime": _timeval(_us(stat["cutime"])),
            "ru_stime": _timeval(_us(stat["cstime"])),
            "ru_minflt": stat["cminflt"],
            "ru_majflt": stat["cmajflt"],
        },
        ki_sflag=K.PS_INMEM,
    )


def _wmesg(task: Task, sleeping: bool) -> str:
    """The wait message FreeBSD's sleep in the same call shows; none while running."""
    if not sleeping or not task.wchan:
        return ""
    function = task.wchan.split(".")[0]
    return K.LINUX_WCHAN_TO_WMESG.get(function, function[: K.WMESGLEN])


def _thread_fields(proc: Proc, task: Task, name: str, prefer_thread: bool, age: float) -> dict:
    """fill_kinfo_thread: one thread's state, name and CPU; with prefer_thread its own times and
    pending signals."""
    stat, status = task.stat, task.status
    state = stat["state"]
    ki_stat = K.LINUX_STATE_TO_KI_STAT.get(state, K.SRUN)
    wmesg = _wmesg(task, ki_stat == K.SSLEEP)
    # Threads keep the process's name unless they were given their own (pthread_setname_np).
    tdname = (
        stat["comm"] if task is not proc.main and stat["comm"] != proc.main.stat["comm"] else name
    )
    cpu = stat.get("processor", 0)
    oncpu = cpu if state == "R" else K.NOCPU
    fields = dict(
        ki_stat=ki_stat,
        ki_wmesg=wmesg,
        ki_wchan=_ASLEEP if wmesg else 0,
        ki_tdname=tdname[: K.TDNAMLEN],
        ki_moretdname=tdname[K.TDNAMLEN :],
        ki_tdflags=K.TDF_SINTR if state in K.LINUX_INTERRUPTIBLE else 0,
        ki_slptime=K.MAXSLP if state == K.LINUX_IDLE else 0,
        ki_pri=_priority(stat),
        ki_oncpu=oncpu,
        ki_lastcpu=cpu,
        ki_oncpu_old=K.NOCPU_OLD if oncpu < 0 else min(oncpu, K.MAXCPU_OLD),
        ki_lastcpu_old=min(cpu, K.MAXCPU_OLD),
        ki_tid=stat["pid"],
        ki_sigmask=_sigset(status, "SigBlk"),
    )
    if prefer_thread:
        fields.update(
            ki_rusage=_rusage(stat, status),
            ki_runtime=_us(stat["utime"] + stat["stime"]),
            ki_pctcpu=_pctcpu(stat["utime"] + stat["stime"], age),
            ki_siglist=_sigset(status, "SigPnd"),
        )
    return fields


def kinfo_procs(
    proc: Proc, seen: Seen, *, threads: bool, boottime: float, now: float
) -> list[bytes]:
    """The struct kinfo_proc entries for one process: one for the process, or one per thread.

    boottime is kern.boottime and now the current time, both in seconds since the epoch.
    """
    start_us = round(boottime * 1_000_000) + _us(proc.main.stat["starttime"])
    age = now - start_us / 1_000_000
    common = _process_fields(proc, seen, start_us, age)
    name = common["ki_comm"]
    tasks = proc.threads() if threads else [proc.main]
    return [
        pack("kinfo_proc", **{**common, **_thread_fields(proc, task, name, threads, age)})
        for task in tasks
    ]


def devname(freebsd_dev: int) -> str | None:
    """kern.devname: a character device's name under /dev (pts/N, or what sysfs calls it), None for
    an unknown one."""
    linux = dev_to_linux(freebsd_dev)
    major, minor = os.major(linux), os.minor(linux)
    first = K.LINUX_UNIX98_PTY_SLAVE_MAJOR
    if first <= major < first + K.LINUX_UNIX98_PTY_MAJOR_COUNT:
        return f"pts/{(major - first) * LINUX_UNIX98_PTY_MINORS + minor}"
    try:
        with open(f"/sys/dev/char/{major}:{minor}/uevent") as f:
            uevent = dict(line.rstrip("\n").partition("=")[::2] for line in f)
    except OSError:
        return None
    return uevent.get("DEVNAME")
