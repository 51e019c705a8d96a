"""Coverage that shows it: every implemented slot names the tests that exercise it (the
@pytest.mark.syscalls marker, which tests/conftest.py holds to the calls really made), and every
slot left unimplemented says why."""

import ast
import json
import os

import pytest

from bsdulator import coverage, table
from bsdulator.coverage import IMPLEMENTED, marked_tests
from bsdulator.syscall_log import ENV, read
from bsdulator.table import Support

pytestmark = pytest.mark.unit

FREEBSD_NAMES = {e.name for e in table.build()}


def test_every_implemented_slot_has_a_marked_test():
    marked = marked_tests()
    untested = [
        f"{e.nr} {e.name}"
        for e in table.build()
        if e.support in IMPLEMENTED and not marked.get(e.name)
    ]
    assert untested == [], "implemented slots no @pytest.mark.syscalls test names"


def test_every_unimplemented_slot_says_why():
    silent = [
        f"{e.nr} {e.name}"
        for e in table.build()
        if e.support in (Support.ENOSYS, Support.STUB) and not e.note
    ]
    assert silent == [], "give these a reason in syscalls/unsupported.py (or implement them)"


def test_no_reason_stays_behind_for_a_served_call():
    served = {e.name for e in table.build() if e.support not in (Support.ENOSYS, Support.OBSOLETE)}
    assert sorted(served & set(table.reasons())) == [], "delete their lines in unsupported.py"


def test_markers_name_freebsd_syscalls():
    wrong = {name: tests for name, tests in marked_tests().items() if name not in FREEBSD_NAMES}
    assert wrong == {}


def test_markers_name_their_syscalls_as_string_literals():
    """--coverage reads the names without running the tests: each must be spelled out."""
    spelled = []
    for path in sorted(coverage.TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "syscalls"
                and getattr(node.func.value, "attr", None) == "mark"
                and not all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args
                )
            ):
                spelled.append(f"{path.name}:{node.lineno}")
    assert spelled == []


def test_markers_are_read_from_modules_classes_functions_and_params(tmp_path):
    (tmp_path / "test_a.py").write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.e2e, pytest.mark.syscalls('getpid')]\n"
        "@pytest.mark.syscalls('read', 'write')\n"
        "def test_io(): pass\n"
        "class TestX:\n"
        "    pytestmark = pytest.mark.unit\n"
        "    @pytest.mark.parametrize('x', [pytest.param(1, marks=pytest.mark.syscalls('open'))])\n"
        "    def test_p(self, x): pass\n"
        "def helper(): pytest.mark.syscalls('close')\n"
    )
    (tmp_path / "other.py").write_text(
        "import pytest\n@pytest.mark.syscalls('kill')\ndef test_k(): pass\n"
    )
    assert marked_tests(tmp_path) == {
        "getpid": ["tests/test_a.py::test_io", "tests/test_a.py::TestX::test_p"],
        "read": ["tests/test_a.py::test_io"],
        "write": ["tests/test_a.py::test_io"],
        "open": ["tests/test_a.py::TestX::test_p"],
    }


def test_coverage_names_the_tests_per_implemented_slot():
    data = json.loads(coverage.report("json"))
    rows = {r["name"]: r for r in data["syscalls"]}
    assert (
        "tests/test_syscall_markers.py::test_the_log_records_what_a_program_calls"
        in (rows["writev"]["tests"])
    )
    assert rows["kenv"]["tests"] == [] or rows["kenv"]["support"] != "enosys"
    tested = [r for r in data["syscalls"] if r["tests"]]
    assert data["implemented_and_tested"] == len(tested)
    assert all(r["support"] in {s.value for s in IMPLEMENTED} for r in tested)
    text = coverage.report("text")
    assert "tested by" in text and f"of which tested {len(tested)}" in text
    assert "| tests |" in coverage.report("markdown")


@pytest.mark.syscalls("writev", "_exit")
def test_the_log_records_what_a_program_calls(bsd, freebsd_root, tmp_path):
    log = os.environ[ENV]  # a marked test's own log (tests/conftest.py)
    r = bsd(freebsd_root / "bin" / "echo", "hi")
    assert r.stdout == b"hi\n"
    seen = {table.build()[nr].name for nr in read(log)}
    assert {"writev", "_exit", "mmap", "fstat"} <= seen, seen  # the C fast path's and Python's
    assert "kenv" not in seen
    assert read(str(tmp_path / "never-written")) == set()
