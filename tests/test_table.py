"""The generated syscall tables and the dispatch table built from them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bsdulator import table
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.syscall_table import MASTER, MAX_SYSCALL
from bsdulator.table import Support
from header_macros import freebsd_macros, requires_zig

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]
LINUX_HEADER = Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")


GEN_TABLES = (sys.executable, str(REPO / "tools" / "gen_tables.py"))
GENERATED = ("syscall_table.py", "linux_syscalls.py")


def _gen_tables(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*GEN_TABLES, *args], capture_output=True, text=True, check=False)


def _copy_abi(to: Path) -> None:
    """syscalls.master and the tables generated from it, where gen_tables --abi-dir may write."""
    for name in ("syscalls.master", *GENERATED):
        shutil.copy(REPO / "abi" / name, to / name)


def test_generated_tables_are_fresh():
    """Regenerating from abi/syscalls.master and the host header would change nothing; the check
    writes nothing."""
    stamps = {name: (REPO / "abi" / name).stat().st_mtime_ns for name in GENERATED}
    done = _gen_tables("--check")
    assert done.returncode == 0, done.stderr
    assert {name: (REPO / "abi" / name).stat().st_mtime_ns for name in GENERATED} == stamps


def test_check_reports_a_stale_table_and_writes_nothing(tmp_path):
    _copy_abi(tmp_path)
    stale = tmp_path / "syscall_table.py"
    stale.write_text(stale.read_text().replace("'read'", "'reed'"))
    before = stale.read_text()
    done = _gen_tables("--check", "--abi-dir", str(tmp_path))
    assert done.returncode == 1
    assert "syscall_table.py is stale (2 lines differ)" in done.stderr
    assert "+    3: ('STD|CAPENABLED', 'read'," in done.stderr
    assert "linux_syscalls.py" not in done.stderr
    assert stale.read_text() == before
    subprocess.run([*GEN_TABLES, "--abi-dir", str(tmp_path)], check=True)
    assert stale.read_text() == (REPO / "abi" / "syscall_table.py").read_text()


def test_an_unreadable_prototype_names_its_slot(tmp_path):
    _copy_abi(tmp_path)
    master = tmp_path / "syscalls.master"
    master.write_text(
        master.read_text().replace("__socklen_t *anamelen", "__socklen_t (*anamelen)", 1)
    )
    done = _gen_tables("--check", "--abi-dir", str(tmp_path))
    assert done.returncode == 2
    assert (
        done.stderr.startswith("gen_tables: syscalls.master slot 30: cannot parse")
        and len(done.stderr.splitlines()) == 1
    )


def test_master_has_every_slot():
    assert sorted(MASTER) == list(range(MAX_SYSCALL))


@requires_zig
def test_numbers_match_freebsd_syscall_h():
    """Every SYS_x of FreeBSD's <sys/syscall.h> (zig's 14, a superset of 13.5's slots) names the
    same slot."""
    pairs = [
        (name[len("SYS_") :], nr)
        for name, nr in freebsd_macros("sys/syscall.h").items()
        if name.startswith("SYS_") and name != "SYS_MAXSYSCALL" and nr.isdigit()
    ]
    assert len(pairs) > 400
    for name, nr in pairs:
        _kind, master_name, _ret, _args = MASTER[int(nr)]
        assert master_name.endswith(name), (nr, name, master_name)


def test_linux_numbers_match_host_header():
    if not LINUX_HEADER.exists():
        pytest.skip("the host has no <asm/unistd_64.h>")
    host = dict(
        (n, int(v)) for n, v in re.findall(r"#define __NR_(\w+) (\d+)", LINUX_HEADER.read_text())
    )
    assert host == LINUX_NR


def test_every_entry_states_support():
    entries = table.build()
    assert len(entries) == MAX_SYSCALL
    for e in entries:
        assert isinstance(e.support, Support)
        if e.support == Support.NATIVE:
            assert e.linux_nr is not None and e.handler is None
        if (
            e.support in (Support.TRANSLATED, Support.EMULATED, Support.PARTIAL, Support.STUB)
            and e.kind != "SYSMUX"
        ):
            assert e.handler is not None, e.name


def test_absent_slots_are_obsolete_and_implemented_ones_are_real():
    for e in table.build():
        base = e.kind.split("|")[0]
        if base in ("OBSOL", "RESERVED", "UNIMPL"):
            assert e.support == Support.OBSOLETE
        else:
            assert e.support != Support.OBSOLETE


def test_the_core_calls_are_covered():
    by_name = {e.name: e for e in table.build()}
    for name in (
        "read",
        "write",
        "open",
        "openat",
        "close",
        "mmap",
        "fstat",
        "freebsd11_stat",
        "freebsd11_fstat",
        "freebsd11_lstat",
        "freebsd11_fstatat",
        "freebsd11_getdirentries",
        "getdirentries",
        "execve",
        "sigaction",
        "sigprocmask",
        "sigreturn",
        "__sysctl",
        "__sysctlbyname",
        "sysarch",
        "ioctl",
        "fcntl",
        "wait4",
        "kill",
        "fork",
        "vfork",
        "statfs",
        "fstatfs",
    ):
        assert by_name[name].support not in (Support.ENOSYS, Support.OBSOLETE), name


def test_registering_an_unknown_name_fails():
    with pytest.raises(KeyError):
        table.native("not_a_freebsd_call", "getpid")
