/* eventfd(2) through the 13.5 libc (__specialfd): counter and semaphore modes, flags, errno. */
#include <sys/types.h>
#include <sys/eventfd.h>
#include <sys/specialfd.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

int main(void)
{
	uint64_t v;
	int e = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(e >= 0 && fcntl(e, F_GETFD) == FD_CLOEXEC && (fcntl(e, F_GETFL) & O_NONBLOCK),
	    "eventfd errno %d", errno);
	v = 4;
	CHECK(write(e, &v, 8) == 8 && read(e, &v, 8) == 8 && v == 7, "counter %ju", (uintmax_t)v);
	errno = 0;
	CHECK(read(e, &v, 8) == -1 && errno == EAGAIN, "empty: errno %d", errno);
	int s = eventfd(2, EFD_SEMAPHORE);
	CHECK(s >= 0 && read(s, &v, 8) == 8 && v == 1 && read(s, &v, 8) == 8 && v == 1,
	    "semaphore errno %d", errno);
	errno = 0;
	CHECK(eventfd(0, 0x40) == -1 && errno == EINVAL, "unknown flag: errno %d", errno);
	struct specialfd_eventfd args = { 0, 0 };
	errno = 0;
	CHECK(syscall(SYS___specialfd, SPECIALFD_EVENTFD, &args, sizeof args + 1) == -1 &&
	    errno == EINVAL, "length: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS___specialfd, 99, &args, sizeof args) == -1 && errno == EINVAL,
	    "type: errno %d", errno);
	DONE();
}
