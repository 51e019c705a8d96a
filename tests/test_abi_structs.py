"""Every layout in abi/structs.py against the DWARF of FreeBSD's and Linux's own headers."""

import re

import pytest

import header_layouts
from bsdulator.abi.kinfo import KI_NSPARE_PTR
from bsdulator.abi.structs import LAYOUTS, LINUX_MAGIC_TO_FREEBSD, SAME_ON_LINUX, ST_TO_MNT
from bsdulator.structs import offsetof, sizeof
from header_macros import freebsd_values, linux_values, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

# FreeBSD 10.x's pcblist records: no header of ours has them (abi/structs.py says how they were
# checked); test_freebsd10_pcblist_records pins what the root's 10.2 netstat relies on.
FREEBSD10 = sorted(n for n in LAYOUTS if n.startswith("freebsd10_"))
FREEBSD = sorted(n for n in LAYOUTS if not n.startswith(("linux_", "freebsd10_")))
LINUX = sorted(n for n in LAYOUTS if n.startswith("linux_"))

# Layout fields named after the headers' macros for union members, and the member they name.
ALIASES = {
    "kinfo_file": {
        "kf_file_type": "kf_un.kf_file.kf_file_type",
        "kf_sock_domain0": "kf_un.kf_sock.kf_sock_domain0",
        "kf_sock_type0": "kf_un.kf_sock.kf_sock_type0",
        "kf_sock_protocol0": "kf_un.kf_sock.kf_sock_protocol0",
        **{
            f"kf_file_{name}": f"kf_un.kf_file.kf_file_{name}"
            for name in ("fsid", "rdev", "fileid", "size", "mode")
        },
    },
    "sigaction": {
        "sa_handler": "__sigaction_u.__sa_handler",
        "sa_sigaction": "__sigaction_u.__sa_sigaction",
    },
    "siginfo_t": {
        "si_value": "si_value.sival_ptr",
        "si_trapno": "_reason._fault._trapno",
        "si_timerid": "_reason._timer._timerid",
        "si_overrun": "_reason._timer._overrun",
        "si_mqd": "_reason._mesgq._mqd",
        "si_band": "_reason._poll._band",
    },
    "sigframe": {"sf_action": "sf_ahu.sf_action", "sf_handler": "sf_ahu.sf_handler"},
    "statfs": {"f_fsid": "f_fsid.val"},
    "sigevent": {
        "sigev_notify_thread_id": "_sigev_un._threadid",
        "sigev_notify_function": "_sigev_un._sigev_thread._function",
        "sigev_notify_attributes": "_sigev_un._sigev_thread._attribute",
    },
    "linux_sigevent": {
        "sigev_notify_thread_id": "_sigev_un._tid",
        "sigev_notify_function": "_sigev_un._sigev_thread._function",
        "sigev_notify_attributes": "_sigev_un._sigev_thread._attribute",
    },
    "freebsd11_statfs": {"f_fsid": "f_fsid.val"},
    "linux_statfs": {"f_fsid": "f_fsid.__val"},
    "linux_siginfo_t": {
        "si_pid": "_sifields._kill.si_pid",
        "si_uid": "_sifields._kill.si_uid",
        "si_timerid": "_sifields._timer.si_tid",
        "si_overrun": "_sifields._timer.si_overrun",
        "si_value": "_sifields._rt.si_sigval.sival_ptr",
        "si_status": "_sifields._sigchld.si_status",
        "si_utime": "_sifields._sigchld.si_utime",
        "si_stime": "_sifields._sigchld.si_stime",
        "si_addr": "_sifields._sigfault.si_addr",
        "si_addr_lsb": "_sifields._sigfault.si_addr_lsb",
        "si_band": "_sifields._sigpoll.si_band",
        "si_fd": "_sifields._sigpoll.si_fd",
        "si_call_addr": "_sifields._sigsys._call_addr",
        "si_syscall": "_sifields._sigsys._syscall",
        "si_arch": "_sifields._sigsys._arch",
    },
}


def _dwarf(target: str):
    try:
        return header_layouts.members(target)
    except header_layouts.Unavailable as why:
        pytest.skip(str(why))


def _kind_fits(kind: str, member: header_layouts.Member) -> bool:
    if kind in LAYOUTS:
        return member.kind.split()[0] in ("struct", "union") and member.size == LAYOUTS[kind][0]
    if kind == "bytes":
        return True
    if kind == "cstr":
        return re.fullmatch(r"[ui]8\[\d+\]", member.kind) is not None
    return member.kind == kind.removesuffix("be")


def _check_against(name: str, target: str) -> None:
    dsize, members = _dwarf(target)[name]
    size, fields = LAYOUTS[name]
    assert size == dsize, f"sizeof({name})"
    paths = {field: ALIASES.get(name, {}).get(field, field) for field, *_ in fields}
    missing = [path for path in paths.values() if path not in members]
    assert not missing, f"{name}: no such members in the headers"
    ours = [(field, offset, fsize) for field, offset, fsize, _ in fields]
    theirs = [
        (field, members[paths[field]].offset, members[paths[field]].size) for field, *_ in fields
    ]
    assert ours == theirs
    wrong = [
        (field, kind, members[paths[field]].kind)
        for field, _, _, kind in fields
        if not _kind_fits(kind, members[paths[field]])
    ]
    assert not wrong, f"{name}: kinds that do not read the member's C type"
    spans = [(offset, offset + fsize) for _, offset, fsize, _ in fields]
    unlisted = [
        path
        for path, m in members.items()
        if "." not in path
        and m.size
        and not any(a < m.offset + m.size and m.offset < b for a, b in spans)
    ]
    assert not unlisted, f"{name}: members the layout leaves out"


@requires_zig
@pytest.mark.parametrize("name", FREEBSD)
def test_freebsd_layout_matches_freebsd14_headers(name):
    _check_against(name, "freebsd")


@requires_gcc
@pytest.mark.parametrize("name", LINUX)
def test_linux_layout_matches_host_headers(name):
    _check_against(name, "linux")


# The test root's libc is 13.5's. Where FreeBSD 14 named fields inside what 13.5 leaves spare
# (zero), 13.5's
# spare member and its (offset, size); every other member lies where 14 has it, and the sizes are
# the same.
# Sources: 13.5-RELEASE sys/sys/stat.h (int16_t st_padding0; uint64_t st_spare[10] after st_gen),
# sys/sys/mount.h (uint64_t f_spare[10] after f_asyncreads), sys/x86/include/ucontext.h (long
# mc_spare[4]
# after mc_xfpustate_len), sys/sys/user.h (void *ki_spareptrs[KI_NSPARE_PTR] after ki_udata).
SPARES_13_5 = {
    "stat": {"st_padding0": (26, 2), "st_spare": (144, 80)},
    "statfs": {"f_spare": (104, 80)},
    "mcontext_t": {"mc_spare": (768, 32)},
    "kinfo_proc": {"ki_spareptrs": (936, 8 * KI_NSPARE_PTR)},
}


@requires_zig
@pytest.mark.parametrize("name", sorted(SPARES_13_5))
def test_fields_freebsd_14_added_lie_in_13_5_spares(name):
    """Each 13.5 spare is tiled by whole FreeBSD 14 members, the first of them a named field, not a
    spare."""
    _, members = _dwarf("freebsd")[name]
    top = sorted(
        (m.offset, m.size, path) for path, m in members.items() if "." not in path and m.size
    )
    for offset, size in SPARES_13_5[name].values():
        inside = [(o, s, path) for o, s, path in top if offset <= o < offset + size]
        assert inside and inside[0][0] == offset, (name, offset)
        assert inside[-1][0] + inside[-1][1] == offset + size, (
            f"{name}: a member straddles 13.5's spare"
        )
        assert not re.search("spare|pad", inside[0][2]), (
            f"{name}: 14 named nothing in 13.5's spare at {offset}"
        )
        ours = {field for field, o, s, _ in LAYOUTS[name][1] if offset <= o < offset + size}
        assert ours == {path for _, _, path in inside}


@requires_gcc
@pytest.mark.parametrize("name", SAME_ON_LINUX)
def test_same_on_linux(name):
    dsize, members = _dwarf("linux")["linux_" + name]
    size, fields = LAYOUTS[name]
    assert size == dsize
    assert [(f, o, s) for f, o, s, _ in fields] == [
        (f, members[f].offset, members[f].size) for f, *_ in fields
    ]
    ours = {f for f, *_ in fields}
    assert {p for p in members if "." not in p and not p.startswith("__")} <= ours


def test_freebsd10_records_as_the_root_netstat_reads_them():
    """The sizes and offsets the root's 10.2 netstat was compiled with (its pcblist_kvm multiplies
    by sizeof(struct xtcpcb) 0x4c0 and sizeof(struct xinpcb) 0x228; protopr reads xt_tp at 0x190,
    xt_socket at 0x410, xt_timer at 0x4a0, xso_protocol at 0x20 of the xsocket, and inp_vflag,
    inp_gencnt and inp_laddr at 0x7c, 0x158 and 0xec of the record)."""
    inp = "freebsd10_inpcb"
    record = offsetof("freebsd10_xtcpcb", "xt_inp")
    laddr = offsetof(inp, "inp_inc") + offsetof("freebsd10_in_conninfo", "ie_dependladdr") + 12
    assert (sizeof("freebsd10_xtcpcb"), sizeof("freebsd10_xinpcb")) == (0x4C0, 0x228)
    assert [offsetof("freebsd10_xtcpcb", f) for f in ("xt_tp", "xt_socket", "xt_timer")] == [
        0x190,
        0x410,
        0x4A0,
    ]
    assert offsetof("freebsd10_xsocket", "xso_protocol") == 0x20
    assert [record + offsetof(inp, "inp_vflag"), record + offsetof(inp, "inp_gencnt")] == [
        0x7C,
        0x158,
    ]
    assert record + laddr == 0xEC
    assert offsetof("freebsd10_xinpcb", "xi_socket") == 8 + sizeof(inp)
    assert sizeof("freebsd10_xinpgen") == 32 and set(FREEBSD10) >= {"freebsd10_xtcp_timer"}
    # the statistics it asks net.inet.{tcp,udp,ip}.stats for (udp and ip: the same as 14's)
    assert [
        sizeof(n) for n in ("freebsd10_tcpstat", "udpstat", "ipstat", "icmpstat", "arpstat")
    ] == [0x370, 0x70, 0xE8, 0x2F0, 0x60]
    # and the root's 10.2 sockstat: sizeof(struct xfile)
    assert sizeof("freebsd10_xfile") == 0x50
    unix = "freebsd10_xunpcb"
    assert sizeof(unix) == 0x398
    assert [offsetof(unix, f) for f in ("xu_unpp", "unp_conn", "unp_addr", "xu_socket")] == [
        0x8,
        0x40,
        0x60,
        0x308 - offsetof("freebsd10_xsocket", "xso_so"),
    ]


def test_layouts_are_self_consistent():
    for name, (size, fields) in LAYOUTS.items():
        for field, offset, fsize, kind in fields:
            assert 0 <= offset and offset + fsize <= size, (name, field)
            if kind in LAYOUTS:
                assert LAYOUTS[kind][0] == fsize, (name, field)
            elif kind not in ("bytes", "cstr"):
                scalar = re.fullmatch(r"[ui](8|16|32|64)(be)?(?:\[(\d+)\])?", kind)
                assert scalar, (name, field, kind)
                assert int(scalar[1]) // 8 * int(scalar[3] or 1) == fsize, (name, field)


@requires_zig
@requires_gcc
def test_st_flags_map_to_the_like_named_mnt_flags():
    names = ["RDONLY", "NOSUID", "NOEXEC", "SYNCHRONOUS", "NOATIME", "NOSYMFOLLOW"]
    st = linux_values(["sys/statvfs.h"], [f"ST_{n}" for n in names], defines=("_GNU_SOURCE",))
    mnt = freebsd_values(["sys/types.h", "sys/mount.h"], [f"MNT_{n}" for n in names])
    assert len(st) >= 5  # glibc lacks ST_NOSYMFOLLOW, the kernel's 0x2000
    assert {n: ST_TO_MNT[st[f"ST_{n}"]] for n in names if f"ST_{n}" in st} == {
        n: mnt[f"MNT_{n}"] for n in names if f"ST_{n}" in st
    }
    assert sorted(ST_TO_MNT.values()) == sorted(mnt[f"MNT_{n}"] for n in names)


@requires_gcc
def test_fs_magic_numbers():
    names = {
        "EXT4_SUPER_MAGIC": "ext2fs",
        "TMPFS_MAGIC": "tmpfs",
        "RAMFS_MAGIC": "tmpfs",
        "DEVPTS_SUPER_MAGIC": "devfs",
        "PROC_SUPER_MAGIC": "procfs",
        "SYSFS_MAGIC": "linsysfs",
        "OVERLAYFS_SUPER_MAGIC": "unionfs",
        "NFS_SUPER_MAGIC": "nfs",
        "MSDOS_SUPER_MAGIC": "msdosfs",
        "ISOFS_SUPER_MAGIC": "cd9660",
        "FUSE_SUPER_MAGIC": "fusefs",
        "MQUEUE_MAGIC": "mqueuefs",
        "AUTOFS_SUPER_MAGIC": "autofs",
        "UDF_SUPER_MAGIC": "udf",
    }
    magic = linux_values(["linux/magic.h"], list(names))
    assert {n: LINUX_MAGIC_TO_FREEBSD.get(v) for n, v in magic.items()} == {
        n: names[n] for n in magic
    }
    assert len(magic) >= 10
