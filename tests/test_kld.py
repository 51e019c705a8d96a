"""kldload/kldunload/kldstat (issue 11) with the root's own tools: a module is recorded as the
linker file <name>.ko every bsdulator process sees, the kernel (file 1, with its built-in
netlink module) is always listed and cannot be unloaded, and a jail may not load or unload.

Messages and errno are FreeBSD's: sbin/kldload/kldload.c, sbin/kldstat/kldstat.c,
sys/kern/kern_linker.c (EEXIST for a loaded module, EBUSY for the kernel, PRIV_KLD_LOAD denied
in a jail). Each test keeps its state (registry, loaded files) in its own directory and makes
no interface: no network namespace is needed, and nothing reaches the host's kernel."""

import pytest

from helpers import jail_cgroups

pytestmark = [pytest.mark.e2e, pytest.mark.root]


@pytest.fixture
def kld(bsd, freebsd_root, tmp_path):
    env = {"BSDULATOR_STATE_DIR": str(tmp_path / "state")}

    def run(tool: str, *args):
        where = "usr/sbin" if tool in ("jail", "jexec", "jls") else "sbin"
        r = bsd(freebsd_root / where / tool, *args, env=env)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    run.root = freebsd_root
    yield run
    for jid in run("jls", "jid")[1].split():
        run("jail", "-r", jid)
    assert jail_cgroups(env) == "[]"


def _files(kld) -> list[tuple[str, str]]:
    """(id, name) of every line kldstat prints."""
    code, out, err = kld("kldstat")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["Id", "Refs", "Address", "Size", "Name"]
    return [(line.split()[0], line.split()[-1]) for line in lines[1:]]


@pytest.mark.syscalls(
    "kldfind", "kldfirstmod", "kldload", "kldnext", "kldstat", "kldunloadf", "modfnext", "modstat"
)
def test_kldload_kldstat_kldunload(kld):
    assert _files(kld) == [("1", "kernel")]
    code, out, err = kld("kldload", "-v", "if_bridge")
    assert (code, out.strip()) == (0, "Loaded if_bridge, id=2"), err
    assert _files(kld) == [("1", "kernel"), ("2", "if_bridge.ko")]
    code, out, _ = kld("kldstat", "-v")
    assert "netlink" in out.split() and "if_bridge" in out.split()
    code, _, err = kld("kldload", "if_bridge")
    assert code != 0 and "module already loaded or in kernel" in err
    code, _, err = kld("kldload", "if_no_such_thing")
    assert code != 0 and "No such file or directory" in err
    code, _, err = kld("kldunload", "if_bridge")
    assert code == 0, err
    assert _files(kld) == [("1", "kernel")]
    code, _, err = kld("kldunload", "-i", "1")
    assert code != 0 and "Device busy" in err


def test_kld_in_a_jail(kld):
    code, _, err = kld("jail", "-c", "name=k", f"path={kld.root}", "persist")
    assert code == 0, err
    code, _, err = kld("jexec", "k", "/sbin/kldload", "if_bridge")
    assert code != 0 and "Operation not permitted" in err
    assert _files(kld) == [("1", "kernel")]
    assert kld("kldload", "if_epair")[0] == 0
    code, _, err = kld("jexec", "k", "/sbin/kldunload", "if_epair")
    assert code != 0 and "Operation not permitted" in err
    code, out, err = kld("jexec", "k", "/sbin/kldstat")
    assert code == 0 and "if_epair.ko" in out, err
