/* A freestanding FreeBSD program: no libc, no crt1, its own _start.  It takes the initial
 * stack from %rdi as FreeBSD's exec_setregs hands it over, and prints argc, argv, the
 * environment and a few auxv entries with raw syscalls.  Built -nostdlib -static. */
#include <sys/types.h>
#include <sys/elf_common.h>
#include <sys/syscall.h>

typedef unsigned long u64;

static long sys3(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory", "cc");
    return r;
}

static u64 len(const char *s) {
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

static void say(const char *s) { sys3(SYS_write, 1, (long)s, len(s)); }

static void say_u(u64 v) {
    char b[24];
    int i = sizeof(b) - 1;
    b[i] = 0;
    do {
        b[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    say(b + i);
}

void start_c(u64 *sp, u64 others) {
    u64 argc = sp[0];
    char **argv = (char **)(sp + 1), **e;
    say(others ? "registers=set\n" : "registers=clear\n");
    say("argc=");
    say_u(argc);
    say("\n");
    for (u64 i = 0; i < argc; i++) {
        say("argv[");
        say_u(i);
        say("]=");
        say(argv[i]);
        say("\n");
    }
    for (e = argv + argc + 1; *e; e++) {
        say("env=");
        say(*e);
        say("\n");
    }
    for (u64 *aux = (u64 *)(e + 1); aux[0] != AT_NULL; aux += 2) {
        if (aux[0] == AT_PAGESZ) {
            say("AT_PAGESZ=");
            say_u(aux[1]);
            say("\n");
        } else if (aux[0] == AT_EXECPATH) {
            say("AT_EXECPATH=");
            say((const char *)aux[1]);
            say("\n");
        } else if (aux[0] == AT_ENTRY) {
            say(aux[1] ? "AT_ENTRY=set\n" : "AT_ENTRY=0\n");
        } else if (aux[0] == AT_USRSTACKBASE) {
            say(aux[1] > (u64)sp ? "AT_USRSTACKBASE=above\n" : "AT_USRSTACKBASE=below\n");
        } else if (aux[0] == AT_USRSTACKLIM) {
            say(aux[1] ? "AT_USRSTACKLIM=set\n" : "AT_USRSTACKLIM=0\n");
        }
    }
    sys3(SYS_exit, argc, 0, 0);
}

/* FreeBSD's kernel: %rdi = the initial stack (argc, argv…, envp…, auxv), every other
 * general register but %rsp cleared (exec_setregs); their OR goes to start_c in %rsi. */
__asm__(".globl _start\n"
        "_start:\n"
        "  orq %rbx, %rax\n  orq %rcx, %rax\n  orq %rdx, %rax\n  orq %rsi, %rax\n"
        "  orq %rbp, %rax\n  orq %r8, %rax\n  orq %r9, %rax\n  orq %r10, %rax\n"
        "  orq %r11, %rax\n  orq %r12, %rax\n  orq %r13, %rax\n  orq %r14, %rax\n"
        "  orq %r15, %rax\n"
        "  movq %rax, %rsi\n"
        "  andq $-16, %rsp\n"
        "  call start_c\n"
        "  hlt\n");

/* What marks the image FreeBSD's for a linker that leaves EI_OSABI 0. */
__asm__(".section .note.tag,\"a\",@note\n"
        "  .p2align 2\n"
        "  .long 8, 4, 1\n" /* namesz, descsz, NT_FREEBSD_ABI_TAG */
        "  .asciz \"FreeBSD\"\n"
        "  .long 1400000\n"
        "  .text\n");
