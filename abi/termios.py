"""struct termios contents of FreeBSD (sys/_termios.h) and Linux x86_64 (asm-generic/termbits.h,
the kernel's struct used by TCGETS/TCSETS)."""

FREEBSD_TERMIOS = {
    "NCCS": 20,
    "_POSIX_VDISABLE": 0xFF,  # a c_cc slot holding this is disabled
    "TTYDEF_SPEED": 9600,  # sys/ttydefaults.h
}

FREEBSD_IFLAGS = {
    "IGNBRK": 0x00000001,
    "BRKINT": 0x00000002,
    "IGNPAR": 0x00000004,
    "PARMRK": 0x00000008,
    "INPCK": 0x00000010,
    "ISTRIP": 0x00000020,
    "INLCR": 0x00000040,
    "IGNCR": 0x00000080,
    "ICRNL": 0x00000100,
    "IXON": 0x00000200,
    "IXOFF": 0x00000400,
    "IXANY": 0x00000800,
    "IMAXBEL": 0x00002000,
    "IUTF8": 0x00004000,
}

FREEBSD_OFLAGS = {
    "OPOST": 0x00000001,
    "ONLCR": 0x00000002,
    "TABDLY": 0x00000004,
    "TAB0": 0x00000000,
    "TAB3": 0x00000004,  # expand tabs to spaces
    "OXTABS": 0x00000004,  # = TAB3
    "ONOEOT": 0x00000008,  # discard EOT (^D) on output
    "OCRNL": 0x00000010,
    "ONOCR": 0x00000020,
    "ONLRET": 0x00000040,
}

FREEBSD_CFLAGS = {
    "CIGNORE": 0x00000001,  # tcsetattr: leave c_cflag alone
    "CSIZE": 0x00000300,  # field: CS5 .. CS8
    "CS5": 0x00000000,
    "CS6": 0x00000100,
    "CS7": 0x00000200,
    "CS8": 0x00000300,
    "CSTOPB": 0x00000400,
    "CREAD": 0x00000800,
    "PARENB": 0x00001000,
    "PARODD": 0x00002000,
    "HUPCL": 0x00004000,
    "CLOCAL": 0x00008000,
    "CCTS_OFLOW": 0x00010000,
    "CRTS_IFLOW": 0x00020000,
    "CRTSCTS": 0x00030000,  # CCTS_OFLOW | CRTS_IFLOW
    "CDTR_IFLOW": 0x00040000,
    "CDSR_OFLOW": 0x00080000,
    "CCAR_OFLOW": 0x00100000,
    "MDMBUF": 0x00100000,  # = CCAR_OFLOW
}

FREEBSD_LFLAGS = {
    "ECHOKE": 0x00000001,
    "ECHOE": 0x00000002,
    "ECHOK": 0x00000004,
    "ECHO": 0x00000008,
    "ECHONL": 0x00000010,
    "ECHOPRT": 0x00000020,
    "ECHOCTL": 0x00000040,
    "ISIG": 0x00000080,
    "ICANON": 0x00000100,
    "ALTWERASE": 0x00000200,
    "IEXTEN": 0x00000400,
    "EXTPROC": 0x00000800,
    "TOSTOP": 0x00400000,
    "FLUSHO": 0x00800000,
    "NOKERNINFO": 0x02000000,  # no kernel status line on VSTATUS
    "PENDIN": 0x20000000,
    "NOFLSH": 0x80000000,
}

# c_cc indices.
FREEBSD_CC_INDEX = {
    "VEOF": 0,
    "VEOL": 1,
    "VEOL2": 2,
    "VERASE": 3,
    "VWERASE": 4,
    "VKILL": 5,
    "VREPRINT": 6,
    "VERASE2": 7,
    "VINTR": 8,
    "VQUIT": 9,
    "VSUSP": 10,
    "VDSUSP": 11,
    "VSTART": 12,
    "VSTOP": 13,
    "VLNEXT": 14,
    "VDISCARD": 15,
    "VMIN": 16,
    "VTIME": 17,
    "VSTATUS": 18,  # ^T, sends SIGINFO
}

# c_ispeed / c_ospeed: FreeBSD speeds are the baud numbers themselves.
FREEBSD_SPEEDS = {
    "B0": 0,
    "B50": 50,
    "B75": 75,
    "B110": 110,
    "B134": 134,
    "B150": 150,
    "B200": 200,
    "B300": 300,
    "B600": 600,
    "B1200": 1200,
    "B1800": 1800,
    "B2400": 2400,
    "B4800": 4800,
    "B7200": 7200,
    "B9600": 9600,
    "B14400": 14400,
    "B19200": 19200,
    "B28800": 28800,
    "B38400": 38400,
    "B57600": 57600,
    "B76800": 76800,
    "B115200": 115200,
    "B230400": 230400,
    "B460800": 460800,
    "B500000": 500000,
    "B921600": 921600,
    "B1000000": 1000000,
    "B1500000": 1500000,
    "B2000000": 2000000,
    "B2500000": 2500000,
    "B3000000": 3000000,
    "B3500000": 3500000,
    "B4000000": 4000000,
}

LINUX_TERMIOS = {
    "NCCS": 19,  # the kernel's struct termios; glibc's has 32
    "_POSIX_VDISABLE": 0,
    "CBAUD": 0o010017,  # c_cflag field holding the output speed code
    "CBAUDEX": 0o010000,
    "BOTHER": 0o010000,  # speed given as a number: only in struct termios2
    "CIBAUD": 0o02003600000,  # input speed code << IBSHIFT; 0 = same as output
    "IBSHIFT": 16,
}

LINUX_IFLAGS = {
    "IGNBRK": 0o1,
    "BRKINT": 0o2,
    "IGNPAR": 0o4,
    "PARMRK": 0o10,
    "INPCK": 0o20,
    "ISTRIP": 0o40,
    "INLCR": 0o100,
    "IGNCR": 0o200,
    "ICRNL": 0o400,
    "IUCLC": 0o1000,
    "IXON": 0o2000,
    "IXANY": 0o4000,
    "IXOFF": 0o10000,
    "IMAXBEL": 0o20000,
    "IUTF8": 0o40000,
}

LINUX_OFLAGS = {
    "OPOST": 0o1,
    "OLCUC": 0o2,
    "ONLCR": 0o4,
    "OCRNL": 0o10,
    "ONOCR": 0o20,
    "ONLRET": 0o40,
    "OFILL": 0o100,
    "OFDEL": 0o200,
    "NLDLY": 0o400,
    "CRDLY": 0o3000,
    "TABDLY": 0o14000,
    "TAB0": 0o0,
    "TAB1": 0o4000,
    "TAB2": 0o10000,
    "TAB3": 0o14000,
    "XTABS": 0o14000,  # = TAB3
    "BSDLY": 0o20000,
    "VTDLY": 0o40000,
    "FFDLY": 0o100000,
}

LINUX_CFLAGS = {
    "CSIZE": 0o60,
    "CS5": 0o0,
    "CS6": 0o20,
    "CS7": 0o40,
    "CS8": 0o60,
    "CSTOPB": 0o100,
    "CREAD": 0o200,
    "PARENB": 0o400,
    "PARODD": 0o1000,
    "HUPCL": 0o2000,
    "CLOCAL": 0o4000,
    "CMSPAR": 0o10000000000,
    "CRTSCTS": 0o20000000000,
}

LINUX_LFLAGS = {
    "ISIG": 0o1,
    "ICANON": 0o2,
    "XCASE": 0o4,
    "ECHO": 0o10,
    "ECHOE": 0o20,
    "ECHOK": 0o40,
    "ECHONL": 0o100,
    "NOFLSH": 0o200,
    "TOSTOP": 0o400,
    "ECHOCTL": 0o1000,
    "ECHOPRT": 0o2000,
    "ECHOKE": 0o4000,
    "FLUSHO": 0o10000,
    "PENDIN": 0o40000,
    "IEXTEN": 0o100000,
    "EXTPROC": 0o200000,
}

LINUX_CC_INDEX = {
    "VINTR": 0,
    "VQUIT": 1,
    "VERASE": 2,
    "VKILL": 3,
    "VEOF": 4,
    "VTIME": 5,
    "VMIN": 6,
    "VSWTC": 7,
    "VSTART": 8,
    "VSTOP": 9,
    "VSUSP": 10,
    "VEOL": 11,
    "VREPRINT": 12,
    "VDISCARD": 13,
    "VWERASE": 14,
    "VLNEXT": 15,
    "VEOL2": 16,
}

# c_cflag CBAUD codes.
LINUX_SPEEDS = {
    "B0": 0o0,
    "B50": 0o1,
    "B75": 0o2,
    "B110": 0o3,
    "B134": 0o4,
    "B150": 0o5,
    "B200": 0o6,
    "B300": 0o7,
    "B600": 0o10,
    "B1200": 0o11,
    "B1800": 0o12,
    "B2400": 0o13,
    "B4800": 0o14,
    "B9600": 0o15,
    "B19200": 0o16,
    "B38400": 0o17,
    "B57600": 0o10001,
    "B115200": 0o10002,
    "B230400": 0o10003,
    "B460800": 0o10004,
    "B500000": 0o10005,
    "B576000": 0o10006,
    "B921600": 0o10007,
    "B1000000": 0o10010,
    "B1152000": 0o10011,
    "B1500000": 0o10012,
    "B2000000": 0o10013,
    "B2500000": 0o10014,
    "B3000000": 0o10015,
    "B3500000": 0o10016,
    "B4000000": 0o10017,
}

# The termios structures TIOCGETA and TCGETS copy (FreeBSD sys/_termios.h; Linux
# asm/termbits.h, the kernel's).
FREEBSD_TERMIOS_SIZE = {"sizeof(struct termios)": 44}
LINUX_TERMIOS_SIZE = {"sizeof(struct termios)": 36}

# Linux asm/termbits.h: TCFLSH's queue selector and TCXONC's action.
LINUX_TC_ACTIONS = {"TCIFLUSH": 0, "TCOFLUSH": 1, "TCIOFLUSH": 2, "TCOOFF": 0, "TCOON": 1}
