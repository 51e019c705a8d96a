/* POSIX 1003.1b scheduling: ranges, policies and priorities as FreeBSD's ksched.c has them. */
#include <sys/types.h>
#include <sys/rtprio.h>
#include <sys/syscall.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	int root = argc > 1 && strcmp(argv[1], "root") == 0;
	struct sched_param sp;
	struct rtprio rtp;
	struct timespec ts;

	printf("max fifo=%d rr=%d other=%d\n", sched_get_priority_max(SCHED_FIFO),
	    sched_get_priority_max(SCHED_RR), sched_get_priority_max(SCHED_OTHER));
	printf("min fifo=%d rr=%d other=%d\n", sched_get_priority_min(SCHED_FIFO),
	    sched_get_priority_min(SCHED_RR), sched_get_priority_min(SCHED_OTHER));
	errno = 0;
	CHECK(sched_get_priority_max(99) == -1 && errno == EINVAL, "errno %d", errno);
	errno = 0;
	CHECK(sched_get_priority_min(-1) == -1 && errno == EINVAL, "errno %d", errno);

	CHECK(sched_getscheduler(0) == SCHED_OTHER, "%d", sched_getscheduler(0));
	CHECK(sched_getscheduler(getpid()) == SCHED_OTHER, "own pid");
	CHECK(sched_getparam(0, &sp) == 0, "errno %d", errno);
	CHECK(sp.sched_priority >= 0 && sp.sched_priority <= sched_get_priority_max(SCHED_OTHER),
	    "%d", sp.sched_priority);
	sp.sched_priority = 0;
	CHECK(sched_setparam(0, &sp) == 0, "errno %d", errno);
	sp.sched_priority = sched_get_priority_max(SCHED_OTHER) + 1;
	errno = 0;
	CHECK(sched_setparam(0, &sp) == -1 && errno == EINVAL, "errno %d", errno);

	CHECK(sched_rr_get_interval(0, &ts) == 0, "errno %d", errno);
	CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0, "%ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
	CHECK(syscall(SYS_yield) == 0, "errno %d", errno);
	long cpu = syscall(SYS_sched_getcpu);
	CHECK(cpu >= 0 && cpu < sysconf(_SC_NPROCESSORS_CONF), "cpu %ld", cpu);

	sp.sched_priority = 10;
	if (!root) {
		if (getuid() == 0)
			CHECK(setuid(65534) == 0, "errno %d", errno);  /* nobody */
		errno = 0;
		CHECK(sched_setscheduler(0, SCHED_FIFO, &sp) == -1 && errno == EPERM, "errno %d", errno);
		DONE();
	}
	CHECK(sched_setscheduler(0, SCHED_FIFO, &sp) == 0, "errno %d", errno);
	CHECK(sched_getscheduler(0) == SCHED_FIFO, "%d", sched_getscheduler(0));
	CHECK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 10, "%d", sp.sched_priority);
	CHECK(rtprio_thread(RTP_LOOKUP, 0, &rtp) == 0, "errno %d", errno);
	printf("fifo 10 is rtprio type=%d prio=%d\n", rtp.type, rtp.prio);
	sp.sched_priority = 5;
	CHECK(sched_setparam(0, &sp) == 0, "errno %d", errno);
	CHECK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 5, "%d", sp.sched_priority);
	CHECK(sched_getscheduler(0) == SCHED_FIFO, "policy kept");
	sp.sched_priority = 32;
	errno = 0;
	CHECK(sched_setscheduler(0, SCHED_RR, &sp) == -1 && errno == EINVAL, "errno %d", errno);
	errno = 0;
	CHECK(sched_setscheduler(0, 99, &sp) == -1 && errno == EINVAL, "errno %d", errno);
	sp.sched_priority = 31;
	CHECK(sched_setscheduler(0, SCHED_RR, &sp) == 0, "errno %d", errno);
	CHECK(sched_getscheduler(0) == SCHED_RR, "%d", sched_getscheduler(0));
	CHECK(rtprio_thread(RTP_LOOKUP, 0, &rtp) == 0 && rtp.type == RTP_PRIO_REALTIME &&
	    rtp.prio == 0, "type %d prio %d", rtp.type, rtp.prio);
	sp.sched_priority = 0;
	CHECK(sched_setscheduler(0, SCHED_OTHER, &sp) == 0, "errno %d", errno);
	CHECK(sched_getscheduler(0) == SCHED_OTHER, "%d", sched_getscheduler(0));
	DONE();
}
