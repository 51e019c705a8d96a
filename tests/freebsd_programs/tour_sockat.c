/* bindat(2) and connectat(2): AT_FDCWD is bind/connect relative to the working directory, an
 * absolute path ignores the directory, a directory with another family is EOPNOTSUPP. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	struct sockaddr_un rel = { .sun_family = AF_UNIX, .sun_path = "rel.sock" }, abs_;
	CHECK(chdir(argv[1]) == 0, "chdir errno %d", errno);
	int d = open(argv[1], O_RDONLY | O_DIRECTORY);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bindat(AT_FDCWD, ls, (struct sockaddr *)&rel, sizeof rel) == 0 && listen(ls, 1) == 0,
	    "bindat errno %d", errno);
	CHECK(access("rel.sock", F_OK) == 0, "bound in the working directory");
	CHECK(connectat(AT_FDCWD, cs, (struct sockaddr *)&rel, sizeof rel) == 0,
	    "connectat errno %d", errno);
	memset(&abs_, 0, sizeof abs_);
	abs_.sun_family = AF_UNIX;
	snprintf(abs_.sun_path, sizeof abs_.sun_path, "%s/abs.sock", argv[1]);
	int ls2 = socket(AF_UNIX, SOCK_STREAM, 0), cs2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bindat(d, ls2, (struct sockaddr *)&abs_, sizeof abs_) == 0 && listen(ls2, 1) == 0,
	    "absolute bindat errno %d", errno);
	CHECK(connectat(d, cs2, (struct sockaddr *)&abs_, sizeof abs_) == 0,
	    "absolute connectat errno %d", errno);
	struct sockaddr_in in = { .sin_len = sizeof in, .sin_family = AF_INET };
	int is = socket(AF_INET, SOCK_STREAM, 0);
	errno = 0;
	CHECK(bindat(d, is, (struct sockaddr *)&in, sizeof in) == -1 && errno == EOPNOTSUPP,
	    "inet with a directory: errno %d", errno);
	CHECK(bindat(AT_FDCWD, is, (struct sockaddr *)&in, sizeof in) == 0, "inet at AT_FDCWD: "
	    "errno %d", errno);
	DONE();
}
