"""Kernel linker and module facts (sys/module.h, sys/linker.h)."""

MAXMODNAME = 1024  # sys/module.h (= MAXPATHLEN): modfind copies a name into a buffer this size
MAXMODNAMEV1V2 = 32  # sys/module.h: the name buffer of module_stat versions 1 and 2 (FreeBSD < 12)
# struct module_stat versions 1 and 2 (kern_module.c; what 10.2's kldstat passes): version, name
# [MAXMODNAMEV1V2], refs, id; version 2 adds the 8-byte modspecific_t data, 8-aligned.
MODULE_STAT_V1V2 = {"name": 4, "refs": 36, "id": 40, "data": 48, "v1": 44, "v2": 56}
KERNEL_FILE = "kernel"  # the kernel itself is linker file 1, first in kldstat(8)
KERNEL_FILE_ID = 1
KERNEL_PATH = "/boot/kernel/kernel"  # kldstat -v's pathname of the kernel
MODULE_PATH = "/boot/kernel"  # where the default kern.module_path finds modules
LINKER_PATH = "/boot/kernel;/boot/modules"  # kern.module_path's default (kern_linker.c)
MODULE_FILE_SUFFIX = ".ko"  # a module's linker file: <module>.ko (kern_linker.c)
LINKER_UNLOAD_FLAGS = {  # sys/linker.h: kldunloadf(2)'s flags
    "LINKER_UNLOAD_NORMAL": 0,
    "LINKER_UNLOAD_FORCE": 1,
}
