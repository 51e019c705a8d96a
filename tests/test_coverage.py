"""`--coverage` names the code behind every slot and what partial ones lack; a call bsdulator
lacks is reported once per process on stderr (FreeBSD's DUMMY syscalls do the same)."""

import importlib
import inspect
import json
from pathlib import Path

import pytest

from bsdulator import engine, table
from bsdulator.table import Support

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]
# pyproject's package-dir: where each top-level directory of the tree is imported from
PACKAGE_OF = {"bsdulator": "bsdulator", "syscalls": "bsdulator.syscalls", "abi": "bsdulator.abi"}
# data-only entries name their declaration
DECLARED = {
    "native": Support.NATIVE,
    "stub": Support.STUB,
}


def _module_name(path: str) -> str:
    top, *rest = Path(path).with_suffix("").parts
    return ".".join([PACKAGE_OF[top], *(p for p in rest if p != "__init__")])


def test_every_where_resolves_to_the_code_that_serves_the_call():
    served = 0
    for e in table.build():
        if e.support in (Support.ENOSYS, Support.OBSOLETE):
            assert e.where == "", e
            continue
        path, function, line = e.where.split(":")
        source = (REPO / path).read_text().splitlines()
        if function in DECLARED:
            assert e.support == DECLARED[function], e
            assert f"{function}(" in source[int(line) - 1], (e.name, e.where)
            continue
        module = importlib.import_module(_module_name(path))
        code = engine.enter if e.kind == "SYSMUX" else e.handler
        assert Path(module.__file__) == Path(inspect.getsourcefile(code)) == REPO / path, (
            e.name,
            e.where,
        )
        assert code.__name__ == function, (e.name, e.where)
        assert inspect.getsourcelines(code)[1] == int(line), (e.name, e.where)
        if (
            "<locals>" not in code.__qualname__
        ):  # handlers a factory makes (extattr) are no module attribute
            assert getattr(module, function) is code, (e.name, e.where)
        served += 1
    assert served > 100


def test_partial_entries_say_what_is_missing():
    partial = {e.name: e for e in table.build() if e.support == Support.PARTIAL}
    assert {"kevent", "_umtx_op", "thr_new", "sysarch"} <= set(partial)
    assert all(e.note for e in partial.values())
    assert "EVFILT" not in partial["kevent"].note and "AIO" in partial["kevent"].note
    assert "priority-inheriting" in partial["_umtx_op"].note


def test_coverage_json_gives_where_and_gaps(bsd):
    data = json.loads(bsd("--coverage", "--format", "json").stdout)
    rows = {row["name"]: row for row in data["syscalls"]}
    assert rows["openat"]["where"].startswith("syscalls/file.py:sys_openat:")
    assert rows["getpid"]["where"].startswith("syscalls/")
    assert rows["_umtx_op"]["support"] == "partial" and "SHM" in rows["_umtx_op"]["gaps"]
    assert "gaps" not in rows["openat"] and data["counts"]["partial"] == len(
        [r for r in data["syscalls"] if r["support"] == "partial"]
    )
    md = bsd("--coverage", "--format", "markdown").stdout.decode()
    assert "| where |" in md and "`syscalls/file.py:sys_openat:" in md


MISSING_CALLS = r"""
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/umtx.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static void lacking(void)
{
    for (int i = 0; i < 2; i++) {
        long r = syscall(SYS_profil, 0, 0, 0, 0);
        printf("profil %ld %d\n", r, r == -1 && errno == ENOSYS);
        r = syscall(SYS__umtx_op, 0, UMTX_OP_SHM, 0, 0, 0);
        printf("umtx %ld %d\n", r, r == -1 && errno == ENOSYS);
    }
    fflush(stdout);
}

int main(void)
{
    int status;
    lacking();
    pid_t child = fork();
    if (child == 0) {
        lacking();
        _exit(0);
    }
    waitpid(child, &status, 0);
    return 0;
}
"""
PROFIL_WARNING = "bsdulator: profil (FreeBSD syscall 44) is not implemented: ENOSYS"
UMTX_WARNING = "bsdulator: _umtx_op UMTX_OP_SHM (FreeBSD syscall 454) is not implemented: ENOSYS"


def test_a_missing_call_warns_once_per_process(bsd, freebsd_cc):
    prog = freebsd_cc(MISSING_CALLS, "missing_calls")
    r = bsd(prog)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode() == "profil -1 1\numtx -1 1\n" * 4
    warnings = r.stderr.decode().splitlines()
    # parent and child
    assert sorted(warnings) == sorted([PROFIL_WARNING, UMTX_WARNING] * 2), warnings


def test_quiet_silences_the_warning(bsd, freebsd_cc):
    prog = freebsd_cc(MISSING_CALLS, "missing_calls")
    r = bsd("--quiet", prog)
    assert (r.returncode, r.stderr) == (0, b"")
    assert r.stdout.decode() == "profil -1 1\numtx -1 1\n" * 4
