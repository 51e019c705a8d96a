/* EVFILT_PROC NOTE_EXIT: the wait status in data, FreeBSD signal numbers, no reaping. */
#include "kq.h"

static void nothing(void) { }

int
main(void)
{
	struct kevent ev;
	pid_t pid;
	int kq = kqueue(), n, st;

	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		_exit(7);
	}
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, (void *)9) == 0, "add: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 0, "still running");
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && ev.ident == (uintptr_t)pid && ev.filter == EVFILT_PROC && ev.fflags == NOTE_EXIT, "exit: %d %#x",
	    n, ev.fflags);
	CHECK((ev.flags & EV_EOF) && (ev.flags & EV_ONESHOT) && ev.udata == (void *)9, "flags %#x", ev.flags);
	CHECK(WIFEXITED(ev.data) && WEXITSTATUS(ev.data) == 7, "status %#lx", (long)ev.data);
	CHECK(waitpid(pid, &st, WNOHANG) == pid && WEXITSTATUS(st) == 7, "the zombie is still there to reap");
	CHECK(change(kq, pid, EVFILT_PROC, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "reported once, then gone");

	/* Killed by a signal whose number differs on Linux (SIGUSR1: 30 on FreeBSD, 10 on Linux). */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL) == 0, "add");
	kill(pid, SIGUSR1);
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && WIFSIGNALED(ev.data) && WTERMSIG(ev.data) == SIGUSR1, "killed: %d status %#lx", n,
	    (long)ev.data);
	waitpid(pid, NULL, 0);

	/* A child that is already a zombie reports at once. */
	pid = later(0, nothing);
	sleep_ms(100);
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL) == 0, "add zombie: %s", strerror(errno));
	struct timespec t = ms_ts(2000);
	n = wait1(kq, &ev, &t);
	CHECK(n == 1 && ev.ident == (uintptr_t)pid && WIFEXITED(ev.data) && WEXITSTATUS(ev.data) == 0, "zombie: %d", n);
	waitpid(pid, NULL, 0);
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL) < 0 && errno == ESRCH, "reaped: ESRCH");

	/* Deleted before the exit: nothing. */
	pid = later(50, nothing);
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL) == 0, "add");
	CHECK(change(kq, pid, EVFILT_PROC, EV_DELETE, 0, 0, NULL) == 0, "delete");
	t = ms_ts(300);
	CHECK(wait1(kq, &ev, &t) == 0, "deleted: no exit event");
	waitpid(pid, NULL, 0);

	/* NOTE_FORK alone is accepted; an exit it did not ask for is not reported. */
	pid = later(50, nothing);
	CHECK(change(kq, pid, EVFILT_PROC, EV_ADD, NOTE_FORK, 0, NULL) == 0, "NOTE_FORK");
	t = ms_ts(300);
	CHECK(wait1(kq, &ev, &t) == 0, "no NOTE_EXIT asked for");
	waitpid(pid, NULL, 0);

	/* Several children, one kqueue, in the order they exit. */
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			sleep_ms(60 * (3 - i));
			_exit(10 + i);
		}
		change(kq, kids[i], EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	}
	for (int i = 2; i >= 0; i--) {
		n = wait1(kq, &ev, NULL);
		CHECK(n == 1 && ev.ident == (uintptr_t)kids[i] && WEXITSTATUS(ev.data) == 10 + i, "child %d: ident %d", i,
		    (int)ev.ident);
		CHECK(waitpid(kids[i], NULL, WNOHANG) == kids[i], "reapable");
	}
	DONE();
}
