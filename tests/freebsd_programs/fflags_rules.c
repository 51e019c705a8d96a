/* Who may set which file flags, the chflags family's arguments, and the removal semantics
 * that go with them. argv[1]: an empty directory; run as root, unjailed. Prints "name value"
 * lines (errno, or 0 when the call worked). */
#include <sys/types.h>
#include <sys/extattr.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define NOBODY 65534

static int e(int r) { return r < 0 ? errno : 0; }

static unsigned long lflags(const char *path) {
	struct stat sb;
	return lstat(path, &sb) < 0 ? 0xdead : sb.st_flags;
}

static void touch(const char *path) { close(open(path, O_WRONLY | O_CREAT, 0644)); }

int main(int argc, char **argv) {
	chdir(argv[1]);
	touch("f");
	mkdir("dir", 0755);
	symlink("f", "sym");

	printf("unlink-dir %d\n", e(unlink("dir")));
	printf("link-follows %d", e(link("sym", "hard")));
	struct stat sb;
	lstat("hard", &sb);
	printf(" %d\n", S_ISREG(sb.st_mode));

	printf("lchflags %d %#lx %#lx\n", e(lchflags("sym", UF_NOUNLINK)), lflags("sym"), lflags("f"));
	printf("unlink-locked-link %d\n", e(unlink("sym")));
	lchflags("sym", 0);

	int fd = open("f", O_RDONLY);
	printf("fchflags %d", e(fchflags(fd, UF_NODUMP)));
	fstat(fd, &sb);
	printf(" %#lx\n", (unsigned long)sb.st_flags);
	close(fd);
	printf("chflagsat-badflag %d\n", e(chflagsat(AT_FDCWD, "f", 0, AT_REMOVEDIR)));
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	printf("chflagsat-nofollow %d %#lx %#lx\n",
	    e(chflagsat(dfd, "sym", UF_HIDDEN, AT_SYMLINK_NOFOLLOW)), lflags("sym"), lflags("f"));
	printf("chflagsat-empty %d %#lx\n", e(chflagsat(fd = open("f", O_RDONLY), "", 0,
	    AT_EMPTY_PATH)), lflags("f"));
	close(fd);
	/* The flags are st_flags; the attribute bsdulator keeps them in is not the program's. */
	chflags("f", UF_NODUMP);
	char names[256];
	ssize_t listed = extattr_list_file("f", EXTATTR_NAMESPACE_SYSTEM, names, sizeof names);
	printf("extattr-hidden %d %d %zd\n",
	    e(extattr_get_file("f", EXTATTR_NAMESPACE_SYSTEM, "bsdulator", NULL, 0)),
	    e(extattr_set_file("f", EXTATTR_NAMESPACE_SYSTEM, "bsdulator", "", 0)), listed);
	chflags("f", 0);
	printf("chflags-missing %d\n", e(chflags("missing", UF_NODUMP)));
	printf("chflags-snapshot %d\n", e(chflags("f", SF_SNAPSHOT)));

	/* Someone else's file, their own, and one root locked with a system flag. */
	touch("mine");
	touch("locked");
	chown("mine", NOBODY, NOBODY);
	chown("locked", NOBODY, NOBODY);
	chflags("mine", SF_ARCHIVED);
	chflags("locked", SF_NOUNLINK);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		setgid(NOBODY);
		setuid(NOBODY);
		printf("user-not-owner %d\n", e(chflags("f", UF_NODUMP)));
		printf("user-own-uflag %d %#lx\n", e(chflags("mine", UF_IMMUTABLE | UF_NODUMP)),
		    lflags("mine"));
		printf("user-own-sflag %d\n", e(chflags("mine", SF_IMMUTABLE)));
		printf("user-own-clear %d %#lx\n", e(chflags("mine", 0)), lflags("mine"));
		printf("user-system-locked %d\n", e(chflags("locked", UF_NODUMP)));
		printf("user-unknown %d\n", e(chflags("mine", 0x80000000UL)));
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	printf("root-clears-system %d %#lx\n", e(chflags("locked", 0)), lflags("locked"));
	chflags("mine", 0);
	return 0;
}
