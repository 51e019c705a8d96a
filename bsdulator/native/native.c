#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>

_Static_assert(sizeof(struct bsdu_regs) == sizeof(struct user_regs_struct),
               "bsdu_regs must mirror user_regs_struct");

long bsdu_ptrace(int request, int pid, uint64_t addr, uint64_t data)
{
    errno = 0;
    return ptrace((enum __ptrace_request)request, pid, (void *)addr, (void *)data);
}

int bsdu_getregs(int pid, struct bsdu_regs *regs)
{
    return (int)ptrace(PTRACE_GETREGS, pid, 0, regs);
}

int bsdu_setregs(int pid, const struct bsdu_regs *regs)
{
    return (int)ptrace(PTRACE_SETREGS, pid, 0, (void *)regs);
}

int bsdu_wait(int pid, int *status, int flags)
{
    int r;
    do {
        r = waitpid(pid, status, __WALL | flags);
    } while (r < 0 && errno == EINTR);
    return r;
}

int bsdu_unshare(int flags) { return unshare(flags); }
int bsdu_setns(int fd, int nstype) { return setns(fd, nstype); }

int bsdu_mount(const char *source, const char *target, const char *fstype,
               unsigned long flags, const char *data)
{
    return mount(source, target, fstype, flags, data);
}

int bsdu_umount(const char *target, int flags) { return umount2(target, flags); }

int bsdu_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int bsdu_open_in_root(int rootfd, const char *path, int flags, int mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.mode = (uint64_t)mode;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

ssize_t bsdu_vm_read(int pid, uint64_t addr, void *buf, size_t len)
{
    struct iovec local = { buf, len }, remote = { (void *)addr, len };
    return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

ssize_t bsdu_vm_write(int pid, uint64_t addr, const void *buf, size_t len)
{
    struct iovec local = { (void *)buf, len }, remote = { (void *)addr, len };
    return process_vm_writev(pid, &local, 1, &remote, 1, 0);
}

int bsdu_sethostname(const char *name, size_t len) { return sethostname(name, len); }
int bsdu_setdomainname(const char *name, size_t len) { return setdomainname(name, len); }

int bsdu_exec_filtered(const void *filter, unsigned short rows, const char *path,
                       char *const argv[], char *const envp[])
{
    struct sock_fprog prog = { rows, (struct sock_filter *)filter };
    /* Root (or root of our user namespace) may install it as it is; anyone else first
     * gives up gaining privileges through exec, as the kernel requires. */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
            return -1;
    }
    execve(path, argv, envp);
    /* Under the filter only exit_group is left: the errno goes to the supervisor as exit code. */
    syscall(SYS_exit_group, errno);
    return -1;
}
