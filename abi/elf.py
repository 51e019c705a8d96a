"""ELF numbers an image is read with (FreeBSD sys/elf_common.h, sys/elf64.h; Linux elf.h: the
same values)."""

ELF_MAGIC = b"\x7fELF"

ELF_IDENT = {
    "SELFMAG": 4,  # length of the magic
    "EI_CLASS": 4,
    "EI_DATA": 5,
    "EI_OSABI": 7,
    "ELFCLASS64": 2,
    "ELFDATA2LSB": 1,
}

ELF_NUMBERS = {
    "EM_X86_64": 62,
    "ET_DYN": 3,
    "PT_INTERP": 3,
    "PT_NOTE": 4,
    "sizeof(Elf64_Nhdr)": 12,
}
