"""The ptrace supervisor: starts the FreeBSD program, waits for stops and routes them.

It knows threads, processes, exec, fork and signals, but no individual syscall: those go
through the table to bsdulator/engine.py and the handlers in syscalls/."""

import os
import signal
from dataclasses import dataclass
from typing import TypeVar

from . import elf, engine, ptrace, seccomp, startup, view
from .abi.errno import FREEBSD_ERRNO, LINUX_ERRNO
from .abi.limits import FREEBSD_KERNEL_DEFAULTS
from .abi.signals import FREEBSD_SS_FLAGS
from .errors import FreeBSDError, UsageError
from .fastpath import FastPath
from .hooks import Hooks
from .memory import Memory, Unreachable
from .native._native import lib
from .net import NetService
from .process import Process, Thread
from .sysctl import SysctlTree
from .table import Entry, Support

ENOSYS_RAX = -LINUX_ERRNO["ENOSYS"] & 0xFFFFFFFFFFFFFFFF

S = TypeVar("S")


@dataclass
class Kernel:
    """What the emulated FreeBSD kernel reports about itself."""

    osreldate: int
    osrelease: str
    ncpus: int

    @classmethod
    def for_root(cls, root: str) -> "Kernel":
        """Claim the release the root's libc was built for, as a matching kernel would."""
        try:
            info = elf.parse_file(os.path.join(root, "lib/libc.so.7"))
        except (OSError, elf.MalformedElf) as e:
            raise UsageError(
                f"FreeBSD root {root!r}: lib/libc.so.7 is unreadable or broken ({e})"
            ) from None
        osreldate = (
            info.osreldate if info and info.osreldate else FREEBSD_KERNEL_DEFAULTS["osreldate"]
        )
        major, minor = osreldate // 100000, osreldate // 1000 % 100
        return cls(osreldate, f"{major}.{minor}-RELEASE", os.cpu_count() or 1)


def _default_signals() -> None:
    """The program starts as a fresh process would: no signal ignored or blocked by us
    (Python ignores SIGPIPE, the tracer ignores group-wide signals)."""
    for sig in range(1, signal.NSIG):
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def _exec_filtered(exe, argv: list, env: dict) -> None:
    """execve under the seccomp filter (bsdulator/seccomp.py), installed just before it.
    Should the exec fail, the child can only end (exit code: the errno); see _not_started."""
    from .native._native import ffi

    keep = [ffi.new("char[]", os.fsencode(a)) for a in argv]
    keep_env = [ffi.new("char[]", os.fsencode(k) + b"=" + os.fsencode(v)) for k, v in env.items()]
    program = seccomp.filter_bytes()
    lib.bsdu_exec_filtered(
        program,
        len(program) // seccomp.ROW_SIZE,
        os.fsencode(exe),
        ffi.new("char *[]", keep + [ffi.NULL]),
        ffi.new("char *[]", keep_env + [ffi.NULL]),
    )
    raise OSError(ffi.errno, os.strerror(ffi.errno))  # the filter could not be installed


def _die_with_tracer() -> None:
    """Until PTRACE_TRACEME takes hold (EXITKILL), the child must not outlive its tracer."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        os._exit(1)


class Supervisor:
    def __init__(
        self,
        table: list[Entry],
        root: str,
        kernel: Kernel,
        tracer=None,
        warn=None,
        file_view=None,
        log=None,
    ):
        self.table = table
        self.syscall_log = log  # a SyscallLog (BSDULATOR_SYSCALL_LOG) or None
        self.root = root
        # The file view unjailed programs see (bsdulator/view.py); the minimal one by default.
        self.file_view: view.View = file_view or view.View.make(root, os.getcwd(), "minimal")
        self.kernel = kernel
        self.tracer = tracer
        self.warn = warn or (lambda msg: None)
        self.threads: dict[int, Thread] = {}
        self.procs: dict[int, Process] = {}
        self.early: dict[int, int] = {}  # new tids that stopped before their parent's event
        self.leader = 0
        self.leader_status = None
        self.leader_started = False  # the leader's first exec (the FreeBSD program) took place
        self.on_leader_exit = None  # called with the leader's wait status
        self.initial_image = None  # (exe, image) of the program spawn() starts
        # Typed services: the MIB tree comes first (subsystems add their nodes), the network
        # backend (bsdulator/net/), then what subsystems install: the jail registry
        # (syscalls/jail.py), sysctl's host facts.
        self.sysctl = SysctlTree(osrelease=kernel.osrelease, osreldate=kernel.osreldate)
        self.net = NetService()
        self.jails = None
        self.sysctl_host = None
        self.hooks = Hooks()
        self.fastpath: FastPath | None = None  # while run() serves
        self._states: dict[type, object] = {}
        self._install_subsystems()

    def state(self, kind: type[S]) -> S:
        """The one instance of a subsystem's per-supervisor state class, made on first use: a
        subsystem names its own class (never a string) and no other subsystem sees it.  Safe
        from the subsystems' own threads: the first instance stored is the one every caller
        gets."""
        found = self._states.get(kind)
        if found is None:
            found = self._states.setdefault(kind, kind())
        return found  # type: ignore[return-value]

    def _install_subsystems(self) -> None:
        """Each syscalls/ module may define install(sup) to hook delivery, exec, fork…"""
        import importlib
        import pkgutil

        from . import syscalls

        for mod in pkgutil.iter_modules(syscalls.__path__):
            install = getattr(
                importlib.import_module(f"{syscalls.__name__}.{mod.name}"), "install", None
            )
            if install:
                install(self)

    # -- start -------------------------------------------------------------------
    def spawn(self, exe: str, argv: list[str], env: dict[str, str], image) -> None:
        """Fork, enter the view, stop for the tracer, exec the loader or static program
        (`image`: what startup needs to know about it, see bsdulator/image.py)."""
        self.initial_image = (exe, image)
        rfd, wfd = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            try:
                os.close(rfd)
                _default_signals()
                _die_with_tracer()
                self.file_view.enter()
                ptrace.ptrace(ptrace.PTRACE_TRACEME, 0)
                os.kill(os.getpid(), signal.SIGSTOP)
                _exec_filtered(exe, argv, env)
            except BaseException as e:  # report to the parent, never run its code here
                os.write(wfd, f"{exe}: {getattr(e, 'strerror', None) or e}".encode())
            os._exit(127)
        os.close(wfd)
        self.exe = exe
        _, status = ptrace.wait(pid)
        if not os.WIFSTOPPED(status):
            msg = os.read(rfd, 4096).decode(errors="replace")
            os.close(rfd)
            raise UsageError(msg or "the FreeBSD program could not be started")
        try:
            ptrace.ptrace(ptrace.PTRACE_SETOPTIONS, pid, 0, ptrace.OPTIONS)
        except OSError as e:
            os.kill(pid, signal.SIGKILL)
            raise UsageError(
                f"cannot trace the program (ptrace: {e.strerror}); "
                "is ptrace restricted (kernel.yama.ptrace_scope) or are we in a sandbox?"
            ) from None
        self.errpipe = rfd
        self.leader = pid
        proc = Process(pid, os.getpid(), None)
        self.procs[pid] = proc
        thread = Thread(pid, proc)
        proc.threads.add(pid)
        self.threads[pid] = thread
        ptrace.resume(pid, 0, syscalls=False)

    # -- the loop ----------------------------------------------------------------
    def run(self) -> int:
        """Serve every traced thread until all are gone; the leader's wait status."""
        fast = self.fastpath = FastPath(
            self.table, enabled=self.tracer is None, log=self.syscall_log
        )
        while self.threads:
            stop = fast.next_stop()
            if stop is None:
                break
            tid, status, regs = stop
            thread = self.threads.get(tid)
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                lib.bsdu_forget(tid)
                self._gone(tid, status)
                continue
            if thread is None:
                self.early[tid] = status
                continue
            if regs is not None:
                ptrace.copy_regs(thread.regs, regs)
            self._stopped(thread, status, regs is not None)
        for hook in self.hooks.at_exit:
            hook()
        if self.leader_status is None:
            msg = os.read(self.errpipe, 4096).decode(errors="replace")
            if msg:
                raise UsageError(msg)
        return self.leader_status if self.leader_status is not None else 0

    def _stopped(self, thread: Thread, status: int, have_regs: bool = False) -> None:
        sig = os.WSTOPSIG(status)
        event = status >> 16
        tid = thread.tid
        if sig == ptrace.SYSCALL_STOP:
            regs = thread.regs
            if not have_regs and not ptrace.getregs(tid, regs):
                return
            if thread.in_syscall:
                thread.in_syscall = False
                engine.exit_(self, thread, regs)
            elif regs.rax != ENOSYS_RAX:
                pass  # an exit stop with no entry seen (exec/fork return): nothing in flight
            else:
                thread.in_syscall = True
                call = thread.call
                if call is None or not call.injected:
                    engine.enter(self, thread, regs)
                else:
                    engine.supervise(regs)
                    ptrace.setregs(tid, regs)
            ptrace.resume(tid)
        elif sig == signal.SIGTRAP and event:
            self._event(thread, event)
        elif thread.fresh and sig == signal.SIGSTOP:
            thread.fresh = False
            self._child_returns(thread)
            ptrace.resume(tid)
        else:
            self.deliver(thread, sig)

    def _event(self, thread: Thread, event: int) -> None:
        tid = thread.tid
        if event in (ptrace.EVENT_FORK, ptrace.EVENT_VFORK, ptrace.EVENT_CLONE):
            child = ptrace.event_msg(tid)
            self._adopt(thread, child, event)
        elif event == ptrace.EVENT_EXEC:
            thread = self._exec_took_over(thread, ptrace.event_msg(tid))
            self._exec(thread)
        ptrace.resume(tid)

    def _exec_took_over(self, leader: Thread, former: int) -> Thread:
        """A thread other than the leader exec'd: Linux gave it the leader's tid and ended the
        leader without a word, so the exec'ing thread's state moves to that tid."""
        if former == leader.tid or former not in self.threads:
            return leader
        execing = self.threads.pop(former)
        leader.proc.threads.discard(former)
        lib.bsdu_own(former, 0)
        execing.tid = leader.tid
        self.threads[leader.tid] = execing
        lib.bsdu_own(leader.tid, int(execing.call is not None))
        return execing

    def _adopt(self, parent: Thread, child: int, event: int) -> None:
        if event == ptrace.EVENT_CLONE and self._clone_is_thread(parent):
            proc = parent.proc
        else:
            proc = parent.proc.fork(child)
            self.procs[child] = proc
        new = Thread(child, proc, fresh=True)
        if proc is not parent.proc:
            new.forked_from(parent)
        # The child starts from a copy of its creator's registers, taken while the creating
        # call ran at the supervised rip: it resumes where that call returns.
        new.resume_ip = (
            parent.call.saved.rip if parent.call is not None else lib.bsdu_resume_ip(parent.tid)
        )
        proc.threads.add(child)
        self.threads[child] = new
        control = parent.call.control if parent.call is not None else None
        if isinstance(control, engine.Fork) and control.adopted is not None:
            control.adopted(new)
        if child in self.early:
            self._stopped(new, self.early.pop(child))

    def _clone_is_thread(self, parent: Thread) -> bool:
        control = parent.call.control if parent.call is not None else None
        return isinstance(control, engine.Fork) and control.thread

    def _child_returns(self, thread: Thread) -> None:
        """A new child sits at the return of fork/vfork/clone: give it FreeBSD's return
        registers (rax 0, rdx 1, CF clear) or the start state its creator's call chose."""
        regs = thread.regs
        if not ptrace.getregs(thread.tid, regs):
            return
        if thread.resume_ip:
            regs.rip = thread.resume_ip
        if thread.start is not None:
            thread.start(regs)
        else:
            regs.rax = 0
            regs.rdx = 1
            regs.eflags &= ~engine.CF
        ptrace.setregs(thread.tid, regs)

    def _exec(self, thread: Thread) -> None:
        """A successful execve: new image, FreeBSD entry state, fresh per-image facts."""
        proc = thread.proc
        if proc.mem is None:
            proc.mem = Memory(proc.pid)
        else:
            proc.exec_reset()
        regs = thread.regs
        ptrace.getregs(thread.tid, regs)
        call = thread.call
        if proc.pid == self.leader:
            self.leader_started = True
        if call is None:  # the spawned child's exec of the first FreeBSD program
            exe_path, info = self.initial_image
        else:  # only an Exec the handler yielded can succeed here
            exe_path, info = call.control.exe, call.control.image
            call.exec_done = True
        proc.osrel = info.osreldate if info and info.osreldate else self.kernel.osreldate
        # exec drops the alternate signal stack and the TLS base (exec_setregs)
        thread.altstack = (0, 0, FREEBSD_SS_FLAGS["SS_DISABLE"])
        thread.tlsbase = None
        proc.usrstack, proc.ps_strings = startup.freebsd_entry_state(
            proc.pid, proc.mem, regs, exe_path, info, self.kernel.osreldate, self.kernel.ncpus
        )
        for hook in self.hooks.on_exec:
            hook(thread, regs)
        ptrace.setregs(thread.tid, regs)

    def _gone(self, tid: int, status: int) -> None:
        thread = self.threads.pop(tid, None)
        if thread is None:
            return
        if (
            thread.call is not None
        ):  # its clean-up must not write: the pid may be reused, the image new
            thread.call.mem = Unreachable()
            engine.abandon(thread.call)
        proc = thread.proc
        proc.threads.discard(tid)
        if not proc.threads:
            self.procs.pop(proc.pid, None)
            if proc.mem is not None:
                proc.mem.close()
            for hook in self.hooks.on_process_exit:
                hook(proc)
        if tid == self.leader:
            if not self.leader_started:
                raise UsageError(self._not_started(status))
            self.leader_status = status
            if self.on_leader_exit:
                self.on_leader_exit(status)

    def _not_started(self, status: int) -> str:
        """Why the spawned child ended before the FreeBSD program ran: its own words, or
        the errno its failed execve left as exit code (the filter allows it nothing else)."""
        said = os.read(self.errpipe, 4096).decode(errors="replace")
        if said:
            return said
        name = os.fsdecode(self.exe)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status):
            return f"{name}: cannot be executed: {os.strerror(os.WEXITSTATUS(status))}"
        return f"{name}: ended before it started (wait status {status:#x})"

    def view_to_host(self, path: str) -> str:
        """Where an unjailed program's absolute path lies on the host."""
        return self.file_view.to_host(path)

    # -- signals -----------------------------------------------------------------
    def deliver(self, thread: Thread, linux_sig: int) -> None:
        """A signal-delivery stop: the signal subsystem decides (handler frame, default, ignore)."""
        hook = self.hooks.deliver_signal
        sig = hook(thread, linux_sig) if hook else linux_sig
        ptrace.resume(thread.tid, sig)

    # -- table edges ---------------------------------------------------------------
    def out_of_range(self, nr: int) -> Entry:
        return Entry(nr, f"#{nr}", "", (), Support.OBSOLETE)

    def unimplemented(self, call) -> int:
        """ENOSYS; FreeBSD also raises SIGSYS for slots it lacks itself."""
        if call.entry.support == Support.OBSOLETE:
            os.kill(call.thread.tid, signal.SIGSYS)
            return engine.FREEBSD_ENOSYS
        return self.missing(call).errno

    def missing(self, call, what: str = "", errno: str = "ENOSYS") -> FreeBSDError:
        """The error for a call, or the part `what` of one, that bsdulator lacks, warned about
        once per process (as FreeBSD's DUMMY syscalls do) unless --quiet; the caller raises it."""
        entry, seen = call.entry, call.thread.proc.warned
        if (entry.nr, what) not in seen:
            seen.add((entry.nr, what))
            part = f" {what}" if what else ""
            self.warn(
                f"bsdulator: {entry.name}{part} (FreeBSD syscall {entry.nr}) "
                f"is not implemented: {errno}"
            )
        return FreeBSDError(FREEBSD_ERRNO[errno], what or entry.name)
