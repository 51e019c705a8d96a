/* System V shared memory, semaphores and message queues with FreeBSD's flags and errno
 * (shmget(2), semop(2), semctl(2), msgsnd(2), msgrcv(2)). */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

union semun { int val; struct semid_ds *buf; unsigned short *array; };
struct text { long mtype; char mtext[16]; };

int main(void)
{
	int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	CHECK(shm >= 0, "shmget errno %d", errno);
	char *a = shmat(shm, NULL, 0), *b = shmat(shm, NULL, SHM_RDONLY);
	CHECK(a != (char *)-1 && b != (char *)-1 && a != b, "shmat errno %d", errno);
	strcpy(a, "shared");
	CHECK(strcmp(b, "shared") == 0, "%s", b);
	CHECK(shmdt(b) == 0 && shmdt(a) == 0, "shmdt errno %d", errno);
	errno = 0;
	CHECK(shmdt(a) == -1 && errno == EINVAL, "shmdt twice: errno %d", errno);
	CHECK(shmctl(shm, IPC_RMID, NULL) == 0, "IPC_RMID errno %d", errno);
	errno = 0;
	CHECK(shmget(0x7e570001, 4096, 0600) == -1 && errno == ENOENT, "no such key: errno %d", errno);

	int sem = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	CHECK(sem >= 0, "semget errno %d", errno);
	union semun arg = { .val = 3 };
	CHECK(semctl(sem, 0, SETVAL, arg) == 0, "SETVAL errno %d", errno);
	CHECK(semctl(sem, 0, GETVAL) == 3, "GETVAL %d", semctl(sem, 0, GETVAL));
	struct sembuf down = { 0, -1, 0 }, wait1 = { 1, -1, IPC_NOWAIT };
	CHECK(semop(sem, &down, 1) == 0 && semctl(sem, 0, GETVAL) == 2, "semop errno %d", errno);
	CHECK(semctl(sem, 0, GETPID) == getpid(), "GETPID %d", semctl(sem, 0, GETPID));
	CHECK(semctl(sem, 1, GETNCNT) == 0 && semctl(sem, 1, GETZCNT) == 0, "counts");
	errno = 0;
	CHECK(semop(sem, &wait1, 1) == -1 && errno == EAGAIN, "IPC_NOWAIT: errno %d", errno);
	unsigned short set[2] = { 5, 6 }, got[2] = { 0, 0 };
	arg.array = set;
	CHECK(semctl(sem, 0, SETALL, arg) == 0, "SETALL errno %d", errno);
	arg.array = got;
	CHECK(semctl(sem, 0, GETALL, arg) == 0 && got[0] == 5 && got[1] == 6, "GETALL %d %d",
	    got[0], got[1]);
	errno = 0;
	CHECK(semctl(sem, 0, 99) == -1 && errno == EINVAL, "bad command: errno %d", errno);
	CHECK(semctl(sem, 0, IPC_RMID) == 0, "IPC_RMID errno %d", errno);
	errno = 0;
	CHECK(semctl(sem, 0, GETVAL) == -1 && errno == EINVAL, "removed: errno %d", errno);

	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	CHECK(q >= 0, "msgget errno %d", errno);
	struct text out = { 2, "hello queue" }, in;
	CHECK(msgsnd(q, &out, 12, 0) == 0, "msgsnd errno %d", errno);
	errno = 0;
	CHECK(msgrcv(q, &in, 4, 0, 0) == -1 && errno == E2BIG, "too small: errno %d", errno);
	memset(&in, 0, sizeof in);
	CHECK(msgrcv(q, &in, 5, 2, MSG_NOERROR) == 5 && in.mtype == 2 &&
	    memcmp(in.mtext, "hello", 5) == 0, "MSG_NOERROR: %s", in.mtext);
	errno = 0;
	CHECK(msgrcv(q, &in, sizeof in.mtext, 0, IPC_NOWAIT) == -1 && errno == ENOMSG,
	    "empty: errno %d", errno);
	CHECK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID errno %d", errno);
	DONE();
}
