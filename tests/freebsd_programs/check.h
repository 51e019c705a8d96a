/* Shared by the test programs: CHECK() prints what failed; DONE() exits with the count. */
#include <stdio.h>

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
