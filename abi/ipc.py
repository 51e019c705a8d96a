"""System V IPC (<sys/ipc.h>, <sys/shm.h>, <sys/sem.h>, <sys/msg.h>): the flag bits are the same
octal numbers on both systems; semctl's value commands are numbered differently."""

FREEBSD_IPC_FLAGS = {
    "IPC_CREAT": 0o1000,
    "IPC_EXCL": 0o2000,
    "IPC_NOWAIT": 0o4000,
    "SHM_RDONLY": 0o10000,
    "SHM_RND": 0o20000,
    "SEM_UNDO": 0o10000,
    "MSG_NOERROR": 0o10000,
}
LINUX_IPC_FLAGS = dict(FREEBSD_IPC_FLAGS)  # checked against the host's headers all the same

FREEBSD_IPC_CMDS = {
    "IPC_RMID": 0,
    "IPC_SET": 1,
    "IPC_STAT": 2,
    "SHM_LOCK": 11,
    "SHM_UNLOCK": 12,
    "GETNCNT": 3,
    "GETPID": 4,
    "GETVAL": 5,
    "GETALL": 6,
    "GETZCNT": 7,
    "SETVAL": 8,
    "SETALL": 9,
}
LINUX_IPC_CMDS = {
    "IPC_RMID": 0,
    "IPC_SET": 1,
    "IPC_STAT": 2,
    "SHM_LOCK": 11,
    "SHM_UNLOCK": 12,
    "GETPID": 11,
    "GETVAL": 12,
    "GETALL": 13,
    "GETNCNT": 14,
    "GETZCNT": 15,
    "SETVAL": 16,
    "SETALL": 17,
}
