/* Extended attributes in the user namespace by path, descriptor and link (extattr(2)):
 * set returns the bytes written, get with no buffer the size, list gives length-prefixed
 * names, a deleted attribute is ENOATTR. */
#include <sys/types.h>
#include <sys/extattr.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define NS EXTATTR_NAMESPACE_USER

int main(int argc, char **argv)
{
	char buf[128];
	const char *p = argv[1];
	int fd = open(p, O_RDWR);
	CHECK(fd >= 0, "open errno %d", errno);

	CHECK(extattr_set_file(p, NS, "color", "blue", 4) == 4, "set_file errno %d", errno);
	CHECK(extattr_get_file(p, NS, "color", NULL, 0) == 4, "get_file size errno %d", errno);
	CHECK(extattr_get_file(p, NS, "color", buf, sizeof buf) == 4 && memcmp(buf, "blue", 4) == 0,
	    "get_file errno %d", errno);
	CHECK(extattr_set_fd(fd, NS, "shape", "round", 5) == 5, "set_fd errno %d", errno);
	CHECK(extattr_get_fd(fd, NS, "shape", buf, sizeof buf) == 5, "get_fd errno %d", errno);
	CHECK(extattr_set_link(p, NS, "size", "xl", 2) == 2, "set_link errno %d", errno);
	CHECK(extattr_get_link(p, NS, "size", buf, sizeof buf) == 2, "get_link errno %d", errno);

	ssize_t n = extattr_list_file(p, NS, buf, sizeof buf);
	CHECK(n == 1 + 5 + 1 + 5 + 1 + 4, "list_file %zd errno %d", n, errno);
	int seen = 0;
	for (ssize_t off = 0; off < n; off += 1 + buf[off])
		seen += (buf[off] == 5 && memcmp(buf + off + 1, "color", 5) == 0) +
		    (buf[off] == 4 && memcmp(buf + off + 1, "size", 4) == 0);
	CHECK(seen == 2, "names in the list");
	CHECK(extattr_list_fd(fd, NS, NULL, 0) == n, "list_fd size");
	CHECK(extattr_list_link(p, NS, NULL, 0) == n, "list_link size");

	CHECK(extattr_delete_file(p, NS, "color") == 0, "delete_file errno %d", errno);
	CHECK(extattr_delete_fd(fd, NS, "shape") == 0, "delete_fd errno %d", errno);
	CHECK(extattr_delete_link(p, NS, "size") == 0, "delete_link errno %d", errno);
	errno = 0;
	CHECK(extattr_get_file(p, NS, "color", buf, sizeof buf) == -1 && errno == ENOATTR,
	    "deleted: errno %d", errno);
	errno = 0;
	CHECK(extattr_set_file(p, 9, "x", "y", 1) == -1 && errno == EINVAL, "namespace: errno %d",
	    errno);
	CHECK(extattr_list_file(p, NS, buf, sizeof buf) == 0, "empty list");
	DONE();
}
