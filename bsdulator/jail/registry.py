"""The persistent jail registry shared by every bsdulator process on the host.

One SQLite database (stdlib sqlite3) in the state directory: $BSDULATOR_STATE_DIR, else
/var/run/bsdulator, created 0700.  Why SQLite: many bsdulator processes create, list and
remove jails at once, and any of them may be SIGKILLed mid-write; SQLite's locking and
journal give atomic transactions across processes and roll an interrupted one back when
the database is next opened.  The journal is WAL (readers never wait for a writer; a
SIGKILL at any point loses only the uncommitted transaction) with synchronous=NORMAL:
the registry describes live processes, which a power loss ends anyway.

Rules every user follows:
- writers use `with reg.transaction() as tx:` (BEGIN IMMEDIATE, so two writers queue on
  the busy timeout instead of failing when one upgrades a read to a write);
- a jid comes from tx.allocate_jid() (or jid=0 in tx.insert) and the row is inserted in
  the same transaction, so no other process can take it; a caller with its own jid rule
  keeps its state in tx.counter()/tx.set_counter() (allocate_jid's is 'lastjid');
- jids are unique, and names among live jails: a dying jail's name may be taken again,
  as on FreeBSD;
- a row is valid while its holder process lives.  Insert the creating process's identity
  first (holder_pid, holder_start = current_process()) and replace it by the holder once
  that runs: if the creator dies before, reap_stale() finds the row and returns it for
  cleanup.  Identities are (pid, start time): a recycled pid never matches, and rows from
  an earlier boot never match either (the boot id is stored with them).
- pids are host pids: every bsdulator sharing a state directory shares a PID namespace.
- a Registry is one connection: after fork, open a new one in the child.
"""

import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields

from .. import procfs
from ..abi.jail import JAIL_MAX  # the largest jid

DEFAULT_STATE_DIR = "/var/run/bsdulator"
DB_NAME = "jails.sqlite3"
BUSY_TIMEOUT_S = 60.0
SCHEMA_VERSION = 1
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('lastjid', 0);
CREATE TABLE IF NOT EXISTS jails (
    jid INTEGER PRIMARY KEY CHECK (jid BETWEEN 1 AND {JAIL_MAX}),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    params TEXT NOT NULL,
    persist INTEGER NOT NULL,
    dying INTEGER NOT NULL,
    holder_pid INTEGER,
    holder_start INTEGER,
    holder_boot TEXT,
    cgroup TEXT,
    created REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS live_names ON jails (name) WHERE NOT dying;
PRAGMA user_version = {SCHEMA_VERSION};
"""


class RegistryError(Exception):
    """A registry operation that cannot be done as asked."""


class JailExists(RegistryError):
    """The jid or name is already taken by a live jail (FreeBSD: EEXIST)."""


class NoSuchJail(RegistryError):
    """No jail has that jid (FreeBSD: ENOENT)."""


class NoFreeJid(RegistryError):
    """All jids 1..JAIL_MAX are in use (FreeBSD: EAGAIN)."""


@dataclass
class JailRow:
    """One jail as the registry stores it; params holds typed values, not strings."""

    jid: int
    name: str
    path: str
    params: dict = field(default_factory=dict)
    persist: bool = False
    dying: bool = False
    holder_pid: int | None = None
    holder_start: int | None = None
    cgroup: str | None = None
    created: float = 0.0


COLUMNS = tuple(f.name for f in fields(JailRow))
UPDATABLE = frozenset(COLUMNS) - {"jid", "created"}


def start_time(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat (clock ticks after boot): with the pid, a process's identity."""
    stat = procfs.stat_if_alive(pid)
    return stat.starttime if stat else None


def process_alive(pid: int | None, start: int | None) -> bool:
    """Whether the process (pid, start) still runs; a zombie has finished."""
    if not pid or start is None:
        return False
    stat = procfs.stat_if_alive(pid)
    return bool(stat) and stat.state not in ("Z", "X") and stat.starttime == start


def current_process() -> tuple[int, int]:
    """This process's identity, to vouch for a row until the jail's holder runs."""
    return os.getpid(), start_time(os.getpid())


def boot_id() -> str:
    """Tells this boot from earlier ones, whose (pid, start time) pairs repeat."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        with open("/proc/stat") as f:
            return next(line.split()[1] for line in f if line.startswith("btime "))


def _json_exact(value) -> bool:
    """Whether JSON gives this value back as it is (no tuples, bytes, sets, non-str keys)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, list):
        return all(map(_json_exact, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    return False


def _check_params(params: dict) -> str:
    """The parameters as JSON, refused when they would not come back with the same types."""
    for key, value in params.items():
        if not isinstance(key, str) or not _json_exact(value):
            raise TypeError(
                f"jail parameter {key!r}={value!r}: values must be int, bool, str, None, "
                f"or lists and str-keyed dicts of those (lists, not tuples)"
            )
    return json.dumps(params, sort_keys=True)


def _row(r: sqlite3.Row | None) -> JailRow | None:
    if r is None:
        return None
    values = {c: r[c] for c in COLUMNS}
    values["params"] = json.loads(values["params"])
    values["persist"], values["dying"] = bool(values["persist"]), bool(values["dying"])
    return JailRow(**values)


class Transaction:
    """The operations allowed inside one `with reg.transaction()` block."""

    def __init__(self, conn: sqlite3.Connection, writable: bool):
        self._conn = conn
        self._writable = writable
        self._boot = boot_id()

    def _write(self) -> None:
        if not self._writable:
            raise RegistryError("this transaction is read-only: use reg.transaction() to write")

    def _one(self, sql: str, args: tuple) -> JailRow | None:
        return _row(self._conn.execute(f"SELECT * FROM jails {sql}", args).fetchone())

    def counter(self, name: str) -> int:
        """A persisted counter (0 until set): 'lastjid' is allocate_jid's, others are the
        caller's."""
        row = self._conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def counter_names(self, prefix: str) -> list[str]:
        """The stored counters whose names start with prefix."""
        rows = self._conn.execute(
            "SELECT name FROM counters WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
        )
        return [name for (name,) in rows]

    def set_counter(self, name: str, value: int) -> None:
        """Store a counter, e.g. the jid a FreeBSD rule engine handed out last."""
        self._write()
        self._conn.execute(
            "INSERT INTO counters VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def allocate_jid(self) -> int:
        """The next free jid after the last one handed out, wrapping at JAIL_MAX, like FreeBSD's
        lastprid."""
        self._write()
        last = self.counter("lastjid")
        start = last + 1 if last < JAIL_MAX else 1
        jid = self._first_free(start, JAIL_MAX)
        if jid is None and start > 1:
            jid = self._first_free(1, start - 1)
        if jid is None:
            raise NoFreeJid(f"all {JAIL_MAX} jids are in use: remove a jail first")
        self.set_counter("lastjid", jid)
        return jid

    def _first_free(self, low: int, high: int) -> int | None:
        """The smallest jid in [low, high] no jail has."""
        want = low
        for (jid,) in self._conn.execute(
            "SELECT jid FROM jails WHERE jid BETWEEN ? AND ? ORDER BY jid", (low, high)
        ):
            if jid != want:
                break
            want += 1
        return want if want <= high else None

    def insert(self, row: JailRow) -> JailRow:
        """Store a new jail (jid 0: allocate one); the stored row, with jid and created set."""
        self._write()
        params = _check_params(row.params)
        if row.jid == 0:
            row = JailRow(**{**asdict(row), "jid": self.allocate_jid()})
        if not 1 <= row.jid <= JAIL_MAX:
            raise RegistryError(f"jid {row.jid} is out of range 1..{JAIL_MAX}")
        row = JailRow(**{**asdict(row), "created": row.created or time.time()})
        values = {**asdict(row), "params": params, "holder_boot": self._boot}
        names = ", ".join(values)
        try:
            self._conn.execute(
                f"INSERT INTO jails ({names}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
        except sqlite3.IntegrityError:
            raise self._conflict(row.jid, row.name) from None
        return row

    def _conflict(self, jid: int, name: str) -> JailExists:
        taken = self.by_jid(jid)
        if taken is not None and taken.name != name:
            return JailExists(f"jid {jid} is in use by jail {taken.name!r}")
        return JailExists(f"a live jail named {name!r} already exists")

    def update(self, jid: int, /, **changes) -> JailRow:
        """Change some fields of jail jid; the row as stored afterwards."""
        self._write()
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise TypeError(
                f"cannot update {', '.join(sorted(unknown))}: "
                f"updatable fields are {sorted(UPDATABLE)}"
            )
        values = dict(changes)
        if "params" in values:
            values["params"] = _check_params(values["params"])
        if {"holder_pid", "holder_start"} & set(values):
            values["holder_boot"] = self._boot
        if not values:
            return self._existing(jid)
        sets = ", ".join(f"{k} = ?" for k in values)
        try:
            cur = self._conn.execute(
                f"UPDATE jails SET {sets} WHERE jid = ?", (*values.values(), jid)
            )
        except sqlite3.IntegrityError:
            name = changes.get("name") or self._existing(jid).name
            raise JailExists(f"a live jail named {name!r} already exists") from None
        if cur.rowcount == 0:
            raise NoSuchJail(f"jail {jid} does not exist")
        return self._existing(jid)

    def _existing(self, jid: int) -> JailRow:
        row = self.by_jid(jid)
        if row is None:
            raise NoSuchJail(f"jail {jid} does not exist")
        return row

    def delete(self, jid: int) -> JailRow | None:
        """Forget jail jid; the row it had, or None when there was none."""
        self._write()
        row = self.by_jid(jid)
        self._conn.execute("DELETE FROM jails WHERE jid = ?", (jid,))
        return row

    def by_jid(self, jid: int) -> JailRow | None:
        """The jail with this jid."""
        return self._one("WHERE jid = ?", (jid,))

    def by_name(self, name: str) -> JailRow | None:
        """The jail with this name: the live one, else the newest dying one (a dying jail's name is
        free)."""
        return self._one("WHERE name = ? ORDER BY dying, jid DESC LIMIT 1", (name,))

    def after(self, lastjid: int) -> JailRow | None:
        """The jail with the smallest jid above lastjid: jail_get's `lastjid` iteration."""
        return self._one("WHERE jid > ? ORDER BY jid LIMIT 1", (lastjid,))

    def all(self) -> list[JailRow]:
        """Every jail, by jid."""
        return [_row(r) for r in self._conn.execute("SELECT * FROM jails ORDER BY jid")]

    def stale(self) -> list[JailRow]:
        """Rows whose holder is gone: not running, or from an earlier boot."""
        rows = self._conn.execute("SELECT * FROM jails ORDER BY jid").fetchall()
        return [
            _row(r)
            for r in rows
            if r["holder_boot"] != self._boot
            or not process_alive(r["holder_pid"], r["holder_start"])
        ]


def default_state_dir() -> str:
    """The state directory Registry() uses: $BSDULATOR_STATE_DIR, else /var/run/bsdulator."""
    return os.environ.get("BSDULATOR_STATE_DIR") or DEFAULT_STATE_DIR


class Registry:
    """A connection to the jail registry in state_dir (default: $BSDULATOR_STATE_DIR or
    /var/run/bsdulator)."""

    def __init__(self, state_dir: str | None = None):
        self.state_dir = state_dir or default_state_dir()
        self.path = os.path.join(self.state_dir, DB_NAME)
        self._pid = os.getpid()
        self._conn = self._open()
        self._in_tx = False

    def _open(self) -> sqlite3.Connection:
        try:
            os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        except OSError as e:
            raise RegistryError(
                f"cannot create the jail state directory {self.state_dir}: {e.strerror} "
                f"(set BSDULATOR_STATE_DIR to a writable directory)"
            ) from None
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise RegistryError(
                f"{self.path}: SQLite cannot use WAL here (a network filesystem?): "
                f"set BSDULATOR_STATE_DIR to a local directory"
            )
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RegistryError(
                f"{self.path} was made by a newer bsdulator (schema {version}): use that one"
            )
        if version < SCHEMA_VERSION:
            self._create_schema(conn)
        return conn

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        """Tables and the jid counter, made once by whichever process gets there first."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(str.strip, SCHEMA.split(";")):
                conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def transaction(self, write: bool = True):
        """A transaction: BEGIN IMMEDIATE when writing, a consistent snapshot when only reading."""
        if os.getpid() != self._pid:
            raise RegistryError("this Registry was opened before fork: open a new one in the child")
        if self._in_tx:
            raise RegistryError("transactions do not nest: finish the open one first")
        self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        self._in_tx = True
        try:
            yield Transaction(self._conn, write)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._in_tx = False

    def reap_stale(self) -> list[JailRow]:
        """Delete the rows whose holder is gone (a crash) and return them, so their leftovers can be
        cleaned."""
        with self.transaction() as tx:
            rows = tx.stale()
            for row in rows:
                tx.delete(row.jid)
        return rows

    def close(self) -> None:
        """Release the connection (a transaction left open is rolled back)."""
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
