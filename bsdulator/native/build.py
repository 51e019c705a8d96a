"""cffi build script for the supervisor's C helpers (out-of-line API mode)."""
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent
ffi = FFI()
ffi.cdef((HERE / "native.h").read_text().split("#include <sys/types.h>", 1)[1]
         .replace("ssize_t", "long"))
ffi.set_source(
    "bsdulator.native._native",
    '#include "native.h"\n' + (HERE / "native.c").read_text(),
    include_dirs=[str(HERE)],
    extra_compile_args=["-O2", "-Wall"],
)

if __name__ == "__main__":
    ffi.compile(tmpdir=str(HERE.parent.parent), verbose=True)
