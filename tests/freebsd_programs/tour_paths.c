/* Path calls and the *at family, with FreeBSD's results and errno (their man pages). argv[1] is
 * an empty directory the test made. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	struct stat st;
	char buf[256];
	CHECK(chdir(argv[1]) == 0, "chdir errno %d", errno);
	int d = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(d >= 0, "open . errno %d", errno);

	CHECK(mkdirat(d, "sub", 0755) == 0, "mkdirat errno %d", errno);
	int f = openat(d, "sub/file", O_RDWR | O_CREAT, 0644);
	CHECK(f >= 0 && write(f, "data", 4) == 4, "openat errno %d", errno);
	errno = 0;
	CHECK(rmdir("sub") == -1 && errno == ENOTEMPTY, "rmdir non-empty: errno %d", errno);
	CHECK(link("sub/file", "hard") == 0 && stat("hard", &st) == 0 && st.st_nlink == 2,
	    "link errno %d nlink %d", errno, (int)st.st_nlink);
	CHECK(symlinkat("sub/file", d, "soft") == 0, "symlinkat errno %d", errno);
	CHECK(linkat(d, "soft", d, "hard2", AT_SYMLINK_FOLLOW) == 0 && lstat("hard2", &st) == 0 &&
	    S_ISREG(st.st_mode), "linkat AT_SYMLINK_FOLLOW errno %d", errno);
	CHECK(readlinkat(d, "soft", buf, sizeof buf) == 8 && memcmp(buf, "sub/file", 8) == 0,
	    "readlinkat errno %d", errno);
	CHECK(rename("hard2", "moved") == 0 && access("moved", F_OK) == 0 &&
	    access("hard2", F_OK) == -1 && errno == ENOENT, "rename errno %d", errno);
	CHECK(renameat(d, "moved", d, "sub/moved") == 0, "renameat errno %d", errno);
	CHECK(unlinkat(d, "sub/moved", 0) == 0, "unlinkat errno %d", errno);
	CHECK(mkfifoat(d, "fifo", 0600) == 0 && stat("fifo", &st) == 0 && S_ISFIFO(st.st_mode),
	    "mkfifoat errno %d", errno);
	CHECK(mkfifo("fifo2", 0600) == 0, "mkfifo errno %d", errno);
	CHECK(mknodat(d, "fifo3", S_IFIFO | 0600, 0) == 0 && stat("fifo3", &st) == 0 &&
	    S_ISFIFO(st.st_mode), "mknodat errno %d", errno);
	CHECK(faccessat(d, "hard", R_OK | W_OK, AT_EACCESS) == 0, "faccessat errno %d", errno);
	CHECK(eaccess("hard", R_OK) == 0, "eaccess errno %d", errno);
	errno = 0;
	CHECK(access("nonexistent", F_OK) == -1 && errno == ENOENT, "access errno %d", errno);
	CHECK(fchmodat(d, "hard", 0600, 0) == 0 && stat("hard", &st) == 0 &&
	    (st.st_mode & 07777) == 0600, "fchmodat errno %d", errno);
	CHECK(fchmod(f, 0640) == 0 && fstat(f, &st) == 0 && (st.st_mode & 07777) == 0640,
	    "fchmod errno %d", errno);
	CHECK(chown("hard", 1, 2) == 0 && stat("hard", &st) == 0 && st.st_uid == 1 &&
	    st.st_gid == 2, "chown errno %d", errno);
	CHECK(fchownat(d, "hard", 3, 4, 0) == 0 && stat("hard", &st) == 0 && st.st_uid == 3,
	    "fchownat errno %d", errno);
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000001, 0 } };
	CHECK(utimes("hard", tv) == 0 && stat("hard", &st) == 0 &&
	    st.st_mtim.tv_sec == 1000000001, "utimes errno %d", errno);
	tv[1].tv_sec = 1000000002;
	CHECK(futimesat(d, "hard", tv) == 0 && stat("hard", &st) == 0 &&
	    st.st_mtim.tv_sec == 1000000002, "futimesat errno %d", errno);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000003, 0 } };
	CHECK(utimensat(d, "hard", ts, 0) == 0 && stat("hard", &st) == 0 &&
	    st.st_mtim.tv_sec == 1000000003 && st.st_atim.tv_sec == 1000000000,
	    "utimensat UTIME_OMIT errno %d", errno);
	ts[1].tv_sec = 1000000004;
	CHECK(futimens(f, ts) == 0 && fstat(f, &st) == 0 && st.st_mtim.tv_sec == 1000000004,
	    "futimens errno %d", errno);
	CHECK(truncate("hard", 2) == 0 && stat("hard", &st) == 0 && st.st_size == 2,
	    "truncate errno %d", errno);
	CHECK(ftruncate(f, 10) == 0 && fstat(f, &st) == 0 && st.st_size == 10,
	    "ftruncate errno %d", errno);
	CHECK(pathconf("hard", _PC_NAME_MAX) == 255, "pathconf %ld", pathconf("hard", _PC_NAME_MAX));
	CHECK(unlink("hard") == 0 && unlinkat(d, "soft", 0) == 0, "unlink errno %d", errno);
	CHECK(unlinkat(d, "sub/file", 0) == 0 && unlinkat(d, "sub", AT_REMOVEDIR) == 0,
	    "unlinkat AT_REMOVEDIR errno %d", errno);
	CHECK(mkdir("empty", 0700) == 0 && rmdir("empty") == 0, "rmdir errno %d", errno);
	errno = 0;
	CHECK(rmdir("empty") == -1 && errno == ENOENT, "rmdir gone: errno %d", errno);
	DONE();
}
