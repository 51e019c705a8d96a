/*
 * wait6(2) as kern_exit.c's kern_wait6 answers: idtypes, WEXITED/WSTOPPED/WCONTINUED/WNOWAIT/
 * WNOHANG, the status word, the child's siginfo and rusage; EINVAL and ECHILD.  One line per
 * step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static pid_t
child_exiting(int code)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		_exit(code);
	}
	setpgid(pid, pid);
	return (pid);
}

static void
report(const char *what, pid_t r, pid_t pid, int status, siginfo_t *si)
{
	printf("%s: ret-is-pid %d status %#x signo %d code %d status %d pid-ok %d uid-ok %d\n",
	    what, r == pid, status, si->si_signo, si->si_code, si->si_status, si->si_pid == pid,
	    si->si_uid == getuid());
}

static void
fails(const char *what, idtype_t idtype, id_t id, int options)
{
	int status;

	errno = 0;
	printf("%s = %d errno %d\n", what, (int)wait6(idtype, id, &status, options, NULL, NULL),
	    errno);
}

int
main(void)
{
	struct __wrusage wru;
	siginfo_t si;
	pid_t pid, r;
	int status, p[2];

	pid = child_exiting(7);
	memset(&wru, 0, sizeof(wru));
	r = wait6(P_PID, pid, &status, WEXITED, &wru, &si);
	report("P_PID exit 7", r, pid, status, &si);
	printf("rusage: maxrss>0 %d\n", wru.wru_self.ru_maxrss > 0);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	r = wait6(P_ALL, 0, &status, WEXITED, NULL, &si);
	report("P_ALL SIGTERM", r, pid, status, &si);

	pid = child_exiting(3);
	r = wait6(P_PID, pid, &status, WEXITED | WNOWAIT, NULL, &si);
	report("WNOWAIT", r, pid, status, &si);
	r = wait6(P_PGID, pid, &status, WEXITED, NULL, &si);
	report("P_PGID after WNOWAIT", r, pid, status, &si);
	fails("again", P_PID, pid, WEXITED);

	CHECK(pipe(p) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		char c;

		read(p[0], &c, 1);
		raise(SIGSTOP);
		read(p[0], &c, 1);
		_exit(0);
	}
	memset(&si, 0xff, sizeof(si));
	status = 12345;
	r = wait6(P_PID, pid, &status, WEXITED | WNOHANG, NULL, &si);
	printf("WNOHANG: ret %d status untouched %d signo %d pid %d\n", r, status == 12345,
	    si.si_signo, si.si_pid);
	write(p[1], "x", 1);
	r = wait6(P_PID, pid, &status, WSTOPPED, NULL, &si);
	report("WSTOPPED", r, pid, status, &si);
	printf("WIFSTOPPED %d WSTOPSIG %d\n", WIFSTOPPED(status), WSTOPSIG(status));
	kill(pid, SIGCONT);
	r = wait6(P_PID, pid, &status, WCONTINUED, NULL, &si);
	report("WCONTINUED", r, pid, status, &si);
	printf("WIFCONTINUED %d\n", WIFCONTINUED(status));
	write(p[1], "x", 1);
	r = wait6(P_PID, pid, &status, WEXITED, NULL, &si);
	report("exit 0", r, pid, status, &si);

	pid = child_exiting(1);
	fails("no events", P_PID, pid, WNOHANG);
	fails("unknown option", P_PID, pid, WEXITED | 0x400);
	fails("P_PID 0, my group has no child", P_PID, 0, WEXITED);
	fails("P_PID -1", P_PID, -1, WEXITED);
	fails("P_PPID", P_PPID, getpid(), WEXITED);
	fails("P_LWPID", P_LWPID, pid, WEXITED);
	/* id 0 with P_PID or P_PGID is the caller's process group (WAIT_MYPGRP) */
	fails("P_PGID 0, the child in a group of its own", P_PGID, 0, WEXITED | WNOHANG);
	r = wait6(P_ALL, 0, &status, WEXITED, NULL, &si);
	printf("reaped: %d\n", r == pid);
	pid = fork();
	if (pid == 0)
		_exit(6);
	r = wait6(P_PID, 0, &status, WEXITED, NULL, &si);
	report("P_PID 0, my group", r, pid, status, &si);
	DONE();
}
