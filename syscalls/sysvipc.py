"""System V IPC: shared memory, semaphores and message queues on Linux's, whose arguments and
flag bits are FreeBSD's (abi/ipc.py); flags Linux would read as something more (SHM_HUGETLB,
MSG_EXCEPT …) are masked off, as FreeBSD ignores them.  A jail whose sysvshm/sysvsem/sysvmsg
is `disable` gets ENOSYS, as FreeBSD's sysv_*.c answer a prison without the facility; `new`
is the jail's own Linux IPC namespace (bsdulator/jail/namespaces.py)."""

from bsdulator.abi import ipc
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.jail import JAIL_SYS_DISABLE
from bsdulator.engine import check, lx, s32
from bsdulator.errors import FreeBSDError
from bsdulator.table import Support, handler

EINVAL, ENOSYS = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ENOSYS"))
FLAG = ipc.FREEBSD_IPC_FLAGS
CMD, LINUX_CMD = ipc.FREEBSD_IPC_CMDS, ipc.LINUX_IPC_CMDS
MODE = 0o777
GET_FLAGS = FLAG["IPC_CREAT"] | FLAG["IPC_EXCL"] | MODE
SHMAT_FLAGS = FLAG["SHM_RDONLY"] | FLAG["SHM_RND"]
MSGRCV_FLAGS = FLAG["IPC_NOWAIT"] | FLAG["MSG_NOERROR"]
STRUCT_GAP = "IPC_STAT and IPC_SET (the *id_ds structures are not translated yet: EINVAL)"


def _facility(call, name: str) -> None:
    """ENOSYS in a jail that has the facility (sysvshm, sysvsem, sysvmsg) disabled."""
    if call.proc.jail and call.sup.jails.record(call.proc.jail).get(name) == JAIL_SYS_DISABLE:
        raise FreeBSDError(ENOSYS, f"{name} is disabled in this jail")


def _linux_cmd(call, cmd: int, allowed: tuple[str, ...]) -> int:
    names = {CMD[n]: n for n in allowed}
    cmd = s32(cmd)
    if cmd in (CMD["IPC_STAT"], CMD["IPC_SET"]):
        raise call.sup.missing(call, "IPC_STAT/IPC_SET", "EINVAL")
    if cmd not in names:
        raise FreeBSDError(EINVAL, f"command {cmd}")
    return LINUX_CMD[names[cmd]]


# ---- shared memory --------------------------------------------------------------------------


@handler("shmget", Support.TRANSLATED, "Linux's; flags beyond IPC_CREAT/IPC_EXCL/mode ignored")
def sys_shmget(call, key, size, flags):
    """Implements FreeBSD shmget(2)."""
    _facility(call, "sysvshm")
    return check((yield lx.shmget(s32(key), size, s32(flags) & GET_FLAGS)))


@handler("shmat", Support.TRANSLATED, "Linux's; flags beyond SHM_RDONLY/SHM_RND ignored")
def sys_shmat(call, shmid, addr, flags):
    """Implements FreeBSD shmat(2)."""
    _facility(call, "sysvshm")
    return check((yield lx.shmat(s32(shmid), addr, s32(flags) & SHMAT_FLAGS)))


@handler("shmdt", Support.TRANSLATED, "Linux's")
def sys_shmdt(call, addr):
    """Implements FreeBSD shmdt(2)."""
    _facility(call, "sysvshm")
    return check((yield lx.shmdt(addr)))


@handler("shmctl", Support.PARTIAL, STRUCT_GAP)
def sys_shmctl(call, shmid, cmd, buf):
    """Implements FreeBSD shmctl(2): IPC_RMID, SHM_LOCK, SHM_UNLOCK."""
    _facility(call, "sysvshm")
    linux = _linux_cmd(call, cmd, ("IPC_RMID", "SHM_LOCK", "SHM_UNLOCK"))
    return check((yield lx.shmctl(s32(shmid), linux, 0)))


# ---- semaphores -----------------------------------------------------------------------------


@handler("semget", Support.TRANSLATED, "Linux's; flags beyond IPC_CREAT/IPC_EXCL/mode ignored")
def sys_semget(call, key, nsems, flags):
    """Implements FreeBSD semget(2)."""
    _facility(call, "sysvsem")
    return check((yield lx.semget(s32(key), s32(nsems), s32(flags) & GET_FLAGS)))


@handler(
    "semop", Support.TRANSLATED, "Linux's (struct sembuf, IPC_NOWAIT and SEM_UNDO are the same)"
)
def sys_semop(call, semid, sops, nsops):
    """Implements FreeBSD semop(2)."""
    _facility(call, "sysvsem")
    return check((yield lx.semop(s32(semid), sops, nsops)))


VALUE_CMDS = ("GETNCNT", "GETPID", "GETVAL", "GETZCNT")


@handler("__semctl", Support.PARTIAL, STRUCT_GAP)
def sys___semctl(call, semid, semnum, cmd, arg):
    """Implements FreeBSD __semctl(2): arg points to the union semun semctl(3) was given."""
    _facility(call, "sysvsem")
    linux = _linux_cmd(call, cmd, ("IPC_RMID", "SETVAL", "GETALL", "SETALL", *VALUE_CMDS))
    value = 0
    if linux == LINUX_CMD["SETVAL"]:
        value = s32(call.mem.read_u32(arg))  # semun.val
    elif linux in (LINUX_CMD["GETALL"], LINUX_CMD["SETALL"]):
        value = call.mem.read_u64(arg)  # semun.array
    return check((yield lx.semctl(s32(semid), s32(semnum), linux, value)))


# ---- message queues -------------------------------------------------------------------------


@handler("msgget", Support.TRANSLATED, "Linux's; flags beyond IPC_CREAT/IPC_EXCL/mode ignored")
def sys_msgget(call, key, flags):
    """Implements FreeBSD msgget(2)."""
    _facility(call, "sysvmsg")
    return check((yield lx.msgget(s32(key), s32(flags) & GET_FLAGS)))


@handler("msgsnd", Support.TRANSLATED, "Linux's (IPC_NOWAIT is the same)")
def sys_msgsnd(call, msqid, msgp, msgsz, flags):
    """Implements FreeBSD msgsnd(2)."""
    _facility(call, "sysvmsg")
    return check((yield lx.msgsnd(s32(msqid), msgp, msgsz, s32(flags) & FLAG["IPC_NOWAIT"])))


@handler("msgrcv", Support.TRANSLATED, "Linux's; flags beyond IPC_NOWAIT/MSG_NOERROR ignored")
def sys_msgrcv(call, msqid, msgp, msgsz, msgtyp, flags):
    """Implements FreeBSD msgrcv(2)."""
    _facility(call, "sysvmsg")
    return check((yield lx.msgrcv(s32(msqid), msgp, msgsz, msgtyp, s32(flags) & MSGRCV_FLAGS)))


@handler("msgctl", Support.PARTIAL, STRUCT_GAP)
def sys_msgctl(call, msqid, cmd, buf):
    """Implements FreeBSD msgctl(2): IPC_RMID."""
    _facility(call, "sysvmsg")
    linux = _linux_cmd(call, cmd, ("IPC_RMID",))
    return check((yield lx.msgctl(s32(msqid), linux, 0)))
