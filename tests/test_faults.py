"""Faults a tracee can cause: each gets FreeBSD's answer and leaves the supervisor serving
(no internal error, no traceback, no wedge).  Programs: tests/freebsd_programs/fault_*.c."""

import os
import shutil
import signal
import struct
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsdulator import elf
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.syscalls import misc, mount

pytestmark = pytest.mark.unit

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr, as <sys/elf64.h> lays it out
PHDR = struct.Struct("<IIQQQQQQ")  # Elf64_Phdr
PT_INTERP = 3  # <sys/elf_common.h>
EFAULT = FREEBSD_ERRNO["EFAULT"]


@pytest.fixture(scope="session")
def programs(freebsd_programs):
    return freebsd_programs("fault_", "-lpthread")


def clean(r) -> bool:
    """Nothing of the supervisor's own on stderr."""
    return (
        b"internal error" not in r.stderr
        and b"Traceback" not in r.stderr
        and b"Exception" not in r.stderr
    )


def passed(r) -> bool:
    return r.returncode == 0 and r.stdout.endswith(b": 0 failures\n") and clean(r)


# -- 1. thr_new with garbage ---------------------------------------------------------------


@pytest.mark.syscalls("thr_new")
def test_thr_new_bad_params_get_freebsd_errno(bsd, programs):
    r = bsd(programs["fault_thr_param"])
    assert passed(r), r.stdout.decode() + r.stderr.decode()


@pytest.mark.syscalls(
    "clock_gettime",
    "fstat",
    "issetugid",
    "mmap",
    "mprotect",
    "munmap",
    "open",
    "read",
    "readlink",
    "sigprocmask",
    "thr_new",
)
def test_thr_new_zeroed_param_starts_a_thread_that_faults(bsd, programs):
    """kern_thr.c accepts it (no tid pointers, tls_base 0): the thread starts at address 0."""
    r = bsd(programs["fault_thr_param"], "zeroed", timeout=60)
    assert r.returncode == -signal.SIGSEGV and clean(r), r.stderr.decode()


# -- 2. execve of a FIFO and other files that are not programs ---------------------------


def _non_programs(tmp_path: Path, root: Path, copy_mode: int) -> tuple[Path, Path, Path, Path]:
    """A FIFO, a directory, a copy of the root's echo with copy_mode, an empty file (all but
    the copy marked executable)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o755)
    directory = tmp_path / "dir"
    directory.mkdir()
    copy = tmp_path / "echo-copy"
    shutil.copy(root / "bin/echo", copy)
    copy.chmod(copy_mode)
    empty = tmp_path / "empty"
    empty.touch(0o755)
    return fifo, directory, copy, empty


@pytest.fixture
def not_programs(tmp_path, freebsd_root, programs):
    """Files FreeBSD refuses to execve: (EACCES ones, ENOEXEC ones)."""
    dynamic = programs["fault_argv"].read_bytes()  # has a PT_INTERP to break
    fifo, directory, not_executable, empty = _non_programs(tmp_path, freebsd_root, 0o644)
    broken = [tmp_path / name for name in MALFORMED]
    for path, mutate in zip(broken, MALFORMED.values(), strict=True):
        path.write_bytes(mutate(dynamic))
        path.chmod(0o755)
    linux = tmp_path / "linux-program"
    shutil.copy(shutil.which("true"), linux)
    return [fifo, directory, not_executable], [empty, linux, *broken]


def _interp_phdr(image: bytes) -> int:
    e = EHDR.unpack_from(image)
    phoff, phentsize, phnum = e[5], e[9], e[10]
    return next(
        phoff + i * phentsize
        for i in range(phnum)
        if PHDR.unpack_from(image, phoff + i * phentsize)[0] == PT_INTERP
    )


def _set(image: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(image)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


# Each breaks what FreeBSD's imgact_elf.c checks (ENOEXEC): offsets are Elf64_Ehdr/Elf64_Phdr's.
MALFORMED = {
    "truncated": lambda image: image[:100],
    "phentsize": lambda image: _set(image, 54, "<H", 32),
    "phnum": lambda image: _set(image, 56, "<H", 0xFFFF),
    "phoff": lambda image: _set(image, 32, "<Q", (1 << 63) + 64),
    "interp-size": lambda image: _set(image, _interp_phdr(image) + 32, "<Q", 5000),  # > MAXPATHLEN
    "interp-unterminated": lambda image: _set(
        image, _interp_phdr(image) + 32, "<Q", PHDR.unpack_from(image, _interp_phdr(image))[5] - 1
    ),
    "interp-offset": lambda image: _set(image, _interp_phdr(image) + 8, "<Q", 1 << 62),
}


@pytest.mark.syscalls("_umtx_op", "execve", "sysarch", "thr_exit")
def test_execve_refuses_non_programs_without_blocking(bsd, programs, not_programs):
    """A FIFO (being opened by another thread), a directory, a non-executable file: EACCES;
    an empty, non-FreeBSD or malformed ELF: ENOEXEC.  Before, the FIFO wedged the supervisor."""
    eacces, enoexec = not_programs
    r = bsd(programs["fault_exec"], *eacces, "--", *enoexec, timeout=60)
    assert passed(r), r.stdout.decode() + r.stderr.decode()


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_elf_parse_of_mutated_headers(programs, data):
    """Any header bytes, read as execve reads them (pread): parsed, not ELF, or MalformedElf;
    never another exception."""
    image = bytearray(programs["fault_argv"].read_bytes())
    phoff, phentsize, phnum = (EHDR.unpack_from(image)[i] for i in (5, 9, 10))
    headers = phoff + phentsize * phnum
    for _ in range(data.draw(st.integers(1, 8))):
        where = data.draw(st.integers(0, headers - 1))
        image[where] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        image = image[: data.draw(st.integers(0, len(image)))]
    fd = os.memfd_create("mutated-elf")
    try:
        os.write(fd, image)
        elf.parse_file(fd)
    except elf.MalformedElf:
        pass
    finally:
        os.close(fd)


# -- 3. copyout into read-only memory -------------------------------------------------------


@pytest.mark.syscalls("sigpending")
def test_copyout_to_read_only_page_is_efault(bsd, programs):
    r = bsd(programs["fault_readonly"])
    assert passed(r), r.stdout.decode() + r.stderr.decode()


# -- 4. death by a signal bsdulator cannot catch ---------------------------------------------


@pytest.mark.parametrize("name", ["KILL", "TERM", "SEGV"])
@pytest.mark.syscalls("getpid", "kill")
def test_exit_status_mirrors_the_killing_signal(bsd, programs, name):
    r = bsd(programs["fault_selfkill"], name)
    assert r.returncode == -getattr(signal, f"SIG{name}") and r.stderr == b"", r.stderr.decode()


# -- 5. handler generators abandoned with their process -------------------------------------


class _Memory:
    """A tracee's memory that is fine until its process is gone."""

    gone = False

    def read(self, addr, size):
        if self.gone:
            raise FreeBSDError(EFAULT, "gone")
        return bytes(size)

    def write(self, addr, data):
        if self.gone:
            raise FreeBSDError(EFAULT, "gone")


def _call():
    return types.SimpleNamespace(
        mem=_Memory(),
        alloc=lambda size: 0x1000,
        proc=types.SimpleNamespace(pid=os.getpid()),
        sup=types.SimpleNamespace(state=lambda kind: kind()),  # a fresh supervisor
    )


@pytest.mark.parametrize(
    "start",
    [
        lambda call: misc.sys_poll(call, 0x2000, 1, -1),
        lambda call: misc.sys_ppoll(call, 0x2000, 1, 0, 0),
        lambda call: mount.sys_statfs(call, 0x3000, 0x4000),
    ],
    ids=["poll", "ppoll", "statfs"],
)
def test_handler_closed_mid_call_raises_nothing(start):
    """The engine drops a call whose thread died (or whose call restarts): closing its
    generator must neither yield nor raise ("Exception ignored in: <generator sys_poll>")."""
    call = _call()
    gen = start(call)
    next(gen)
    if gen.gi_frame.f_code.co_name == "sys_statfs":
        gen.send(3)  # the O_PATH descriptor; now in fstatfs
    call.mem.gone = True
    gen.close()


def test_process_killed_in_poll(programs):
    """The child is SIGKILLed while blocked in poll; the parent carries on: nothing on stderr."""
    p = subprocess.Popen(
        [sys.executable, "-m", "bsdulator", programs["fault_poll_killed"]],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        child = int(p.stdout.readline())
        poll_nr = b"7 "  # Linux x86-64 poll(2): what /proc/PID/syscall shows while it blocks
        while not Path(f"/proc/{child}/syscall").read_bytes().startswith(poll_nr):
            pass
        os.kill(child, signal.SIGKILL)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
    assert (p.returncode, out, err) == (0, f"child killed by {signal.SIGKILL}\n".encode(), b"")


# -- 6. arguments are bytes ----------------------------------------------------------------


def _run_bytes(*args):
    """bsdulator with bytes arguments (the bsd fixture's are strings)."""
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"bsdulator", *args],
        cwd=REPO,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_non_utf8_arguments_and_program_path(programs, tmp_path, freebsd_root):
    weird = tmp_path / os.fsdecode(b"prog\xfe")
    shutil.copy(programs["fault_argv"], weird)
    r = _run_bytes(
        b"--root", os.fsencode(freebsd_root), os.fsencode(weird), b"\xff\xfe", "é".encode()
    )
    assert r.returncode == 0 and clean(r), r.stderr.decode(errors="replace")
    assert r.stdout.decode().split() == [os.fsencode(weird).hex(), "fffe", "é".encode().hex()]
    echo = _run_bytes(os.fsencode(freebsd_root / "bin/echo"), b"\xff\xfe")
    assert (echo.returncode, echo.stdout) == (0, b"\xff\xfe\n")


# -- 7. bad command lines ------------------------------------------------------------------


def _cli_cases(tmp_path: Path, root: Path, dynamic: Path):
    incomplete = tmp_path / "incomplete-root"
    (incomplete / "libexec").mkdir(parents=True)
    fifo, directory, unreadable, empty = _non_programs(tmp_path, root, 0)
    truncated = tmp_path / "truncated"
    truncated.write_bytes((root / "bin/echo").read_bytes()[:100])
    truncated.chmod(0o755)
    bad_interpreter = tmp_path / "bad-interpreter"
    bad_interpreter.write_bytes(
        dynamic.read_bytes().replace(b"/libexec/ld-elf.so.1\0", b"/libexec/ld-elf.so.X\0")
    )
    bad_interpreter.chmod(0o755)
    echo = root / "bin/echo"
    return {
        "missing-root": (["--root", tmp_path / "none", echo], b"does not exist"),
        "incomplete-root": (["--root", incomplete, echo], b"incomplete"),
        "missing-program": (["--root", root, root / "bin/no-such"], b"not found"),
        "missing-program-in-root": ([root / "bin/no-such"], b"not found"),
        "linux-program": (["--root", root, shutil.which("true")], b"not a FreeBSD/amd64 program"),
        "directory": (["--root", root, directory], b"directory"),
        "unreadable": (["--root", root, unreadable], b"not executable"),
        "fifo": (["--root", root, fifo], b"not a regular file"),
        "empty": (["--root", root, empty], b"not an ELF file"),
        "truncated-elf": (["--root", root, truncated], b"malformed ELF"),
        "bad-interpreter": (
            ["--root", root, bad_interpreter],
            b"interpreter /libexec/ld-elf.so.X is missing",
        ),
        "cpus": (["--cpus", "two", echo], b"--cpus"),
        "format": (["--coverage", "--format", "xml"], b"--format"),
        "unknown-option": (["--bogus", echo], b"--bogus"),
    }


CLI_CASES = [
    "missing-root",
    "incomplete-root",
    "missing-program",
    "missing-program-in-root",
    "linux-program",
    "directory",
    "unreadable",
    "fifo",
    "empty",
    "truncated-elf",
    "bad-interpreter",
    "cpus",
    "format",
    "unknown-option",
]


@pytest.mark.parametrize("case", CLI_CASES)
def test_bad_command_line_is_one_line_and_exit_2(bsd, freebsd_root, programs, tmp_path, case):
    args, says = _cli_cases(tmp_path, freebsd_root, programs["fault_argv"])[case]
    env = {"BSDULATOR_ROOT": ""}  # the root comes from the command line or the program's path
    r = bsd(*args, cwd=tmp_path, env=env, timeout=60)
    lines = r.stderr.splitlines()
    assert (r.returncode, len(lines)) == (2, 1) and says in r.stderr and clean(r), r.stderr.decode()
    assert b"FreeBSD root" not in r.stderr or case.endswith("root"), r.stderr.decode()


# -- signal frames are user memory too ------------------------------------------------------


@pytest.mark.syscalls("sigaltstack", "thr_kill")
def test_signal_frame_on_read_only_stack_kills_with_sigill(bsd, programs):
    r = bsd(programs["fault_sigframe"])
    assert (r.returncode, r.stdout) == (-signal.SIGILL, b"") and clean(r), r.stderr.decode()


@pytest.mark.syscalls("poll", "setitimer", "sigreturn")
def test_poll_interrupted_keeps_the_callers_events(bsd, programs):
    """The abandoned poll's clean-up runs before the program goes on."""
    r = bsd(programs["fault_poll_interrupted"])
    assert passed(r), r.stdout.decode() + r.stderr.decode()
