"""Structs by layout name, and conversion of what Linux syscalls write into what FreeBSD programs
read.

Layouts are the data in abi/structs.py.  pack/unpack work on any of them by field name; the
converters below are built on them.

Conventions the converters fix:
  * dev_t: a FreeBSD program sees the Linux device's major and minor, encoded the
    FreeBSD way (makedev of FreeBSD >= 12), so major()/minor() agree with Linux.
    freebsd11 structs keep the low 32 bits, as FreeBSD's own compat layer does.
  * st_birthtim: Linux stat(2) has no birth time (only statx does); ctime stands in until
    utimes sets it back (the caller passes it then).
  * st_flags: the file's FreeBSD flags, which the caller reads (syscalls/fileflags.py);
    st_gen, st_bsdflags: 0.
  * Narrower FreeBSD fields (freebsd11 st_ino, st_nlink ...) keep the low bits, as
    FreeBSD does with its default vfs.ino64_trunc_error=0."""

import os
import re
from functools import cache

from .abi.devices import (
    FREEBSD_DEV_MAJOR_BITS,
    FREEBSD_DEV_MINOR_BITS,
    FREEBSD_FNV,
    LINUX_DEV_MAJOR_BITS,
    LINUX_DEV_MINOR_BITS,
)
from .abi.errno import FREEBSD_ERRNO
from .abi.flags import FREEBSD_ADDRESS_FAMILIES, LINUX_ADDRESS_FAMILIES
from .abi.structs import (
    FREEBSD11_STATFS_VERSION,
    LAYOUTS,
    LINUX_FSTYPE_TO_FREEBSD,
    LINUX_MAGIC_TO_FREEBSD,
    ST_TO_MNT,
    STATFS_VERSION,
)
from .errors import FreeBSDError

ALLPERMS = 0o7777  # sys/stat.h: the permission bits of st_mode

ENOENT, EINVAL, EAFNOSUPPORT = (
    FREEBSD_ERRNO[name] for name in ("ENOENT", "EINVAL", "EAFNOSUPPORT")
)

_SCALAR = re.compile(r"([ui])(8|16|32|64)(be)?")
_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


# ---- generic layouts ------------------------------------------------------------------


def sizeof(layout_name: str) -> int:
    """Size in bytes of a layout, as C's sizeof gives it."""
    return LAYOUTS[layout_name][0]


def offsetof(layout_name: str, field: str) -> int:
    """Offset of a field, as C's offsetof gives it."""
    return _index(layout_name)[field][0]


@cache
def _index(layout_name: str) -> dict[str, tuple[int, int, str]]:
    return {name: (offset, size, kind) for name, offset, size, kind in LAYOUTS[layout_name][1]}


def unpack(layout_name: str, data: bytes) -> dict:
    """Every field of the layout read from the start of data; nested structs become dicts, arrays
    lists."""
    size, fields = LAYOUTS[layout_name]
    if len(data) < size:
        raise ValueError(f"{layout_name} needs {size} bytes, got {len(data)}")
    return {name: _get(kind, data[offset : offset + fsize]) for name, offset, fsize, kind in fields}


def pack(layout_name: str, /, **fields) -> bytes:
    """The layout's bytes with the given fields set and all else zero.

    Integers wrap to the field's width as a C assignment would; 'cstr' values (str or
    bytes) are cut to leave room for the NUL, like strlcpy; nested structs take a dict
    of their fields or their packed bytes.
    """
    index = _index(layout_name)
    out = bytearray(sizeof(layout_name))
    for name, value in fields.items():
        if name not in index:
            raise TypeError(f"{layout_name} has no field {name!r}")
        offset, size, kind = index[name]
        out[offset : offset + size] = _put(kind, size, value)
    return bytes(out)


@cache
def _scalar(kind: str) -> tuple[bool, str]:
    signed, _, big = _SCALAR.fullmatch(kind).groups()
    return signed == "i", "big" if big else "little"


def _get(kind: str, raw: bytes):
    if kind in LAYOUTS:
        return unpack(kind, raw)
    if kind == "bytes":
        return bytes(raw)
    if kind == "cstr":
        return bytes(raw).split(b"\0", 1)[0]
    array = _ARRAY.fullmatch(kind)
    if array:
        base, count = array[1], int(array[2])
        width = len(raw) // count
        return [_get(base, raw[i * width : (i + 1) * width]) for i in range(count)]
    signed, order = _scalar(kind)
    return int.from_bytes(raw, order, signed=signed)


def _put(kind: str, size: int, value) -> bytes:
    if kind in LAYOUTS:
        raw = bytes(value) if isinstance(value, (bytes, bytearray)) else pack(kind, **value)
        if len(raw) != size:
            raise ValueError(f"{kind} is {size} bytes, got {len(raw)}")
        return raw
    if kind in ("bytes", "cstr"):
        raw = os.fsencode(value) if isinstance(value, str) else bytes(value)
        if kind == "cstr":
            raw = raw[: max(size - 1, 0)]
        elif len(raw) > size:
            raise ValueError(f"{len(raw)} bytes do not fit a {size}-byte field")
        return raw.ljust(size, b"\0")
    array = _ARRAY.fullmatch(kind)
    if array:
        base, count = array[1], int(array[2])
        values = list(value)
        if len(values) > count:
            raise ValueError(f"{len(values)} values do not fit {kind}")
        width = size // count
        return b"".join(_put(base, width, v) for v in values).ljust(size, b"\0")
    _, order = _scalar(kind)
    return (value & ((1 << 8 * size) - 1)).to_bytes(size, order)


# ---- dev_t ----------------------------------------------------------------------------


def dev_to_freebsd(dev: int) -> int:
    """Linux dev_t (glibc/kernel encoding) as the FreeBSD dev_t with the same major and minor."""
    major, minor = _split_dev(dev, LINUX_DEV_MAJOR_BITS, LINUX_DEV_MINOR_BITS)
    return _makedev(major, minor, FREEBSD_DEV_MAJOR_BITS, FREEBSD_DEV_MINOR_BITS)


def dev_to_linux(dev: int) -> int:
    """FreeBSD dev_t as the Linux dev_t with the same major and minor (for mknod)."""
    major, minor = _split_dev(dev, FREEBSD_DEV_MAJOR_BITS, FREEBSD_DEV_MINOR_BITS)
    return _makedev(major, minor, LINUX_DEV_MAJOR_BITS, LINUX_DEV_MINOR_BITS)


def _makedev(major: int, minor: int, major_bits, minor_bits) -> int:
    """makedev() from its (mask, shift) bit fields (abi/devices.py)."""
    return sum((major & mask) << shift for mask, shift in major_bits) | sum(
        (minor & mask) << shift for mask, shift in minor_bits
    )


def _split_dev(dev: int, major_bits, minor_bits) -> tuple[int, int]:
    """major() and minor() from the same bit fields."""
    return (
        sum((dev >> shift) & mask for mask, shift in major_bits),
        sum((dev >> shift) & mask for mask, shift in minor_bits),
    )


# ---- stat -----------------------------------------------------------------------------


def stat_mode(linux_stat: bytes) -> int:
    return unpack("linux_stat", linux_stat)["st_mode"]


def _stat_fields(linux_stat: bytes, flags: int, perms: int | None, birth) -> dict:
    s = unpack("linux_stat", linux_stat)
    if perms is not None:  # a symbolic link's mode, which Linux does not keep
        s["st_mode"] = s["st_mode"] & ~ALLPERMS | perms
    return dict(
        st_flags=flags,
        st_dev=dev_to_freebsd(s["st_dev"]),
        st_ino=s["st_ino"],
        st_nlink=s["st_nlink"],
        st_mode=s["st_mode"],
        st_uid=s["st_uid"],
        st_gid=s["st_gid"],
        st_rdev=dev_to_freebsd(s["st_rdev"]),
        st_atim=s["st_atim"],
        st_mtim=s["st_mtim"],
        st_ctim=s["st_ctim"],
        st_birthtim=s["st_ctim"] if birth is None else dict(tv_sec=birth[0], tv_nsec=birth[1]),
        st_size=s["st_size"],
        st_blocks=s["st_blocks"],
        st_blksize=s["st_blksize"],
    )


def stat_to_freebsd(linux_stat: bytes, flags=0, perms=None, birth=None) -> bytes:
    """Linux struct stat → FreeBSD ino64 struct stat (224 bytes), st_flags = flags; the
    permission bits perms and the birth time (sec, nsec) birth when given."""
    return pack("stat", **_stat_fields(linux_stat, flags, perms, birth))


def stat_to_freebsd11(linux_stat: bytes, flags=0, perms=None, birth=None) -> bytes:
    """Linux struct stat → FreeBSD 11 struct freebsd11_stat (120 bytes) for pre-ino64 binaries,
    st_flags = flags; the permission bits perms and the birth time birth when given."""
    return pack("freebsd11_stat", **_stat_fields(linux_stat, flags, perms, birth))


# ---- statfs ---------------------------------------------------------------------------


def fstypename(fstype: str, magic: int) -> str:
    """FreeBSD f_fstypename for a Linux filesystem: by mountinfo type name, else f_type magic, else
    the Linux name."""
    return (
        LINUX_FSTYPE_TO_FREEBSD.get(fstype.partition(".")[0])
        or LINUX_MAGIC_TO_FREEBSD.get(magic)
        or fstype
        or "linuxfs"
    )


def typenum(name: str) -> int:
    """FreeBSD's vfc_typenum for a filesystem name: fnv_32_str(name) & 0xff (vfs.typenumhash=1,
    collisions ignored)."""
    h = FREEBSD_FNV["FNV1_32_INIT"]
    for c in name.encode():
        h = ((h * FREEBSD_FNV["FNV_32_PRIME"]) & 0xFFFFFFFF) ^ c
    return h & 0xFF


def _statfs_fields(
    linux_statfs: bytes, mount_on: str, mount_from: str, fstype: str, flags: int
) -> dict:
    s = unpack("linux_statfs", linux_statfs)
    name = fstypename(fstype, s["f_type"])
    for st, mnt in ST_TO_MNT.items():
        if s["f_flags"] & st:
            flags |= mnt
    return dict(
        f_type=typenum(name),
        f_flags=flags,
        f_bsize=s["f_frsize"] or s["f_bsize"],
        f_iosize=s["f_bsize"],
        f_blocks=s["f_blocks"],
        f_bfree=s["f_bfree"],
        f_bavail=s["f_bavail"],
        f_files=s["f_files"],
        f_ffree=s["f_ffree"],
        f_namemax=s["f_namelen"],
        f_fsid=s["f_fsid"],
        f_fstypename=name,
        f_mntfromname=mount_from,
        f_mntonname=mount_on,
    )


def statfs_to_freebsd(
    linux_statfs: bytes, mount_on: str, mount_from: str, fstype: str, flags: int = 0
) -> bytes:
    """Linux struct statfs → FreeBSD ino64 struct statfs (2344 bytes).

    mount_on, mount_from and fstype (the Linux type name) come from
    /proc/self/mountinfo; flags are MNT_* bits only the caller knows (MNT_LOCAL,
    MNT_ROOTFS ...), OR-ed with those mapped from Linux's ST_* f_flags.
    """
    return pack(
        "statfs",
        f_version=STATFS_VERSION,
        **_statfs_fields(linux_statfs, mount_on, mount_from, fstype, flags),
    )


def statfs_to_freebsd11(
    linux_statfs: bytes, mount_on: str, mount_from: str, fstype: str, flags: int = 0
) -> bytes:
    """Linux struct statfs → FreeBSD 11 struct freebsd11_statfs (472 bytes; names cut to 87
    bytes)."""
    return pack(
        "freebsd11_statfs",
        f_version=FREEBSD11_STATFS_VERSION,
        **_statfs_fields(linux_statfs, mount_on, mount_from, fstype, flags),
    )


# ---- directory entries ----------------------------------------------------------------


def _dirents(layout: str, align: int, linux_buf: bytes, max_out: int) -> tuple[bytes, int, int]:
    name_at, linux_name_at = offsetof(layout, "d_name"), offsetof("linux_dirent64", "d_name")
    head, has_off = sizeof("linux_dirent64"), "d_off" in _index(layout)
    out, count, next_offset, pos = bytearray(), 0, 0, 0
    while pos + head <= len(linux_buf):
        d = unpack("linux_dirent64", linux_buf[pos : pos + head])
        if d["d_reclen"] == 0:
            break
        name = linux_buf[pos + linux_name_at : pos + d["d_reclen"]].split(b"\0", 1)[0]
        reclen = -(-(name_at + len(name) + 1) // align) * align
        if len(out) + reclen > max_out:
            break
        fields = dict(
            d_fileno=d["d_ino"],
            d_reclen=reclen,
            d_type=d["d_type"],
            d_namlen=len(name),
            d_name=name,
        )
        if has_off:
            fields["d_off"] = d["d_off"]
        out += pack(layout, **fields)[:reclen]
        count, next_offset, pos = count + 1, d["d_off"], pos + d["d_reclen"]
    return bytes(out), count, next_offset


def dirents_to_freebsd(linux_buf: bytes, max_out: int) -> tuple[bytes, int, int]:
    """linux_dirent64 records → FreeBSD ino64 dirents, as many as fit in max_out bytes.

    Returns (FreeBSD records, how many were converted, d_off of the last one: where
    to lseek the directory when not all fitted; 0 if none did).
    """
    return _dirents("dirent", 8, linux_buf, max_out)


def dirents_to_freebsd11(linux_buf: bytes, max_out: int) -> tuple[bytes, int, int]:
    """linux_dirent64 records → FreeBSD 11 dirents (32-bit d_fileno), as dirents_to_freebsd."""
    return _dirents("freebsd11_dirent", 4, linux_buf, max_out)


# ---- socket addresses -----------------------------------------------------------------

# The families whose sockaddrs are converted: all else is EAFNOSUPPORT.
_AF_TO_LINUX = {
    FREEBSD_ADDRESS_FAMILIES[name]: LINUX_ADDRESS_FAMILIES[name]
    for name in ("AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK")
}
_AF_TO_FREEBSD = {linux: fbsd for fbsd, linux in _AF_TO_LINUX.items()}
_AF_UNIX = FREEBSD_ADDRESS_FAMILIES["AF_UNIX"]


def sockaddr_to_linux(fbsd: bytes) -> bytes:
    """A FreeBSD sockaddr as the program passed it (len(fbsd) = its addrlen) → the Linux sockaddr to
    pass on.

    Like FreeBSD's kernel, the length argument wins over sa_len.  AF_UNIX paths end at the first NUL
    (FreeBSD has no abstract sockets) and get one appended."""
    if len(fbsd) < 2:
        raise FreeBSDError(EINVAL, "sockaddr shorter than its header")
    family = fbsd[1]
    if family not in _AF_TO_LINUX:
        raise FreeBSDError(EAFNOSUPPORT, f"address family {family}")
    head = _AF_TO_LINUX[family].to_bytes(2, "little")
    if family != _AF_UNIX:
        return head + fbsd[2:]
    if len(fbsd) == 2:
        raise FreeBSDError(EINVAL, "AF_UNIX sockaddr without a path")
    path = fbsd[2:].split(b"\0", 1)[0]
    if not path:
        raise FreeBSDError(ENOENT, "empty AF_UNIX path")
    return head + path + b"\0"


def sockaddr_to_freebsd(linux: bytes) -> bytes:
    """A sockaddr the Linux kernel wrote (len(linux) = its addrlen) → the FreeBSD sockaddr, sa_len
    set.

    An empty address stays empty.  An unnamed or abstract AF_UNIX address becomes FreeBSD's
    unnamed one (a 16-byte sockaddr, family AF_UNIX, no path)."""
    if len(linux) < 2:
        return b""
    family = int.from_bytes(linux[:2], "little")
    if family not in _AF_TO_FREEBSD:
        raise FreeBSDError(EAFNOSUPPORT, f"Linux address family {family}")
    fbsd_family = _AF_TO_FREEBSD[family]
    if fbsd_family != _AF_UNIX:
        return bytes([len(linux), fbsd_family]) + linux[2:]
    path = linux[2:].split(b"\0", 1)[0]
    if not path:
        return pack("sockaddr", sa_len=sizeof("sockaddr"), sa_family=_AF_UNIX)
    return bytes([2 + len(path) + 1, _AF_UNIX]) + path + b"\0"
