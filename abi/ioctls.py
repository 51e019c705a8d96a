"""ioctl(2) request numbers for terminals and files: FreeBSD (sys/ttycom.h, sys/filio.h), Linux
x86_64 (asm-generic/ioctls.h, asm/sockios.h), and which Linux request serves each FreeBSD one."""

# FreeBSD encodes direction and argument size: _IO* (inout | len << 16 | group << 8 | num).
FREEBSD_IOCTLS = {
    # sys/ttycom.h
    "TIOCEXCL": 0x2000740D,  # _IO('t', 13)
    "TIOCNXCL": 0x2000740E,  # _IO('t', 14)
    "TIOCGPTN": 0x4004740F,  # _IOR('t', 15, int)
    "TIOCFLUSH": 0x80047410,  # _IOW('t', 16, int): FREAD|FWRITE, 0 = both
    "TIOCGETA": 0x402C7413,  # _IOR('t', 19, struct termios)
    "TIOCSETA": 0x802C7414,  # _IOW('t', 20, struct termios)
    "TIOCSETAW": 0x802C7415,  # _IOW('t', 21, struct termios)
    "TIOCSETAF": 0x802C7416,  # _IOW('t', 22, struct termios)
    "TIOCGETD": 0x4004741A,  # _IOR('t', 26, int)
    "TIOCSETD": 0x8004741B,  # _IOW('t', 27, int)
    "TIOCPTMASTER": 0x2000741C,  # _IO('t', 28)
    "TIOCGDRAINWAIT": 0x40047456,  # _IOR('t', 86, int)
    "TIOCSDRAINWAIT": 0x80047457,  # _IOW('t', 87, int)
    "TIOCTIMESTAMP": 0x40107459,  # _IOR('t', 89, struct timeval)
    "TIOCDRAIN": 0x2000745E,  # _IO('t', 94)
    "TIOCSIG": 0x2004745F,  # _IOWINT('t', 95): signal number by value
    "TIOCEXT": 0x80047460,  # _IOW('t', 96, int)
    "TIOCSCTTY": 0x20007461,  # _IO('t', 97)
    "TIOCCONS": 0x80047462,  # _IOW('t', 98, int)
    "TIOCGSID": 0x40047463,  # _IOR('t', 99, int)
    "TIOCSTAT": 0x20007465,  # _IO('t', 101)
    "TIOCUCNTL": 0x80047466,  # _IOW('t', 102, int)
    "TIOCSWINSZ": 0x80087467,  # _IOW('t', 103, struct winsize)
    "TIOCGWINSZ": 0x40087468,  # _IOR('t', 104, struct winsize)
    "TIOCMGET": 0x4004746A,  # _IOR('t', 106, int)
    "TIOCMBIC": 0x8004746B,  # _IOW('t', 107, int)
    "TIOCMBIS": 0x8004746C,  # _IOW('t', 108, int)
    "TIOCMSET": 0x8004746D,  # _IOW('t', 109, int)
    "TIOCSTART": 0x2000746E,  # _IO('t', 110)
    "TIOCSTOP": 0x2000746F,  # _IO('t', 111)
    "TIOCPKT": 0x80047470,  # _IOW('t', 112, int)
    "TIOCNOTTY": 0x20007471,  # _IO('t', 113)
    "TIOCSTI": 0x80017472,  # _IOW('t', 114, char)
    "TIOCOUTQ": 0x40047473,  # _IOR('t', 115, int)
    "TIOCSPGRP": 0x80047476,  # _IOW('t', 118, int)
    "TIOCGPGRP": 0x40047477,  # _IOR('t', 119, int)
    "TIOCCDTR": 0x20007478,  # _IO('t', 120)
    "TIOCSDTR": 0x20007479,  # _IO('t', 121)
    "TIOCCBRK": 0x2000747A,  # _IO('t', 122)
    "TIOCSBRK": 0x2000747B,  # _IO('t', 123)
    # sys/filio.h
    "FIOCLEX": 0x20006601,  # _IO('f', 1)
    "FIONCLEX": 0x20006602,  # _IO('f', 2)
    "FIOSEEKDATA": 0xC0086661,  # _IOWR('f', 97, off_t)
    "FIOSEEKHOLE": 0xC0086662,  # _IOWR('f', 98, off_t)
    "FIOBMAP2": 0xC0106663,  # _IOWR('f', 99, struct fiobmap2_arg)
    "FIOSSHMLPGCNF": 0x80306664,  # _IOW('f', 100, struct shm_largepage_conf)
    "FIOGSHMLPGCNF": 0x40306665,  # _IOR('f', 101, struct shm_largepage_conf)
    "FIONSPACE": 0x40046676,  # _IOR('f', 118, int)
    "FIONWRITE": 0x40046677,  # _IOR('f', 119, int)
    "FIODGNAME": 0x80106678,  # _IOW('f', 120, struct fiodgname_arg): device name (ptsname)
    "FIOGETLBA": 0x40046679,  # _IOR('f', 121, int)
    "FIODTYPE": 0x4004667A,  # _IOR('f', 122, int): D_TTY, D_DISK, ... of a device
    "FIOGETOWN": 0x4004667B,  # _IOR('f', 123, int)
    "FIOSETOWN": 0x8004667C,  # _IOW('f', 124, int)
    "FIOASYNC": 0x8004667D,  # _IOW('f', 125, int)
    "FIONBIO": 0x8004667E,  # _IOW('f', 126, int)
    "FIONREAD": 0x4004667F,  # _IOR('f', 127, int)
}

# Linux's terminal ioctls are plain numbers 0x54xx ('T'); only the newer ones use _IO*.
LINUX_IOCTLS = {
    "TCGETS": 0x5401,
    "TCSETS": 0x5402,
    "TCSETSW": 0x5403,
    "TCSETSF": 0x5404,
    "TCSBRK": 0x5409,  # arg 1 = tcdrain
    "TCXONC": 0x540A,
    "TCFLSH": 0x540B,  # TCIFLUSH 0, TCOFLUSH 1, TCIOFLUSH 2
    "TIOCEXCL": 0x540C,
    "TIOCNXCL": 0x540D,
    "TIOCSCTTY": 0x540E,  # arg: steal from another session if root
    "TIOCGPGRP": 0x540F,
    "TIOCSPGRP": 0x5410,
    "TIOCOUTQ": 0x5411,
    "TIOCSTI": 0x5412,
    "TIOCGWINSZ": 0x5413,
    "TIOCSWINSZ": 0x5414,
    "TIOCMGET": 0x5415,
    "TIOCMBIS": 0x5416,
    "TIOCMBIC": 0x5417,
    "TIOCMSET": 0x5418,
    "FIONREAD": 0x541B,
    "TIOCCONS": 0x541D,
    "TIOCPKT": 0x5420,
    "FIONBIO": 0x5421,
    "TIOCNOTTY": 0x5422,
    "TIOCSETD": 0x5423,
    "TIOCGETD": 0x5424,
    "TIOCSBRK": 0x5427,
    "TIOCCBRK": 0x5428,
    "TIOCGSID": 0x5429,
    "TIOCGPTN": 0x80045430,  # _IOR('T', 0x30, unsigned int)
    "TIOCSPTLCK": 0x40045431,  # _IOW('T', 0x31, int)
    "TIOCSIG": 0x40045436,  # _IOW('T', 0x36, int), signal number by value
    "TIOCVHANGUP": 0x5437,  # hang up every open file of the tty (revoke)
    "TIOCGPTPEER": 0x5441,  # _IO('T', 0x41)
    "FIONCLEX": 0x5450,
    "FIOCLEX": 0x5451,
    "FIOASYNC": 0x5452,
    "FIOQSIZE": 0x5460,
    "FIOSETOWN": 0x8901,  # asm/sockios.h
    "FIOGETOWN": 0x8903,  # asm/sockios.h
}

# The Linux request that does a FreeBSD request's work with the same argument, or
# with a payload that bsdulator.translate converts (noted). FreeBSD requests missing
# here need emulation: TIOCFLUSH (TCFLSH, other argument), TIOCDRAIN (TCSBRK 1),
# TIOCSTART/TIOCSTOP (TCXONC), TIOCSDTR/TIOCCDTR (TIOCMBIS/TIOCMBIC TIOCM_DTR),
# TIOCPTMASTER, FIODGNAME, FIODTYPE, FIONWRITE, FIONSPACE, FIOSEEKDATA/FIOSEEKHOLE (lseek).
LINUX_IOCTL_FOR_FREEBSD = {
    "TIOCGETA": "TCGETS",  # payload: termios_to_freebsd
    "TIOCSETA": "TCSETS",  # payload: termios_to_linux
    "TIOCSETAW": "TCSETSW",  # payload: termios_to_linux
    "TIOCSETAF": "TCSETSF",  # payload: termios_to_linux
    "TIOCGWINSZ": "TIOCGWINSZ",  # struct winsize is the same on both
    "TIOCSWINSZ": "TIOCSWINSZ",
    "TIOCGPGRP": "TIOCGPGRP",
    "TIOCSPGRP": "TIOCSPGRP",
    "TIOCSCTTY": "TIOCSCTTY",  # FreeBSD passes nothing: give Linux 0 (do not steal)
    "TIOCNOTTY": "TIOCNOTTY",
    "TIOCGSID": "TIOCGSID",
    "TIOCEXCL": "TIOCEXCL",
    "TIOCNXCL": "TIOCNXCL",
    "TIOCOUTQ": "TIOCOUTQ",
    "TIOCSTI": "TIOCSTI",
    "TIOCMGET": "TIOCMGET",  # TIOCM_* bits are the same on both
    "TIOCMSET": "TIOCMSET",
    "TIOCMBIS": "TIOCMBIS",
    "TIOCMBIC": "TIOCMBIC",
    "TIOCPKT": "TIOCPKT",  # TIOCPKT_* bits are the same on both
    "TIOCCONS": "TIOCCONS",
    "TIOCGETD": "TIOCGETD",  # TTYDISC 0 is N_TTY 0
    "TIOCSETD": "TIOCSETD",
    "TIOCSBRK": "TIOCSBRK",
    "TIOCCBRK": "TIOCCBRK",
    "TIOCSIG": "TIOCSIG",  # argument: signal_to_linux
    "TIOCGPTN": "TIOCGPTN",
    "FIONREAD": "FIONREAD",
    "FIONBIO": "FIONBIO",
    "FIOASYNC": "FIOASYNC",
    "FIOCLEX": "FIOCLEX",
    "FIONCLEX": "FIONCLEX",
    "FIOGETOWN": "FIOGETOWN",
    "FIOSETOWN": "FIOSETOWN",
}

# linux/nsfs.h (Linux 6.11+, so older hosts' headers lack it): _IOR(NSIO, 13, __u64), a
# namespace's 64-bit id.
LINUX_NSFS_IOCTLS = {"NS_GET_ID": 0x8008B70D}

# FreeBSD sys/conf.h: FIODTYPE's answer, a character device's D_* class.
FREEBSD_D_TYPES = {"D_TAPE": 0x0001, "D_DISK": 0x0002, "D_TTY": 0x0004, "D_MEM": 0x0008}
