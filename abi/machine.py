"""amd64 facts both kernels share or FreeBSD's machine headers state: pages, flags, sysarch, the
call convention."""

# FreeBSD machine/param.h: the base page and the two superpage sizes hw.pagesizes lists.
FREEBSD_PAGE_SIZES = {"PAGE_SIZE": 4096, "NBPDR": 1 << 21, "NBPDP": 1 << 30}

# FreeBSD machine/psl.h: rflags bits sendsig and sigreturn look at.
FREEBSD_PSL = {
    "PSL_C": 0x00000001,
    "PSL_PF": 0x00000004,
    "PSL_AF": 0x00000010,
    "PSL_Z": 0x00000040,
    "PSL_N": 0x00000080,
    "PSL_T": 0x00000100,
    "PSL_D": 0x00000400,
    "PSL_V": 0x00000800,
}

# FreeBSD machine/sysarch.h.
FREEBSD_SYSARCH = {
    "AMD64_GET_FSBASE": 128,
    "AMD64_SET_FSBASE": 129,
    "AMD64_GET_GSBASE": 130,
    "AMD64_SET_GSBASE": 131,
    "AMD64_GET_XFPUSTATE": 132,
    "AMD64_GET_TLSBASE": 135,
    "AMD64_SET_TLSBASE": 136,
    "AMD64_DISABLE_TLSBASE": 137,
}

# Linux asm/prctl.h.
LINUX_ARCH_PRCTL = {
    "ARCH_SET_GS": 0x1001,
    "ARCH_SET_FS": 0x1002,
    "ARCH_GET_FS": 0x1003,
    "ARCH_GET_GS": 0x1004,
}

# The System V amd64 psABI (3.2.2): 128 bytes below rsp that a signal frame or the supervisor
# must not touch; FreeBSD's sendsig skips them the same way (sys/amd64/amd64/exec_machdep.c).
# No header names it.
RED_ZONE = 128

# syscall(2): six arguments, in rdi, rsi, rdx, r10, r8, r9, on both kernels.
SYSCALL_ARGS = 6
