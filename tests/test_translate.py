"""bsdulator.translate: round trips over everything the tables support, and the conversions'
known answers taken from the systems' own headers."""

import errno
import mmap
import os
import signal
import socket
import termios as python_termios

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsdulator import translate
from bsdulator.abi import errno as abi_errno
from bsdulator.abi import flags, ioctls, signals, termios
from bsdulator.errors import FreeBSDError
from header_macros import freebsd_values, linux_values, requires_gcc, requires_zig

pytestmark = pytest.mark.unit

BITMAPS = {
    name: value for name, value in vars(translate).items() if isinstance(value, translate.Bitmap)
}
VALUE_MAPS = {
    name: value for name, value in vars(translate).items() if isinstance(value, translate.ValueMap)
}
EINVAL = abi_errno.FREEBSD_ERRNO["EINVAL"]


@pytest.fixture(scope="module")
def freebsd_errno():
    return freebsd_values(["sys/errno.h"], abi_errno.FREEBSD_ERRNO)


# --- errno ------------------------------------------------------------------------------


def test_errno_maps_are_total():
    freebsd = set(abi_errno.FREEBSD_ERRNO.values())
    linux = set(abi_errno.LINUX_ERRNO.values())
    assert all(translate.errno_to_freebsd(e) in freebsd for e in range(1, 134))
    assert all(
        translate.errno_to_linux(e) in linux
        for e in range(1, abi_errno.FREEBSD_ERRNO_ALIASES["ELAST"] + 1)
    )
    assert translate.errno_to_freebsd(0) == translate.errno_to_linux(0) == 0


@requires_zig
def test_errno_names_both_systems_know_map_to_each_other(freebsd_errno):
    shared = [name for name in freebsd_errno if hasattr(errno, name)]
    assert len(shared) > 80
    for name in shared:
        assert translate.errno_to_freebsd(getattr(errno, name)) == freebsd_errno[name], name
        assert translate.errno_to_linux(freebsd_errno[name]) == getattr(errno, name), name


@requires_zig
def test_errno_approximations(freebsd_errno):
    for linux_name, freebsd_name in abi_errno.FREEBSD_ERRNO_FOR_LINUX_ONLY.items():
        assert (
            translate.errno_to_freebsd(abi_errno.LINUX_ERRNO[linux_name])
            == freebsd_errno[freebsd_name]
        )
    for freebsd_name, linux_name in abi_errno.LINUX_ERRNO_FOR_FREEBSD_ONLY.items():
        assert translate.errno_to_linux(freebsd_errno[freebsd_name]) == getattr(errno, linux_name)
    assert translate.errno_to_freebsd(errno.ENODATA) == freebsd_errno["ENOATTR"]
    assert translate.errno_to_linux(freebsd_errno["EPROCLIM"]) == errno.EAGAIN
    # a number Linux never assigned
    assert translate.errno_to_freebsd(41) == freebsd_errno["EINVAL"]


def test_freebsd_strerror():
    assert translate.freebsd_strerror(2) == "No such file or directory"
    assert translate.freebsd_strerror(19) == "Operation not supported by device" != os.strerror(19)
    assert translate.freebsd_strerror(45) == "Operation not supported"
    assert translate.freebsd_strerror(0) == "No error: 0"
    assert translate.freebsd_strerror(200) == "Unknown error: 200"


# --- signals ----------------------------------------------------------------------------

FREEBSD_MAPPED = [s for s in range(1, 129) if translate.signal_to_linux(s)]
LINUX_MAPPED = [s for s in range(1, 65) if translate.signal_to_freebsd(s)]


def test_signal_map_is_a_bijection_on_its_domain():
    images = [translate.signal_to_linux(s) for s in FREEBSD_MAPPED]
    assert len(set(images)) == len(images)
    assert all(1 <= s <= 64 for s in images)
    assert all(
        translate.signal_to_freebsd(translate.signal_to_linux(s)) == s for s in FREEBSD_MAPPED
    )
    assert all(translate.signal_to_linux(translate.signal_to_freebsd(s)) == s for s in LINUX_MAPPED)
    assert sorted(images) == LINUX_MAPPED


def test_signals_without_a_counterpart():
    assert [s for s in range(1, 34) if s not in FREEBSD_MAPPED] == []
    assert [s for s in range(1, 65) if s not in LINUX_MAPPED] == [
        signal.SIGSTKFLT,
        signal.SIGPWR,
        32,
        33,
    ]
    assert translate.signal_to_linux(91) == 64
    assert translate.signal_to_linux(92) is None
    assert translate.signal_to_linux(0) == translate.signal_to_freebsd(0) == 0


@requires_zig
def test_signal_names_both_systems_know_map_to_each_other():
    names = list(signals.FREEBSD_SIGNALS) + ["SIGRTMIN"]
    freebsd = freebsd_values(["signal.h"], names)
    for name in names:
        if hasattr(signal, name) and name != "SIGRTMIN":
            assert translate.signal_to_linux(freebsd[name]) == getattr(signal, name), name
    assert translate.signal_to_linux(freebsd["SIGINFO"]) == 35
    assert translate.signal_to_linux(freebsd["SIGEMT"]) == 34
    assert translate.signal_to_linux(freebsd["SIGTHR"]) == 36
    assert translate.signal_to_linux(freebsd["SIGLIBRT"]) == 37
    assert translate.signal_to_linux(freebsd["SIGRTMIN"]) == 38


@given(st.sets(st.sampled_from(FREEBSD_MAPPED)))
def test_sigset_round_trip(members):
    data = sum(1 << (s - 1) for s in members).to_bytes(16, "little")
    assert translate.sigset_to_freebsd(translate.sigset_to_linux(data)) == data
    assert translate.sigset_to_linux(data) == sum(
        1 << (translate.signal_to_linux(s) - 1) for s in members
    )


def test_sigset_layout():
    # FreeBSD: __bits[_SIG_WORD(sig)] & _SIG_BIT(sig), words of 32 bits; signal 65 is word 2, bit 0.
    assert translate.sigset_to_freebsd(1 << (38 - 1)) == bytes(8) + b"\x01" + bytes(7)
    # FreeBSD 128: no Linux carrier
    assert translate.sigset_to_linux((1 << 127).to_bytes(16, "little")) == 0


def test_sigaction_flags_drop_the_restorer():
    linux = signals.LINUX_SA_FLAGS
    assert (
        translate.SIGACTION_FLAGS.to_freebsd(linux["SA_RESTORER"] | linux["SA_SIGINFO"])
        == signals.FREEBSD_SA_FLAGS["SA_SIGINFO"]
    )
    assert translate.SIGACTION_FLAGS.unknown_linux(linux["SA_RESTORER"]) == 0


def test_si_codes():
    sigsegv, sigfpe = signals.FREEBSD_SIGNALS["SIGSEGV"], signals.FREEBSD_SIGNALS["SIGFPE"]
    # (signal, Linux si_code, the FreeBSD si_code it becomes)
    cases = [
        (
            sigsegv,
            signals.LINUX_SEGV_CODES["SEGV_ACCERR"],
            signals.FREEBSD_SEGV_CODES["SEGV_ACCERR"],
        ),
        (sigfpe, signals.LINUX_FPE_CODES["FPE_INTDIV"], signals.FREEBSD_FPE_CODES["FPE_INTDIV"]),
        (sigsegv, signals.LINUX_SI_CODES["SI_USER"], signals.FREEBSD_SI_CODES["SI_USER"]),
        (sigsegv, signals.LINUX_SI_CODES["SI_TKILL"], signals.FREEBSD_SI_CODES["SI_LWP"]),
        (sigsegv, signals.LINUX_SEGV_CODES["SEGV_BNDERR"], signals.FREEBSD_SI_CODES["SI_NOINFO"]),
    ]
    assert [translate.si_code_to_freebsd(sig, code) for sig, code, _ in cases] == [
        freebsd for *_, freebsd in cases
    ]
    assert signals.FREEBSD_FPE_CODES["FPE_INTDIV"] == 2


# --- Bitmap and ValueMap ----------------------------------------------------------------


def _union(values):
    out = 0
    for value in values:
        out |= value
    return out


def _round_trips(pairs, chosen, there, back):
    """Whether a word made of the chosen pairs' bits on side `there` must survive there → back →
    there.

    True when the pairs the word switches on have disjoint bits on the other side and no other
    pair lies within what they switch on there (so the greedy way back finds them)."""
    word = _union(pair[there] for pair in chosen)
    fired = [pair for pair in pairs if pair[there] & ~word == 0]
    image = _union(pair[back] for pair in fired)
    disjoint = sum(pair[back].bit_count() for pair in fired) == image.bit_count()
    return disjoint and all(pair in fired for pair in pairs if pair[back] & ~image == 0)


@pytest.mark.parametrize("name", sorted(BITMAPS))
@settings(max_examples=60)
@given(data=st.data())
def test_bitmap_round_trips(name, data):
    bitmap = BITMAPS[name]
    pairs = [pair for pair in bitmap.pairs if pair[0] and pair[1]]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True))
    passthrough = data.draw(st.integers(0, bitmap.passthrough)) & bitmap.passthrough
    freebsd = _union(f for f, _ in chosen) | passthrough
    linux = _union(lin for _, lin in chosen) | passthrough
    if _round_trips(pairs, chosen, 0, 1):
        assert bitmap.to_freebsd(bitmap.to_linux(freebsd)) == freebsd
    if _round_trips(pairs, chosen, 1, 0):
        assert bitmap.to_linux(bitmap.to_freebsd(linux)) == linux


def test_only_the_known_overlaps_are_excused():
    poll = flags.FREEBSD_POLL_EVENTS, flags.LINUX_POLL_EVENTS
    expected = {
        "OPEN_FLAGS": {
            (flags.FREEBSD_O_FLAGS["O_SYNC"], flags.LINUX_O_FLAGS["O_SYNC"])
        },  # Linux O_SYNC ⊃ O_DSYNC
        "POLL_EVENTS": {
            (poll[0][name], poll[1][name]) for name in ("POLLOUT", "POLLWRNORM")
        },  # one FreeBSD bit
    }
    for name, bitmap in BITMAPS.items():
        pairs = [pair for pair in bitmap.pairs if pair[0] and pair[1]]
        excused = {
            pair
            for pair in pairs
            if not (_round_trips(pairs, [pair], 0, 1) and _round_trips(pairs, [pair], 1, 0))
        }
        assert excused == expected.get(name, set()), name


@pytest.mark.parametrize("name", sorted(BITMAPS))
def test_bitmap_reports_unknown_bits(name):
    bitmap = BITMAPS[name]
    stray = 1 << 62  # no 32-bit ABI word uses it
    assert bitmap.unknown_freebsd(bitmap.freebsd_mask | stray) == stray
    assert bitmap.unknown_linux(bitmap.linux_mask | stray) == stray
    assert bitmap.to_linux(stray) == 0 and bitmap.to_freebsd(stray) == 0


@pytest.mark.parametrize("name", sorted(VALUE_MAPS))
def test_value_maps_honour_every_pair(name):
    value_map = VALUE_MAPS[name]
    for freebsd, linux in value_map.pairs:
        assert value_map.to_linux(freebsd) == linux or value_map.to_freebsd(linux) == freebsd, (
            freebsd,
            linux,
        )
    freebsd_values_, linux_values_ = zip(*value_map.pairs, strict=True)
    if (
        len(set(freebsd_values_)) == len(set(linux_values_)) == len(value_map.pairs)
    ):  # one to one: exact inverses
        assert all(value_map.to_freebsd(value_map.to_linux(f)) == f for f in freebsd_values_)


def test_open_flags():
    fb, linux = flags.FREEBSD_O_FLAGS, os
    request = (
        fb["O_WRONLY"] | fb["O_CREAT"] | fb["O_CLOEXEC"] | fb["O_NOFOLLOW"] | fb["O_DIRECTORY"]
    )
    assert (
        translate.OPEN_FLAGS.to_linux(request)
        == linux.O_WRONLY | linux.O_CREAT | linux.O_CLOEXEC | linux.O_NOFOLLOW | linux.O_DIRECTORY
    )
    assert (
        translate.OPEN_FLAGS.to_freebsd(linux.O_RDWR | flags.LINUX_O_FLAGS["O_LARGEFILE"])
        == fb["O_RDWR"]
    )
    # Linux's O_SYNC contains O_DSYNC
    assert translate.OPEN_FLAGS.to_freebsd(linux.O_SYNC) == fb["O_SYNC"]
    assert translate.OPEN_FLAGS.to_linux(fb["O_VERIFY"] | fb["O_RDONLY"]) == 0
    assert translate.OPEN_FLAGS.unknown_freebsd(fb["O_EXLOCK"] | fb["O_CREAT"]) == fb["O_EXLOCK"]


def test_value_maps_spot_checks():
    assert (
        translate.CLOCK_IDS.to_linux(flags.FREEBSD_CLOCK_IDS["CLOCK_MONOTONIC"])
        == flags.LINUX_CLOCK_IDS["CLOCK_MONOTONIC"]
        == 1
    )
    assert (
        translate.CLOCK_IDS.to_freebsd(flags.LINUX_CLOCK_IDS["CLOCK_BOOTTIME"])
        == flags.FREEBSD_CLOCK_IDS["CLOCK_UPTIME"]
    )
    assert translate.CLOCK_IDS.to_linux(flags.FREEBSD_CLOCK_IDS["CLOCK_VIRTUAL"]) is None
    assert (
        translate.FCNTL_COMMANDS.to_linux(flags.FREEBSD_FCNTL_COMMANDS["F_DUPFD_CLOEXEC"]) == 1030
    )
    assert (
        translate.ADDRESS_FAMILIES.to_linux(flags.FREEBSD_ADDRESS_FAMILIES["AF_INET6"])
        == socket.AF_INET6
    )
    assert translate.ADDRESS_FAMILIES.to_linux(flags.FREEBSD_ADDRESS_FAMILIES["AF_ROUTE"]) is None
    so = flags.FREEBSD_SO_OPTIONS
    assert translate.sockopt_to_linux(
        flags.FREEBSD_SOCKET_LEVELS["SOL_SOCKET"], so["SO_REUSEADDR"]
    ) == (socket.SOL_SOCKET, socket.SO_REUSEADDR)
    assert translate.sockopt_to_linux(
        flags.FREEBSD_IPPROTO["IPPROTO_TCP"], flags.FREEBSD_TCP_OPTIONS["TCP_NOPUSH"]
    ) == (socket.IPPROTO_TCP, socket.TCP_CORK)
    assert (
        translate.sockopt_to_linux(flags.FREEBSD_SOCKET_LEVELS["SOL_SOCKET"], so["SO_NOSIGPIPE"])
        is None
    )
    assert translate.RLIMIT_RESOURCES.to_linux(flags.FREEBSD_RLIMIT_RESOURCES["RLIMIT_NOFILE"]) == 7
    assert translate.RLIM_INFINITY.to_linux((1 << 63) - 1) == (1 << 64) - 1
    assert translate.WAIT_IDTYPES.to_linux(flags.FREEBSD_IDTYPES["P_ALL"]) == os.P_ALL
    assert translate.UTIME_SPECIAL.to_linux(-1) == (1 << 30) - 1
    linux_out = flags.LINUX_POLL_EVENTS["POLLOUT"] | flags.LINUX_POLL_EVENTS["POLLWRNORM"]
    assert translate.POLL_EVENTS.to_freebsd(linux_out) == flags.FREEBSD_POLL_EVENTS["POLLOUT"]


# --- memory -----------------------------------------------------------------------------

MAP = flags.FREEBSD_MAP_FLAGS
PROT = flags.FREEBSD_PROT_FLAGS
LINUX_MAP = flags.LINUX_MAP_FLAGS


def test_mmap_plain():
    prot, linux_flags = translate.mmap_to_linux(
        PROT["PROT_READ"] | PROT["PROT_WRITE"], MAP["MAP_ANON"] | MAP["MAP_PRIVATE"]
    )
    assert (prot, linux_flags) == (
        mmap.PROT_READ | mmap.PROT_WRITE,
        mmap.MAP_ANONYMOUS | mmap.MAP_PRIVATE,
    )
    _, linux_flags = translate.mmap_to_linux(
        PROT["PROT_READ"] | PROT["PROT_WRITE"], MAP["MAP_STACK"]
    )
    assert linux_flags == LINUX_MAP["MAP_STACK"] | mmap.MAP_ANONYMOUS | mmap.MAP_PRIVATE
    _, linux_flags = translate.mmap_to_linux(
        PROT["PROT_READ"], MAP["MAP_SHARED"] | MAP["MAP_NOCORE"] | MAP["MAP_PREFAULT_READ"]
    )
    assert linux_flags == mmap.MAP_SHARED | LINUX_MAP["MAP_POPULATE"]


def test_mmap_guard_and_excl():
    prot, linux_flags = translate.mmap_to_linux(
        PROT["PROT_NONE"], MAP["MAP_GUARD"] | MAP["MAP_FIXED"] | MAP["MAP_EXCL"]
    )
    assert prot == flags.LINUX_PROT_FLAGS["PROT_NONE"] == 0
    assert (
        linux_flags
        == mmap.MAP_PRIVATE
        | mmap.MAP_ANONYMOUS
        | LINUX_MAP["MAP_NORESERVE"]
        | LINUX_MAP["MAP_FIXED_NOREPLACE"]
    )
    for bad_prot, bad_flags in [
        (PROT["PROT_READ"], MAP["MAP_GUARD"]),
        (PROT["PROT_NONE"], MAP["MAP_GUARD"] | MAP["MAP_SHARED"]),
        (PROT["PROT_READ"], MAP["MAP_ANON"] | MAP["MAP_EXCL"]),
        (PROT["PROT_READ"], MAP["MAP_SHARED"] | MAP["MAP_PRIVATE"]),
        (PROT["PROT_READ"], MAP["MAP_STACK"]),
        (PROT["PROT_READ"], MAP["MAP_ANON"] | 0x8000),
        (0x8, MAP["MAP_ANON"]),
        (
            PROT["PROT_READ"] | PROT["PROT_WRITE"] | PROT["PROT_READ"] << PROT["_PROT_MAX_SHIFT"],
            MAP["MAP_ANON"],
        ),
    ]:
        with pytest.raises(FreeBSDError) as raised:
            translate.mmap_to_linux(bad_prot, bad_flags)
        assert raised.value.errno == EINVAL


def test_mmap_prot_max_is_dropped():
    rw = PROT["PROT_READ"] | PROT["PROT_WRITE"]
    assert (
        translate.mmap_to_linux(PROT["PROT_READ"] | rw << PROT["_PROT_MAX_SHIFT"], MAP["MAP_ANON"])[
            0
        ]
        == mmap.PROT_READ
    )


def test_mmap_alignment():
    shift = flags.FREEBSD_MAP_ALIGNMENT["MAP_ALIGNMENT_SHIFT"]
    assert translate.mmap_alignment(MAP["MAP_ANON"]) == 0
    assert translate.mmap_alignment(flags.FREEBSD_MAP_ALIGNMENT["MAP_ALIGNED_SUPER"]) == 2 << 20
    assert translate.mmap_alignment(30 << shift) == 1 << 30
    assert (
        translate.mmap_to_linux(PROT["PROT_READ"], MAP["MAP_ANON"] | 16 << shift)[1]
        == mmap.MAP_ANONYMOUS | mmap.MAP_PRIVATE
    )
    for bad in (5, 64):
        with pytest.raises(FreeBSDError):
            translate.mmap_alignment(bad << shift)


def test_msync():
    ms = flags.FREEBSD_MSYNC_FLAGS
    assert translate.msync_to_linux(ms["MS_SYNC"]) == flags.LINUX_MSYNC_FLAGS["MS_SYNC"]
    assert translate.msync_to_linux(ms["MS_ASYNC"]) == flags.LINUX_MSYNC_FLAGS["MS_ASYNC"]
    assert (
        translate.msync_to_linux(ms["MS_INVALIDATE"])
        == flags.LINUX_MSYNC_FLAGS["MS_INVALIDATE"] | flags.LINUX_MSYNC_FLAGS["MS_SYNC"]
    )


# --- processes --------------------------------------------------------------------------

RF = flags.FREEBSD_RFORK_FLAGS
CLONE = flags.LINUX_CLONE_FLAGS


def test_rfork():
    assert translate.rfork_to_linux_clone(RF["RFPROC"] | RF["RFFDG"]) == signal.SIGCHLD  # fork(2)
    assert (
        translate.rfork_to_linux_clone(RF["RFSPAWN"])
        == CLONE["CLONE_VM"] | CLONE["CLONE_VFORK"] | signal.SIGCHLD
    )
    assert (
        translate.rfork_to_linux_clone(RF["RFPROC"] | RF["RFMEM"])
        == CLONE["CLONE_VM"] | CLONE["CLONE_FILES"] | signal.SIGCHLD
    )
    usr1 = signals.FREEBSD_SIGNALS["SIGUSR1"] << RF["RFTSIGSHIFT"]
    assert (
        translate.rfork_to_linux_clone(RF["RFPROC"] | RF["RFFDG"] | RF["RFTSIGZMB"] | usr1)
        == signal.SIGUSR1
    )
    assert translate.rfork_to_linux_clone(RF["RFPROC"] | RF["RFCFDG"] | RF["RFTSIGZMB"]) == 0
    for bad in (
        RF["RFPROC"] | RF["RFFDG"] | RF["RFCFDG"],
        RF["RFPROC"] | RF["RFSTOPPED"],
        RF["RFPROC"] | usr1,
        RF["RFPROC"] | RF["RFSPAWN"],
        RF["RFPROC"] | RF["RFTSIGZMB"] | 200 << RF["RFTSIGSHIFT"],
    ):
        with pytest.raises(FreeBSDError):
            translate.rfork_to_linux_clone(bad)


def test_wait_options():
    w = flags.FREEBSD_WAIT_OPTIONS
    assert (
        translate.WAIT_OPTIONS.to_linux(w["WNOHANG"] | w["WEXITED"] | w["WNOWAIT"])
        == os.WNOHANG | os.WEXITED | os.WNOWAIT
    )
    assert translate.WAIT_OPTIONS.unknown_freebsd(w["WTRAPPED"]) == w["WTRAPPED"]


# --- terminals --------------------------------------------------------------------------

FREEBSD_CHAR_SLOTS = [i for i, _ in translate.TERMIOS_CC.pairs if i not in translate._NUMERIC_CC]
LINUX_SPEED_NUMBERS = sorted(int(name[1:]) for name in termios.LINUX_SPEEDS)


def _supported(bitmap):
    return st.lists(st.sampled_from([f for f, _ in bitmap.pairs])).map(_union)


@st.composite
def freebsd_termios(draw):
    cc = bytearray([termios.FREEBSD_TERMIOS["_POSIX_VDISABLE"]]) * termios.FREEBSD_TERMIOS["NCCS"]
    for index, _ in translate.TERMIOS_CC.pairs:
        cc[index] = draw(
            st.integers(1, 255) if index in FREEBSD_CHAR_SLOTS else st.integers(0, 255)
        )
    ospeed = draw(st.sampled_from(LINUX_SPEED_NUMBERS))
    ispeed = draw(st.sampled_from([ospeed] + [s for s in LINUX_SPEED_NUMBERS if s]))
    return translate.FREEBSD_TERMIOS_STRUCT.pack(
        draw(_supported(translate.TERMIOS_IFLAGS)),
        draw(_supported(translate.TERMIOS_OFLAGS)),
        draw(_supported(translate.TERMIOS_CFLAGS)),
        draw(_supported(translate.TERMIOS_LFLAGS)),
        bytes(cc),
        ispeed,
        ospeed,
    )


@st.composite
def linux_termios(draw):
    cc = bytearray(termios.LINUX_TERMIOS["NCCS"])
    numeric = {translate.TERMIOS_CC.to_linux(i) for i in translate._NUMERIC_CC}
    for _, index in translate.TERMIOS_CC.pairs:
        cc[index] = draw(st.integers(0, 255) if index in numeric else st.integers(0, 254))
    codes = list(termios.LINUX_SPEEDS.values())
    output = draw(st.sampled_from(codes))
    input_code = draw(st.sampled_from([0] + [c for c in codes if c not in (0, output)]))
    cflag = draw(
        st.lists(st.sampled_from([lin for _, lin in translate.TERMIOS_CFLAGS.pairs])).map(_union)
    )
    return translate.LINUX_TERMIOS_STRUCT.pack(
        draw(
            st.lists(st.sampled_from([lin for _, lin in translate.TERMIOS_IFLAGS.pairs])).map(
                _union
            )
        ),
        draw(
            st.lists(st.sampled_from([lin for _, lin in translate.TERMIOS_OFLAGS.pairs])).map(
                _union
            )
        ),
        cflag | output | input_code << termios.LINUX_TERMIOS["IBSHIFT"],
        draw(
            st.lists(st.sampled_from([lin for _, lin in translate.TERMIOS_LFLAGS.pairs])).map(
                _union
            )
        ),
        0,
        bytes(cc),
    )


@given(freebsd_termios())
def test_termios_round_trip_from_freebsd(data):
    linux = translate.termios_to_linux(data)
    assert len(linux) == 36
    assert translate.termios_to_freebsd(linux) == data


@given(linux_termios())
def test_termios_round_trip_from_linux(data):
    freebsd = translate.termios_to_freebsd(data)
    assert len(freebsd) == 44
    assert translate.termios_to_linux(freebsd) == data


def test_termios_known_answer():
    fb_i, fb_o, fb_c, fb_l = (
        termios.FREEBSD_IFLAGS,
        termios.FREEBSD_OFLAGS,
        termios.FREEBSD_CFLAGS,
        termios.FREEBSD_LFLAGS,
    )
    cc = bytearray([0xFF]) * 20
    cc[termios.FREEBSD_CC_INDEX["VINTR"]] = 3
    cc[termios.FREEBSD_CC_INDEX["VMIN"]] = 1
    cc[termios.FREEBSD_CC_INDEX["VSTATUS"]] = 20  # ^T: Linux has no such slot
    data = translate.FREEBSD_TERMIOS_STRUCT.pack(
        fb_i["ICRNL"] | fb_i["IXON"],
        fb_o["OPOST"] | fb_o["ONLCR"],
        fb_c["CS8"] | fb_c["CREAD"],
        fb_l["ICANON"] | fb_l["ECHO"] | fb_l["ISIG"],
        bytes(cc),
        9600,
        9600,
    )
    iflag, oflag, cflag, lflag, line, linux_cc = translate.LINUX_TERMIOS_STRUCT.unpack(
        translate.termios_to_linux(data)
    )
    t = python_termios
    assert (iflag, oflag, lflag, line) == (
        t.ICRNL | t.IXON,
        t.OPOST | t.ONLCR,
        t.ICANON | t.ECHO | t.ISIG,
        0,
    )
    assert cflag == t.CS8 | t.CREAD | t.B9600
    # 0: disabled on Linux
    assert linux_cc[t.VINTR] == 3 and linux_cc[t.VMIN] == 1 and linux_cc[t.VQUIT] == 0
    back = translate.FREEBSD_TERMIOS_STRUCT.unpack(
        translate.termios_to_freebsd(translate.termios_to_linux(data))
    )
    assert back[4][termios.FREEBSD_CC_INDEX["VSTATUS"]] == 0xFF


def test_termios_speeds_without_a_linux_code():
    data = translate.FREEBSD_TERMIOS_STRUCT.pack(0, 0, 0, 0, bytes(20), 7200, 7200)
    cflag = translate.LINUX_TERMIOS_STRUCT.unpack(translate.termios_to_linux(data))[2]
    assert cflag == python_termios.B4800


# --- ioctl ------------------------------------------------------------------------------


def test_ioctl_numbers():
    fb = ioctls.FREEBSD_IOCTLS
    assert translate.ioctl_to_linux(fb["TIOCGETA"]) == python_termios.TCGETS
    assert translate.ioctl_to_linux(fb["TIOCSETAF"]) == python_termios.TCSETSF
    assert translate.ioctl_to_linux(fb["TIOCGWINSZ"]) == python_termios.TIOCGWINSZ
    assert translate.ioctl_to_linux(fb["FIONBIO"] | 0xFFFFFFFF00000000) == python_termios.FIONBIO
    assert translate.ioctl_to_linux(fb["FIODTYPE"]) is None


@requires_zig
@requires_gcc
def test_ioctl_counterparts_come_from_the_headers():
    freebsd = freebsd_values(
        ["sys/types.h", "sys/ioctl.h", "termios.h"], ioctls.LINUX_IOCTL_FOR_FREEBSD
    )
    linux = linux_values(
        ["asm/termios.h", "asm/sockios.h"], ioctls.LINUX_IOCTL_FOR_FREEBSD.values()
    )
    for freebsd_name, linux_name in ioctls.LINUX_IOCTL_FOR_FREEBSD.items():
        assert translate.ioctl_to_linux(freebsd[freebsd_name]) == linux[linux_name], freebsd_name
