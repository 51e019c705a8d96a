/* EVFILT_VNODE on a file and a directory: NOTE_WRITE, NOTE_EXTEND, NOTE_ATTRIB, NOTE_LINK,
 * NOTE_RENAME, NOTE_DELETE, NOTE_OPEN/NOTE_CLOSE; a blocking wait; a descriptor that is no file. */
#include "kq.h"
#include <sys/stat.h>

static char name[64];

static void append(void) { append_to(name, "more"); }

static u_int
notes(int kq)
{
	struct kevent ev;
	struct timespec t = ms_ts(1000);

	return wait1(kq, &ev, &t) == 1 ? ev.fflags : 0;
}

int
main(void)
{
	char dir[] = "/tmp/kq_vnode.XXXXXX", other[80], link2[80], inner[80];
	u_int all = NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME;
	struct kevent ev;
	int kq = kqueue(), fd, dfd, w, p[2];
	u_int got;

	mkdtemp(dir);
	snprintf(name, sizeof(name), "%s/file", dir);
	snprintf(other, sizeof(other), "%s/renamed", dir);
	snprintf(link2, sizeof(link2), "%s/link", dir);
	snprintf(inner, sizeof(inner), "%s/inner", dir);
	fd = open(name, O_RDWR | O_CREAT, 0644);
	CHECK(change(kq, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, all, 0, (void *)6) == 0, "add: %s", strerror(errno));
	CHECK(wait1(kq, &ev, &ZERO) == 0, "nothing yet");

	w = open(name, O_WRONLY);
	write(w, "data", 4);
	got = notes(kq);
	CHECK(got == (NOTE_WRITE | NOTE_EXTEND), "write: %#x", got);
	lseek(w, 0, SEEK_SET);
	write(w, "DA", 2);
	CHECK((got = notes(kq)) == NOTE_WRITE, "overwrite: %#x", got);
	close(w);
	chmod(name, 0600);
	CHECK((got = notes(kq)) == NOTE_ATTRIB, "chmod: %#x", got);
	link(name, link2);
	CHECK((got = notes(kq)) == NOTE_LINK, "link: %#x", got);
	rename(name, other);
	CHECK((got = notes(kq)) & NOTE_RENAME, "rename: %#x", got);
	unlink(link2);
	CHECK((got = notes(kq)) == NOTE_LINK, "one name less: %#x", got);
	unlink(other);
	CHECK((got = notes(kq)) & NOTE_DELETE, "the last name: %#x", got);

	/* Without EV_CLEAR the notes pile up and stay reported. */
	int g = open(inner, O_RDWR | O_CREAT, 0644);
	CHECK(change(kq, g, EVFILT_VNODE, EV_ADD, NOTE_WRITE | NOTE_OPEN | NOTE_CLOSE, 0, NULL) == 0, "add level");
	int r = open(inner, O_RDONLY);
	close(r);
	write(g, "x", 1);
	sleep_ms(50);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.fflags == (NOTE_WRITE | NOTE_OPEN | NOTE_CLOSE), "open, close, write: %#x",
	    ev.fflags);
	CHECK(wait1(kq, &ev, &ZERO) == 1 && ev.ident == (uintptr_t)g, "still reported without EV_CLEAR");
	change(kq, g, EVFILT_VNODE, EV_DELETE, 0, 0, NULL);
	close(g);

	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(change(kq, dfd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE | NOTE_LINK, 0, NULL) == 0, "dir");
	close(open(name, O_WRONLY | O_CREAT, 0644));
	CHECK((got = notes(kq)) == NOTE_WRITE, "a file created in the directory: %#x", got);
	mkdir(other, 0755);
	CHECK((got = notes(kq)) == (NOTE_WRITE | NOTE_LINK), "a subdirectory: %#x", got);
	rmdir(other);
	CHECK((got = notes(kq)) == (NOTE_WRITE | NOTE_LINK), "subdirectory removed: %#x", got);
	change(kq, dfd, EVFILT_VNODE, EV_DELETE, 0, 0, NULL);

	int h = open(name, O_RDONLY);
	CHECK(change(kq, h, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE, 0, NULL) == 0, "add");
	double t0 = now_ms();
	pid_t pid = later(100, append);
	CHECK(wait1(kq, &ev, NULL) == 1 && ev.fflags == NOTE_WRITE && now_ms() - t0 >= 80, "blocking: %#x", ev.fflags);
	waitpid(pid, NULL, 0);

	pipe(p);
	CHECK(change(kq, p[0], EVFILT_VNODE, EV_ADD, NOTE_WRITE, 0, NULL) < 0 && errno == EINVAL, "a pipe: EINVAL");
	CHECK(change(kq, 900, EVFILT_VNODE, EV_ADD, NOTE_WRITE, 0, NULL) < 0 && errno == EBADF, "no descriptor: EBADF");
	unlink(name);
	unlink(inner);
	rmdir(dir);
	DONE();
}
