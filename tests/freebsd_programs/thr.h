/* Shared by the thr_*.c programs: CHECK() prints what failed; the exit status counts failures. */
#include <errno.h>
#include <pthread.h>
#include <pthread_np.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...) do {                                                   \
	if (!(cond)) {                                                          \
		failures++;                                                     \
		printf("FAIL line %d: %s: ", __LINE__, #cond);                  \
		printf(__VA_ARGS__);                                            \
		printf("\n");                                                   \
	}                                                                       \
} while (0)

#define DONE() do { printf("%s: %d failures\n", __FILE__, failures); return failures != 0; } while (0)

static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}
