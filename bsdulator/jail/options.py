"""The option list jail_set(2) and jail_get(2) read their iovec into: kern/vfs_mount.c's
vfsoptlist, as kern_jail.c borrows it, and the errmsg written back into it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from bsdulator.abi import jail as abi
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS

from .params import EINVAL, PARAM, JailError, Pairs, cstr, decode_value, encoded

# --- the option list (vfsoptlist) ---------------------------------------------


# sizeof(struct vfsopt) on amd64, which vfs_buildopts counts against its limit
_VFSOPT_SIZE = FREEBSD_KERNEL_DEFAULTS["sizeof(struct vfsopt)"]


@dataclass
class _Opt:
    """One iovec pair as struct vfsopt holds it."""

    name: str
    value: bytes | None  # None: no value (iov_len 0)
    pos: int  # index of the pair in the iovec
    seen: bool = False


def _same_option(a: str, b: str) -> bool:
    """vfs_equalopts: equal, or equal but for a "no" before the last component;
    ro/rdonly/norw/rw/noro alike."""
    if a == b or (a.startswith("no") and a[2:] == b) or (b.startswith("no") and a == b[2:]):
        return True
    while "." in a:
        head = a[: a.index(".") + 1]
        if not b.startswith(head):
            break
        a, b = a[len(head) :], b[len(head) :]
        if (a.startswith("no") and a[2:] == b) or (b.startswith("no") and a == b[2:]):
            return True
    mode = {"ro", "rdonly", "norw", "rw", "noro"}
    return a in mode and b in mode


class Request:
    """A jail_set/jail_get iovec as vfs_buildopts leaves it, with the accessors kern_jail.c reads it
    through.

    pairs are (name, value) as the iovec gives them: the iov_len bytes of each name (NUL-terminated)
    and value, None where iov_base is NULL. Of several same-named options the last is kept. Every
    accessor marks what it looks at as seen; unknown() names the first option nothing looked at."""

    def __init__(self, pairs: Pairs):
        opts, used = [], 0
        for pos, (name, value) in enumerate(pairs):
            used += _VFSOPT_SIZE + len(name) + len(value or b"")
            if (
                max(used, len(name), len(value or b"")) > abi.VFS_MOUNTARG_SIZE_MAX
                or not name
                or name[-1] != 0
            ):
                raise JailError(EINVAL)
            opts.append(_Opt(cstr(name), value or None, pos))
        kept: list[_Opt] = []
        for opt in reversed(opts):
            if not any(_same_option(later.name, opt.name) for later in kept):
                kept.append(opt)
        self.opts = kept[::-1]

    def _find(self, name: str) -> _Opt | None:
        """The option named exactly name, marked seen."""
        opt = next((o for o in self.opts if o.name == name), None)
        if opt is not None:
            opt.seen = True
        return opt

    def has(self, name: str) -> bool:
        """vfs_flagopt: whether the option was given (its value is never looked at)."""
        return self._find(name) is not None

    def raw(self, name: str) -> tuple[bool, bytes | None]:
        """vfs_getopt: whether the option was given, and its value."""
        opt = self._find(name)
        return opt is not None, None if opt is None else opt.value

    def value(self, name: str, *, max_ips: int = 255) -> Any:
        """A typed value (see decode_value), or None when the option is absent."""
        given, raw = self.raw(name)
        return decode_value(PARAM[name], raw, max_ips=max_ips) if given else None

    def flag(self, name: str) -> bool | None:
        """A boolean as kern_jail_set takes it: True by its name, False by its "no" name, None when
        neither is given."""
        if self.has(name):
            return True
        return False if self.has(PARAM[name].noname) else None

    def position(self, name: str) -> int | None:
        """vfs_getopt_pos: the iovec pair index of the option."""
        opt = self._find(name)
        return None if opt is None else opt.pos

    def unknown(self) -> str | None:
        """The first option no rule looked at ("errmsg" excepted): the kernel's unknown
        parameter."""
        return next((o.name for o in self.opts if not o.seen and o.name != "errmsg"), None)


class Writeback(NamedTuple):
    """What the jail syscall handler copies back for one value: data to iov_base, length to the
    iovec's iov_len."""

    index: int  # index into the iovec array (the value's slot, 2 * pair + 1)
    length: int  # the new iov_len (jail_get copies the iovec array back on success)
    data: bytes | None  # bytes for iov_base, None: nothing (the caller passed no buffer)


def errmsg_writeback(pairs: Pairs, error: JailError) -> Writeback | None:
    """The "errmsg" buffer after a failed call: the message vsnprintf'd into it, the rest as it was;
    None: untouched."""
    if not error.message:
        return None
    opt = Request(pairs)._find("errmsg")
    if opt is None or opt.value is None:
        return None
    text = encoded(error.message)[: len(opt.value) - 1] + b"\0"
    return Writeback(2 * opt.pos + 1, len(opt.value), text + opt.value[len(text) :])
