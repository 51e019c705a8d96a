#include <stdio.h>

#define THREADS 8192  /* open-addressing slots; live traced threads are far fewer */

struct thread_state {
    int32_t tid;            /* 0 empty, -1 deleted */
    uint8_t owned;
    uint8_t fast;           /* BSDU_NATIVE / BSDU_SIGPROCMASK call in flight */
    uint64_t nr;            /* the FreeBSD orig_rax of that call */
    uint64_t args[4];       /* rdi, rsi, rdx, r10 as the program passed them */
    uint64_t scratch;       /* tracee address of the Linux sigsets */
    uint64_t rip;           /* where the call returns to: rip is supervised_ip meanwhile */
};

static struct thread_state threads[THREADS];

static struct thread_state *slot(int tid, int create)
{
    unsigned h = ((unsigned)tid * 2654435761u) % THREADS;
    struct thread_state *free_slot = NULL;
    for (unsigned i = 0; i < THREADS; i++) {
        struct thread_state *s = &threads[(h + i) % THREADS];
        if (s->tid == tid)
            return s;
        if (s->tid == -1 && !free_slot)
            free_slot = s;
        if (s->tid == 0) {
            if (!create)
                return NULL;
            s = free_slot ? free_slot : s;
            memset(s, 0, sizeof *s);
            s->tid = tid;
            return s;
        }
    }
    return NULL;
}

void bsdu_own(int tid, int owned)
{
    struct thread_state *s = slot(tid, owned);
    if (s)
        s->owned = (uint8_t)owned;
}

void bsdu_forget(int tid)
{
    struct thread_state *s = slot(tid, 0);
    if (s)
        s->tid = -1;
}

uint64_t bsdu_resume_ip(int tid)
{
    struct thread_state *s = slot(tid, 0);
    return s && s->fast ? s->rip : 0;
}

/* Entered through the amd64 `syscall` instruction from 64-bit code: it leaves the return
 * address in rcx and the flags in r11.  Anything else (int $0x80, sysenter, a 32-bit code
 * segment) is not a FreeBSD call; Python answers it (the seccomp filter kills it anyway). */
static int amd64_gate(const struct bsdu_fast *f, const struct bsdu_regs *r)
{
    return r->cs == f->user64_cs && r->rcx == r->rip && r->r11 == r->eflags;
}

static uint64_t sigset_to_linux(const struct bsdu_fast *f, const uint32_t bits[4])
{
    uint64_t out = 0;
    for (int sig = 1; sig <= f->freebsd_sigmax; sig++)
        if (bits[(sig - 1) / 32] & (1u << ((sig - 1) % 32)) && f->sig_to_linux[sig])
            out |= 1ULL << (f->sig_to_linux[sig] - 1);
    return out;
}

static void sigset_to_freebsd(const struct bsdu_fast *f, uint64_t mask, uint32_t bits[4])
{
    memset(bits, 0, 16);
    for (int sig = 1; sig <= f->linux_sigmax; sig++)
        if (mask & (1ULL << (sig - 1)) && f->sig_to_freebsd[sig]) {
            int fs = f->sig_to_freebsd[sig];
            bits[(fs - 1) / 32] |= 1u << ((fs - 1) % 32);
        }
}

/* Start sigprocmask(how, set, oset) as rt_sigprocmask on Linux sets below the stack. */
static int start_sigprocmask(const struct bsdu_fast *f, int tid, struct bsdu_regs *r, struct thread_state *s)
{
    int how = (int)r->rdi;
    if (r->rsi && (how < 0 || how > 3 || f->how_to_linux[how] < 0))
        return 0;  /* EINVAL: let Python produce it */
    uint64_t scratch = (r->rsp - (uint64_t)f->red_zone - 16) & ~15UL;
    uint64_t lset = 0;
    if (r->rsi) {
        uint32_t bits[4];
        if (bsdu_vm_read(tid, r->rsi, bits, 16) != 16)
            return 0;  /* EFAULT path stays in Python */
        lset = sigset_to_linux(f, bits);
        if (bsdu_vm_write(tid, scratch, &lset, 8) != 8)
            return 0;
    }
    s->scratch = scratch;
    s->args[0] = r->rdi; s->args[1] = r->rsi; s->args[2] = r->rdx; s->args[3] = r->r10;
    r->rdi = r->rsi ? (uint64_t)f->how_to_linux[how] : 0;
    r->rsi = r->rsi ? scratch : 0;
    r->rdx = r->rdx ? scratch + 8 : 0;
    r->r10 = 8;
    r->orig_rax = (uint64_t)f->nr_rt_sigprocmask;
    return 1;
}

static void finish(const struct bsdu_fast *f, int tid, struct bsdu_regs *r, struct thread_state *s)
{
    int64_t rax = (int64_t)r->rax;
    int restart = 0;
    for (int i = 0; i < 4; i++)
        restart |= rax == -(int64_t)f->restart[i];
    if (s->fast == BSDU_SIGPROCMASK) {
        if (rax == 0 && s->args[2]) {
            uint64_t old;
            uint32_t bits[4];
            if (bsdu_vm_read(tid, s->scratch + 8, &old, 8) == 8) {
                sigset_to_freebsd(f, old, bits);
                if (bsdu_vm_write(tid, s->args[2], bits, 16) != 16)
                    rax = -(int64_t)f->linux_efault;
            }
        }
        r->rdi = s->args[0]; r->rsi = s->args[1]; r->rdx = s->args[2]; r->r10 = s->args[3];
    }
    r->rip = s->rip;
    if (restart) {
        /* The kernel re-issues the call from orig_rax: make that the FreeBSD one. */
        r->orig_rax = s->nr;
        if (rax == -(int64_t)f->restart[3])  /* restart_block: re-issued whole, as NOHAND */
            r->rax = (uint64_t)-(int64_t)f->restart[2];
    } else if (rax < 0 && rax > -4096) {
        int e = (int)-rax;
        r->rax = (uint64_t)(e < f->nerrno && f->errno_map[e] ? f->errno_map[e] : f->freebsd_einval);
        r->eflags |= f->carry_flag;
        r->orig_rax = s->nr;
    } else {
        r->eflags &= ~f->carry_flag;
        r->orig_rax = s->nr;
    }
    s->fast = 0;
}

/* The first call of nr this supervisor finishes: one line in the syscall log (syscall_log.py). */
static void log_first(struct bsdu_fast *f, uint64_t nr)
{
    char line[32];  /* a 64-bit number in decimal and a newline */
    if (!f->seen || f->seen[nr])
        return;
    f->seen[nr] = 1;
    int n = snprintf(line, sizeof line, "%llu\n", (unsigned long long)nr);
    if (write(f->log_fd, line, (size_t)n) < 0)
        f->seen[nr] = 0;
}

int bsdu_run(struct bsdu_fast *f, struct bsdu_stop *out)
{
    for (;;) {
        int status;
        int tid = bsdu_wait(-1, &status, 0);
        if (tid < 0)
            return -1;
        out->tid = tid;
        out->status = status;
        out->regs_valid = 0;
        if (!WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80))
            return 0;
        struct thread_state *s = slot(tid, 0);
        struct bsdu_regs *r = &out->regs;
        if (bsdu_getregs(tid, r) != 0)
            return 0;
        out->regs_valid = 1;
        if (s && s->fast) {
            finish(f, tid, r, s);
            f->handled++;
            bsdu_setregs(tid, r);
            ptrace(PTRACE_SYSCALL, tid, 0, 0);
            continue;
        }
        if ((s && s->owned) || !f->enabled)
            return 0;
        if (r->rax != (uint64_t)-(int64_t)f->linux_enosys)
            return 0;  /* an exit stop with no entry seen: Python knows what to do */
        uint64_t nr = r->orig_rax;
        if (!amd64_gate(f, r))
            return 0;
        if (nr >= (uint64_t)f->ntable || f->table[nr].kind == BSDU_PYTHON)
            return 0;
        s = slot(tid, 1);
        if (!s)
            return 0;
        int kind = f->table[nr].kind;
        if (kind == BSDU_NATIVE) {
            r->orig_rax = (uint64_t)f->table[nr].linux_nr;
        } else if (!start_sigprocmask(f, tid, r, s)) {
            return 0;
        }
        log_first(f, nr);
        s->nr = nr;
        s->fast = (uint8_t)kind;
        s->rip = r->rip;
        r->rip = f->supervised_ip;
        bsdu_setregs(tid, r);
        ptrace(PTRACE_SYSCALL, tid, 0, 0);
    }
}
