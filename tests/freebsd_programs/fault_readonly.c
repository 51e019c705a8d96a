/* Results the kernel copies out into a read-only page: EFAULT, and the page is unchanged. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static unsigned char *page, before[4096];

#define FAULTS(name, call) do {                                                                 \
	errno = 0;                                                                              \
	int r_ = (call);                                                                        \
	CHECK(r_ == -1 && errno == EFAULT, "%s: r=%d errno=%d", name, r_, errno);               \
	CHECK(memcmp(page, before, sizeof before) == 0, "%s changed the read-only page", name); \
} while (0)

int main(void) {
	page = mmap(NULL, sizeof before, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	memset(page, 0xa5, sizeof before);
	memcpy(before, page, sizeof before);
	CHECK(mprotect(page, sizeof before, PROT_READ) == 0, "mprotect");
	FAULTS("sigpending", sigpending((sigset_t *)page));
	FAULTS("fstat", fstat(1, (struct stat *)page));
	FAULTS("getlogin", syscall(SYS_getlogin, page, 64));
	FAULTS("sigaltstack", sigaltstack(NULL, (stack_t *)page));
	DONE();
}
