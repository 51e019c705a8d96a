"""Kernel linker and module facts (sys/module.h, sys/linker.h)."""

MAXMODNAME = 1024  # sys/module.h (= MAXPATHLEN): modfind copies a name into a buffer this size
KERNEL_FILE = "kernel"  # the kernel itself is linker file 1, first in kldstat(8)
KERNEL_FILE_ID = 1
