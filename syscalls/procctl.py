"""procctl(2) (sys/kern/kern_procctl.c): reapers and the tracing switch.

A reaper is also a Linux child subreaper (PR_SET_CHILD_SUBREAPER): Linux, like FreeBSD, hands it
the orphans of its subtree.  The tree the status, pid list and kill walk is the one this
supervisor runs, by each process's Linux parent; init, the reaper of what no traced reaper holds,
stands for the supervisor's world (pid 1, REAPER_STATUS_REALINIT).  A FreeBSD program is never
ptraced by another (bsdulator serves no ptrace(2)), so PROC_TRACE_STATUS is 0, or -1 once
PROC_TRACE_CTL disabled tracing; the setting follows fork and PROC_TRACE_CTL_DISABLE_EXEC's exec
as FreeBSD's P2_NOTRACE does."""

import inspect

from bsdulator import procfs, structs, translate
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import (
    FREEBSD_IDTYPES,
    FREEBSD_PROC_TRACE_CTL,
    FREEBSD_PROCCTL_COMMANDS,
    FREEBSD_REAPER_FLAGS,
)
from bsdulator.abi.ptrace import LINUX_PRCTL_PROCESS
from bsdulator.abi.signals import FREEBSD_SIGNAL_LIMITS
from bsdulator.engine import check, lx, s32, signed
from bsdulator.errors import FreeBSDError
from bsdulator.process import ns_pids
from bsdulator.table import Support, handler

PC = FREEBSD_PROCCTL_COMMANDS
RF = FREEBSD_REAPER_FLAGS
TRACE = FREEBSD_PROC_TRACE_CTL
EINVAL, EPERM, EBUSY, ESRCH = (FREEBSD_ERRNO[n] for n in ("EINVAL", "EPERM", "EBUSY", "ESRCH"))
P_PID = FREEBSD_IDTYPES["P_PID"]
SIG_MAXSIG = FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]
PR_SET_CHILD_SUBREAPER = LINUX_PRCTL_PROCESS["PR_SET_CHILD_SUBREAPER"]
INIT_PID = 1  # what FreeBSD's init is numbered; here the supervisor's world
GAPS = (
    "PROC_SPROTECT, TRAPCAP, PDEATHSIG, ASLR, PROTMAX, STACKGAP, NO_NEW_PRIVS, WXMAP and the "
    "machine-dependent commands (ENOSYS); P_PGID; a process other than the caller's own tree; "
    "processes forked before PROC_REAP_ACQUIRE count as the new reaper's; "
    "a disabled PROC_TRACE_CTL does not stop Linux's ptrace or core dumps"
)
STATUS, PIDINFO, PIDS, KILL = (
    structs.sizeof(n)
    for n in (
        "procctl_reaper_status",
        "procctl_reaper_pidinfo",
        "procctl_reaper_pids",
        "procctl_reaper_kill",
    )
)


class Tree:
    """The traced processes by their Linux parents (host pids), read once per call."""

    def __init__(self, sup):
        self.sup = sup
        self.stats = {}
        for pid in list(sup.procs):
            st = procfs.stat_if_alive(pid)
            if st is not None:
                self.stats[pid] = st

    def parent(self, pid: int) -> int | None:
        ppid = self.stats[pid].ppid
        return ppid if ppid in self.stats else None  # None: init's child

    def reaper_of(self, pid: int) -> int | None:
        """p_reaper: the nearest traced ancestor that is a reaper; None for init."""
        up = self.parent(pid)
        while up is not None and not self.sup.procs[up].reaper:
            up = self.parent(up)
        return up

    def reaplist(self, reaper: int | None) -> list[int]:
        """The processes whose reaper this is (nested reapers, not their trees), newest
        first as FreeBSD inserts them."""
        found = [p for p in self.stats if p != reaper and self.reaper_of(p) == reaper]
        return sorted(found, key=lambda p: self.stats[p].starttime, reverse=True)

    def children(self, reaper: int | None) -> list[int]:
        return [p for p in self.stats if self.parent(p) == reaper and p != reaper]

    def subtree(self, pid: int) -> int:
        """p_reapsubtree: the child of its reaper it descends from, as fork recorded it."""
        return self.sup.procs[pid].reapsubtree or pid


def _seen(call, host: int | None) -> int:
    """A host pid as the caller numbers it (its pid namespace); init is 1."""
    if host is None:
        return INIT_PID
    caller = ns_pids(call.proc.pid) or [call.proc.pid]
    numbers = ns_pids(host) or [host]
    level = len(caller) - 1
    return numbers[level] if level < len(numbers) else numbers[-1]


def _target(call, idtype: int, ident: int):
    """kern_procctl's P_PID lookup: 0 is the caller; another process must be one this
    supervisor runs (ESRCH for none)."""
    if idtype != P_PID:
        if idtype == FREEBSD_IDTYPES["P_PGID"]:
            raise call.sup.missing(call, "P_PGID")
        raise FreeBSDError(EINVAL, f"procctl idtype {idtype}")
    if ident in (0, _seen(call, call.proc.pid)):
        return call.proc
    for host, proc in call.sup.procs.items():
        if _seen(call, host) == ident and procfs.stat_if_alive(host) is not None:
            return proc
    r = yield lx.kill(ident, 0)
    if r < 0:
        raise FreeBSDError(ESRCH, f"process {ident}")
    raise call.sup.missing(call, "a process bsdulator does not run")


@handler("procctl", Support.PARTIAL, GAPS)
def sys_procctl(call, idtype, ident, com, data):
    """Implements FreeBSD procctl(2): sys_procctl's and kern_procctl's checks, then the
    command."""
    idtype, ident, com = s32(idtype), signed(ident), s32(com)
    if com >= PC["PROC_PROCCTL_MD_MIN"]:
        raise call.sup.missing(call, f"machine-dependent command {com:#x}")
    if not 0 < com <= PC["PROC_WXMAP_STATUS"]:
        raise FreeBSDError(EINVAL, f"procctl command {com}")
    if com in (PC["PROC_REAP_ACQUIRE"], PC["PROC_REAP_RELEASE"]) and data:
        raise FreeBSDError(EINVAL, "reap acquire/release take no data")
    if com == PC["PROC_TRACE_CTL"]:
        state = s32(call.mem.read_u32(data))  # copied in before the process is looked up
        proc = yield from _target(call, idtype, ident)
        return _trace_ctl(call, proc, state)
    if com not in COMMANDS:
        raise call.sup.missing(call, f"command {com}")
    kill = com == PC["PROC_REAP_KILL"]
    pids = com == PC["PROC_REAP_GETPIDS"]
    arg = call.mem.read(data, KILL if kill else PIDS) if kill or pids else b""
    proc = yield from _target(call, idtype, ident)
    result = COMMANDS[com](call, proc, data, arg)
    if inspect.isgenerator(result):  # the commands that make Linux calls
        result = yield from result
    return result


def _acquire(call, proc, data, arg):
    if proc is not call.proc:
        raise FreeBSDError(EPERM, "only the caller becomes a reaper")
    if proc.reaper:
        raise FreeBSDError(EBUSY, "already a reaper")
    check((yield lx.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)))
    proc.reaper = True
    return 0


def _release(call, proc, data, arg):
    if proc is not call.proc:
        raise FreeBSDError(EPERM, "only the caller stops being a reaper")
    if not proc.reaper:
        raise FreeBSDError(EINVAL, "not a reaper")
    check((yield lx.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)))
    proc.reaper = False
    return 0


def _reaper(tree: Tree, proc) -> int | None:
    return proc.pid if proc.reaper else tree.reaper_of(proc.pid)


def _status(call, proc, data, arg):
    tree = Tree(call.sup)
    reap = _reaper(tree, proc)
    descendants = tree.reaplist(reap)
    flags = (RF["REAPER_STATUS_OWNED"] if proc.reaper else 0) | (
        RF["REAPER_STATUS_REALINIT"] if reap is None else 0
    )
    call.mem.write(
        data,
        structs.pack(
            "procctl_reaper_status",
            rs_flags=flags,
            rs_children=len(tree.children(reap)),
            rs_descendants=len(descendants),
            rs_reaper=_seen(call, reap),
            rs_pid=_seen(call, descendants[0]) if descendants else -1,
        ),
    )
    return 0


def _getpids(call, proc, data, arg):
    request = structs.unpack("procctl_reaper_pids", arg)
    tree = Tree(call.sup)
    reap = _reaper(tree, proc)
    out = bytearray()
    for pid in tree.reaplist(reap)[: request["rp_count"]]:
        st = tree.stats[pid]
        flags = RF["REAPER_PIDINFO_VALID"]
        if tree.parent(pid) == reap:
            flags |= RF["REAPER_PIDINFO_CHILD"]
        if call.sup.procs[pid].reaper:
            flags |= RF["REAPER_PIDINFO_REAPER"]
        if st.state in "tT":
            flags |= RF["REAPER_PIDINFO_STOPPED"]
        if st.state == "Z":
            flags |= RF["REAPER_PIDINFO_ZOMBIE"]
        out += structs.pack(
            "procctl_reaper_pidinfo",
            pi_pid=_seen(call, pid),
            pi_subtree=_seen(call, tree.subtree(pid)),
            pi_flags=flags,
        )
    call.mem.write(request["rp_pids"], bytes(out))
    return 0


def _kill(call, proc, data, arg):
    rk = structs.unpack("procctl_reaper_kill", arg)
    sig, flags = rk["rk_sig"], rk["rk_flags"]
    both = RF["REAPER_KILL_CHILDREN"] | RF["REAPER_KILL_SUBTREE"]
    if not 0 < sig <= SIG_MAXSIG or flags & ~both or flags & both == both:
        raise FreeBSDError(EINVAL, "reaper kill: signal or flags")
    linux = translate.signal_to_linux(sig)
    if linux is None:
        raise FreeBSDError(EINVAL, f"signal {sig}")
    tree = Tree(call.sup)
    reap = _reaper(tree, proc)
    if flags & RF["REAPER_KILL_CHILDREN"]:
        targets = tree.children(reap)
    else:  # the reaper's list, and the lists of the reapers in it (reap_kill_subtree)
        targets, reapers = [], [reap]
        while reapers:
            top = reapers.pop()
            for pid in tree.reaplist(top):
                if (
                    top == reap
                    and flags & RF["REAPER_KILL_SUBTREE"]
                    and _seen(call, tree.subtree(pid)) != rk["rk_subtree"]
                ):
                    continue
                if call.sup.procs[pid].reaper:
                    reapers.append(pid)
                targets.append(pid)
    error, killed, first_failed = ESRCH, 0, -1
    for pid in targets:
        r = yield lx.kill(_seen(call, pid), linux)
        if r < 0:
            if error == ESRCH:
                error, first_failed = translate.errno_to_freebsd(-r), _seen(call, pid)
            continue
        killed += 1
        error = 0
    call.mem.write(
        data,
        structs.pack(
            "procctl_reaper_kill",
            rk_sig=sig,
            rk_flags=flags,
            rk_subtree=rk["rk_subtree"],
            rk_killed=killed,
            rk_fpid=first_failed,
        ),
    )
    if error:
        raise FreeBSDError(error, "reaper kill")
    return 0


def _trace_status(call, proc, data, arg):
    call.mem.write_u32(data, -1 if proc.notrace else 0)
    return 0


def _trace_ctl(call, proc, state: int) -> int:
    """trace_ctl: enabling is the process's own business (EPERM for another); disabling with
    DISABLE_EXEC pending only clears the exec part."""
    if state == TRACE["PROC_TRACE_CTL_ENABLE"]:
        if proc is not call.proc:
            raise FreeBSDError(EPERM, "only the process itself enables tracing")
        proc.notrace = 0
    elif state == TRACE["PROC_TRACE_CTL_DISABLE_EXEC"]:
        proc.notrace = state
    elif state == TRACE["PROC_TRACE_CTL_DISABLE"]:
        if proc.notrace == TRACE["PROC_TRACE_CTL_DISABLE_EXEC"] and proc is not call.proc:
            raise FreeBSDError(EPERM, "only the process itself drops DISABLE_EXEC")
        proc.notrace = state
    else:
        raise FreeBSDError(EINVAL, f"PROC_TRACE_CTL state {state}")
    return 0


COMMANDS = {
    PC["PROC_REAP_ACQUIRE"]: _acquire,
    PC["PROC_REAP_RELEASE"]: _release,
    PC["PROC_REAP_STATUS"]: _status,
    PC["PROC_REAP_GETPIDS"]: _getpids,
    PC["PROC_REAP_KILL"]: _kill,
    PC["PROC_TRACE_STATUS"]: _trace_status,
}
