/* sysarch(2)'s FS/GS/TLS base operations as FreeBSD's sys_machdep.c answers them, and what fork,
 * exec and thr_new do to the TLS base (and fork to the alternate signal stack). Run with an
 * argument it is the exec'd image, which must start with no TLS base. */
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/thr.h>
#include <sys/wait.h>
#include <machine/sysarch.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

#define VM_MAXUSER_ADDRESS_LA48 0x800000000000UL /* machine/vmparam.h */

static void *fs_base(void) {
    void *b = NULL;
    sysarch(AMD64_GET_FSBASE, &b);
    return b;
}

static int no_tls_base(void) {
    void *b;
    return sysarch(AMD64_GET_TLSBASE, &b) == -1 && errno == ESRCH;
}

/* A thread made by thr_new directly: raw syscalls only, its TLS is a scratch block. */
static volatile long thread_done;
static volatile long thread_tls_base;
static volatile long thread_get_error;

static void raw_thread(void *arg) {
    long out = 0, err;
    (void)arg;
    __asm__ volatile("syscall"
                     : "=a"(err)
                     : "a"((long)SYS_sysarch), "D"((long)AMD64_GET_TLSBASE), "S"(&out)
                     : "rcx", "r11", "memory", "cc");
    thread_tls_base = out;
    thread_get_error = err;
    __asm__ volatile("syscall"
                     :
                     : "a"((long)SYS_thr_exit), "D"(&thread_done)
                     : "rcx", "r11", "memory", "cc");
}

static long thread_sees(int flags, char *tls) {
    static char stack[65536];
    struct thr_param p = {0};
    long tid;
    thread_done = 0;
    p.start_func = raw_thread;
    p.stack_base = stack;
    p.stack_size = sizeof(stack);
    p.tls_base = tls;
    p.tls_size = 64;
    p.child_tid = &tid;
    p.parent_tid = &tid;
    p.flags = flags;
    if (thr_new(&p, sizeof(p)) != 0)
        return -2;
    while (!thread_done)
        usleep(1000);
    return thread_tls_base;
}

int main(int argc, char **argv) {
    void *base = NULL, *fs = fs_base(), *high = (void *)VM_MAXUSER_ADDRESS_LA48, *gs;
    static char altstk[SIGSTKSZ * 2], tls[4096];
    stack_t ss = {.ss_sp = altstk, .ss_size = sizeof(altstk), .ss_flags = 0};
    pid_t pid;
    int status;

    if (argc > 1) {
        CHECK(no_tls_base(), "exec keeps a TLS base: errno %d", errno);
        DONE();
    }
    CHECK(fs != NULL, "no FS base after start");
    CHECK(no_tls_base(), "a TLS base before any was set: errno %d", errno);
    CHECK(sysarch(AMD64_SET_TLSBASE, &fs) == 0, "SET_TLSBASE: errno %d", errno);
    CHECK(sysarch(AMD64_GET_TLSBASE, &base) == 0 && base == fs, "GET_TLSBASE gave %p", base);
    CHECK(fs_base() == fs, "SET_TLSBASE left FS base %p", fs_base());

    CHECK(sysarch(AMD64_SET_FSBASE, &high) == -1 && errno == EINVAL, "FS base %p: %d", high, errno);
    CHECK(sysarch(AMD64_SET_TLSBASE, &high) == -1 && errno == EINVAL, "TLS base: %d", errno);
    CHECK(sysarch(AMD64_SET_GSBASE, &high) == -1 && errno == EINVAL, "GS base: %d", errno);
    CHECK(sysarch(AMD64_SET_FSBASE, (void *)8) == -1 && errno == EFAULT, "bad parms: %d", errno);
    CHECK(sysarch(12345, &base) == -1 && errno == EINVAL, "unknown op: errno %d", errno);
    gs = tls;
    CHECK(sysarch(AMD64_SET_GSBASE, &gs) == 0, "SET_GSBASE: errno %d", errno);
    base = NULL;
    CHECK(sysarch(AMD64_GET_GSBASE, &base) == 0 && base == tls, "GET_GSBASE gave %p", base);
    gs = NULL;
    sysarch(AMD64_SET_GSBASE, &gs);

    /* fork: the child's thread copies the TLS base and the alternate signal stack */
    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack: errno %d", errno);
    pid = fork();
    if (pid == 0) {
        stack_t old;
        int ok = sysarch(AMD64_GET_TLSBASE, &base) == 0 && base == fs;
        ok = ok && sigaltstack(NULL, &old) == 0 && old.ss_sp == altstk &&
             old.ss_size == sizeof(altstk) && !(old.ss_flags & SS_DISABLE);
        _exit(ok ? 0 : 1);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "fork child lost its TLS base or alternate stack: status %#x", status);

    /* thr_new: a TLS base only with THR_C_RUNTIME, then the new thread's tls_base */
    CHECK(thread_sees(0, tls) == 0 && thread_get_error == ESRCH, "plain thread: %ld, %ld",
          thread_tls_base, thread_get_error);
    CHECK(thread_sees(THR_C_RUNTIME, tls) == (long)tls && thread_get_error == 0,
          "THR_C_RUNTIME thread: %#lx, %ld", thread_tls_base, thread_get_error);

    /* exec: the new image starts without one */
    pid = fork();
    if (pid == 0) {
        execl(argv[0], argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "exec'd image: status %#x", status);

    CHECK(sysarch(AMD64_DISABLE_TLSBASE, NULL) == 0, "DISABLE_TLSBASE: errno %d", errno);
    CHECK(no_tls_base(), "a TLS base after DISABLE_TLSBASE: errno %d", errno);
    CHECK(fs_base() == fs, "DISABLE_TLSBASE moved the FS base");
    DONE();
}
