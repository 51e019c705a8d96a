/* Credentials, sessions and resource limits (setgroups(2) of FreeBSD <= 14: the first entry is
 * the effective gid; setresuid(2), setsid(2), setlogin(2), setrlimit(2)).  Run as root; each
 * part runs in a child that gives its privileges up. */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static int groups_part(void)
{
	gid_t set[2] = { 5, 6 }, got[8];
	CHECK(setgroups(2, set) == 0, "setgroups errno %d", errno);
	CHECK(getegid() == 5, "egid %d", (int)getegid());
	int n = getgroups(8, got);
	CHECK(n == 2 && got[0] == 5 && got[1] == 6, "getgroups %d: %d %d", n, (int)got[0],
	    (int)got[1]);
	/* FreeBSD 15's calls: supplementary groups only */
	gid_t supp[1] = { 9 };
	CHECK(syscall(SYS_setgroups, 1, supp) == 0, "setgroups(15) errno %d", errno);
	n = syscall(SYS_getgroups, 8, got);
	CHECK(n == 1 && got[0] == 9, "getgroups(15) %d: %d", n, (int)got[0]);
	CHECK(setgid(7) == 0 && getgid() == 7 && getegid() == 7, "setgid errno %d", errno);
	CHECK(setegid(8) == 0 && getegid() == 8 && getgid() == 7, "setegid errno %d", errno);
	CHECK(setregid(10, 11) == 0 && getgid() == 10 && getegid() == 11, "setregid errno %d",
	    errno);
	gid_t r, e, s;
	CHECK(setresgid(12, 13, 14) == 0 && getresgid(&r, &e, &s) == 0 && r == 12 && e == 13 &&
	    s == 14, "resgid %d %d %d", (int)r, (int)e, (int)s);
	DONE();
}

static int users_part(void)
{
	uid_t r, e, s;
	CHECK(setresuid(1000, 1001, 0) == 0 && getresuid(&r, &e, &s) == 0 && r == 1000 &&
	    e == 1001 && s == 0, "resuid %d %d %d", (int)r, (int)e, (int)s);
	CHECK(setreuid(-1, 0) == 0 && geteuid() == 0, "back to the saved uid: errno %d", errno);
	CHECK(setreuid(1002, 1003) == 0 && getuid() == 1002 && geteuid() == 1003,
	    "setreuid errno %d", errno);
	errno = 0;
	CHECK(setuid(0) == -1 && errno == EPERM, "setuid(0) unprivileged: errno %d", errno);
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit errno %d", errno);
	rl.rlim_cur = rl.rlim_max = 64;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0 && getdtablesize() == 64, "setrlimit errno %d",
	    errno);
	rl.rlim_max = 65;
	errno = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM, "raising the hard limit: "
	    "errno %d", errno);
	DONE();
}

static int session_part(void)
{
	pid_t me = getpid();
	CHECK(setsid() == me && getsid(0) == me && getpgrp() == me, "setsid errno %d", errno);
	errno = 0;
	CHECK(setsid() == -1 && errno == EPERM, "setsid as a leader: errno %d", errno);
	CHECK(setlogin("tester") == 0, "setlogin errno %d", errno);
	CHECK(getlogin() != NULL && strcmp(getlogin(), "tester") == 0, "getlogin %s", getlogin());
	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0, "getrusage errno %d", errno);
	errno = 0;
	CHECK(getrusage(99, &ru) == -1 && errno == EINVAL, "getrusage who: errno %d", errno);
	struct itimerval it;
	CHECK(getitimer(ITIMER_REAL, &it) == 0 && it.it_value.tv_sec == 0 &&
	    it.it_value.tv_usec == 0, "getitimer errno %d", errno);
	DONE();
}

int main(void)
{
	int (*parts[])(void) = { groups_part, users_part, session_part };
	int bad = 0;
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0)
			_exit(parts[i]() + fflush(stdout));
		int status;
		waitpid(pid, &status, 0);
		bad += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	printf("all parts: %d failures\n", bad);
	return bad != 0;
}
