/* EVFILT_USER: NOTE_TRIGGER, the NOTE_FF* ways of combining fflags, data, and EV_CLEAR,
 * EV_DISPATCH, EV_ONESHOT on user events. */
#include "kq.h"

int
main(void)
{
	struct kevent ev;
	int kq = kqueue(), n;

	CHECK(change(kq, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, (void *)4) == 0, "add: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 0, "not triggered");
	CHECK(change(kq, 1, EVFILT_USER, 0, NOTE_TRIGGER, 0, (void *)4) == 0, "trigger");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == 1 && ev.filter == EVFILT_USER && ev.fflags == 0 && ev.udata == (void *)4,
	    "triggered: %d fflags %#x", n, ev.fflags);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "EV_CLEAR: reset after the report");

	CHECK(change(kq, 1, EVFILT_USER, 0, NOTE_FFCOPY | NOTE_TRIGGER | 0x11, 42, (void *)4) == 0, "copy");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.fflags == 0x11 && ev.data == 42, "NOTE_FFCOPY: %#x data %ld", ev.fflags, (long)ev.data);
	change(kq, 1, EVFILT_USER, 0, NOTE_FFOR | NOTE_TRIGGER | 0x100, 0, (void *)4);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.fflags == 0x111, "NOTE_FFOR: %#x", ev.fflags);
	change(kq, 1, EVFILT_USER, 0, NOTE_FFAND | NOTE_TRIGGER | 0x101, 0, (void *)4);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.fflags == 0x101, "NOTE_FFAND: %#x", ev.fflags);
	change(kq, 1, EVFILT_USER, 0, NOTE_FFNOP | NOTE_TRIGGER | 0xfff, 0, (void *)4);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.fflags == 0x101, "NOTE_FFNOP: %#x", ev.fflags);

	/* Without EV_CLEAR a triggered event stays triggered until a change says EV_CLEAR. */
	CHECK(change(kq, 2, EVFILT_USER, EV_ADD, 0, 0, NULL) == 0, "add level");
	change(kq, 2, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == 2, "level: once");
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == 2, "level: again");
	change(kq, 2, EVFILT_USER, EV_CLEAR, 0, 0, NULL);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "cleared by a change");

	CHECK(change(kq, 3, EVFILT_USER, EV_ADD | EV_DISPATCH, 0, 0, NULL) == 0, "add dispatch");
	change(kq, 3, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == 3, "dispatch: reported");
	CHECK(wait1(kq, &ev, &ZERO) == 0, "dispatch: disabled");
	change(kq, 3, EVFILT_USER, EV_ENABLE, 0, 0, NULL);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == 3, "enabled: still triggered");
	change(kq, 3, EVFILT_USER, EV_DELETE, 0, 0, NULL);

	CHECK(change(kq, 4, EVFILT_USER, EV_ADD | EV_ONESHOT, 0, 0, NULL) == 0, "add oneshot");
	change(kq, 4, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == 4 && (ev.flags & EV_ONESHOT), "oneshot: reported");
	CHECK(change(kq, 4, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL) < 0 && errno == ENOENT, "oneshot: gone");

	CHECK(change(kq, 5, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL) < 0 && errno == ENOENT, "never added");
	DONE();
}
