/* poll(2) interrupted by a caught signal returns EINTR with the caller's pollfd events as
 * they were (the supervisor translates them in place for Linux and must put them back). */
#include <sys/time.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void tick(int sig) { (void)sig; }

int main(void) {
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tick;           /* no SA_RESTART: poll ends with EINTR */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval once = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &once, NULL);
	/* Read side of an empty pipe: nothing becomes ready.  POLLRDBAND and POLLWRBAND have
	 * other values on Linux. */
	struct pollfd f = { p[0], POLLIN | POLLRDBAND | POLLWRBAND, 0 };
	int r = poll(&f, 1, -1);
	CHECK(r == -1 && errno == EINTR, "poll: r=%d errno=%d", r, errno);
	CHECK(f.events == (POLLIN | POLLRDBAND | POLLWRBAND), "events became %#x", f.events);
	DONE();
}
