/* User-level threads: getcontext/setcontext/swapcontext(2) and makecontext coroutines. */
#include <signal.h>
#include <ucontext.h>
#include "thr.h"

static ucontext_t main_ctx, co_ctx;
static char co_stack[65536];
static int steps;

static void coroutine(void)
{
	for (int i = 0; i < 3; i++) {
		steps++;
		swapcontext(&co_ctx, &main_ctx);
	}
}

int main(void)
{
	volatile int returns = 0;
	sigset_t blocked, seen;

	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR2);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
	CHECK(getcontext(&main_ctx) == 0, "getcontext");
	if (returns++ == 0) {
		sigprocmask(SIG_UNBLOCK, &blocked, NULL);
		setcontext(&main_ctx);
		CHECK(0, "setcontext returned");
	}
	CHECK(returns == 2, "getcontext returned %d times", returns);
	sigprocmask(SIG_BLOCK, NULL, &seen);
	CHECK(sigismember(&seen, SIGUSR2), "setcontext restored the saved signal mask");

	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = co_stack;
	co_ctx.uc_stack.ss_size = sizeof co_stack;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, coroutine, 0);
	for (int i = 0; i < 3; i++) {
		swapcontext(&main_ctx, &co_ctx);
		CHECK(steps == i + 1, "coroutine step %d", steps);
	}
	DONE();
}
