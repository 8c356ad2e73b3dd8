"""Q/GDW 1376.1 frame codec: golden frames written by hand, fed whole, split at every position
and byte by byte; the typed rejections; AUX (PW, EC, Tp) round trips; and the "never raises
anything but FrameError on any bytes" and random-frame round-trip properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import FrameError, FrameKind
from drivers.gdw376.codec import (
    ACD,
    DIR_UPLINK,
    MIN_USER_DATA,
    PW_AFNS,
    PW_LEN,
    TPV,
    Address,
    Frame,
    StreamDecoder,
    TimeTag,
    address_from_wire,
    address_to_wire,
    decode,
    encode,
    looks_like,
    parse,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ----------------------------------------------------------------------------- golden frames
# L = user-data length << 2 | 10 (protocol id), sent twice, low byte first. CS = the byte sum
# of the user data (C, A, AFN, SEQ, data units, AUX) mod 256, worked out by hand below.
# A = district 3301 (sent low byte first: 01 33), terminal 1234H (34 12), MSA << 1 | group.

TERMINAL = Address("3301", 0x1234)
MASTER = Address("3301", 0x1234, master=1)
CLOCK = "30 20 10 15 A3 24"  # A.1: 2024-03-15 (a Friday: week 5 in D5-D7 of MM) 10:20:30

# Login (AFN 02 F1) from the terminal: C = C9 (uplink, PRM, function 9 link test), SEQ = 70
# (FIR FIN CON, PSEQ 0), DA 00 00 (p0), DT 01 00 (F1). 12 bytes of user data: L = 12 << 2 | 2
# = 50 = 32H. CS: C9 (201) + 01 + 33 (51) + 34 (52) + 12 (18) + 00 + 02 + 70 (112) + 01
# = 438 = 1B6H -> B6.
LOGIN = h("68 32 00 32 00 68 C9 01 33 34 12 00 02 70 00 00 01 00 B6 16")

# The master (MSA 1: A5 = 02) asks for the clock (AFN 0C F2): C = 4B (PRM, function 11),
# SEQ = 61 (FIR FIN, PSEQ 1), DA 00 00, DT 02 00. L = 32H again.
# CS: 4B (75) + 01 + 33 (51) + 34 (52) + 12 (18) + 02 + 0C (12) + 61 (97) + 02 = 310 = 136H -> 36.
READ_CLOCK = h("68 32 00 32 00 68 4B 01 33 34 12 02 0C 61 00 00 02 00 36 16")

# The terminal's answer: C = 88 (uplink, function 8 user data), the same A and SEQ, then the
# clock. 18 bytes: L = 18 << 2 | 2 = 74 = 4AH. CS: 88 (136) + 1 + 51 + 52 + 18 + 2 + 12 + 97
# + 2 = 371, clock 30 20 10 15 A3 24 = 48 + 32 + 16 + 21 + 163 + 36 = 316: 687 = 2AFH -> AF.
CLOCK_REPLY = h(f"68 4A 00 4A 00 68 88 01 33 34 12 02 0C 61 00 00 02 00 {CLOCK} AF 16")

# The same answer with ACD (C = A8, +32) and EC = 03 01, and with a time tag (SEQ = E1, +128)
# Tp = PFC 05, 10:20:30 on day 15, valid 2 min (05 30 20 10 15 02 = 124). 26 bytes: L = 26 << 2
# | 2 = 106 = 6AH. CS: 687 + 32 + 128 + 4 + 124 = 975 = 3CFH -> CF.
CLOCK_REPLY_EC_TP = h(
    f"68 6A 00 6A 00 68 A8 01 33 34 12 02 0C E1 00 00 02 00 {CLOCK} 03 01 05 30 20 10 15 02 CF 16"
)

# Set the clock (AFN 05 F31: DT 40 03, group 3 bit 6) with a 16-byte password of zeros:
# C = 4A (PRM, function 10), SEQ = 72 (FIR FIN CON, PSEQ 2). 34 bytes: L = 34 << 2 | 2 = 138
# = 8AH. CS: 4A (74) + 1 + 51 + 52 + 18 + 2 + 05 + 72 (114) + 40 (64) + 03 = 384, + clock 316
# = 700 = 2BCH -> BC.
SET_CLOCK = h(f"68 8A 00 8A 00 68 4A 01 33 34 12 02 05 72 00 00 40 03 {CLOCK} {'00 ' * 16}BC 16")

TP = TimeTag(pfc=5, day=15, hour=10, minute=20, second=30, delay_min=2)
GOLDEN: list[tuple[str, bytes, Frame]] = [
    ("login", LOGIN, Frame(0xC9, TERMINAL, 0x02, 0x70, h("00 00 01 00"))),
    ("read-clock", READ_CLOCK, Frame(0x4B, MASTER, 0x0C, 0x61, h("00 00 02 00"))),
    ("clock-reply", CLOCK_REPLY, Frame(0x88, MASTER, 0x0C, 0x61, h(f"00 00 02 00 {CLOCK}"))),
    (
        "clock-reply-ec-tp",
        CLOCK_REPLY_EC_TP,
        Frame(0xA8, MASTER, 0x0C, 0xE1, h(f"00 00 02 00 {CLOCK}"), ec=(3, 1), tp=TP),
    ),
    (
        "set-clock-pw",
        SET_CLOCK,
        Frame(0x4A, MASTER, 0x05, 0x72, h(f"00 00 40 03 {CLOCK}"), pw=bytes(PW_LEN)),
    ),
]
IDS = [name for name, _raw, _frame in GOLDEN]
CASES = [(raw, frame) for _name, raw, frame in GOLDEN]
GOLDEN_RAW = [raw for _name, raw, _frame in GOLDEN]

# Garbage before a frame: a stray 68 whose "second 68" would fall inside the frame.
GARBAGE = h("00 FF 16 68 33 FE FE FE FE")


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=IDS)
def test_golden_frame_decodes(raw: bytes, frame: Frame) -> None:
    assert decode(raw) == frame
    assert parse(raw) == (frame, len(raw))


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=IDS)
def test_golden_frame_encodes_to_the_same_bytes(raw: bytes, frame: Frame) -> None:
    assert encode(frame) == raw
    assert encode(decode(raw)) == raw


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=IDS)
def test_golden_frame_split_at_every_position(raw: bytes, frame: Frame) -> None:
    for cut in range(1, len(raw)):
        decoder = StreamDecoder()
        assert decoder.feed(raw[:cut]) == []
        assert decoder.feed(raw[cut:]) == [frame], cut


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=IDS)
def test_golden_frame_byte_by_byte_after_garbage(raw: bytes, frame: Frame) -> None:
    decoder = StreamDecoder()
    out: list[Frame | FrameError] = []
    for byte in GARBAGE + raw:
        out += decoder.feed(bytes((byte,)))
    assert out == [frame]
    assert decode(GARBAGE + raw) == frame


def test_frames_back_to_back_in_one_chunk() -> None:
    frames = StreamDecoder().feed(LOGIN + GARBAGE + READ_CLOCK + CLOCK_REPLY)
    assert frames == [CASES[0][1], CASES[1][1], CASES[2][1]]


def test_the_flags_of_the_golden_frames() -> None:
    login, request, reply, tagged = (decode(r) for r in GOLDEN_RAW[:4])
    assert (login.uplink, login.prm, login.function) == (True, True, 9)
    assert (login.fir, login.fin, login.con, login.sequence) == (True, True, True, 0)
    assert (request.uplink, request.prm, request.function, request.sequence) == (False, True, 11, 1)
    assert (reply.uplink, reply.prm, reply.function, reply.acd) == (True, False, 8, False)
    assert (tagged.acd, tagged.ec, tagged.tp) == (True, (3, 1), TP)
    assert str(login.address) == "3301-04660"


# ----------------------------------------------------------------------------- rejections


def corrupt(raw: bytes, index: int, value: int) -> bytes:
    out = bytearray(raw)
    out[index] = value
    return bytes(out)


def with_checksum(user: bytes, length: int | None = None) -> bytes:
    """A frame around ``user`` with a right checksum (and an L field for ``length`` bytes)."""
    size = (len(user) if length is None else length) << 2 | 0b10
    head = size.to_bytes(2, "little") * 2
    return b"\x68" + head + b"\x68" + user + bytes((sum(user) & 0xFF, 0x16))


@pytest.mark.parametrize(
    ("raw", "kind", "words"),
    [
        (corrupt(LOGIN, -2, 0xB7), FrameKind.CHECKSUM, "expected B6, got B7"),
        (corrupt(LOGIN, -1, 0x17), FrameKind.END_BYTE, "expected 16, got 17"),
        (corrupt(LOGIN, 3, 0x36), FrameKind.HEADER, "differ"),  # L1 0032 vs L2 0036
        (h("68 31 00 31 00 68") + LOGIN[6:], FrameKind.HEADER, "protocol id 01"),  # Q/GDW 130
        (with_checksum(LOGIN[6:13]), FrameKind.LENGTH, "below the minimum 8"),  # 7 bytes
        (LOGIN[:-3], FrameKind.TRUNCATED, "expected 20 bytes, got 17"),
        (LOGIN[:4], FrameKind.TRUNCATED, "got 4"),
        (h("00 11 22"), FrameKind.HEADER, "no start byte"),
        (h("68 32 00 32 00 69 00 00"), FrameKind.HEADER, "no frame header"),
        # AFN 05 downlink needs 16 bytes of PW after the data units: 12 bytes leave no room.
        (with_checksum(h("4A 01 33 34 12 02 05 72 00 00 40 03")), FrameKind.LENGTH, "password"),
        # TpV set but only 10 bytes of user data: no room for a 6-byte Tp.
        (with_checksum(h("88 01 33 34 12 02 0C E1 00 00")), FrameKind.LENGTH, "Tp"),
        (with_checksum(h("A8 01 33 34 12 02 0C 61 00")), FrameKind.LENGTH, "EC"),
        # District 330A: A1 = 0A is not BCD.
        (with_checksum(h("C9 0A 33 34 12 00 02 70 00 00 01 00")), FrameKind.HEADER, "not BCD"),
        # Tp second 6A is not BCD.
        (
            with_checksum(h("88 01 33 34 12 02 0C E1 00 00 02 00 05 6A 20 10 15 02")),
            FrameKind.VALUE_FORMAT,
            "Tp second",
        ),
    ],
    ids=[
        "checksum",
        "end-byte",
        "l1-l2",
        "protocol-id",
        "too-short",
        "truncated",
        "truncated-header",
        "no-start",
        "no-second-start",
        "pw-no-room",
        "tp-no-room",
        "ec-no-room",
        "district-not-bcd",
        "tp-not-bcd",
    ],
)
def test_bad_frames_get_a_typed_error(raw: bytes, kind: FrameKind, words: str) -> None:
    with pytest.raises(FrameError) as info:
        decode(raw)
    assert info.value.kind == kind
    assert words in str(info.value)


def test_parse_skips_a_bad_frame_and_finds_the_next_one() -> None:
    bad = corrupt(LOGIN, -2, 0x00)
    result, consumed = parse(bad + LOGIN)
    assert isinstance(result, FrameError)
    assert result.kind == FrameKind.CHECKSUM
    assert consumed == len(bad)
    assert parse((bad + LOGIN)[consumed:]) == (decode(LOGIN), len(LOGIN))
    out = StreamDecoder().feed(corrupt(LOGIN, 3, 0x36) + LOGIN)
    assert isinstance(out[0], FrameError)
    assert out[0].kind == FrameKind.HEADER
    assert out[-1] == decode(LOGIN)


def test_parse_asks_for_more_and_drops_garbage_without_a_start_byte() -> None:
    assert parse(b"") == (None, 0)
    assert parse(h("00 11 22")) == (None, 3)
    assert parse(GARBAGE[:3] + LOGIN[:10]) == (None, 3)


def test_looks_like_needs_equal_lengths_with_the_protocol_id() -> None:
    assert looks_like(LOGIN)
    assert looks_like(GARBAGE + LOGIN[:6])
    assert not looks_like(corrupt(LOGIN, 3, 0x36))
    assert not looks_like(h("68 31 00 31 00 68"))
    # DL/T 645: 68 A0..A5 68; its address is not two equal length fields.
    assert not looks_like(h("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"))


# ----------------------------------------------------------------------------- AUX and address


def test_pw_ec_and_tp_round_trip() -> None:
    pw = bytes(range(16))
    downlink = Frame(0x4A, MASTER, 0x04, 0x70, h("00 00 01 01"), pw=pw, tp=TP)
    assert decode(encode(downlink)) == downlink._replace(seq=0x70 | TPV)
    uplink = Frame(0x88, MASTER, 0x0C, 0x61, h("00 00 02 00"), ec=(255, 0))
    back = decode(encode(uplink))
    assert back == uplink._replace(control=0x88 | ACD)
    assert back.acd
    uplink_tp = Frame(0x88, MASTER, 0x0C, 0x61, b"", tp=TimeTag(0, 1, 0, 0, 0))
    assert decode(encode(uplink_tp)).tp == TimeTag(0, 1, 0, 0, 0, 0)


def test_acd_and_tpv_follow_ec_and_tp_when_encoding() -> None:
    # ACD / TpV set without EC / Tp are cleared: the frame must be self-consistent.
    frame = Frame(0x88 | ACD, MASTER, 0x0C, 0x61 | TPV, b"")
    assert encode(frame) == encode(Frame(0x88, MASTER, 0x0C, 0x61, b""))


@pytest.mark.parametrize(
    "frame",
    [
        Frame(0x88, MASTER, 0x0C, 0x60, pw=bytes(16)),  # uplink with PW
        Frame(0x4B, MASTER, 0x0C, 0x60, ec=(0, 0)),  # downlink with EC
        Frame(0x4A, MASTER, 0x05, 0x60),  # AFN 05 without PW
        Frame(0x4A, MASTER, 0x05, 0x60, pw=bytes(15)),  # PW of the wrong size
        Frame(0x4B, MASTER, 0x0C, 0x60, pw=bytes(16)),  # AFN 0C carries no PW
        Frame(0x4B, Address("33A1", 1), 0x0C, 0x60),
        Frame(0x4B, Address("3301", 0x10000), 0x0C, 0x60),
        Frame(0x4B, Address("3301", 1, master=128), 0x0C, 0x60),
        Frame(0x4B, MASTER, 0x0C, 0x60, tp=TimeTag(0, 100, 0, 0, 0)),
        Frame(0x4B, MASTER, 0x100, 0x60),
        Frame(0x4B, MASTER, 0x0C, 0x60, bytes(0x3FFF)),  # over the L field's 14 bits
    ],
)
def test_encode_refuses_impossible_frames(frame: Frame) -> None:
    with pytest.raises(ValueError):
        encode(frame)


def test_address_wire_form() -> None:
    assert address_to_wire(Address("3301", 0x1234, 1, True)) == h("01 33 34 12 03")
    assert address_from_wire(h("01 33 FF FF FE")) == Address("3301", 0xFFFF, 127, False)


# ----------------------------------------------------------------------------- properties


@given(st.binary(max_size=300))
def test_any_bytes_give_a_frame_or_a_frame_error(raw: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode(raw)
    result, consumed = parse(raw)
    assert 0 <= consumed <= len(raw)
    assert result is None or isinstance(result, (Frame, FrameError))
    StreamDecoder().feed(raw)


@given(st.lists(st.binary(max_size=40), max_size=8))
def test_any_bytes_in_pieces_never_raise(chunks: list[bytes]) -> None:
    decoder = StreamDecoder()
    for chunk in chunks:
        decoder.feed(chunk)


@given(st.binary(max_size=60), st.integers(0, 0x3FFF))
def test_candidates_with_a_valid_header_never_raise(body: bytes, length: int) -> None:
    """A 68 L L 68 header with the right protocol id in front of random bytes."""
    raw = b"\x68" + (length << 2 | 2).to_bytes(2, "little") * 2 + b"\x68" + body
    with contextlib.suppress(FrameError):
        decode(raw)
    StreamDecoder().feed(raw)


addresses = st.builds(
    Address,
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    st.integers(0, 0xFFFF),
    st.integers(0, 127),
    st.booleans(),
)
time_tags = st.builds(
    TimeTag,
    st.integers(0, 255),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 255),
)


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    uplink = draw(st.booleans())
    control = draw(st.integers(0, 0x7F)) | (DIR_UPLINK if uplink else 0)
    afn = draw(st.integers(0, 255))
    ec = draw(st.none() | st.tuples(st.integers(0, 255), st.integers(0, 255))) if uplink else None
    if uplink:
        control = control & ~ACD | (ACD if ec is not None else 0)
    pw = (
        draw(st.binary(min_size=PW_LEN, max_size=PW_LEN)) if not uplink and afn in PW_AFNS else None
    )
    tp = draw(st.none() | time_tags)
    seq = draw(st.integers(0, 0x7F)) | (TPV if tp is not None else 0)
    data = draw(st.binary(max_size=120))
    return Frame(control, draw(addresses), afn, seq, data, pw, ec, tp)


@given(frames(), st.binary(max_size=10).filter(lambda g: 0x68 not in g), st.data())
def test_random_frames_round_trip_whole_and_split(
    frame: Frame, garbage: bytes, data: st.DataObject
) -> None:
    raw = encode(frame)
    assert decode(raw) == frame
    assert parse(garbage + raw) == (frame, len(garbage) + len(raw))
    assert looks_like(raw)
    stream = garbage + raw + raw
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    decoder = StreamDecoder()
    out: list[Frame | FrameError] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        out += decoder.feed(stream[start:end])
    assert out == [frame, frame]


def test_the_smallest_frame_has_eight_bytes_of_user_data() -> None:
    raw = encode(Frame(0x4B, MASTER, 0x0C, 0x60))
    assert len(raw) == 6 + MIN_USER_DATA + 2
    assert decode(raw).data == b""
