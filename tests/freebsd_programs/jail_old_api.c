/* jail(2), the pre-jail_set interface: the caller is put in a new jail at once (jail(2) man
 * page); such a jail has System V IPC disabled, so shmget is ENOSYS (sysv_shm.c). */
#include <sys/param.h>
#include <sys/ipc.h>
#include <sys/jail.h>
#include <sys/shm.h>
#include <sys/sysctl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	struct jail j;
	memset(&j, 0, sizeof j);
	j.version = JAIL_API_VERSION;
	j.path = argv[1];
	j.hostname = "old.example";
	j.jailname = "oldapi";
	int jid = jail(&j);
	CHECK(jid > 0, "jail errno %d", errno);
	int jailed = 0;
	size_t len = sizeof jailed;
	CHECK(sysctlbyname("security.jail.jailed", &jailed, &len, NULL, 0) == 0 && jailed == 1,
	    "jailed %d", jailed);
	char host[64];
	CHECK(gethostname(host, sizeof host) == 0 && strcmp(host, "old.example") == 0, "%s", host);
	errno = 0;
	CHECK(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) == -1 && errno == ENOSYS,
	    "sysvshm disabled: errno %d", errno);
	printf("jid %d\n", jid);
	DONE();
}
