"""The file view a FreeBSD program sees, built in a private mount namespace.

Rule (also in the README): inside the view, `/` is the FreeBSD root, so /bin, /lib,
/libexec, /usr, /etc … are FreeBSD's; the host's /dev and /tmp are mounted over the
root's own, and the directory bsdulator was started from is mounted at its own path
(over the root's directory of that name if the root has one; a missing mount point is
created in the root as an empty directory).  Everything is done with bind mounts in a
mount namespace private to the traced programs, so the host sees no change and nothing
needs unmounting afterwards; paths need no translation per syscall.
"""

import os

from .abi.flags import LINUX_CLONE_FLAGS
from .abi.mount import LINUX_MS, LINUX_UMOUNT
from .errors import UsageError
from .native._native import ffi, lib

CLONE_NEWNS, CLONE_NEWUSER = LINUX_CLONE_FLAGS["CLONE_NEWNS"], LINUX_CLONE_FLAGS["CLONE_NEWUSER"]
MS_NOSUID, MS_BIND, MS_REC, MS_PRIVATE = (
    LINUX_MS[n] for n in ("MS_NOSUID", "MS_BIND", "MS_REC", "MS_PRIVATE")
)
MNT_DETACH = LINUX_UMOUNT["MNT_DETACH"]
HOST_DIRS = ("/dev", "/tmp")
ROOT_MARKERS = ("libexec/ld-elf.so.1", "lib/libc.so.7", "bin/sh")


def _check(r: int, what: str) -> None:
    if r != 0:
        raise OSError(ffi.errno, f"{what}: {os.strerror(ffi.errno)}")


def _bind(src: str, dst: str, recursive: bool = True) -> None:
    _check(
        lib.bsdu_mount(
            src.encode(), dst.encode(), ffi.NULL, MS_BIND | (MS_REC if recursive else 0), ffi.NULL
        ),
        f"bind {src} on {dst}",
    )


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


def enter(root: str, cwd: str) -> None:
    """Called in the child before exec: after it, `/` is the FreeBSD view and cwd is kept."""
    root = os.path.realpath(root)
    cwd = os.path.realpath(cwd)
    _enter_private_namespace()
    stage = root  # bound onto itself: in this private namespace it can become "/"
    _bind(root, stage)
    for host_dir in HOST_DIRS:
        _bind(host_dir, _mountpoint(stage, host_dir))
    if cwd != "/" and not any(cwd == d or cwd.startswith(d + "/") for d in HOST_DIRS):
        _bind(cwd, _mountpoint(stage, cwd))
    # pivot_root(".", "."): the old root ends up stacked on the new one, then detached, so
    # no directory for it is ever made inside the (shared) FreeBSD root.
    os.chdir(stage)
    _check(lib.bsdu_pivot_root(b".", b"."), "pivot_root")
    _check(lib.bsdu_umount(b".", MNT_DETACH), "detach the host root")
    os.chdir("/")
    os.chdir(cwd)


def to_host(path: str, root: str, cwd: str) -> str:
    """The host path of an absolute path inside the view built by enter(root, cwd)."""
    for bound in (*HOST_DIRS, cwd):
        if bound != "/" and (path == bound or path.startswith(bound.rstrip("/") + "/")):
            return path
    return os.path.normpath(root + "/" + path)


def check_root(root: str) -> str:
    """The root directory, or a UsageError that says how to get one."""
    hint = "fetch one with ./freebsd-root-fetch.sh (or pass --root DIR / set BSDULATOR_ROOT)"
    if not os.path.isdir(root):
        raise UsageError(f"FreeBSD root {root!r} does not exist; {hint}")
    for needed in ROOT_MARKERS:
        if not os.path.exists(os.path.join(root, needed)):
            raise UsageError(f"FreeBSD root {root!r} is incomplete (no {needed}); {hint}")
    return os.path.realpath(root)
