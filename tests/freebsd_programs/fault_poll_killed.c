/* A child blocks in poll(2) and prints its pid; the test SIGKILLs it there.  The parent
 * then makes calls the supervisor serves in Python, so its garbage collector runs. */
#include <sys/types.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
	int p[2];
	pipe(p);
	pid_t child = fork();
	if (child == 0) {
		struct pollfd f = { p[0], POLLIN, 0 };
		printf("%d\n", getpid());
		fflush(stdout);
		return poll(&f, 1, -1);
	}
	int status;
	waitpid(child, &status, 0);
	char type[32];
	size_t len;
	for (int i = 0; i < 5000; i++) {
		len = sizeof type;
		sysctlbyname("kern.ostype", type, &len, NULL, 0);
	}
	printf("child killed by %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? SIGKILL : 0);
	return 0;
}
