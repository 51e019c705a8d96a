/* Syscall entries that are not FreeBSD/amd64's `syscall` gate, tried as an attacker would.
 * usage: gate_escape MODE DIR, MODE one of int80-mount, int80-clone, int80-forged, x32,
 * sysenter, compat32 (int $0x80 from a 32-bit code segment), compat32-syscall (`syscall`
 * from one: AMD runs it as an i386 call, Intel refuses the instruction).  The mount modes aim Linux i386 mount(2) (int $0x80 number 21, which FreeBSD's
 * access(2) = 33 would be translated to) at DIR; the program then prints what it got and
 * how many entries DIR has.  A correct supervisor answers as FreeBSD does for a call it
 * has no slot for: SIGSYS, then ENOSYS (or the kernel kills the process with SIGSYS). */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LOW_PAGE 0x10000000UL      /* below 4 GiB: reachable from 32-bit registers */
#define FREEBSD_ACCESS 33          /* i386 Linux mount after a blind translation */
#define FREEBSD_GETAUDIT_ADDR 361  /* i386 Linux clone after a blind translation */
#define LINUX_CLONE_UNTRACED 0x00800000
#define LINUX_SIGCHLD 17
#define X32_BIT 0x40000000L
#define USER32_CS 0x23

static volatile sig_atomic_t sigsys;

static void on_sigsys(int sig)
{
    (void)sig;
    sigsys++;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* "none", DIR and "devtmpfs" where 32-bit registers can point. */
static char *low_strings(const char *dir, unsigned *src, unsigned *target, unsigned *fstype)
{
    char *page = mmap((void *)LOW_PAGE, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_FIXED | MAP_ANON | MAP_PRIVATE, -1, 0);
    if (page == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    strcpy(page, "none");
    strcpy(page + 16, "devtmpfs");
    strncpy(page + 64, dir, 1024);
    *src = (unsigned)(unsigned long)page;
    *fstype = (unsigned)(unsigned long)(page + 16);
    *target = (unsigned)(unsigned long)(page + 64);
    return page;
}

static void report(long rax, unsigned long flags, const char *dir)
{
    printf("rax=%ld cf=%lu sigsys=%d entries=%d\n", rax, flags & 1, (int)sigsys, entries(dir));
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const char *mode = argv[1], *dir = argv[2];
    unsigned src, target, fstype;
    char *page = low_strings(dir, &src, &target, &fstype);
    long rax;
    unsigned long flags;

    if (strncmp(mode, "int80-mount", 11) == 0 || !strcmp(mode, "int80-clone") || !strcmp(mode, "x32"))
        signal(SIGSYS, on_sigsys);
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!strcmp(mode, "int80-mount")) {
        __asm__ volatile("int $0x80; pushfq; popq %1"
                         : "=a"(rax), "=r"(flags)
                         : "a"(FREEBSD_ACCESS), "b"(src), "c"(target), "d"(fstype), "S"(0), "D"(0)
                         : "memory", "cc");
    } else if (!strcmp(mode, "int80-clone")) {
        __asm__ volatile("int $0x80; pushfq; popq %1"
                         : "=a"(rax), "=r"(flags)
                         : "a"(FREEBSD_GETAUDIT_ADDR), "b"(LINUX_CLONE_UNTRACED | LINUX_SIGCHLD), "c"(0),
                           "d"(0), "S"(0), "D"(0)
                         : "memory", "cc");
        if (rax == 0) /* an untraced child: leave at once with Linux exit_group */
            __asm__ volatile("movl $231, %%eax; xorl %%edi, %%edi; syscall" ::: "memory");
    } else if (!strcmp(mode, "int80-forged")) {
        /* rcx and r11 as the `syscall` instruction would leave them: the tracer cannot tell,
         * the kernel's filter must. */
        __asm__ volatile("pushfq; popq %%r11; leaq 1f(%%rip), %%rcx; int $0x80; 1: pushfq; popq %1"
                         : "=a"(rax), "=r"(flags)
                         : "a"(FREEBSD_ACCESS), "b"(src), "c"(target), "d"(fstype), "S"(0), "D"(0)
                         : "memory", "cc", "r11");
    } else if (!strcmp(mode, "x32")) {
        __asm__ volatile("syscall; pushfq; popq %1"
                         : "=a"(rax), "=r"(flags)
                         : "a"(X32_BIT | 39)
                         : "rcx", "r11", "memory", "cc");
    } else if (!strcmp(mode, "sysenter")) {
        __asm__ volatile("sysenter"
                         : "=a"(rax)
                         : "a"(FREEBSD_ACCESS), "b"(src), "c"(target), "d"(fstype), "S"(0), "D"(0)
                         : "memory", "cc");
        return 3; /* not reached: the kernel's sysenter return leads nowhere in a 64-bit process */
    } else if (!strncmp(mode, "compat32", 8)) {
        /* 32-bit code: mov eax, 33; mov ebx, src; mov ecx, target; mov edx, fstype;
         * int $0x80 or syscall; hlt.  It never uses the (64-bit) stack. */
        int use_syscall = !strcmp(mode, "compat32-syscall");
        unsigned char *code = (unsigned char *)page + 4096;
        unsigned char *p = code;
        *p++ = 0xb8; memcpy(p, &(unsigned){FREEBSD_ACCESS}, 4); p += 4;
        *p++ = 0xbb; memcpy(p, &src, 4); p += 4;
        *p++ = 0xb9; memcpy(p, &target, 4); p += 4;
        *p++ = 0xba; memcpy(p, &fstype, 4); p += 4;
        *p++ = use_syscall ? 0x0f : 0xcd;
        *p++ = use_syscall ? 0x05 : 0x80;
        *p++ = 0xf4;
        __asm__ volatile("pushq %0; pushq %1; lretq" :: "i"(USER32_CS), "r"((unsigned long)code) : "memory");
        return 3; /* not reached */
    } else {
        return 2;
    }
    report(rax, flags, dir);
    return 0;
}
