"""extattr_*(2): FreeBSD extended attributes on Linux xattrs, namespace by name prefix."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.extattr import EXTATTR_MAXNAMELEN, FREEBSD_EXTATTR_NAMESPACE, LINUX_PREFIX
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import fileflags
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler

EINVAL, ENAMETOOLONG, ENOATTR = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ENAMETOOLONG", "ENOATTR"))
HIDDEN = fileflags.XATTR.encode()
PREFIX = {FREEBSD_EXTATTR_NAMESPACE[name]: prefix for name, prefix in LINUX_PREFIX.items()}
SYSTEM = FREEBSD_EXTATTR_NAMESPACE["EXTATTR_NAMESPACE_SYSTEM"]


def _prefix(call, namespace: int) -> bytes:
    prefix = PREFIX.get(s32(namespace))
    if prefix is None:
        raise FreeBSDError(EINVAL, f"extattr namespace {namespace}")
    if (
        s32(namespace) == SYSTEM
    ):  # PRIV_VFS_EXTATTR_SYSTEM; Linux's trusted. needs only CAP_SYS_ADMIN
        refuse_in_jail(call, "the system extattr namespace")
    return prefix


def _linux_name(call, namespace: int, name_addr: int) -> int:
    prefix = _prefix(call, namespace)
    name = call.mem.read_cstr(name_addr, EXTATTR_MAXNAMELEN + 2)
    if len(name) > EXTATTR_MAXNAMELEN:
        raise FreeBSDError(ENAMETOOLONG)
    if not name:
        raise FreeBSDError(EINVAL)
    full = prefix + name + b"\0"
    if full[:-1] == HIDDEN:  # FreeBSD has no such attribute: its flags are st_flags
        raise FreeBSDError(ENOATTR, "bsdulator's file flags attribute")
    addr = call.alloc(len(full))
    call.mem.write(addr, full)
    return addr


# (set, get, remove, list) per way of naming the object.
_CALLS = {
    "file": ("setxattr", "getxattr", "removexattr", "listxattr"),
    "link": ("lsetxattr", "lgetxattr", "lremovexattr", "llistxattr"),
    "fd": ("fsetxattr", "fgetxattr", "fremovexattr", "flistxattr"),
}


def _target(kind: str, target: int) -> int:
    return s32(target) if kind == "fd" else target


def _make(kind: str):
    set_, get, remove, list_ = (getattr(lx, n) for n in _CALLS[kind])

    def extattr_set(call, target, namespace, name, data, nbytes):
        check(
            (yield set_(_target(kind, target), _linux_name(call, namespace, name), data, nbytes, 0))
        )
        return nbytes

    def extattr_get(call, target, namespace, name, data, nbytes):
        return check(
            (
                yield get(
                    _target(kind, target),
                    _linux_name(call, namespace, name),
                    data,
                    nbytes if data else 0,
                )
            )
        )

    def extattr_delete(call, target, namespace, name):
        return check((yield remove(_target(kind, target), _linux_name(call, namespace, name))))

    def extattr_list(call, target, namespace, data, nbytes):
        prefix = _prefix(call, namespace)
        obj = _target(kind, target)
        size = check((yield list_(obj, 0, 0)))
        names = []
        if size:
            tmp = call.alloc(size)
            got = check((yield list_(obj, tmp, size)))
            names = [
                n[len(prefix) :]
                for n in call.mem.read(tmp, got).split(b"\0")
                if n.startswith(prefix) and n != HIDDEN
            ]
        out = b"".join(bytes([len(n)]) + n for n in names)
        if data:
            out = out[:nbytes]
            call.mem.write(data, out)
        return len(out)

    for fn, what in (
        (extattr_set, "set"),
        (extattr_get, "get"),
        (extattr_delete, "delete"),
        (extattr_list, "list"),
    ):
        fn.__doc__ = f"Implements FreeBSD extattr_{what}_{kind}(2)."
        handler(
            f"extattr_{what}_{kind}",
            Support.TRANSLATED,
            "Linux xattrs; user -> user., system -> trusted.",
        )(fn)


for _kind in _CALLS:
    _make(_kind)
