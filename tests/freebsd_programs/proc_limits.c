/*
 * Resource limits (kern_resource.c: RLIM_NLIMITS, kern_proc_setrlimit's clamping) and cpuset ids
 * (kern_cpuset.c: cpuset, cpuset_getid, cpuset_setid).  One line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/cpuset.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void
getid(const char *what, cpulevel_t level, cpuwhich_t which, id_t id)
{
	cpusetid_t set = -5;
	int r;

	errno = 0;
	r = cpuset_getid(level, which, id, &set);
	printf("%s = %d errno %d set %d\n", what, r, errno, r == 0 ? set : -5);
}

int
main(void)
{
	struct rlimit rl, got;
	cpusetid_t mine, other;
	pid_t child;
	int status;

	errno = 0;
	printf("getrlimit(RLIM_NLIMITS) = %d errno %d\n", getrlimit(RLIM_NLIMITS, &rl), errno);
	errno = 0;
	printf("getrlimit(-1) = %d errno %d\n", getrlimit(-1, &rl), errno);
	errno = 0;
	printf("setrlimit(99) = %d errno %d\n", setrlimit(99, &rl), errno);

	getrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = 4096;
	rl.rlim_max = 2048;
	printf("setrlimit(cur > max) = %d\n", setrlimit(RLIMIT_CORE, &rl));
	getrlimit(RLIMIT_CORE, &got);
	printf("core: cur %jd max %jd\n", (intmax_t)got.rlim_cur, (intmax_t)got.rlim_max);
	rl.rlim_cur = rl.rlim_max = -5;
	printf("setrlimit(NOFILE, negative) = %d\n", setrlimit(RLIMIT_NOFILE, &rl));
	getrlimit(RLIMIT_NOFILE, &got);
	printf("nofile: cur %jd max %jd\n", (intmax_t)got.rlim_cur, (intmax_t)got.rlim_max);
	getrlimit(RLIMIT_KQUEUES, &got);
	printf("kqueues unlimited: %d\n", got.rlim_cur == RLIM_INFINITY);

	getid("pid root", CPU_LEVEL_ROOT, CPU_WHICH_PID, -1);
	getid("pid cpuset", CPU_LEVEL_CPUSET, CPU_WHICH_PID, -1);
	getid("pid which", CPU_LEVEL_WHICH, CPU_WHICH_PID, -1);
	getid("tid cpuset", CPU_LEVEL_CPUSET, CPU_WHICH_TID, -1);
	getid("set 1", CPU_LEVEL_WHICH, CPU_WHICH_CPUSET, 1);
	getid("set 0 root", CPU_LEVEL_ROOT, CPU_WHICH_CPUSET, 0);
	getid("no such set", CPU_LEVEL_WHICH, CPU_WHICH_CPUSET, 123456);
	getid("irq", CPU_LEVEL_CPUSET, CPU_WHICH_IRQ, 0);
	getid("no such pid", CPU_LEVEL_CPUSET, CPU_WHICH_PID, 999999);

	CHECK(cpuset(&mine) == 0, "cpuset: %s", strerror(errno));
	printf("new set is new: %d\n", mine > 1);
	cpuset_getid(CPU_LEVEL_CPUSET, CPU_WHICH_PID, -1, &other);
	printf("caller moved: %d\n", other == mine);
	cpuset_getid(CPU_LEVEL_ROOT, CPU_WHICH_PID, -1, &other);
	printf("its root: %d\n", other);
	child = fork();
	if (child == 0) {
		cpuset_getid(CPU_LEVEL_CPUSET, CPU_WHICH_PID, -1, &other);
		_exit(other == mine ? 0 : 1);
	}
	waitpid(child, &status, 0);
	printf("child inherits: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("setid back to 1 = %d\n", cpuset_setid(CPU_WHICH_PID, -1, 1));
	cpuset_getid(CPU_LEVEL_CPUSET, CPU_WHICH_PID, -1, &other);
	printf("now in %d\n", other);
	errno = 0;
	printf("setid of a thread = %d errno %d\n", cpuset_setid(CPU_WHICH_TID, -1, 1), errno);
	errno = 0;
	printf("setid no such set = %d errno %d\n", cpuset_setid(CPU_WHICH_PID, -1, 123456),
	    errno);
	DONE();
}
