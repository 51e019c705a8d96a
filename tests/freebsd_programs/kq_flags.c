/* kevent(2)'s own rules: EV_RECEIPT and EV_ERROR replies, errors without room, timeouts,
 * EINTR, descriptors (fork, close and reuse, dup, close-on-exec, kqueuex). */
#include "kq.h"
#include <sys/syscall.h>

#define SYS_KQUEUEX 583  /* FreeBSD 14; the 13.5 libc has no wrapper */

static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught = sig; }

static void send_usr2(void) { kill(getppid(), SIGUSR2); }
static void send_alrm(void) { kill(getppid(), SIGALRM); }

static void
replies(int kq)
{
	struct kevent ch[3], ev[3];
	int p[2], n;

	pipe(p);
	EV_SET(&ch[0], p[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, (void *)7);
	n = kevent(kq, ch, 1, ev, 1, NULL);
	CHECK(n == 1 && ev[0].flags == EV_ERROR && ev[0].data == 0, "receipt: %d flags %#x data %ld", n, ev[0].flags,
	    (long)ev[0].data);
	CHECK(ev[0].ident == (uintptr_t)p[0] && ev[0].filter == EVFILT_READ && ev[0].udata == (void *)7, "receipt fields");

	EV_SET(&ch[0], 999, EVFILT_READ, EV_ADD, 0, 0, NULL);
	n = kevent(kq, ch, 1, ev, 1, NULL);
	CHECK(n == 1 && ev[0].flags == EV_ERROR && ev[0].data == EBADF && ev[0].ident == 999, "EBADF reply: %d %ld", n,
	    (long)ev[0].data);
	CHECK(kevent(kq, ch, 1, NULL, 0, NULL) < 0 && errno == EBADF, "no room: the call fails: %s", strerror(errno));

	EV_SET(&ch[0], p[1], EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
	EV_SET(&ch[1], 1, 5, EV_ADD, 0, 0, NULL);
	EV_SET(&ch[2], 1, EVFILT_AIO, EV_ADD, 0, 0, NULL);
	n = kevent(kq, ch, 3, ev, 3, NULL);
	CHECK(n == 3 && ev[0].data == ENOENT && ev[1].data == EINVAL && ev[2].data == EINVAL, "ENOENT, EINVAL, EINVAL: %d",
	    n);

	/* A failure between two good changes: both good ones apply; only the failure is returned. */
	EV_SET(&ch[0], p[1], EVFILT_WRITE, EV_ADD, 0, 0, NULL);
	EV_SET(&ch[1], 998, EVFILT_WRITE, EV_ADD, 0, 0, NULL);
	EV_SET(&ch[2], 1, EVFILT_USER, EV_ADD, NOTE_TRIGGER, 0, NULL);
	n = kevent(kq, ch, 3, ev, 3, NULL);
	CHECK(n == 1 && ev[0].ident == 998 && ev[0].data == EBADF, "one reply: %d", n);
	n = kevent(kq, NULL, 0, ev, 3, &ZERO);
	CHECK(n == 2, "the good changes applied: %d", n);

	/* Two failures, room for one: the first is reported, then the call fails. */
	EV_SET(&ch[0], 997, EVFILT_READ, EV_ADD, 0, 0, NULL);
	EV_SET(&ch[1], 2, EVFILT_USER, EV_DELETE, 0, 0, NULL);
	memset(ev, 0, sizeof(ev));
	n = kevent(kq, ch, 2, ev, 1, NULL);
	CHECK(n < 0 && errno == ENOENT && ev[0].data == EBADF, "room for one: %d errno %d first %ld", n, errno,
	    (long)ev[0].data);

	change(kq, p[1], EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
	change(kq, 1, EVFILT_USER, EV_DELETE, 0, 0, NULL);
	/* Filter 0 entries are skipped, not failed. */
	EV_SET(&ch[0], 5, 0, EV_ADD, 0, 0, NULL);
	CHECK(kevent(kq, ch, 1, ev, 1, &ZERO) == 0, "filter 0 is skipped");
	close(p[0]);
	close(p[1]);
}

static void
timeouts(int kq)
{
	struct timespec bad = {0, 1000000000}, neg = {-1, 0}, t = ms_ts(100);
	struct kevent ev;
	double t0;
	int n;

	CHECK(wait1(kq, &ev, &bad) < 0 && errno == EINVAL, "tv_nsec 1e9: EINVAL");
	CHECK(wait1(kq, &ev, &neg) < 0 && errno == EINVAL, "negative: EINVAL");
	CHECK(kevent(kq, NULL, 0, NULL, 0, &bad) == 0, "no events wanted: the timeout is not looked at");
	t0 = now_ms();
	CHECK(kevent(kq, NULL, 0, NULL, 0, NULL) == 0 && now_ms() - t0 < 1000, "no events wanted: no wait");
	t0 = now_ms();
	CHECK(wait1(kq, &ev, &ZERO) == 0 && now_ms() - t0 < 1000, "zero timeout: poll");
	t0 = now_ms();
	n = wait1(kq, &ev, &t);
	CHECK(n == 0 && now_ms() - t0 >= 95 && now_ms() - t0 < 5000, "100 ms: %d after %.0f ms", n, now_ms() - t0);
}

static void
signals(int kq)
{
	struct sigaction sa;
	struct kevent ev;
	pid_t pid;
	double t0;
	int n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	pid = later(100, send_alrm);
	n = wait1(kq, &ev, NULL);
	CHECK(n < 0 && errno == EINTR && caught == SIGALRM, "caught signal: EINTR (%d %s)", n, strerror(errno));
	waitpid(pid, NULL, 0);

	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	caught = 0;
	pid = later(100, send_alrm);
	n = wait1(kq, &ev, NULL);
	CHECK(n < 0 && errno == EINTR && caught == SIGALRM, "SA_RESTART does not restart kevent: %d", n);
	waitpid(pid, NULL, 0);

	signal(SIGUSR2, SIG_IGN);
	struct timespec t = ms_ts(300);
	t0 = now_ms();
	pid = later(100, send_usr2);
	n = wait1(kq, &ev, &t);
	CHECK(n == 0 && now_ms() - t0 >= 280, "an ignored signal does not interrupt: %d %s after %.0f ms", n,
	    n < 0 ? strerror(errno) : "", now_ms() - t0);
	waitpid(pid, NULL, 0);

	/* A child's exit (SIGCHLD, ignored by default) does not interrupt either. */
	t0 = now_ms();
	pid = later(50, send_usr2);
	n = wait1(kq, &ev, &t);
	CHECK(n == 0 && now_ms() - t0 >= 280, "SIGCHLD does not interrupt: %d after %.0f ms", n, now_ms() - t0);
	waitpid(pid, NULL, 0);
}

static void
descriptors(int kq)
{
	struct kevent ev;
	int n, st, p[2];

	pipe(p);
	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD, 0, 0, NULL) == 0, "add");
	write(p[1], "x", 1);
	CHECK(kevent(p[0], NULL, 0, &ev, 1, &ZERO) < 0 && errno == EBADF, "a pipe is no kqueue: %s", strerror(errno));
	CHECK(kevent(555, NULL, 0, &ev, 1, &ZERO) < 0 && errno == EBADF, "closed descriptor: EBADF");

	int dup_kq = dup(kq);
	CHECK(kevent(dup_kq, NULL, 0, &ev, 1, &ZERO) == 1 && ev.ident == (uintptr_t)p[0], "a dup is the same kqueue");
	close(dup_kq);

	pid_t pid = fork();
	if (pid == 0)
		_exit(kevent(kq, NULL, 0, &ev, 1, &ZERO) < 0 && errno == EBADF ? 0 : 1);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child does not inherit the kqueue");
	CHECK(kevent(kq, NULL, 0, &ev, 1, &ZERO) == 1, "still the parent's");

	CHECK(!(fcntl(kq, F_GETFD) & FD_CLOEXEC), "kqueue(): no close-on-exec");
	int kqx = syscall(SYS_KQUEUEX, 1 /* KQUEUE_CLOEXEC */);
	CHECK(kqx >= 0 && (fcntl(kqx, F_GETFD) & FD_CLOEXEC), "kqueuex(KQUEUE_CLOEXEC): %d", kqx);
	CHECK(kevent(kqx, NULL, 0, &ev, 1, &ZERO) == 0, "kqueuex gives a kqueue");
	CHECK(syscall(SYS_KQUEUEX, 2) < 0 && errno == EINVAL, "kqueuex: unknown flag");

	/* A closed kqueue whose number now holds a pipe is no kqueue any more. */
	close(kqx);
	int q[2];
	pipe(q);
	CHECK(q[0] == kqx, "number reused: %d %d", q[0], kqx);
	n = kevent(q[0], NULL, 0, &ev, 1, &ZERO);
	CHECK(n < 0 && errno == EBADF, "the old kqueue is gone: %d", n);
	close(q[0]);
	close(q[1]);
	change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	int kq = kqueue();

	replies(kq);
	timeouts(kq);
	signals(kq);
	descriptors(kq);
	DONE();
}
