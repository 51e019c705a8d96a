"""Linux ptrace(2), wait(2) and prctl(2) numbers the supervisor uses (linux/ptrace.h,
linux/wait.h, linux/prctl.h)."""

LINUX_PTRACE_REQUESTS = {
    "PTRACE_TRACEME": 0,
    "PTRACE_CONT": 7,
    "PTRACE_KILL": 8,
    "PTRACE_GETFPREGS": 14,
    "PTRACE_SETFPREGS": 15,
    "PTRACE_DETACH": 17,
    "PTRACE_SYSCALL": 24,
    "PTRACE_SETOPTIONS": 0x4200,
    "PTRACE_GETEVENTMSG": 0x4201,
    "PTRACE_GETSIGINFO": 0x4202,
    "PTRACE_GETREGSET": 0x4204,
    "PTRACE_INTERRUPT": 0x4207,
    "PTRACE_LISTEN": 0x4208,
}

LINUX_PTRACE_OPTIONS = {
    "PTRACE_O_TRACESYSGOOD": 0x01,
    "PTRACE_O_TRACEFORK": 0x02,
    "PTRACE_O_TRACEVFORK": 0x04,
    "PTRACE_O_TRACECLONE": 0x08,
    "PTRACE_O_TRACEEXEC": 0x10,
    "PTRACE_O_EXITKILL": 0x100000,
}

LINUX_PTRACE_EVENTS = {
    "PTRACE_EVENT_FORK": 1,
    "PTRACE_EVENT_VFORK": 2,
    "PTRACE_EVENT_CLONE": 3,
    "PTRACE_EVENT_EXEC": 4,
    "PTRACE_EVENT_STOP": 128,
}

# Under PTRACE_O_TRACESYSGOOD a syscall stop reports SIGTRAP | 0x80 (ptrace(2)); no header
# names the bit.
SYSGOOD_STOP_BIT = 0x80

# What PTRACE_GETFPREGS and PTRACE_GETSIGINFO copy out.
LINUX_PTRACE_SIZES = {"sizeof(struct user_fpregs_struct)": 512, "sizeof(siginfo_t)": 128}

LINUX_WAIT = {"WNOHANG": 1, "__WALL": 0x40000000}

LINUX_PRCTL_PROCESS = {"PR_SET_PDEATHSIG": 1, "PR_SET_CHILD_SUBREAPER": 36}

# linux/elf.h: the regset PTRACE_GETREGSET reads a thread's XSAVE area from (standard format).
LINUX_NT = {"NT_X86_XSTATE": 0x202}
# Room for any XSAVE area (AMX's tile data makes it about 11 KiB); the kernel says how much it used.
LINUX_XSTATE_BUFFER = 1 << 16
