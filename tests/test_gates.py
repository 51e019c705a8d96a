"""Syscall gates other than amd64 `syscall` (issue 9, escape 1), tried from a FreeBSD program
unjailed and as root inside a jail: int $0x80 aimed at i386 mount and clone, a forged int
$0x80 the tracer cannot tell from `syscall`, an x32-numbered call, and int $0x80 from a
32-bit code segment.  FreeBSD's answer for a call it has no slot for is SIGSYS, then ENOSYS;
where the tracer is fooled the seccomp filter kills the process with SIGSYS.  Nothing is
mounted and no untraced process appears."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from helpers import wait_until

pytestmark = pytest.mark.e2e

FREEBSD_ENOSYS = 78
REFUSED = f"rax={FREEBSD_ENOSYS} cf=1 sigsys=1 entries=0"
# The CPU may refuse an instruction itself: sysenter in 64-bit mode on AMD, `syscall` in a
# 32-bit segment on Intel (or where the kernel offers no 32-bit `syscall` entry).
CPU_REFUSES = {signal.SIGILL, signal.SIGSEGV}
# mode -> the line the program prints, or the signals it may die of
MODES = {
    "int80-mount": REFUSED,
    "int80-clone": REFUSED,
    "x32": REFUSED,
    "int80-forged": {signal.SIGSYS},
    "compat32": {signal.SIGSYS},
    "compat32-syscall": {signal.SIGSYS} | CPU_REFUSES,
    "sysenter": {signal.SIGSYS} | CPU_REFUSES,
}


@pytest.fixture(scope="module")
def gate_program(freebsd_programs):
    return freebsd_programs("gate_")["gate_escape"]


def mountinfo() -> set[str]:
    """The host's devtmpfs mounts: what the i386 mount the attacks aim at would add (other
    tests may mount other things meanwhile)."""
    with open("/proc/self/mountinfo") as f:
        return {line for line in f if " - devtmpfs " in line}


def check(result, mode: str, mounts_before: set[str]) -> None:
    want = MODES[mode]
    if isinstance(want, set):  # bsdulator ends as its program did: killed by the same signal
        assert -result.returncode in want, (result.returncode, result.stdout, result.stderr)
        assert result.stdout == b""
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().strip() == want
    assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr
    assert mountinfo() == mounts_before


@pytest.mark.parametrize("mode", MODES)
def test_foreign_gate_unjailed(bsd, gate_program, tmp_path, mode):
    target = tmp_path / "mnt"
    target.mkdir()
    mounts = mountinfo()
    check(bsd(gate_program, mode, target, timeout=60), mode, mounts)
    assert list(target.iterdir()) == []


@pytest.fixture(scope="module")
def gate_jail(freebsd_root, bsd, tmp_path_factory, gate_program):
    """A persistent jail on the test root, with the program in its /tmp; removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("jails need root (namespaces, cgroups, mounts)")
    env = {"BSDULATOR_STATE_DIR": str(tmp_path_factory.mktemp("gate-state"))}
    tag = f"gate-{os.getpid()}"
    shutil.copy2(gate_program, freebsd_root / "tmp" / tag)
    name = f"gate{os.getpid()}"
    jail = freebsd_root / "usr/sbin/jail"
    assert (
        bsd(jail, "-c", f"name={name}", f"path={freebsd_root}", "persist", env=env).returncode == 0
    )

    def jexec(*args):
        return bsd(freebsd_root / "usr/sbin/jexec", name, *args, env=env, timeout=60)

    jexec.name, jexec.env = name, env
    try:
        yield jexec, f"/tmp/{tag}", freebsd_root / "tmp"
    finally:
        bsd(jail, "-r", name, env=env)
        (freebsd_root / "tmp" / tag).unlink(missing_ok=True)


@pytest.mark.root
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.syscalls("freebsd11_statfs")
def test_foreign_gate_in_a_jail(gate_jail, mode):
    jexec, program, host_tmp = gate_jail
    target = f"/tmp/gate-mnt-{os.getpid()}-{mode}"
    (host_tmp / target.rsplit("/", 1)[1]).mkdir(exist_ok=True)
    try:
        mounts = mountinfo()
        check(jexec(program, mode, target), mode, mounts)
        # A mount in the jail's own namespace would outlive the program: look from a new one.
        seen = jexec("/bin/ls", "-A", target)
        assert seen.returncode == 0 and seen.stdout == b""
        procs = jexec("/bin/ps", "-ax", "-o", "comm")
        assert procs.stdout.decode().split()[1:] == ["ps"]
    finally:
        shutil.rmtree(host_tmp / target.rsplit("/", 1)[1], ignore_errors=True)


@pytest.mark.root
@pytest.mark.syscalls("jail_attach")
def test_jailed_processes_run_under_both_filters(gate_jail, freebsd_root):
    """Every FreeBSD process has the supervisor's filter; a jailed one has stacked the jail's
    (bsdulator/seccomp.py) at jail_attach.  Read from the host's /proc."""
    jexec, _program, _tmp = gate_jail
    naptime = f"600.{os.getpid()}"
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bsdulator",
            freebsd_root / "usr/sbin/jexec",
            jexec.name,
            "/bin/sleep",
            naptime,
        ],
        env=dict(os.environ, **jexec.env),
    )
    try:
        wanted = [b"/bin/sleep", naptime.encode()]
        pid = wait_until(
            lambda: next(
                (int(d) for d in os.listdir("/proc") if d.isdigit() and _cmdline(d) == wanted), None
            ),
            20,
        )
        assert pid, "the jailed sleep never started"
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":\t", 1) for line in f if ":\t" in line)
        assert status["Seccomp"].strip() == "2" and status["Seccomp_filters"].strip() == "2"
    finally:
        p.kill()
        p.wait()


def _cmdline(pid: str) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except OSError:
        return []
