"""Tests for freebsd-root-fetch.sh, the script that prepares a FreeBSD root.

The test root is the fixture tarball shared with the project (env
BSDULATOR_FIXTURE, default <repo>/../shared/freebsd/freebsd-root.txz). There
is no network here, so the download path is exercised through file:// mirrors
laid out like download.freebsd.org (<mirror>/<RELEASE>/{MANIFEST,base.txz}).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
from pathlib import Path

import pytest

from helpers import wait_until

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "freebsd-root-fetch.sh"
FIXTURE = Path(
    os.environ.get("BSDULATOR_FIXTURE", REPO.parent / "shared" / "freebsd" / "freebsd-root.txz")
)
CHECKSUMS_DOC = REPO.parent / "shared" / "freebsd-spec" / "release-checksums.md"
STAMP = ".bsdulator-root"
ZERO_SHA = "0" * 64
PINNED_14_3 = "e38b5cf756d60086a6c2f736eff19cc7685f7e2313e31d14342fc8df57200a92"

needs_fixture = pytest.mark.skipif(
    not FIXTURE.is_file(),
    reason=f"FreeBSD root fixture {FIXTURE} not found (set BSDULATOR_FIXTURE to the freebsd-root.txz)",
)


def run(*args: str | os.PathLike, env: dict[str, str] | None = None, timeout: int = 300):
    """Run the script with ARGS; FREEBSD_* variables from the caller's environment are dropped."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FREEBSD_")}
    full_env.update(env or {})
    return subprocess.run(
        ["bash", str(SCRIPT), *map(str, args)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_stamp(root: Path) -> dict[str, str]:
    out = {}
    for line in (root / STAMP).read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value
    return out


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_line(sha: str, name: str = "base.txz") -> str:
    return f'{name}\t{sha}\t1885\tbase\t"Base system (MANDATORY)"\ton\n'


def leftovers(parent: Path, name: str) -> list[str]:
    """Temporary directories the script would have made beside DEST."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}.tmp."))


def assert_failed_cleanly(result, dest: Path, *messages: str) -> None:
    assert result.returncode == 1, result.stderr
    for m in messages:
        assert m in result.stderr, result.stderr
    assert "freebsd-root-fetch: error:" in result.stderr
    assert not dest.exists(), "a failed run must leave no DEST"
    assert leftovers(dest.parent, dest.name) == []


def assert_freebsd_root(root: Path) -> None:
    ld = root / "libexec" / "ld-elf.so.1"
    assert ld.is_file() and (root / "bin" / "sh").is_file()
    with open(ld, "rb") as f:
        ident = f.read(8)
    assert ident[:4] == b"\x7fELF" and ident[7] == 9  # ELFOSABI_FREEBSD


@pytest.fixture(scope="session")
def fixture_sha() -> str:
    if not FIXTURE.is_file():
        pytest.skip(f"FreeBSD root fixture {FIXTURE} not found (set BSDULATOR_FIXTURE)")
    return sha256(FIXTURE)


@pytest.fixture(scope="session")
def extracted(tmp_path_factory, fixture_sha):
    """The fixture tarball unpacked once per session by the script: (root, first run)."""
    dest = tmp_path_factory.mktemp("rootfetch") / "freebsd-root"
    result = run(dest, env={"FREEBSD_BASE": str(FIXTURE)})
    assert result.returncode == 0, result.stderr
    return dest, result


@pytest.fixture
def mirror(tmp_path):
    """Make a file:// mirror: mirror(release, tarball, manifest_text) -> URL."""

    def make(release: str, tarball: Path | None, manifest: str | None, name: str = "mirror") -> str:
        top = tmp_path / name
        rel = top / release
        rel.mkdir(parents=True, exist_ok=True)
        if tarball is not None:
            shutil.copyfile(tarball, rel / "base.txz")
        if manifest is not None:
            (rel / "MANIFEST").write_text(manifest)
        return top.as_uri()

    return make


# --------------------------------------------------------------- basics --


def test_help():
    result = run("--help")
    assert result.returncode == 0
    assert "Usage: freebsd-root-fetch.sh" in result.stdout
    for opt in ("--release", "--from", "--manifest", "FREEBSD_BASE", "14.3-RELEASE"):
        assert opt in result.stdout
    assert run("-h").stdout == result.stdout


def test_unknown_option_fails(tmp_path):
    result = run("--no-such-option", tmp_path / "r")
    assert result.returncode == 1
    assert "freebsd-root-fetch: error: unknown option --no-such-option" in result.stderr


def test_bad_release_name(tmp_path):
    result = run("--release", "latest", tmp_path / "r")
    assert_failed_cleanly(result, tmp_path / "r", "bad release name")


def test_script_is_executable_and_strict():
    assert os.access(SCRIPT, os.X_OK)
    assert "set -euo pipefail" in SCRIPT.read_text()


@pytest.mark.skipif(not CHECKSUMS_DOC.is_file(), reason=f"{CHECKSUMS_DOC} not found")
def test_pinned_checksums_match_release_notes():
    doc = CHECKSUMS_DOC.read_text()
    documented = dict(re.findall(r"^\| (\d+\.\d+-RELEASE) \| `([0-9a-f]{64})` \|$", doc, re.M))
    assert set(documented) == {"15.0-RELEASE", "14.3-RELEASE", "14.2-RELEASE", "13.5-RELEASE"}
    pinned = dict(
        re.findall(r"^\s+\[(\d+\.\d+-RELEASE)\]=([0-9a-f]{64})$", SCRIPT.read_text(), re.M)
    )
    assert pinned == documented


# ---------------------------------------------------- from the tarball --


@needs_fixture
def test_tarball_gives_freebsd_root(extracted, fixture_sha):
    root, result = extracted
    assert_freebsd_root(root)
    assert "FreeBSD root ready at" in result.stderr
    assert "unverified" in result.stderr  # no MANIFEST was given: said so
    stamp = read_stamp(root)
    assert stamp["source"] == "file"
    assert stamp["origin"] == str(FIXTURE.resolve())
    assert stamp["sha256"] == fixture_sha
    assert stamp["verified"] == "no"
    assert leftovers(root.parent, root.name) == []


@needs_fixture
def test_tarball_keeps_links_modes_and_owners(extracted):
    root, _ = extracted
    # hard links stay hard links ([ and test are one file in FreeBSD)
    a, b = (root / "bin" / "[").stat(), (root / "bin" / "test").stat()
    assert (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev) and a.st_nlink >= 2
    # symbolic links stay symbolic links
    assert os.readlink(root / "usr" / "libexec" / "ld-elf.so.1") == "../../libexec/ld-elf.so.1"
    # modes, including the sticky bit and private files
    assert stat.S_IMODE((root / "tmp").stat().st_mode) == 0o1777
    assert stat.S_IMODE((root / "etc" / "master.passwd").stat().st_mode) == 0o600
    assert os.access(root / "bin" / "sh", os.X_OK)
    if os.geteuid() == 0:
        st = (root / "bin" / "sh").stat()
        assert (st.st_uid, st.st_gid) == (0, 0)
    # every entry of the archive is there (listing shipped beside the fixture)
    listing = FIXTURE.with_name("MANIFEST.txt")
    if listing.is_file():
        paths = [
            ln.split("\t")[0] for ln in listing.read_text().splitlines() if ln.startswith("./")
        ]
        missing = [p for p in paths if not os.path.lexists(root / p)]
        assert missing == []


@needs_fixture
def test_second_run_is_a_noop(extracted):
    root, _ = extracted
    before = (root.stat().st_ino, (root / STAMP).read_text())
    result = run(root, env={"FREEBSD_BASE": str(FIXTURE)})
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stderr
    assert "extracting" not in result.stderr
    assert (root.stat().st_ino, (root / STAMP).read_text()) == before


@needs_fixture
def test_missing_freebsd_base(tmp_path):
    dest = tmp_path / "r"
    result = run(dest, env={"FREEBSD_BASE": str(tmp_path / "nope.txz")})
    assert_failed_cleanly(result, dest, f"{tmp_path / 'nope.txz'} does not exist")


@needs_fixture
def test_corrupted_tarball_fails(tmp_path):
    bad = tmp_path / "truncated.txz"
    bad.write_bytes(FIXTURE.read_bytes()[: 4 << 20])
    dest = tmp_path / "r"
    result = run("--from", bad, dest)
    assert_failed_cleanly(result, dest, "extracting", "failed")
    assert bad.exists()  # a user's own file is never deleted


@needs_fixture
def test_manifest_match(tmp_path, fixture_sha):
    manifest = tmp_path / "MANIFEST"
    manifest.write_text(manifest_line(ZERO_SHA, "kernel.txz") + manifest_line(fixture_sha))
    dest = tmp_path / "r"
    result = run(dest, env={"FREEBSD_BASE": str(FIXTURE), "FREEBSD_MANIFEST": str(manifest)})
    assert result.returncode == 0, result.stderr
    assert "sha256 OK" in result.stderr
    assert read_stamp(dest)["verified"] == "manifest"
    assert_freebsd_root(dest)


@needs_fixture
def test_manifest_wrong_checksum_fails(tmp_path):
    manifest = tmp_path / "MANIFEST"
    manifest.write_text(manifest_line(ZERO_SHA))
    dest = tmp_path / "r"
    result = run("--from", FIXTURE, "--manifest", manifest, dest)
    assert_failed_cleanly(result, dest, "checksum mismatch", ZERO_SHA)
    assert FIXTURE.is_file()


@needs_fixture
def test_manifest_without_base_entry_fails(tmp_path):
    manifest = tmp_path / "MANIFEST"
    manifest.write_text(manifest_line(ZERO_SHA, "kernel.txz"))
    dest = tmp_path / "r"
    result = run("--from", FIXTURE, "--manifest", manifest, dest)
    assert_failed_cleanly(result, dest, "has no entry for base.txz")


@needs_fixture
def test_manifest_disagreeing_with_pinned_value_fails(tmp_path, fixture_sha):
    # The MANIFEST matches the file, but not the 14.3-RELEASE value in the script.
    manifest = tmp_path / "MANIFEST"
    manifest.write_text(manifest_line(fixture_sha))
    dest = tmp_path / "r"
    result = run("--from", FIXTURE, "--manifest", manifest, "--release", "14.3-RELEASE", dest)
    assert_failed_cleanly(result, dest, "pinned", PINNED_14_3)


@needs_fixture
def test_release_given_checks_local_file_against_pinned_value(tmp_path):
    dest = tmp_path / "r"
    result = run("--from", FIXTURE, "--release", "13.5", dest)
    assert_failed_cleanly(result, dest, "checksum mismatch", "pinned 13.5-RELEASE")


@needs_fixture
def test_sha256_option(tmp_path, fixture_sha):
    dest = tmp_path / "r"
    result = run("--from", FIXTURE, "--sha256", ZERO_SHA, dest)
    assert_failed_cleanly(result, dest, "checksum mismatch")
    result = run("--from", FIXTURE, "--sha256", fixture_sha.upper(), dest)
    assert result.returncode == 0, result.stderr
    assert read_stamp(dest)["verified"] == "sha256"


@needs_fixture
def test_interrupted_run_leaves_nothing(tmp_path):
    dest = tmp_path / "r"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREEBSD_")}
    proc = subprocess.Popen(
        ["bash", str(SCRIPT), "--from", str(FIXTURE), str(dest)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # wait until extraction has put something into the temporary root
        wait_until(lambda: proc.poll() is not None or any(tmp_path.glob(".r.tmp.*/root/*")), 30)
        if proc.poll() is not None:
            pytest.skip("extraction finished before it could be interrupted")
        os.killpg(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    assert "removing the unfinished work" in err
    assert not dest.exists()
    assert leftovers(tmp_path, "r") == []


# --------------------------------------------------- from a directory --


@needs_fixture
def test_from_directory(extracted, tmp_path):
    src, _ = extracted
    dest = tmp_path / "copy"
    result = run("--from", src, dest)
    assert result.returncode == 0, result.stderr
    assert_freebsd_root(dest)
    stamp = read_stamp(dest)
    assert stamp["source"] == f"dir:{src.resolve()}"
    a, b = (dest / "bin" / "[").stat(), (dest / "bin" / "test").stat()
    assert a.st_ino == b.st_ino
    assert (dest / "usr" / "libexec" / "ld-elf.so.1").is_symlink()
    assert stat.S_IMODE((dest / "tmp").stat().st_mode) == 0o1777
    # same directory, unchanged: nothing to do
    again = run(dest, env={"FREEBSD_BASE": str(src)})
    assert again.returncode == 0 and "nothing to do" in again.stderr


@needs_fixture
def test_directory_that_is_not_a_freebsd_root(tmp_path):
    src = tmp_path / "notroot"
    (src / "bin").mkdir(parents=True)
    (src / "bin" / "sh").write_text("#!/bin/sh\n")
    dest = tmp_path / "r"
    result = run("--from", src, dest)
    assert_failed_cleanly(result, dest, "does not look like a FreeBSD root", "ld-elf.so.1")


@needs_fixture
def test_replaces_root_from_another_source(extracted, tmp_path):
    src, _ = extracted
    dest = tmp_path / "r"
    shutil.copytree(src, dest, symlinks=True)  # stamp says: from the tarball
    (dest / "marker").write_text("old root")
    result = run("--from", src, dest)
    assert result.returncode == 0, result.stderr
    assert "replacing it" in result.stderr
    assert not (dest / "marker").exists()
    assert read_stamp(dest)["source"] == f"dir:{src.resolve()}"
    assert leftovers(tmp_path, "r") == []


@needs_fixture
def test_refuses_to_overwrite_foreign_directory(extracted, tmp_path):
    src, _ = extracted
    dest = tmp_path / "r"
    dest.mkdir()
    (dest / "precious").write_text("keep me")
    result = run("--from", src, dest)
    assert result.returncode == 1
    assert "not made by this script" in result.stderr
    assert (dest / "precious").read_text() == "keep me"
    forced = run("--force", "--from", src, dest)
    assert forced.returncode == 0, forced.stderr
    assert not (dest / "precious").exists()
    assert_freebsd_root(dest)


# ------------------------------------ download path, via file:// mirrors --


@needs_fixture
def test_download_falls_back_to_second_mirror(tmp_path, mirror, fixture_sha):
    empty = mirror("99.0-RELEASE", None, None, name="current")
    archive = mirror("99.0-RELEASE", FIXTURE, manifest_line(fixture_sha), name="archive")
    dest = tmp_path / "r"
    result = run("--release", "99.0-RELEASE", dest, env={"FREEBSD_MIRROR": f"{empty} {archive}"})
    assert result.returncode == 0, result.stderr
    assert "trying the next mirror" in result.stderr
    assert "no pinned checksum for 99.0-RELEASE" in result.stderr
    assert_freebsd_root(dest)
    stamp = read_stamp(dest)
    assert stamp["source"] == "release:99.0-RELEASE"
    assert stamp["origin"] == f"{archive}/99.0-RELEASE/base.txz"
    assert stamp["sha256"] == fixture_sha
    assert stamp["verified"] == "manifest"
    assert leftovers(tmp_path, "r") == []
    # again: the stamp is enough, the mirror is not even asked
    shutil.rmtree(tmp_path / "archive")
    again = run("--release", "99.0-RELEASE", dest, env={"FREEBSD_MIRROR": archive})
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr


@needs_fixture
def test_download_with_bad_checksum_is_deleted(tmp_path, mirror, fixture_sha):
    bad = tmp_path / "bad.txz"
    bad.write_bytes(FIXTURE.read_bytes()[:100000])
    url = mirror("99.0-RELEASE", bad, manifest_line(fixture_sha))
    dest = tmp_path / "r"
    result = run("--release", "99.0-RELEASE", "--mirror", url, dest)
    assert_failed_cleanly(
        result, dest, "deleted the bad download", "checksum mismatch", fixture_sha
    )


@needs_fixture
def test_download_refuses_manifest_disagreeing_with_pinned(tmp_path, mirror, fixture_sha):
    url = mirror("14.3-RELEASE", FIXTURE, manifest_line(fixture_sha))
    dest = tmp_path / "r"
    result = run(dest, env={"FREEBSD_MIRROR": url})  # default release: 14.3-RELEASE
    assert_failed_cleanly(result, dest, "pinned in this script is " + PINNED_14_3)
    assert "downloading" not in result.stderr


def test_download_from_nowhere_fails(tmp_path):
    dest = tmp_path / "r"
    result = run("--mirror", (tmp_path / "void").as_uri(), "--release", "14.2", dest)
    assert_failed_cleanly(result, dest, "could not download 14.2-RELEASE base.txz")
