"""Facts of the small system-information calls and sysctls: kenv(2), uuidgen(2),
ntp_gettime(2) and the statistics nodes (vm.loadavg, vm.swap_info,
kern.devstat, hw.bus.info)."""

import struct

# sys/kenv.h: kenv(2)'s actions and the longest name and value it copies
FREEBSD_KENV = {
    "KENV_GET": 0,
    "KENV_SET": 1,
    "KENV_UNSET": 2,
    "KENV_DUMP": 3,
    "KENV_DUMP_LOADER": 4,
    "KENV_DUMP_STATIC": 5,
    "KENV_MNAMELEN": 128,
    "KENV_MVALLEN": 128,
}

# sys/timex.h: the clock states ntp_gettime(2) returns; Linux's adjtimex returns the same
# numbers (checked against both headers), so they pass through
FREEBSD_TIME_STATES = {
    "TIME_OK": 0,
    "TIME_INS": 1,
    "TIME_DEL": 2,
    "TIME_OOP": 3,
    "TIME_WAIT": 4,
    "TIME_ERROR": 5,
}
# struct ntptimeval: struct timespec time; long maxerror, esterror, tai; int time_state
NTPTIMEVAL_FORMAT = "<qqqqqi4x"
# struct timex as Linux's adjtimex(2) takes it (linux/timex.h), by field offset
LINUX_TIMEX_SIZE = 208
LINUX_TIMEX_OFFSETS = {
    "offset": 8,
    "freq": 16,
    "maxerror": 24,
    "esterror": 32,
    "status": 40,
    "constant": 48,
    "precision": 56,
    "tolerance": 64,
    "ppsfreq": 96,
    "jitter": 104,
    "shift": 112,
    "stabil": 120,
    "jitcnt": 128,
    "calcnt": 136,
    "errcnt": 144,
    "stbcnt": 152,
    "tai": 160,
}
# FreeBSD's struct timex (sys/timex.h): the same fields but time, tick and tai, in this order,
# and the same STA_* status bits and units (offset in us unless STA_NANO)
TIMEX_FIELDS = (
    "modes", "offset", "freq", "maxerror", "esterror", "status", "constant", "precision",
    "tolerance", "ppsfreq", "jitter", "shift", "stabil", "jitcnt", "calcnt", "errcnt", "stbcnt",
)  # fmt: skip
TIMEX_FORMAT = "<I4xqqqqi4xqqqqqi4xqqqqq"

# struct uuid (sys/uuid.h) is 16 bytes; uuidgen(2) makes 1 to 2048 of them (kern_uuid.c)
UUID_SIZE = 16
UUIDGEN_MAX = 2048
# RFC 4122 version 1: 100-ns intervals from 1582-10-15 to the Unix epoch, the version and variant
UUID_EPOCH_OFFSET = 0x01B21DD213814000
UUID_VERSION_TIME = 0x1000
UUID_VARIANT_10 = 0x8000
UUID_NODE_MULTICAST = 0x010000000000  # a node id that is no IEEE 802 address (RFC 4122 4.5)

# struct loadavg (sys/resource.h): fixpt_t ldavg[3]; long fscale
LOADAVG_FORMAT = "<3I4xq"
# vm/vm_param.h: struct xswdev (what vm.swap_info.N returns): u_int version; dev_t dev;
# int flags, nblks, used
XSWDEV_VERSION = 2
XSWDEV_FORMAT = "<I4xQiii4x"
# sys/devicestat.h: libdevstat refuses a kernel with another version
DEVSTAT_VERSION = 6
# sys/bus.h: struct u_businfo { int ub_version; int ub_generation; }
BUS_USER_VERSION = 2
BUSINFO_FORMAT = "<ii"
VM_LOADAVG = 2  # vm/vm_param.h: vm.loadavg's number under CTL_VM
# sys/resource.h: the CPU states kern.cp_time counts, in this order
FREEBSD_CPUSTATES = {
    "CP_USER": 0,
    "CP_NICE": 1,
    "CP_SYS": 2,
    "CP_INTR": 3,
    "CP_IDLE": 4,
    "CPUSTATES": 5,
}
LINUX_USER_HZ = 100  # the tick /proc/stat counts CPU time in (USER_HZ)
UUID_CLOCK_SEQ_BITS = 14  # RFC 4122: clock_seq is 14 bits, time_hi 12 bits above bit 48
UUID_TIME_HI_SHIFT = 48
UUID_NODE_SIZE = 6
LINUX_SWAPS_UNIT = 1024  # /proc/swaps counts KiB
LINUX_KMSG_RECORD_MAX = 8192  # /dev/kmsg: a read smaller than one record fails (EINVAL)

# the sizes the formats above make, checked against the headers' structs
TIMEX_SIZE = struct.calcsize(TIMEX_FORMAT)
NTPTIMEVAL_SIZE = struct.calcsize(NTPTIMEVAL_FORMAT)
LOADAVG_SIZE = struct.calcsize(LOADAVG_FORMAT)
XSWDEV_SIZE = struct.calcsize(XSWDEV_FORMAT)
BUSINFO_SIZE = struct.calcsize(BUSINFO_FORMAT)
# vm.dmmax (swap_pager.c): nsw_cluster_max, MAXPHYS in pages bounded by MAX_PAGEOUT_CLUSTER (32)
DMMAX = 32
