/*
 * sigqueue(2) and the sigwait family (kern_sig.c: kern_sigqueue, kern_sigtimedwait, sys_sigwait):
 * si_code SI_QUEUE with si_value, si_pid and si_uid; queued realtime signals in order; timeouts;
 * sigwait's error as its result; a handler's siginfo.  One line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/thr.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int handled_value, handled_code;

static void
on_rt(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	handled_value = info->si_value.sival_int;
	handled_code = info->si_code;
}

int
main(void)
{
	struct sigaction sa;
	struct timespec ts;
	union sigval v;
	siginfo_t info;
	sigset_t set;
	long tid;
	pid_t child;
	int sig, i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);

	v.sival_int = 1234;
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0, "sigqueue: %s", strerror(errno));
	memset(&info, 0, sizeof(info));
	sig = sigwaitinfo(&set, &info);
	printf("sigwaitinfo %d code %#x value %d pid-is-me %d uid-is-mine %d\n", sig,
	    info.si_code, info.si_value.sival_int, info.si_pid == getpid(),
	    info.si_uid == getuid());

	for (i = 1; i <= 3; i++) {
		v.sival_int = i;
		sigqueue(getpid(), SIGRTMIN, v);
	}
	for (i = 1; i <= 3; i++) {
		sig = sigwaitinfo(&set, &info);
		printf("queued %d: signal %d value %d\n", i, sig, info.si_value.sival_int);
	}

	ts.tv_sec = 0;
	ts.tv_nsec = 1000000;
	errno = 0;
	printf("sigtimedwait timeout = %d errno %d\n", sigtimedwait(&set, &info, &ts), errno);
	ts.tv_nsec = 2000000000;
	errno = 0;
	printf("sigtimedwait bad nsec = %d errno %d\n", sigtimedwait(&set, &info, &ts), errno);

	kill(getpid(), SIGUSR2);
	sig = 0;
	printf("sigwait = %d sig %d\n", sigwait(&set, &sig), sig);
	printf("raw sigwait, bad set = %ld\n", (long)syscall(SYS_sigwait, (void *)8, &sig));

	errno = 0;
	printf("sigqueue(0) = %d errno %d\n", sigqueue(0, SIGUSR1, v), errno);
	errno = 0;
	printf("sigqueue(sig 200) = %d errno %d\n", sigqueue(getpid(), 200, v), errno);
	errno = 0;
	printf("sigqueue(no such pid) = %d errno %d\n", sigqueue(999999, SIGUSR1, v), errno);
	printf("sigqueue(sig 0) = %d\n", sigqueue(getpid(), 0, v));

	thr_self(&tid);
	CHECK(syscall(SYS_sigqueue, (int)tid, SIGUSR1 | __SIGQUEUE_TID, (void *)5) == 0,
	    "sigqueue to a thread: %s", strerror(errno));
	sig = sigwaitinfo(&set, &info);
	printf("to my thread: signal %d value %d\n", sig, info.si_value.sival_int);

	child = fork();
	if (child == 0) {
		v.sival_int = 99;
		_exit(sigqueue(getppid(), SIGUSR2, v));
	}
	sig = sigwaitinfo(&set, &info);
	printf("from the child: signal %d value %d pid-is-child %d\n", sig,
	    info.si_value.sival_int, info.si_pid == child);
	waitpid(child, NULL, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	v.sival_int = 77;
	sigqueue(getpid(), SIGRTMIN, v);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("handler: value %d code %#x\n", handled_value, handled_code);
	DONE();
}
