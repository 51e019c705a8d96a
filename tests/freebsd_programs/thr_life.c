/* Threads' lives: thr_new start state (TLS, stack, argument), join values, ids, names,
 * signals aimed at one thread, many threads, exit() from a thread. */
#include <signal.h>
#include <sys/thr.h>
#include <sys/wait.h>
#include "thr.h"

static __thread int tls = 7;

static void *own_tls(void *arg)
{
	CHECK(tls == 7, "a new thread's TLS starts from the image: %d", tls);
	tls = (int)(long)arg;
	usleep(5000);
	long here = (long)&arg;
	CHECK((here & 7) == 0, "stack slot alignment");
	return (void *)(long)tls;
}

static volatile sig_atomic_t handled;
static volatile long handled_on, target;
static void on_usr1(int sig) { long id; (void)sig; thr_self(&id); handled_on = id; handled++; }
static void *wait_for_signal(void *arg)
{
	long id;

	thr_self(&id);
	target = id;
	while (!handled)
		usleep(1000);
	return arg;
}

static void *exit_process(void *arg) { usleep(20000); exit(3); return arg; }

static void *exec_sh(void *arg)
{
	execl("/bin/sh", "sh", "-c", "exit 5", (char *)NULL);
	return arg;
}

int main(void)
{
	pthread_t t[64];
	void *r;
	long main_id;

	thr_self(&main_id);
	CHECK(main_id == pthread_getthreadid_np(), "thr_self %ld", main_id);
	for (long i = 0; i < 64; i++)
		CHECK(pthread_create(&t[i], NULL, own_tls, (void *)(i + 100)) == 0, "create %ld", i);
	for (long i = 0; i < 64; i++) {
		pthread_join(t[i], &r);
		CHECK((long)r == i + 100, "join value %ld", (long)r);
	}
	CHECK(tls == 7, "the main thread's TLS is its own: %d", tls);

	signal(SIGUSR1, on_usr1);
	pthread_create(&t[0], NULL, wait_for_signal, NULL);
	while (!target)
		usleep(1000);
	CHECK(pthread_kill(t[0], SIGUSR1) == 0, "pthread_kill");
	pthread_join(t[0], NULL);
	CHECK(handled == 1 && handled_on == target && target != main_id, "handled on its target %ld (%ld)",
	    (long)handled_on, (long)target);
	CHECK(thr_kill(main_id, 0) == 0, "thr_kill 0 to a live thread");
	CHECK(thr_kill(target, 0) == -1 && errno == ESRCH, "thr_kill of a joined thread: %d", errno);

	pthread_set_name_np(pthread_self(), "main-thread");
	char name[32] = "";
	pthread_get_name_np(pthread_self(), name, sizeof name);
	CHECK(strcmp(name, "main-thread") == 0, "name %s", name);

	pid_t child = fork();
	if (child == 0) {
		pthread_create(&t[0], NULL, exit_process, NULL);
		pthread_join(t[0], NULL);
		_exit(99);
	}
	int status;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exit() from a thread ends the process: %#x", status);

	child = fork();
	if (child == 0) {
		pthread_create(&t[0], NULL, exec_sh, NULL);
		pthread_join(t[0], NULL);
		_exit(99);
	}
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, "a thread's execve replaces the process: %#x", status);
	DONE();
}
