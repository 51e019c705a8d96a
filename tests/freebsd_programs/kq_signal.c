/* EVFILT_SIGNAL: deliveries counted, ignored ones too; handlers still run; a waiting kevent is
 * woken by an ignored signal and interrupted (EINTR) by a caught one. */
#include "kq.h"

static volatile sig_atomic_t handled;

static void on_usr2(int sig) { handled++; }
static void send_usr1(void) { kill(getppid(), SIGUSR1); }
static void send_usr2(void) { kill(getppid(), SIGUSR2); }
static void nothing(void) { }

int
main(void)
{
	struct sigaction sa;
	struct kevent ev;
	int kq = kqueue(), n;
	pid_t pid;

	signal(SIGUSR1, SIG_IGN);
	CHECK(change(kq, SIGUSR1, EVFILT_SIGNAL, EV_ADD, 0, 0, (void *)3) == 0, "add: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 0, "nothing yet");
	for (int i = 0; i < 3; i++)
		kill(getpid(), SIGUSR1);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == SIGUSR1 && ev.filter == EVFILT_SIGNAL && ev.data == 3, "ignored, counted: %d data %ld",
	    n, (long)ev.data);
	CHECK((ev.flags & EV_CLEAR) && ev.udata == (void *)3, "flags %#x", ev.flags);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "counted out");

	double t0 = now_ms();
	pid = later(100, send_usr1);
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && ev.ident == SIGUSR1 && ev.data == 1 && now_ms() - t0 >= 80, "woken by an ignored signal: %d", n);
	waitpid(pid, NULL, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	CHECK(change(kq, SIGUSR2, EVFILT_SIGNAL, EV_ADD, 0, 0, NULL) == 0, "add caught");
	kill(getpid(), SIGUSR2);
	CHECK(handled == 1, "the handler ran: %d", (int)handled);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == SIGUSR2 && ev.data == 1, "and the delivery was counted: %d", n);

	pid = later(100, send_usr2);
	n = wait1(kq, &ev, NULL);
	CHECK(n < 0 && errno == EINTR && handled == 2, "a caught signal interrupts: %d %s", n, strerror(errno));
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == SIGUSR2 && ev.data == 1, "then it is reported: %d", n);
	waitpid(pid, NULL, 0);

	CHECK(change(kq, SIGUSR1, EVFILT_SIGNAL, EV_DISABLE, 0, 0, NULL) == 0, "disable");
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "disabled: silent");
	CHECK(change(kq, SIGUSR1, EVFILT_SIGNAL, EV_ENABLE, 0, 0, NULL) == 0, "enable");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data == 2, "counted while disabled: %d data %ld", n, (long)ev.data);

	CHECK(change(kq, SIGCHLD, EVFILT_SIGNAL, EV_ADD, 0, 0, NULL) == 0, "SIGCHLD");
	pid = later(0, nothing);
	waitpid(pid, NULL, 0);
	struct timespec t = ms_ts(1000);
	n = wait1(kq, &ev, &t);
	CHECK(n == 1 && ev.ident == SIGCHLD && ev.data == 1, "SIGCHLD (default: ignored) counted: %d", n);

	/* Blocked: counted when sent, left pending, not counted again when unblocked. */
	sigset_t set, was;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &was);
	kill(getpid(), SIGUSR2);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == SIGUSR2 && ev.data == 1, "blocked, counted: %d", n);
	sigset_t pend;
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGUSR2) && handled == 2, "and still pending, not handled");
	sigprocmask(SIG_SETMASK, &was, NULL);
	CHECK(handled == 3, "delivered when unblocked: %d", (int)handled);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "the delivery of a counted signal is not counted again");
	sigprocmask(SIG_BLOCK, &set, &was);
	t0 = now_ms();
	pid = later(100, send_usr2);
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && ev.ident == SIGUSR2 && ev.data == 1 && now_ms() - t0 >= 80, "a blocked signal wakes the wait: %d ident %d data %ld after %.0f ms",
	    n, (int)ev.ident, (long)ev.data, now_ms() - t0);
	waitpid(pid, NULL, 0);
	CHECK(change(kq, SIGCHLD, EVFILT_SIGNAL, EV_DELETE, 0, 0, NULL) == 0, "SIGCHLD deleted");  /* no more noise */
	signal(SIGUSR2, SIG_IGN);  /* discards the pending one, which was counted */
	sigaction(SIGUSR2, &sa, NULL);
	sigprocmask(SIG_SETMASK, &was, NULL);
	CHECK(handled == 3, "discarded, not delivered: %d", (int)handled);
	kill(getpid(), SIGUSR2);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == SIGUSR2 && ev.data == 1, "after the discard, deliveries count again: %d ident %d data %ld",
	    n, (int)ev.ident, (long)ev.data);

	CHECK(change(kq, 0, EVFILT_SIGNAL, EV_ADD, 0, 0, NULL) < 0 && errno == EINVAL, "signal 0");
	CHECK(change(kq, 129, EVFILT_SIGNAL, EV_ADD, 0, 0, NULL) < 0 && errno == EINVAL, "signal 129");
	CHECK(change(kq, SIGUSR1, EVFILT_SIGNAL, EV_DELETE, 0, 0, NULL) == 0, "delete");
	kill(getpid(), SIGUSR1);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "deleted: not counted");
	DONE();
}
