"""The sysctl MIB: its numbers against FreeBSD's headers, the meta-OID walks, and the sysctl(2)
buffer and permission contract."""

import ast
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsdulator.abi import sysctl as abi
from bsdulator.abi.flags import FREEBSD_CPU_MAXSIZE
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS
from bsdulator.errors import FreeBSDError
from bsdulator.sysctl import Context, SysctlTree
from header_macros import HAVE_ZIG, freebsd_macros

pytestmark = pytest.mark.unit

# FreeBSD sys/errno.h
EPERM, ENOENT, ENOMEM, ENOTDIR, EISDIR, EINVAL, ENAMETOOLONG = (
    1,
    2,
    12,
    20,
    21,
    22,
    63,
)

HEADERS = (
    "sys/param.h",
    "sys/sysctl.h",
    "sys/jail.h",
    "limits.h",
    "unistd.h",
    "stdio.h",
    "signal.h",
    "paths.h",
)


# The tree emulates 13.5 (the test root's release); where zig's FreeBSD 14 headers differ, 13.5's
# value.
ONLY_IN_13_5 = {"KERN_VNODE"}  # 13.5-RELEASE sys/sys/sysctl.h
CHANGED_SINCE_13_5 = {"kern.posix1version": 200112}  # _POSIX_VERSION, 13.5-RELEASE sys/sys/unistd.h


@pytest.fixture(scope="module")
def macros() -> dict[str, str]:
    """Object-like macros (name → replacement text) of HEADERS, as FreeBSD/amd64's preprocessor sees
    them (zig's)."""
    if not HAVE_ZIG:
        pytest.skip("the ziglang package (a FreeBSD cross preprocessor) is not installed")
    return freebsd_macros(*HEADERS, defines=("_WANT_PRISON",))


def _evaluate(text: str, macros: dict[str, str]):
    """A macro's value: names expanded, C integer suffixes dropped, then read as a Python
    expression."""
    for _ in range(20):
        expanded = re.sub(
            r"\b[A-Za-z_]\w*\b", lambda m: f"({macros[m[0]]})" if m[0] in macros else m[0], text
        )
        if expanded == text:
            break
        text = expanded
    text = re.sub(r"\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", text)
    return (
        ast.literal_eval(text)
        if text.lstrip("( ").startswith('"')
        else eval(text, {"__builtins__": {}})
    )


def _abi_constants() -> dict[str, int]:
    return {
        name: value
        for name, value in vars(abi).items()
        if name.isupper() and isinstance(value, int)
    }


def test_every_abi_number_matches_the_headers(macros):
    ours = _abi_constants()
    present = {name: _evaluate(macros[name], macros) for name in ours if name in macros}
    assert present == {name: ours[name] for name in present}
    assert set(ours) - set(present) == ONLY_IN_13_5


# Values the tree states that FreeBSD's headers define (node name → C expression).
HEADER_VALUES = {
    "kern.osrevision": "BSD",
    "kern.argmax": "ARG_MAX",
    "kern.ngroups": "NGROUPS_MAX",
    "kern.iov_max": "IOV_MAX",
    "kern.posix1version": "_POSIX_VERSION",
    "hw.pagesize": "PAGE_SIZE",
    "user.cs_path": "_PATH_STDPATH",
    "user.localbase": "_PATH_LOCALBASE",
    "user.bc_base_max": "BC_BASE_MAX",
    "user.bc_dim_max": "BC_DIM_MAX",
    "user.bc_scale_max": "BC_SCALE_MAX",
    "user.bc_string_max": "BC_STRING_MAX",
    "user.coll_weights_max": "COLL_WEIGHTS_MAX",
    "user.expr_nest_max": "EXPR_NEST_MAX",
    "user.line_max": "LINE_MAX",
    "user.re_dup_max": "RE_DUP_MAX",
    "user.posix2_version": "_POSIX2_VERSION",
    "user.stream_max": "FOPEN_MAX",
    "user.tzname_max": "NAME_MAX",
    "p1003_1b.pagesize": "PAGE_SIZE",
    "p1003_1b.rtsig_max": "SIGRTMAX - SIGRTMIN + 1",
}


def test_constant_values_match_the_headers(macros):
    tree, ctx = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000), _ctx()
    for name, expr in HEADER_VALUES.items():
        assert _value(tree, ctx, name) == CHANGED_SINCE_13_5.get(name, _evaluate(expr, macros)), (
            name
        )
    assert all(
        _evaluate(HEADER_VALUES[name], macros) != value
        for name, value in CHANGED_SINCE_13_5.items()
    )


# --- helpers ------------------------------------------------------------------


def _ctx(**changes) -> Context:
    base = dict(
        usrstack=0x7FFFFFFFF000,
        ps_strings=0x7FFFFFFFEFE0,
        hostname="host.example",
        hostuuid="u" * 36,
        hostid=7,
        ncpu=4,
        physmem=8 << 30,
        realmem=8 << 30,
        usermem=6 << 30,
        cpu_model="Test CPU",
        pagesizes=(4096, 2 << 20, 1 << 30),
        boottime=1_700_000_000.25,
    )
    return Context(**{**base, **changes})


@pytest.fixture
def tree():
    return SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)


def _read(tree, ctx, mib, oldlen=4096):
    return tree.call(ctx, mib, oldlen, None)


def _ints(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}i", data))


def _name_of(tree, ctx, oid) -> str:
    return _read(tree, ctx, [0, abi.CTL_SYSCTL_NAME, *oid]).data.rstrip(b"\0").decode()


def _fmt_of(tree, ctx, oid) -> tuple[int, str]:
    data = _read(tree, ctx, [0, abi.CTL_SYSCTL_OIDFMT, *oid]).data
    return struct.unpack("<I", data[:4])[0], data[4:].rstrip(b"\0").decode()


def _value(tree, ctx, name):
    """A leaf's value decoded by its format, as sysctl(8) would print it."""
    oid = tree.name2oid(name)
    data = _read(tree, ctx, oid).data
    _, fmt = _fmt_of(tree, ctx, oid)
    if fmt == "A":
        return data.rstrip(b"\0").decode()
    return struct.unpack({"I": "<i", "IU": "<I", "L": "<q", "LU": "<Q"}[fmt], data)[0]


def _walk(tree, ctx, meta=abi.CTL_SYSCTL_NEXT, start=()) -> list[list[int]]:
    """Every OID 0.2 (or 0.7) yields from start, as sysctl -a iterates; the walk must end with
    ENOENT."""
    oids, cur = [], list(start)
    while True:
        try:
            reply = _read(tree, ctx, [0, meta, *cur], abi.CTL_MAXNAME * 4)
        except FreeBSDError as e:
            assert e.errno == ENOENT
            return oids
        cur = _ints(reply.data)
        oids.append(cur)


def _is_plain(tree, ctx, oid) -> bool:
    """A plain node: reading it is EISDIR (asked by name, as __sysctl takes no one-component
    MIB)."""
    try:
        tree.call_by_name(ctx, _name_of(tree, ctx, oid).encode(), 4096, None)
    except FreeBSDError as e:
        return e.errno == EISDIR
    return False


def _leaves(tree, ctx) -> list[tuple[str, list[int]]]:
    return [(_name_of(tree, ctx, oid), oid) for oid in _walk(tree, ctx)]


BUILTIN = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
BUILTIN_LEAVES = _leaves(BUILTIN, _ctx())


# --- numbers, names and walks -------------------------------------------------


def test_fixed_numbers_land_where_the_headers_say(tree):
    ctx = _ctx()
    for name, oid in {
        "kern.ostype": [abi.CTL_KERN, abi.KERN_OSTYPE],
        "kern.hostname": [abi.CTL_KERN, abi.KERN_HOSTNAME],
        "kern.arandom": [abi.CTL_KERN, abi.KERN_ARND],
        "kern.usrstack": [abi.CTL_KERN, abi.KERN_USRSTACK],
        "kern.domainname": [abi.CTL_KERN, abi.KERN_NISDOMAINNAME],
        "kern.proc": [abi.CTL_KERN, abi.KERN_PROC],
        "hw.ncpu": [abi.CTL_HW, abi.HW_NCPU],
        "hw.machine_arch": [abi.CTL_HW, abi.HW_MACHINE_ARCH],
        "user.localbase": [abi.CTL_USER, abi.USER_LOCALBASE],
        "vm": [abi.CTL_VM],
        "p1003_1b.timer_max": [abi.CTL_P1003_1B, abi.CTL_P1003_1B_TIMER_MAX],
        "sysctl.name2oid": [abi.CTL_SYSCTL, abi.CTL_SYSCTL_NAME2OID],
    }.items():
        assert tree.name2oid(name) == oid, name
        assert _name_of(tree, ctx, oid) == name


def test_auto_numbers_are_above_the_static_range(tree):
    for name in ("security", "security.jail", "security.jail.jailed", "kern.ident", "hw.pagesizes"):
        assert tree.name2oid(name)[-1] >= abi.CTL_AUTO_START


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BUILTIN_LEAVES))
def test_name_oid_name_is_identity(leaf):
    name, oid = leaf
    ctx = _ctx()
    assert BUILTIN.name2oid(name) == oid
    assert _ints(BUILTIN.call(ctx, [0, abi.CTL_SYSCTL_NAME2OID], 100, name.encode()).data) == oid
    assert _name_of(BUILTIN, ctx, oid) == name


def test_walk_starts_at_the_first_leaf_and_covers_the_standard_nodes(tree):
    oids = _walk(tree, _ctx())
    assert oids[0] == [abi.CTL_SYSCTL, abi.CTL_SYSCTL_NAME]
    assert oids == sorted(oids) and len({tuple(o) for o in oids}) == len(oids)
    names = {_name_of(tree, _ctx(), o) for o in oids}
    assert {
        "kern.ostype",
        "kern.hostname",
        "hw.ncpu",
        "user.cs_path",
        "security.jail.jailed",
    } <= names
    # nodes are stepped into, not listed
    assert not names & {
        "kern",
        "kern.proc",
        "security.jail.param",
    }


def test_sysctl_minus_a_starts_after_the_meta_oids(tree):
    # sysctl(8) with -a asks for the OID after {1} (CTL_KERN).
    assert _walk(tree, _ctx(), start=[abi.CTL_KERN])[0] == [abi.CTL_KERN, abi.KERN_OSTYPE]


def test_nextnoskip_lists_nodes_too(tree):
    ctx = _ctx()
    oids = _walk(tree, ctx, abi.CTL_SYSCTL_NEXTNOSKIP)
    assert oids[:2] == [[abi.CTL_SYSCTL], [abi.CTL_SYSCTL, abi.CTL_SYSCTL_NAME]]
    assert [abi.CTL_KERN, abi.KERN_PROC] in oids  # empty nodes as well
    assert [o for o in oids if not _is_plain(tree, ctx, o)] == _walk(tree, ctx)


_names = st.text(alphabet="abcz_0", min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(_names, min_size=1, max_size=4), st.booleans(), st.booleans()),
        min_size=1,
        max_size=25,
    )
)
def test_walk_visits_every_leaf_once_in_order(specs):
    tree, ctx = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000), _ctx()
    tree.add("t", abi.CTLTYPE_NODE)
    paths = {tuple(parts): (skip, fixed) for parts, skip, fixed in specs}
    inner = {p[:i] for p in paths for i in range(1, len(p))}
    expected, skipped = [], []
    for path in sorted(paths.keys() | inner, key=len):
        dotted = "t." + ".".join(path)
        if path in inner:
            tree.add(dotted, abi.CTLTYPE_NODE)
            continue
        skip, fixed = paths[path]
        try:
            oid = tree.add(
                dotted,
                abi.CTLTYPE_INT,
                len(path),
                flags=abi.CTLFLAG_RD | (abi.CTLFLAG_SKIP * skip),
                number=len(path) if fixed else abi.OID_AUTO,
            )
        except ValueError:  # that fixed number is taken under this parent
            continue
        (skipped if skip else expected).append(oid)
    top = tree.name2oid("t")
    walked = [o for o in _walk(tree, ctx) if o[:1] == top]
    assert walked == sorted(expected)
    noskip = [o for o in _walk(tree, ctx, abi.CTL_SYSCTL_NEXTNOSKIP) if o[:1] == top]
    assert sorted(expected + skipped) == [o for o in noskip if not _is_plain(tree, ctx, o)]
    for oid in expected + skipped:
        assert tree.name2oid(_name_of(tree, ctx, oid)) == oid


def test_unknown_components_are_named_by_number(tree):
    assert _name_of(tree, _ctx(), [abi.CTL_KERN, 9999, 3]) == "kern.9999.3"
    assert _name_of(tree, _ctx(), [abi.CTL_KERN, abi.KERN_OSTYPE, 5]) == "kern.ostype.5"
    assert _read(tree, _ctx(), [0, abi.CTL_SYSCTL_NAME]).data == b"\0"


def test_name2oid_follows_the_kernels_strsep_walk(tree):
    assert tree.name2oid("kern.ostype.") == [abi.CTL_KERN, abi.KERN_OSTYPE]
    assert tree.name2oid("kern") == [abi.CTL_KERN]
    for bad in ("kern..ostype", ".kern", "kern.ostype.x", "nope", "kern.proc.pid"):
        with pytest.raises(FreeBSDError) as e:
            tree.name2oid(bad)
        assert e.value.errno == ENOENT, bad
    for new, errno in ((None, ENOENT), (b"", ENOENT), (b"k" * abi.MAXPATHLEN, ENAMETOOLONG)):
        with pytest.raises(FreeBSDError) as e:
            tree.call(_ctx(), [0, abi.CTL_SYSCTL_NAME2OID], 100, new)
        assert e.value.errno == errno
    assert _ints(tree.call(_ctx(), [0, 3], 100, b"hw.ncpu\0junk").data) == [abi.CTL_HW, abi.HW_NCPU]


# --- formats and descriptions ---------------------------------------------------


@pytest.mark.parametrize(
    "name, ctltype, fmt, writable",
    [
        ("kern.ostype", abi.CTLTYPE_STRING, "A", False),
        ("kern.hostname", abi.CTLTYPE_STRING, "A", True),
        ("kern.osreldate", abi.CTLTYPE_INT, "I", False),
        ("kern.maxfiles", abi.CTLTYPE_INT, "I", True),
        ("kern.hostid", abi.CTLTYPE_ULONG, "LU", True),
        ("kern.usrstack", abi.CTLTYPE_ULONG, "LU", False),
        ("kern.boottime", abi.CTLTYPE_STRUCT, "S,timeval", False),
        ("kern.clockrate", abi.CTLTYPE_STRUCT, "S,clockinfo", False),
        ("kern.arandom", abi.CTLTYPE_OPAQUE, "", False),
        ("hw.physmem", abi.CTLTYPE_ULONG, "LU", False),
        ("hw.pagesizes", abi.CTLTYPE_OPAQUE, "S,pagesizes", False),
        ("kern", abi.CTLTYPE_NODE, "N", True),
        ("security.jail.param", abi.CTLTYPE_NODE, "N", True),
        ("sysctl.name2oid", abi.CTLTYPE_INT, "I", True),
    ],
)
def test_oidfmt(tree, name, ctltype, fmt, writable):
    kind, got = _fmt_of(tree, _ctx(), tree.name2oid(name))
    assert (kind & abi.CTLTYPE, got, bool(kind & abi.CTLFLAG_WR)) == (ctltype, fmt, writable)
    assert kind & abi.CTLFLAG_RD or ctltype == abi.CTLTYPE_NODE


def test_oidfmt_of_a_tunable_says_so(tree):
    kind, _ = _fmt_of(tree, _ctx(), tree.name2oid("kern.maxproc"))
    # sysctl(8): "is a read only tunable"
    assert kind & abi.CTLFLAG_TUN and not kind & abi.CTLFLAG_WR


def test_descriptions_and_labels(tree):
    ctx = _ctx()
    assert _read(tree, ctx, [0, abi.CTL_SYSCTL_OIDDESCR, 1, 1]).data == b"Operating system type\0"
    assert _read(tree, ctx, [0, abi.CTL_SYSCTL_OIDDESCR, 6, 3]).data == b"Number of active CPUs\0"
    with pytest.raises(FreeBSDError) as e:
        _read(tree, ctx, [0, abi.CTL_SYSCTL_OIDLABEL, 1, 1])
    assert e.value.errno == ENOENT
    oid = tree.add("debug.labelled", abi.CTLTYPE_INT, 1, label="feature")
    assert _read(tree, ctx, [0, abi.CTL_SYSCTL_OIDLABEL, *oid]).data == b"feature\0"


@pytest.mark.parametrize("meta", [abi.CTL_SYSCTL_OIDFMT, abi.CTL_SYSCTL_OIDDESCR])
def test_meta_oids_report_lookup_errors(tree, meta):
    for suffix, errno in (([], ENOENT), ([1, 9999], ENOENT), ([1, 1, 1], ENOTDIR)):
        with pytest.raises(FreeBSDError) as e:
            _read(tree, _ctx(), [0, meta, *suffix])
        assert e.value.errno == errno


# --- the old/oldlen contract ----------------------------------------------------

# The meta-OIDs need a suffix or a name, kern.arandom is random and hw.pagesizes never says ENOMEM.
DETERMINISTIC = [
    leaf
    for leaf in BUILTIN_LEAVES
    if leaf[1][0] != abi.CTL_SYSCTL and leaf[0] not in ("kern.arandom", "hw.pagesizes")
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(DETERMINISTIC), st.integers(0, 64))
def test_probe_then_read_and_truncation(leaf, oldlen):
    name, oid = leaf
    ctx = _ctx()
    probe = BUILTIN.call(ctx, oid, None, None)
    assert probe.data is None and probe.errno == 0
    full = BUILTIN.call(ctx, oid, probe.oldlen, None)
    assert (len(full.data), full.oldlen, full.errno) == (probe.oldlen, probe.oldlen, 0)
    reply = BUILTIN.call(ctx, oid, oldlen, None)
    if oldlen < probe.oldlen:  # copy what fits, report the buffer's size, ENOMEM
        assert reply == (full.data[:oldlen], oldlen, ENOMEM)
    else:
        assert reply == (full.data, probe.oldlen, 0)


def test_strings_include_their_nul(tree):
    ctx = _ctx()
    assert _read(tree, ctx, [1, 1]) == (b"FreeBSD\0", 8, 0)
    assert tree.call(ctx, [1, 1], None, None).oldlen == 8
    assert tree.call(ctx, [1, 1], 7, None) == (b"FreeBSD", 7, ENOMEM)


def test_context_values(tree):
    ctx = _ctx()
    assert _value(tree, ctx, "hw.ncpu") == 4
    assert _value(tree, ctx, "hw.physmem") == 8 << 30
    assert _value(tree, ctx, "hw.model") == "Test CPU"
    assert _value(tree, ctx, "kern.usrstack") == 0x7FFFFFFFF000
    assert _value(tree, ctx, "kern.ps_strings") == 0x7FFFFFFFEFE0
    assert _value(tree, ctx, "kern.osrelease") == "13.5-RELEASE"
    assert _value(tree, ctx, "kern.securelevel") == -1
    assert _value(tree, ctx, "security.jail.jailed") == 0
    assert _value(tree, _ctx(jailed=True), "security.jail.jailed") == 1
    assert _read(tree, ctx, tree.name2oid("kern.boottime")).data == struct.pack(
        "<qq", 1_700_000_000, 250_000
    )
    assert _read(tree, ctx, tree.name2oid("kern.clockrate")).data == struct.pack(
        "<5i", 1000, 1000, 0, 127, 8128
    )


def test_arandom_gives_what_was_asked_up_to_256(tree):
    oid = [abi.CTL_KERN, abi.KERN_ARND]
    # sysctl(8) sees length 0 and skips it
    assert tree.call(_ctx(), oid, None, None) == (
        None,
        0,
        0,
    )
    assert len(tree.call(_ctx(), oid, 16, None).data) == 16
    assert tree.call(_ctx(), oid, 16, None).data != tree.call(_ctx(), oid, 16, None).data
    big = tree.call(_ctx(), oid, 1000, None)
    assert (len(big.data), big.oldlen, big.errno) == (256, 256, 0)


def test_pagesizes_truncates_without_enomem(tree):
    oid = tree.name2oid("hw.pagesizes")
    assert tree.call(_ctx(), oid, None, None).oldlen == 8 * abi.MAXPAGESIZES
    assert tree.call(_ctx(), oid, 8, None) == (struct.pack("<Q", 4096), 8, 0)
    assert _read(tree, _ctx(), oid).data == struct.pack("<3Q", 4096, 2 << 20, 1 << 30)


@pytest.mark.parametrize(
    "mib, errno",
    [
        ([abi.CTL_KERN], EINVAL),  # __sysctl wants 2..CTL_MAXNAME components
        ([1] * (abi.CTL_MAXNAME + 1), EINVAL),
        ([abi.CTL_KERN, 9999], ENOENT),
        ([77, 1], ENOENT),
        ([abi.CTL_KERN, abi.KERN_OSTYPE, 1], ENOTDIR),
        ([abi.CTL_KERN, abi.KERN_PROC], EISDIR),  # a plain node has no value
        ([abi.CTL_SYSCTL, abi.CTL_SYSCTL_NAME2OID, 1], ENOTDIR),
    ],
)
def test_lookup_errors(tree, mib, errno):
    with pytest.raises(FreeBSDError) as e:
        _read(tree, _ctx(), mib)
    assert e.value.errno == errno


# --- writes ---------------------------------------------------------------------


def _write_errno(tree, ctx, name, new):
    with pytest.raises(FreeBSDError) as e:
        tree.call(ctx, tree.name2oid(name), None, new)
    return e.value.errno


def test_read_only_nodes_refuse_writes(tree):
    assert _write_errno(tree, _ctx(), "kern.ostype", b"Linux") == EPERM
    assert _write_errno(tree, _ctx(), "hw.ncpu", struct.pack("<i", 1)) == EPERM
    # newp non-NULL with newlen 0 is a write
    assert _write_errno(tree, _ctx(), "kern.ostype", b"") == EPERM


def test_writes_need_root_and_jails_only_prison_nodes(tree):
    four = struct.pack("<i", 4)
    assert _write_errno(tree, _ctx(uid=1001), "kern.maxfiles", four) == EPERM
    assert _write_errno(tree, _ctx(uid=1001), "kern.hostname", b"x") == EPERM
    assert _write_errno(tree, _ctx(jailed=True), "kern.maxfiles", four) == EPERM
    jailed = _ctx(jailed=True)
    tree.call(jailed, tree.name2oid("kern.hostname"), None, b"inside")
    assert jailed.hostname == "inside"
    # name2oid is CTLFLAG_ANYBODY: anyone may hand it a name.
    assert _ints(tree.call(_ctx(uid=1001, jailed=True), [0, 3], 100, b"kern.ostype").data) == [1, 1]


def test_hostname_set_then_get(tree):
    ctx = _ctx()
    oid = tree.name2oid("kern.hostname")
    # old value comes back
    assert tree.call(ctx, oid, 64, b"new.example.org") == (
        b"host.example\0",
        13,
        0,
    )
    assert ctx.hostname == "new.example.org"
    assert _read(tree, ctx, oid).data == b"new.example.org\0"
    tree.call(ctx, oid, None, b"")
    assert ctx.hostname == ""
    tree.call(ctx, oid, None, b"short\0ignored")
    assert ctx.hostname == "short"


def test_string_writes_must_fit_the_buffer(tree):
    ctx = _ctx()
    oid = tree.name2oid("kern.hostname")
    tree.call(ctx, oid, None, b"h" * (abi.MAXHOSTNAMELEN - 1))
    assert _write_errno(tree, ctx, "kern.hostname", b"h" * abi.MAXHOSTNAMELEN) == EINVAL
    assert _write_errno(tree, ctx, "kern.hostuuid", b"u" * abi.HOSTUUIDLEN) == EINVAL
    assert ctx.hostname == "h" * (abi.MAXHOSTNAMELEN - 1)


def test_a_short_old_buffer_stops_the_write(tree):
    ctx = _ctx()
    assert tree.call(ctx, tree.name2oid("kern.hostname"), 4, b"other") == (b"host", 4, ENOMEM)
    assert ctx.hostname == "host.example"


def test_int_writes(tree):
    ctx = _ctx()
    oid = tree.name2oid("kern.maxfiles")
    assert _write_errno(tree, ctx, "kern.maxfiles", b"\1\0\0") == EINVAL
    # SYSCTL_IN takes the first sizeof(int)
    tree.call(ctx, oid, None, struct.pack("<i", 5000) + b"extra")
    assert _value(tree, ctx, "kern.maxfiles") == 5000
    assert _value(tree, _ctx(), "kern.maxfiles") == 5000  # the kernel variable, not the caller's
    tree.call(ctx, tree.name2oid("kern.hostid"), None, struct.pack("<Q", 2**64 - 1))
    assert ctx.hostid == 2**64 - 1


def test_securelevel_only_rises(tree):
    ctx = _ctx(securelevel=0)
    oid = tree.name2oid("kern.securelevel")
    tree.call(ctx, oid, None, struct.pack("<i", 2))
    assert ctx.securelevel == 2
    assert _write_errno(tree, ctx, "kern.securelevel", struct.pack("<i", 1)) == EPERM
    assert ctx.securelevel == 2


def test_secure_nodes_follow_securelevel(tree):
    tree.add("debug.guarded", abi.CTLTYPE_INT, 0, flags=abi.CTLFLAG_RW | abi.CTLFLAG_SECURE2)
    one = struct.pack("<i", 1)
    tree.call(_ctx(securelevel=1), tree.name2oid("debug.guarded"), None, one)
    assert _write_errno(tree, _ctx(securelevel=2), "debug.guarded", one) == EPERM


def test_context_setter_may_refuse(tree):
    class NoRename(Context):
        @property
        def hostname(self):
            return "fixed"

        @hostname.setter
        def hostname(self, value):
            if value != "fixed":
                raise FreeBSDError(EPERM, "allow.set_hostname is off")

    ctx = NoRename(**{**_ctx().__dict__, "hostname": "fixed"})
    assert _write_errno(tree, ctx, "kern.hostname", b"other") == EPERM


# --- __sysctlbyname -------------------------------------------------------------


def test_call_by_name(tree):
    ctx = _ctx()
    assert tree.call_by_name(ctx, b"kern.ostype", 64, None) == (b"FreeBSD\0", 8, 0)
    # *oldlenp untouched
    assert tree.call_by_name(ctx, b"kern.ostype", 3, None) == (
        b"Fre",
        None,
        ENOMEM,
    )
    for name, errno in (
        (b"", EINVAL),
        (b"k" * (abi.MAXPATHLEN + 1), EINVAL),
        (b"k" * abi.MAXPATHLEN, ENAMETOOLONG),
        (b"kern.nope", ENOENT),
        (b"kern", EISDIR),
        (b"kern.proc.pid", ENOENT),
    ):
        with pytest.raises(FreeBSDError) as e:
            tree.call_by_name(ctx, name, 64, None)
        assert e.value.errno == errno, name


# --- registering ----------------------------------------------------------------


def test_handler_nodes_get_the_rest_of_the_mib(tree):
    seen = []

    def pid_entry(ctx, rest):
        seen.append(rest)
        if rest != [42]:
            raise FreeBSDError(3, "no such process")
        return b"kinfo"

    oid = tree.add(
        "kern.proc.pid",
        abi.CTLTYPE_NODE,
        pid_entry,
        number=abi.KERN_PROC_PID,
        fmt="S,proc",
        descr="Process table",
    )
    ctx = _ctx()
    assert oid == [abi.CTL_KERN, abi.KERN_PROC, abi.KERN_PROC_PID]
    assert _read(tree, ctx, [*oid, 42]) == (b"kinfo", 5, 0) and seen == [[42]]
    with pytest.raises(FreeBSDError) as e:
        _read(tree, ctx, [*oid, 7])
    assert e.value.errno == 3
    assert _name_of(tree, ctx, [*oid, 42]) == "kern.proc.pid.42"
    assert _fmt_of(tree, ctx, [*oid, 42]) == (
        abi.CTLTYPE_NODE | abi.CTLFLAG_RD | abi.CTLFLAG_MPSAFE,
        "S,proc",
    )
    assert oid in _walk(tree, ctx)  # listed like a leaf, its handler not called
    assert seen == [[42], [7]]


def test_handler_node_writes_get_raw_bytes(tree):
    got = []
    oid = tree.add(
        "kern.proc.args",
        abi.CTLTYPE_NODE,
        lambda ctx, rest: b"old\0",
        lambda ctx, rest, new: got.append((rest, new)),
        number=abi.KERN_PROC_ARGS,
        flags=abi.CTLFLAG_RW | abi.CTLFLAG_ANYBODY,
        fmt="",
    )
    tree.call(_ctx(uid=1001), [*oid, 99], None, b"title\0")
    assert got == [([99], b"title\0")]


def test_libjail_finds_an_empty_named_child_one_number_off(tree):
    node = tree.add("security.jail.param.host", abi.CTLTYPE_NODE, descr="Jail host info")
    child = tree.add(
        "security.jail.param.host.", abi.CTLTYPE_INT, 0, fmt="E,jailsys", flags=abi.CTLFLAG_RW
    )
    assert child[:-1] == node and abs(child[-1] - node[-1]) == 1
    assert _name_of(tree, _ctx(), child) == "security.jail.param.host."
    assert tree.name2oid("security.jail.param.host.") == node  # the trailing dot names the node
    assert child in _walk(tree, _ctx(), start=tree.name2oid("security.jail.param"))


def test_libjail_walk_of_the_params_ends_outside_them(tree):
    # jailparam_all steps 0.2 from security.jail.param until the prefix changes; ENOENT would be an
    # error.
    param = tree.name2oid("security.jail.param")
    tree.add("security.jail.param.name", abi.CTLTYPE_STRING, "256", descr="Jail name")
    tree.add("security.jail.param.persist", abi.CTLTYPE_INT, 0, fmt="B", descr="Jail persistence")
    # jail code adding more after the params exist
    tree.add("security.jail.other", abi.CTLTYPE_INT, 0)
    cur = param
    while True:
        cur = _ints(_read(tree, _ctx(), [0, abi.CTL_SYSCTL_NEXT, *cur], 96).data)
        if cur[: len(param)] != param:
            break
    assert _name_of(tree, _ctx(), cur) == "security.jail.jailed"


def test_register_rules(tree):
    # nodes may be declared again
    assert tree.add("kern.proc", abi.CTLTYPE_NODE) == [
        abi.CTL_KERN,
        abi.KERN_PROC,
    ]
    for call in (
        lambda: tree.add("kern.ostype", abi.CTLTYPE_STRING, "again"),
        lambda: tree.add("kern.other", abi.CTLTYPE_INT, 1, number=abi.KERN_OSTYPE),
        lambda: tree.add("kern.other", abi.CTLTYPE_INT, 1, number=abi.CTL_AUTO_START),
        lambda: tree.add("nowhere.x", abi.CTLTYPE_INT, 1),
        lambda: tree.add("kern.ostype.x", abi.CTLTYPE_INT, 1),
        lambda: tree.add("kern.other", abi.CTLTYPE_INT, lambda ctx, rest: 1, flags=abi.CTLFLAG_RW),
        lambda: tree.add("kern.other", abi.CTLTYPE_STRING, "s", flags=abi.CTLFLAG_RW),
        lambda: tree.add("kern.other", abi.CTLTYPE_OPAQUE, b""),
    ):
        with pytest.raises(ValueError):
            call()


def test_host_context_reads_the_host():
    ctx = Context(usrstack=1, ps_strings=2)
    assert ctx.ncpu >= 1 and ctx.physmem > 0 and len(ctx.pagesizes) == abi.MAXPAGESIZES
    assert ctx.pagesizes[0] == 4096 and len(ctx.hostuuid) == 36
    assert 0 < ctx.boottime < __import__("time").time()


def test_cpu_set_sizes_and_devctl_queue(tree):
    """Go sizes its affinity mask from kern.smp.maxcpus, libthr its cpuset_t from
    kern.sched.cpusetsize (kern_cpuset.c: sizeof(cpuset_t)); devd wants hw.bus.devctl_queue."""
    ctx = _ctx()
    bits = FREEBSD_CPU_MAXSIZE["CPU_MAXSIZE"]
    assert _value(tree, ctx, "kern.smp.maxcpus") == bits
    assert _value(tree, ctx, "kern.sched.cpusetsize") == bits // FREEBSD_CPU_MAXSIZE["NBBY"]
    assert _value(tree, ctx, "kern.smp.cpus") == _value(tree, ctx, "hw.ncpu")
    assert _value(tree, ctx, "hw.bus.devctl_queue") == FREEBSD_KERNEL_DEFAULTS["devctl_queue"]
