"""Statically linked FreeBSD programs: no PT_INTERP, so the entry state bsdulator builds
(bsdulator/startup.py) is all their start code sees, and their libc sets the FS base itself
with sysarch(AMD64_SET_FSBASE) before any thread-local access."""

import subprocess
import sys

import pytest

from helpers import PROGRAMS, freebsd_cc_command

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def freestanding(freebsd_builder, tmp_path_factory):
    """tests/freebsd_programs/static_freestanding.c, compiled without libc and linked
    -nostdlib -static with its own _start (zig's driver would add FreeBSD's crt1)."""
    where = tmp_path_factory.mktemp("freestanding")
    obj, exe = where / "static_freestanding.o", where / "static_freestanding"
    src = PROGRAMS / "static_freestanding.c"
    subprocess.run(
        freebsd_cc_command("-O2", "-ffreestanding", "-c", str(src), "-o", str(obj)), check=True
    )
    link = [sys.executable, "-m", "ziglang", "ld.lld", "-static", "-nostdlib", "-e", "_start"]
    subprocess.run([*link, str(obj), "-o", str(exe)], check=True)
    return exe


@pytest.mark.syscalls("write", "_exit")
def test_freestanding_program_sees_argc_argv_environment_and_auxv(bsd, freestanding):
    """FreeBSD's exec_setregs: %rdi is the initial stack (argc, argv, NULL, envp, NULL, auxv),
    the other registers but %rsp zero; the auxv has imgact_elf.c's entries."""
    r = bsd(freestanding, "one", "two words", "", env={"ONLY_HERE": "x y"})
    out = r.stdout.decode()
    assert r.returncode == 4, r.stderr.decode()  # it exits with argc
    lines = out.splitlines()
    assert lines[1:6] == [
        "argc=4",
        f"argv[0]={freestanding}",
        "argv[1]=one",
        "argv[2]=two words",
        "argv[3]=",
    ]
    assert "env=ONLY_HERE=x y" in lines
    assert "AT_PAGESZ=4096" in lines
    assert f"AT_EXECPATH={freestanding}" in lines
    assert "AT_ENTRY=set" in lines
    assert "registers=clear" in lines
    assert {"AT_USRSTACKBASE=above", "AT_USRSTACKLIM=set"} <= set(lines)


@pytest.mark.syscalls("sysarch")
def test_static_ar_builds_and_lists_an_archive(bsd, freebsd_root, tmp_path):
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "b.txt").write_text("two\n")
    ar = freebsd_root / "usr/bin/ar"
    assert bsd(ar, "--version").stdout.startswith(b"BSD ar ")
    made = bsd(ar, "rc", "lib.a", "a.txt", "b.txt", cwd=tmp_path)
    assert made.returncode == 0, made.stderr.decode()
    listed = bsd(ar, "t", "lib.a", cwd=tmp_path)
    assert listed.stdout.decode().split() == ["a.txt", "b.txt"]
    indexed = bsd(freebsd_root / "usr/bin/ranlib", "lib.a", cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr.decode()


@pytest.mark.syscalls("sysarch")
def test_static_nologin_refuses(bsd, freebsd_root):
    r = bsd(freebsd_root / "usr/sbin/nologin")
    assert (r.returncode, r.stdout) == (1, b"This account is currently not available.\n")


@pytest.mark.syscalls("sysarch", "_exit")
def test_static_as_and_ld_make_a_program_that_runs(bsd, freebsd_root, tmp_path):
    """The root's static binutils assemble and link a FreeBSD program, which then runs."""
    (tmp_path / "x.s").write_text(
        "\t.globl _start\n_start:\n\tmovq $42, %rdi\n\tmovq $1, %rax\n\tsyscall\n"
    )
    for tool in ("as", "ld"):
        version = bsd(freebsd_root / "usr/bin" / tool, "--version")
        assert version.stdout.startswith(b"GNU "), version.stderr.decode()
    assembled = bsd(freebsd_root / "usr/bin/as", "-o", "x.o", "x.s", cwd=tmp_path)
    assert assembled.returncode == 0, assembled.stderr.decode()
    linked = bsd(freebsd_root / "usr/bin/ld", "-o", "prog", "x.o", cwd=tmp_path)
    assert linked.returncode == 0, linked.stderr.decode()
    ran = bsd("--root", freebsd_root, tmp_path / "prog", cwd=tmp_path)
    assert ran.returncode == 42, ran.stderr.decode()  # SYS_exit(42)


@pytest.mark.syscalls("sysarch")
def test_static_make_runs_a_makefile(bsd, freebsd_root, tmp_path):
    # -r: the fixture root has no /usr/share/mk/sys.mk
    (tmp_path / "Makefile").write_text("all:\n\t@echo made $(WHAT)\n")
    r = bsd(freebsd_root / "usr/bin/make", "-r", "WHAT=it", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, b"made it\n"), r.stderr.decode()


@pytest.mark.syscalls("sysarch", "__sysctl")
def test_static_devd_checks_its_sysctl_then_parses_options(bsd, freebsd_root):
    """devd reads hw.bus.devctl_queue before its options: then an unknown one is usage."""
    r = bsd(freebsd_root / "sbin/devd", "-h")
    err = r.stderr.decode()
    assert r.returncode == 1 and "usage: devd" in err, err
