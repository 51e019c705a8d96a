"""bsdulator command line: run a FreeBSD program, or report the syscall table's coverage."""

import argparse
import os
import resource
import signal
import stat
import sys

from . import elf, image, procfs, view
from .errors import UsageError, internal_error
from .frontend import INTERNAL_ERROR, run_split

USAGE = (
    "bsdulator [--root DIR] [--trace] [--quiet] PROGRAM [ARGS…]"
    " | bsdulator --coverage [--format markdown|json]"
)
# Linux-only loader variables would change how FreeBSD's rtld behaves or break it.
DROPPED_ENV = ("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT")


def find_root(opt_root: str | None, program: str) -> str:
    """--root, else $BSDULATOR_ROOT, else the root the program lives in, else ./freebsd-root."""
    if opt_root:
        return view.check_root(opt_root)
    if os.environ.get("BSDULATOR_ROOT"):
        return view.check_root(os.environ["BSDULATOR_ROOT"])
    d = os.path.dirname(os.path.realpath(program))  # a missing program may still name its root
    while d and d != "/":
        if all(os.path.exists(os.path.join(d, f)) for f in view.ROOT_MARKERS):
            return view.check_root(d)
        d = os.path.dirname(d)
    return view.check_root("freebsd-root")


def path_in_view(host_path: str, root: str) -> str:
    """Where a host file appears inside the FreeBSD view (see bsdulator.view)."""
    real = os.path.realpath(host_path)
    if real == root or real.startswith(root + "/"):
        return "/" + os.path.relpath(real, root) if real != root else "/"
    cwd = os.path.realpath(os.getcwd())
    for reachable in (cwd, *view.HOST_DIRS):
        if real.startswith(reachable.rstrip("/") + "/"):
            return real
    raise UsageError(f"{host_path}: outside both the FreeBSD root and the current directory")


def locate(program: str, root: str) -> str:
    """The host path of the program: as given, else inside the root."""
    if os.path.lexists(program):
        return program
    inside = os.path.join(root, program.lstrip("/"))
    if program.startswith("/") and os.path.lexists(inside):
        return inside
    also = f" (nor in the root {root})" if program.startswith("/") else ""
    raise UsageError(f"{program}: program not found{also}")


def read_elf(path: str, program: str) -> elf.ElfInfo | None:
    """The ELF facts of a file that must be a regular executable file; stat first, so a FIFO
    or device is never opened."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{program}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{program}: not a regular file")
        if not os.access(path, os.X_OK) or not st.st_mode & (
            stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
        ):
            raise UsageError(f"{program}: not executable")
        return elf.parse_file(path)
    except elf.MalformedElf as e:
        raise UsageError(f"{program}: malformed ELF file ({e})") from None
    except OSError as e:
        raise UsageError(f"{program}: cannot read it ({e.strerror})") from None


def initial_plan(program: str, args: list[str], root: str) -> image.Plan:
    host = locate(program, root)
    info = read_elf(host, program)
    if info is None:
        raise UsageError(f"{program}: not an ELF file (bsdulator runs FreeBSD/amd64 programs)")
    if not (info.freebsd and info.amd64):
        raise UsageError(
            f"{program}: not a FreeBSD/amd64 program (it is a "
            f"{'Linux or other non-FreeBSD' if info.amd64 else 'non-amd64'} ELF)"
        )
    # Arguments are bytes: sys.argv's strings turn back into exactly what was passed.
    target = os.fsencode(path_in_view(host, root))
    argv = [os.fsencode(program), *map(os.fsencode, args)]

    if info.interp is not None:
        interp = os.path.join(root, info.interp.lstrip("/"))
        if not os.path.exists(interp) or read_elf(interp, info.interp) is None:
            raise UsageError(
                f"{program}: its interpreter {info.interp} is missing from the root {root}"
            )
    if info.interp is None and os.path.basename(host) == "ld-elf.so.1":
        # Explicit-loader form: the rtld's own arguments name the program.
        rest = [
            os.fsencode(path_in_view(a, root) if i == 0 and os.path.exists(a) else a)
            for i, a in enumerate(args)
        ]
        return image.Plan(os.fsdecode(target), [target, *rest], info)
    return image.elf_plan(target, argv, info)


def pin_to_one_cpu() -> None:
    """Ptrace stops cost a cross-CPU wake-up each when tracer and tracee run on different
    CPUs (several times the same-CPU cost, see `make bench`); children inherit this."""
    allowed = sorted(os.sched_getaffinity(0))
    try:
        current = procfs.stat("self").processor
    except (OSError, ValueError, KeyError):
        current = allowed[0]
    os.sched_setaffinity(0, {current if current in allowed else allowed[0]})


def die_like(status: int) -> int:
    """Exit as the FreeBSD program did: same code, or death by the same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sig not in (signal.SIGKILL, signal.SIGSTOP):  # those two have no disposition to set
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        sys.stdout.flush()
        os.kill(os.getpid(), sig)
        return 128 + sig
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line, as every other bad input gets (argparse would add the usage)."""
        raise UsageError(f"{message} (usage: {USAGE})")


def parse_args(argv: list[str]):
    p = _Parser(
        prog="bsdulator", usage=USAGE, description="Run unmodified FreeBSD/amd64 programs on Linux."
    )
    p.add_argument(
        "--root",
        help="FreeBSD root directory "
        "(default: $BSDULATOR_ROOT, the program's root, ./freebsd-root)",
    )
    p.add_argument(
        "--trace", action="store_true", help="print every FreeBSD syscall, truss-style, to stderr"
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no warning on stderr when the program makes a call bsdulator does not implement",
    )
    p.add_argument(
        "--coverage", action="store_true", help="print the syscall table with support levels"
    )
    p.add_argument(
        "--cpus",
        default="one",
        metavar="one|all",
        help="'one' (default) keeps the supervisor and the FreeBSD programs on one CPU, "
        "which makes each syscall stop several times cheaper; "
        "'all' lets CPU-bound programs run in parallel",
    )
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("program", nargs="?")
    p.add_argument("args", nargs=argparse.REMAINDER)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        opts = parse_args(sys.argv[1:] if argv is None else argv)
        if opts.coverage:
            from .coverage import report

            sys.stdout.write(report(opts.format))
            return 0
        if not opts.program:
            raise UsageError(f"usage: {USAGE}")
        return die_like(run(opts))
    except UsageError as e:
        print(f"bsdulator: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except (
        Exception
    ) as e:  # a bsdulator bug before the program started: one line, never a traceback
        internal_error("", e)
        return INTERNAL_ERROR


def run(opts) -> int:
    from . import table
    from .supervisor import Kernel, Supervisor
    from .trace import Tracer

    root = find_root(opts.root, opts.program)
    plan = initial_plan(opts.program, opts.args, root)
    if opts.cpus not in ("one", "all"):
        raise UsageError(f"--cpus takes 'one' or 'all', not {opts.cpus!r}")
    if opts.cpus == "one":
        pin_to_one_cpu()
    tracer = Tracer(sys.stderr) if opts.trace else None
    warn = None if opts.quiet else (tracer or Tracer(sys.stderr)).warn
    sup = Supervisor(table.build(), root, Kernel.for_root(root), tracer, warn=warn)
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    argv = [os.fsdecode(a) for a in plan.argv]  # os.execve encodes them back to the same bytes

    def serve(report):
        sup.spawn(plan.exe, argv, env, plan.image)
        report.leader(sup.leader)
        sup.on_leader_exit = report.exited
        sup.run()

    return run_split(serve)
