"""The Linux side of a FreeBSD jail: namespaces kept alive by a holder process, and a cgroup.

create() starts the holder (bsdulator.jail.holder), PID 1 of a new PID namespace, in new
mount, UTS and cgroup namespaces and, when asked, new IPC (sysvipc=new) and network (vnet)
ones.  In its mount namespace the jail's path is / (pivot_root; the host's tree is
detached; a path of / keeps the host's files), with a fresh /dev: null, zero, full,
random, urandom, tty, a private devpts (pts/, ptmx), and fd/0-2 with stdin, stdout and
stderr leading there, which the supervisor opens as duplicates of those descriptors, as
FreeBSD's devfs does (see holder.DEV_FD).  No procfs is mounted: neither the host's
/proc and /sys nor one of the jail's own are reachable, and the holder is not dumpable.
PATH/dev is created on disk when missing (it is the mount point).
A vnet jail's loopback starts down, as lo0 does in a new FreeBSD vnet.  A child jail's
PID namespace lies inside its parent jail's (create(parent=…)), so the parent's processes
see and reach the child's, as FreeBSD's prison_ischild allows.

The holder and everything attached later live in the cgroup <cgroup2 root>/bsdulator/jail.JID:
members() lists them, kill() SIGKILLs them all at once (cgroup.kill).  The holder (pid and
start time) and the cgroup are all it takes to find a jail again, so any process can
remove it, also after its creator died; lookup(jid) finds them from the cgroup alone.

Attaching a process (the supervisor's job, see attach_plan): write its pid into the
cgroup (join_cgroup) first, so kill() always reaches it, then have the process call
setns itself, on pidfd_open(plan.pid) with plan.flags or, needing no ptrace access to
the holder, on each of namespace_fds().  Linux keeps that process in
its own PID namespace: only the children it forks afterwards are in the jail's, so it
forks, and the parent, now only waiting for that child, moves to the jail's proxies
cgroup (join_proxies): cgroup.kill still reaches it, members() leaves it out.

Removing: the kernel keeps a PID namespace's init until every process of the namespace
was reaped, and a jail process whose parent is outside the jail (the child of an attach
proxy, a tracee) is reaped by that parent, or, once it died, by that parent's subreaper
(the tracer) or init, not by the holder.  So a supervisor calls kill(), goes on reaping in its
wait loop, and calls finish() until it says the jail is gone; destroy() (kill, wait,
finish) is for callers that reap none of the jail's processes.

Once the starter exits, the holder's parent is the caller's nearest child subreaper, else
init: a subreaper caller gets the holder's exit in its wait loop, with pid Holder.pid.
"""

import errno
import fcntl
import hashlib
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import NamedTuple

from .. import abi as abi_package
from .. import procfs
from ..abi.capabilities import LINUX_PRCTL_CAPS
from ..abi.flags import LINUX_CLONE_FLAGS
from ..abi.ioctls import LINUX_NSFS_IOCTLS
from ..abi.limits import LINUX_HOST_NAME_MAX
from ..native._native import ffi, lib
from ..testhooks import stop_point
from .holder import CLONE_NEWPID
from .registry import DEFAULT_STATE_DIR, process_alive, start_time

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET = (
    LINUX_CLONE_FLAGS[n]
    for n in ("CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWNET")
)
# /proc/PID/ns names and setns flags; a jail's pid namespace is the one its holder runs in.
NAMESPACES = (
    ("mnt", CLONE_NEWNS),
    ("uts", CLONE_NEWUTS),
    ("ipc", CLONE_NEWIPC),
    ("pid", CLONE_NEWPID),
    ("net", CLONE_NEWNET),
    ("cgroup", CLONE_NEWCGROUP),
)
NS_GET_ID = LINUX_NSFS_IOCTLS["NS_GET_ID"]
HOST_NAME_MAX = LINUX_HOST_NAME_MAX  # Linux's limit for both hostname and domainname
CGROUP_DIR = "bsdulator"
CGROUP2_MOUNT_POINT = "/sys/fs/cgroup"  # where a cgroup v2 host has it
NO_CGROUP2 = f"jails need cgroup v2 mounted (e.g. mount -t cgroup2 none {CGROUP2_MOUNT_POINT})"
_cgroup2_root: str | None = None  # found (or mounted) once: mounts do not move under bsdulator
PROXIES = "proxies"  # jail.N/proxies: the attach proxies standing in for jail N's processes
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
REAP_TIMEOUT_S = 5.0
EXIT_TIMEOUT_S = 1.0  # a killed holder whose namespace is empty exits at once
# The holder's interpreter has no site packages, so no installer's mapping of abi/ to
# bsdulator.abi either: argv[3] says where the package's abi modules are.
BOOT = (
    "import sys, types; sys.path[:0] = sys.argv[4:]; "
    "abi = sys.modules['bsdulator.abi'] = types.ModuleType('bsdulator.abi'); "
    "abi.__path__ = [sys.argv[3]]; "
    "from bsdulator.jail.holder import main; main(sys.argv[1], int(sys.argv[2]))"
)


class JailNsError(Exception):
    """The host cannot make, reach or remove a jail's namespaces; the message says why."""


@dataclass(frozen=True)
class Holder:
    """A jail's holder process (host pid + start time, never a recycled pid) and its cgroup."""

    jid: int
    pid: int
    start: int | None
    cgroup: str


class Namespace(NamedTuple):
    """A namespace's nsfs inode, and its never-reused 64-bit id (NS_GET_ID, Linux 6.18+; else
    None)."""

    inode: int
    nsid: int | None


@dataclass(frozen=True)
class AttachPlan:
    """How a process joins a jail: pidfd_open(pid), setns(pidfd, flags), after joining cgroup.

    namespaces maps /proc/PID/ns names to the jail's Namespace, to check the result (joined())."""

    pid: int
    flags: int
    cgroup: str
    namespaces: dict


def cgroup2_root() -> str:
    """Where cgroup v2 is mounted (the first cgroup2 line of /proc/self/mountinfo).

    `ip netns exec` runs its command in a mount namespace of its own (a slave of the caller's)
    with a fresh /sys of the network namespace, in which no cgroup is mounted.  There the
    hierarchy is mounted at /sys/fs/cgroup, where a cgroup v2 host has it: a mount in that
    namespace reaches neither the host nor the jails (theirs are made from it, then detached),
    and cgroup2 shows the same hierarchy wherever it is mounted (same cgroup namespace), so
    jail.N is the same directory for every bsdulator.  Only an empty /sys/fs/cgroup is used, so
    that no cgroup v1 hierarchy is ever hidden."""
    global _cgroup2_root
    if _cgroup2_root is None:
        _cgroup2_root = _find_cgroup2() or _mount_cgroup2()
    return _cgroup2_root


def _find_cgroup2() -> str | None:
    for mount in procfs.mountinfo("self"):
        if mount.fstype == "cgroup2":
            return os.fsdecode(mount.point)
    return None


def _mount_cgroup2() -> str:
    """Mount cgroup2 on an empty /sys/fs/cgroup (see cgroup2_root)."""
    _require_root()
    try:
        empty = not os.listdir(CGROUP2_MOUNT_POINT)
    except OSError:
        empty = False
    if not empty:
        raise JailNsError(NO_CGROUP2)
    if lib.bsdu_mount(b"cgroup2", CGROUP2_MOUNT_POINT.encode(), b"cgroup2", 0, ffi.NULL) != 0:
        raise JailNsError(f"{NO_CGROUP2}; mounting it failed: {os.strerror(ffi.errno)}")
    return CGROUP2_MOUNT_POINT


def scope() -> str:
    """The cgroup directory of this registry's jails: jids are per registry (state directory),
    so two registries on one host (a user's and a test's) must not share jail.N names."""
    state = os.path.realpath(os.environ.get("BSDULATOR_STATE_DIR") or DEFAULT_STATE_DIR)
    if state == os.path.realpath(DEFAULT_STATE_DIR):
        return CGROUP_DIR
    return os.path.join(CGROUP_DIR, "state-" + hashlib.sha256(state.encode()).hexdigest()[:12])


def cgroup_of(jid: int) -> str:
    """The cgroup directory of jail jid."""
    return os.path.join(cgroup2_root(), scope(), f"jail.{jid}")


def _require_root() -> None:
    if os.geteuid() != 0:
        raise JailNsError("jails need root: namespaces, mounts and cgroups are created for them")


def _check_name(name: str, what: str) -> None:
    if len(name.encode()) > HOST_NAME_MAX:
        raise JailNsError(f"{what} {name!r} is longer than Linux's {HOST_NAME_MAX} bytes")


def _vanished(e: OSError) -> bool:
    """Whether e says the cgroup was removed meanwhile: ENOENT when its file is opened after the
    rmdir, ENODEV when it was opened before.  Removers race, so that means the work is done."""
    return e.errno in (errno.ENOENT, errno.ENODEV)


def _procs(cgroup: str) -> list[int]:
    try:
        with open(os.path.join(cgroup, "cgroup.procs")) as f:
            return [int(line) for line in f]
    except OSError as e:
        if _vanished(e):
            return []
        raise


def _populated(cgroup: str) -> bool:
    try:
        with open(os.path.join(cgroup, "cgroup.events")) as f:
            return "populated 1" in f.read()
    except OSError as e:
        if _vanished(e):
            return False
        raise


def _make_cgroup(jid: int) -> str:
    """An empty cgroup for the jail; an empty leftover of a crashed creator is reused."""
    cgroup = cgroup_of(jid)
    for _ in range(5):
        try:
            os.makedirs(os.path.dirname(cgroup), exist_ok=True)
            os.mkdir(cgroup)
        except FileNotFoundError:  # a concurrent destroy() removed the empty parent
            continue
        except FileExistsError:
            if _procs(cgroup):
                raise JailNsError(
                    f"{cgroup} still holds the processes of an earlier jail {jid}"
                ) from None
        except OSError as e:
            raise JailNsError(
                f"cannot create {cgroup}: {e.strerror} (jails need a writable cgroup v2)"
            ) from None
        break
    else:
        raise JailNsError(f"cannot create {cgroup}: its parent keeps disappearing")
    if not os.path.exists(os.path.join(cgroup, "cgroup.kill")):
        _remove_cgroup(cgroup)
        raise JailNsError("jails need Linux 5.14 or later (cgroup.kill)")
    return cgroup


def _remove_cgroup(cgroup: str) -> None:
    """The jail's cgroup dir, and the shared parents up to <root>/bsdulator once they are empty."""
    top = os.path.join(cgroup2_root(), CGROUP_DIR)
    try:
        os.rmdir(os.path.join(cgroup, PROXIES))
    except OSError:
        pass  # none made, or still busy (then so is the jail's, below)
    path = cgroup
    while path.startswith(top):
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:  # EBUSY/ENOTEMPTY: other jails still use the parent
            return
        path = os.path.dirname(path)


def _search_path() -> list[str]:
    """sys.path entries the holder needs without site: this package and cffi's backend."""
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    backend = importlib.util.find_spec("_cffi_backend").origin
    return [package_parent, os.path.dirname(backend)]


def _read_status(fd: int, deadline: float) -> str:
    """All the starter and holder say, until both closed the status pipe."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, 4096)
        if not chunk:
            return b"".join(chunks).decode(errors="replace")
        chunks.append(chunk)


def create(
    jid: int,
    path: str,
    hostname: str,
    domainname: str = "",
    vnet: bool = False,
    sysvipc_new: bool = False,
    parent: Holder | None = None,
) -> Holder:
    """Start jail jid's holder: its namespaces, root, /dev, names and cgroup (see the module doc);
    a child jail's PID namespace is made inside its parent jail's."""
    _require_root()
    root = os.path.realpath(path)
    if not os.path.isdir(root):
        raise JailNsError(f"jail path {path!r} is not a directory")
    _check_name(hostname, "hostname")
    _check_name(domainname, "domainname")
    flags = (
        CLONE_NEWNS
        | CLONE_NEWUTS
        | CLONE_NEWPID
        | CLONE_NEWCGROUP
        | (CLONE_NEWIPC if sysvipc_new else 0)
        | (CLONE_NEWNET if vnet else 0)
    )
    cgroup = _make_cgroup(jid)
    stop_point("create:cgroup")
    spec = dict(
        jid=jid,
        root=root,
        hostname=hostname,
        domainname=domainname,
        flags=flags,
        cgroup=cgroup,
        parent_holder=_live_holder_pid(parent) if parent else 0,
        set_dumpable=LINUX_PRCTL_CAPS["PR_SET_DUMPABLE"],
    )
    try:
        text = _run_starter(spec)
    except BaseException as e:
        _discard(jid, cgroup)
        if isinstance(e, TimeoutError):
            raise JailNsError(
                f"jail {jid}'s holder did not start within {START_TIMEOUT_S:.0f} s"
            ) from None
        raise
    return _started(jid, cgroup, text)


def _live_holder_pid(holder: Holder) -> int:
    os.close(_live_pidfd(holder))  # checks it is that holder, not a recycled pid
    return holder.pid


def _run_starter(spec: dict) -> str:
    """Run the holder's starter, detached (own session, no inherited fds, cwd /); what it
    reported."""
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    starter = None
    try:
        try:
            starter = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-S",
                    "-c",
                    BOOT,
                    json.dumps(spec),
                    str(wfd),
                    abi_package.__path__[0],
                    *_search_path(),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=wfd,
                pass_fds=(wfd,),
                start_new_session=True,
                cwd="/",
                env={},
            )
        finally:
            os.close(wfd)
        text = _read_status(rfd, time.monotonic() + START_TIMEOUT_S)
    except BaseException:
        if starter is not None:
            starter.kill()
        raise
    finally:
        os.close(rfd)
        if starter is not None:
            starter.wait()
    return text


def _discard(jid: int, cgroup: str) -> None:
    """Remove a jail that failed to start: whatever runs in its cgroup, then the cgroup."""
    destroy(Holder(jid, 0, None, cgroup))


def _started(jid: int, cgroup: str, text: str) -> Holder:
    """The holder the status text reports, or the error it tells (after removing what was made)."""
    lines = text.splitlines()
    pid, start = next(
        ((int(w[1]), int(w[2])) for w in map(str.split, lines) if w[:1] == ["pid"]), (0, None)
    )
    holder = Holder(jid, pid, start, cgroup)
    if "ok" in lines and alive(holder):
        return holder
    destroy(holder)
    errors = [
        line.removeprefix("error: ")
        for line in lines
        if line != "ok" and not line.startswith("pid ")
    ]
    raise JailNsError(
        f"cannot start jail {jid}: {'; '.join(errors) or 'its holder died while starting'}"
    )


def alive(holder: Holder) -> bool:
    """Whether the holder still runs (same pid and start time, not a zombie)."""
    return process_alive(holder.pid, holder.start)


def _exists(holder: Holder) -> bool:
    """Whether the holder's pid still names it, running or a zombie its parent has not reaped."""
    return bool(holder.pid) and start_time(holder.pid) == holder.start


def _pidfd(holder: Holder) -> int | None:
    """A pidfd of the holder (perhaps a zombie), or None; checked after opening, so never a recycled
    pid."""
    if not holder.pid:
        return None
    try:
        fd = os.pidfd_open(holder.pid)
    except ProcessLookupError:
        return None
    if _exists(holder):
        return fd
    os.close(fd)
    return None


def _live_pidfd(holder: Holder) -> int:
    """A pidfd of the running holder, or an error saying the jail is gone."""
    fd = _pidfd(holder)
    if fd is not None and not alive(holder):
        os.close(fd)
        fd = None
    if fd is None:
        raise JailNsError(
            f"jail {holder.jid}'s holder (pid {holder.pid}) is gone: the jail no longer exists"
        )
    return fd


def _namespace(path: str) -> Namespace | None:
    """The namespace an nsfs file (/proc/PID/ns/X, an fd of one, a bind mount of one) stands for."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            nsid = int.from_bytes(fcntl.ioctl(fd, NS_GET_ID, bytes(8)), sys.byteorder)
        except OSError:  # before Linux 6.18
            nsid = None
        return Namespace(os.fstat(fd).st_ino, nsid)
    finally:
        os.close(fd)


def namespaces(holder: Holder) -> dict[str, Namespace]:
    """The jail's own namespaces (those the caller does not share), by /proc/PID/ns name."""
    fd = _live_pidfd(holder)
    try:
        found = {name: _namespace(f"/proc/{holder.pid}/ns/{name}") for name, _ in NAMESPACES}
        if not alive(holder):
            raise JailNsError(f"jail {holder.jid}'s holder died while its namespaces were read")
    finally:
        os.close(fd)
    return {
        name: ns
        for name, ns in found.items()
        if ns is not None and ns.inode != procfs.ns_inode("thread-self", name)
    }


def attach_plan(holder: Holder) -> AttachPlan:
    """What the supervisor needs to move a process into the jail (see the module doc)."""
    own = namespaces(holder)
    flags = 0
    for name, flag in NAMESPACES:
        if name in own:
            flags |= flag
    return AttachPlan(holder.pid, flags, holder.cgroup, own)


def namespace_fds(holder: Holder, plan: AttachPlan) -> list[tuple[int, int]]:
    """(nsfs descriptor, setns flag) of each namespace plan names, opened by the caller and
    checked to be plan's; the mount namespace last, so that should a setns fail, the caller's
    files are still its own.  setns on these needs CAP_SYS_ADMIN (and CAP_SYS_CHROOT
    for the mount namespace) but, unlike setns on a pidfd, no ptrace access to the holder, which
    a jailed process lacks: the holder is not dumpable and keeps capabilities a jail loses."""
    fds: list[tuple[int, int]] = []
    try:
        for name, flag in sorted(NAMESPACES, key=lambda entry: entry[1] == CLONE_NEWNS):
            ns = plan.namespaces.get(name)
            if ns is None:
                continue
            fds.append((os.open(f"/proc/{holder.pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC), flag))
            if os.fstat(fds[-1][0]).st_ino != ns.inode or not alive(holder):
                raise JailNsError(f"jail {holder.jid}'s holder (pid {holder.pid}) is gone")
    except BaseException as e:
        for fd, _flag in fds:
            os.close(fd)
        if isinstance(e, OSError):
            raise JailNsError(f"cannot open jail {holder.jid}'s namespaces: {e.strerror}") from None
        raise
    return fds


def joined(plan: AttachPlan, pid: int) -> bool:
    """Whether process pid is in every namespace of the jail (its children in the jail's PID
    namespace)."""
    for name, ns in plan.namespaces.items():
        if procfs.ns_inode(pid, "pid_for_children" if name == "pid" else name) != ns.inode:
            return False
    return True


def join_cgroup(holder: Holder, pid: int) -> None:
    """Put process pid in the jail's cgroup, so members() lists it and destroy() kills it."""
    try:
        with open(os.path.join(holder.cgroup, "cgroup.procs"), "w") as f:
            f.write(str(pid))
    except ProcessLookupError:
        raise ProcessLookupError(f"process {pid} does not exist") from None
    except OSError as e:
        if _vanished(e):
            raise JailNsError(
                f"jail {holder.jid} is gone: its cgroup {holder.cgroup} does not exist"
            ) from None
        raise


def members(holder: Holder) -> list[int]:
    """Host pids of every process in the jail's cgroup, the holder included (proxies not)."""
    return _procs(holder.cgroup)


def join_proxies(holder: Holder, pid: int) -> None:
    """Move a process that only waits for a child in the jail (syscalls/jail.py's
    AttachProxy) aside: kill() still reaches it, members() no longer lists it."""
    proxies = os.path.join(holder.cgroup, PROXIES)
    os.makedirs(proxies, exist_ok=True)
    with open(os.path.join(proxies, "cgroup.procs"), "w") as f:
        f.write(str(pid))


def in_use(holder: Holder) -> bool:
    """Whether any process but the holder is in the jail, proxies included."""
    return any(p != holder.pid for p in members(holder)) or bool(
        _procs(os.path.join(holder.cgroup, PROXIES))
    )


def _in_uts(holder: Holder, setter, name: str, what: str) -> None:
    """Run setter(name) in the jail's UTS namespace: setns on this thread and back (UTS is per
    thread)."""
    _check_name(name, what)
    data = name.encode()
    fd = _live_pidfd(holder)
    own = os.open("/proc/thread-self/ns/uts", os.O_RDONLY | os.O_CLOEXEC)
    try:
        if lib.bsdu_setns(fd, CLONE_NEWUTS) != 0:
            raise JailNsError(
                f"cannot enter jail {holder.jid}'s UTS namespace: {os.strerror(ffi.errno)}"
            )
        r = setter(data, len(data))
        errno = ffi.errno
        if lib.bsdu_setns(own, CLONE_NEWUTS) != 0:
            raise JailNsError(
                f"this thread is stuck in jail {holder.jid}'s UTS namespace: "
                f"{os.strerror(ffi.errno)}"
            )
        if r != 0:
            raise JailNsError(
                f"cannot set jail {holder.jid}'s {what} to {name!r}: {os.strerror(errno)}"
            )
    finally:
        os.close(own)
        os.close(fd)


def set_hostname(holder: Holder, name: str) -> None:
    """Change the jail's hostname (host.hostname) from outside."""
    _in_uts(holder, lib.bsdu_sethostname, name, "hostname")


def set_domainname(holder: Holder, name: str) -> None:
    """Change the jail's NIS domain name (host.domainname) from outside."""
    _in_uts(holder, lib.bsdu_setdomainname, name, "domainname")


def _kill_cgroup(cgroup: str) -> None:
    """SIGKILL to every process in the cgroup, by the kernel, in one go (no fork race)."""
    try:
        with open(os.path.join(cgroup, "cgroup.kill"), "w") as f:
            f.write("1")
    except OSError as e:
        if not _vanished(e):
            raise


def _wait(done, timeout: float) -> bool:
    """Poll done() with a growing pause until it holds (True) or timeout seconds passed (False)."""
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
    return True


def _sigkill(pidfd: int) -> None:
    try:
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except ProcessLookupError:  # already exited
        pass


def _exited(pidfd: int | None) -> bool:
    """A pidfd turns readable when its process exits."""
    return pidfd is None or bool(select.select([pidfd], [], [], 0)[0])


def _reaped_by_us(pidfd: int) -> bool:
    """Collect the holder's exit status when it is our child (a subreaper caller); whether it
    was."""
    try:
        os.waitid(os.P_PIDFD, pidfd, os.WEXITED | os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def kill(holder: Holder) -> None:
    """SIGKILL every process of the jail at once, as jail_remove does; finish() or destroy() cleans
    up."""
    _require_root()
    _kill_cgroup(holder.cgroup)
    pidfd = _pidfd(holder)
    if pidfd is not None:  # PID 1's death also kills whatever of its PID namespace left the cgroup
        _sigkill(pidfd)
        os.close(pidfd)


def finish(holder: Holder) -> bool:
    """Remove a killed jail's cgroup once none of its processes is left; whether the jail is gone.

    The holder exits last: the kernel keeps a PID namespace's init until every process of
    the namespace was reaped, also those a parent outside the jail (a supervisor) must reap."""
    _require_root()
    pidfd = _pidfd(holder)
    try:
        if not _exited(pidfd) or _populated(holder.cgroup):
            return False
        if pidfd is not None:
            _reaped_by_us(pidfd)
    finally:
        if pidfd is not None:
            os.close(pidfd)
    _remove_cgroup(holder.cgroup)
    return not os.path.exists(holder.cgroup)


def reap(holder: Holder, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Kill a jail that no registry row records (its creator died, or its remover is still at
    it) and remove its cgroup once its processes left; whether it is gone.  Unlike destroy()
    it does not wait for a process another supervisor has to reap: that one's finish() ends it."""
    kill(holder)
    _wait(lambda: not _populated(holder.cgroup), timeout)
    return _wait(lambda: finish(holder), EXIT_TIMEOUT_S)


def destroy(holder: Holder, timeout: float = STOP_TIMEOUT_S) -> None:
    """Kill every process of the jail, wait until all are gone and remove its cgroup; idempotent.

    Only for a caller that is not the one to reap the jail's processes (else: kill(), then
    finish() from the wait loop).  Once the holder is dead its parent must still reap it
    for the PID namespace to be freed: destroy() does when it is the caller's child, else
    waits up to REAP_TIMEOUT_S for init (or a subreaper) to, and then returns anyway."""
    # to say what keeps it, should it stay
    pid_ns = procfs.ns_inode(holder.pid, "pid") if alive(holder) else None

    def gone() -> bool:
        kill(holder)  # again each time: a process may join the cgroup late
        return finish(holder)

    if not _wait(gone, timeout):
        raise JailNsError(_dying(holder, pid_ns, timeout))
    _wait(lambda: not _exists(holder), REAP_TIMEOUT_S)


def _dying(holder: Holder, pid_ns: int | None, waited: float) -> str:
    """Why the jail is not gone yet: its remaining processes, their state and parent."""
    remaining = set(members(holder))
    if pid_ns is not None:
        remaining.update(pid for pid in procfs.pids() if procfs.ns_inode(pid, "pid") == pid_ns)
    described = []
    for pid in sorted(remaining):
        stat = procfs.stat_if_alive(pid)
        if stat:
            described.append(f"{pid} (state {stat.state}, parent {stat.ppid})")
    return (
        f"jail {holder.jid} is still dying after {waited:g} s: "
        f"processes {', '.join(described) or holder.pid} remain; "
        "a zombie goes once its parent waits for it, a process in state D once the kernel "
        "lets it go: destroy it again later"
    )


def jids() -> list[int]:
    """Jids that have a cgroup on this host: with the registry, finds jails a crash left behind."""
    try:
        names = os.listdir(os.path.join(cgroup2_root(), scope()))
    except FileNotFoundError:
        return []
    return sorted(
        int(n.removeprefix("jail."))
        for n in names
        if n.startswith("jail.") and n.removeprefix("jail.").isdigit()
    )


def lookup(jid: int) -> Holder | None:
    """Jail jid's holder found from its cgroup alone (pid 0 when only an empty cgroup is left)."""
    cgroup = cgroup_of(jid)
    if not os.path.isdir(cgroup):
        return None
    for pid in _procs(cgroup):
        if _is_pid_ns_init(pid):
            return Holder(jid, pid, start_time(pid), cgroup)
    return Holder(jid, 0, None, cgroup)


def _is_pid_ns_init(pid: int) -> bool:
    """Whether pid is PID 1 of a namespace below ours (NSpid ends in 1)."""
    try:
        ids = procfs.status(pid).nspid
    except ProcessLookupError:
        return False
    return bool(ids) and len(ids) > 1 and ids[-1] == 1


def _ns_holders(pid: int) -> list[tuple[str, str]]:
    """(link text like 'net:[4026532001]', path) of the namespaces process pid is in or holds
    open."""
    found = []
    for sub in ("ns", "fd"):
        try:
            entries = os.listdir(f"/proc/{pid}/{sub}")
        except OSError:
            continue
        for entry in entries:
            path = f"/proc/{pid}/{sub}/{entry}"
            try:
                found.append((os.readlink(path), path))
            except OSError:
                pass
    return found


def leftovers(holder: Holder, jail_namespaces: dict[str, Namespace]) -> list[str]:
    """What survives of a destroyed jail: its holder, cgroup, or a process/mount still holding a
    namespace.

    jail_namespaces is namespaces(holder) taken while the jail ran.  The kernel reuses a freed
    namespace's inode at once; the namespace id tells a new one from the jail's, but before Linux
    6.18 a namespace made since may show up as a false hit."""
    found = []
    if alive(holder):
        found.append(f"holder pid {holder.pid} runs")
    elif _exists(holder):
        found.append(
            f"holder pid {holder.pid} is a zombie its parent has not reaped "
            "(it keeps the PID namespace)"
        )
    if os.path.exists(holder.cgroup):
        found.append(f"cgroup {holder.cgroup} exists")
    wanted = {f"{name}:[{ns.inode}]": ns for name, ns in jail_namespaces.items()}

    def same(link: str, path: str) -> bool:
        ns = wanted.get(link)
        return ns is not None and (ns.nsid is None or _namespace(path) == ns)

    for pid in procfs.pids():
        hits = sorted({link for link, path in _ns_holders(pid) if same(link, path)})
        if hits:
            found.append(f"process {pid} ({_comm(pid)}) holds {', '.join(hits)}")
    for mount in procfs.mountinfo("self"):
        root, point = os.fsdecode(mount.root), os.fsdecode(mount.point)
        if same(root, point):
            found.append(f"mount {point} holds {root}")
    return found


def _comm(pid: int) -> str:
    try:
        return procfs.comm(pid).strip().decode(errors="surrogateescape")
    except OSError:
        return "?"
