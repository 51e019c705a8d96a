/* Shared by the kq_*.c programs: CHECK() and DONE() come from check.h. */
#include <sys/types.h>
#include <sys/event.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const struct timespec ZERO = {0, 0};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void
sleep_ms(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* One change, no events: 0 or -1 with errno. */
static int
change(int kq, uintptr_t ident, short filter, u_short flags, u_int fflags, intptr_t data, void *udata)
{
	struct kevent ch;

	EV_SET(&ch, ident, filter, flags, fflags, data, udata);
	return kevent(kq, &ch, 1, NULL, 0, NULL);
}

/* At most one event, waiting as ts says (NULL: forever). */
static int
wait1(int kq, struct kevent *ev, const struct timespec *ts)
{
	memset(ev, 0, sizeof(*ev));
	return kevent(kq, NULL, 0, ev, 1, ts);
}

/* freebsd11_kevent(2), syscall 363, and the 32-byte struct kevent of FreeBSD 10 and 11 that it takes:
 * what binaries of those releases call (the root's /usr/sbin/jail among them). */
#define SYS_FREEBSD11_KEVENT 363

struct old_kevent {
	uintptr_t ident;
	short filter;
	u_short flags;
	u_int fflags;
	intptr_t data;
	void *udata;
};

#define OLD_EV_SET(kevp, a, b, c, d, e, f) \
	(*(kevp) = (struct old_kevent){(a), (b), (c), (d), (e), (f)})

static int
old_kevent(int kq, const struct old_kevent *ch, int nch, struct old_kevent *ev, int nev, const struct timespec *ts)
{
	return syscall(SYS_FREEBSD11_KEVENT, kq, ch, nch, ev, nev, ts);
}

static struct timespec
ms_ts(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	return t;
}

/* Appends text to the file at path, through a descriptor of its own (as another process would). */
static void
append_to(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	write(fd, text, strlen(text));
	close(fd);
}

/* A child that sleeps ms, runs fn, and exits 0. */
static pid_t
later(int ms, void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		fn();
		_exit(0);
	}
	return pid;
}
