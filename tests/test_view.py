"""The file view's rule (bsdulator/view.py) and how the program and the environment reach it
(bsdulator/cli.py), without starting a FreeBSD program."""

import os

import pytest

from bsdulator import cli, view
from bsdulator.errors import UsageError

pytestmark = pytest.mark.unit


@pytest.fixture
def root(tmp_path):
    """A root with a directory of its own (etc), a bare mount point (mnt) and a symlink that
    names a path inside it absolutely (usr/bin/pgrep -> /bin/pgrep)."""
    r = tmp_path / "root"
    for d in ("etc", "mnt", "bin", "usr/bin"):
        (r / d).mkdir(parents=True)
    (r / "etc/passwd").write_text("root:*:0:0::/root:/bin/sh\n")
    (r / "bin/pgrep").write_text("")
    (r / "usr/bin/pgrep").symlink_to("/bin/pgrep")
    return str(r)


def host_tops() -> set[str]:
    return {"/" + n for n in os.listdir("/") if os.path.isdir("/" + n)}


def test_full_view_shows_the_host_directories_the_root_lacks(root):
    files = view.View.make(root, "/", "full")
    tops = set(files.tops)
    assert "/etc" not in tops  # the root has its own: the root's wins
    assert not tops & {"/proc", "/sys", "/boot", "/run", "/dev", "/tmp"}
    hidden = {"/etc", "/bin", "/usr", "/proc", "/sys", "/boot", "/run", "/dev", "/tmp"}
    assert tops == host_tops() - hidden
    if os.path.isdir("/mnt"):
        assert "/mnt" in tops  # an empty directory in the root is only a mount point
    assert files.binds == view.HOST_DIRS  # cwd "/" is the root's, never bound


def test_minimal_view_is_dev_tmp_and_cwd(root, tmp_path):
    cwd = tmp_path / "work"
    cwd.mkdir()
    files = view.View.make(root, str(cwd), "minimal")
    assert files.tops == ()
    assert files.binds == view.HOST_DIRS  # cwd lies in /tmp, which the view shows already
    elsewhere = view.View(root, (), ("/dev",)).with_dir(str(cwd))
    assert elsewhere.binds == ("/dev", str(cwd))
    assert elsewhere.to_host(str(cwd / "f")) == str(cwd / "f")
    assert elsewhere.to_host("/etc/passwd") == os.path.join(root, "etc/passwd")


def test_symlinks_resolve_as_the_view_resolves_them(root):
    files = view.View.make(root, "/", "minimal")
    assert files.resolve("/usr/bin/pgrep") == os.path.join(root, "bin/pgrep")
    host_path = os.path.join(root, "usr/bin/pgrep")
    assert cli.host_file(host_path, files) == os.path.join(root, "bin/pgrep")
    os.symlink("/loop", os.path.join(root, "loop"))
    with pytest.raises(UsageError, match="too many levels"):
        files.resolve("/loop")


def test_program_path_as_given_or_its_directory_bound_in(root, tmp_path):
    prog = tmp_path / "bin" / "prog"
    prog.parent.mkdir()
    prog.write_text("")
    shown = view.View(root, (), view.HOST_DIRS)
    assert cli.place_in_view("prog", str(prog), shown, "full") == (str(prog), shown)
    hidden = view.View(root, (), ("/dev",))
    exe, files = cli.place_in_view("prog", str(prog), hidden, "full")
    assert exe == str(prog) and files.binds == ("/dev", str(prog.parent))
    with pytest.raises(UsageError, match="outside both"):
        cli.place_in_view("prog", str(prog), hidden, "minimal")
    pgrep = os.path.join(root, "usr/bin/pgrep")
    assert cli.place_in_view("pgrep", pgrep, hidden, "minimal") == ("/usr/bin/pgrep", hidden)


def test_view_mode_is_checked(root):
    with pytest.raises(UsageError, match="--view takes"):
        cli.initial_plan("/bin/sh", [], root, "wide")


@pytest.mark.parametrize(
    ("value", "initially", "kept"),
    [
        ("C.UTF-8", False, False),  # Python's coercion: taken out again
        ("C.UTF-8", True, True),  # the caller's own
        ("en_US.UTF-8", False, True),  # not a value coercion sets
    ],
)
def test_caller_environment_undoes_locale_coercion(monkeypatch, value, initially, kept):
    monkeypatch.setenv("LC_CTYPE", value)
    monkeypatch.setenv("LD_PRELOAD", "/lib/x.so")
    environ = b"HOME=/\0" + (b"LC_CTYPE=" + value.encode() + b"\0" if initially else b"")
    monkeypatch.setattr(cli.procfs, "read", lambda pid, name: environ)
    env = cli.caller_environment()
    assert ("LC_CTYPE" in env) == kept
    assert "LD_PRELOAD" not in env
