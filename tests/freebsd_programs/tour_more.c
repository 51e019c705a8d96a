/* abort2(2), funlinkat(2), getloginclass(2)/setloginclass(2) and mincore(2) against their
 * FreeBSD man pages.  argv[1] is a directory the test made.  Run as root. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		signal(SIGABRT, SIG_IGN);
		void *args[1] = { (void *)1 };
		abort2("tour", 1, args);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "abort2 ends the process with SIGABRT even ignored and blocked: status %#x", status);

	CHECK(chdir(argv[1]) == 0, "chdir errno %d", errno);
	int a = open("a", O_RDWR | O_CREAT, 0644), b = open("b", O_RDWR | O_CREAT, 0644);
	errno = 0;
	CHECK(funlinkat(AT_FDCWD, "a", b, 0) == -1 && errno == EDEADLK && access("a", F_OK) == 0,
	    "another file's descriptor: errno %d", errno);
	CHECK(funlinkat(AT_FDCWD, "a", a, 0) == 0 && access("a", F_OK) == -1, "funlinkat errno %d",
	    errno);
	CHECK(funlinkat(AT_FDCWD, "b", FD_NONE, 0) == 0, "FD_NONE errno %d", errno);
	CHECK(mkdir("d", 0755) == 0 && funlinkat(AT_FDCWD, "d", FD_NONE, AT_REMOVEDIR) == 0,
	    "AT_REMOVEDIR errno %d", errno);

	char cls[64];
	CHECK(getloginclass(cls, sizeof cls) == 0 && strcmp(cls, "default") == 0, "class %s", cls);
	errno = 0;
	CHECK(getloginclass(cls, 3) == -1 && errno == ERANGE, "ERANGE: errno %d", errno);
	CHECK(setloginclass("staff") == 0 && getloginclass(cls, sizeof cls) == 0 &&
	    strcmp(cls, "staff") == 0, "setloginclass errno %d: %s", errno, cls);
	errno = 0;
	CHECK(setloginclass("0123456789012345678901234567890123") == -1 && errno == ENAMETOOLONG,
	    "too long: errno %d", errno);
	pid = fork();
	if (pid == 0) {
		int ok = getloginclass(cls, sizeof cls) == 0 && strcmp(cls, "staff") == 0;
		ok &= setuid(65534) == 0 && setloginclass("x") == -1 && errno == EPERM;
		_exit(!ok);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "inherited, root only: %#x", status);

	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
	char vec[2] = { 0x7f, 0x7f };
	m[0] = 1;
	CHECK(mincore(m, 2 * pg, vec) == 0 && (vec[0] & MINCORE_INCORE), "mincore %#x errno %d",
	    vec[0], errno);
	errno = 0;
	CHECK(mincore(m + 1, pg, vec) == -1 && errno == EINVAL, "unaligned: errno %d", errno);
	munmap(m, 2 * pg);
	errno = 0;
	CHECK(mincore(m, pg, vec) == -1 && errno == ENOMEM, "unmapped: errno %d", errno);
	DONE();
}
