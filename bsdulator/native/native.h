/* Thin, allocation-free wrappers the supervisor calls once per tracee stop.
 * Everything here is stateless so that a later C loop can reuse it. */
#include <stdint.h>
#include <sys/types.h>

struct bsdu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
    uint64_t fs_base, gs_base, ds, es, fs, gs;
};

long bsdu_ptrace(int request, int pid, uint64_t addr, uint64_t data);
int bsdu_getregs(int pid, struct bsdu_regs *regs);
int bsdu_setregs(int pid, const struct bsdu_regs *regs);
/* waitpid(-1 or pid, __WALL | flags); returns pid, fills status. */
int bsdu_wait(int pid, int *status, int flags);
int bsdu_unshare(int flags);
int bsdu_setns(int fd, int nstype);
int bsdu_mount(const char *source, const char *target, const char *fstype,
               unsigned long flags, const char *data);
int bsdu_umount(const char *target, int flags);
int bsdu_pivot_root(const char *new_root, const char *put_old);
/* openat2(dirfd, path, flags, RESOLVE_IN_ROOT): resolve path inside the tracee's root. */
int bsdu_open_in_root(int rootfd, const char *path, int flags, int mode);
ssize_t bsdu_vm_read(int pid, uint64_t addr, void *buf, size_t len);
ssize_t bsdu_vm_write(int pid, uint64_t addr, const void *buf, size_t len);
/* The calling thread's UTS namespace: a jail's host.hostname and host.domainname. */
int bsdu_sethostname(const char *name, size_t len);
int bsdu_setdomainname(const char *name, size_t len);
/* Install the seccomp filter (rows of struct sock_filter) and exec at once: after the
 * filter, execve is the only call the child makes without the supervisor; if it fails,
 * the child exits with its errno.  -1 + errno only when the filter cannot be installed. */
int bsdu_exec_filtered(const void *filter, unsigned short rows, const char *path,
                       char *const argv[], char *const envp[]);
