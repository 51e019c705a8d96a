"""No FreeBSD or Linux number is spelled as a literal in bsdulator/ or syscalls/: each lives in
abi/, named as the headers name it, where the header tests check it.

An integer literal passes as structural when it is
- 0, 1, -1 or 2 (identity, sign, pairs), 4 or 8 (bytes in a 32- or 64-bit word), 16, 32 or 64
  (bit widths), or a signed word maximum (0x7FFFFFFF …);
- an all-ones mask 2**n - 1 (alignment masks such as ~15, bit fields, unsigned word maxima);
- a power of ten, or the n of 10**n (unit scales: ns per second, decimal digits);
- written in octal: a permission mode (0o755), the same bits in POSIX everywhere.
Anything else is moved into abi/ or listed in ALLOWED with the reason it is no ABI number.
A fact whose value happens to be structural (SCM_RIGHTS = 1) passes the scan: review keeps
those in abi/ too."""

import ast
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]
WORD_BITS = (8, 16, 32, 64)
STRUCTURAL = {0, 1, -1, 2, 4, *WORD_BITS} | {(1 << n - 1) - 1 for n in WORD_BITS}

# (file, values, why): numbers of bsdulator's own making or of a text format, no FreeBSD or Linux
# kernel fact. A row that no longer matches fails test_every_allowed_row_is_still_needed.
ALLOWED = [
    (
        "bsdulator/cli.py",
        (128,),
        "exit status 128 + N for death by signal N: the shells' convention",
    ),
    (
        "syscalls/jail.py",
        (128,),
        "exit status 128 + N for death by signal N: the shells' convention",
    ),
    (
        "syscalls/jail.py",
        (1024,),
        "bsdulator's bound of 2 x 1024 iovecs for jail_set/jail_get (FreeBSD's copyinuio stops at "
        "UIO_MAXIOV, 1024: to be checked, see the issue 10 report)",
    ),
    ("bsdulator/elf.py", (65536,), "the most note bytes bsdulator reads from an image"),
    ("bsdulator/frontend.py", (4096,), "read size of bsdulator's own pipe"),
    ("bsdulator/supervisor.py", (4096,), "read size of bsdulator's own error pipe"),
    ("bsdulator/jail/namespaces.py", (4096,), "read size of a holder's status pipe"),
    (
        "bsdulator/jail/namespaces.py",
        (5, 12),
        "retries of the cgroup mkdir race; hex digits of a state directory's hash in a cgroup name",
    ),
    (
        "bsdulator/jail/holder.py",
        (19,),
        "starttime's index after comm in /proc/PID/stat, as procfs.STAT_FIELDS has it: the lean "
        "holder does not import procfs (test_holder_start_time_is_procfs_starttime)",
    ),
    ("bsdulator/jail/params.py", (6,), "IPv6, a word in an error message"),
    ("bsdulator/jail/rules.py", (6,), "IPv6, a word naming the ip6.* parameters"),
    (
        "bsdulator/memory.py",
        (30, 65536, 1024),
        "bsdulator's copy bounds: one call's largest copy, pointer arrays, strings",
    ),
    ("bsdulator/procfs.py", (5,), "the path is a /proc/PID/maps line's sixth field (proc(5))"),
    ("bsdulator/procinfo.py", (1024,), "bytes per kB in /proc/PID/status"),
    ("bsdulator/sysctl.py", (1024,), "bytes per kB in /proc/meminfo"),
    ("bsdulator/sysctl.py", (12, 20), "a UUID's text layout, 8-4-4-4-12 hex digits (RFC 4122)"),
    (
        "bsdulator/seccomp.py",
        (0xFFFFFFFFFFFF0002,),
        "a kernel-half address of bsdulator's choosing, which no syscall instruction can be at",
    ),
    ("bsdulator/trace.py", (4096,), "how much of a string --trace shows"),
    ("syscalls/file.py", (65536,), "the getdents64 chunk bsdulator asks Linux for"),
    (
        "syscalls/kqueue/host.py",
        (65536,),
        "read size when draining an eventfd or inotify descriptor",
    ),
    (
        "bsdulator/net/layout.py",
        (24,),
        "the automatic VNET layout's /24 subnet: a bsdulator default",
    ),
]


def _is_all_ones(value: int) -> bool:
    return value > 2 and value & (value + 1) == 0


def _is_power_of_ten(value: int) -> bool:
    return value >= 10 and str(value).rstrip("0") == "1"


def _structural(value: int) -> bool:
    return value in STRUCTURAL or _is_all_ones(value) or _is_power_of_ten(value)


def literals(path: Path) -> list[tuple[int, int]]:
    """(line, value) of each integer literal in a Python file that no structural rule covers."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    negated, exponents = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            negated.add(id(node.operand))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            if isinstance(node.left, ast.Constant) and node.left.value == 10:
                exponents.add(id(node.right))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or type(node.value) is not int:
            continue
        if id(node) in exponents:
            continue
        value = -node.value if id(node) in negated else node.value
        if _structural(value):
            continue
        spelled = lines[node.lineno - 1][node.col_offset : node.col_offset + 2]
        if spelled.lower() != "0o":
            found.append((node.lineno, value))
    return sorted(found)


def unexplained(repo: Path) -> list[str]:
    allowed = {(file, value) for file, values, _why in ALLOWED for value in values}
    found = []
    for top in ("bsdulator", "syscalls"):
        for path in sorted((repo / top).rglob("*.py")):
            name = path.relative_to(repo).as_posix()
            found += [
                f"{name}:{line}: {value}"
                for line, value in literals(path)
                if (name, value) not in allowed
            ]
    return found


def test_no_abi_number_outside_abi():
    found = unexplained(REPO)
    assert found == [], (
        f"{len(found)} numbers to move into abi/ (or explain in ALLOWED):\n" + "\n".join(found)
    )


def test_every_allowed_row_is_still_needed():
    """A row whose number is gone would silently allow the next one."""
    for path, values, why in ALLOWED:
        found = {value for _line, value in literals(REPO / path)}
        assert set(values) <= found, (path, set(values) - found)
        assert why


def test_holder_start_time_is_procfs_starttime():
    from bsdulator import procfs
    from bsdulator.jail import holder

    proc = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert holder._start_time(proc) == str(procfs.stat(os.getpid()).starttime)
    finally:
        os.close(proc)


def test_the_scan_sees_literals(tmp_path):
    (tmp_path / "m.py").write_text(
        "AT_FDCWD = -100\nMASK = 0xFFFF\nNS = 10**9\nMODE = 0o755\nPAGE = 4096\n"
    )
    assert list(literals(tmp_path / "m.py")) == [(1, -100), (5, 4096)]
