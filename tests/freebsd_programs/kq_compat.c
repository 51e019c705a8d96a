/* freebsd11_kevent(2), syscall 363: the 32-byte struct kevent that FreeBSD 10 and 11 binaries
 * (the root's /usr/sbin/jail among them) pass. */
#include "kq.h"

int
main(void)
{
	struct old_kevent ch[2], ev[3];
	struct timespec t = ms_ts(1000);
	int kq = kqueue(), p[2], n;

	CHECK(sizeof(struct old_kevent) == 32, "size %zu", sizeof(struct old_kevent));
	pipe(p);
	ch[0] = (struct old_kevent){p[0], EVFILT_READ, EV_ADD, 0, 0, (void *)0x11};
	ch[1] = (struct old_kevent){1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 30, (void *)0x22};
	CHECK(old_kevent(kq, ch, 2, NULL, 0, NULL) == 0, "add: %s", strerror(errno));
	write(p[1], "abcd", 4);
	memset(ev, 0xa5, sizeof(ev));
	n = old_kevent(kq, NULL, 0, ev, 3, &ZERO);
	CHECK(n == 1 && ev[0].ident == (uintptr_t)p[0] && ev[0].filter == EVFILT_READ && ev[0].data == 4, "read: %d", n);
	CHECK(ev[0].udata == (void *)0x11 && ev[0].flags == 0 && ev[0].fflags == 0, "fields");
	CHECK(ev[1].ident == (uintptr_t)0xa5a5a5a5a5a5a5a5ULL, "nothing written past the events");
	read(p[0], ev, 4);
	n = old_kevent(kq, NULL, 0, ev, 3, &t);
	CHECK(n == 1 && ev[0].filter == EVFILT_TIMER && ev[0].data == 1 && ev[0].udata == (void *)0x22, "timer: %d", n);

	ch[0] = (struct old_kevent){777, EVFILT_READ, EV_ADD, 0, 0, (void *)0x33};
	n = old_kevent(kq, ch, 1, ev, 1, NULL);
	CHECK(n == 1 && ev[0].flags == EV_ERROR && ev[0].data == EBADF && ev[0].udata == (void *)0x33, "EV_ERROR: %d", n);

	/* The two ABIs see one kqueue. */
	struct kevent nev;
	write(p[1], "z", 1);
	CHECK(wait1(kq, &nev, &ZERO) == 1 && nev.ident == (uintptr_t)p[0] && nev.ext[0] == 0, "new ABI, same knote");
	DONE();
}
