/* libthr's synchronisation on _umtx_op: contended mutexes, condition variables (user and
 * kernel ones), semaphores, once, barriers, timeouts. */
#include <semaphore.h>
#include "thr.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int queue[16], head, tail, done;

static void *count(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	return arg;
}

static void *produce(void *arg)
{
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&m);
		while (tail - head == 16)
			pthread_cond_wait(&cv, &m);
		queue[tail++ % 16] = i;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	return arg;
}

static void *consume(void *arg)
{
	long sum = 0;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&m);
		while (head == tail && !done)
			pthread_cond_wait(&cv, &m);
		if (head == tail) {
			pthread_mutex_unlock(&m);
			return (void *)sum;
		}
		sum += queue[head++ % 16];
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&m);
	}
}

static sem_t sem;
static void *post_later(void *arg) { usleep(50000); sem_post(&sem); return arg; }

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_body(void) { usleep(10000); once_runs++; }
static void *call_once(void *arg) { pthread_once(&once, once_body); return arg; }

static pthread_barrier_t barrier;
static int arrived;
static void *meet(void *arg)
{
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	return (void *)(long)pthread_barrier_wait(&barrier);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long shared_value, readers_in, most_readers;
static void *write_slowly(void *arg)
{
	for (int i = 0; i < 20; i++) {
		pthread_rwlock_wrlock(&rw);
		long v = shared_value;
		usleep(500);
		CHECK(__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) == 0, "a reader inside a write lock");
		shared_value = v + 1;
		pthread_rwlock_unlock(&rw);
	}
	return arg;
}
static void *read_slowly(void *arg)
{
	for (int i = 0; i < 20; i++) {
		pthread_rwlock_rdlock(&rw);
		long in = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		if (in > most_readers)
			most_readers = in;
		usleep(500);
		__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return arg;
}

static void *hold(void *arg) { pthread_mutex_lock(&m); usleep(100000); pthread_mutex_unlock(&m); return arg; }

int main(void)
{
	pthread_t t[8];
	void *r;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == 80000, "contended counter %ld", counter);

	pthread_create(&t[0], NULL, produce, NULL);
	for (int i = 1; i < 4; i++)
		pthread_create(&t[i], NULL, consume, NULL);
	long total = 0;
	pthread_join(t[0], NULL);
	for (int i = 1; i < 4; i++) {
		pthread_join(t[i], &r);
		total += (long)r;
	}
	CHECK(total == 500500, "every item consumed once: %ld", total);

	struct timespec ts = in_ms(100);
	pthread_mutex_lock(&m);
	int rc = pthread_cond_timedwait(&cv, &m, &ts);
	pthread_mutex_unlock(&m);
	CHECK(rc == ETIMEDOUT, "cond_timedwait times out: %d", rc);

	sem_init(&sem, 0, 0);
	pthread_create(&t[0], NULL, post_later, NULL);
	CHECK(sem_wait(&sem) == 0, "sem_wait woken by sem_post");
	pthread_join(t[0], NULL);
	ts = in_ms(50);
	CHECK(sem_timedwait(&sem, &ts) == -1 && errno == ETIMEDOUT, "sem_timedwait times out: %d", errno);
	sem_post(&sem);
	CHECK(sem_trywait(&sem) == 0 && sem_trywait(&sem) == -1 && errno == EAGAIN, "sem_trywait");

	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, call_once, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK(once_runs == 1, "pthread_once ran %d times", once_runs);

	pthread_barrier_init(&barrier, NULL, 5);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, meet, NULL);
	int serial = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
	CHECK(arrived == 4, "the barrier let nobody through early: %d", arrived);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		serial += (long)r == PTHREAD_BARRIER_SERIAL_THREAD;
	}
	CHECK(serial == 1, "one serial thread: %d", serial);

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, write_slowly, NULL);
	for (int i = 3; i < 8; i++)
		pthread_create(&t[i], NULL, read_slowly, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK(shared_value == 60, "writers excluded each other: %ld", shared_value);
	CHECK(most_readers > 1, "readers shared the lock: %ld", most_readers);
	pthread_rwlock_rdlock(&rw);
	ts = in_ms(30);
	CHECK(pthread_rwlock_timedwrlock(&rw, &ts) == ETIMEDOUT, "timedwrlock behind a reader");
	CHECK(pthread_rwlock_tryrdlock(&rw) == 0, "a second reader");
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);

	pthread_create(&t[0], NULL, hold, NULL);
	usleep(20000);
	CHECK(pthread_mutex_trylock(&m) == EBUSY, "trylock of a held mutex");
	ts = in_ms(10);
	CHECK(pthread_mutex_timedlock(&m, &ts) == ETIMEDOUT, "timedlock times out");
	CHECK(pthread_mutex_lock(&m) == 0, "lock waits for the holder");
	pthread_mutex_unlock(&m);
	pthread_join(t[0], NULL);
	DONE();
}
