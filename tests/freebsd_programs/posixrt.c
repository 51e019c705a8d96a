/* POSIX timers and message queues through the 13.5 libc (timer_create(2), mq_open(2)): FreeBSD's
 * flags, names, errno and siginfo (SI_TIMER, SI_MESGQ). */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got_code, got_value, got_signo;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = sig;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 42;
	timer_t t;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create errno %d", errno);
	struct itimerspec its = { { 0, 0 }, { 0, 20 * 1000 * 1000 } }, cur;
	CHECK(timer_settime(t, 0, &its, NULL) == 0, "settime errno %d", errno);
	CHECK(timer_gettime(t, &cur) == 0 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0),
	    "gettime errno %d", errno);
	for (int i = 0; i < 500 && !got_signo; i++)
		usleep(10000);
	CHECK(got_signo == SIGUSR1 && got_code == SI_TIMER && got_value == 42,
	    "signal %d code %#x value %d", got_signo, got_code, got_value);
	CHECK(timer_getoverrun(t) == 0, "overrun %d", timer_getoverrun(t));
	CHECK(timer_delete(t) == 0, "delete errno %d", errno);
	errno = 0;
	CHECK(timer_create(CLOCK_MONOTONIC, &(struct sigevent){ .sigev_notify = 99 }, &t) == -1 &&
	    errno == EINVAL, "bad sigev_notify: errno %d", errno);

	char name[64];
	snprintf(name, sizeof name, "/bsdulator-test-%d", (int)getpid());
	struct mq_attr attr = { 0, 4, 32, 0, { 0 } }, got;
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	CHECK(q != (mqd_t)-1, "mq_open errno %d", errno);
	errno = 0;
	CHECK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr) == (mqd_t)-1 && errno == EEXIST,
	    "O_EXCL: errno %d", errno);
	errno = 0;
	CHECK(mq_open("no-slash", O_RDWR | O_CREAT, 0600, &attr) == (mqd_t)-1 && errno == EINVAL,
	    "name: errno %d", errno);
	CHECK(mq_getattr(q, &got) == 0 && got.mq_maxmsg == 4 && got.mq_msgsize == 32 &&
	    got.mq_curmsgs == 0 && got.mq_flags == 0, "getattr errno %d", errno);
	CHECK(mq_send(q, "low", 4, 1) == 0 && mq_send(q, "high", 5, 7) == 0, "send errno %d", errno);
	char buf[32];
	unsigned prio;
	CHECK(mq_receive(q, buf, sizeof buf, &prio) == 5 && prio == 7 && strcmp(buf, "high") == 0,
	    "receive %s %u", buf, prio);
	errno = 0;
	CHECK(mq_receive(q, buf, 8, &prio) == -1 && errno == EMSGSIZE, "small: errno %d", errno);
	struct mq_attr nb = { O_NONBLOCK, 0, 0, 0, { 0 } };
	CHECK(mq_setattr(q, &nb, &got) == 0 && got.mq_flags == 0 && got.mq_curmsgs == 1,
	    "setattr errno %d", errno);
	CHECK(mq_getattr(q, &got) == 0 && got.mq_flags == O_NONBLOCK, "flags %ld", got.mq_flags);
	CHECK(mq_receive(q, buf, sizeof buf, &prio) == 4 && prio == 1, "receive errno %d", errno);
	errno = 0;
	CHECK(mq_receive(q, buf, sizeof buf, &prio) == -1 && errno == EAGAIN, "empty: errno %d",
	    errno);
	ev.sigev_signo = SIGUSR2;
	ev.sigev_value.sival_int = 7;
	got_signo = 0;
	CHECK(mq_notify(q, &ev) == 0, "notify errno %d", errno);
	CHECK(mq_send(q, "x", 2, 0) == 0, "send errno %d", errno);
	for (int i = 0; i < 500 && !got_signo; i++)
		usleep(10000);
	CHECK(got_signo == SIGUSR2 && got_code == SI_MESGQ && got_value == 7,
	    "signal %d code %#x value %d", got_signo, got_code, got_value);
	struct timespec past = { 1, 0 };
	CHECK(mq_timedreceive(q, buf, sizeof buf, NULL, &past) == 2, "timedreceive errno %d", errno);
	CHECK(mq_close(q) == 0, "close errno %d", errno);
	CHECK(mq_unlink(name) == 0, "unlink errno %d", errno);
	errno = 0;
	CHECK(mq_unlink(name) == -1 && errno == ENOENT, "gone: errno %d", errno);
	DONE();
}
