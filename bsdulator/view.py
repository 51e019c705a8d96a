"""The file view a FreeBSD program sees, built in a private mount namespace.

Rule (also in the README): inside the view, `/` is the FreeBSD root, so /bin, /lib,
/libexec, /usr, /etc … are FreeBSD's.  Host directories appear at their own paths:
- always /tmp, /dev (the host's devices, with FreeBSD's fdescfs-style /dev/fd and /dev/std*)
  and the directory bsdulator was started from;
- in the full view (the default), also every top-level host directory the root does not have
  (/home, /srv, /opt, /mnt, /work …; an empty directory in the root is a mount point, not a
  directory of its own), but never the host's kernel places (/proc, /sys, /boot) or /run;
  where a host directory collides with one of the root's, the root's wins, and the program's
  own directory is bound in at its own path when it is hidden that way;
- in the minimal view (`--view minimal`), nothing more.
A missing mount point is created in the root as an empty directory.  Everything is done with
bind mounts in a mount namespace private to the traced programs, so the host sees no change
and nothing needs unmounting afterwards; paths need no translation per syscall.
"""

import os
import stat
from dataclasses import dataclass, replace

from .abi.flags import LINUX_CLONE_FLAGS
from .abi.limits import FREEBSD_LIMITS
from .abi.mount import LINUX_MS, LINUX_UMOUNT
from .errors import UsageError
from .jail.holder import DEV_FD, DEV_FD_MAJOR
from .native._native import ffi, lib

CLONE_NEWNS, CLONE_NEWUSER = LINUX_CLONE_FLAGS["CLONE_NEWNS"], LINUX_CLONE_FLAGS["CLONE_NEWUSER"]
MS_RDONLY, MS_NOSUID, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    LINUX_MS[n] for n in ("MS_RDONLY", "MS_NOSUID", "MS_REMOUNT", "MS_BIND", "MS_REC", "MS_PRIVATE")
)
MNT_DETACH = LINUX_UMOUNT["MNT_DETACH"]
SYMLOOP_MAX = FREEBSD_LIMITS["MAXSYMLINKS"]
HOST_DIRS = ("/dev", "/tmp")
# The host's kernel interfaces and kernel images (FreeBSD tools read their own there), and
# Linux's runtime state (FreeBSD's is /var/run): a copy of /run/netns in the view would keep
# network namespaces alive that the host has let go.
NEVER_SHOWN = ("/proc", "/sys", "/boot", "/run")
# Entries of the host's /dev that lead into Linux's /proc; the view has FreeBSD's instead.
DEV_FDESC = ("fd", "stdin", "stdout", "stderr")
DEV_STD = tuple(zip(("stdin", "stdout", "stderr"), DEV_FD, strict=True))
MODES = ("full", "minimal")
ROOT_MARKERS = ("libexec/ld-elf.so.1", "lib/libc.so.7", "bin/sh")


def _check(r: int, what: str) -> None:
    if r != 0:
        raise OSError(ffi.errno, f"{what}: {os.strerror(ffi.errno)}")


def _mount(src: str, dst: str, flags: int, fstype: str | None = None, data: str | None = None):
    _check(
        lib.bsdu_mount(
            src.encode(),
            dst.encode(),
            fstype.encode() if fstype else ffi.NULL,
            flags,
            data.encode() if data else ffi.NULL,
        ),
        f"mount {src} on {dst}",
    )


def _bind(src: str, dst: str, recursive: bool = True) -> None:
    _mount(src, dst, MS_BIND | (MS_REC if recursive else 0))


def _enter_private_namespace() -> None:
    """A mount namespace of our own; an unprivileged user gets a user namespace with it."""
    if os.geteuid() == 0:
        _check(lib.bsdu_unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    else:
        uid, gid = os.geteuid(), os.getegid()
        _check(lib.bsdu_unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(CLONE_NEWUSER|CLONE_NEWNS)")
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    _check(lib.bsdu_mount(b"none", b"/", ffi.NULL, MS_REC | MS_PRIVATE, ffi.NULL), "make / private")


def _mountpoint(stage: str, path: str) -> str:
    """The directory `path` inside the view, created in the root when it is missing."""
    target = os.path.join(stage, path.lstrip("/"))
    os.makedirs(target, exist_ok=True)
    return target


def _under(path: str, top: str) -> bool:
    return top == "/" or path == top or path.startswith(top.rstrip("/") + "/")


def _root_has(root: str, top: str) -> bool:
    """Whether the root has a directory or file of its own at `top` (an empty directory is only
    a mount point: FreeBSD ships /mnt and /media so, and the view makes its own)."""
    mine = os.path.join(root, top.lstrip("/"))
    if not os.path.lexists(mine):
        return False
    if os.path.islink(mine) or not os.path.isdir(mine):
        return True
    try:
        return bool(os.listdir(mine))
    except OSError:
        return True


def host_dirs_root_lacks(root: str) -> list[str]:
    """The top-level host directories the full view shows at their own paths."""
    found = []
    for name in sorted(os.listdir("/")):
        top = "/" + name
        if top in HOST_DIRS or top in NEVER_SHOWN or not os.path.isdir(top):
            continue
        if not _root_has(root, top):
            found.append(top)
    return found


PTMX = "ptmx"


def _ptmx(entry: os.DirEntry, target: str) -> None:
    """Linux finds the devpts a new pty lives on as "pts" beside the ptmx node opened: a host
    node bound in alone has no such sibling (ENOENT), so the view's is a node of its own, or
    without the right to make one, a link to devpts's own ptmx."""
    st = entry.stat(follow_symlinks=False)
    try:
        os.mknod(target, stat.S_IFCHR | stat.S_IMODE(st.st_mode), st.st_rdev)
        os.chmod(target, stat.S_IMODE(st.st_mode))
    except PermissionError:
        os.symlink(f"pts/{PTMX}", target)


def _fresh_dev(dev: str) -> None:
    """The host's /dev, entry by entry, on a read-only tmpfs of its own, with FreeBSD's /dev/fd
    and /dev/std* in place of the host's (links into Linux's /proc, which the view lacks).
    fd/0-2 are the character devices the supervisor answers with a duplicate (as a jail's,
    bsdulator/jail/holder.py); any other /dev/fd/N is looked up by name (fdescfs, see
    syscalls/file.py).  Without root no node can be made: then all are looked up by name."""
    _mount("tmpfs", dev, MS_NOSUID, "tmpfs", "mode=755")
    for entry in os.scandir("/dev"):
        if entry.name in DEV_FDESC:
            continue
        target = os.path.join(dev, entry.name)
        try:
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.name == PTMX:
                _ptmx(entry, target)
            elif entry.is_dir():
                os.mkdir(target)
                _bind(entry.path, target)
            else:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                _bind(entry.path, target, recursive=False)
        except OSError:
            continue  # gone since the listing, or not ours to bind: the view goes without it
    fd_dir = os.path.join(dev, "fd")
    os.mkdir(fd_dir, 0o555)
    for name, fd in DEV_STD:
        os.symlink(f"fd/{fd}", os.path.join(dev, name))
        node = os.path.join(fd_dir, str(fd))
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(DEV_FD_MAJOR, fd))
        except PermissionError:
            continue
        os.chmod(node, 0o666)  # as devfs has them, whatever the umask
    _mount("none", dev, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


@dataclass(frozen=True)
class View:
    root: str  # the host directory that is `/`
    tops: tuple[str, ...]  # host directories the root lacks, shown where the root can take them
    binds: tuple[str, ...]  # host directories always at their own paths, mounted after `tops`

    @classmethod
    def make(cls, root: str, cwd: str, mode: str = "full") -> "View":
        root, cwd = os.path.realpath(root), os.path.realpath(cwd)
        tops = tuple(host_dirs_root_lacks(root)) if mode == "full" else ()
        return cls(root, tops, HOST_DIRS).with_dir(cwd)

    def with_dir(self, path: str) -> "View":
        """This view, with `path` bound in at its own path unless the view shows it already."""
        if path == "/" or self.shows(path):  # "/" is the root's, whatever the cwd
            return self
        return replace(self, binds=(*self.binds, path))

    def shows(self, path: str) -> bool:
        """Whether the absolute `path` is the host's own in the view (lexically)."""
        return any(top != "/" and _under(path, top) for top in (*self.tops, *self.binds))

    def to_host(self, path: str) -> str:
        """The host path of an absolute path inside the view (no symlink followed)."""
        if self.shows(path):
            return path
        return os.path.normpath(self.root + "/" + path)

    def resolve(self, path: str) -> str:
        """The host file an absolute view path leads to, symlinks followed as the view does
        (an absolute target starts again at the view's `/`, the root); UsageError on a loop."""
        todo = [c for c in path.split("/") if c]
        cur, links = "/", 0
        while todo:
            comp = todo.pop(0)
            if comp == ".":
                continue
            if comp == "..":
                cur = os.path.dirname(cur)
                continue
            nxt = os.path.join(cur, comp)
            host = self.to_host(nxt)
            if not os.path.islink(host):
                cur = nxt
                continue
            links += 1
            if links > SYMLOOP_MAX:
                raise UsageError(f"{path}: too many levels of symbolic links")
            target = os.readlink(host)
            todo = [c for c in target.split("/") if c] + todo
            if target.startswith("/"):
                cur = "/"
        return self.to_host(cur)

    def enter(self) -> None:
        """Called in the child before exec: after it, `/` is the FreeBSD view and cwd is kept."""
        cwd = os.path.realpath(os.getcwd())
        _enter_private_namespace()
        stage = self.root  # bound onto itself: in this private namespace it can become "/"
        _bind(self.root, stage)
        for top in self.tops:
            try:
                _bind(top, _mountpoint(stage, top))
            except OSError:
                continue  # the root cannot take it (read-only, say): the view goes without it
        for host_dir in self.binds:
            target = _mountpoint(stage, host_dir)
            if host_dir == "/dev":
                _fresh_dev(target)
            else:
                _bind(host_dir, target)
        # pivot_root(".", "."): the old root ends up stacked on the new one, then detached, so
        # no directory for it is ever made inside the (shared) FreeBSD root.
        os.chdir(stage)
        _check(lib.bsdu_pivot_root(b".", b"."), "pivot_root")
        _check(lib.bsdu_umount(b".", MNT_DETACH), "detach the host root")
        os.chdir("/")
        os.chdir(cwd)


def check_root(root: str) -> str:
    """The root directory, or a UsageError that says how to get one."""
    hint = "fetch one with ./freebsd-root-fetch.sh (or pass --root DIR / set BSDULATOR_ROOT)"
    if not os.path.isdir(root):
        raise UsageError(f"FreeBSD root {root!r} does not exist; {hint}")
    for needed in ROOT_MARKERS:
        if not os.path.exists(os.path.join(root, needed)):
            raise UsageError(f"FreeBSD root {root!r} is incomplete (no {needed}); {hint}")
    return os.path.realpath(root)
