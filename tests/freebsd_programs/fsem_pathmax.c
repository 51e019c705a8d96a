/* namei's PATH_MAX: a path of 1024 bytes or more (NUL included) is ENAMETOOLONG for every
 * call that takes one, native ones included; 1023 bytes is a path like any other.
 * Prints "call length errno" lines (errno 0: it worked). */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[PATH_MAX + 64];

/* "d/d/d/…" of exactly len bytes, components short enough for NAME_MAX. */
static const char *of_length(size_t len) {
	for (size_t i = 0; i < len; i++)
		path[i] = i % 2 ? '/' : 'd';
	path[len - 1] = 'x';
	path[len] = 0;
	return path;
}

static void report(const char *call, size_t len, int r) {
	printf("%s %zu %d\n", call, len, r < 0 ? errno : 0);
}

int main(void) {
	struct stat sb;
	size_t lens[] = { PATH_MAX - 1, PATH_MAX, PATH_MAX + 50 };
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		size_t n = lens[i];
		report("open", n, open(of_length(n), O_RDONLY));
		report("stat", n, stat(of_length(n), &sb));
		report("access", n, access(of_length(n), F_OK));
		report("mkdir", n, mkdir(of_length(n), 0755));
		report("unlink", n, unlink(of_length(n)));
		report("rename-to", n, rename("missing", of_length(n)));
	}
	return 0;
}
