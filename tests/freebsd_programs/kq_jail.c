/* What jail(8) does with a kqueue (usr.sbin/jail/command.c: add_proc, next_proc, clear_procs),
 * through the FreeBSD 11 kevent that the root's FreeBSD 10.2 jail binary calls: run commands in
 * children, wait for their NOTE_EXIT with a timeout, reap them after the event, give up on a
 * command that outlives stop.timeout; plus an EVFILT_TIMER deadline, as exec.timeout could use. */
#include "kq.h"

#define JF_TIMEOUT 1

struct cfjail {
	pid_t pid;
	int flags, pstatus;
	struct timespec timeout;
};

static int kq;

static pid_t
run(const char *command)
{
	pid_t pid = fork();

	if (pid == 0) {
		closefrom(3);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int
add_proc(struct cfjail *j, pid_t pid, int timeout_ms)
{
	struct old_kevent ke;

	if (!kq && (kq = kqueue()) < 0)
		return -1;
	OLD_EV_SET(&ke, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	if (old_kevent(kq, &ke, 1, NULL, 0, NULL) < 0)
		return errno == ESRCH ? 0 : -1;
	j->pid = pid;
	j->flags = 0;
	clock_gettime(CLOCK_REALTIME, &j->timeout);
	j->timeout.tv_sec += timeout_ms / 1000;
	j->timeout.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (j->timeout.tv_nsec >= 1000000000) {
		j->timeout.tv_sec++;
		j->timeout.tv_nsec -= 1000000000;
	}
	return 1;
}

static void
clear_procs(struct cfjail *j)
{
	struct old_kevent ke;

	OLD_EV_SET(&ke, j->pid, EVFILT_PROC, EV_DELETE, NOTE_EXIT, 0, NULL);
	(void)old_kevent(kq, &ke, 1, NULL, 0, NULL);
}

/* next_proc(): the jail that finished or timed out. */
static struct cfjail *
next_proc(struct cfjail *j)
{
	struct old_kevent ke;
	struct timespec ts;

again:
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec = j->timeout.tv_sec - ts.tv_sec;
	ts.tv_nsec = j->timeout.tv_nsec - ts.tv_nsec;
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += 1000000000;
	}
	if (ts.tv_sec < 0 || (ts.tv_sec == 0 && ts.tv_nsec == 0)) {
		j->flags |= JF_TIMEOUT;
		clear_procs(j);
		return j;
	}
	switch (old_kevent(kq, NULL, 0, &ke, 1, &ts)) {
	case -1:
		if (errno != EINTR)
			return NULL;
		goto again;
	case 0:
		j->flags |= JF_TIMEOUT;
		clear_procs(j);
		return j;
	case 1:
		(void)waitpid(ke.ident, NULL, WNOHANG);
		if ((pid_t)ke.ident != j->pid)
			goto again;
		j->pstatus = ke.data;
		return j;
	}
	return NULL;
}

int
main(void)
{
	struct cfjail j;
	struct old_kevent ke;
	int st;

	CHECK(add_proc(&j, run("exit 3"), 5000) == 1, "add_proc: %s", strerror(errno));
	CHECK(next_proc(&j) == &j && !(j.flags & JF_TIMEOUT), "finished in time");
	CHECK(WIFEXITED(j.pstatus) && WEXITSTATUS(j.pstatus) == 3, "pstatus %#x", j.pstatus);
	CHECK(waitpid(j.pid, NULL, WNOHANG) < 0 && errno == ECHILD, "next_proc reaped it");

	double t0 = now_ms();
	CHECK(add_proc(&j, run("sleep 10"), 300) == 1, "add_proc sleep");
	CHECK(next_proc(&j) == &j && (j.flags & JF_TIMEOUT), "stop.timeout expired");
	CHECK(now_ms() - t0 >= 280 && now_ms() - t0 < 5000, "after %.0f ms", now_ms() - t0);
	kill(j.pid, SIGTERM);
	CHECK(waitpid(j.pid, &st, 0) == j.pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "killed");

	/* The same wait with an EVFILT_TIMER as the deadline instead of kevent's timeout. */
	pid_t pid = run("sleep 10");
	OLD_EV_SET(&ke, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	CHECK(old_kevent(kq, &ke, 1, NULL, 0, NULL) == 0, "proc");
	OLD_EV_SET(&ke, 1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 200, NULL);
	CHECK(old_kevent(kq, &ke, 1, NULL, 0, NULL) == 0, "timer");
	CHECK(old_kevent(kq, NULL, 0, &ke, 1, NULL) == 1 && ke.filter == EVFILT_TIMER, "the timer first: %d", ke.filter);
	kill(pid, SIGKILL);
	CHECK(old_kevent(kq, NULL, 0, &ke, 1, NULL) == 1 && ke.filter == EVFILT_PROC && WTERMSIG(ke.data) == SIGKILL,
	    "then the exit: %d %#lx", ke.filter, (long)ke.data);
	CHECK(waitpid(pid, NULL, WNOHANG) == pid, "reaped after the event");
	DONE();
}
