"""Every test module says what kind of test it is, so `make test-fast` (-m unit) can pick its
share."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

KINDS = {"unit", "e2e", "root"}
TESTS = Path(__file__).resolve().parent


def module_markers(path: Path) -> set[str]:
    """The pytest.mark.NAME names a module's top-level `pytestmark = …` assigns."""
    marks = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "pytestmark" for t in node.targets
        ):
            marks |= {
                n.attr
                for n in ast.walk(node.value)
                if isinstance(n, ast.Attribute) and getattr(n.value, "attr", None) == "mark"
            }
    return marks


@pytest.mark.parametrize("module", sorted(p.name for p in TESTS.glob("test_*.py")))
def test_every_module_says_what_kind_of_test_it_is(module):
    assert module_markers(TESTS / module) & KINDS, (
        f"{module}: pytestmark needs one of {sorted(KINDS)}"
    )


def test_module_markers_reads_single_and_listed_marks(tmp_path):
    single, listed, none = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    single.write_text("import pytest\npytestmark = pytest.mark.unit\n")
    listed.write_text("import pytest\npytestmark = [pytest.mark.e2e, pytest.mark.root]\n")
    none.write_text("import pytest\npytestmark = pytest.mark.skipif(True, reason='x')\n")
    found = module_markers(single), module_markers(listed), module_markers(none)
    assert found == ({"unit"}, {"e2e", "root"}, {"skipif"})
