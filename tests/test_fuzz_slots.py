"""Adversarial fuzzing of every syscall slot 0-600, unjailed and jailed (issue 9; `make fuzz`).

tests/freebsd_programs/fuzz_slots.c issues raw syscalls with argument kinds chosen here (plain
values, buffers of adversarial bytes, read-only / PROT_NONE / unmapped memory, paths inside
its scratch directory, its own descriptors, its own pid), each batch in a child of its own, so
calls that end or replace the process are fuzzed too; calls naming other processes are
confined to the child.  The supervisor must never crash, wedge, print a traceback or an
internal error, leave a process behind or write outside the test's directory.

FUZZ_CALLS (calls made per mode; CI's default is small), FUZZ_SEED (printed; the same seed
replays the same calls).  A finding is shrunk to the smallest batch that still shows it, and
printed."""

import dataclasses
import os
import pwd
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from enum import IntEnum
from pathlib import Path

import pytest

from bsdulator import table
from bsdulator.table import Support
from helpers import jail_cgroups, wait_until

pytestmark = pytest.mark.e2e

CALLS = int(os.environ.get("FUZZ_CALLS", "2500"))
SEED = int(os.environ.get("FUZZ_SEED", "1"))
SLOTS = range(601)
BATCH = 40
BAD_OUTPUT = ("internal error", "Traceback", "Exception ignored")
NAMES = {e.nr: e.name for e in table.build()}


class Kind(IntEnum):
    """Argument kinds; the same order as enum kind in fuzz_slots.c."""

    RAW = 0
    BUF = 1  # value: fill pattern (low byte), offset (bits 8-15: n < 128 from the start, else
    # 256 - n from the end, next to a PROT_NONE page), seed (above)
    RO = 2  # read-only page + value % page
    NONE = 3  # PROT_NONE page + value % page
    UNMAPPED = 4  # unmapped page + value % page
    PATH = 5  # one of the program's paths (all inside its scratch directory)
    FD = 6  # one of the program's descriptors (or a closed, -1, AT_FDCWD, huge one)
    PID = 7  # the child itself: its pid, 0 or its group
    BIG = 8  # 64 MB of zeroes (+ value % page): arrays as long as a size argument says


KIND_WEIGHTS = {
    Kind.RAW: 30,
    Kind.BUF: 25,
    Kind.RO: 5,
    Kind.NONE: 5,
    Kind.UNMAPPED: 5,
    Kind.PATH: 12,
    Kind.FD: 15,
    Kind.PID: 3,
    Kind.BIG: 4,
}
SPECIAL = [
    2**63 - 1,
    2**64 - 1,
    2**31 - 1,
    2**31,
    2**32 - 1,
    2**32,
    1 << 47,
    0xFFFF800000000000,
    4096,
    1 << 24,
    2**64 - 100,
    2**63,
    1 << 16,
    1 << 20,
    1 << 21,
    1 << 23,
]
STALL = 20  # seconds: no batch of calls takes that long unless the supervisor is stuck in one


def freebsd_constants() -> list[int]:
    """Every FreeBSD number abi/ knows (flags, commands, ioctls, sysctl ids…): values handlers
    parse."""
    import importlib
    import pkgutil

    from bsdulator import abi

    found: set[int] = set()
    for module in pkgutil.iter_modules(abi.__path__):
        for name, value in vars(importlib.import_module(f"bsdulator.abi.{module.name}")).items():
            if not name.isupper() or "LINUX" in name:
                continue
            for v in value.values() if isinstance(value, dict) else [value]:
                if isinstance(v, int) and not isinstance(v, bool):
                    found.add(v & (2**64 - 1))
    return sorted(found)


FREEBSD_CONSTANTS = freebsd_constants()


def random_arg(rng: random.Random) -> tuple[Kind, int]:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    if kind == Kind.RAW:
        pick = rng.random()
        value = (
            rng.randint(-3, 70)
            if pick < 0.4
            else rng.choice(FREEBSD_CONSTANTS)
            if pick < 0.65
            else rng.choice(SPECIAL)
            if pick < 0.85
            else rng.getrandbits(64)
        ) & (2**64 - 1)
    elif kind == Kind.BUF:
        offset = rng.choice([0, 0, rng.randrange(128), 256 - rng.randrange(1, 128)])
        value = rng.getrandbits(40) << 16 | offset << 8 | rng.randrange(256)
    else:
        value = rng.getrandbits(16)
    return kind, value


Call = tuple[int, tuple[tuple[Kind, int], ...], int]  # number, (kind, value) per argument, stack


STACKS = [Kind.RO, Kind.NONE, Kind.UNMAPPED, Kind.BIG]  # where a call may find its stack pointer


def random_stack(rng: random.Random) -> int:
    """Byte 6 and 7 of a call's kinds word: 0 (its own stack) or a kind and a value."""
    return 0 if rng.random() < 0.9 else rng.choice(STACKS) | rng.randrange(256) << 8


def batches(seed: str):
    """Every slot in each round, in a fresh random order, with random arguments; the slots
    bsdulator serves come three times a round (a missing slot has one answer, ENOSYS)."""
    rng = random.Random(seed)
    served = [e.nr for e in table.build() if e.support not in (Support.ENOSYS, Support.OBSOLETE)]
    round_ = [*SLOTS, *served, *served]
    order: list[int] = []
    batch: list[Call] = []
    while True:
        if not order:
            order = rng.sample(round_, len(round_))
        batch.append((order.pop(), tuple(random_arg(rng) for _ in range(6)), random_stack(rng)))
        if len(batch) == BATCH:
            yield batch
            batch = []


def encode(batch: list[Call]) -> bytes:
    out = [struct.pack("<Q", len(batch))]
    for nr, args, stack in batch:
        kinds = sum(kind << (8 * i) for i, (kind, _) in enumerate(args)) | stack << 48
        out.append(struct.pack("<8Q", nr, kinds, *(value for _, value in args)))
    return b"".join(out)


def describe(batch: list[Call]) -> str:
    return "\n".join(
        f"  ({nr}, {[(k.name, hex(v)) for k, v in args]}, {stack:#x}),  # {NAMES.get(nr, '?')}"
        for nr, args, stack in batch
    )


@dataclasses.dataclass
class Outcome:
    problem: str | None  # None, or what went wrong: "internal error …", "wedge", "crash …"
    calls_made: int = 0
    result: str = ""  # the child's end: exit/signal/timeout and its code


class Run:
    """One bsdulator running the fuzzer; batches go in one at a time, each answered by a line."""

    def __init__(
        self, root: Path, argv: list[str], cwd: Path, env: dict[str, str], log: Path, work: Path
    ):
        self.log_path = log
        self.work = work  # the -d directory as the host sees it: batch N works in bN
        self.batches = 0
        with open(log, "ab") as stderr:
            self.seen = stderr.tell()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bsdulator", "--root", str(root), *argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                start_new_session=True,
            )
        self.pending = b""

    def _new_output(self) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(self.seen)
            data = f.read()
        self.seen += len(data)
        return data.decode(errors="replace")

    def _line(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def batch(self, batch: list[Call]) -> Outcome:
        try:
            self.proc.stdin.write(encode(batch))
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        # The program kills a child that outlives 1 s + 40 ms a call; well past that, bsdulator is
        # stuck.
        began = time.monotonic()
        line = self._line(timeout=30 + len(batch) * 0.1)
        took = time.monotonic() - began
        if line is None:
            if self.proc.poll() is None:
                self.kill()
                return Outcome("wedge: no answer from the batch")
            said = self._new_output().strip().splitlines() or [""]
            bad = [text for text in said if any(b in text for b in BAD_OUTPUT)]
            return Outcome(f"crash: bsdulator exited {self.proc.returncode}: {(bad or said)[-1]}")
        _, made, how, code = line.decode().split()
        # its processes have ended
        shutil.rmtree(self.work / f"b{self.batches}", ignore_errors=True)
        self.batches += 1
        bad = [
            text for text in self._new_output().splitlines() if any(b in text for b in BAD_OUTPUT)
        ]
        if not bad and took > STALL:
            bad = [f"stall: the batch took {took:.0f} s"]
        return Outcome(bad[0] if bad else None, min(int(made), len(batch)), f"{how} {code}")

    def close(self, timeout: float = 60) -> str | None:
        """Ends the run; a problem if bsdulator does not end cleanly."""
        self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout)
            self.proc.stdout.close()
        except subprocess.TimeoutExpired:
            self.kill()
            return "wedge: bsdulator did not end after its input did"
        bad = [
            text for text in self._new_output().splitlines() if any(b in text for b in BAD_OUTPUT)
        ]
        if bad or code != 0:
            return f"exit {code}: {bad[:1]}"
        return None

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: bsdulator and its tracees
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


def signature(problem: str) -> str:
    """What makes two findings the same bug: the message up to its details."""
    return re.sub(r"0x[0-9a-f]+|\d+", "N", problem.splitlines()[0])[:100]


def shrink(start_run, batch: list[Call], problem: str, budget: float = 120) -> list[Call]:
    """The smallest batch found in budget seconds (single calls, then greedy removal) that still
    shows problem."""
    give_up = time.monotonic() + budget

    def shows(calls: list[Call]) -> bool:
        if time.monotonic() > give_up:
            return False
        run = start_run()
        try:
            outcome = run.batch(calls)
        finally:
            run.kill()
        return outcome.problem is not None and signature(outcome.problem) == signature(problem)

    for call in reversed(batch):
        if shows([call]):
            return [call]
    calls = list(batch)
    i = 0
    while i < len(calls):
        if shows(calls[:i] + calls[i + 1 :]):
            del calls[i]
        else:
            i += 1
    return calls


def snapshot(freebsd_root: Path) -> dict[str, tuple]:
    """What a write outside the test's directory would change: the FreeBSD root (its tmp/ is
    other tests' scratch space), fuzzer-named entries in the host's / and /tmp, the hostname."""
    state: dict[str, tuple] = {"hostname": (socket.gethostname(),)}
    for top, dirs, files in os.walk(freebsd_root):
        if Path(top) == freebsd_root:
            dirs.remove("tmp")
        for name in dirs + files:
            st = os.lstat(os.path.join(top, name))
            state[os.path.join(top, name)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_uid)
    for place in ("/", "/tmp", freebsd_root / "tmp"):
        for name in os.listdir(place):
            if name.startswith("fz."):
                state[os.path.join(place, name)] = ("created by the fuzzer",)
    return state


def leftovers(directory: Path, wait: float = 10) -> list[int]:
    """Processes whose working directory is inside directory, once those ending have ended."""
    found: list[int] = []

    def none_left() -> bool:
        found.clear()
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and Path(os.readlink(entry / "cwd")).is_relative_to(
                    directory
                ):
                    found.append(int(entry.name))
            except OSError:
                pass
        return not found

    wait_until(none_left, wait)
    return found


def fuzz(start_run, label: str) -> list[str]:
    """Makes CALLS calls; returns the findings, each with its shrunk batch."""
    print(f"\nfuzz {label}: FUZZ_SEED={SEED} FUZZ_CALLS={CALLS}")
    findings: dict[str, tuple[str, list[Call]]] = {}
    results: dict[str, int] = {}
    made = 0
    began = time.monotonic()
    run = start_run()
    for batch in batches(f"{SEED}-{label}"):
        if made >= CALLS:
            break
        outcome = run.batch(batch)
        made += outcome.calls_made
        ended = outcome.result.split(" ")[0] or "no answer"
        results[ended] = results.get(ended, 0) + 1
        if outcome.problem:
            findings.setdefault(signature(outcome.problem), (outcome.problem, batch))
            if run.proc.poll() is not None or outcome.problem.startswith("wedge"):
                run.kill()
                run = start_run()
    problem = run.close()
    if problem:
        findings.setdefault(signature(problem), (problem, []))
    elapsed = time.monotonic() - began
    print(
        f"fuzz {label}: {made} calls in {elapsed:.0f} s ({made / elapsed:.0f} calls/s); batches ended by {results}"
    )
    report = []
    for problem, batch in findings.values():
        smallest = shrink(start_run, batch, problem) if batch else []
        report.append(f"{problem}\n reproduced by the batch:\n{describe(smallest)}")
    return report


@pytest.fixture(scope="module")
def fuzzer(freebsd_programs):
    return freebsd_programs("fuzz_slots")["fuzz_slots"]


@pytest.fixture
def scratch():
    """The test's directory, reachable by the unprivileged uid (pytest's own are root-only)."""
    path = Path(tempfile.mkdtemp(prefix="bsdulator-fuzz-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def unprivileged() -> pwd.struct_passwd:
    return pwd.getpwnam("nobody")


def test_fuzz_unjailed(bsd, freebsd_root, fuzzer, scratch):
    """Unjailed, as an unprivileged uid with only its scratch directory writable."""
    work = scratch / "work"
    work.mkdir()
    drop = []
    if os.geteuid() == 0:
        nobody = unprivileged()
        os.chown(work, nobody.pw_uid, nobody.pw_gid)
        drop = ["-u", str(nobody.pw_uid)]
    env = dict(os.environ, LC_ALL="C", BSDULATOR_STATE_DIR=str(scratch / "state"))
    before = snapshot(freebsd_root)
    findings = fuzz(
        lambda: Run(
            freebsd_root,
            [str(fuzzer), "-d", str(work), *drop],
            scratch,
            env,
            scratch / "stderr",
            work,
        ),
        "unjailed",
    )
    left = leftovers(scratch)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not findings, "\n\n".join(findings)
    assert not left, f"processes left behind: {left}"
    assert snapshot(freebsd_root) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="jails need root (namespaces, cgroups, mounts)")
def test_fuzz_jailed(bsd, freebsd_root, fuzzer, scratch):
    """As root of a jail whose path is a private copy of what the fuzzer needs."""
    jail_root = scratch / "jail"
    for rel in ("libexec/ld-elf.so.1", "lib/libc.so.7"):
        (jail_root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(freebsd_root / rel, jail_root / rel)
    shutil.copy2(fuzzer, jail_root / "fuzz_slots")
    (jail_root / "scratch").mkdir()
    env = {"BSDULATOR_STATE_DIR": str(scratch / "state")}
    jail_tool = freebsd_root / "usr/sbin/jail"
    before = snapshot(freebsd_root)
    made = bsd(jail_tool, "-c", "name=fuzz", f"path={jail_root}", "persist", env=env)
    assert made.returncode == 0, made.stderr
    try:
        argv = [str(freebsd_root / "usr/sbin/jexec"), "fuzz", "/fuzz_slots", "-d", "/scratch"]
        run_env = dict(os.environ, LC_ALL="C", **env)
        findings = fuzz(
            lambda: Run(
                freebsd_root, argv, scratch, run_env, scratch / "stderr", jail_root / "scratch"
            ),
            "jailed",
        )
    finally:
        removed = bsd(jail_tool, "-r", "fuzz", env=env)
        listed = bsd(freebsd_root / "usr/sbin/jls", "jid", env=env)
    assert not findings, "\n\n".join(findings)
    assert removed.returncode == 0, removed.stderr
    assert listed.stdout == b"", "a jail is left behind"
    assert jail_cgroups(env) == "[]", "a jail's cgroup (and processes) are left behind"
    assert snapshot(freebsd_root) == before


INDIRECT_ON_A_BAD_STACK = r"""
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* syscall(2) with the stack pointer at sp: a sixth argument would be read from sp + 8. */
static long indirect_on(long nr, long a0, long a1, long a2, long a3, long a4, uint64_t sp)
{
    long ret;
    register long r10 __asm__("r10") = a2;
    register long r8 __asm__("r8") = a3;
    register long r9 __asm__("r9") = a4;
    register uint64_t r12 __asm__("r12") = sp;

    __asm__ volatile("mov %%rsp, %%r13\n\tmov %%r12, %%rsp\n\tsyscall\n\tmov %%r13, %%rsp"
        : "=a"(ret) : "a"((long)SYS_syscall), "D"(nr), "S"(a0), "d"(a1), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
        : "rcx", "r11", "r13", "memory", "cc");
    return ret;
}

int main(void)
{
    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    uint64_t sp = (uint64_t)(uintptr_t)page + 4096 - 64;

    munmap(page, 4096);
    printf("getpid: %d\n", indirect_on(SYS_getpid, 0, 0, 0, 0, 0, sp) == getpid());
    printf("mmap: efault=%d\n", indirect_on(SYS_mmap, 0, 4096, PROT_READ, MAP_ANON | MAP_PRIVATE, -1, sp) == EFAULT);
    return 0;
}
"""


def test_indirect_call_with_its_stack_unmapped(bsd, freebsd_cc):
    """syscall(2) reads a sixth argument from the stack only for a call that takes six, and an
    unreadable stack is that call's EFAULT (cpu_fetch_syscall_args).  The fuzzer's find:
    syscall(0x100000, …) with the stack pointer in unmapped memory ended the supervisor."""
    r = bsd(freebsd_cc(INDIRECT_ON_A_BAD_STACK, "indirect_bad_stack"))
    assert (r.returncode, r.stdout, r.stderr) == (0, b"getpid: 1\nmmap: efault=1\n", b"")
