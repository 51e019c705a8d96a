"""amd64 machine-dependent state: sysarch(2)'s FS/GS/TLS bases (sys_machdep.c) and what fork,
exec and thr_new do to them (tests/freebsd_programs/machdep_*.c)."""

import pytest

from helpers import assert_no_failures

pytestmark = pytest.mark.e2e


@pytest.mark.syscalls("sysarch", "fork", "execve", "sigaltstack", "thr_new", "thr_exit")
def test_fs_gs_and_tls_bases(bsd, freebsd_programs):
    """FreeBSD 15's libthr asks AMD64_GET_TLSBASE (ESRCH: none set) and its libc sets the C
    runtime's base with AMD64_SET_TLSBASE; a base at VM_MAXUSER_ADDRESS is EINVAL."""
    assert_no_failures(bsd(freebsd_programs("machdep_")["machdep_tlsbase"], timeout=120))


@pytest.mark.syscalls("sysarch")
def test_xfpustate_is_the_xsave_area_past_fxsave(bsd, freebsd_programs):
    """libthr's __fillcontextx2 asks for it; the AVX upper halves are where XSAVE puts them."""
    assert_no_failures(bsd(freebsd_programs("machdep_")["machdep_xfpustate"], timeout=120))
