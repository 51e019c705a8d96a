/* A caught signal whose frame cannot be written (the alternate stack is read-only):
 * FreeBSD's sendsig gives up and kills the process with SIGILL; the handler never runs. */
#include <sys/mman.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void handler(int sig) {
	(void)sig;
	write(1, "handler ran\n", 12);
}

int main(void) {
	size_t size = 16 * SIGSTKSZ;
	stack_t alt = { .ss_sp = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0), .ss_size = size };
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&alt, NULL) != 0 || sigaction(SIGUSR1, &sa, NULL) != 0)
		return 2;
	raise(SIGUSR1);
	return 0;
}
