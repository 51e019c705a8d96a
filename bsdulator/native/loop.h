/* The C fast path: waits for tracee stops and finishes, without Python, every FreeBSD
 * syscall whose table entry is plain data (a Linux number, or sigprocmask's set
 * translation).  Any other stop is handed back to Python. */
enum { BSDU_PYTHON = 0, BSDU_NATIVE = 1, BSDU_SIGPROCMASK = 2 };

struct bsdu_entry {
    int32_t kind;
    int32_t linux_nr;
};

struct bsdu_fast {
    const struct bsdu_entry *table;
    int32_t ntable;
    int32_t enabled;              /* 0: hand every stop to Python (--trace) */
    const int32_t *errno_map;     /* Linux errno -> FreeBSD errno */
    int32_t nerrno;
    const uint8_t *sig_to_linux;  /* FreeBSD signal (0..freebsd_sigmax) -> Linux signal, 0 if none */
    const uint8_t *sig_to_freebsd;/* Linux signal (0..linux_sigmax) -> FreeBSD signal, 0 if none */
    int32_t freebsd_sigmax;       /* _SIG_MAXSIG: a FreeBSD sigset_t holds signals 1..128 */
    int32_t linux_sigmax;         /* the kernel's sigset is one 64-bit word */
    uint64_t carry_flag;          /* the rflags bit FreeBSD's syscall return sets on error */
    uint64_t handled;             /* syscalls finished in C */
    uint64_t supervised_ip;       /* rip while a call the supervisor let through runs (seccomp.py) */
    uint64_t user64_cs;           /* the amd64 `syscall` gate's code segment */
    /* Numbers from abi/ (the loop holds no ABI literal of its own). */
    int32_t linux_enosys;         /* rax at every syscall-enter stop is -ENOSYS */
    int32_t linux_efault;
    int32_t freebsd_einval;       /* what an untranslatable Linux errno becomes */
    int32_t nr_rt_sigprocmask;
    int32_t restart[4];           /* ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK */
    int32_t how_to_linux[4];      /* FreeBSD sigprocmask how (index) -> Linux how, -1 if invalid */
    int32_t red_zone;             /* bytes below rsp the x86-64 ABI lets a function use */
    uint8_t *seen;                /* BSDULATOR_SYSCALL_LOG: FreeBSD numbers already logged, or NULL */
    int32_t log_fd;               /* where a number seen for the first time goes, "nr\n" */
};

struct bsdu_stop {
    int32_t tid;
    int32_t status;
    int32_t regs_valid;           /* a syscall stop: regs hold the thread's registers */
    struct bsdu_regs regs;
};

/* Wait until a stop needs Python; 0 with *out filled, or -1 with errno (ECHILD: none left). */
int bsdu_run(struct bsdu_fast *fast, struct bsdu_stop *out);
/* Python has a call in flight on tid (1) or not (0): its stops are Python's. */
void bsdu_own(int tid, int owned);
/* tid is gone. */
void bsdu_forget(int tid);
/* Where tid's call in flight in C returns to (a child forked by it resumes there), or 0. */
uint64_t bsdu_resume_ip(int tid);
