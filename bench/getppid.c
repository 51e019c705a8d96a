/*
 * getppid.c: N getppid() system calls in a tight loop, N from argv[1]
 * (default 0). Prints nothing; exits 0.
 *
 * Built twice by bench/run.py: for FreeBSD (run under bsdulator) and for
 * Linux (run natively). getppid() is a plain system call stub in both libcs
 * (FreeBSD SYS_getppid 39, Linux __NR_getppid 110; neither caches it), so
 * every iteration enters the kernel, and under bsdulator every iteration is
 * one intercepted, translated syscall. syscall(2) is avoided on purpose: on
 * FreeBSD it goes through the indirect SYS_syscall (0) and would measure that
 * path instead. Timing t(N) - t(0) over N leaves only the per-call cost.
 */
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	volatile pid_t sink = 0;

	for (long i = 0; i < n; i++)
		sink = getppid();
	(void)sink;
	return (0);
}
