"""`bsdulator --coverage`: the dispatch table's support levels, generated, never hand-kept."""

import ast
import json
from collections import Counter, defaultdict
from pathlib import Path

from . import table as table_mod
from .table import Support

IMPLEMENTED = (Support.NATIVE, Support.TRANSLATED, Support.EMULATED, Support.PARTIAL)
# tests/ beside bsdulator/ in a checkout; an installed copy without it shows no tests
TESTS = Path(table_mod._TREE) / "tests"


def rows():
    return [e for e in table_mod.build() if e.kind]


def _syscall_marks(node) -> list[str]:
    """The names in every `pytest.mark.syscalls("a", "b")` under node."""
    return [
        arg.value
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "syscalls"
        and getattr(call.func.value, "attr", None) == "mark"
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]


def marked_tests(tests: Path = TESTS) -> dict[str, list[str]]:
    """syscall name -> node ids of the tests marked @pytest.mark.syscalls(name, ...), read from
    the test sources (module `pytestmark`, classes, functions; a mark on one parameter counts
    for its function).  tests/conftest.py fails a marked test that does not make the call."""
    found = defaultdict(list)

    def visit(body, prefix: str, inherited: list[str]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                marks = inherited + [m for d in node.decorator_list for m in _syscall_marks(d)]
                visit(node.body, f"{prefix}::{node.name}", marks)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                marks = inherited + [m for d in node.decorator_list for m in _syscall_marks(d)]
                for name in dict.fromkeys(marks):
                    found[name].append(f"{prefix}::{node.name}")

    for path in sorted(tests.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        module = [
            m
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "pytestmark" for t in node.targets)
            for m in _syscall_marks(node.value)
        ]
        visit(tree.body, f"tests/{path.name}", module)
    return dict(found)


def report(fmt: str = "text") -> str:
    entries = rows()
    counts = Counter(e.support.value for e in entries)
    order = [s.value for s in Support]
    marked = marked_tests()
    tests = {e.nr: marked.get(e.name, []) if e.support in IMPLEMENTED else [] for e in entries}
    tested = sum(1 for e in entries if tests[e.nr])
    implemented = sum(1 for e in entries if e.support in IMPLEMENTED)
    if fmt == "json":
        return (
            json.dumps(
                {
                    "counts": {s: counts.get(s, 0) for s in order},
                    "implemented": implemented,
                    "implemented_and_tested": tested,
                    "syscalls": [
                        {
                            "number": e.nr,
                            "name": e.name,
                            "type": e.kind,
                            "support": e.support.value,
                            "note": e.note,
                            "where": e.where,
                            "tests": tests[e.nr],
                        }
                        | ({"gaps": e.note} if e.support == Support.PARTIAL else {})
                        for e in entries
                    ],
                },
                indent=1,
            )
            + "\n"
        )
    total = ", ".join(f"{s} {counts.get(s, 0)}" for s in order)
    total += f"; implemented {implemented}, of which tested {tested}"
    if fmt == "markdown":
        out = [
            "# bsdulator syscall coverage",
            "",
            f"{len(entries)} FreeBSD syscall slots (from abi/syscalls.master): {total}.",
            "",
            "| # | name | master type | support | where | note | tests |",
            "|---:|---|---|---|---|---|---|",
        ]
        out += [
            f"| {e.nr} | `{e.name}` | {e.kind} | {e.support.value} "
            f"| {e.where and f'`{e.where}`'} | {e.note} "
            f"| {'<br>'.join(f'`{t}`' for t in tests[e.nr])} |"
            for e in entries
        ]
        return "\n".join(out) + "\n"
    out = []
    for e in entries:
        out.append(f"{e.nr:4d}  {e.name:<28} {e.support.value:<11} {e.where:<40} {e.note}".rstrip())
        out += [f"{'':6}{'tested by':<28} {t}" for t in tests[e.nr]]
    out.append(f"total {len(entries)}: {total}")
    return "\n".join(out) + "\n"
