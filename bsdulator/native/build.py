"""cffi build script for the supervisor's C helpers and fast path (out-of-line API mode)."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent
HEADERS = ("native.h", "loop.h")
SOURCES = ("native.c", "loop.c")


def _declarations(name: str) -> str:
    text = (HERE / name).read_text()
    return "\n".join(line for line in text.splitlines() if not line.startswith("#include")).replace(
        "ssize_t", "long"
    )


ffi = FFI()
ffi.cdef("\n".join(_declarations(h) for h in HEADERS))
ffi.set_source(
    "bsdulator.native._native",
    "".join(f'#include "{h}"\n' for h in HEADERS)
    + "\n".join((HERE / c).read_text() for c in SOURCES),
    include_dirs=[str(HERE)],
    extra_compile_args=["-O2", "-Wall"],
)

if __name__ == "__main__":
    ffi.compile(tmpdir=str(HERE.parent.parent), verbose=True)
