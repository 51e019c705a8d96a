"""The jail registry: transactions across processes, crash recovery, FreeBSD-like jid allocation."""

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsdulator.jail import registry as jailreg
from bsdulator.jail.registry import (
    JAIL_MAX,
    JailExists,
    JailRow,
    NoFreeJid,
    NoSuchJail,
    Registry,
    RegistryError,
    current_process,
    process_alive,
    start_time,
)

pytestmark = pytest.mark.unit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def state(tmp_path):
    return str(tmp_path / "state")


@pytest.fixture
def reg(state):
    with Registry(state) as r:
        yield r


def _row(name: str, jid: int = 0, **kw) -> JailRow:
    pid, start = current_process()
    return JailRow(jid, name, "/jails/" + name, holder_pid=pid, holder_start=start, **kw)


def _python(code: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=REPO)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, text=True, **kw)


def _dead_process() -> tuple[int, int]:
    """The identity of a process that has exited and been reaped."""
    child = subprocess.Popen(["sleep", "0"])
    start = start_time(child.pid)
    child.wait()
    return child.pid, start


def test_state_dir_is_made_private_and_env_overrides(tmp_path, monkeypatch):
    where = tmp_path / "from-env"
    monkeypatch.setenv("BSDULATOR_STATE_DIR", str(where))
    with Registry() as r:
        assert r.path == str(where / "jails.sqlite3")
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o700
    assert os.path.exists(where / "jails.sqlite3")


def test_unwritable_state_dir_says_what_to_do(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(RegistryError, match="BSDULATOR_STATE_DIR"):
        Registry(str(blocker / "state"))


def test_row_round_trip_keeps_types(reg):
    params = {
        "ip4.addr": ["192.0.2.1", "192.0.2.2"],
        "allow.raw_sockets": True,
        "children.max": 3,
        "host.hostname": "h",
        "vnet": False,
    }
    with reg.transaction() as tx:
        stored = tx.insert(_row("web", params=params, persist=True, cgroup="/cg/jail.1"))
    assert stored.jid == 1 and stored.created > 0
    with reg.transaction(write=False) as tx:
        got = tx.by_name("web")
        assert tx.by_jid(1) == got == stored
    assert got.params == params
    assert got.params["allow.raw_sockets"] is True and got.params["children.max"] == 3
    assert got.persist is True and got.dying is False


def test_params_must_come_back_as_they_went_in(reg):
    nested = {
        "parent": 0,
        "params": {"ip4.addr": ["192.0.2.1"], "osrelease": "14.1", "vnet": 1, "x": None},
    }
    with reg.transaction() as tx:
        assert tx.by_jid(tx.insert(_row("nested", params=nested)).jid).params == nested
    for bad in (
        {"ip4.addr": ("192.0.2.1",)},
        {"k": b"bytes"},
        {"k": {1: "int key"}},
        {"k": {"a", "b"}},
    ):
        with pytest.raises(TypeError, match="lists, not tuples"), reg.transaction() as tx:
            tx.insert(_row("bad", params=bad))


def test_update_delete_after_all(reg):
    with reg.transaction() as tx:
        for name in ("a", "b", "c"):
            tx.insert(_row(name))
        assert tx.update(2, dying=True, params={"k": "v"}).dying is True
        assert tx.update(2, name="bee").name == "bee"
        with pytest.raises(JailExists):
            tx.update(1, name="c")
        with pytest.raises(TypeError, match="cannot update jid"):
            tx.update(1, jid=7)
        with pytest.raises(NoSuchJail):
            tx.update(9, dying=True)
        assert tx.delete(1).name == "a"
        assert tx.delete(1) is None
        assert [r.jid for r in tx.all()] == [2, 3]
        assert tx.after(0).jid == 2 and tx.after(2).jid == 3 and tx.after(3) is None


def test_names_and_jids_are_unique(reg):
    with reg.transaction() as tx:
        tx.insert(_row("one"))
        tx.insert(_row("two", jid=5))
    with pytest.raises(JailExists, match="jail named 'one'"), reg.transaction() as tx:
        tx.insert(_row("one"))
    with pytest.raises(JailExists, match="jid 5 is in use by jail 'two'"), reg.transaction() as tx:
        tx.insert(_row("three", jid=5))
    with pytest.raises(RegistryError, match="out of range"), reg.transaction() as tx:
        tx.insert(_row("big", jid=JAIL_MAX + 1))


def test_a_dying_jails_name_can_be_taken_again(reg):
    with reg.transaction() as tx:
        tx.insert(_row("web"))
        tx.update(1, dying=True)
        assert tx.insert(_row("web")).jid == 2
        assert tx.by_name("web").jid == 2  # the live one
        with pytest.raises(JailExists, match="live jail named 'web'"):
            tx.update(1, dying=False)
        tx.delete(2)
        assert tx.by_name("web").jid == 1


def test_counters_persist_with_the_transaction(reg):
    with reg.transaction() as tx:
        assert tx.counter("lastdeadjid") == 0
        tx.set_counter("lastdeadjid", 7)
        tx.set_counter("lastjid", 41)
    with pytest.raises(RuntimeError), reg.transaction() as tx:
        tx.set_counter("lastdeadjid", 8)
        raise RuntimeError
    with reg.transaction() as tx:
        assert tx.counter("lastdeadjid") == 7
        assert tx.insert(_row("after-41")).jid == 42
    with pytest.raises(RegistryError, match="read-only"), reg.transaction(write=False) as tx:
        tx.set_counter("x", 1)


def test_failed_transaction_rolls_back_the_counter(reg):
    with pytest.raises(JailExists), reg.transaction() as tx:
        tx.insert(_row("x"))
        tx.insert(_row("x"))
    with reg.transaction() as tx:
        assert tx.insert(_row("y")).jid == 1


def test_jids_keep_increasing_and_skip_used_ones(reg):
    with reg.transaction() as tx:
        assert [tx.insert(_row(n)).jid for n in "abc"] == [1, 2, 3]
        tx.delete(2)
        tx.insert(_row("explicit", jid=5))
        assert tx.insert(_row("d")).jid == 4  # not 2: the counter goes on, like lastprid
        assert tx.insert(_row("e")).jid == 6  # 5 is taken


def test_jids_wrap_at_jail_max_skipping_live_ones(reg):
    with reg.transaction() as tx:
        tx.insert(_row("one", jid=1))
        tx.insert(_row("three", jid=3))
        tx.set_counter("lastjid", JAIL_MAX - 1)  # as on a long-running host
        assert tx.insert(_row("max")).jid == JAIL_MAX
        assert tx.insert(_row("wrapped")).jid == 2
        assert tx.insert(_row("next")).jid == 4


@pytest.mark.slow
def test_no_free_jid(reg):
    reg._conn.execute(f"""WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {JAIL_MAX})
        INSERT INTO jails (jid, name, path, params, persist, dying, created)
        SELECT x, 'j' || x, '/', '{{}}', 0, 0, 0 FROM n WHERE x != 77""")
    with reg.transaction() as tx:
        assert tx.allocate_jid() == 77
        tx.insert(_row("last", jid=77))
    with pytest.raises(NoFreeJid, match="remove a jail"), reg.transaction() as tx:
        tx.allocate_jid()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.just("create"), st.integers(0, 7)), max_size=25))
def test_allocation_matches_a_model(tmp_path_factory, ops):
    """Against FreeBSD's rule: next after the last handed out, wrapping, never a live jid."""
    with Registry(str(tmp_path_factory.mktemp("model"))) as reg, reg.transaction() as tx:
        tx.set_counter("lastjid", JAIL_MAX - 3)
        last, live, made = JAIL_MAX - 3, set(), 0
        for op in ops:
            if op == "create":
                want = last
                while True:
                    want = want + 1 if want < JAIL_MAX else 1
                    if want not in live:
                        break
                made += 1
                assert tx.insert(_row(f"j{made}")).jid == want
                live.add(want)
                last = want
            elif live:
                victim = sorted(live)[op % len(live)]
                tx.delete(victim)
                live.discard(victim)
        assert {r.jid for r in tx.all()} == live


def test_read_only_and_nesting_are_refused(reg):
    with pytest.raises(RegistryError, match="read-only"), reg.transaction(write=False) as tx:
        tx.insert(_row("x"))
    with pytest.raises(RegistryError, match="do not nest"), reg.transaction():
        with reg.transaction():
            pass


def test_registry_is_not_shared_across_fork(reg):
    pid = os.fork()
    if pid == 0:
        try:
            with reg.transaction():
                pass
            code = 1
        except RegistryError:
            code = 0
        os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


@pytest.mark.slow
def test_twenty_parallel_creators_get_distinct_jids(state):
    """20 processes start together on a fresh state directory, each creating 5 jails."""
    code = f"""
        import sys
        from bsdulator.jail.registry import Registry, JailRow, current_process
        sys.stdin.read(1)
        pid, start = current_process()
        with Registry({state!r}) as reg:
            for i in range(5):
                with reg.transaction() as tx:
                    print(tx.insert(JailRow(0, f"p{{pid}}.{{i}}", "/", holder_pid=pid, holder_start=start)).jid)
    """
    procs = [
        _python(code, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(20)
    ]
    for p in procs:
        p.stdin.write("g")
        p.stdin.close()
    results = [(p.stdout.read(), p.stderr.read(), p.wait(timeout=120)) for p in procs]
    assert [code for _, _, code in results] == [0] * 20, [err for _, err, _ in results]
    jids = sorted(int(jid) for out, _, _ in results for jid in out.split())
    assert jids == list(range(1, 101))
    with Registry(state) as reg, reg.transaction(write=False) as tx:
        assert len({r.name for r in tx.all()}) == 100


@pytest.mark.slow
@pytest.mark.parametrize("rows", [1, 20000], ids=["small", "spilled-to-disk"])
def test_sigkill_inside_a_write_transaction(state, rows):
    """The registry opens and takes writes after a writer died holding the write lock."""
    with Registry(state) as reg, reg.transaction() as tx:
        tx.insert(_row("before"))
    code = f"""
        import os, sys
        from bsdulator.jail.registry import Registry, JailRow
        reg = Registry({state!r})
        reg._conn.execute("PRAGMA cache_size = 8")  # make SQLite write pages out mid-transaction
        with reg.transaction() as tx:
            for i in range({rows}):
                tx.insert(JailRow(0, f"doomed{{i}}", "/", params={{"pad": "x" * 200}}))
            print("inside", flush=True)
            sys.stdin.read()
    """
    child = _python(code, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdout.readline().strip() == "inside"
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Registry(state) as reg:
        with reg.transaction() as tx:
            assert [r.name for r in tx.all()] == ["before"]
            assert tx.insert(_row("after")).jid == 2  # the dead writer's jids were never handed out
        assert reg._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reap_stale_returns_rows_whose_holder_is_gone(reg):
    dead_pid, dead_start = _dead_process()
    me, my_start = current_process()
    with reg.transaction() as tx:
        tx.insert(JailRow(0, "live", "/", holder_pid=me, holder_start=my_start))
        tx.insert(
            JailRow(
                0, "dead", "/", holder_pid=dead_pid, holder_start=dead_start, cgroup="/cg/jail.2"
            )
        )
        tx.insert(JailRow(0, "recycled", "/", holder_pid=me, holder_start=my_start - 1))
        tx.insert(JailRow(0, "nobody", "/"))
        tx.insert(JailRow(0, "old-boot", "/", holder_pid=me, holder_start=my_start))
    reg._conn.execute("UPDATE jails SET holder_boot = 'an earlier boot' WHERE name = 'old-boot'")
    reaped = reg.reap_stale()
    assert sorted(r.name for r in reaped) == ["dead", "nobody", "old-boot", "recycled"]
    assert next(r for r in reaped if r.name == "dead").cgroup == "/cg/jail.2"
    with reg.transaction(write=False) as tx:
        assert [r.name for r in tx.all()] == ["live"]
    assert reg.reap_stale() == []


def test_updating_the_holder_makes_a_row_from_an_old_boot_valid(reg):
    with reg.transaction() as tx:
        tx.insert(_row("j"))
    reg._conn.execute("UPDATE jails SET holder_boot = 'an earlier boot'")
    with reg.transaction() as tx:
        pid, start = current_process()
        tx.update(1, holder_pid=pid, holder_start=start)
    assert reg.reap_stale() == []


def test_process_identity():
    me = os.getpid()
    assert start_time(me) == current_process()[1]
    assert process_alive(me, start_time(me))
    assert not process_alive(me, start_time(me) + 1)
    assert not process_alive(*_dead_process())
    assert not process_alive(None, None)
    child = subprocess.Popen(["true"])
    start = start_time(child.pid)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # a zombie: finished, not reaped
    assert start_time(child.pid) == start and not process_alive(child.pid, start)
    child.wait()


def test_newer_schema_is_refused(state):
    Registry(state).close()
    conn = sqlite3.connect(os.path.join(state, jailreg.DB_NAME))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(RegistryError, match="newer bsdulator"):
        Registry(state)
