/* membarrier(2) (FreeBSD 14.1, called by number): the query's command set, registration before
 * the expedited barriers, errno for flags and the unsupported RSEQ commands. */
#include <sys/types.h>
#include <sys/membarrier.h>
#include <sys/syscall.h>
#include <errno.h>
#include <unistd.h>

#include "check.h"

#define MB(cmd, flags) syscall(SYS_membarrier, (cmd), (unsigned)(flags), 0)

int main(void)
{
	long q = MB(MEMBARRIER_CMD_QUERY, 0);
	CHECK(q == (MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
	    MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE), "query %#lx", q);
	errno = 0;
	CHECK(MB(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == -1 && errno == EPERM,
	    "unregistered: errno %d", errno);
	CHECK(MB(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0 &&
	    MB(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == 0, "private expedited errno %d", errno);
	errno = 0;
	CHECK(MB(MEMBARRIER_CMD_PRIVATE_EXPEDITED, MEMBARRIER_CMD_FLAG_CPU) == -1 && errno == EINVAL,
	    "flags: errno %d", errno);
	errno = 0;
	CHECK(MB(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0) == -1 && errno == EINVAL,
	    "RSEQ: errno %d", errno);
	DONE();
}
