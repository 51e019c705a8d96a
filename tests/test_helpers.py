"""The tests' own machinery: the on-disk cache of compiler answers, the FreeBSD program builder."""

import pytest

import helpers

pytestmark = pytest.mark.unit


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(helpers, "CACHE_DIR", tmp_path / "cache")
    runs = []

    def ask(cc, command, text):
        return helpers.cached(cc, command, text, lambda: runs.append(text) or {"answer": len(runs)})

    return ask, runs


def test_a_repeated_question_is_answered_from_disk(cache):
    ask, runs = cache
    cc = ("gcc",)
    assert ask(cc, ["gcc", "-E"], "#include <errno.h>\n") == {"answer": 1}
    helpers.compiler_identity.cache_clear()  # a new session: only the disk remembers
    assert ask(cc, ["gcc", "-E"], "#include <errno.h>\n") == {"answer": 1}
    assert runs == ["#include <errno.h>\n"]


def test_another_command_input_or_compiler_asks_the_compiler(cache, monkeypatch):
    ask, runs = cache
    ask(("gcc",), ["gcc", "-E"], "a")
    ask(("gcc",), ["gcc", "-E", "-D_KERNEL"], "a")
    ask(("gcc",), ["gcc", "-E"], "b")
    monkeypatch.setattr(
        helpers, "compiler_identity", lambda cc: "gcc 99"
    )  # an upgraded compiler or headers
    ask(("gcc",), ["gcc", "-E"], "a")
    assert runs == ["a", "a", "b", "a"]


@pytest.mark.skipif(
    not helpers.HAVE_ZIG, reason="ziglang (the FreeBSD cross compiler) is not installed"
)
def test_builder_builds_each_program_once_and_keeps_same_names_apart(tmp_path):
    builder = helpers.FreeBSDBuilder(tmp_path)
    one = builder.build("int main(void) { return 1; }\n", "p")
    assert builder.build("int main(void) { return 1; }\n", "p") == one
    other = builder.build("int main(void) { return 2; }\n", "p")
    assert other != one and other.name == one.name == "p"
    assert one.read_bytes()[:4] == b"\x7fELF" and one.read_bytes() != other.read_bytes()
