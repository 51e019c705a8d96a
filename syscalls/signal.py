"""Signals: FreeBSD dispositions, masks and handler frames.

Linux never runs a FreeBSD handler itself.  Every signal reaches the supervisor at a
signal-delivery stop (ptrace reports even ignored ones); for a caught signal we cancel
it and build the frame FreeBSD's sendsig() would (ucontext + siginfo on the handler's
stack, rip at a sigcode trampoline that calls sigreturn(2)), and sigreturn restores the
registers from that ucontext.  Masks stay in the Linux kernel, translated both ways, so
blocked signals pend there as they should."""

import struct

from bsdulator import procfs, ptrace, structs, translate
from bsdulator.abi import signals as S
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.flags import LINUX_MAP_FLAGS, LINUX_PROT_FLAGS
from bsdulator.abi.machine import FREEBSD_PAGE_SIZES, RED_ZONE
from bsdulator.abi.machine import FREEBSD_PSL as PSL
from bsdulator.engine import (
    CF,
    ERESTARTNOINTR,
    ERESTARTSYS,
    FREEBSD_EINTR,
    RESTARTS,
    SetRegs,
    check,
    inject,
    lx,
    s32,
    signed,
)
from bsdulator.errors import FreeBSDError
from bsdulator.process import SigAction
from bsdulator.table import Entry, Support, handler

FSIG = S.FREEBSD_SIGNALS
SA = S.FREEBSD_SA_FLAGS
SIG_DFL, SIG_IGN = S.FREEBSD_SIG_HANDLERS["SIG_DFL"], S.FREEBSD_SIG_HANDLERS["SIG_IGN"]
EINVAL, ENOMEM, EPERM = (FREEBSD_ERRNO[n] for n in ("EINVAL", "ENOMEM", "EPERM"))
LINUX_SA_RESTORER = S.LINUX_SA_FLAGS["SA_RESTORER"]
LINUX_SIG_SETMASK = S.LINUX_SIGPROCMASK_HOW["SIG_SETMASK"]
PROT_READ_EXEC = LINUX_PROT_FLAGS["PROT_READ"] | LINUX_PROT_FLAGS["PROT_EXEC"]
MAP_PRIVATE_ANON = LINUX_MAP_FLAGS["MAP_PRIVATE"] | LINUX_MAP_FLAGS["MAP_ANONYMOUS"]
CODE_PAGE_SIZE = FREEBSD_PAGE_SIZES["PAGE_SIZE"]
# rflags bits sigreturn takes from the context (FreeBSD's EFL_SECURE lets no others change).
USER_RFLAGS = (
    PSL["PSL_C"]
    | PSL["PSL_PF"]
    | PSL["PSL_AF"]
    | PSL["PSL_Z"]
    | PSL["PSL_N"]
    | PSL["PSL_D"]
    | PSL["PSL_V"]
)
# FreeBSD signals whose default action is to do nothing (sys/kern/kern_sig.c sigproptbl).
DEFAULT_IGNORED = {
    FSIG[n]
    for n in ("SIGURG", "SIGCONT", "SIGCHLD", "SIGIO", "SIGWINCH", "SIGINFO", "SIGTHR", "SIGLIBRT")
}
SIGNAL_NAMES = {v: k for k, v in FSIG.items()}
UNCATCHABLE = {FSIG["SIGKILL"], FSIG["SIGSTOP"]}
MAXSIG = S.FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"]

# The per-image code page: FreeBSD's sigcode (call the handler at *(%rsp), then
# sigreturn(&sf_uc)), a bare `syscall` the supervisor injects calls through, and CAS.
SIGCODE = bytes.fromhex(
    "ff1424"  # call *(%rsp)            sf_ahu: the handler
    "488d7c2410"  # lea 0x10(%rsp),%rdi     &sf_uc
    "6a00"  # push $0                 fake return address, as FreeBSD
    "48c7c0a1010000"  # mov $417,%rax           SYS_sigreturn
    "0f05"  # syscall
    "f4ebfd"  # hlt; jmp .-1
)
GADGET_OFFSET = 64
# A 32-bit compare-and-swap the tracee runs for the supervisor (engine.Gadget): *rdi from eax
# to esi; the old value ends in rdi, which the getpid that follows hands back to the supervisor.
CAS_OFFSET = GADGET_OFFSET + 16  # after the gadget's 3 bytes
CAS = bytes.fromhex(
    "f00fb137"  # lock cmpxchg %esi,(%rdi)
    "89c7"  # mov %eax,%edi           the old value
    "b827000000"  # mov $39,%eax            Linux getpid: a syscall stop with rdi intact
    "0f05"  # syscall
    "f4"  # hlt
)
PAGE = (SIGCODE.ljust(GADGET_OFFSET, b"\xf4") + bytes.fromhex("0f05f4")).ljust(
    CAS_OFFSET, b"\xf4"
) + CAS
DELIVERY = Entry(-1, "<signal delivery>", "", (), Support.EMULATED)

SIGFRAME = structs.sizeof("sigframe")
UC_OFF = structs.offsetof("sigframe", "sf_uc")
SI_OFF = structs.offsetof("sigframe", "sf_si")
MC_OFF = structs.offsetof("ucontext_t", "uc_mcontext")
UC_COPY_SIZE = structs.offsetof("ucontext_t", "uc_link")  # what get/setcontext copy
_MC_REGS = (
    "rdi",
    "rsi",
    "rdx",
    "rcx",
    "r8",
    "r9",
    "rax",
    "rbx",
    "rbp",
    "r10",
    "r11",
    "r12",
    "r13",
    "r14",
    "r15",
    "rip",
    "rsp",
)
MC = S.FREEBSD_MCONTEXT
_MC_FPFMT_XMM, _MC_OWNEDFP_NONE, _MC_OWNEDFP_FPU, _MC_HASSEGS = (
    MC["_MC_FPFMT_XMM"],
    MC["_MC_FPOWNED_NONE"],
    MC["_MC_FPOWNED_FPU"],
    MC["_MC_HASSEGS"],
)


def _valid(sig: int) -> int:
    sig = s32(sig)
    if not 0 < sig <= MAXSIG:
        raise FreeBSDError(EINVAL, f"signal {sig}")
    return sig


def ensure_code_page(call):
    """Map the code page on first use in this image."""
    proc = call.proc
    if not proc.sigcode:
        addr = check((yield lx.mmap(0, CODE_PAGE_SIZE, PROT_READ_EXEC, MAP_PRIVATE_ANON, -1, 0)))
        call.mem.write_forced(addr, PAGE)  # read+exec for the program: only its maker writes it
        proc.sigcode = addr


def _linux_sigaction(act: SigAction, sigcode: int) -> bytes:
    """The Linux disposition mirroring a FreeBSD one (Linux never runs the handler)."""
    if act.handler in (SIG_DFL, SIG_IGN):
        handler_addr = act.handler
    else:
        handler_addr = sigcode
    flags = LINUX_SA_RESTORER | translate.SIGACTION_FLAGS.to_linux(
        act.flags & (SA["SA_NOCLDSTOP"] | SA["SA_NOCLDWAIT"])
    )
    return structs.pack(
        "linux_sigaction", sa_handler=handler_addr, sa_flags=flags, sa_restorer=sigcode, sa_mask=0
    )


@handler(
    "sigaction", Support.EMULATED, "dispositions kept per process; Linux mirrors DFL/IGN/NOCLD*"
)
def sys_sigaction(call, sig, act_addr, oact_addr):
    """Implements FreeBSD sigaction(2)."""
    sig = _valid(sig)
    proc = call.proc
    old = proc.sigactions.get(sig, SigAction())
    new = None
    if act_addr:
        if sig in UNCATCHABLE:
            raise FreeBSDError(EINVAL)
        f = structs.unpack("sigaction", call.mem.read(act_addr, structs.sizeof("sigaction")))
        new = SigAction(
            f["sa_handler"],
            f["sa_flags"] & 0xFFFFFFFF,
            call.mem.read(act_addr + structs.offsetof("sigaction", "sa_mask"), 16),
        )
    if oact_addr:
        call.mem.write(
            oact_addr,
            structs.pack("sigaction", sa_handler=old.handler, sa_flags=s32(old.flags))[
                : structs.offsetof("sigaction", "sa_mask")
            ]
            + old.mask
            + bytes(4),
        )
    if new is None:
        return 0
    if new.handler not in (SIG_DFL, SIG_IGN):
        yield from ensure_code_page(call)
    proc.sigactions[sig] = new
    linux = translate.signal_to_linux(sig)
    if linux is not None:
        tmp = call.alloc(32)
        call.mem.write(tmp, _linux_sigaction(new, proc.sigcode))
        check((yield lx.rt_sigaction(linux, tmp, 0, 8)))
        for (
            hook
        ) in call.sup.hooks.disposition_changed:  # an ignored disposition discards the pending one
            hook(call.thread)
    return 0


def _linux_mask(tid: int) -> int:
    return procfs.status(tid).sig_blocked


def linux_sigset(call, set_addr: int) -> int:
    """A FreeBSD sigset_t of the program, as a Linux kernel sigset in scratch memory (0 for
    NULL)."""
    if not set_addr:
        return 0
    tmp = call.alloc(8)
    call.mem.write_u64(tmp, translate.sigset_to_linux(call.mem.read(set_addr, 16)))
    return tmp


@handler("sigprocmask", Support.TRANSLATED, "sigset_t translated both ways", fast="sigprocmask")
def sys_sigprocmask(call, how, set_addr, oset_addr):
    """Implements FreeBSD sigprocmask(2)."""
    linux_how = translate.SIGPROCMASK_HOW.to_linux(s32(how)) if set_addr else 0
    if linux_how is None:
        raise FreeBSDError(EINVAL)
    new = linux_sigset(call, set_addr)
    old = call.alloc(8) if oset_addr else 0
    check((yield lx.rt_sigprocmask(linux_how, new, old, 8)))
    if oset_addr:
        call.mem.write(oset_addr, translate.sigset_to_freebsd(call.mem.read_u64(old)))
    return 0


@handler("sigpending", Support.TRANSLATED, "sigset_t translated")
def sys_sigpending(call, set_addr):
    """Implements FreeBSD sigpending(2)."""
    tmp = call.alloc(8)
    check((yield lx.rt_sigpending(tmp, 8)))
    call.mem.write(set_addr, translate.sigset_to_freebsd(call.mem.read_u64(tmp)))
    return 0


@handler(
    "sigsuspend", Support.TRANSLATED, "sigset_t translated; the old mask returns with the handler"
)
def sys_sigsuspend(call, set_addr):
    """Implements FreeBSD sigsuspend(2)."""
    call.thread.suspend_mask = _linux_mask(call.thread.tid)
    return check((yield lx.rt_sigsuspend(linux_sigset(call, set_addr), 8)))


@handler(
    "sigaltstack", Support.EMULATED, "frames are built by the supervisor, so it keeps the stack"
)
def sys_sigaltstack(call, ss_addr, oss_addr):
    """Implements FreeBSD sigaltstack(2)."""
    thread = call.thread
    sp, size, flags = thread.altstack
    onstack = flags != SS_DISABLE and sp <= call.saved.rsp < sp + size
    if oss_addr:
        shown = flags | (S.FREEBSD_SS_FLAGS["SS_ONSTACK"] if onstack else 0)
        call.mem.write(oss_addr, structs.pack("stack_t", ss_sp=sp, ss_size=size, ss_flags=shown))
    if ss_addr:
        f = structs.unpack("stack_t", call.mem.read(ss_addr, structs.sizeof("stack_t")))
        if onstack:
            raise FreeBSDError(EPERM, "cannot change the signal stack in use")
        nflags = f["ss_flags"] & 0xFFFFFFFF
        if nflags & ~SS_DISABLE:
            raise FreeBSDError(EINVAL)
        if not nflags & SS_DISABLE and f["ss_size"] < S.FREEBSD_SIGSTACK_SIZES["MINSIGSTKSZ"]:
            raise FreeBSDError(ENOMEM)
        thread.altstack = (f["ss_sp"], f["ss_size"], nflags)
    return 0


SS_DISABLE = S.FREEBSD_SS_FLAGS["SS_DISABLE"]


# -- queued signals and waiting for signals ---------------------------------------------

SIGQUEUE_TID = S.FREEBSD_SIGQUEUE_FLAGS["__SIGQUEUE_TID"]
ESRCH = FREEBSD_ERRNO["ESRCH"]
LINUX_SI_QUEUE = S.LINUX_SI_CODES["SI_QUEUE"]


@handler(
    "sigqueue",
    Support.TRANSLATED,
    "rt_sigqueueinfo (rt_tgsigqueueinfo with __SIGQUEUE_TID): si_code SI_QUEUE and si_value",
)
def sys_sigqueue(call, pid, signumf, value):
    """Implements FreeBSD sigqueue(2) (kern_sigqueue's checks: signal, then pid)."""
    signumf &= 0xFFFFFFFF
    signum, pid = signumf & ~SIGQUEUE_TID, s32(pid)
    if signum > MAXSIG:
        raise FreeBSDError(EINVAL, f"signal {signum}")
    if pid <= 0:
        raise FreeBSDError(EINVAL, "sigqueue names one process")
    linux = translate.signal_to_linux(signum) if signum else 0
    if linux is None:
        raise FreeBSDError(EINVAL, f"signal {signum}")
    to_thread = signumf & SIGQUEUE_TID
    if call.proc.jail and not to_thread and not call.sup.jails.visible_targets(call.proc, pid):
        raise FreeBSDError(ESRCH)
    tgid = check((yield lx.getpid()))
    if not signum:  # p_cansignal only
        if to_thread:
            return check((yield lx.tgkill(tgid, pid, 0)))
        return check((yield lx.kill(pid, 0)))
    uid = check((yield lx.getuid()))
    info = call.alloc(ptrace.SIGINFO_SIZE)
    call.mem.write(
        info,
        structs.pack(
            "linux_siginfo_t",
            si_signo=linux,
            si_code=LINUX_SI_QUEUE,
            si_pid=tgid,
            si_uid=uid,
            si_value=value,
        ).ljust(ptrace.SIGINFO_SIZE, b"\0"),
    )
    if to_thread:
        return check((yield lx.rt_tgsigqueueinfo(tgid, pid, linux, info)))
    return check((yield lx.rt_sigqueueinfo(pid, linux, info)))


def _wait_for_signal(call, set_addr: int, info_addr: int, timeout_addr: int):
    """rt_sigtimedwait on the translated set: the FreeBSD signal taken, its siginfo written."""
    linux_set = linux_sigset(call, set_addr)
    raw = call.alloc(ptrace.SIGINFO_SIZE)
    linux = check((yield lx.rt_sigtimedwait(linux_set, raw, timeout_addr, 8)))
    fsig = translate.signal_to_freebsd(linux)
    if info_addr:
        info, _code, _addr = freebsd_siginfo(fsig, call.mem.read(raw, ptrace.SIGINFO_SIZE))
        call.mem.write(info_addr, info)
    return fsig


@handler("sigtimedwait", Support.TRANSLATED, "rt_sigtimedwait; sigset_t and siginfo translated")
def sys_sigtimedwait(call, set_addr, info_addr, timeout_addr):
    """Implements FreeBSD sigtimedwait(2)."""
    return (yield from _wait_for_signal(call, set_addr, info_addr, timeout_addr))


@handler("sigwaitinfo", Support.TRANSLATED, "rt_sigtimedwait; sigset_t and siginfo translated")
def sys_sigwaitinfo(call, set_addr, info_addr):
    """Implements FreeBSD sigwaitinfo(2)."""
    return (yield from _wait_for_signal(call, set_addr, info_addr, 0))


@handler("sigwait", Support.TRANSLATED, "rt_sigtimedwait; the error is the result, as FreeBSD's")
def sys_sigwait(call, set_addr, sig_addr):
    """Implements FreeBSD sigwait(2): it fails by returning the error number (EINTR too: libc's
    wrapper hides it), never through errno."""
    try:
        fsig = yield from _wait_for_signal(call, set_addr, 0, 0)
        call.mem.write_u32(sig_addr, fsig)
    except FreeBSDError as e:
        return e.errno
    return 0


# -- delivery ------------------------------------------------------------------------


def freebsd_siginfo(fsig: int, raw: bytes) -> tuple[bytes, int, int]:
    """(FreeBSD siginfo bytes, si_code, si_addr) from the Linux siginfo of this stop."""
    li = structs.unpack("linux_siginfo_t", raw)
    code = translate.si_code_to_freebsd(fsig, li["si_code"])
    fields = dict(si_signo=fsig, si_errno=li["si_errno"], si_code=code)
    if fsig in (FSIG["SIGSEGV"], FSIG["SIGBUS"], FSIG["SIGILL"], FSIG["SIGFPE"], FSIG["SIGTRAP"]):
        fields["si_addr"] = li["si_addr"]
    else:
        fields.update(si_pid=li["si_pid"], si_uid=li["si_uid"])
        if fsig == FSIG["SIGCHLD"]:
            st = li["si_status"]
            if code in (
                S.FREEBSD_CLD_CODES["CLD_KILLED"],
                S.FREEBSD_CLD_CODES["CLD_DUMPED"],
                S.FREEBSD_CLD_CODES["CLD_STOPPED"],
                S.FREEBSD_CLD_CODES["CLD_TRAPPED"],
                S.FREEBSD_CLD_CODES["CLD_CONTINUED"],
            ):
                st = translate.signal_to_freebsd(st) or st
            fields["si_status"] = st
        elif li["si_code"] < 0 or li["si_code"] == -1:
            fields["si_value"] = li["si_value"]
    return structs.pack("siginfo_t", **fields), code, fields.get("si_addr", 0)


def _interrupted(thread, regs, act: SigAction) -> None:
    """An interrupted syscall's outcome under FreeBSD rules: restart it (SA_RESTART) or EINTR."""
    if regs.orig_rax == 0xFFFFFFFFFFFFFFFF:
        return
    code = -signed(regs.rax)
    if code not in RESTARTS:
        return
    if code == ERESTARTNOINTR or (code == ERESTARTSYS and act.flags & SA["SA_RESTART"]):
        regs.rax = regs.orig_rax
        regs.rip -= 2
    else:
        regs.rax = FREEBSD_EINTR
        regs.eflags |= CF
    regs.orig_rax = 0xFFFFFFFFFFFFFFFF  # the kernel must not restart it again
    thread.call = None


def _ucontext(thread, regs, linux_mask: int, onstack: bool, stack=(0, 0, SS_DISABLE)) -> bytes:
    """A FreeBSD ucontext_t of these registers (get_mcontext) and this Linux signal mask."""
    mc = {f"mc_{r}": signed(getattr(regs, r)) for r in _MC_REGS}
    mc.update(
        mc_onstack=int(onstack),
        mc_rflags=regs.eflags,
        mc_cs=regs.cs,
        mc_ss=regs.ss,
        mc_fs=regs.fs,
        mc_gs=regs.gs,
        mc_es=regs.es,
        mc_ds=regs.ds,
        mc_flags=_MC_HASSEGS,
        mc_len=structs.sizeof("mcontext_t"),
        mc_fpformat=_MC_FPFMT_XMM,
        mc_ownedfp=_MC_OWNEDFP_FPU,
        mc_fpstate=ptrace.get_fpregs(thread.tid),
        mc_fsbase=regs.fs_base,
        mc_gsbase=regs.gs_base,
    )
    uc = bytearray(
        structs.pack(
            "ucontext_t",
            uc_sigmask=translate.sigset_to_freebsd(linux_mask),
            uc_stack=structs.pack("stack_t", ss_sp=stack[0], ss_size=stack[1], ss_flags=stack[2]),
        )
    )
    uc[MC_OFF : MC_OFF + structs.sizeof("mcontext_t")] = structs.pack("mcontext_t", **mc)
    return bytes(uc)


def _frame(thread, regs, fsig: int, act: SigAction, mask_before: int) -> tuple[int, dict]:
    """Write FreeBSD's sigframe; returns (frame address, register values for the handler)."""
    proc = thread.proc
    sp_alt, size_alt, flags_alt = thread.altstack
    onstack = flags_alt != SS_DISABLE and sp_alt <= regs.rsp < sp_alt + size_alt
    if act.flags & SA["SA_ONSTACK"] and flags_alt != SS_DISABLE and not onstack:
        sp = sp_alt + size_alt
    else:
        sp = regs.rsp - RED_ZONE
    sfp = (sp - SIGFRAME) & ~0xF
    siginfo, code, addr = freebsd_siginfo(fsig, ptrace.get_siginfo(thread.tid))
    stack = (
        sp_alt,
        size_alt,
        (S.FREEBSD_SS_FLAGS["SS_ONSTACK"] if onstack else 0)
        if flags_alt != SS_DISABLE
        else SS_DISABLE,
    )
    uc = _ucontext(thread, regs, mask_before, onstack, stack)
    frame = bytearray(SIGFRAME)
    struct.pack_into("<Q", frame, 0, act.handler)
    frame[UC_OFF : UC_OFF + len(uc)] = uc
    frame[SI_OFF : SI_OFF + len(siginfo)] = siginfo
    proc.mem.write(sfp, bytes(frame))
    siginfo_arg = sfp + SI_OFF if act.flags & SA["SA_SIGINFO"] else code
    return sfp, dict(
        rdi=fsig, rsi=siginfo_arg, rdx=sfp + UC_OFF, rcx=addr, rsp=sfp, rip=proc.sigcode
    )


def _run_handler(thread, fsig: int, act: SigAction, new_mask: int, start: dict):
    """Block the handler's mask in the kernel, then enter the handler via sigcode."""
    tmp = (start["rsp"] - 64) & ~0xF
    thread.proc.mem.write_u64(tmp, new_mask)
    check((yield lx.rt_sigprocmask(LINUX_SIG_SETMASK, tmp, 0, 8)))

    def apply(regs):
        for name, value in start.items():
            setattr(regs, name, value & 0xFFFFFFFFFFFFFFFF)
        regs.eflags &= ~(PSL["PSL_T"] | PSL["PSL_D"])  # as sendsig clears them

    return SetRegs(apply)


def deliver(sup, thread, linux_sig: int) -> int:
    """At a signal-delivery stop: the Linux signal to let through, or 0 once handled here."""
    if thread.proc.proxy is not None:
        return thread.proc.proxy.signal(thread, linux_sig)
    fsig = translate.signal_to_freebsd(linux_sig)
    if fsig is None:
        return linux_sig
    act = thread.proc.sigactions.get(fsig, SigAction())
    if thread.call is not None and act.handler not in (SIG_DFL, SIG_IGN):
        thread.deferred.append(ptrace.get_siginfo(thread.tid))  # engine._requeue posts it again
        return 0
    for (
        hook
    ) in sup.hooks.signal_seen:  # kqueue's EVFILT_SIGNAL counts every delivery, ignored ones too
        hook(thread, fsig)
    if sup.tracer:
        what = {SIG_IGN: "ignored", SIG_DFL: "default action"}.get(
            act.handler, f"handler {act.handler:#x}"
        )
        sup.tracer.signal(sup, thread, fsig, SIGNAL_NAMES.get(fsig, f"SIG{fsig}"), what)
    if act.handler == SIG_IGN:
        return 0
    if act.handler == SIG_DFL:
        return 0 if fsig in DEFAULT_IGNORED and fsig != FSIG["SIGCONT"] else linux_sig
    regs = thread.regs
    if not ptrace.getregs(thread.tid, regs):
        return 0
    _interrupted(thread, regs, act)
    before = getattr(thread, "suspend_mask", None)
    thread.suspend_mask = None
    if before is None:
        before = _linux_mask(thread.tid)
    try:
        sfp, start = _frame(thread, regs, fsig, act, before)
    except FreeBSDError:  # no room for the frame: sendsig's sigexit(td, SIGILL)
        return translate.signal_to_linux(FSIG["SIGILL"])
    add = translate.sigset_to_linux(act.mask)
    if not act.flags & SA["SA_NODEFER"]:
        add |= 1 << (linux_sig - 1)
    if act.flags & SA["SA_RESETHAND"]:
        thread.proc.sigactions[fsig] = SigAction()
    ptrace.setregs(thread.tid, regs)
    inject(
        sup,
        thread,
        DELIVERY,
        _run_handler(thread, fsig, act, before | add, start),
        thread.proc.sigcode + GADGET_OFFSET,
    )
    return 0


def _save_context(call, ucp: int) -> None:
    """getcontext's copyout: the signal mask and the caller's registers as the call returns 0
    (GET_MC_CLEAR_RET); uc_link, uc_stack and uc_flags are the caller's business."""
    regs = ptrace.new_regs()
    ptrace.copy_regs(regs, call.saved)
    regs.rax = regs.rdx = 0
    regs.eflags &= ~CF
    uc = _ucontext(call.thread, regs, _linux_mask(call.thread.tid), False)
    call.mem.write(ucp, uc[:UC_COPY_SIZE])


@handler("getcontext", Support.EMULATED, "the registers at the call and the signal mask")
def sys_getcontext(call, ucp):
    """Implements FreeBSD getcontext(2)."""
    _save_context(call, ucp)
    return 0


@handler("swapcontext", Support.EMULATED, "getcontext into oucp, then setcontext from ucp")
def sys_swapcontext(call, oucp, ucp):
    """Implements FreeBSD swapcontext(2)."""
    _save_context(call, oucp)
    return (yield from _restore_context(call, ucp))


@handler("setcontext", Support.EMULATED, "as sigreturn: the registers and mask of a ucontext")
def sys_setcontext(call, ucp):
    """Implements FreeBSD setcontext(2)."""
    return (yield from _restore_context(call, ucp))


@handler("sigreturn", Support.EMULATED, "restores the ucontext that delivery saved")
def sys_sigreturn(call, ucp):
    """Implements FreeBSD sigreturn(2)."""
    return (yield from _restore_context(call, ucp))


def _restore_context(call, ucp: int):
    """set_mcontext and the signal mask of the ucontext at ucp; the caller goes on there."""
    mc = structs.unpack("mcontext_t", call.mem.read(ucp + MC_OFF, structs.sizeof("mcontext_t")))
    # uc_sigmask is first
    check((yield lx.rt_sigprocmask(LINUX_SIG_SETMASK, linux_sigset(call, ucp), 0, 8)))
    if mc["mc_fpformat"] == _MC_FPFMT_XMM and mc["mc_ownedfp"] != _MC_OWNEDFP_NONE:
        ptrace.set_fpregs(call.thread.tid, mc["mc_fpstate"])

    def apply(regs):
        for r in _MC_REGS:
            setattr(regs, r, mc[f"mc_{r}"] & 0xFFFFFFFFFFFFFFFF)
        # Only the user-settable flags come back (FreeBSD checks EFL_SECURE the same way).
        regs.eflags = (regs.eflags & ~USER_RFLAGS) | (mc["mc_rflags"] & USER_RFLAGS)
        regs.orig_rax = 0xFFFFFFFFFFFFFFFF

    return SetRegs(apply)


def install(sup) -> None:
    sup.hooks.deliver_signal = lambda thread, sig: deliver(sup, thread, sig)
