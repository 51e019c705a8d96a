"""kern.proc.* and the other sysctl nodes ps, pgrep/pkill and libkvm read, answered from /proc
(bsdulator/procinfo.py).

Which processes a caller sees: every host process when it is unjailed, only its own jail's
when jailed.  Jail membership comes from sup.jails.jail_of (Linux pid -> jid, 0 outside any
jail), looked up at call time; without it nobody is jailed.  What only a debugger may read or
change (environment, limits, osrel writes) follows p_candebug.  Programs' own writes
(setproctitle's kern.proc.args, rtld's kern.proc.osrel) are kept here per process: pid, start
time and command line name one exec of one process."""

import ctypes
import os
import socket
import stat
import struct
import time

from bsdulator import procfs, procinfo, structs, translate
from bsdulator.abi import kinfo as K
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import LINUX_O_FLAGS
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.errors import FreeBSDError
from bsdulator.structs import dev_to_freebsd, sizeof
from bsdulator.syscalls.proc import login_name
from bsdulator.translate import errno_to_freebsd

EPERM, ESRCH, EINVAL, ENOENT = (
    FREEBSD_ERRNO[name] for name in ("EPERM", "ESRCH", "EINVAL", "ENOENT")
)
KINFO_PROC = sizeof("kinfo_proc")
# a sizing call allows for this many more processes, as sysctl_kern_proc does
SIZING_SLACK = FREEBSD_KERNEL_DEFAULTS["proc_sizing_slack"]
SELF = -1  # the pid that names the caller in args, pathname and groups
U32 = 0xFFFFFFFF

# How KERN_PROC_<op> picks processes by its one argument (sysctl_kern_proc_iterate).
_SELECT = {
    abi.KERN_PROC_PGRP: lambda p, arg: p.main.stat["pgrp"] == arg,
    abi.KERN_PROC_SESSION: lambda p, arg: p.main.stat["session"] == arg,
    abi.KERN_PROC_TTY: lambda p, arg: (
        p.main.stat["tty_nr"] != 0 and dev_to_freebsd(p.main.stat["tty_nr"]) == arg & K.NODEV
    ),
    abi.KERN_PROC_UID: lambda p, arg: p.uids[1] == arg & U32,
    abi.KERN_PROC_RUID: lambda p, arg: p.uids[0] == arg & U32,
    abi.KERN_PROC_GID: lambda p, arg: p.gids[1] == arg & U32,
    abi.KERN_PROC_RGID: lambda p, arg: p.gids[0] == arg & U32,
}
# the rest take exactly one argument
_ALL_NAMELENS = {
    abi.KERN_PROC_ALL: (0,),
    abi.KERN_PROC_PROC: (0, 1),
}


class ProcTable:
    """The supervisor's side of the process table: jail membership, and what programs wrote into
    it."""

    def __init__(self, sup):
        self.sup = sup
        self.written: dict[tuple, dict] = {}  # process identity -> {"args": bytes, "osrel": int}

    def jail_of(self, pid: int) -> int:
        """The jail a Linux pid is in, 0 for none."""
        jails = self.sup.jails
        return jails.jail_of(pid) if jails else 0

    def wrote(self, proc: procinfo.Proc) -> dict:
        """What this exec of this process set (an exec or a recycled pid starts afresh)."""
        return self.written.get(self._identity(proc), {})

    def write(self, proc: procinfo.Proc, **values) -> None:
        """Keep values for this exec of the process; entries of processes gone are dropped."""
        self.written = {
            key: kept for key, kept in self.written.items() if os.path.exists(f"/proc/{key[0]}")
        }
        self.written.setdefault(self._identity(proc), {}).update(values)

    @staticmethod
    def _identity(proc: procinfo.Proc) -> tuple:
        """One exec of one process: its pid, start time and command line."""
        return proc.pid, proc.main.stat["starttime"], tuple(proc.cmdline)


class View:
    """One call's look at the process table: the caller, its jail, and the jails looked up so
    far."""

    def __init__(self, table: ProcTable, ctx):
        self.table, self.ctx = table, ctx
        self.jails: dict[int, int] = {}
        self.jid = self.jail_of(ctx.pid)
        self.numbers = table.sup.jails.numbering(ctx.pid, self.jid) if self.jid else None

    def host_pid(self, pid: int) -> int:
        """A pid as the caller names it (its own PID namespace), as the host names it."""
        if pid == SELF:
            return self.ctx.pid
        if self.numbers is None or pid <= 0:
            return pid
        return next((host for host, own in self.numbers.items() if own == pid), -1)

    def renumber(self, kinfo: bytes) -> bytes:
        """A kinfo_proc with its process ids in the caller's PID namespace (0: none there)."""
        if self.numbers is None:
            return kinfo
        out = bytearray(kinfo)
        for field in _PID_FIELDS:
            off = structs.offsetof("kinfo_proc", field)
            (host,) = struct.unpack_from("<i", out, off)
            struct.pack_into("<i", out, off, self.numbers.get(host, 0) if host > 0 else host)
        return bytes(out)

    def jail_of(self, pid: int) -> int:
        """The jail of pid, asked once per call."""
        if pid not in self.jails:
            self.jails[pid] = self.table.jail_of(pid)
        return self.jails[pid]

    def visible(self, proc: procinfo.Proc) -> bool:
        """p_cansee's jail rule: a jailed caller sees only the processes of its own jail and the
        jails below it (whose Linux holder processes are bsdulator's, not the jails')."""
        if self.numbers is None:
            return True
        jails = self.table.sup.jails
        return proc.pid in self.numbers and not (jails and jails.is_holder(proc.pid))

    def get(self, pid: int, *, debug: bool = False, living: bool = False) -> procinfo.Proc:
        """pget: the process pid names if the caller may see it (PGET_CANSEE), debug it, and it is
        not exiting."""
        pid = self.host_pid(pid)
        try:
            proc = procinfo.read(pid)
        except ProcessLookupError:
            raise FreeBSDError(ESRCH, f"no process {pid}") from None
        if not self.visible(proc):
            raise FreeBSDError(ESRCH, f"process {pid} is outside the caller's jail")
        if debug:
            self.check_debug(proc)
        if living and proc.main.stat["flags"] & K.LINUX_PF_EXITING:
            raise FreeBSDError(ESRCH, f"process {pid} is exiting")
        return proc

    def check_debug(self, target: procinfo.Proc) -> None:
        """p_candebug: itself, root, or a caller whose euid is all of the target's uids and whose
        groups hold the target's."""
        ctx = self.ctx
        if target.pid == ctx.pid or ctx.uid == 0:
            return
        caller = procinfo.read(ctx.pid)
        if set(target.uids) != {ctx.uid} or not set(target.gids) | set(target.groups) <= set(
            caller.groups
        ):
            raise FreeBSDError(EPERM, f"may not debug process {target.pid}")

    def everyone(self):
        """Every process the caller may see, read from /proc; those ending meanwhile are left
        out."""
        for pid in procfs.pids():
            try:
                proc = procinfo.read(pid)
            except ProcessLookupError:
                continue
            if self.visible(proc):
                yield proc

    def seen(self, proc: procinfo.Proc) -> procinfo.Seen:
        """What the supervisor adds to /proc: the jail as the caller names it, login, FreeBSD-ness,
        a title set."""
        jid = self.jail_of(proc.pid)
        jails = self.table.sup.jails
        if jid and jails and jails.is_holder(proc.pid):
            jid = 0  # a jail's holder is bsdulator's, not one of the jail's processes (ps -J)
        served = self.table.sup.procs.get(proc.pid)
        return procinfo.Seen(
            jid=jid if jid != self.jid else 0,
            jailed=jid != 0,
            login=login_name(self.table.sup, served) if served else "",
            freebsd=served is not None,
            args=self.table.wrote(proc).get("args"),
        )


_PID_FIELDS = ("ki_pid", "ki_ppid", "ki_pgid", "ki_tpgid", "ki_sid", "ki_tsid")


# ---- the process table: all, pid, pgrp, sid, tty, uid, ruid, proc, rgid, gid (and their _td)
# ----------


def _table_handler(table: ProcTable, number: int):
    """sysctl_kern_proc for one node: KERN_PROC_ALL and the INC_THREAD nodes list threads, the rest
    processes."""
    threads = number == abi.KERN_PROC_ALL or bool(number & abi.KERN_PROC_INC_THREAD)
    op = number & ~abi.KERN_PROC_INC_THREAD

    def entries(view: View, proc: procinfo.Proc, req) -> None:
        if not req.oldptr:
            req.out(bytes(KINFO_PROC * (proc.main.stat["num_threads"] if threads else 1)))
            return
        try:
            kinfos = procinfo.kinfo_procs(
                proc, view.seen(proc), threads=threads, boottime=view.ctx.boottime, now=time.time()
            )
        except ProcessLookupError:
            return
        req.out(b"".join(map(view.renumber, kinfos)))

    def handler(ctx, req, rest: list[int]) -> None:
        view = View(table, ctx)
        if op == abi.KERN_PROC_PID:
            entries(view, view.get(_one_pid(rest)), req)
            return
        if len(rest) not in _ALL_NAMELENS.get(op, (1,)):
            raise FreeBSDError(EINVAL, "kern.proc: wrong number of arguments")
        select = _SELECT.get(op)
        if not req.oldptr:
            req.out(bytes(KINFO_PROC * SIZING_SLACK))
        for proc in view.everyone():
            if select is None or select(proc, rest[0]):
                entries(view, proc, req)

    return handler


# ---- per-process nodes ------------------------------------------------------------------


def _one_pid(rest: list[int], count: int = 1) -> int:
    """The pid a per-process node is called with; EINVAL for any other number of components."""
    if len(rest) != count:
        raise FreeBSDError(EINVAL, "kern.proc: wrong number of arguments")
    return rest[0]


def _args(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.args: argv or the title set; a program may set its own (setproctitle)."""
        view = View(table, ctx)
        proc = view.get(_one_pid(rest))
        if req.new is not None and proc.pid != ctx.pid:
            raise FreeBSDError(EPERM, "only a process's own title may be set")
        req.out(procinfo.args(proc, view.seen(proc)))
        if req.new is not None:
            table.write(proc, args=bytes(req.new) or None)

    return handler


def _env(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.env: the environment, for a caller that may debug the process."""
        proc = View(table, ctx).get(_one_pid(rest), debug=True, living=True)
        try:
            req.out(procinfo.env(proc))
        except PermissionError:  # an unprivileged supervisor cannot read it either
            raise FreeBSDError(EPERM, f"environment of process {proc.pid}") from None
        except ProcessLookupError:
            raise FreeBSDError(ESRCH, f"process {proc.pid} is gone") from None

    return handler


def _pathname(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.pathname: the program's path, NUL-terminated."""
        proc = View(table, ctx).get(_one_pid(rest))
        req.out(os.fsencode(procinfo.pathname(proc)) + b"\0")

    return handler


def _sv_name(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.sv_name: the ABI the process runs under."""
        view = View(table, ctx)
        proc = view.get(_one_pid(rest))
        req.out(procinfo.emul(proc, view.seen(proc)).encode() + b"\0")

    return handler


def _groups(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.groups: cr_groups, the effective gid first."""
        groups = View(table, ctx).get(_one_pid(rest)).groups
        req.out(struct.pack(f"<{len(groups)}I", *groups))

    return handler


def _umask(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.umask: its own (pid 0 or its pid) for anyone, another's for a debugger."""
        pid = _one_pid(rest)
        own = pid in (0, ctx.pid)
        proc = View(table, ctx).get(ctx.pid if own else pid, debug=not own, living=not own)
        try:
            req.out(struct.pack("<H", procinfo.umask(proc)))
        except ProcessLookupError:
            raise FreeBSDError(ESRCH, f"process {pid} has no umask") from None

    return handler


def _osrel(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.osrel: the osreldate a process runs with (rtld sets it in its direct-exec
        mode)."""
        pid = _one_pid(rest)
        if req.new is not None and len(req.new) != 4:
            raise FreeBSDError(EINVAL, "kern.proc.osrel takes an int")
        proc = View(table, ctx).get(pid, debug=req.new is not None, living=True)
        req.out(struct.pack("<i", table.wrote(proc).get("osrel", table.sup.kernel.osreldate)))
        if req.new is not None:
            (osrel,) = struct.unpack("<i", req.take(4))
            if osrel < 0:
                raise FreeBSDError(EINVAL, "negative osrel")
            table.write(proc, osrel=osrel)

    return handler


def _rlimit(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.rlimit.<pid>.<resource>: a limit, set by a debugger; raising a hard limit takes
        root."""
        pid = _one_pid(rest, 2)
        which = rest[1] & U32
        if which >= K.RLIM_NLIMITS or (req.new is not None and len(req.new) != 16):
            raise FreeBSDError(EINVAL, "kern.proc.rlimit: bad resource or value")
        proc = View(table, ctx).get(pid, debug=req.new is not None, living=True)
        try:
            old_cur, old_max = procinfo.rlimit(proc.pid, which)
            req.out(struct.pack("<qq", old_cur, old_max))
            if req.new is None:
                return
            cur, max_ = (
                procinfo.FREEBSD_RLIM_INFINITY if v < 0 else v
                for v in struct.unpack("<qq", req.take(16))
            )
            if (cur > old_max or max_ > old_max) and ctx.uid != 0:
                raise FreeBSDError(EPERM, "raising a hard limit takes root")
            procinfo.set_rlimit(proc.pid, which, min(cur, max_), max_)
        except ProcessLookupError:
            raise FreeBSDError(ESRCH, f"process {pid} is gone") from None
        except OSError as e:
            raise FreeBSDError(errno_to_freebsd(e.errno), str(e)) from None

    return handler


# ---- kern.proc.filedesc: what fstat(1) and procstat -f list ----------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
KINFO_FILE_PATH = structs.offsetof("kinfo_file", "kf_path")
VNODE_TYPES = {
    stat.S_IFREG: K.KF_VTYPE_VREG,
    stat.S_IFDIR: K.KF_VTYPE_VDIR,
    stat.S_IFBLK: K.KF_VTYPE_VBLK,
    stat.S_IFCHR: K.KF_VTYPE_VCHR,
    stat.S_IFLNK: K.KF_VTYPE_VLNK,
    stat.S_IFSOCK: K.KF_VTYPE_VSOCK,
    stat.S_IFIFO: K.KF_VTYPE_VFIFO,
}
# what /proc/PID/fd/N reads for descriptors that are no file, and their kinfo_file type
ANON_TYPES = {
    "pipe": K.KF_TYPE_PIPE,
    "socket": K.KF_TYPE_SOCKET,
    "anon_inode:[eventpoll]": K.KF_TYPE_KQUEUE,
    "anon_inode:[pidfd]": K.KF_TYPE_PROCDESC,
}


def _open_flags(fdinfo: dict[str, int]) -> tuple[int, int]:
    """(kf_flags, kf_offset) from /proc/PID/fdinfo/N's Linux flags and position
    (procfs.fdinfo)."""
    lflags = fdinfo.get("flags", 0)
    access = lflags & LINUX_O_FLAGS["O_ACCMODE"]
    kf = 0
    if access in (LINUX_O_FLAGS["O_RDONLY"], LINUX_O_FLAGS["O_RDWR"]):
        kf |= K.KF_FLAG_READ
    if access in (LINUX_O_FLAGS["O_WRONLY"], LINUX_O_FLAGS["O_RDWR"]):
        kf |= K.KF_FLAG_WRITE
    for linux, flag in (
        ("O_APPEND", K.KF_FLAG_APPEND),
        ("O_NONBLOCK", K.KF_FLAG_NONBLOCK),
        ("O_DIRECT", K.KF_FLAG_DIRECT),
    ):
        if lflags & LINUX_O_FLAGS[linux]:
            kf |= flag
    return kf, fdinfo.get("pos", 0)


def _socket_kind(pid: int, fd: int) -> dict[str, int]:
    """The domain, type and protocol of the process's socket, from a copy of it (pidfd_getfd);
    nothing when it cannot be had."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return {}
    try:
        ours = _libc.syscall(LINUX_NR["pidfd_getfd"], pidfd, fd, 0)
    finally:
        os.close(pidfd)
    if ours < 0:
        return {}
    try:
        with socket.socket(fileno=ours) as sock:
            family, kind, proto = sock.family, sock.type, sock.proto
    except OSError:
        os.close(ours)
        return {}
    return {
        "kf_sock_domain0": translate.ADDRESS_FAMILIES.to_freebsd(family) or 0,
        "kf_sock_type0": kind,  # SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET: the same
        "kf_sock_protocol0": proto,  # IPPROTO_* numbers are the same
    }


def _kinfo_file(fd: int, kind: int, flags: int, offset: int, path: str, **more) -> bytes:
    """One packed record: kf_structsize covers the path's string, rounded to 8 bytes."""
    name = os.fsencode(path)[: structs.sizeof("kinfo_file") - KINFO_FILE_PATH - 1]
    size = (KINFO_FILE_PATH + len(name) + 1 + 7) & ~7
    record = structs.pack(
        "kinfo_file",
        kf_structsize=size,
        kf_type=kind,
        kf_fd=fd,
        kf_ref_count=1,
        kf_flags=flags,
        kf_offset=offset,
        kf_path=name,
        **more,
    )
    return record[:size]


def _vnode(fd: int, flags: int, offset: int, path: str, st: os.stat_result) -> bytes:
    kind = K.KF_TYPE_FIFO if stat.S_ISFIFO(st.st_mode) else K.KF_TYPE_VNODE
    return _kinfo_file(
        fd,
        kind,
        flags,
        offset,
        path,
        kf_file_type=VNODE_TYPES.get(stat.S_IFMT(st.st_mode), K.KF_VTYPE_VNON),
        kf_file_fsid=dev_to_freebsd(st.st_dev),
        kf_file_rdev=dev_to_freebsd(st.st_rdev),
        kf_file_fileid=st.st_ino,
        kf_file_size=st.st_size,
        kf_file_mode=st.st_mode,
        kf_status=K.KF_ATTR_VALID,
    )


def _descriptors(pid: int) -> bytes:
    """kern_proc_filedesc_out: the text, working and root directories, then each descriptor."""
    base = f"/proc/{pid}"
    out = []
    for special, link, flags in (
        (K.KF_FD_TYPE_TEXT, "exe", K.KF_FLAG_READ),
        (K.KF_FD_TYPE_CWD, "cwd", K.KF_FLAG_READ),
        (K.KF_FD_TYPE_ROOT, "root", K.KF_FLAG_READ),
    ):
        try:
            out.append(
                _vnode(special, flags, 0, os.readlink(f"{base}/{link}"), os.stat(f"{base}/{link}"))
            )
        except OSError:
            continue
    try:
        fds = sorted(int(n) for n in os.listdir(f"{base}/fd"))
    except OSError:
        raise ProcessLookupError(pid) from None
    for fd in fds:
        target = procfs.fd_target(pid, fd)
        if target is None:
            continue  # closed meanwhile
        flags, offset = _open_flags(procfs.fdinfo(pid, fd))
        try:
            if target.startswith("/"):
                out.append(_vnode(fd, flags, offset, target, os.stat(f"{base}/fd/{fd}")))
                continue
        except OSError:
            continue  # closed meanwhile
        kind = ANON_TYPES.get(target.split(":[")[0], ANON_TYPES.get(target, K.KF_TYPE_UNKNOWN))
        more = _socket_kind(pid, fd) if kind == K.KF_TYPE_SOCKET else {}
        out.append(_kinfo_file(fd, kind, flags, offset, "", **more))
    return b"".join(out)


def _filedesc(table: ProcTable):
    def handler(ctx, req, rest):
        """kern.proc.filedesc: the process's open files as packed kinfo_file records; the caller
        must be able to debug it (PGET_CANDEBUG | PGET_NOTWEXIT)."""
        proc = View(table, ctx).get(_one_pid(rest), debug=True, living=True)
        try:
            req.out(_descriptors(proc.pid))
        except ProcessLookupError:
            raise FreeBSDError(ESRCH, f"process {proc.pid} is gone") from None

    return handler


# ---- other nodes ps reads ------------------------------------------------------------------


def _pid_max(ctx, rest) -> int:
    """kern.pid_max: pids go as high as the host's."""
    with open("/proc/sys/kernel/pid_max") as f:
        return int(f.read())


def _devname(ctx, req, rest) -> None:
    """kern.devname: devname(3)'s lookup of a dev_t (or a FreeBSD 11 32-bit one) written to it."""
    if req.new is None or len(req.new) not in (4, 8):
        raise FreeBSDError(EINVAL, "kern.devname takes a dev_t")
    (dev,) = struct.unpack("<I" if len(req.new) == 4 else "<Q", req.take(len(req.new)))
    if dev in (K.NODEV, U32):
        raise FreeBSDError(EINVAL, "kern.devname: NODEV")
    name = procinfo.devname(dev)
    if name is None:
        raise FreeBSDError(ENOENT, f"no device {dev:#x}")
    req.out(name.encode() + b"\0")


def install(sup) -> None:
    """Register kern.proc's nodes and the process-related leaves ps and pgrep read."""
    tree = sup.sysctl
    table = ProcTable(sup)
    rd, rw, anybody = abi.CTLFLAG_RD, abi.CTLFLAG_RW, abi.CTLFLAG_ANYBODY
    NODE = abi.CTLTYPE_NODE
    tree.add_handler(
        "kern.proc.all",
        abi.CTLTYPE_STRUCT,
        _table_handler(table, abi.KERN_PROC_ALL),
        fmt="S,proc",
        number=abi.KERN_PROC_ALL,
        descr="Return entire process table",
    )
    for name, number, descr in (
        ("gid", abi.KERN_PROC_GID, "Process table"),
        ("pgrp", abi.KERN_PROC_PGRP, "Process table"),
        ("rgid", abi.KERN_PROC_RGID, "Process table"),
        ("sid", abi.KERN_PROC_SESSION, "Process table"),
        ("tty", abi.KERN_PROC_TTY, "Process table"),
        ("uid", abi.KERN_PROC_UID, "Process table"),
        ("ruid", abi.KERN_PROC_RUID, "Process table"),
        ("pid", abi.KERN_PROC_PID, "Process table"),
        ("proc", abi.KERN_PROC_PROC, "Return process table, no threads"),
    ):
        tree.add_handler(
            f"kern.proc.{name}", NODE, _table_handler(table, number), number=number, descr=descr
        )
        td_descr = (
            "Return process table, including threads" if number == abi.KERN_PROC_PROC else descr
        )
        tree.add_handler(
            f"kern.proc.{name}_td",
            NODE,
            _table_handler(table, number | abi.KERN_PROC_INC_THREAD),
            number=number | abi.KERN_PROC_INC_THREAD,
            descr=td_descr,
        )
    for name, number, make, flags, descr in (
        (
            "args",
            abi.KERN_PROC_ARGS,
            _args,
            rw | abi.CTLFLAG_CAPWR | anybody,
            "Process argument list",
        ),
        ("env", abi.KERN_PROC_ENV, _env, rd, "Process environment"),
        ("pathname", abi.KERN_PROC_PATHNAME, _pathname, rd, "Process executable path"),
        ("sv_name", abi.KERN_PROC_SV_NAME, _sv_name, rd, "Process syscall vector name (ABI type)"),
        ("groups", abi.KERN_PROC_GROUPS, _groups, rd, "Process groups"),
        ("rlimit", abi.KERN_PROC_RLIMIT, _rlimit, rw | anybody, "Process resource limits"),
        ("umask", abi.KERN_PROC_UMASK, _umask, rd, "Process umask"),
        ("osrel", abi.KERN_PROC_OSREL, _osrel, rw | anybody, "Process binary osreldate"),
        ("filedesc", abi.KERN_PROC_FILEDESC, _filedesc, rd, "Process filedesc entries"),
    ):
        tree.add_handler(
            f"kern.proc.{name}", NODE, make(table), number=number, flags=flags, descr=descr
        )
    # FreeBSD's kern.pid_max is a writable tunable; the host's limit is not ours to change.
    tree.add(
        "kern.pid_max",
        abi.CTLTYPE_INT,
        _pid_max,
        flags=rd | abi.CTLFLAG_NOFETCH,
        descr="Maximum allowed pid",
    )
    tree.add("kern.fscale", abi.CTLTYPE_INT, K.FSCALE)
    tree.add(
        "kern.ccpu",
        abi.CTLTYPE_UINT,
        K.CCPU,
        descr="Decay factor used for updating %CPU in 4BSD scheduler",
    )
    tree.add(
        "hw.availpages",
        abi.CTLTYPE_S64,
        lambda ctx, rest: ctx.physmem // procinfo.PAGE_SIZE,
        fmt="J",
        descr="Amount of physical memory (in pages)",
    )
    tree.add_handler(
        "kern.devname",
        abi.CTLTYPE_OPAQUE,
        _devname,
        fmt="",
        flags=rw | anybody,
        descr="devname(3) handler",
    )
