"""bsdulator/jail/: the parameter table as libjail discovers it, the codecs, and kern_jail.c's
rules."""

import ipaddress
import struct
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsdulator.abi import jail as abi
from bsdulator.abi import sysctl as ctl
from bsdulator.abi.errno import FREEBSD_ERRNO as E
from bsdulator.errors import FreeBSDError
from bsdulator.jail import options, params, records, rules, sysctls
from bsdulator.sysctl import Context, SysctlTree

pytestmark = pytest.mark.unit

CREATE, UPDATE, ATTACH, DYING = abi.JAIL_CREATE, abi.JAIL_UPDATE, abi.JAIL_ATTACH, abi.JAIL_DYING


class Store:
    """A JailStore in a dict, with the commit a jail_set handler would do."""

    def __init__(self, config=None):
        self.jails = {
            0: records.host_jail(
                hostname="host.example", osrelease="13.5-RELEASE", osreldate=1305000, config=config
            )
        }
        self.last_jid = self.last_dead_jid = 0

    def get(self, jid):
        return self.jails.get(jid)

    def after(self, jid):
        later = sorted(j for j in self.jails if j > jid and j != 0)
        return self.jails[later[0]] if later else None

    def children(self, jid):
        return [r for r in self.jails.values() if r.parent == jid]

    def commit(self, plan):
        if plan.renumbered:
            old, new = plan.renumbered
            self.jails[new] = replace(self.jails.pop(old), jid=new)
        for record in (plan.record, *plan.descendants):
            self.jails[record.jid] = record
        self.last_jid, self.last_dead_jid = plan.last_jid, plan.last_dead_jid
        return plan.jid


def s(text):
    return text.encode() + b"\0"


def i(value):
    return struct.pack("<i", value)


def pairs(*items):
    """(name, value) pairs: str values become C strings, ints become C ints, None stays NULL."""
    out = []
    for name, value in items:
        value = (
            s(value) if isinstance(value, str) else i(value) if isinstance(value, int) else value
        )
        out.append((s(name), value))
    return out


def jset(store, flags, *items, caller=0, **kw):
    return store.commit(rules.plan_set(store, caller, flags, pairs(*items), **kw))


def jget(store, flags, *items, caller=0):
    jid, writes = rules.do_get(store, caller, flags, pairs(*items))
    return jid, {w.index: w for w in writes}


def fails(errno, message, call, *args, **kw):
    with pytest.raises(params.JailError) as info:
        call(*args, **kw)
    assert (info.value.errno, info.value.message) == (errno, message)


# A persistent jail "a" that may have two children of its own.
PARENT_A = (("name", "a"), ("persist", None), ("children.max", 2))


def refused(store, caller, flags, *params, message=""):
    """jail_set(2) by caller with these parameters fails with EPERM and this message."""
    fails(E["EPERM"], message, rules.plan_set, store, caller, flags, pairs(*params))


@pytest.fixture
def store():
    return Store()


def web(store, **extra):
    return jset(
        store,
        CREATE,
        ("name", "web"),
        ("persist", None),
        ("path", "/jails/web"),
        ("host.hostname", "web.example"),
        *extra.items(),
    )


# --- libjail's view of security.jail.param -------------------------------------


def _call(tree, mib, oldlen=4096, new=None):
    return tree.call(Context(usrstack=0, ps_strings=0), mib, oldlen, new).data


def _ints(data):
    return list(struct.unpack(f"<{len(data) // 4}i", data))


def jailparam_type(tree, name):
    """libjail's jailparam_type: (ctltype, format, valuelen, elemlen, flags) as it works them
    out."""
    flags = set()
    try:
        mib = _ints(_call(tree, [0, 3], new=f"security.jail.param.{name}".encode()))
    except FreeBSDError:
        head, dot, tail = name.rpartition(".")
        if not tail.startswith("no"):
            raise
        name = f"{head}{dot}{tail[2:]}"
        mib = _ints(_call(tree, [0, 3], new=f"security.jail.param.{name}".encode()))
        flags.add("NOBOOL")
    while True:
        desc = _call(tree, [0, 4, *mib])
        kind, fmt = struct.unpack("<I", desc[:4])[0], desc[4:].split(b"\0")[0].decode()
        if kind & ctl.CTLTYPE != ctl.CTLTYPE_NODE:
            break
        for step in (-1, 1):  # the empty-named child, one number off the node
            try:
                child_name = _call(tree, [0, 1, *mib, mib[-1] + step]).split(b"\0")[0].decode()
            except FreeBSDError:
                continue
            if child_name == f"security.jail.param.{name}.":
                mib = [*mib, mib[-1] + step]
                break
        else:
            raise LookupError(f"unknown parameter: {name}")
    if "NOBOOL" in flags and fmt != "B":
        raise LookupError(f"unknown parameter: {name}")
    array = fmt.endswith(",a")
    valuelen = {
        ctl.CTLTYPE_INT: 4,
        ctl.CTLTYPE_ULONG: 8,
        ctl.CTLTYPE_STRUCT: {"S,in_addr,a": 4, "S,in6_addr,a": 16}.get(fmt),
    }.get(kind & ctl.CTLTYPE)
    if kind & ctl.CTLTYPE == ctl.CTLTYPE_STRING:
        valuelen = int(_call(tree, mib).split(b"\0")[0])
    return kind, fmt, 0 if array else valuelen, valuelen if array else 0, flags


def jailparam_all(tree):
    """libjail's jailparam_all: every parameter name, walking 0.2 from security.jail.param."""
    param = tree.name2oid("security.jail.param")
    names, cur = [], param
    while True:
        cur = _ints(_call(tree, [0, 2, *cur]))
        if cur[:3] != param:
            return names
        name = _call(tree, [0, 1, *cur]).split(b"\0")[0].decode()
        names.append(name.removeprefix("security.jail.param.").removesuffix("."))


@pytest.fixture
def tree():
    t = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
    sysctls.register(t)
    return t


def test_libjail_finds_every_parameter_with_its_type(tree):
    names = jailparam_all(tree)
    expected = {
        p.name for p in params.PARAMS if p.kind is not params.Kind.NODE and p.module is None
    }
    assert sorted(names) == sorted(expected)
    for name in names:
        param = params.PARAM[name]
        kind, fmt, valuelen, elemlen, _ = jailparam_type(tree, name)
        assert (kind & ctl.CTLTYPE, fmt) == (param.ctltype, param.fmt)
        assert kind & (ctl.CTLFLAG_RD | ctl.CTLFLAG_WR | ctl.CTLFLAG_TUN) == param.access
        if param.kind is params.Kind.STRING:
            assert valuelen == param.size


def test_libjail_types_of_the_tools_parameters(tree):
    assert jailparam_type(tree, "host.hostname")[1:4] == ("A", abi.MAXHOSTNAMELEN, 0)
    assert jailparam_type(tree, "host")[1] == "E,jailsys"  # through the empty-named child
    assert jailparam_type(tree, "ip4.addr")[1:4] == ("S,in_addr,a", 0, 4)
    assert jailparam_type(tree, "ip6.addr")[1:4] == ("S,in6_addr,a", 0, 16)
    assert jailparam_type(tree, "host.hostid")[2] == 8
    kind, fmt, _, _, flags = jailparam_type(tree, "nopersist")
    assert fmt == "B" and flags == {"NOBOOL"}
    assert jailparam_type(tree, "allow.nomount")[1:] == ("B", 4, 0, {"NOBOOL"})
    assert jailparam_type(tree, "allow.mount.nodevfs")[1] == "B"
    # jail(8): create-only
    assert jailparam_type(tree, "path")[0] & ctl.CTLFLAG_RDTUN == ctl.CTLFLAG_RDTUN
    for missing in ("linux", "linux.osname", "allow.mount.zfs", "nohost.hostname"):
        with pytest.raises((FreeBSDError, LookupError)):
            jailparam_type(tree, missing)
    with pytest.raises(LookupError):
        jailparam_type(tree, "allow")  # a plain node is no parameter


def test_param_nodes_answer_what_sysctl_jail_param_does(tree):
    assert _call(tree, tree.name2oid("security.jail.param.name")) == b"256\0"
    assert _call(tree, tree.name2oid("security.jail.param.jid")) == bytes(4)
    assert _call(tree, tree.name2oid("security.jail.param.host.hostid")) == bytes(8)
    assert _call(tree, tree.name2oid("security.jail.param.ip6.addr")) == struct.pack("<Q", 16)


def test_loaded_modules_add_their_parameters():
    t = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
    sysctls.register(t, params.JailConfig(modules=frozenset({"linux"})))
    assert {"linux", "linux.osname", "linux.oss_version", "allow.mount.linprocfs"} <= set(
        jailparam_all(t)
    )
    assert jailparam_type(t, "linux")[1] == "E,jailsys"


def test_knobs_jail8_reads_follow_the_config(tree):
    config = params.JailConfig()
    t = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
    sysctls.register(t, config)
    ctx = Context(usrstack=0, ps_strings=0)

    def read(name):
        return _ints(t.call(ctx, t.name2oid(name), 4, None).data)[0]

    assert read("security.jail.set_hostname_allowed") == 1
    assert read("security.jail.socket_unixiproute_only") == 1
    assert read("security.jail.sysvipc_allowed") == 0
    t.call(ctx, t.name2oid("security.jail.sysvipc_allowed"), None, i(1))
    t.call(ctx, t.name2oid("security.jail.socket_unixiproute_only"), None, i(0))
    assert {"allow.sysvipc", "allow.socket_af"} <= config.default_allow
    assert read("security.jail.jail_max_af_ips") == 255
    assert read("security.jail.mount_devfs_allowed") == 0
    assert jailparam_all(t)  # the walk still ends on security.jail.jailed


class _DictStore:
    """A ConfigStore as another process would see it: settings only, through load/save."""

    def __init__(self):
        self.saved: dict[str, int] = {}

    def load(self, config):
        config.apply(self.saved)

    def save(self, config):
        self.saved = config.settings()


def test_knobs_read_and_write_through_the_store():
    store = _DictStore()
    ctx = Context(usrstack=0, ps_strings=0)
    trees = []
    for _ in range(2):  # two supervisors sharing one store
        t = SysctlTree(osrelease="13.5-RELEASE", osreldate=1305000)
        sysctls.register(t, params.JailConfig(), store=store)
        trees.append(t)
    first, second = trees
    first.call(ctx, first.name2oid("security.jail.set_hostname_allowed"), None, i(0))
    first.call(ctx, first.name2oid("security.jail.enforce_statfs"), None, i(1))
    assert store.saved["allow.set_hostname"] == 0 and store.saved["enforce_statfs"] == 1

    def read(t, name):
        return _ints(t.call(ctx, t.name2oid(name), 4, None).data)[0]

    assert read(second, "security.jail.set_hostname_allowed") == 0
    assert read(second, "security.jail.enforce_statfs") == 1
    assert read(second, "security.jail.jail_max_af_ips") == 255


@given(
    st.sets(st.sampled_from(params.JailConfig().allows())),
    st.integers(0, 2),
    st.integers(0, 2**31 - 1),
)
def test_config_settings_round_trip(allow, enforce_statfs, max_af_ips):
    config = params.JailConfig(
        default_allow=set(allow), default_enforce_statfs=enforce_statfs, max_af_ips=max_af_ips
    )
    again = params.JailConfig(default_allow=set(), default_enforce_statfs=2, max_af_ips=1)
    again.apply(config.settings())
    assert again == config


# --- codecs --------------------------------------------------------------------

ipv4 = st.builds(lambda n: str(ipaddress.IPv4Address(n)), st.integers(1, 2**32 - 2))
ipv6 = st.builds(lambda n: str(ipaddress.IPv6Address(n)), st.integers(1, 2**128 - 1))
text = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=60)


def _addr_lists(addr):
    return st.lists(addr, unique=True, max_size=8).map(
        lambda a: tuple(a[:1] + sorted(a[1:], key=lambda x: ipaddress.ip_address(x).packed))
    )


@given(st.integers(-(2**31), 2**31 - 1))
def test_int_round_trip(value):
    length, data = params.encode_value(params.PARAM["securelevel"], value, bytes(4))
    assert length == 4 and params.decode_value(params.PARAM["securelevel"], data) == value
    assert params.encode_value(params.PARAM["securelevel"], value, None) == (4, None)


@given(st.integers(0, 2**64 - 1))
def test_ulong_round_trip(value):
    length, data = params.encode_value(params.PARAM["host.hostid"], value, bytes(8))
    assert params.decode_value(params.PARAM["host.hostid"], data) == value


@given(st.sampled_from([abi.JAIL_SYS_DISABLE, abi.JAIL_SYS_NEW, abi.JAIL_SYS_INHERIT]))
def test_jailsys_round_trip(value):
    _, data = params.encode_value(params.PARAM["vnet"], value, bytes(4))
    assert params.decode_value(params.PARAM["vnet"], data) == value


@given(text, st.integers(0, 40))
def test_string_round_trip(value, slack):
    param = params.PARAM["host.hostname"]
    need = len(value.encode()) + 1
    assert params.encode_value(param, value, None) == (need, None)
    buffer = b"\xaa" * (need + slack)
    length, data = params.encode_value(param, value, buffer)
    assert length == len(buffer) and data[need:] == buffer[need:]  # strlcpy leaves the rest
    assert params.decode_value(param, data[:need]) == value
    if need > 1:
        with pytest.raises(params.JailError):
            params.encode_value(param, value, bytes(need - 1))


@given(
    st.one_of(
        _addr_lists(ipv4).map(lambda a: ("ip4.addr", a)),
        _addr_lists(ipv6).map(lambda a: ("ip6.addr", a)),
    ),
    st.integers(0, 3),
)
def test_address_round_trip(case, slack):
    name, addrs = case
    param = params.PARAM[name]
    width = 4 if name == "ip4.addr" else 16
    assert params.encode_value(param, addrs, None) == (width * len(addrs), None)
    length, data = params.encode_value(param, addrs, bytes(width * (len(addrs) + slack)))
    assert length == width * len(addrs)
    assert params.decode_value(param, data) == addrs


@given(st.integers(0, 2**31 - 1))
def test_booleans_read_back_as_ints(value):
    assert params.encode_value(params.PARAM["persist"], bool(value), bytes(4))[1] == i(bool(value))


def test_decode_rules():
    p = params.PARAM
    for param, raw, errno in (
        (p["jid"], b"\0" * 3, E["EINVAL"]),
        (p["host.hostid"], bytes(4), E["EINVAL"]),
        (p["name"], b"web", E["EINVAL"]),
        (p["name"], None, E["EINVAL"]),
        (p["name"], b"x" * 256 + b"\0", E["ENAMETOOLONG"]),
        (p["ip4.addr"], bytes(5), E["EINVAL"]),
        (p["ip4.addr"], bytes(4), E["EINVAL"]),
        (p["ip4.addr"], b"\xff" * 4, E["EINVAL"]),
        (p["ip6.addr"], bytes(16), E["EINVAL"]),
        (p["ip4.addr"], bytes([1, 2, 3, 4]) * 2, E["EINVAL"]),
    ):
        with pytest.raises(params.JailError) as info:
            params.decode_value(param, raw)
        assert info.value.errno == errno
    assert params.decode_value(p["name"], b"a\0junk\0") == "a"
    assert params.decode_value(p["ip4.addr"], bytes([9, 9, 9, 9, 8, 8, 8, 8, 1, 1, 1, 1])) == (
        "9.9.9.9",
        "1.1.1.1",
        "8.8.8.8",
    )
    assert params.decode_value(p["ip4.addr"], None) == ()
    with pytest.raises(params.JailError) as info:
        params.decode_value(p["ip4.addr"], bytes(range(1, 9)), max_ips=1)
    assert info.value.message == "too many IPv4 addresses"


def test_request_keeps_the_last_of_same_named_options():
    req = options.Request(
        pairs(
            ("persist", None),
            ("nopersist", None),
            ("allow.mount.nodevfs", None),
            ("allow.mount.devfs", None),
            ("name", "a"),
            ("name", "b"),
        )
    )
    assert [o.name for o in req.opts] == ["nopersist", "allow.mount.devfs", "name"]
    assert req.flag("persist") is False and req.flag("allow.mount.devfs") is True
    assert req.value("name") == "b" and req.flag("ip4.saddrsel") is None
    for bad in (
        [(b"name", s("x"))],
        [(b"", None)],
        [(s("name"), b"x" * (abi.VFS_MOUNTARG_SIZE_MAX + 1))],
    ):
        with pytest.raises(params.JailError):
            options.Request(bad)


def test_errmsg_is_written_like_vsnprintf():
    req = pairs(("name", "nope"), ("errmsg", b"\xaa" * 8))
    write = options.errmsg_writeback(req, params.JailError(E["ENOENT"], 'jail "nope" not found'))
    assert write == options.Writeback(3, 8, b'jail "n\0')
    req = pairs(("errmsg", b"\xaa" * 40))
    assert (
        options.errmsg_writeback(req, params.JailError(E["EINVAL"], "abc")).data
        == b"abc\0" + b"\xaa" * 36
    )
    assert options.errmsg_writeback(req, params.JailError(E["EINVAL"])) is None
    assert (
        options.errmsg_writeback(pairs(("errmsg", None)), params.JailError(E["EINVAL"], "x"))
        is None
    )


# --- jail_set ------------------------------------------------------------------


def test_create_defaults(store):
    assert web(store) == 1
    record = store.jails[1]
    assert (record.name, record.path, record.parent, record.persist) == (
        "web",
        "/jails/web",
        0,
        True,
    )
    assert record.params["host.hostname"] == "web.example"
    assert record.params["securelevel"] == -1 and record.params["children.max"] == 0
    assert record.params["enforce_statfs"] == 2 and record.params["cpuset.id"] == 2
    assert (
        record.params["ip4"] == abi.JAIL_SYS_DISABLE
        and record.params["vnet"] == abi.JAIL_SYS_INHERIT
    )
    assert {
        k for k, v in record.params.items() if k.startswith("allow.") and v
    } == params.JAIL_DEFAULT_ALLOW
    assert record.params["sysvmsg"] == abi.JAIL_SYS_DISABLE
    assert jset(store, CREATE, ("persist", None)) == 2 and store.jails[2].name == "2"
    assert jset(store, CREATE, ("persist", None), ("name", "7")) == 7  # a numeric name is the jid
    assert jset(store, CREATE, ("persist", None)) == 3  # lastprid ignores given jids


def test_create_errors(store):
    web(store)

    def plan(flags, *items, **kw):
        return rules.plan_set(store, 0, flags, pairs(*items), **kw)

    fails(
        E["EEXIST"], 'jail "web" already exists', plan, CREATE, ("name", "web"), ("persist", None)
    )
    fails(E["EEXIST"], "jail 1 already exists", plan, CREATE, ("jid", 1), ("persist", None))
    fails(E["EINVAL"], "new jail must persist or attach", plan, CREATE, ("name", "x"))
    fails(E["EINVAL"], "no valid operation (create or update)", plan, 0, ("name", "x"))
    fails(E["EINVAL"], "", plan, 0x10, ("name", "x"))
    fails(E["EPERM"], "", plan, CREATE, ("name", "x"), ("persist", None), uid=1001)
    fails(E["EINVAL"], "negative jid", plan, CREATE, ("jid", -4), ("persist", None))
    numeric = "name cannot be numeric (unless it is the jid)"
    for name in ("4", "03"):
        fails(E["EINVAL"], numeric, plan, CREATE, ("jid", 3), ("name", name), ("persist", None))
    fails(E["ENOENT"], 'jail "nope" not found', plan, CREATE, ("name", "nope.x"), ("persist", None))
    fails(
        E["EINVAL"],
        "unknown parameter: dying",
        plan,
        CREATE,
        ("name", "x"),
        ("persist", None),
        ("dying", None),
    )
    fails(
        E["EINVAL"],
        "unknown parameter: linux.osname",
        plan,
        CREATE,
        ("name", "x"),
        ("persist", None),
        ("linux.osname", "Linux"),
    )
    fails(E["EINVAL"], "unknown parameter: lastjid", plan, UPDATE, ("jid", 1), ("lastjid", 0))
    fails(E["EINVAL"], "", plan, CREATE, ("name", "x"), ("persist", None), ("enforce_statfs", 3))
    fails(
        E["EINVAL"],
        "",
        plan,
        CREATE,
        ("name", "x"),
        ("persist", None),
        ("host", abi.JAIL_SYS_DISABLE),
    )
    fails(
        E["ENAMETOOLONG"],
        "osrelease string must be 1-31 bytes long",
        plan,
        CREATE,
        ("name", "x"),
        ("persist", None),
        ("osrelease", "x" * 31),
    )
    fails(
        E["EINVAL"],
        "osreldate cannot be 0",
        plan,
        CREATE,
        ("name", "x"),
        ("persist", None),
        ("osreldate", 0),
    )
    fails(E["EPERM"], "", plan, CREATE, ("name", "x"), ("persist", None), ("securelevel", -2))


VNET_LAYOUT = (("name", "x"), ("persist", None), ("vnet", abi.JAIL_SYS_NEW))


def test_vnet_with_ip4_addr_asks_for_the_layout_not_a_restriction(store):
    """FreeBSD refuses ip4.addr on a vnet jail (kern_jail.c); that exact combination asks for the
    automatic layout: the addresses are eth0's, the jail limits no address."""
    two = bytes([10, 0, 0, 9, 10, 0, 0, 12])
    jid = jset(store, CREATE, *VNET_LAYOUT, ("ip4.addr", two))
    jail = store.get(jid)
    assert jail.get(rules.LAYOUT_ADDRS) == ("10.0.0.9", "10.0.0.12")
    assert jail.get("ip4.addr") == () and jail.get("ip4") == abi.JAIL_SYS_INHERIT
    assert jail.get("vnet") == abi.JAIL_SYS_NEW
    plain = jset(store, CREATE, ("name", "y"), ("persist", None), ("vnet", abi.JAIL_SYS_NEW))
    assert store.get(plain).get(rules.LAYOUT_ADDRS) is False  # not stored at all


V6 = ipaddress.IPv6Address("2001:db8::9").packed
NO_IP_LIMITS = "vnet jails cannot have IP address restrictions"


@pytest.mark.parametrize(
    "flags, extra, message",
    [
        (CREATE, [("ip6.addr", V6)], NO_IP_LIMITS),
        (CREATE, [("ip4.addr", bytes([10, 0, 0, 9])), ("ip6.addr", V6)], NO_IP_LIMITS),
        (CREATE, [("ip4.addr", bytes([10, 0, 0, 9])), ("ip4", abi.JAIL_SYS_NEW)], NO_IP_LIMITS),
        (CREATE, [("ip4", abi.JAIL_SYS_DISABLE)], NO_IP_LIMITS),
        (CREATE, [("ip4.addr", b"")], NO_IP_LIMITS),
        (
            CREATE | UPDATE,
            [("ip4.addr", bytes([10, 0, 0, 9]))],
            "vnet cannot be changed after creation",
        ),
    ],
)
def test_vnet_keeps_freebsds_refusal_of_every_other_ip_limit(store, flags, extra, message):
    fails(E["EINVAL"], message, rules.plan_set, store, 0, flags, pairs(*VNET_LAYOUT, *extra))


def test_an_existing_vnet_jail_takes_no_addresses(store):
    jid = jset(store, CREATE, *VNET_LAYOUT, ("ip4.addr", bytes([10, 0, 0, 9])))
    fails(
        E["EINVAL"],
        NO_IP_LIMITS,
        rules.plan_set,
        store,
        0,
        UPDATE,
        pairs(("jid", jid), ("ip4.addr", bytes([10, 0, 0, 10]))),
    )


def test_unknown_parameter_comes_after_the_other_checks(store):
    web(store)
    fails(
        E["EEXIST"],
        'jail "web" already exists',
        rules.plan_set,
        store,
        0,
        CREATE,
        pairs(("bogus", None), ("name", "web"), ("persist", None)),
    )


def test_update(store):
    web(store)

    def plan(flags, *items):
        return rules.plan_set(store, 0, flags, pairs(*items))

    fails(E["ENOENT"], "jail 9 not found", plan, UPDATE, ("jid", 9))
    fails(E["ENOENT"], 'jail "nope" not found', plan, UPDATE, ("name", "nope"))
    fails(E["ENOENT"], "update specified no jail", plan, UPDATE, ("securelevel", 1))
    fails(
        E["EINVAL"],
        "path cannot be changed after creation",
        plan,
        UPDATE,
        ("jid", 1),
        ("path", "/x"),
    )
    fails(
        E["EINVAL"],
        "osrelease cannot be changed after creation",
        plan,
        UPDATE,
        ("jid", 1),
        ("osrelease", "x"),
    )
    fails(
        E["EINVAL"], "vnet cannot be changed after creation", plan, UPDATE, ("jid", 1), ("vnet", 1)
    )
    fails(E["EINVAL"], "cannot change jail's parent", plan, UPDATE, ("jid", 1), ("name", "a.b"))
    assert (
        jset(store, UPDATE, ("name", "web"), ("securelevel", 2), ("allow.raw_sockets", None)) == 1
    )
    assert store.jails[1].params["securelevel"] == 2 and store.jails[1].params["allow.raw_sockets"]
    fails(E["EINVAL"], "new jail must persist or attach", plan, CREATE | UPDATE, ("name", "web"))
    assert (
        jset(
            store,
            CREATE | UPDATE,
            ("name", "web"),
            ("persist", None),
            ("allow.noset_hostname", None),
        )
        == 1
    )
    assert not store.jails[1].params["allow.set_hostname"]
    assert jset(store, UPDATE, ("jid", 1), ("name", "www")) == 1 and store.jails[1].name == "www"
    plan_off = rules.plan_set(store, 0, UPDATE, pairs(("jid", 1), ("nopersist", None)))
    assert not plan_off.record.persist and plan_off.jid == 1


def test_nested_jails(store):
    jset(store, CREATE, *PARENT_A, ("host.hostname", "a.example"), ("path", "/j/a"))
    refused(store, 0, UPDATE, ("name", "a"), ("children.max", abi.JAIL_MAX))
    assert jset(store, CREATE, ("name", "b"), ("persist", None), caller=1) == 2
    child = store.jails[2]
    # no path: the creator's root
    assert (child.name, child.parent, child.path) == (
        "a.b",
        1,
        "/j/a",
    )
    assert (
        jset(store, CREATE, ("name", "a.c"), ("persist", None), ("host", abi.JAIL_SYS_INHERIT)) == 3
    )
    assert store.jails[3].params["host.hostname"] == "a.example"
    refused(store, 1, CREATE, ("name", "d"), ("persist", None), message="prison limit exceeded")
    refused(store, 2, CREATE, ("name", "e"), ("persist", None))  # children.max 0
    # A new hostname reaches the descendants that inherit it, and the limits flow down.
    plan = rules.plan_set(
        store,
        0,
        UPDATE,
        pairs(
            ("name", "a"),
            ("host.hostname", "new.example"),
            ("securelevel", 3),
            ("children.max", 1),
            ("allow.noset_hostname", None),
        ),
    )
    down = {r.jid: r for r in plan.descendants}
    assert (
        down[3].params["host.hostname"] == "new.example" and down[2].params["host.hostname"] == ""
    )
    assert down[2].params["securelevel"] == 3 and not down[2].params["allow.set_hostname"]
    store.commit(plan)
    # The child sees itself relative to its parent; the host sees everything.
    jid, out = jget(
        store, 0, ("name", b"b" + bytes(63)), ("parent", bytes(4)), ("path", bytes(64)), caller=1
    )
    assert (
        jid == 2
        and out[1].data.startswith(b"b\0")
        and out[3].data == i(0)
        and out[5].data.startswith(b"/\0")
    )
    jid, out = jget(store, 0, ("name", "a.b"), ("parent", bytes(4)), ("children.cur", bytes(4)))
    assert out[3].data == i(1) and out[5].data == i(0)
    assert jget(store, 0, ("name", "a"), ("children.cur", bytes(4)))[1][3].data == i(2)
    # Jails outside the caller's tree do not exist for it.
    jset(store, CREATE, ("name", "other"), ("persist", None))
    fails(
        E["ENOENT"], 'jail "other" not found', rules.do_get, store, 1, 0, pairs(("name", "other"))
    )
    fails(
        E["ENOENT"],
        "jail 4 not found",
        rules.plan_set,
        store,
        1,
        UPDATE,
        pairs(("jid", 4), ("securelevel", 5)),
    )
    fails(
        E["EEXIST"],
        "jail 4 already exists",
        rules.plan_set,
        store,
        1,
        CREATE,
        pairs(("jid", 4), ("persist", None)),
    )


def test_renaming_a_parent_renames_its_children(store):
    jset(store, CREATE, ("name", "a"), ("persist", None), ("children.max", 5))
    jset(store, CREATE, ("name", "a.b"), ("persist", None))
    fails(
        E["ENOENT"],
        'jail "zz" not found',
        rules.plan_set,
        store,
        0,
        UPDATE,
        pairs(("name", "a"), ("name", "zz")),
    )
    store.commit(rules.plan_set(store, 0, UPDATE, pairs(("jid", 1), ("name", "top"))))
    assert [store.jails[1].name, store.jails[2].name] == ["top", "top.b"]


def test_addresses(store):
    def ip(*quads):
        return b"".join(bytes(q) for q in quads)

    jset(
        store,
        CREATE,
        ("name", "a"),
        ("persist", None),
        ("children.max", 3),
        ("ip4.addr", ip([10, 0, 0, 5], [10, 0, 0, 2], [10, 0, 0, 3])),
    )
    assert store.jails[1].params["ip4.addr"] == ("10.0.0.5", "10.0.0.2", "10.0.0.3")

    def plan(*items):
        return rules.plan_set(store, 0, CREATE, pairs(("persist", None), *items))

    fails(
        E["EADDRINUSE"],
        "IPv4 addresses clash",
        plan,
        ("name", "b"),
        ("ip4.addr", ip([10, 0, 0, 3], [10, 0, 0, 9])),
    )
    fails(E["EPERM"], "", plan, ("name", "a.b"), ("ip4.addr", ip([10, 0, 0, 9])))
    # Even a child clashes with its parent, unless both have a single address.
    fails(
        E["EADDRINUSE"],
        "IPv4 addresses clash",
        plan,
        ("name", "a.b"),
        ("ip4.addr", ip([10, 0, 0, 2])),
    )
    fails(
        E["EINVAL"],
        "too many IPv4 addresses",
        rules.plan_set,
        store,
        0,
        CREATE,
        pairs(("persist", None), ("ip4.addr", ip([1, 1, 1, 1], [1, 1, 1, 2]))),
        config=params.JailConfig(max_af_ips=1),
    )
    store.commit(
        rules.plan_set(store, 0, UPDATE, pairs(("name", "a"), ("ip4.addr", ip([10, 0, 0, 5]))))
    )
    jset(store, CREATE, ("name", "a.b"), ("persist", None), ("ip4.addr", ip([10, 0, 0, 5])))
    jset(store, CREATE, ("name", "a.c"), ("persist", None), ("ip4", abi.JAIL_SYS_INHERIT))
    assert store.jails[3].params["ip4.addr"] == ("10.0.0.5",)
    fails(
        E["EINVAL"],
        "ip4 cannot be changed after creation",
        rules.plan_set,
        store,
        0,
        CREATE | UPDATE,
        pairs(("name", "a.c"), ("persist", None), ("ip4.addr", ip([10, 0, 0, 5]))),
    )
    store.commit(
        rules.plan_set(
            store, 0, UPDATE, pairs(("name", "a"), ("ip4.addr", ip([10, 0, 0, 6], [10, 0, 0, 4])))
        )
    )
    assert store.jails[2].params["ip4.addr"] == ()  # b's address is no longer its parent's
    assert store.jails[3].params["ip4.addr"] == ("10.0.0.6", "10.0.0.4")
    _, out = jget(store, 0, ("jid", 1), ("ip4.addr", None), ("ip6.addr", None))
    assert (out[3].length, out[3].data, out[5].length) == (8, None, 0)
    _, out = jget(store, 0, ("jid", 1), ("ip4.addr", bytes(20)))
    assert (out[3].length, out[3].data) == (8, ip([10, 0, 0, 6], [10, 0, 0, 4]))
    fails(E["EINVAL"], "", rules.do_get, store, 0, 0, pairs(("jid", 1), ("ip4.addr", bytes(4))))


def test_sysv_ipc(store):
    jset(store, CREATE, *PARENT_A, ("sysvshm", abi.JAIL_SYS_NEW), ("allow.sysvipc", None))
    params = store.jails[1].params
    assert (params["sysvshm"], params["sysvsem"], params["sysvmsg"]) == (1, 2, 2)
    jset(store, CREATE, ("name", "a.b"), ("persist", None), ("sysvshm", abi.JAIL_SYS_INHERIT))
    _, out = jget(store, 0, ("jid", 2), ("sysvshm", bytes(4)), ("sysvmsg", bytes(4)))
    assert (out[3].data, out[5].data) == (i(abi.JAIL_SYS_INHERIT), i(abi.JAIL_SYS_DISABLE))
    store.commit(
        rules.plan_set(store, 0, UPDATE, pairs(("jid", 1), ("sysvshm", abi.JAIL_SYS_DISABLE)))
    )
    assert store.jails[2].params["sysvshm"] == abi.JAIL_SYS_DISABLE
    refused(store, 0, UPDATE, ("jid", 2), ("sysvshm", abi.JAIL_SYS_NEW))


def test_dying_jails(store):
    web(store)
    store.jails[1] = replace(store.jails[1], dying=True)
    fails(E["ENOENT"], "jail 1 is dying", rules.do_get, store, 0, 0, pairs(("jid", 1)))
    fails(E["ENOENT"], "no jail after 0", rules.do_get, store, 0, 0, pairs(("lastjid", 0)))
    assert rules.do_get(store, 0, DYING, pairs(("lastjid", 0)))[0] == 1
    _, out = jget(store, DYING, ("jid", 1), ("dying", bytes(4)), ("nodying", bytes(4)))
    # "dying" and "nodying" are one option: the last is kept
    assert 3 not in out and out[5].data == i(0)
    assert jget(store, DYING, ("jid", 1), ("dying", bytes(4)))[1][3].data == i(1)
    fails(
        E["ENOENT"],
        "jail 1 not found",
        rules.plan_set,
        store,
        0,
        UPDATE,
        pairs(("jid", 1), ("securelevel", 3)),
    )
    # Creating on a dying jail's jid moves the dying jail to the top of the range.
    plan = rules.plan_set(store, 0, CREATE, pairs(("jid", 1), ("name", "web"), ("persist", None)))
    assert plan.renumbered == (1, abi.JAIL_MAX) and plan.jid == 1
    store.commit(plan)
    assert store.jails[abi.JAIL_MAX].dying and not store.jails[1].dying


# --- jail_get ------------------------------------------------------------------


def test_get_lastjid_walk_as_jls_does(store):
    for name in ("a", "b", "c"):
        jset(store, CREATE, ("name", name), ("persist", None))
    seen, last = [], 0
    while True:
        try:
            last, out = jget(store, 0, ("jid", bytes(4)), ("name", bytes(256)), ("lastjid", last))
        except params.JailError as e:
            assert (e.errno, e.message) == (E["ENOENT"], "no jail after 3")
            break
        seen.append(out[3].data.split(b"\0")[0])
    assert seen == [b"a", b"b", b"c"]


def test_get_buffer_rules(store):
    web(store)
    _, out = jget(
        store,
        0,
        ("name", "web"),
        ("host.hostname", None),
        ("persist", None),
        ("host.hostid", None),
        ("errmsg", bytes(16)),
    )
    assert (out[3].length, out[3].data) == (len("web.example") + 1, None)
    assert (out[5].length, out[7].length) == (4, 8) and 9 not in out  # errmsg is not written back
    fails(
        E["EINVAL"],
        "",
        rules.do_get,
        store,
        0,
        0,
        pairs(("name", "web"), ("host.hostname", bytes(4))),
    )
    fails(
        E["EINVAL"],
        "",
        rules.do_get,
        store,
        0,
        0,
        pairs(("name", "web"), ("securelevel", bytes(8))),
    )
    fails(
        E["EINVAL"],
        "unknown parameter: bogus",
        rules.do_get,
        store,
        0,
        0,
        pairs(("name", "web"), ("bogus", None)),
    )
    fails(
        E["EINVAL"],
        "unknown parameter: linux",
        rules.do_get,
        store,
        0,
        0,
        pairs(("name", "web"), ("linux", None)),
    )
    fails(E["ENOENT"], "no jail specified", rules.do_get, store, 0, 0, pairs(("jid", 0)))
    fails(E["EINVAL"], "", rules.do_get, store, 0, abi.JAIL_CREATE, pairs(("jid", 1)))
    _, out = jget(
        store,
        0,
        ("jid", 1),
        ("host", bytes(4)),
        ("ip4", bytes(4)),
        ("vnet", bytes(4)),
        ("allow.noset_hostname", bytes(4)),
        ("path", bytes(32)),
        ("osrelease", bytes(32)),
    )
    assert [out[k].data[:4] for k in (3, 5, 7, 9)] == [i(1), i(0), i(2), i(0)]
    assert out[11].data.startswith(b"/jails/web\0") and out[13].data.startswith(b"13.5-RELEASE\0")


# --- jail(2), jail_attach(2), jail_remove(2) -----------------------------------


def test_old_jail_syscall(store):
    rules.check_jail(abi.JAIL_API_VERSION, 1, 0)
    for version, ip4s in ((1, 0), (3, 0), (2, 256)):
        with pytest.raises(params.JailError):
            rules.check_jail(version, ip4s, 0)
    request = rules.jail_pairs(
        b"/jails/old", b"old.example", None, bytes([192, 168, 0, 1]), b"", jailed=False
    )
    assert (b"allow.set_hostname\0", None) in request and (b"allow.nosysvipc\0", None) in request
    assert jset(store, CREATE | ATTACH, *[(n[:-1].decode(), v) for n, v in request]) == 1
    record = store.jails[1]
    assert (
        record.name == "1" and record.params["ip4.addr"] == ("192.168.0.1",) and not record.persist
    )
    assert record.params["host.hostname"] == "old.example" and not record.params["allow.sysvipc"]
    jailed = rules.jail_pairs(b"/", b"h", b"n", b"", b"", jailed=True)
    assert [n for n, _ in jailed] == [
        b"path\0",
        b"host.hostname\0",
        b"name\0",
        b"ip4.addr\0",
        b"ip6.addr\0",
    ]
    with pytest.raises(params.JailError):
        rules.jail_pairs(b"/" * abi.MAXPATHLEN, b"h", None, b"", b"", jailed=True)


def test_attach_and_remove(store):
    jset(store, CREATE, ("name", "a"), ("persist", None), ("children.max", 2))
    jset(store, CREATE, ("name", "a.b"), ("persist", None))
    assert rules.attach_target(store, 0, 2).jid == 2
    for call in (rules.attach_target, rules.removal):
        with pytest.raises(params.JailError) as info:
            call(store, 2, 1)
        assert info.value.errno == E["EINVAL"]
        with pytest.raises(params.JailError) as info:
            call(store, 0, 1, uid=5)
        assert info.value.errno == E["EPERM"]
    gone = rules.removal(store, 0, 1)
    assert [(r.jid, r.dying, r.persist) for r in gone] == [(1, True, False), (2, True, False)]
    store.jails.update({r.jid: r for r in gone})
    with pytest.raises(params.JailError):
        rules.attach_target(store, 0, 2)
