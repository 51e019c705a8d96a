/* Dies by the signal its argument names: KILL, TERM or SEGV. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	(void)argc;
	int sig = strcmp(argv[1], "KILL") == 0 ? SIGKILL : strcmp(argv[1], "TERM") == 0 ? SIGTERM : SIGSEGV;
	kill(getpid(), sig);
	for (;;)
		pause();
}
