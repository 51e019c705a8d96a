/* execve(2) of what FreeBSD will not run: fault_exec FIFO EACCES-FILES... -- ENOEXEC-FILES...
 * A thread opens the FIFO for writing meanwhile: execve must not open it (nor block). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static const char *fifo;

static void *writer(void *arg) {
	(void)arg;
	int fd = open(fifo, O_WRONLY);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv) {
	fifo = argv[1];
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	int expected = EACCES;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			expected = ENOEXEC;
			continue;
		}
		char *args[] = { argv[i], NULL };
		errno = 0;
		int r = execv(argv[i], args);
		CHECK(r == -1 && errno == expected, "execve %s: r=%d errno=%d", argv[i], r, errno);
	}
	close(open(fifo, O_RDONLY));    /* lets the writer go */
	pthread_join(t, NULL);
	DONE();
}
