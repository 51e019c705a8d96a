"""The process that keeps a jail's namespaces alive: PID 1 of the jail.

namespaces.create() runs `python -I -S -c BOOT SPEC FD PATH…`: an interpreter without site
packages that imports only this module and the cffi helpers starts in ~20 ms.  That first
process (the starter) moves itself into the jail's cgroup, unshares the namespaces and forks;
its child is PID 1 of the new PID namespace (a process cannot enter a PID namespace itself,
only its children are born in it).  The starter exits, so nothing of the caller stays
attached; the child reports its host pid and start time, builds the jail's root, stops being
dumpable, says "ok" on the status fd, drops every fd that leads outside, and from then on only
reaps the orphans the kernel hands to a namespace's init, until namespaces.kill() ends it.

Errors travel as text on the status fd, which is also stderr until "ok"."""

import ctypes
import json
import os
import signal
import stat

from ..abi.devices import LINUX_CHAR_DEVICES
from ..abi.flags import LINUX_CLONE_FLAGS
from ..abi.mount import LINUX_MS, LINUX_UMOUNT
from ..abi.ptrace import LINUX_WAIT
from ..native._native import ffi, lib

MS_NOSUID, MS_NOEXEC = LINUX_MS["MS_NOSUID"], LINUX_MS["MS_NOEXEC"]
MS_BIND, MS_REC, MS_PRIVATE = LINUX_MS["MS_BIND"], LINUX_MS["MS_REC"], LINUX_MS["MS_PRIVATE"]
MNT_DETACH = LINUX_UMOUNT["MNT_DETACH"]
WALL = LINUX_WAIT["__WALL"]  # also reap children that exit with a signal other than SIGCHLD
CLONE_NEWPID = LINUX_CLONE_FLAGS["CLONE_NEWPID"]
# The /dev a jail gets: Linux character devices (name, major, minor), all mode 0666.
DEV_NODES = tuple((name, major, minor) for name, (major, minor) in LINUX_CHAR_DEVICES.items())
# /dev/fd/0-2, as FreeBSD's devfs has them without fdescfs: character devices no Linux driver
# serves (major 0), so opening one fails with ENXIO and the supervisor answers with a duplicate
# of that descriptor (syscalls/file.py), as FreeBSD's fdopen/dupfdopen do.  No procfs is
# mounted in a jail: its /N/mem, cmdline and mountinfo would reach the holder.
DEV_FD_MAJOR = 0
DEV_FD = (0, 1, 2)
DEV_LINKS = (("stdin", "fd/0"), ("stdout", "fd/1"), ("stderr", "fd/2"), ("ptmx", "pts/ptmx"))
# Kernel interfaces a jail must not see even when its path has them mounted below it.
KERNEL_FS = ("proc", "sysfs")
IGNORED = (
    signal.SIGHUP,
    signal.SIGINT,
    signal.SIGQUIT,
    signal.SIGTERM,
    signal.SIGPIPE,
    signal.SIGTSTP,
    signal.SIGTTIN,
    signal.SIGTTOU,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def _check(r: int, what: str) -> None:
    if r != 0:
        raise OSError(ffi.errno, f"{what}: {os.strerror(ffi.errno)}")


def _mount(
    source: str, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    _check(
        lib.bsdu_mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else ffi.NULL,
            flags,
            data.encode() if data else ffi.NULL,
        ),
        f"mount {fstype or 'bind'} {source} on {target}",
    )


def _say(fd: int, line: str) -> None:
    os.write(fd, (line.replace("\n", " ") + "\n").encode(errors="replace"))


def unescape(field: str) -> str:
    r"""A path from /proc/*/mountinfo, where space, tab, newline and \ are octal escapes."""
    for code in ("\\040", "\\011", "\\012", "\\134"):
        field = field.replace(code, chr(int(code[1:], 8)))
    return field


def _kernel_mounts_below(root: str) -> list[str]:
    """Mount points of proc and sysfs strictly below root, outermost first."""
    prefix = root.rstrip("/") + "/"
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            point, fstype = unescape(left.split()[4]), right.split()[0]
            if fstype in KERNEL_FS and point.startswith(prefix):
                found.append(point)
    return sorted(found, key=len)


def _detach_kernel_mounts(root: str) -> None:
    """Hide the host's /proc and /sys should the jail's path contain them (path=/ does)."""
    done: list[str] = []
    for point in _kernel_mounts_below(root):
        if not any(point.startswith(d + "/") for d in done):
            _check(lib.bsdu_umount(point.encode(), MNT_DETACH), f"detach {point}")
            done.append(point)


def _make_dev(dev: str) -> None:
    """A fresh /dev: the usual nodes, a private devpts for ptys, /dev/fd/0-2 for the supervisor to
    serve."""
    os.makedirs(dev, exist_ok=True)
    _mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=1m,nr_inodes=4096")
    for name, major, minor in DEV_NODES:
        os.mknod(os.path.join(dev, name), stat.S_IFCHR | 0o666, os.makedev(major, minor))
    os.mkdir(os.path.join(dev, "pts"), 0o755)
    _mount(
        "devpts",
        os.path.join(dev, "pts"),
        "devpts",
        MS_NOSUID | MS_NOEXEC,
        "newinstance,ptmxmode=0666,mode=0620",
    )
    os.mkdir(os.path.join(dev, "fd"), 0o555)
    for fd in DEV_FD:
        os.mknod(
            os.path.join(dev, "fd", str(fd)), stat.S_IFCHR | 0o666, os.makedev(DEV_FD_MAJOR, fd)
        )
    for name, target in DEV_LINKS:
        os.symlink(target, os.path.join(dev, name))


def _build_root(root: str) -> None:
    """In the new mount namespace: `root` becomes / with its own /dev; the host's tree is
    detached."""
    _mount("none", "/", None, MS_REC | MS_PRIVATE)  # nothing done here reaches the host
    if root == "/":  # a path=/ jail shares the host's files: only /dev and the kernel views change
        _detach_kernel_mounts("/")
        _make_dev("/dev")
        return
    _mount(root, root, None, MS_BIND | MS_REC)  # pivot_root wants a mount point
    _detach_kernel_mounts(root)
    _make_dev(os.path.join(root, "dev"))
    os.chdir(root)
    _check(lib.bsdu_pivot_root(b".", b"."), f"pivot_root to {root}")  # the old root now lies on top
    _check(lib.bsdu_umount(b".", MNT_DETACH), "detach the host's root")
    os.chdir("/")


def _set_names(hostname: str, domainname: str) -> None:
    for setter, name, what in (
        (lib.bsdu_sethostname, hostname, "hostname"),
        (lib.bsdu_setdomainname, domainname, "domainname"),
    ):
        data = name.encode()
        _check(setter(data, len(data)), f"set the jail's {what} to {name!r}")


def _not_dumpable(set_dumpable: int) -> None:
    """Root and untraced, the holder must not be reachable from its jail: not dumpable, its
    memory and /proc files are closed to every process lacking CAP_SYS_PTRACE (jailed ones)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(set_dumpable, 0, 0, 0, 0) != 0:
        raise OSError(
            ctypes.get_errno(), f"prctl(PR_SET_DUMPABLE, 0): {os.strerror(ctypes.get_errno())}"
        )


def _detach_fds(status_fd: int) -> None:
    """0, 1 and 2 on the jail's /dev/null: no descriptor keeps anything of the caller open."""
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.close(status_fd)


def _reap_forever() -> None:
    """What a namespace's init owes the kernel: collect every orphan that exits."""
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG | WALL)[0] > 0:
                pass
        except ChildProcessError:
            pass
        signal.sigwait({signal.SIGCHLD})


def _init(spec: dict, status_fd: int) -> None:
    """PID 1 of the jail: build it, report, then reap."""
    with open("/proc/self/comm", "w") as f:
        f.write(f"jail.{spec['jid']}")
    os.setsid()
    os.umask(0)
    _build_root(spec["root"])
    os.umask(0o022)
    _set_names(spec["hostname"], spec["domainname"])
    _not_dumpable(spec["set_dumpable"])
    _say(status_fd, "ok")
    _detach_fds(status_fd)
    _reap_forever()


def _start(spec: dict, status_fd: int) -> None:
    """The starter: cgroup, namespaces, then the fork that makes PID 1."""
    with open(os.path.join(spec["cgroup"], "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
    if spec.get("parent_holder"):
        _enter_parent_pid_namespace(spec["parent_holder"])
    _check(lib.bsdu_unshare(spec["flags"]), "unshare the jail's namespaces")
    # Opened before the fork: the child pivots the mount namespace we now share with it,
    # which takes /proc away from this process too.
    proc = os.open("/proc", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    if os.fork():
        os._exit(0)
    try:
        _say(status_fd, f"pid {_host_pid(proc)} {_start_time(proc)}")
        os.close(proc)
        _init(spec, status_fd)
    except BaseException as e:
        _say(status_fd, f"error: {e}")
        os._exit(1)


def _enter_parent_pid_namespace(parent_holder: int) -> None:
    """A nested jail's PID namespace is a child of its parent jail's, so the parent jail's
    processes can see and attach to it.  Only a process whose own PID namespace is the
    parent's may make one: setns, then go on in a child born there."""
    fd = os.pidfd_open(parent_holder)
    try:
        _check(lib.bsdu_setns(fd, CLONE_NEWPID), "enter the parent jail's PID namespace")
    finally:
        os.close(fd)
    pid = os.fork()
    if pid:
        os._exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))


def _host_pid(proc: int) -> int:
    """This process's pid as the host numbers it: the host's procfs names it so in self."""
    return int(os.readlink("self", dir_fd=proc))


def _start_time(proc: int) -> str:
    fd = os.open("self/stat", os.O_RDONLY | os.O_CLOEXEC, dir_fd=proc)
    with os.fdopen(fd) as f:
        # procfs.Stat.starttime; not imported, to start lean
        return f.read().rsplit(")", 1)[1].split()[19]


def main(spec_json: str, status_fd: int) -> None:
    """Entry point of BOOT; never returns."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    for sig in IGNORED:
        signal.signal(sig, signal.SIG_IGN)
    try:
        _start(json.loads(spec_json), status_fd)
    except BaseException as e:
        _say(status_fd, f"error: {e}")
    os._exit(1)
