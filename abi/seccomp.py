"""Linux seccomp, classic BPF and x86-64 entry facts the supervisor's filter is built from
(<linux/seccomp.h>, <linux/filter.h>, <linux/audit.h>, <asm/unistd.h>, <asm/processor-flags.h>)."""

LINUX_SECCOMP = {
    "SECCOMP_SET_MODE_FILTER": 1,
    "SECCOMP_RET_KILL_PROCESS": 0x80000000,
    "SECCOMP_RET_ERRNO": 0x00050000,
    "SECCOMP_RET_ALLOW": 0x7FFF0000,
}

# Classic BPF opcodes: class | size | mode, and jump/return forms.
LINUX_BPF = {
    "BPF_LD": 0x00,
    "BPF_JMP": 0x05,
    "BPF_RET": 0x06,
    "BPF_W": 0x00,
    "BPF_ABS": 0x20,
    "BPF_JEQ": 0x10,
    "BPF_JSET": 0x40,
    "BPF_K": 0x00,
}

LINUX_AUDIT_ARCH = {
    "AUDIT_ARCH_X86_64": 0xC000003E,
    "AUDIT_ARCH_I386": 0x40000003,
}

# A syscall number with this bit set is an x32 call (the ILP32 ABI on the 64-bit gate).
LINUX_X32_SYSCALL_BIT = {"__X32_SYSCALL_BIT": 0x40000000}

# struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
SECCOMP_DATA_OFFSETS = {"nr": 0, "arch": 4, "instruction_pointer": 8, "args": 16}

# The flat 64-bit user code segment: a `syscall` made from any other (a far jump to the
# 32-bit one, 0x23) is not the amd64 gate.  arch/x86/include/asm/segment.h, not UAPI.
LINUX_USER64_CS = 0x33
