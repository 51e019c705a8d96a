/* Signals aimed at threads that are busy in multi-step calls (contended mutexes and rwlocks,
 * malloc's mmaps): every handler runs on its own thread and no call is broken by one. */
#include <signal.h>
#include <sys/thr.h>
#include "thr.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile sig_atomic_t handled, wrong_thread;
static volatile int stop;
static long count;
static __thread long my_id;

static void on_usr1(int sig)
{
	long id;

	(void)sig;
	thr_self(&id);
	if (my_id && id != my_id)
		wrong_thread++;
	handled++;
}

static void *work(void *arg)
{
	thr_self(&my_id);
	while (!stop) {
		pthread_mutex_lock(&m);
		count++;
		pthread_mutex_unlock(&m);
		pthread_rwlock_wrlock(&rw);
		count++;
		pthread_rwlock_unlock(&rw);
		pthread_rwlock_rdlock(&rw);
		pthread_rwlock_unlock(&rw);
		free(malloc(1 << 16));
	}
	return arg;
}

int main(void)
{
	pthread_t t[4];

	signal(SIGUSR1, on_usr1);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 1500; i++) {
		CHECK(pthread_kill(t[i % 4], SIGUSR1) == 0, "pthread_kill %d", i);
		if (i % 64 == 0)
			usleep(1000);
	}
	usleep(50000);
	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(handled > 0 && wrong_thread == 0, "handled %d, on a wrong thread %d", (int)handled, (int)wrong_thread);
	CHECK(count > 0 && count % 2 == 0, "work done: %ld", count);
	DONE();
}
