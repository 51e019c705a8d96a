/* sendfile(2): headers, a file range and trailers down a stream socket; sbytes counts all of
 * them; nbytes 0 means to the end of the file; the file offset stays. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	int f = open(argv[1], O_RDONLY), sv[2];
	CHECK(f >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup errno %d", errno);
	struct iovec hv = { "HEAD:", 5 }, tv = { ":TAIL", 5 };
	struct sf_hdtr hdtr = { &hv, 1, &tv, 1 };
	off_t sbytes = -1;
	CHECK(sendfile(f, sv[0], 2, 4, &hdtr, &sbytes, 0) == 0 && sbytes == 14,
	    "sendfile errno %d sbytes %jd", errno, (intmax_t)sbytes);
	char buf[64] = { 0 };
	CHECK(read(sv[1], buf, sizeof buf) == 14 && strcmp(buf, "HEAD:2345:TAIL") == 0, "%s", buf);
	CHECK(lseek(f, 0, SEEK_CUR) == 0, "the file offset stays");
	CHECK(sendfile(f, sv[0], 6, 0, NULL, &sbytes, 0) == 0 && sbytes == 4, "to EOF: %jd",
	    (intmax_t)sbytes);
	memset(buf, 0, sizeof buf);
	CHECK(read(sv[1], buf, sizeof buf) == 4 && strcmp(buf, "6789") == 0, "%s", buf);
	errno = 0;
	CHECK(sendfile(f, f, 0, 1, NULL, NULL, 0) == -1 && errno == ENOTSOCK, "to a file: errno %d",
	    errno);
	errno = 0;
	CHECK(sendfile(sv[1], sv[0], 0, 1, NULL, NULL, 0) == -1 && errno == EINVAL,
	    "from a socket: errno %d", errno);
	errno = 0;
	CHECK(sendfile(f, sv[0], -1, 1, NULL, NULL, 0) == -1 && errno == EINVAL,
	    "negative offset: errno %d", errno);
	DONE();
}
