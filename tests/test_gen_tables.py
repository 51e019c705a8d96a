"""tools/gen_tables.py reads every C type syscalls.master writes: each parsed argument reads back
as written, and agrees with the argument structs FreeBSD's own generator wrote into
<sys/sysproto.h>."""

import importlib.util
import re
from pathlib import Path

import pytest

from bsdulator.abi.syscall_table import MASTER
from header_macros import requires_zig

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]
MASTER_TEXT = (REPO / "abi" / "syscalls.master").read_text()
SAL = re.compile(r"_[A-Z]\w*(?:\([^()]*\))?")


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_tables", REPO / "tools" / "gen_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_tables = _load_generator()


def _written_arguments() -> dict[int, list[str]]:
    """Slot -> its arguments as syscalls.master spells them, from the file's own `{ ... }`
    blocks."""
    out = {}
    for m in re.finditer(
        r"^(\d+)(?:-\d+)?\s+\S+\s+\S+\s*\{\n(.*?)^\s*\}", MASTER_TEXT, re.MULTILINE | re.DOTALL
    ):
        body = m.group(2)
        inner = body[body.index("(") + 1 : body.rindex(")")]
        out[int(m.group(1))] = [a.strip() for a in re.split(r",(?![^()]*\))", inner) if a.strip()]
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+|\.\.\.|\S", text)


def test_every_argument_reads_back_as_written():
    written = _written_arguments()
    assert set(written) == {nr for nr, (_kind, _name, rettype, _args) in MASTER.items() if rettype}
    for nr, texts in written.items():
        parsed = MASTER[nr][3]
        if texts == ["void"]:
            texts = []
        assert len(parsed) == len(texts), (nr, texts, parsed)
        for text, (annotations, ctype, name) in zip(texts, parsed, strict=True):
            base, _, array = ctype.partition(" [")
            rebuilt = f"{annotations} {base} {name}" + (f"[{array}" if array else "")
            if ctype == "...":
                rebuilt = annotations + " ..."
            assert _words(rebuilt) == _words(text), (nr, text)
            assert SAL.sub("", annotations).strip() == "", (nr, text, annotations)
            assert not SAL.search(ctype), (nr, text, ctype)


@pytest.mark.parametrize(
    "text, parsed",
    [
        ("_Inout_opt_ __socklen_t *anamelen", ("_Inout_opt_", "__socklen_t *", "anamelen")),
        ("__acl_type_t type", ("", "__acl_type_t", "type")),
        ("_In_ cap_rights_t *rightsp", ("_In_", "cap_rights_t *", "rightsp")),
        (
            "_Out_writes_bytes_opt(*size) char *where",
            ("_Out_writes_bytes_opt(*size)", "char *", "where"),
        ),
        (
            "_Inout_updates_(nent) _Contains_long_ptr_ struct aiocb * const *acb_list",
            ("_Inout_updates_(nent) _Contains_long_ptr_", "struct aiocb * const *", "acb_list"),
        ),
        (
            "_Outptr_result_maybenull_ struct aiocb **aiocbp",
            ("_Outptr_result_maybenull_", "struct aiocb **", "aiocbp"),
        ),
        ("const unsigned long *p", ("", "const unsigned long *", "p")),
        ("unsigned msg_prio", ("", "unsigned", "msg_prio")),
        ("_Contains_ptr_ union semun_old *arg", ("_Contains_ptr_", "union semun_old *", "arg")),
        ("int fildes[2]", ("", "int [2]", "fildes")),
        ("char * const argv[]", ("", "char * const []", "argv")),
        ("...", ("", "...", "...")),
    ],
)
def test_c_declarations(text, parsed):
    assert gen_tables.parse_arg(text) == parsed


@pytest.mark.parametrize(
    "text",
    [
        "void (*fn)(int)",
        "_In_ *p",
        "struct *p",
        "int",
        "_In_ int _Out_ x",
        "unsigned foo bar",
        "int *p const",
    ],
)
def test_what_is_no_declaration_is_refused(text):
    with pytest.raises(ValueError):
        gen_tables.parse_arg(text)


def test_a_trailing_comma_ends_the_list():
    """fhlinkat (566) is written with one."""
    assert gen_tables.parse_args("int f(int a, char *b,)") == (
        ("", "int", "a"),
        ("", "char *", "b"),
    )
    assert [name for _a, _t, name in MASTER[566][3]] == ["fhp", "tofd", "to"]


def _sysproto_arguments() -> dict[str, list[tuple[str, str]]]:
    """struct NAME_args -> [(type, member)] from zig's copy of FreeBSD 14's generated
    <sys/sysproto.h>."""
    zig = Path(importlib.util.find_spec("ziglang").origin).parent
    text = (zig / "lib" / "libc" / "include" / "generic-freebsd" / "sys" / "sysproto.h").read_text()
    member = re.compile(r"char (\w+)_l_\[PADL_\((.+?)\)\]; (.+?) (\w+); char \w+_r_")
    structs = {}
    for name, body in re.findall(
        r"^struct (\w+)_args \{\n(.*?)^\};", text, re.MULTILINE | re.DOTALL
    ):
        structs[name] = [(ctype, arg) for arg, ctype, _ctype, _arg in member.findall(body)]
    return structs


@requires_zig
def test_types_match_freebsd_sysproto_h():
    """Every argument struct FreeBSD's generator wrote holds the types this generator read, slot by
    slot."""
    structs = _sysproto_arguments()
    compared = 0
    for _kind, name, rettype, args in MASTER.values():
        if not rettype or name not in structs or (args and args[-1][1] == "..."):
            continue
        assert [(ctype, arg) for _a, ctype, arg in args] == structs[name], name
        compared += 1
    assert compared > 450  # all but the multiplexers and the calls newer than FreeBSD 14
