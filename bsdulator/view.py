"""The file view a FreeBSD program sees, built in a private mount namespace.

Rule (also in the README): inside the view, `/` is the FreeBSD root, so /bin, /lib,
/libexec, /usr, /etc … are FreeBSD's; the host's /dev and /tmp are mounted over the
root's own, and the directory bsdulator was started from is mounted at its own path
(over the root's directory of that name if the root has one).  Everything is done with
bind mounts in a mount namespace private to the traced programs, so the host sees no
change and nothing needs unmounting afterwards; paths need no translation per syscall.
"""
import os
import tempfile

from .errors import UsageError
from .native._native import ffi, lib

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18
MNT_DETACH = 2
HOST_DIRS = ("/dev", "/tmp")


def _check(r: int, what: str) -> None:
    if r != 0:
        raise OSError(ffi.errno, f"{what}: {os.strerror(ffi.errno)}")


def _bind(src: str, dst: str, recursive: bool = True) -> None:
    _check(lib.bsdu_mount(src.encode(), dst.encode(), ffi.NULL, MS_BIND | (MS_REC if recursive else 0), ffi.NULL),
           f"bind {src} on {dst}")


def _enter_private_namespace() -> None:
    """A mount namespace of our own; an unprivileged user gets a user namespace with it."""
    if os.geteuid() == 0:
        _check(lib.bsdu_unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    else:
        uid, gid = os.geteuid(), os.getegid()
        _check(lib.bsdu_unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(CLONE_NEWUSER|CLONE_NEWNS)")
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    _check(lib.bsdu_mount(b"none", b"/", ffi.NULL, MS_REC | MS_PRIVATE, ffi.NULL), "make / private")


def _mountpoint(stage: str, root: str, path: str) -> str:
    """Create the empty directory `path` inside the view to mount on; return its stage path."""
    top = path.strip("/").split("/", 1)[0]
    target = os.path.join(stage, path.lstrip("/"))
    if os.path.lexists(os.path.join(root, top)) and path.strip("/") != top:
        # Nested under one of the root's own directories, which is bound read-write
        # from the root itself: the mount point has to be made there.
        os.makedirs(os.path.join(root, path.lstrip("/")), exist_ok=True)
    else:
        os.makedirs(target, exist_ok=True)
    return target


def enter(root: str, cwd: str) -> None:
    """Called in the child before exec: after it, `/` is the FreeBSD view and cwd is kept."""
    root = os.path.realpath(root)
    cwd = os.path.realpath(cwd)
    _enter_private_namespace()
    stage = tempfile.mkdtemp(prefix="bsdulator-view-")
    _check(lib.bsdu_mount(b"tmpfs", stage.encode(), b"tmpfs", MS_NOSUID, b"mode=0755"), "tmpfs for the view")
    for name in os.listdir(root):
        src, dst = os.path.join(root, name), os.path.join(stage, name)
        if "/" + name in HOST_DIRS:
            continue
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif os.path.isdir(src):
            os.mkdir(dst)
            _bind(src, dst)
        else:
            open(dst, "w").close()
            _bind(src, dst, recursive=False)
    for host_dir in HOST_DIRS:
        os.makedirs(os.path.join(stage, host_dir.lstrip("/")), exist_ok=True)
        _bind(host_dir, os.path.join(stage, host_dir.lstrip("/")))
    if cwd != "/" and not any(cwd == d or cwd.startswith(d + "/") for d in HOST_DIRS):
        _bind(cwd, _mountpoint(stage, root, cwd))
    old = os.path.join(stage, ".old-root")
    os.mkdir(old)
    _check(lib.bsdu_pivot_root(stage.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _check(lib.bsdu_umount(b"/.old-root", MNT_DETACH), "detach the host root")
    os.rmdir("/.old-root")
    try:
        os.rmdir(stage)  # the empty host directory, reached through the bound /tmp
    except OSError:
        pass
    os.chdir(cwd)


def check_root(root: str) -> str:
    """The root directory, or a UsageError that says how to get one."""
    hint = "fetch one with ./freebsd-root-fetch.sh (or pass --root DIR / set BSDULATOR_ROOT)"
    if not os.path.isdir(root):
        raise UsageError(f"FreeBSD root {root!r} does not exist; {hint}")
    for needed in ("libexec/ld-elf.so.1", "lib/libc.so.7"):
        if not os.path.exists(os.path.join(root, needed)):
            raise UsageError(f"FreeBSD root {root!r} is incomplete (no {needed}); {hint}")
    return os.path.realpath(root)
