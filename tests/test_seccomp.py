"""The seccomp filter every FreeBSD process runs under (bsdulator/seccomp.py): its numbers
against Linux's headers, its decisions by a classic-BPF interpreter, and the kernel's verdict
on an untraced process under it."""

import errno
import os
import signal
import struct

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bsdulator import seccomp
from bsdulator.abi.flags import LINUX_CLONE_FLAGS
from bsdulator.abi.linux_syscalls import LINUX_NR
from bsdulator.abi.seccomp import (
    LINUX_AUDIT_ARCH,
    LINUX_BPF,
    LINUX_SECCOMP,
    LINUX_USER64_CS,
    LINUX_X32_SYSCALL_BIT,
    SECCOMP_DATA_OFFSETS,
)
from header_macros import linux_values, requires_gcc

pytestmark = pytest.mark.unit

X86_64, I386 = LINUX_AUDIT_ARCH["AUDIT_ARCH_X86_64"], LINUX_AUDIT_ARCH["AUDIT_ARCH_I386"]
X32 = LINUX_X32_SYSCALL_BIT["__X32_SYSCALL_BIT"]
UNTRACED = LINUX_CLONE_FLAGS["CLONE_UNTRACED"]
ALLOW, KILL = seccomp.ALLOW, seccomp.KILL
ERRNO = LINUX_SECCOMP["SECCOMP_RET_ERRNO"]


@requires_gcc
def test_seccomp_data_layout_matches_linux_headers():
    """The numbers of abi/seccomp.py are abi_manifest.py rows; here what the filter reads."""
    offsets = {
        f"offsetof(struct seccomp_data, {name})": value
        for name, value in SECCOMP_DATA_OFFSETS.items()
    }
    got = linux_values(["stddef.h", "linux/seccomp.h"], offsets)
    assert got == offsets
    row = {"sizeof(struct sock_filter)": seccomp.ROW_SIZE}
    assert linux_values(["linux/filter.h"], row) == row


def test_user64_code_segment_is_the_one_processes_run_in():
    """A stopped traced child shows the 64-bit user code segment in its registers."""
    from bsdulator import ptrace

    pid = os.fork()
    if pid == 0:
        try:
            ptrace.ptrace(ptrace.PTRACE_TRACEME, 0)
            os.kill(os.getpid(), signal.SIGSTOP)
        finally:
            os._exit(0)
    try:
        os.waitpid(pid, 0)
        regs = ptrace.new_regs()
        assert ptrace.getregs(pid, regs)
        assert regs.cs == LINUX_USER64_CS
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def run_filter(nr: int, arch: int, ip: int, args=(0,) * 6, program: bytes | None = None) -> int:
    """What the kernel's classic BPF machine returns for this seccomp_data."""
    data = struct.pack("<iIQ6Q", nr, arch, ip, *args)
    ld = LINUX_BPF["BPF_LD"] | LINUX_BPF["BPF_W"] | LINUX_BPF["BPF_ABS"]
    jeq = LINUX_BPF["BPF_JMP"] | LINUX_BPF["BPF_JEQ"]
    jset = LINUX_BPF["BPF_JMP"] | LINUX_BPF["BPF_JSET"]
    ret = LINUX_BPF["BPF_RET"]
    rows = list(struct.iter_unpack("<HBBI", seccomp.filter_bytes() if program is None else program))
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = rows[pc]
        if code == ld:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == ret:
            return k
        elif code in (jeq, jset):
            hit = acc == k if code == jeq else bool(acc & k)
            pc += jt if hit else jf
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")
        pc += 1


def expected(nr: int, arch: int, ip: int, flags: int) -> int:
    """The filter's rules, written out plainly."""
    if nr & 0xFFFFFFFF == seccomp.CANCELLED:
        return ALLOW
    if arch != X86_64 or nr & X32:
        return KILL
    if nr in (LINUX_NR["execve"], LINUX_NR["exit_group"]):
        return ALLOW
    if ip != seccomp.SUPERVISED_IP:
        return KILL
    if nr == LINUX_NR["clone3"]:
        return ERRNO | errno.ENOSYS
    if nr == LINUX_NR["clone"] and flags & UNTRACED:
        return ERRNO | errno.EPERM
    return ALLOW


SUPERVISED = seccomp.SUPERVISED_IP
IPS = st.one_of(
    st.just(SUPERVISED),
    st.just(SUPERVISED ^ 1),
    st.just(SUPERVISED & 0xFFFFFFFF),
    st.just(SUPERVISED & ~0xFFFFFFFF),
    st.integers(0, 2**64 - 1),
)
NRS = st.one_of(
    st.sampled_from([0, 1, 21, 56, 59, 60, 231, 435, 0xFFFFFFFF, X32 | 39, X32 | 59]),
    st.integers(0, 2**32 - 1),
)


@given(nr=NRS, arch=st.sampled_from([X86_64, I386, 0]), ip=IPS, flags=st.integers(0, 2**64 - 1))
@example(nr=21, arch=I386, ip=SUPERVISED, flags=0)  # i386 mount, as int $0x80 reached it
@example(nr=LINUX_NR["clone"], arch=X86_64, ip=SUPERVISED, flags=UNTRACED | signal.SIGCHLD)
@example(nr=LINUX_NR["clone"], arch=X86_64, ip=SUPERVISED, flags=signal.SIGCHLD)
@example(nr=LINUX_NR["clone3"], arch=X86_64, ip=SUPERVISED, flags=0)
@example(nr=LINUX_NR["getpid"], arch=X86_64, ip=0x401002, flags=0)
@example(nr=X32 | 39, arch=X86_64, ip=SUPERVISED, flags=0)
@example(nr=LINUX_NR["execve"], arch=X86_64, ip=0x401002, flags=0)
@example(nr=LINUX_NR["execve"], arch=I386, ip=SUPERVISED, flags=0)
@example(nr=LINUX_NR["exit_group"], arch=X86_64, ip=0x401002, flags=0)
@example(nr=LINUX_NR["exit"], arch=X86_64, ip=0x401002, flags=0)
def test_filter_decisions(nr, arch, ip, flags):
    signed_nr = nr - (1 << 32) if nr >= 1 << 31 else nr
    assert run_filter(signed_nr, arch, ip, (flags, 0, 0, 0, 0, 0)) == expected(nr, arch, ip, flags)


def _exec_filtered_status(path: str) -> int:
    """The wait status of a child that execs path under the filter, with no tracer."""
    from bsdulator.supervisor import _exec_filtered

    pid = os.fork()
    if pid == 0:
        try:
            _exec_filtered(path, [os.path.basename(path)], {})
        finally:
            os._exit(127)
    return os.waitpid(pid, 0)[1]


def test_an_untraced_process_under_the_filter_can_make_no_call():
    """The filter alone, no tracer: the exec'd program's first call comes from its own code,
    not from the supervisor, and the kernel kills it (SIGSYS) before it runs."""
    status = _exec_filtered_status("/bin/true")
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSYS


def test_a_failed_exec_under_the_filter_exits_with_its_errno():
    """Under the filter a failed execve can only end the child: its errno is the exit code."""
    status = _exec_filtered_status("/nonexistent/program")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == errno.ENOENT


@pytest.mark.e2e
def test_a_program_the_view_cannot_exec_is_one_line(bsd, freebsd_root):
    """The root's /tmp is hidden under the host's in the view: the program exists on the host
    but not where the child execs it.  One line, exit 2, not a silent SIGSYS."""
    import shutil

    hidden = freebsd_root / "tmp" / f"hidden-echo-{os.getpid()}"
    shutil.copy2(freebsd_root / "bin" / "echo", hidden)
    try:
        r = bsd(hidden, "hi")
    finally:
        hidden.unlink()
    assert r.returncode == 2 and r.stdout == b""
    assert (
        r.stderr.decode().count("\n") == 1 and "No such file or directory" in r.stderr.decode()
    ), r.stderr


NAMESPACE_FLAGS = [f for f in LINUX_CLONE_FLAGS if f.startswith("CLONE_NEW")]


@given(
    nr=st.one_of(st.sampled_from(sorted(LINUX_NR.values())), st.integers(0, 2**32 - 1)),
    flags=st.one_of(
        st.integers(0, 2**64 - 1),
        st.sampled_from([signal.SIGCHLD, 0x3D0F00]),
        st.sampled_from(NAMESPACE_FLAGS).map(lambda f: LINUX_CLONE_FLAGS[f] | signal.SIGCHLD),
    ),
)
@example(nr=LINUX_NR["mount"], flags=0)
@example(nr=LINUX_NR["setns"], flags=0)
@example(nr=LINUX_NR["chroot"], flags=0)
@example(nr=LINUX_NR["clone"], flags=LINUX_CLONE_FLAGS["CLONE_NEWUSER"] | signal.SIGCHLD)
def test_jail_filter_decisions(nr, flags):
    """A jailed process: the calls prison_priv_check keeps from a jail are EPERM, and clone
    may not make namespaces; everything else is left to the first filter and the supervisor."""
    got = run_filter(
        nr - (1 << 32) if nr >= 1 << 31 else nr,
        X86_64,
        SUPERVISED,
        (flags, 0, 0, 0, 0, 0),
        seccomp.jail_filter_bytes(),
    )
    names = {v: k for k, v in LINUX_NR.items()}
    denied = names.get(nr) in seccomp.JAIL_DENIED
    makes_namespaces = nr == LINUX_NR["clone"] and flags & 0xFFFFFFFF & seccomp.NEW_NAMESPACES
    assert got == (ERRNO | errno.EPERM if denied or makes_namespaces else ALLOW)


def test_jail_filter_names_real_calls():
    assert set(seccomp.JAIL_DENIED) <= set(LINUX_NR)
    # jails need or have these
    assert {"setns", "chroot", "clone", "kcmp"}.isdisjoint(seccomp.JAIL_DENIED)
