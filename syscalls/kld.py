"""Kernel modules: the kld*(2) and mod*(2) calls against the emulated kernel's linker files.

Linker file 1 is the kernel, with the modules built into it (BUILTIN_MODULES: netlink, which the
14.x tools look for before opening a netlink socket).  kldload(2) of a FreeBSD module that has a
Linux counterpart (KNOWN_MODULES) records a linker file for it in a small SQLite database next to
the jail registry, so every bsdulator process sees the same `kldstat`; kldunload(2) forgets it.
No Linux module is ever loaded or unloaded: Linux loads the ones behind bridges, veth pairs,
VLANs, tun… itself the first time a netlink request needs that kind of link (the rtnl-link-<kind>
module aliases), and a module other programs on the host use must not go with a jail's kldunload.
Loading and unloading need PRIV_KLD_LOAD/UNLOAD, which no jail has: EPERM there."""

import os
import sqlite3
from contextlib import contextmanager

from bsdulator import structs
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.jail import MAXPATHLEN
from bsdulator.abi.kld import (
    KERNEL_FILE,
    KERNEL_FILE_ID,
    KERNEL_PATH,
    LINKER_UNLOAD_FLAGS,
    MAXMODNAME,
    MAXMODNAMEV1V2,
    MODULE_FILE_SUFFIX,
    MODULE_PATH,
    MODULE_STAT_V1V2,
)
from bsdulator.engine import s32
from bsdulator.errors import FreeBSDError
from bsdulator.jail.registry import BUSY_TIMEOUT_S, default_state_dir
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler

ENOENT, ENAMETOOLONG, EEXIST, EBUSY, EINVAL, EIO = (
    FREEBSD_ERRNO[n] for n in ("ENOENT", "ENAMETOOLONG", "EEXIST", "EBUSY", "EINVAL", "EIO")
)

# Modules compiled into the emulated kernel; a module's id is its place here, from 1.
BUILTIN_MODULES = ("netlink",)

# The FreeBSD modules kldload(2) finds, and the Linux facility behind each (None: bsdulator
# itself, or nothing Linux needs loading for).
KNOWN_MODULES = {
    "if_bridge": "bridge",
    "bridgestp": "stp",
    "if_epair": "veth",
    "if_vlan": "8021q",
    "if_lagg": "bonding",
    "if_tuntap": "tun",
    "if_gre": "ip_gre",
    "if_gif": "ipip",
    "if_vxlan": "vxlan",
    "if_wg": "wireguard",
    "pf": None,
    "pflog": None,
    "ipfw": None,
    "nullfs": None,
    "tmpfs": None,
    "fdescfs": None,
}

DB_NAME = "kld.sqlite3"
SCHEMA = "CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"
# The last file id handed out: ids grow and are not reused while the state lasts.
COUNTER = "CREATE TABLE IF NOT EXISTS counter (last INTEGER NOT NULL)"

KLD_FILE_STAT = structs.sizeof("kld_file_stat")
KLD_FILE_STAT_1 = structs.offsetof("kld_file_stat", "pathname")  # before pathname was added
MODULE_STAT = structs.sizeof("module_stat")


@contextmanager
def _files(write: bool):
    """The loaded files' table in the state directory, in one transaction."""
    state = default_state_dir()
    try:
        os.makedirs(state, mode=0o700, exist_ok=True)
        conn = sqlite3.connect(
            os.path.join(state, DB_NAME), timeout=BUSY_TIMEOUT_S, isolation_level=None
        )
    except (OSError, sqlite3.Error) as e:
        raise FreeBSDError(EIO, f"module state: {e}") from None
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        conn.execute(SCHEMA)
        conn.execute(COUNTER)
        yield conn
        conn.execute("COMMIT")
    except sqlite3.Error as e:
        raise FreeBSDError(EIO, f"module state: {e}") from None
    finally:
        conn.close()


def _loaded() -> list[tuple[int, str]]:
    """(file id, file name) of every loaded file, the kernel first."""
    with _files(write=False) as conn:
        rows = conn.execute("SELECT id, name FROM files ORDER BY id").fetchall()
    return [(KERNEL_FILE_ID, KERNEL_FILE), *rows]


def _modules() -> list[tuple[int, int, str]]:
    """(module id, file id, module name) of every module: the kernel's built-in ones, then one
    per loaded file (named as the file without .ko), numbered after them."""
    mods = [(i + 1, KERNEL_FILE_ID, name) for i, name in enumerate(BUILTIN_MODULES)]
    for fileid, name in _loaded()[1:]:
        mods.append((len(BUILTIN_MODULES) + fileid - KERNEL_FILE_ID, fileid, _stem(name)))
    return mods


def _stem(file: str) -> str:
    return file.removesuffix(MODULE_FILE_SUFFIX)


def _name(call, addr: int, size: int) -> str:
    """copyinstr into a buffer of size bytes: ENAMETOOLONG when the NUL does not fit."""
    name = call.mem.read_cstr(addr, size)
    if len(name) >= size:
        raise FreeBSDError(ENAMETOOLONG, "name longer than its buffer")
    return name.decode("latin-1")


def _file_named(path: str) -> tuple[int, str] | None:
    """linker_find_file_by_name: the base name, with or without .ko."""
    base = path.rsplit("/", 1)[-1]
    for fileid, name in _loaded():
        if name in (base, base + MODULE_FILE_SUFFIX):
            return fileid, name
    return None


def _file(fileid: int) -> tuple[int, str]:
    for found in _loaded():
        if found[0] == s32(fileid):
            return found
    raise FreeBSDError(ENOENT, f"no linker file {s32(fileid)}")


def _module(modid: int) -> tuple[int, int, str]:
    for found in _modules():
        if found[0] == s32(modid):
            return found
    raise FreeBSDError(ENOENT, f"no module {s32(modid)}")


def _after(items: list, key: int) -> int:
    """kldnext/modnext: the id after key (the first for 0), 0 past the last; ENOENT for an id
    that names nothing."""
    ids = [item[0] for item in items]
    if s32(key) == 0:
        return ids[0] if ids else 0
    if s32(key) not in ids:
        raise FreeBSDError(ENOENT, f"no id {s32(key)}")
    place = ids.index(s32(key)) + 1
    return ids[place] if place < len(ids) else 0


def _stat_version(call, stat: int, sizes: tuple[int, ...]) -> int:
    version = s32(call.mem.read_u32(stat))
    if version not in sizes:
        raise FreeBSDError(EINVAL, f"stat version {version}")
    return version


@handler("modfind", Support.EMULATED, "the built-in modules (netlink) and the loaded files' ones")
def sys_modfind(call, name):
    """Implements FreeBSD modfind(2)."""
    module = _name(call, name, MAXMODNAME)
    for modid, _, found in _modules():
        if found == module:
            return modid
    raise FreeBSDError(ENOENT, f"no module {module!r}")


@handler("kldfind", Support.EMULATED, "the kernel and the files kldload recorded")
def sys_kldfind(call, file):
    """Implements FreeBSD kldfind(2): the linker file by the base name of its path."""
    path = _name(call, file, MAXPATHLEN)
    found = _file_named(path)
    if found is None:
        raise FreeBSDError(ENOENT, f"no linker file {path!r}")
    return found[0]


@handler(
    "kldload",
    Support.PARTIAL,
    "no module code is loaded, FreeBSD's or Linux's (Linux loads bridge, veth, 8021q … itself "
    "on first use): the file is recorded; modules outside KNOWN_MODULES (ENOENT)",
)
def sys_kldload(call, file):
    """Implements FreeBSD kldload(2): a name without / or . is a module, else a file path."""
    path = _name(call, file, MAXPATHLEN)
    refuse_in_jail(call, "kldload")
    base = path.rsplit("/", 1)[-1]
    stem = _stem(base) if "/" in path or "." in path else base
    if stem in BUILTIN_MODULES:
        raise FreeBSDError(EEXIST, f"{stem} is in the kernel")
    if stem not in KNOWN_MODULES:
        raise FreeBSDError(ENOENT, f"no module file for {path!r}")
    with _files(write=True) as conn:
        if conn.execute(
            "SELECT 1 FROM files WHERE name = ?", (stem + MODULE_FILE_SUFFIX,)
        ).fetchone():
            raise FreeBSDError(EEXIST, f"{stem} is loaded")
        row = conn.execute("SELECT last FROM counter").fetchone()
        fileid = max(row[0] if row else KERNEL_FILE_ID, KERNEL_FILE_ID) + 1
        conn.execute("DELETE FROM counter")
        conn.execute("INSERT INTO counter (last) VALUES (?)", (fileid,))
        conn.execute(
            "INSERT INTO files (id, name) VALUES (?, ?)", (fileid, stem + MODULE_FILE_SUFFIX)
        )
    return fileid


def _unload(call, fileid: int, flags: int) -> int:
    refuse_in_jail(call, "kldunload")
    if s32(flags) not in LINKER_UNLOAD_FLAGS.values():
        raise FreeBSDError(EINVAL, f"kldunloadf flags {flags:#x}")
    if s32(fileid) == KERNEL_FILE_ID:
        raise FreeBSDError(EBUSY, "the kernel was not loaded by kldload")
    with _files(write=True) as conn:
        if conn.execute("DELETE FROM files WHERE id = ?", (s32(fileid),)).rowcount == 0:
            raise FreeBSDError(ENOENT, f"no linker file {s32(fileid)}")
    return 0


@handler("kldunload", Support.EMULATED, "forgets what kldload recorded")
def sys_kldunload(call, fileid):
    """Implements FreeBSD kldunload(2)."""
    return _unload(call, fileid, LINKER_UNLOAD_FLAGS["LINKER_UNLOAD_NORMAL"])


@handler("kldunloadf", Support.EMULATED, "forgets what kldload recorded")
def sys_kldunloadf(call, fileid, flags):
    """Implements FreeBSD kldunloadf(2)."""
    return _unload(call, fileid, flags)


@handler("kldnext", Support.EMULATED)
def sys_kldnext(call, fileid):
    """Implements FreeBSD kldnext(2)."""
    return _after(_loaded(), fileid)


@handler("kldstat", Support.EMULATED, "address and size are 0: nothing is mapped")
def sys_kldstat(call, fileid, stat):
    """Implements FreeBSD kldstat(2): version is the size of the caller's struct (with or
    without pathname)."""
    version = _stat_version(call, stat, (KLD_FILE_STAT, KLD_FILE_STAT_1))
    found, name = _file(fileid)
    loaded = _loaded()
    # Every loaded file depends on the kernel, as in FreeBSD's reference counts.
    refs = len(loaded) if found == KERNEL_FILE_ID else 1
    path = KERNEL_PATH if found == KERNEL_FILE_ID else f"{MODULE_PATH}/{name}"
    data = structs.pack(
        "kld_file_stat",
        version=version,
        name=name.encode(),
        refs=refs,
        id=found,
        address=0,
        size=0,
        pathname=path.encode(),
    )
    call.mem.write(stat, data[:version])
    return 0


@handler("kldfirstmod", Support.EMULATED)
def sys_kldfirstmod(call, fileid):
    """Implements FreeBSD kldfirstmod(2): the first module of a file, 0 when it has none."""
    found, _ = _file(fileid)
    return next((modid for modid, owner, _ in _modules() if owner == found), 0)


@handler("modnext", Support.EMULATED)
def sys_modnext(call, modid):
    """Implements FreeBSD modnext(2)."""
    return _after(_modules(), modid)


@handler("modfnext", Support.EMULATED)
def sys_modfnext(call, modid):
    """Implements FreeBSD modfnext(2): the next module of the same file, 0 past its last."""
    _, owner, _ = _module(modid)
    same = [mod for mod in _modules() if mod[1] == owner]
    return _after(same, modid)


@handler("modstat", Support.EMULATED, "data (modspecific_t) is 0")
def sys_modstat(call, modid, stat):
    """Implements FreeBSD modstat(2): version 3 (today's struct) or the short-named versions 1
    and 2 older programs pass; the name is cut to fit, data is 0."""
    old = MODULE_STAT_V1V2
    version = _stat_version(call, stat, (MODULE_STAT, old["v1"], old["v2"]))
    found, _, name = _module(modid)
    if version == MODULE_STAT:
        data = structs.pack("module_stat", version=version, name=name.encode(), refs=1, id=found)
    else:
        out = bytearray(version)
        out[: old["name"]] = version.to_bytes(4, "little")
        out[old["name"] : old["refs"]] = name.encode()[: MAXMODNAMEV1V2 - 1].ljust(
            MAXMODNAMEV1V2, b"\0"
        )
        out[old["refs"] : old["id"]] = (1).to_bytes(4, "little")
        out[old["id"] : old["v1"]] = found.to_bytes(4, "little")
        data = bytes(out)
    call.mem.write(stat, data[:version])
    return 0
