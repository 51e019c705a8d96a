/*
 * posix_spawn/posix_spawnp (libc's rfork_thread(RFSPAWN)) with file actions, and the rfork(2)
 * forms and flag checks of kern_fork.c (sys_rfork, fork1): one line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static int
reap(pid_t pid)
{
	int status = -1;

	if (waitpid(pid, &status, 0) != pid)
		return (-1);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status));
}

static volatile int shared;
static char stack[65536] __attribute__((aligned(16)));

static int
store(void *arg)
{
	*(volatile int *)arg = 42;
	return (4);
}

static volatile int child_saw = -1;

static void
on_usr1(int sig)
{
	(void)sig;
}

/* An RFSPAWN child: its caught signals are back to SIG_DFL (FR2_DROPSIG_CAUGHT), for the
 * kernel too: SIGUSR1's default action ends it. */
static int
spawn_child(void *arg)
{
	struct sigaction old;

	(void)arg;
	sigaction(SIGUSR1, NULL, &old);
	child_saw = old.sa_handler == SIG_DFL;
	raise(SIGUSR1);
	_exit(0);
}

static void
rfork_fails(int flags)
{
	errno = 0;
	printf("rfork(%#x) = %d errno %d\n", flags, rfork(flags), errno);
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *sh_argv[] = { "sh", "-c", "echo spawned $0 >&2; cat <&3; exit 5", NULL };
	char *echo_argv[] = { "echo", "spawnp", "found", "echo", NULL };
	char buf[64];
	pid_t pid;
	int fd, p[2];
	ssize_t n;

	(void)argc;
	/* stderr into the file argv[1]; the pipe's read end as descriptor 3 */
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	write(p[1], "from fd 3\n", 10);
	close(p[1]);
	CHECK(dup2(p[0], 10) == 10, "dup2: %s", strerror(errno));
	close(p[0]);
	p[0] = 10;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, p[0], 3);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	CHECK(posix_spawn(&pid, "/bin/sh", &fa, NULL, sh_argv, environ) == 0, "posix_spawn");
	fflush(stdout);
	printf("posix_spawn: exit %d\n", reap(pid));
	close(p[0]);
	posix_spawn_file_actions_destroy(&fa);
	fd = open(argv[1], O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	printf("file: %s", buf);

	fflush(stdout);
	CHECK(posix_spawnp(&pid, "echo", NULL, NULL, echo_argv, environ) == 0, "posix_spawnp");
	printf("posix_spawnp: exit %d\n", reap(pid));
	CHECK(posix_spawn(&pid, "/nonexistent", NULL, NULL, echo_argv, environ) == ENOENT,
	    "posix_spawn of a missing file is ENOENT");
	printf("posix_spawn missing: ENOENT\n");

	/* RFPROC|RFFDG is fork */
	fflush(stdout);
	pid = rfork(RFPROC | RFFDG);
	if (pid == 0)
		_exit(3);
	printf("rfork(RFPROC|RFFDG): exit %d\n", reap(pid));

	/* RFPROC alone shares the descriptor table: the child's close is the parent's */
	fd = open("/dev/null", O_RDONLY);
	pid = rfork(RFPROC);
	if (pid == 0) {
		close(fd);
		_exit(0);
	}
	reap(pid);
	errno = 0;
	printf("shared table: fcntl after the child's close = %d errno %d\n",
	    fcntl(fd, F_GETFD), errno);

	/* RFPROC|RFFDG|RFMEM shares memory: the child runs on a stack of its own */
	pid = rfork_thread(RFPROC | RFFDG | RFMEM, stack + sizeof(stack), store, &shared);
	printf("RFMEM: exit %d, the child's store seen: %d\n", reap(pid), shared);

	signal(SIGUSR1, on_usr1);
	pid = rfork_thread(RFSPAWN, stack + sizeof(stack), spawn_child, NULL);
	printf("RFSPAWN: child saw SIG_DFL %d, %s %d; the parent keeps its handler %d\n",
	    child_saw, "ended by signal", reap(pid) - 1000,
	    signal(SIGUSR1, SIG_DFL) == on_usr1);

	/* without RFPROC the caller changes itself and rfork returns 0: RFCFDG closes all */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r = rfork(RFCFDG);
		_exit(r == 0 && fcntl(1, F_GETFD) == -1 && errno == EBADF ? 9 : 1);
	}
	printf("rfork(RFCFDG) in a child: exit %d\n", reap(pid));

	rfork_fails(RFSPAWN | RFPROC);
	rfork_fails(RFPROC | RFFDG | RFCFDG);
	rfork_fails(RFPROC | RFNAMEG);
	rfork_fails(RFPROC | RFSTOPPED);
	rfork_fails(RFPROC | RFTSIGFLAGS(SIGUSR1));
	rfork_fails(RFPROC | RFTSIGZMB | RFTSIGFLAGS(200));
	return (0);
}
