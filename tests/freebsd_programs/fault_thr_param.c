/* thr_new(2) with bad parameters gets kern_thr.c's errno; with a zeroed thr_param (argument
 * "zeroed") it succeeds, and the new thread starts at address 0 and faults. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/rtprio.h>
#include <sys/thr.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define FAILS(err, call) do {                                                   \
	errno = 0;                                                              \
	int r_ = (call);                                                        \
	CHECK(r_ == -1 && errno == err, "%s: r=%d errno=%d", #call, r_, errno); \
} while (0)

int main(int argc, char **argv) {
	struct thr_param p;
	memset(&p, 0, sizeof p);
	if (argc > 1 && strcmp(argv[1], "zeroed") == 0) {
		thr_new(&p, sizeof p);
		for (;;)
			pause();
	}
	long *read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0);
	FAILS(EINVAL, thr_new(&p, sizeof p + 1));
	FAILS(EINVAL, thr_new(&p, -1));
	FAILS(EFAULT, thr_new((struct thr_param *)8, sizeof p));
	p.tls_base = (void *)0xffffffffffff0000ul;     /* cpu_set_user_tls: not a user address */
	FAILS(EINVAL, thr_new(&p, sizeof p));
	p.tls_base = NULL;
	p.child_tid = read_only;                        /* thr_new_initthr's suword_lwpid */
	FAILS(EFAULT, thr_new(&p, sizeof p));
	p.child_tid = NULL;
	p.parent_tid = (long *)16;
	FAILS(EFAULT, thr_new(&p, sizeof p));
	p.parent_tid = NULL;
	p.rtp = (struct rtprio *)24;                    /* kern_thr_new's copyin */
	FAILS(EFAULT, thr_new(&p, sizeof p));
	struct rtprio idle = { RTP_PRIO_IDLE, 0 };      /* thread_create takes REALTIME, FIFO, NORMAL */
	p.rtp = &idle;
	FAILS(EINVAL, thr_new(&p, sizeof p));
	DONE();
}
