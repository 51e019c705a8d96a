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
    "bsdulator [--root DIR] [--view full|minimal] [--trace] [--quiet] PROGRAM [ARGS…]"
    " | bsdulator --coverage [--format markdown|json]"
)
# Linux-only loader variables would change how FreeBSD's rtld behaves or break it.
DROPPED_ENV = ("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT")
# The locales CPython's coercion sets LC_CTYPE to (Python/pylifecycle.c _TARGET_LOCALES).
COERCED_LOCALES = ("C.UTF-8", "C.utf8", "UTF-8")


def find_root(opt_root: str | None, program: str) -> str:
    """--root, else $BSDULATOR_ROOT, else the root the program lives in, else ./freebsd-root."""
    if opt_root:
        return view.check_root(opt_root)
    if os.environ.get("BSDULATOR_ROOT"):
        return view.check_root(os.environ["BSDULATOR_ROOT"])
    # The program itself may be a symlink whose target is meant inside its root: not followed.
    d = os.path.realpath(os.path.dirname(os.path.abspath(program)))
    while d and d != "/":
        if all(os.path.exists(os.path.join(d, f)) for f in view.ROOT_MARKERS):
            return view.check_root(d)
        d = os.path.dirname(d)
    return view.check_root("freebsd-root")


def locate(program: str, root: str) -> str:
    """The absolute host path of the program: as given, else inside the root."""
    if os.path.lexists(program):
        return os.path.abspath(program)
    inside = os.path.join(root, program.lstrip("/"))
    if program.startswith("/") and os.path.lexists(inside):
        return inside
    also = f" (nor in the root {root})" if program.startswith("/") else ""
    raise UsageError(f"{program}: program not found{also}")


def inside_root(path: str, root: str) -> str | None:
    """The view path of a host path lexically inside the root, else None."""
    if path == root or path.startswith(root + "/"):
        return "/" + os.path.relpath(path, root) if path != root else "/"
    return None


def host_file(path: str, files: view.View) -> str:
    """The file an absolute host path names: inside the root or in a place the view shows, its
    symlinks lead where the view leads them (an absolute target starts at the root, never at the
    host's /); elsewhere the host's own."""
    seen = inside_root(path, files.root)
    if seen is not None:
        return files.resolve(seen)
    if files.shows(path):
        return files.resolve(path)
    return os.path.realpath(path)


def place_in_view(program: str, path: str, files: view.View, mode: str) -> tuple[str, view.View]:
    """The path the program is run by in the view, and the view with its directory if needed:
    the absolute path as given when the view leads it to the same file (so argv[0],
    AT_EXECPATH and kern.proc.pathname name it as the user did), else its path inside the root;
    a program elsewhere has its directory bound in (the minimal view refuses it)."""
    real = host_file(path, files)
    seen = inside_root(path, files.root)
    if mode == "minimal":
        seen = seen if seen is not None else inside_root(real, files.root)
        if seen is not None:
            return seen, files
        if any(_below(real, d) for d in files.binds):
            return real, files
        raise UsageError(f"{program}: outside both the FreeBSD root and the current directory")
    if files.shows(path) and files.resolve(path) == real:
        return path, files
    if seen is not None:
        return seen, files
    inside = inside_root(real, files.root)
    if inside is not None:
        return inside, files
    return real, files.with_dir(os.path.dirname(real))


def _below(path: str, top: str) -> bool:
    return path.startswith(top.rstrip("/") + "/")


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


def initial_plan(
    program: str, args: list[str], root: str, mode: str = "full"
) -> tuple[image.Plan, view.View]:
    """What the first execve runs, and the view it runs in."""
    if mode not in view.MODES:
        raise UsageError(f"--view takes {' or '.join(view.MODES)}, not {mode!r}")
    files = view.View.make(root, os.getcwd(), mode)
    host = locate(program, root)
    real = host_file(host, files)
    info = read_elf(real, program)
    if info is None:
        raise UsageError(f"{program}: not an ELF file (bsdulator runs FreeBSD/amd64 programs)")
    if not (info.freebsd and info.amd64):
        raise UsageError(
            f"{program}: not a FreeBSD/amd64 program (it is a "
            f"{'Linux or other non-FreeBSD' if info.amd64 else 'non-amd64'} ELF)"
        )
    exe, files = place_in_view(program, host, files, mode)
    # Arguments are bytes: sys.argv's strings turn back into exactly what was passed.
    target = os.fsencode(exe)
    argv = [os.fsencode(program), *map(os.fsencode, args)]

    if info.interp is not None:
        interp = os.path.join(root, info.interp.lstrip("/"))
        if not os.path.exists(interp) or read_elf(interp, info.interp) is None:
            raise UsageError(
                f"{program}: its interpreter {info.interp} is missing from the root {root}"
            )
    if info.interp is None and os.path.basename(real) == "ld-elf.so.1":
        # Explicit-loader form: the rtld's own arguments name the program.
        rest = list(map(os.fsencode, args))
        if args and os.path.lexists(args[0]):
            named, files = place_in_view(args[0], os.path.abspath(args[0]), files, mode)
            rest[0] = os.fsencode(named)
        return image.Plan(exe, [target, *rest], info), files
    return image.elf_plan(target, argv, info), files


def caller_environment() -> dict[str, str]:
    """The environment bsdulator was started with, less DROPPED_ENV.  Python's locale coercion
    (PEP 538) adds LC_CTYPE to os.environ when the caller set no locale: that one is taken out
    again when the process's own initial environment lacks it."""
    env = dict(os.environ)
    if env.get("LC_CTYPE") in COERCED_LOCALES:
        try:
            initial = procfs.read("self", "environ").split(b"\0")
        except OSError:
            initial = None
        if initial is not None and not any(e.startswith(b"LC_CTYPE=") for e in initial):
            del env["LC_CTYPE"]
    return {k: v for k, v in env.items() if k not in DROPPED_ENV}


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
    p.add_argument(
        "--view",
        default="full",
        metavar="|".join(view.MODES),
        help="'full' (default): host directories the root lacks appear at their own paths, "
        "and the program runs from wherever it lies; 'minimal': only /dev, /tmp and the "
        "current directory",
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
    from .syscall_log import SyscallLog
    from .trace import Tracer

    root = find_root(opts.root, opts.program)
    plan, files = initial_plan(opts.program, opts.args, root, opts.view)
    if opts.cpus not in ("one", "all"):
        raise UsageError(f"--cpus takes 'one' or 'all', not {opts.cpus!r}")
    if opts.cpus == "one":
        pin_to_one_cpu()
    tracer = Tracer(sys.stderr) if opts.trace else None
    warn = None if opts.quiet else (tracer or Tracer(sys.stderr)).warn
    entries = table.build()
    log = SyscallLog.from_env(len(entries))
    sup = Supervisor(entries, root, Kernel.for_root(root), tracer, warn, files, log=log)
    env = caller_environment()
    argv = [os.fsdecode(a) for a in plan.argv]  # os.execve encodes them back to the same bytes

    def serve(report):
        sup.spawn(plan.exe, argv, env, plan.image)
        report.leader(sup.leader)
        sup.on_leader_exit = report.exited
        sup.run()

    return run_split(serve)
