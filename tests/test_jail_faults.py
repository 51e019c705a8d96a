"""Registry and jail lifecycle faults (issue 9): a bsdulator killed at any step of `jail -c`, a
full registry disk, concurrent removals.  Each leaves the registry usable and nothing of a
jail behind."""

import contextlib
import errno
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest
from test_e2e_jail import jails, names  # noqa: F401 (jails is a fixture)

from bsdulator import testhooks
from bsdulator.jail import namespaces as jailns
from bsdulator.jail import registry as jailreg
from helpers import jail_cgroups, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.root]  # root: jails need namespaces, cgroups, mounts

JLS_HEADER = ["JID", "IP", "Address", "Hostname", "Path"]
SETTLE_S = 10.0


def _await(condition, what: str, timeout: float = SETTLE_S):
    """condition()'s first true value, polled until timeout (then the test fails saying what)."""
    value = wait_until(condition, timeout)
    assert value, f"{what} after {timeout:g} s"
    return value


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0].decode()
    except FileNotFoundError:
        return None


def _stopped_tracer(front: subprocess.Popen) -> int | None:
    """The supervisor (the front's child, see bsdulator/frontend.py) once it stopped itself."""
    assert front.poll() is None, (
        f"bsdulator ended without reaching the stop point: {front.communicate()}"
    )
    with open(f"/proc/{front.pid}/task/{front.pid}/children") as f:
        children = [int(pid) for pid in f.read().split()]
    return next((pid for pid in children if _state(pid) == "T"), None)


def _jails_of_this_registry() -> list[jailns.Holder]:
    return [holder for holder in map(jailns.lookup, jailns.jids()) if holder is not None]


def _namespaces(holder: jailns.Holder) -> dict:
    return jailns.namespaces(holder) if jailns.alive(holder) else {}


def _assert_gone(made: list[tuple[jailns.Holder, dict]]) -> None:
    for holder, spaces in made:
        _await(
            lambda h=holder, s=spaces: not jailns.leftovers(h, s),
            f"jail {holder.jid} left {holder}",
        )


def _kill_at(step: str, run, *args) -> list[tuple[jailns.Holder, dict]]:
    """Run bsdulator jail ARGS until it reaches step, SIGKILL the supervisor there; the jails that
    existed at that moment, with their namespaces."""
    front = subprocess.Popen(
        [sys.executable, "-m", "bsdulator", run.root / "usr/sbin/jail", *args],
        env=dict(os.environ, BSDULATOR_TEST_STOP_AT=step, **run.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        tracer = _await(lambda: _stopped_tracer(front), f"bsdulator did not stop at {step}")
        made = [(holder, _namespaces(holder)) for holder in _jails_of_this_registry()]
        os.kill(tracer, signal.SIGKILL)
    finally:
        front.kill()
        front.communicate()
    return made


@pytest.fixture
def killable(jails, freebsd_root, monkeypatch):  # noqa: F811
    """The jails fixture, with jailns (in this process) looking at the same registry."""
    monkeypatch.setenv("BSDULATOR_STATE_DIR", jails.env["BSDULATOR_STATE_DIR"])
    jails.root = freebsd_root
    return jails


@pytest.mark.parametrize("step", [step for step in testhooks.STEPS if step.startswith("create:")])
def test_kill_at_every_step_of_jail_create(killable, freebsd_root, step):
    """SIGKILL of the supervisor at each step of `jail -c`: the next jail -c, jls and jail -r work,
    and the half-made jail (holder, cgroup, namespaces) is gone."""
    made = _kill_at(step, killable, "-c", "name=k", f"path={freebsd_root}", "persist")

    r = killable("jail", "-c", "name=next", f"path={freebsd_root}", "persist")
    assert r.returncode == 0, r.stderr
    listed = names(killable("jls", "name").stdout)
    assert listed == (["k", "next"] if step == "create:committed" else ["next"])
    for name in listed:
        r = killable("jail", "-r", name)
        assert r.returncode == 0, r.stderr
    assert names(killable("jls").stdout) == JLS_HEADER
    assert jail_cgroups(killable.env) == "[]"
    _assert_gone(made)


@pytest.mark.syscalls("jail_remove")
def test_kill_during_jail_remove(killable, freebsd_root):
    """SIGKILL of the supervisor between killing the jail and deleting its row: the jail is gone
    for jls, and its name can be taken again."""
    assert killable("jail", "-c", "name=k", f"path={freebsd_root}", "persist").returncode == 0
    made = _kill_at("remove:killed", killable, "-r", "k")
    assert names(killable("jls").stdout) == JLS_HEADER
    assert killable("jail", "-c", "name=k", f"path={freebsd_root}", "persist").returncode == 0
    assert names(killable("jls", "name").stdout) == ["k"]
    assert killable("jail", "-r", "k").returncode == 0
    assert jail_cgroups(killable.env) == "[]"
    _assert_gone(made)


@pytest.fixture
def full_disk(tmp_path):
    """The jails fixture's state directory on a small tmpfs of its own; fill() fills it, free()
    empties it again.  Ask for it before `jails`, so that jails' cleanup runs while it is still
    mounted."""
    state = tmp_path / "state"
    state.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "bsdulator-test-state", state],
        check=True,
    )
    filler = state / "filler"

    class Disk:
        @staticmethod
        def fill():
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                while True:
                    os.write(fd, bytes(4096))
            except OSError as e:
                assert e.errno == errno.ENOSPC
            finally:
                os.close(fd)

        @staticmethod
        def free():
            filler.unlink()

    try:
        yield Disk
    finally:
        filler.unlink(missing_ok=True)  # for the jails fixture's cleanup
        subprocess.run(["umount", "-l", state], check=False)


def test_full_registry_disk(full_disk, jails, freebsd_root, monkeypatch):  # noqa: F811
    """jail -c fails with ENOSPC's message and leaves nothing; jail -r removes all the same; once
    there is room again the registry is consistent."""
    monkeypatch.setenv("BSDULATOR_STATE_DIR", jails.env["BSDULATOR_STATE_DIR"])
    assert jails("jail", "-c", "name=kept", f"path={freebsd_root}", "persist").returncode == 0
    [kept] = _jails_of_this_registry()
    made = [(kept, jailns.namespaces(kept))]
    full_disk.fill()

    r = jails("jail", "-c", "name=new", f"path={freebsd_root}", "persist")
    assert (r.returncode, r.stderr) == (1, b"jail: jail_set: No space left on device\n")
    assert _jails_of_this_registry() == [kept]
    assert names(jails("jls", "name").stdout) == ["kept"]

    r = jails("jail", "-r", "kept")
    assert (r.returncode, r.stderr) == (0, b"")
    assert names(jails("jls").stdout) == JLS_HEADER
    assert jail_cgroups(jails.env) == "[]"
    _assert_gone(made)

    full_disk.free()
    assert jails("jail", "-c", "name=kept", f"path={freebsd_root}", "persist").returncode == 0
    assert names(jails("jls", "name").stdout) == ["kept"]
    assert jails("jail", "-r", "kept").returncode == 0


def test_unreadable_registry(full_disk, jails, freebsd_root):  # noqa: F811
    """A full disk that leaves no room even for SQLite's shared-memory file (its WAL files were
    removed by a clean close): every call that needs the registry fails with ENOSPC, nothing is
    made."""
    state = jails.env["BSDULATOR_STATE_DIR"]
    assert jails("jail", "-c", "name=kept", f"path={freebsd_root}", "persist").returncode == 0
    db = sqlite3.connect(os.path.join(state, jailreg.DB_NAME))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for leftover in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(state, jailreg.DB_NAME + leftover))
    full_disk.fill()
    r = jails("jls")
    assert (r.returncode, r.stderr) == (1, b"jls: jail_get: No space left on device\n")
    r = jails("jail", "-c", "name=new", f"path={freebsd_root}", "persist")
    assert (r.returncode, r.stderr) == (1, b"jail: jail_set: No space left on device\n")
    full_disk.free()
    assert names(jails("jls", "name").stdout) == ["kept"]
    assert jails("jail", "-r", "kept").returncode == 0
    assert jail_cgroups(jails.env) == "[]"


def test_concurrent_removals(jails, freebsd_root):  # noqa: F811
    """Several jail -r of each of several jails at once: every jail goes, each remover either
    removed it or, as FreeBSD's jail(8) once the jail is gone, says it was not found."""
    jail_names = [f"r{i}" for i in range(4)]
    for name in jail_names:
        assert (
            jails("jail", "-c", f"name={name}", f"path={freebsd_root}", "persist").returncode == 0
        )
    results = {}

    def remove(name, i):
        results[name, i] = jails("jail", "-r", name)

    threads = [
        threading.Thread(target=remove, args=(name, i)) for name in jail_names for i in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (name, _), r in results.items():
        assert (r.returncode, r.stderr) in (
            (0, b""),
            (1, f'jail: "{name}" not found\n'.encode()),
        ), r
    for name in jail_names:
        assert any(r.returncode == 0 for (n, _), r in results.items() if n == name)
    assert names(jails("jls").stdout) == JLS_HEADER
    assert jail_cgroups(jails.env) == "[]"


def test_cgroup_removed_meanwhile_means_done(monkeypatch, tmp_path):
    """A remover whose cgroup file was opened just before a concurrent remover removed the cgroup
    (ENODEV on read or write) treats the jail as gone instead of failing."""
    if not os.path.exists(os.path.join(jailns.cgroup2_root(), "cgroup.procs")):
        pytest.skip("needs cgroup v2")
    monkeypatch.setenv("BSDULATOR_STATE_DIR", str(tmp_path / "state"))
    cgroup = jailns._make_cgroup(1)
    holder = jailns.Holder(1, 0, None, cgroup)
    real_open = open

    def open_then_lose_cgroup(path, *args, **kw):
        f = real_open(path, *args, **kw)
        if os.path.dirname(path) == cgroup:
            os.rmdir(cgroup)
        return f

    try:
        monkeypatch.setattr(jailns, "open", open_then_lose_cgroup, raising=False)
        for step in (
            jailns.kill,
            jailns.members,
            jailns.finish,
            lambda h: jailns.lookup(h.jid),
            jailns.reap,
        ):
            os.makedirs(cgroup, exist_ok=True)
            step(holder)
    finally:
        monkeypatch.undo()
        jailns.finish(holder)
    assert not os.path.exists(cgroup)


def test_every_registry_write_is_in_a_transaction(tmp_path):
    """The registry (jail rows, jid counters, the security.jail.* knobs) changes only inside
    transactions, so a supervisor killed at any point leaves the state of before or after."""
    reg = jailreg.Registry(str(tmp_path))
    outside = []
    reg._conn.set_trace_callback(
        lambda sql: (
            outside.append(sql)
            if not reg._conn.in_transaction
            and sql.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")
            else None
        )
    )
    with reg.transaction() as tx:
        tx.insert(jailreg.JailRow(0, "a", "/", {}, holder_pid=1, holder_start=0))
        tx.set_counter("config.enforce_statfs", 1)
        tx.update(1, name="b")
    reg.reap_stale()
    assert outside == []
