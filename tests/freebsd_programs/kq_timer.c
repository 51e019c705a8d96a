/* EVFILT_TIMER: units, periodic expirations counted in data, EV_ONESHOT, NOTE_ABSTIME,
 * re-adding, disabling, deleting, and bad arguments. */
#include "kq.h"

static double
waited(int kq, struct kevent *ev)
{
	double t0 = now_ms();

	CHECK(wait1(kq, ev, NULL) == 1, "an event");
	return now_ms() - t0;
}

int
main(void)
{
	struct kevent ev;
	double ms;
	int kq = kqueue(), n;

	CHECK(change(kq, 1, EVFILT_TIMER, EV_ADD, 0, 20, (void *)5) == 0, "periodic 20 ms: %s", strerror(errno));
	sleep_ms(110);
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.ident == 1 && ev.filter == EVFILT_TIMER && ev.udata == (void *)5, "expired: %d", n);
	CHECK(ev.data >= 4 && ev.data <= 6 && (ev.flags & EV_CLEAR) && ev.fflags == 0, "data %ld flags %#x",
	    (long)ev.data, ev.flags);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "counted out");
	ms = waited(kq, &ev);
	CHECK(ms < 40 && ev.data == 1, "next period: %.0f ms data %ld", ms, (long)ev.data);
	CHECK(change(kq, 1, EVFILT_TIMER, EV_DELETE, 0, 0, NULL) == 0, "delete");
	struct timespec t = ms_ts(100);
	CHECK(wait1(kq, &ev, &t) == 0, "deleted: silent");

	static const struct { u_int unit; intptr_t amount; } units[] = {
		{NOTE_SECONDS, 1}, {NOTE_MSECONDS, 60}, {NOTE_USECONDS, 60000}, {NOTE_NSECONDS, 60000000}, {0, 60},
	};
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double want = units[i].unit == NOTE_SECONDS ? 1000 : 60;
		CHECK(change(kq, 2, EVFILT_TIMER, EV_ADD | EV_ONESHOT, units[i].unit, units[i].amount, NULL) == 0, "unit");
		ms = waited(kq, &ev);
		CHECK(ms >= want - 10 && ms < want + 500 && ev.data == 1 && (ev.flags & EV_ONESHOT), "unit %#x: %.0f ms",
		    units[i].unit, ms);
		CHECK(change(kq, 2, EVFILT_TIMER, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "oneshot went");
	}

	CHECK(change(kq, 3, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 0, NULL) == 0, "oneshot 0: at once");
	CHECK(wait1(kq, &ev, &t) == 1 && ev.ident == 3, "fired");

	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	intptr_t at = (intptr_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000 + 80;
	CHECK(change(kq, 4, EVFILT_TIMER, EV_ADD, NOTE_ABSTIME | NOTE_MSECONDS, at, NULL) == 0, "abstime");
	ms = waited(kq, &ev);
	CHECK(ms >= 60 && ms < 600 && ev.ident == 4 && ev.data == 1, "absolute: %.0f ms", ms);
	t = ms_ts(150);
	CHECK(wait1(kq, &ev, &t) == 0, "absolute timers fire once");
	change(kq, 4, EVFILT_TIMER, EV_DELETE, 0, 0, NULL);
	CHECK(change(kq, 5, EVFILT_TIMER, EV_ADD | EV_ONESHOT, NOTE_ABSTIME | NOTE_SECONDS, 1, NULL) == 0, "past");
	CHECK(wait1(kq, &ev, &t) == 1 && ev.ident == 5, "a time in the past fires at once");

	/* Re-adding restarts with the new period. */
	CHECK(change(kq, 6, EVFILT_TIMER, EV_ADD, 0, 500, NULL) == 0, "500 ms");
	CHECK(change(kq, 6, EVFILT_TIMER, EV_ADD, 0, 30, NULL) == 0, "now 30 ms");
	ms = waited(kq, &ev);
	CHECK(ms < 200 && ev.ident == 6, "the new period: %.0f ms", ms);

	/* Disabled, it keeps counting; enabled, it reports the count. */
	CHECK(change(kq, 6, EVFILT_TIMER, EV_DISABLE, 0, 0, NULL) == 0, "disable");
	sleep_ms(130);
	CHECK(wait1(kq, &ev, &ZERO) == 0, "disabled: silent");
	CHECK(change(kq, 6, EVFILT_TIMER, EV_ENABLE, 0, 0, NULL) == 0, "enable");
	n = wait1(kq, &ev, &ZERO);
	CHECK(n == 1 && ev.data >= 3, "the expirations while disabled: %d data %ld", n, (long)ev.data);
	change(kq, 6, EVFILT_TIMER, EV_DELETE, 0, 0, NULL);

	/* Two timers: the shorter one first. */
	change(kq, 7, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 120, NULL);
	change(kq, 8, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 40, NULL);
	CHECK(wait1(kq, &ev, NULL) == 1 && ev.ident == 8, "shorter first: %d", (int)ev.ident);
	CHECK(wait1(kq, &ev, NULL) == 1 && ev.ident == 7, "then the longer: %d", (int)ev.ident);

	CHECK(change(kq, 9, EVFILT_TIMER, EV_ADD, 0, -1, NULL) < 0 && errno == EINVAL, "negative period");
	CHECK(change(kq, 9, EVFILT_TIMER, EV_ADD, NOTE_SECONDS | NOTE_MSECONDS, 1, NULL) < 0 && errno == EINVAL,
	    "two units");
	CHECK(change(kq, 9, EVFILT_TIMER, EV_ADD, 0x100, 1, NULL) < 0 && errno == EINVAL, "unknown fflags");
	CHECK(change(kq, 9, EVFILT_TIMER, EV_DELETE, 0, 0, NULL) < 0 && errno == ENOENT, "nothing was added");
	DONE();
}
