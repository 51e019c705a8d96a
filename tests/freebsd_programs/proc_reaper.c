/*
 * procctl(2) as kern_procctl.c answers: a reaper acquired, an orphaned grandchild handed to it,
 * its status, pid list and kill; the tracing switch and its status across exec.  One line per
 * step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/procctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static int
trace_status(void)
{
	int st = 12345;

	procctl(P_PID, 0, PROC_TRACE_STATUS, &st);
	return (st);
}

int
main(int argc, char **argv)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_pidinfo info[4];
	struct procctl_reaper_pids rp;
	struct procctl_reaper_kill rk;
	pid_t a, b, got;
	int p[2], q[2], status, state;

	if (argc > 1) {
		printf("after exec: trace status %d\n", trace_status());
		return (0);
	}
	memset(&rs, 0, sizeof(rs));
	procctl(P_PID, getpid(), PROC_REAP_STATUS, &rs);
	printf("before: flags %#x reaper %d\n", rs.rs_flags, rs.rs_reaper);
	errno = 0;
	printf("acquire with data = %d errno %d\n", procctl(P_PID, 0, PROC_REAP_ACQUIRE, &rs),
	    errno);
	printf("acquire = %d\n", procctl(P_PID, 0, PROC_REAP_ACQUIRE, NULL));
	errno = 0;
	printf("acquire again = %d errno %d\n", procctl(P_PID, 0, PROC_REAP_ACQUIRE, NULL), errno);

	pipe(p);
	pipe(q);
	fflush(stdout);
	a = fork();
	if (a == 0) {
		b = fork();
		if (b == 0) {
			char c;

			read(q[0], &c, 1);
			_exit(0);
		}
		write(p[1], &b, sizeof(b));
		_exit(0);
	}
	read(p[0], &b, sizeof(b));
	waitpid(a, &status, 0);

	memset(&rs, 0, sizeof(rs));
	CHECK(procctl(P_PID, 0, PROC_REAP_STATUS, &rs) == 0, "status: %s", strerror(errno));
	printf("owned: flags %#x reaper-is-me %d children %u descendants %u pid-is-b %d\n",
	    rs.rs_flags, rs.rs_reaper == getpid(), rs.rs_children, rs.rs_descendants,
	    rs.rs_pid == b);
	memset(&rp, 0, sizeof(rp));
	memset(info, 0, sizeof(info));
	rp.rp_count = 4;
	rp.rp_pids = info;
	CHECK(procctl(P_PID, 0, PROC_REAP_GETPIDS, &rp) == 0, "getpids: %s", strerror(errno));
	printf("getpids: pid-is-b %d subtree-is-a %d flags %#x; next valid %d\n",
	    info[0].pi_pid == b, info[0].pi_subtree == a, info[0].pi_flags,
	    (info[1].pi_flags & REAPER_PIDINFO_VALID) != 0);

	memset(&rk, 0, sizeof(rk));
	rk.rk_sig = SIGTERM;
	CHECK(procctl(P_PID, 0, PROC_REAP_KILL, &rk) == 0, "kill: %s", strerror(errno));
	got = waitpid(b, &status, 0);
	printf("kill: killed %u fpid %d; b reaped %d by signal %d\n", rk.rk_killed, rk.rk_fpid,
	    got == b, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	rk.rk_flags = REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE;
	errno = 0;
	printf("kill both flags = %d errno %d\n", procctl(P_PID, 0, PROC_REAP_KILL, &rk), errno);
	rk.rk_flags = 0;
	errno = 0;
	printf("kill nobody = %d errno %d killed %u\n", procctl(P_PID, 0, PROC_REAP_KILL, &rk),
	    errno, rk.rk_killed);

	printf("release = %d\n", procctl(P_PID, 0, PROC_REAP_RELEASE, NULL));
	errno = 0;
	printf("release again = %d errno %d\n", procctl(P_PID, 0, PROC_REAP_RELEASE, NULL), errno);
	errno = 0;
	printf("command 0 = %d errno %d\n", procctl(P_PID, 0, 0, NULL), errno);
	errno = 0;
	printf("P_SID status = %d errno %d\n", procctl(P_SID, 0, PROC_REAP_STATUS, &rs), errno);
	errno = 0;
	printf("no such pid = %d errno %d\n", procctl(P_PID, 999999, PROC_REAP_STATUS, &rs), errno);

	printf("trace status %d\n", trace_status());
	state = PROC_TRACE_CTL_DISABLE;
	procctl(P_PID, 0, PROC_TRACE_CTL, &state);
	printf("disabled: trace status %d\n", trace_status());
	state = PROC_TRACE_CTL_ENABLE;
	procctl(P_PID, 0, PROC_TRACE_CTL, &state);
	printf("enabled: trace status %d\n", trace_status());
	state = 99;
	errno = 0;
	printf("bad state = %d errno %d\n", procctl(P_PID, 0, PROC_TRACE_CTL, &state), errno);
	state = PROC_TRACE_CTL_DISABLE_EXEC;
	procctl(P_PID, 0, PROC_TRACE_CTL, &state);
	printf("disabled until exec: trace status %d\n", trace_status());
	fflush(stdout);
	execl(argv[0], argv[0], "again", (char *)NULL);
	printf("exec: %s\n", strerror(errno));
	return (1);
}
