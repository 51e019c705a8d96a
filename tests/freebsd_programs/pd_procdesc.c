/*
 * Process descriptors as casper's helpers use them: pdfork, pdgetpid, pdkill, poll on the
 * descriptor (POLLHUP once the process has exited, whatever was asked), no SIGCHLD, wait4(-1)
 * passes the child by, wait4(pid) reaps it (sys_procdesc.c, kern_exit.c proc_to_reap).
 * Prints one line per step, as FreeBSD would.
 */
#include <sys/types.h>
#include <sys/procdesc.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t sigchld;

static void
on_sigchld(int sig)
{
	(void)sig;
	sigchld++;
}

int
main(void)
{
	struct pollfd pfd;
	int fd = -1, fd2 = -1, status = 0;
	pid_t pid, got = -1;
	int pipefd[2];
	char c;

	signal(SIGCHLD, on_sigchld);
	CHECK(pipe(pipefd) == 0, "pipe: %s", strerror(errno));

	/* The first child exits by itself once told to. */
	pid = pdfork(&fd, 0);
	if (pid == 0) {
		read(pipefd[0], &c, 1);
		_exit(7);
	}
	CHECK(pid > 0 && fd >= 0, "pdfork: pid %d fd %d: %s", pid, fd, strerror(errno));
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0, "without PD_CLOEXEC the fd stays open on exec");
	CHECK(pdgetpid(fd, &got) == 0 && got == pid, "pdgetpid %d, pid %d", got, pid);
	printf("pdgetpid matches\n");

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 0) == 0, "a running child polls as nothing: revents %#x", pfd.revents);
	write(pipefd[1], "x", 1);
	pfd.events = 0;
	CHECK(poll(&pfd, 1, 10000) == 1, "poll after exit: %s", strerror(errno));
	printf("revents %#x (POLLHUP %s)\n", pfd.revents, pfd.revents == POLLHUP ? "yes" : "no");
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "wait(-1) passes it by");
	printf("wait(-1): %s\n", strerror(errno));
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid(pid): %s", strerror(errno));
	printf("waitpid(pid): exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(sigchld == 0, "no SIGCHLD for a process descriptor's child (%d)", (int)sigchld);
	printf("SIGCHLD seen: %d\n", (int)sigchld);
	close(fd);

	/* The second is killed through its descriptor. */
	pid = pdfork(&fd2, PD_CLOEXEC);
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK(pid > 0, "pdfork: %s", strerror(errno));
	CHECK((fcntl(fd2, F_GETFD) & FD_CLOEXEC) != 0, "PD_CLOEXEC");
	CHECK(pdkill(fd2, SIGTERM) == 0, "pdkill: %s", strerror(errno));
	pfd.fd = fd2;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 10000) == 1 && pfd.revents == POLLHUP, "revents %#x", pfd.revents);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	    "status %#x", status);
	printf("pdkill: killed by signal %d\n", WTERMSIG(status));

	CHECK(pdkill(fd2, -1) == -1 && errno == EINVAL, "a bad signal: %s", strerror(errno));
	CHECK(pdgetpid(pipefd[0], &got) == -1 && errno == EBADF, "not a process descriptor: %s",
	    strerror(errno));
	printf("pdgetpid(pipe): %s\n", strerror(errno));
	CHECK(pdfork(&fd, 0x100) == -1 && errno == EINVAL, "unknown flags: %s", strerror(errno));
	DONE();
}
