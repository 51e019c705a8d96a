"""Converters from Linux kernel structs to FreeBSD's, and generic pack/unpack, against the kernel
and the headers."""

import ctypes
import os
import socket
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import header_layouts
from bsdulator import structs
from bsdulator.abi.structs import LAYOUTS
from bsdulator.errors import FreeBSDError
from bsdulator.structs import pack, sizeof, unpack
from header_macros import freebsd_values, linux_values, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

LIBC = ctypes.CDLL(None, use_errno=True)
SYS_STATFS, SYS_GETDENTS64, SYS_NEWFSTATAT, AT_FDCWD = 137, 217, 262, -100

MODE_BITS = [
    "S_IFMT",
    "S_IFIFO",
    "S_IFCHR",
    "S_IFDIR",
    "S_IFBLK",
    "S_IFREG",
    "S_IFLNK",
    "S_IFSOCK",
    "S_ISUID",
    "S_ISGID",
    "S_ISVTX",
    "S_IRWXU",
    "S_IRWXG",
    "S_IRWXO",
]
DT_TYPES = [
    "DT_UNKNOWN",
    "DT_FIFO",
    "DT_CHR",
    "DT_DIR",
    "DT_BLK",
    "DT_REG",
    "DT_LNK",
    "DT_SOCK",
    "DT_WHT",
]


def _syscall(number: int, *args) -> None:
    if LIBC.syscall(number, *args) < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def linux_stat(path: str) -> bytes:
    buf = ctypes.create_string_buffer(sizeof("linux_stat"))
    _syscall(SYS_NEWFSTATAT, AT_FDCWD, os.fsencode(path), buf, 0)
    return buf.raw


def linux_statfs(path: str) -> bytes:
    buf = ctypes.create_string_buffer(sizeof("linux_statfs"))
    _syscall(SYS_STATFS, os.fsencode(path), buf)
    return buf.raw


def freebsd_major(dev: int) -> int:
    """sys/types.h __major() of FreeBSD >= 12."""
    return ((dev >> 32) & 0xFFFFFF00) | ((dev >> 8) & 0xFF)


def freebsd_minor(dev: int) -> int:
    """sys/types.h __minor() of FreeBSD >= 12."""
    return ((dev >> 24) & 0xFF00) | (dev & 0xFFFF00FF)


# ---- the numbers the converters pass through unchanged ---------------------------------


@requires_zig
@requires_gcc
def test_mode_bits_are_the_same_numbers():
    fbsd = freebsd_values(["sys/stat.h"], MODE_BITS)
    assert fbsd == linux_values(["sys/stat.h"], MODE_BITS)
    assert set(fbsd) == set(MODE_BITS)


@requires_zig
@requires_gcc
def test_dirent_types_are_the_same_numbers():
    fbsd = freebsd_values(["dirent.h"], DT_TYPES)
    assert fbsd == linux_values(["dirent.h"], DT_TYPES, defines=("_DEFAULT_SOURCE",))
    assert set(fbsd) == set(DT_TYPES)


# ---- pack / unpack ---------------------------------------------------------------------


@settings(max_examples=25)
@given(st.sampled_from(sorted(LAYOUTS)), st.data())
def test_pack_of_unpack_is_stable(name, data):
    raw = data.draw(st.binary(min_size=sizeof(name), max_size=sizeof(name)))
    fields = unpack(name, raw)
    again = pack(name, **fields)
    assert pack(name, **unpack(name, again)) == again
    kept = unpack(name, again)
    for field, _, size, kind in LAYOUTS[name][1]:
        assert kept[field] == (fields[field][: size - 1] if kind == "cstr" else fields[field]), (
            field
        )


def test_pack_sets_fields_by_name_in_nested_structs():
    frame = pack(
        "sigframe",
        sf_handler=0x401000,
        sf_uc={
            "uc_mcontext": {"mc_rip": 0x402000, "mc_rsp": 0x7FFF0000},
            "uc_stack": {"ss_flags": 4},
        },
        sf_si={"si_signo": 11, "si_addr": 0xDEAD, "si_band": -2},
    )
    assert len(frame) == 976
    got = unpack("sigframe", frame)
    assert got["sf_action"] == 0x401000
    assert got["sf_uc"]["uc_mcontext"]["mc_rip"] == 0x402000
    assert got["sf_uc"]["uc_stack"] == {"ss_sp": 0, "ss_size": 0, "ss_flags": 4}
    assert (got["sf_si"]["si_signo"], got["sf_si"]["si_addr"], got["sf_si"]["si_band"]) == (
        11,
        0xDEAD,
        -2,
    )
    assert got["sf_si"]["si_trapno"] == -2  # the low half of the same union
    assert struct.unpack_from("<q", frame, 16 + 16 + 160)[0] == 0x402000


@requires_zig
def test_nested_offsets_agree_with_dwarf():
    try:
        offsets = header_layouts.layouts("freebsd")["sigframe"][1]
    except header_layouts.Unavailable as why:
        pytest.skip(str(why))
    frame = pack(
        "sigframe",
        sf_uc={"uc_mcontext": {"mc_rip": 0x1122334455667788}, "uc_flags": 0x55AA55AA},
        sf_si={"si_value": 0x0102030405060708},
    )
    assert (
        struct.unpack_from("<Q", frame, offsets["sf_uc.uc_mcontext.mc_rip"])[0]
        == 0x1122334455667788
    )
    assert struct.unpack_from("<I", frame, offsets["sf_uc.uc_flags"])[0] == 0x55AA55AA
    assert (
        struct.unpack_from("<Q", frame, offsets["sf_si.si_value.sival_ptr"])[0]
        == 0x0102030405060708
    )


def test_pack_conventions():
    assert unpack("kevent", pack("kevent", ident=5, filter=-1, flags=0x11, ext=[1, 2]))["ext"] == [
        1,
        2,
        0,
        0,
    ]
    assert unpack("sigaction", pack("sigaction", sa_flags=-1))["sa_flags"] == -1
    assert unpack("stat", pack("stat", st_mode=0x1_81A4))["st_mode"] == 0x81A4  # wraps like C
    assert pack("sockaddr_in", sin_port=80)[2:4] == b"\x00\x50"  # network order
    assert (
        unpack("utsname", pack("utsname", sysname="FreeBSD", machine=b"amd64"))["sysname"]
        == b"FreeBSD"
    )
    assert pack("dirent", d_name="x" * 300)[24 + 255] == 0  # cut like strlcpy
    with pytest.raises(TypeError):
        pack("timespec", tv_usec=1)
    with pytest.raises(ValueError):
        pack("sockaddr_in", sin_addr=b"12345")
    with pytest.raises(ValueError):
        unpack("stat", bytes(223))


# ---- stat ------------------------------------------------------------------------------

linux_stats = st.binary(min_size=144, max_size=144)


@given(linux_stats)
def test_stat_fields_come_from_the_linux_fields(raw):
    lx, fb = unpack("linux_stat", raw), unpack("stat", structs.stat_to_freebsd(raw))
    for field in (
        "st_ino",
        "st_nlink",
        "st_uid",
        "st_gid",
        "st_size",
        "st_blocks",
        "st_atim",
        "st_mtim",
        "st_ctim",
    ):
        assert fb[field] == lx[field], field
    assert fb["st_mode"] == lx["st_mode"] & 0xFFFF
    assert (
        fb["st_blksize"] == struct.unpack("<i", struct.pack("<I", lx["st_blksize"] & 0xFFFFFFFF))[0]
    )
    assert fb["st_birthtim"] == lx["st_ctim"]
    for field in ("st_dev", "st_rdev"):
        assert (freebsd_major(fb[field]), freebsd_minor(fb[field])) == (
            os.major(lx[field]),
            os.minor(lx[field]),
        )
    assert (fb["st_flags"], fb["st_gen"], fb["st_bsdflags"], fb["st_filerev"]) == (0, 0, 0, 0)


@given(linux_stats)
def test_freebsd11_stat_keeps_the_low_bits(raw):
    fb, old = (
        unpack("stat", structs.stat_to_freebsd(raw)),
        unpack("freebsd11_stat", structs.stat_to_freebsd11(raw)),
    )
    for field, bits in (
        ("st_dev", 32),
        ("st_ino", 32),
        ("st_nlink", 16),
        ("st_rdev", 32),
        ("st_mode", 16),
    ):
        assert old[field] == fb[field] & ((1 << bits) - 1), field
    for field in (
        "st_uid",
        "st_gid",
        "st_atim",
        "st_mtim",
        "st_ctim",
        "st_birthtim",
        "st_size",
        "st_blocks",
        "st_blksize",
    ):
        assert old[field] == fb[field], field


@given(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))  # os.makedev takes C ints
def test_dev_keeps_major_and_minor(major, minor):
    dev = os.makedev(major, minor)
    fb = structs.dev_to_freebsd(dev)
    assert (freebsd_major(fb), freebsd_minor(fb)) == (major, minor)
    assert structs.dev_to_linux(fb) == dev


@pytest.mark.parametrize("path", ["/", "/dev/null", __file__])
def test_stat_of_real_files(path):
    fb, py = unpack("stat", structs.stat_to_freebsd(linux_stat(path))), os.stat(path)
    assert (fb["st_ino"], fb["st_mode"], fb["st_nlink"], fb["st_size"]) == (
        py.st_ino,
        py.st_mode,
        py.st_nlink,
        py.st_size,
    )
    assert fb["st_mtim"]["tv_sec"] * 10**9 + fb["st_mtim"]["tv_nsec"] == py.st_mtime_ns
    assert (freebsd_major(fb["st_rdev"]), freebsd_minor(fb["st_rdev"])) == (
        os.major(py.st_rdev),
        os.minor(py.st_rdev),
    )


# ---- statfs ----------------------------------------------------------------------------


@given(st.binary(min_size=120, max_size=120), st.text(max_size=1100), st.integers(0, 0x5000))
def test_statfs_fields(raw, where, extra_flags):
    lx = unpack("linux_statfs", raw)
    fb = unpack("statfs", structs.statfs_to_freebsd(raw, where, "/dev/sda1", "ext4", extra_flags))
    assert fb["f_version"] == 0x20140518
    assert fb["f_bsize"] == (lx["f_frsize"] or lx["f_bsize"]) & (2**64 - 1)
    assert fb["f_iosize"] == lx["f_bsize"] & (2**64 - 1)
    for field in ("f_blocks", "f_bfree", "f_files", "f_fsid"):
        assert fb[field] == lx[field], field
    assert (fb["f_bavail"] & (2**64 - 1), fb["f_ffree"] & (2**64 - 1)) == (
        lx["f_bavail"],
        lx["f_ffree"],
    )
    assert fb["f_namemax"] == lx["f_namelen"] & 0xFFFFFFFF
    assert fb["f_fstypename"] == b"ext2fs"
    assert fb["f_mntonname"] == os.fsencode(where)[:1023].split(b"\0")[0]
    assert fb["f_flags"] & extra_flags == extra_flags
    # MNT_RDONLY from ST_RDONLY
    assert bool(fb["f_flags"] & 1) == bool((lx["f_flags"] | extra_flags) & 1)
    old = unpack(
        "freebsd11_statfs",
        structs.statfs_to_freebsd11(raw, where, "/dev/sda1", "ext4", extra_flags),
    )
    assert old["f_version"] == 0x20030518
    assert old["f_mntonname"] == os.fsencode(where)[:87].split(b"\0")[0]
    assert (old["f_blocks"], old["f_flags"], old["f_fstypename"]) == (
        fb["f_blocks"],
        fb["f_flags"],
        b"ext2fs",
    )


@pytest.mark.parametrize(
    "fstype,magic,name",
    [
        ("ext4", 0xEF53, "ext2fs"),
        ("tmpfs", 0x01021994, "tmpfs"),
        ("devtmpfs", 0x01021994, "devfs"),
        ("proc", 0x9FA0, "procfs"),
        ("overlay", 0x794C7630, "unionfs"),
        ("fuse.sshfs", 0x65735546, "fusefs"),
        ("", 0xEF53, "ext2fs"),
        ("btrfs", 0x9123683E, "btrfs"),
        ("", 0x12345678, "linuxfs"),
    ],
)
def test_fstypename(fstype, magic, name):
    assert structs.fstypename(fstype, magic) == name


def test_statfs_flags_and_names():
    raw = pack(
        "linux_statfs",
        f_type=0x01021994,
        f_bsize=4096,
        f_flags=0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x400,
    )
    fb = unpack("statfs", structs.statfs_to_freebsd(raw, "/tmp", "tmpfs", "tmpfs", 0x1000))
    # RDONLY NOSUID NOEXEC NOATIME | LOCAL
    assert fb["f_flags"] == 0x1 | 0x8 | 0x4 | 0x10000000 | 0x1000
    assert (fb["f_fstypename"], fb["f_mntfromname"], fb["f_mntonname"]) == (
        b"tmpfs",
        b"tmpfs",
        b"/tmp",
    )
    assert fb["f_bsize"] == fb["f_iosize"] == 4096


def test_statfs_of_the_root():
    fb, vfs = (
        unpack("statfs", structs.statfs_to_freebsd(linux_statfs("/"), "/", "root", "")),
        os.statvfs("/"),
    )
    assert (fb["f_bsize"], fb["f_blocks"], fb["f_files"], fb["f_namemax"]) == (
        vfs.f_frsize,
        vfs.f_blocks,
        vfs.f_files,
        vfs.f_namemax,
    )


# ---- directory entries -----------------------------------------------------------------


def _roundup(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def linux_dirents(entries) -> bytes:
    """linux_dirent64 records as getdents64(2) lays them out."""
    out = b""
    for ino, off, dtype, name in entries:
        reclen = _roundup(19 + len(name) + 1, 8)
        out += (
            pack("linux_dirent64", d_ino=ino, d_off=off, d_reclen=reclen, d_type=dtype)[:19] + name
        ).ljust(reclen, b"\0")
    return out


def parse(layout: str, buf: bytes) -> list[dict]:
    records, pos = [], 0
    while pos < len(buf):
        rec = unpack(layout, buf[pos : pos + sizeof(layout)].ljust(sizeof(layout), b"\0"))
        assert rec["d_reclen"] > 0
        assert buf[pos + structs.offsetof(layout, "d_name") + rec["d_namlen"]] == 0
        records.append(rec)
        pos += rec["d_reclen"]
    assert pos == len(buf)
    return records


names = st.binary(min_size=1, max_size=255).filter(lambda n: b"\0" not in n and b"/" not in n)
entry_lists = st.lists(
    st.tuples(st.integers(0, 2**64 - 1), names, st.sampled_from([0, 1, 2, 4, 6, 8, 10, 12])),
    max_size=40,
    unique_by=lambda e: e[1],
)


@pytest.mark.parametrize(
    "layout,convert,header,align,ino_bits",
    [
        ("dirent", structs.dirents_to_freebsd, 24, 8, 64),
        ("freebsd11_dirent", structs.dirents_to_freebsd11, 8, 4, 32),
    ],
)
@given(entries=entry_lists, max_out=st.integers(0, 20000))
def test_dirents_convert_and_truncate(layout, convert, header, align, ino_bits, entries, max_out):
    linux = [(ino, 1000 + 7 * i, dtype, name) for i, (ino, name, dtype) in enumerate(entries)]
    out, count, next_offset = convert(linux_dirents(linux), max_out)
    assert len(out) <= max_out
    got = parse(layout, out)
    assert len(got) == count
    for rec, (ino, off, dtype, name) in zip(got, linux, strict=False):  # the buffer holds a prefix
        assert rec["d_reclen"] == _roundup(header + len(name) + 1, align)
        assert (rec["d_fileno"], rec["d_type"], rec["d_name"], rec["d_namlen"]) == (
            ino % 2**ino_bits,
            dtype,
            name,
            len(name),
        )
        if "d_off" in rec:
            assert rec["d_off"] == off
    if count < len(linux):
        assert len(out) + _roundup(header + len(linux[count][3]) + 1, align) > max_out
    assert next_offset == (linux[count - 1][1] if count else 0)


def test_dirents_of_a_real_directory(tmp_path):
    made = {b"a", b"long-" + b"x" * 200, "ünï".encode(), b"dir"}
    for name in made - {b"dir"}:
        (tmp_path / os.fsdecode(name)).write_bytes(b"")
    (tmp_path / "dir").mkdir()
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        buf = ctypes.create_string_buffer(8192)
        got = LIBC.syscall(SYS_GETDENTS64, fd, buf, len(buf))
    finally:
        os.close(fd)
    assert got > 0
    out, count, _ = structs.dirents_to_freebsd(buf.raw[:got], 8192)
    records = parse("dirent", out)
    assert count == len(made) + 2
    assert {r["d_name"] for r in records} == made | {b".", b".."}
    assert {r["d_name"]: r["d_type"] for r in records}[b"dir"] == 4  # DT_DIR
    assert {r["d_name"]: r["d_fileno"] for r in records if r["d_name"] in made} == {
        os.fsencode(e.name): e.inode() for e in os.scandir(tmp_path)
    }


def test_nothing_fits():
    assert structs.dirents_to_freebsd(linux_dirents([(1, 5, 8, b"name")]), 31) == (b"", 0, 0)
    assert len(structs.dirents_to_freebsd(linux_dirents([(1, 5, 8, b"name")]), 32)[0]) == 32


# ---- socket addresses ------------------------------------------------------------------

ports = st.integers(0, 65535)


@given(ports, st.binary(min_size=4, max_size=4))
def test_sockaddr_in_round_trip(port, addr):
    fbsd = pack("sockaddr_in", sin_len=16, sin_family=2, sin_port=port, sin_addr=addr)
    linux = structs.sockaddr_to_linux(fbsd)
    assert unpack("linux_sockaddr_in", linux) == {
        "sin_family": socket.AF_INET,
        "sin_port": port,
        "sin_addr": addr,
        "sin_zero": bytes(8),
    }
    assert structs.sockaddr_to_freebsd(linux) == fbsd


@given(
    ports, st.integers(0, 2**32 - 1), st.binary(min_size=16, max_size=16), st.integers(0, 2**32 - 1)
)
def test_sockaddr_in6_round_trip(port, flow, addr, scope):
    fbsd = pack(
        "sockaddr_in6",
        sin6_len=28,
        sin6_family=28,
        sin6_port=port,
        sin6_flowinfo=flow,
        sin6_addr=addr,
        sin6_scope_id=scope,
    )
    linux = structs.sockaddr_to_linux(fbsd)
    assert unpack("linux_sockaddr_in6", linux) == {
        "sin6_family": socket.AF_INET6,
        "sin6_port": port,
        "sin6_flowinfo": flow,
        "sin6_addr": addr,
        "sin6_scope_id": scope,
    }
    assert structs.sockaddr_to_freebsd(linux) == fbsd


@given(st.binary(min_size=1, max_size=103).filter(lambda p: b"\0" not in p), st.integers(0, 2))
def test_sockaddr_un_round_trip(path, slack):
    fbsd = bytes([2 + len(path) + 1, 1]) + path + b"\0"
    # the addrlen passed may count more zeros
    linux = structs.sockaddr_to_linux(fbsd + bytes(slack))
    assert linux == socket.AF_UNIX.to_bytes(2, "little") + path + b"\0"
    assert structs.sockaddr_to_freebsd(linux) == fbsd


def test_sockaddr_un_unnamed_and_abstract():
    unnamed = structs.sockaddr_to_freebsd(b"\x01\x00")
    assert unnamed == bytes([16, 1]) + bytes(14)
    assert structs.sockaddr_to_freebsd(b"\x01\x00\x00abstract") == unnamed
    assert structs.sockaddr_to_freebsd(b"") == b""


@pytest.mark.parametrize(
    "fbsd,errno",
    [
        (b"\x10", structs.EINVAL),
        (b"\x02\x01", structs.EINVAL),
        (b"\x03\x01\x00", structs.ENOENT),
        (b"\x10\x63" + bytes(14), structs.EAFNOSUPPORT),
    ],
)
def test_sockaddr_errors(fbsd, errno):
    with pytest.raises(FreeBSDError) as raised:
        structs.sockaddr_to_linux(fbsd)
    assert raised.value.errno == errno


def _bind_raw(sock: socket.socket, linux_addr: bytes) -> None:
    if LIBC.bind(sock.fileno(), linux_addr, len(linux_addr)) < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _getsockname_raw(sock: socket.socket) -> bytes:
    buf, size = ctypes.create_string_buffer(128), ctypes.c_uint32(128)
    assert LIBC.getsockname(sock.fileno(), buf, ctypes.byref(size)) == 0
    return buf.raw[: size.value]


def test_sockaddrs_the_kernel_accepts_and_returns(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        _bind_raw(
            s,
            structs.sockaddr_to_linux(
                pack(
                    "sockaddr_in", sin_len=16, sin_family=2, sin_addr=socket.inet_aton("127.0.0.1")
                )
            ),
        )
        host, port = s.getsockname()
        back = unpack("sockaddr_in", structs.sockaddr_to_freebsd(_getsockname_raw(s)))
        assert (host, back["sin_len"], back["sin_family"], back["sin_port"]) == (
            "127.0.0.1",
            16,
            2,
            port,
        )
    path = os.fsencode(tmp_path / "sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        _bind_raw(s, structs.sockaddr_to_linux(bytes([106, 1]) + path.ljust(104, b"\0")))
        assert os.fsencode(s.getsockname()) == path
        back = structs.sockaddr_to_freebsd(_getsockname_raw(s))
        assert back == bytes([2 + len(path) + 1, 1]) + path + b"\0"
