/* EVFILT_READ and EVFILT_WRITE on pipes, sockets and regular files; EV_CLEAR, EV_DISPATCH,
 * EV_ONESHOT, EV_DISABLE/EV_ENABLE, EV_DELETE; several events at once; a blocking wait. */
#include "kq.h"
#include <sys/socket.h>

static int wfd;
static const char *path;

static void write_three(void) { write(wfd, "abc", 3); }
static void append_four(void) { append_to(path, "wxyz"); }

static void
pipes(int kq)
{
	struct kevent ev;
	int p[2], n;
	char buf[8];

	pipe(p);
	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD, 0, 0, (void *)0x1234) == 0, "add: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 0, "an empty pipe is not readable");
	write(p[1], "hello", 5);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == (uintptr_t)p[0] && ev.filter == EVFILT_READ, "n %d ident %d", n, (int)ev.ident);
	CHECK(ev.data == 5 && ev.udata == (void *)0x1234 && ev.flags == 0, "data %ld flags %#x", (long)ev.data, ev.flags);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.data == 5, "level-triggered: reported again");
	read(p[0], buf, 2);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.data == 3, "data after reading 2: %ld", (long)ev.data);

	CHECK(change(kq, p[1], EVFILT_WRITE, EV_ADD, 0, 0, NULL) == 0, "add write");
	CHECK(kevent(kq, NULL, 0, &ev, 1, &ZERO) == 1, "one of the two");
	struct kevent two[4];
	n = kevent(kq, NULL, 0, two, 4, &ZERO);
	CHECK(n == 2, "both read and write are ready: %d", n);
	for (int i = 0; i < n; i++)
		if (two[i].filter == EVFILT_WRITE)
			CHECK(two[i].ident == (uintptr_t)p[1] && two[i].data > 0, "write data %ld", (long)two[i].data);
	CHECK(change(kq, p[1], EVFILT_WRITE, EV_DELETE, 0, 0, NULL) == 0, "delete write");

	close(p[1]);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && (ev.flags & EV_EOF) && ev.data == 3, "writer gone: flags %#x data %ld", ev.flags, (long)ev.data);
	read(p[0], buf, 3);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && (ev.flags & EV_EOF) && ev.data == 0, "EOF stays: flags %#x data %ld", ev.flags, (long)ev.data);
	close(p[0]);

	pipe(p);
	CHECK(change(kq, p[1], EVFILT_WRITE, EV_ADD, 0, 0, NULL) == 0, "add write");
	close(p[0]);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.filter == EVFILT_WRITE && (ev.flags & EV_EOF), "reader gone: flags %#x", ev.flags);
	close(p[1]);
}

static void
sockets(int kq)
{
	struct kevent ev;
	int s[2], n;

	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	CHECK(change(kq, s[0], EVFILT_READ, EV_ADD, 0, 0, NULL) == 0, "add socket");
	write(s[1], "1234567", 7);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data == 7 && !(ev.flags & EV_EOF), "socket data %ld flags %#x", (long)ev.data, ev.flags);
	CHECK(change(kq, s[0], EVFILT_WRITE, EV_ADD | EV_DISPATCH, 0, 0, NULL) == 0, "add socket write");
	close(s[1]);
	struct kevent evs[2];
	n = kevent(kq, NULL, 0, evs, 2, &ZERO);
	CHECK(n == 2 && (evs[0].flags & EV_EOF) && (evs[1].flags & EV_EOF), "peer gone: %d %#x %#x", n,
	    evs[0].flags, evs[1].flags);
	close(s[0]);
}

static void
files(int kq)
{
	char tmpl[] = "/tmp/kq_rw.XXXXXX", buf[16];
	struct kevent ev;
	int fd, rd, n;

	fd = mkstemp(tmpl);
	path = tmpl;
	write(fd, "0123456789", 10);
	rd = open(tmpl, O_RDONLY);
	CHECK(change(kq, rd, EVFILT_READ, EV_ADD, 0, 0, NULL) == 0, "add file: %s", strerror(errno));
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data == 10, "file: size - offset = %ld", (long)ev.data);
	read(rd, buf, 4);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.data == 6, "after reading 4: %ld", (long)ev.data);
	read(rd, buf, 6);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "at EOF a file is not readable");
	CHECK(change(kq, rd, EVFILT_READ, EV_ADD, NOTE_FILE_POLL, 0, NULL) == 0, "NOTE_FILE_POLL");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data == 0, "NOTE_FILE_POLL: ready with data %ld", (long)ev.data);
	CHECK(change(kq, rd, EVFILT_READ, EV_ADD, 0, 0, NULL) == 0, "back to plain");

	double t0 = now_ms();
	pid_t pid = later(100, append_four);
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && ev.data == 4 && now_ms() - t0 >= 80, "woken by a write: n %d data %ld after %.0f ms", n,
	    (long)ev.data, now_ms() - t0);
	waitpid(pid, NULL, 0);
	CHECK(change(kq, rd, EVFILT_READ, EV_DELETE, 0, 0, NULL) == 0, "delete file");

	CHECK(change(kq, fd, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0, NULL) == 0, "file write");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.filter == EVFILT_WRITE && ev.data == 0 && (ev.flags & EV_ONESHOT), "always writable");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "oneshot went");
	close(rd);
	close(fd);
	unlink(tmpl);
}

static void
flags(int kq)
{
	struct kevent ev;
	int p[2], n;
	char buf[8];

	pipe(p);
	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, NULL) == 0, "clear");
	write(p[1], "x", 1);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data == 1 && (ev.flags & EV_CLEAR), "EV_CLEAR first: %d", n);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "EV_CLEAR: not again without new data");
	write(p[1], "y", 1);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.data == 2, "EV_CLEAR: new data, data %ld", (long)ev.data);
	read(p[0], buf, 2);

	CHECK(change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) == 0, "delete");
	write(p[1], "z", 1);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "deleted: nothing");
	CHECK(change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "delete twice: ENOENT");

	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD | EV_DISPATCH, 0, 0, NULL) == 0, "dispatch");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && (ev.flags & EV_DISPATCH), "dispatch: once");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "dispatch: then disabled");
	CHECK(change(kq, p[0], EVFILT_READ, EV_ENABLE, 0, 0, NULL) == 0, "enable");
	CHECK(wait1(kq, &ev, &ZERO) == 1, "dispatch: enabled again");
	CHECK(change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) == 0, "delete dispatch");

	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD | EV_DISABLE, 0, 0, NULL) == 0, "add disabled");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "disabled: nothing");
	CHECK(change(kq, p[0], EVFILT_READ, EV_ENABLE, 0, 0, NULL) == 0, "enable");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.data == 1, "enabled: reported");
	CHECK(change(kq, p[0], EVFILT_READ, EV_DISABLE, 0, 0, NULL) == 0, "disable");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "disabled again");
	CHECK(change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) == 0, "delete disabled");

	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, NULL) == 0, "oneshot");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && (ev.flags & EV_ONESHOT), "oneshot: once");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "oneshot: gone");
	CHECK(change(kq, p[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "oneshot deleted itself");

	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD, 0, 0, (void *)1) == 0, "udata 1");
	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD, 0, 0, (void *)2) == 0, "re-add: udata 2");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.udata == (void *)2, "re-adding updates udata: %p", ev.udata);
	CHECK(change(kq, p[0], EVFILT_READ, EV_ADD | EV_KEEPUDATA, 0, 0, (void *)3) == 0, "keepudata");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.udata == (void *)2, "EV_KEEPUDATA: %p", ev.udata);

	/* Closing a descriptor drops its knotes, also when the number comes back for another file. */
	close(p[0]);
	int q[2];
	pipe(q);
	CHECK(q[0] == p[0], "number reused");
	write(q[1], "n", 1);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "the knote went with the closed descriptor");
	CHECK(change(kq, q[0], EVFILT_READ, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "ENOENT after close");
	close(q[0]);
	close(q[1]);
	close(p[1]);
}

static void
many(int kq)
{
	struct kevent evs[3], ev;
	int p[3][2], n;

	for (int i = 0; i < 3; i++) {
		pipe(p[i]);
		write(p[i][1], "x", 1);
		change(kq, p[i][0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, (void *)(intptr_t)i);
	}
	n = kevent(kq, NULL, 0, evs, 2, &ZERO);
	CHECK(n == 2, "two of three: %d", n);
	n = kevent(kq, NULL, 0, evs, 3, &ZERO);
	CHECK(n == 1 && evs[0].udata == (void *)2, "the third later: %d %p", n, evs[0].udata);

	double t0 = now_ms();
	wfd = p[1][1];
	pid_t pid = later(100, write_three);
	n = wait1(kq, &ev, NULL);
	CHECK(n == 1 && ev.udata == (void *)1 && ev.data == 4, "blocking wait woken: %d data %ld", n, (long)ev.data);
	CHECK(now_ms() - t0 >= 80 && now_ms() - t0 < 5000, "slept %.0f ms", now_ms() - t0);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 3; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

int
main(void)
{
	int kq = kqueue();

	CHECK(kq >= 0, "kqueue: %s", strerror(errno));
	pipes(kq);
	sockets(kq);
	files(kq);
	flags(kq);
	many(kq);
	DONE();
}
