/* The changelist is copied in a few entries at a time (KQ_NEVENTS, 8) and each part applied
 * before the next is read: a fault part-way fails the call with EFAULT but keeps the earlier
 * changes, and a long list is no harder on the kernel than a short one. */
#include "kq.h"
#include <sys/mman.h>

#define PAGE 4096

int
main(void)
{
	struct kevent *changes, ev;
	int kq = kqueue(), p[2];
	char *pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	size_t per_page = PAGE / sizeof(struct kevent);

	pipe(p);
	write(p[1], "x", 1);
	munmap(pages + PAGE, PAGE);
	/* The first page's last entry adds the pipe; the rest of the list is unmapped. */
	changes = (struct kevent *)pages;
	EV_SET(&changes[per_page - 1], p[0], EVFILT_READ, EV_ADD, 0, 0, NULL);
	CHECK(kevent(kq, changes, (int)per_page + 8, NULL, 0, NULL) == -1 && errno == EFAULT,
	    "a list running into unmapped memory: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 1 && (int)ev.ident == p[0], "the change before the fault was applied");
	DONE();
}
