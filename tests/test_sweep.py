"""The sweep: every ELF program of the FreeBSD root runs once under bsdulator (`--help`, or a
plausible invocation for the common ones) and none may crash, meet a call bsdulator lacks, or
hit an internal error, unless the allow-list below says why (hardware, data the root lacks, or
a cause another part of the work owns).

Run by itself: `.venv/bin/python -m pytest -q tests/test_sweep.py` (a few minutes on 2 CPUs).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# The directories whose programs a user runs; the root's libraries and rtld are not programs.
PROGRAM_DIRS = ("bin", "sbin", "usr/bin", "usr/sbin", "usr/libexec", "libexec")
LOADER = "libexec/ld-elf.so.1"
TIMEOUT = 30  # seconds per program; one that waits on a device or a peer is killed, not failed
WORKERS = max(2, min(4, os.cpu_count() or 2))

# A plausible invocation of the common programs, run instead of `--help`: (arguments, whether the
# program must also exit with status 0). Paths are inside the root's view.
INVOCATIONS: dict[str, tuple[tuple[str, ...], bool]] = {
    "bin/ls": (("-la", "/"), True),
    "bin/cat": (("/etc/passwd",), True),
    "bin/ps": (("-ax",), True),
    "bin/date": ((), True),
    "bin/df": (("-h",), True),
    "bin/hostname": ((), True),
    "bin/uuidgen": ((), True),
    "bin/kenv": ((), True),
    "bin/getfacl": (("/etc/passwd",), True),
    "bin/sh": (("-c", "echo ok"), True),
    "bin/csh": (("-c", "echo ok"), True),
    "sbin/dmesg": ((), True),
    "sbin/sysctl": (("kern.ostype", "hw.ncpu", "kern.module_path", "net.fibs"), True),
    "sbin/kldstat": ((), True),
    "sbin/ifconfig": (("-a",), True),
    "sbin/mount": ((), True),
    "sbin/swapctl": (("-l",), True),
    # in the sweep's own network namespace lo is down: no route to 127.0.0.1 (ESRCH)
    "sbin/route": (("-n", "get", "127.0.0.1"), False),
    "usr/bin/uptime": ((), True),
    "usr/bin/top": (("-b", "-d1"), True),
    # 10.2's vmstat wants 10.2's 48-byte struct vmtotal, which a 13.x kernel no longer has
    "usr/bin/vmstat": ((), False),
    "usr/sbin/iostat": (("-c1",), True),
    "usr/bin/fstat": ((), True),
    "usr/bin/netstat": (("-rn",), True),
    "usr/bin/procstat": (("-a",), True),
    "usr/bin/id": ((), True),
    "usr/bin/env": ((), True),
    "usr/bin/uname": (("-a",), True),
    "usr/bin/find": (("/etc", "-name", "passwd"), True),
    "usr/bin/awk": (("BEGIN { print 1 }",), True),
    "usr/bin/sed": (("-n", "1p", "/etc/passwd"), True),
    "usr/bin/grep": (("root", "/etc/passwd"), True),
    "usr/bin/wc": (("/etc/passwd",), True),
    "usr/bin/sort": (("/etc/passwd",), True),
    "usr/bin/bsdtar": (("-cf", "/dev/null", "/etc/passwd"), True),
    "usr/sbin/ntptime": ((), True),
    "usr/sbin/swapinfo": ((), True),
    "usr/sbin/pciconf": (("-l",), False),  # /dev/pci: no PCI bus is FreeBSD's here
    "usr/sbin/jls": ((), True),
    "usr/sbin/gstat": (("-b",), False),  # /dev/devstat: no FreeBSD disk statistics
    "usr/bin/rctl": ((), False),  # exits 1: racct is off, as on a GENERIC kernel
}

# Programs that may fail, and why. Owners named here remove their line when their part lands.
HEIMDAL = (
    "the fixture root's mix, not a call: 10.2's Heimdal tools load 10.2's libcrypto.so.7 "
    "and, through 13.5's libkrb5, libcrypto.so.111 into one process; strcmp(NULL) inside "
    "libcrypto.so.7 follows (the fault's return addresses are in both), as on FreeBSD"
)
CAPSICUM = "Capsicum (cap_enter, cap_rights_limit, cap_*_limit) is not served yet (unowned)"
ALLOWED: dict[str, str] = {
    "usr/bin/kadmin": HEIMDAL,
    "usr/bin/kcc": HEIMDAL,
    "usr/bin/kf": HEIMDAL,
    "usr/bin/kgetcred": HEIMDAL,
    "usr/bin/kinit": HEIMDAL,
    "usr/bin/string2key": HEIMDAL,
    "usr/bin/verify_krb5_conf": HEIMDAL,
    "usr/sbin/kstash": HEIMDAL,
    "usr/sbin/ktutil": HEIMDAL,
    "usr/bin/col": CAPSICUM,
    "usr/libexec/locate.bigram": CAPSICUM,
    "usr/sbin/mountd": CAPSICUM,
    "sbin/mksnap_ffs": "nmount(2) is not served: no UFS to snapshot here (unowned)",
}


@dataclass
class Outcome:
    program: str
    args: tuple[str, ...]
    returncode: int | None  # None: killed at the time limit
    stderr: str

    def problem(self, must_succeed: bool) -> str | None:
        """Why this run counts as bsdulator's failure, or None."""
        if self.returncode is not None and self.returncode < 0:
            return f"killed by signal {-self.returncode}"
        for line in self.stderr.splitlines():
            if line.startswith("bsdulator:") and (
                "is not implemented" in line or "internal error" in line or "supervisor" in line
            ):
                return line
            if "Function not implemented" in line:
                return line
        if must_succeed and self.returncode != 0:
            last = self.stderr.strip().splitlines()[-1:] or ["(no message)"]
            return f"exit status {self.returncode}: {last[0]}"
        return None


def root_programs(root: Path) -> list[str]:
    """One path (relative to the root) per ELF executable of the root, hard links counted once
    (by the name INVOCATIONS knows it by, if any)."""
    by_inode: dict[int, str] = {}
    for top in PROGRAM_DIRS:
        for path in sorted((root / top).rglob("*")):
            rel = str(path.relative_to(root))
            if rel == LOADER or path.is_symlink() or not path.is_file():
                continue
            if not os.access(path, os.X_OK):
                continue
            with path.open("rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
            ino = path.stat().st_ino
            if ino not in by_inode or (rel in INVOCATIONS and by_inode[ino] not in INVOCATIONS):
                by_inode[ino] = rel
    return sorted(by_inode.values())


def run_one(root: Path, rel: str, workdir: str, env: dict[str, str]) -> Outcome:
    args = INVOCATIONS.get(rel, (("--help",), False))[0]
    cmd = [sys.executable, "-m", "bsdulator", "--root", str(root), str(root / rel), *args]
    if os.geteuid() == 0 and shutil.which("unshare"):
        # in a network namespace of its own: no program's change reaches the host's network
        cmd = ["unshare", "--net", *cmd]
    try:
        done = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=env,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        return Outcome(rel, args, None, (e.stderr or b"").decode(errors="replace"))
    return Outcome(rel, args, done.returncode, done.stderr.decode(errors="replace")[-4000:])


def sweep(root: Path, programs: list[str]) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="bsdulator-sweep-") as work:
        state = Path(work, "state")
        state.mkdir()
        env = dict(os.environ, LC_ALL="C", BSDULATOR_STATE_DIR=str(state), HOME=work)
        with ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(lambda rel: run_one(root, rel, work, env), programs))


def test_the_root_has_the_programs_the_sweep_expects(freebsd_root):
    programs = root_programs(freebsd_root)
    assert "bin/ls" in programs and "usr/sbin/jls" in programs
    assert not set(INVOCATIONS) - set(programs), "an invocation for a program the root lacks"
    assert not set(ALLOWED) - set(programs), "an allowed program the root lacks"


def test_every_root_program_runs_without_a_bsdulator_failure(freebsd_root, bsd):
    programs = root_programs(freebsd_root)
    failures, fixed = [], []
    for out in sweep(freebsd_root, programs):
        problem = out.problem(INVOCATIONS.get(out.program, ((), False))[1])
        if problem and out.program not in ALLOWED:
            failures.append(f"{out.program} {' '.join(out.args)}: {problem}")
        elif not problem and out.program in ALLOWED:
            fixed.append(out.program)
    report = "\n".join(failures + [f"{p}: on the allow-list but passes now" for p in fixed])
    assert not failures and not fixed, f"{len(failures)} of {len(programs)} programs:\n{report}"
