/* Every file flag that locks something, set on a file and on a directory, against every path
 * operation ufs checks flags on: one line "flag target op errno" each (errno 0: it worked).
 * argv[1]: an empty directory to work in. Run as root, unjailed (securelevel -1). */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; unsigned long flag; } FLAGS[] = {
	{ "uchg", UF_IMMUTABLE }, { "schg", SF_IMMUTABLE }, { "uappnd", UF_APPEND },
	{ "sappnd", SF_APPEND }, { "uunlnk", UF_NOUNLINK }, { "sunlnk", SF_NOUNLINK },
};

static void report(const char *flag, const char *target, const char *op, int r) {
	printf("%s %s %s %d\n", flag, target, op, r < 0 ? errno : 0);
}

static int fresh(const char *path) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) { write(fd, "x", 1); close(fd); }
	return fd;
}

static int opened(int fd) {
	if (fd >= 0) close(fd);
	return fd;
}

int main(int argc, char **argv) {
	char f[1024], other[1024], moved[1024], linked[1024], d[1024], inner[1024], created[1024],
	    empty[1024];
	chdir(argv[1]);
	snprintf(f, sizeof f, "f");
	snprintf(other, sizeof other, "other");
	snprintf(moved, sizeof moved, "moved");
	snprintf(linked, sizeof linked, "linked");
	snprintf(d, sizeof d, "d");
	snprintf(inner, sizeof inner, "d/inner");
	snprintf(created, sizeof created, "d/created");
	snprintf(empty, sizeof empty, "empty");
	for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
		const char *n = FLAGS[i].name;
		struct stat sb, lsb;
		fresh(f);
		fresh(other);
		if (chflags(f, FLAGS[i].flag) < 0) { report(n, "file", "chflags", -1); continue; }
		stat(f, &sb);
		lstat(f, &lsb);
		printf("%s file st_flags %d %d\n", n, sb.st_flags == FLAGS[i].flag,
		    lsb.st_flags == FLAGS[i].flag);
		report(n, "file", "open-write", opened(open(f, O_WRONLY)));
		report(n, "file", "open-append", opened(open(f, O_WRONLY | O_APPEND)));
		report(n, "file", "open-trunc", opened(open(f, O_WRONLY | O_APPEND | O_TRUNC)));
		report(n, "file", "truncate", truncate(f, 0));
		report(n, "file", "chmod", chmod(f, 0600));
		report(n, "file", "chown", chown(f, 65534, -1));
		report(n, "file", "utimes", utimes(f, NULL));
		report(n, "file", "link", link(f, linked));
		int r = rename(f, moved);
		report(n, "file", "rename-from", r);
		if (r == 0) rename(moved, f);
		report(n, "file", "rename-onto", rename(other, f));
		r = unlink(f);
		report(n, "file", "unlink", r);
		if (r == 0) fresh(f);
		chflags(f, 0);
		stat(f, &sb);
		printf("%s file cleared %d\n", n, sb.st_flags == 0);
		unlink(linked);
		unlink(f);
		unlink(other);

		mkdir(d, 0755);
		fresh(inner);
		mkdir(empty, 0755);
		chflags(d, FLAGS[i].flag);
		chflags(empty, FLAGS[i].flag);
		report(n, "dir", "create", opened(open(created, O_WRONLY | O_CREAT, 0644)));
		report(n, "dir", "mkdir", mkdir("d/sub", 0755));
		report(n, "dir", "unlink-in", unlink(inner));
		report(n, "dir", "rmdir", rmdir(empty));
		chflags(d, 0);
		chflags(empty, 0);
		unlink(inner);
		unlink(created);
		rmdir("d/sub");
		rmdir(d);
		rmdir(empty);
	}
	return 0;
}
