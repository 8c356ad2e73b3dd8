"""DL/T 645-2007 frame codec: golden frames from the standard, fed whole, split and byte by byte,
the typed rejections, and the "never crashes on any bytes" properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.dlt645.codec import (
    MAX_DATA_LEN,
    Frame,
    StreamDecoder,
    address_from_wire,
    address_to_wire,
    decode,
    encode,
    parse,
)
from drivers.errors import FrameError, FrameKind

# ----------------------------------------------------------------------------- golden frames
# Every checksum below is worked out by hand: CS = (sum of the bytes from the first 68 up to the
# byte before CS) mod 256.

# Read communication address, wildcard address (§ read address, C = 13, L = 0):
# 68 + 6*AA + 68 + 13 + 00 = 0x68 + 0x3FC + 0x68 + 0x13 = 0x4DF -> CS = DF.
READ_ADDRESS_BROADCAST = bytes.fromhex("FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16")

# Read DI 00010000 (forward active energy, total) from meter 123456789012.
# Address on the wire, low byte first: 12 90 78 56 34 12 (sum 18+144+120+86+52+18 = 438).
# DI0..DI3 = 00 00 01 00, +33 each: 33 33 34 33 (sum 51+51+52+51 = 205).
# 0x68*2 (208) + 438 + 0x11 (17) + 0x04 (4) + 205 = 872 = 0x368 -> CS = 68
# (a checksum equal to the start byte: a stress case for resynchronisation).
READ_ENERGY_REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")

# Normal reply, C = 91, L = 08: DI 33 33 34 33, then 1234.56 kWh = BCD 00 12 34 56 sent low
# byte first (56 34 12 00) +33 each: 89 67 45 33 (sum 137+103+69+51 = 360).
# 208 + 438 + 0x91 (145) + 8 + 205 + 360 = 1364 = 0x554 -> CS = 54.
READ_ENERGY_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16")

# Abnormal reply, C = D1, L = 01, error byte 02 (no requested data) +33 = 35.
# 208 + 438 + 0xD1 (209) + 1 + 0x35 (53) = 909 = 0x38D -> CS = 8D.
READ_REJECTED_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 D1 01 35 8D 16")

ADDRESS = "123456789012"
GOLDEN: list[tuple[str, bytes, Frame]] = [
    ("read-address-broadcast", READ_ADDRESS_BROADCAST, Frame("AAAAAAAAAAAA", 0x13, b"")),
    ("read-energy-request", READ_ENERGY_REQUEST, Frame(ADDRESS, 0x11, b"\x00\x00\x01\x00")),
    (
        "read-energy-reply",
        READ_ENERGY_REPLY,
        Frame(ADDRESS, 0x91, b"\x00\x00\x01\x00\x56\x34\x12\x00"),
    ),
    ("read-rejected-reply", READ_REJECTED_REPLY, Frame(ADDRESS, 0xD1, b"\x02")),
]
GOLDEN_IDS = [name for name, _raw, _frame in GOLDEN]
GOLDEN_RAW = [raw for _n, raw, _f in GOLDEN]

# Garbage around a frame: no 0x68 in it, so it cannot open a false frame candidate.
GARBAGE_BEFORE = bytes.fromhex("00 FF 16 33 A5 FE FE")
GARBAGE_AFTER = bytes.fromhex("16 00 FE 99")


@pytest.mark.parametrize(("raw", "frame"), [(r, f) for _n, r, f in GOLDEN], ids=GOLDEN_IDS)
def test_golden_frame_decodes(raw: bytes, frame: Frame) -> None:
    assert decode(raw) == frame


@pytest.mark.parametrize(("raw", "frame"), [(r, f) for _n, r, f in GOLDEN], ids=GOLDEN_IDS)
def test_golden_frame_encodes(raw: bytes, frame: Frame) -> None:
    wake_up = len(raw) - len(raw.lstrip(b"\xfe"))
    assert encode(frame, wake_up=wake_up) == raw


def test_frame_flags_of_the_golden_frames() -> None:
    request, reply, rejected = (decode(r) for r in GOLDEN_RAW[1:])
    assert (request.is_response, request.is_abnormal, request.function) == (False, False, 0x11)
    assert (reply.is_response, reply.is_abnormal, reply.has_follow_up) == (True, False, False)
    assert (rejected.is_response, rejected.is_abnormal, rejected.function) == (True, True, 0x11)
    assert Frame(ADDRESS, 0xB1).has_follow_up


@pytest.mark.parametrize(("raw", "frame"), [(r, f) for _n, r, f in GOLDEN], ids=GOLDEN_IDS)
def test_stream_whole_with_garbage_around(raw: bytes, frame: Frame) -> None:
    decoder = StreamDecoder()
    assert decoder.feed(GARBAGE_BEFORE + raw + GARBAGE_AFTER) == [frame]
    # The trailing garbage is dropped, not mistaken for the start of a frame.
    assert decoder.feed(READ_REJECTED_REPLY) == [decode(READ_REJECTED_REPLY)]


@pytest.mark.parametrize(("raw", "frame"), [(r, f) for _n, r, f in GOLDEN], ids=GOLDEN_IDS)
def test_stream_in_two_halves_at_every_split(raw: bytes, frame: Frame) -> None:
    stream = GARBAGE_BEFORE + b"\xfe\xfe" + raw + GARBAGE_AFTER
    for cut in range(len(stream) + 1):
        decoder = StreamDecoder()
        out = decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])
        assert out == [frame], f"split at {cut}"


@pytest.mark.parametrize(("raw", "frame"), [(r, f) for _n, r, f in GOLDEN], ids=GOLDEN_IDS)
def test_stream_byte_by_byte(raw: bytes, frame: Frame) -> None:
    decoder = StreamDecoder()
    stream = GARBAGE_BEFORE + raw + GARBAGE_AFTER
    out: list[Frame | FrameError] = []
    emitted_at = []
    for i in range(len(stream)):
        got = decoder.feed(stream[i : i + 1])
        if got:
            emitted_at.append(i)
        out += got
    assert out == [frame]
    # The frame is complete exactly at its end byte, not before and not after.
    assert emitted_at == [len(GARBAGE_BEFORE) + len(raw) - 1]


def test_stream_two_frames_back_to_back_in_one_chunk() -> None:
    decoder = StreamDecoder()
    assert decoder.feed(READ_ENERGY_REQUEST + READ_ENERGY_REPLY) == [
        decode(READ_ENERGY_REQUEST),
        decode(READ_ENERGY_REPLY),
    ]


def test_stream_reset_drops_a_partial_frame() -> None:
    decoder = StreamDecoder()
    assert decoder.feed(READ_ENERGY_REPLY[:10]) == []
    decoder.reset()
    assert decoder.feed(READ_ENERGY_REPLY[10:]) == []
    assert decoder.feed(READ_REJECTED_REPLY) == [decode(READ_REJECTED_REPLY)]


def test_parse_says_need_more_and_how_much_garbage_to_drop() -> None:
    result, consumed = parse(GARBAGE_BEFORE + READ_ENERGY_REPLY[:-1])
    assert result is None
    assert consumed == len(GARBAGE_BEFORE)  # up to the candidate's first 68
    result, consumed = parse(b"\x00\x01\x02")
    assert (result, consumed) == (None, 3)


def test_parse_reports_where_the_frame_ends() -> None:
    result, consumed = parse(READ_ENERGY_REPLY + READ_REJECTED_REPLY)
    assert result == decode(READ_ENERGY_REPLY)
    assert consumed == len(READ_ENERGY_REPLY)


# ----------------------------------------------------------------------------- rejections


def _with(raw: bytes, index: int, value: int) -> bytes:
    out = bytearray(raw)
    out[index] = value
    return bytes(out)


def _kind(raw: bytes) -> FrameKind:
    with pytest.raises(FrameError) as info:
        decode(raw)
    return info.value.kind


def test_bad_checksum() -> None:
    raw = _with(READ_ENERGY_REPLY, -2, 0x55)  # CS is 54
    with pytest.raises(FrameError, match="checksum") as info:
        decode(raw)
    assert info.value.kind is FrameKind.CHECKSUM
    assert "54" in str(info.value)  # the message says what was expected


def test_corrupt_data_byte_is_a_checksum_error() -> None:
    assert _kind(_with(READ_ENERGY_REPLY, 14, 0x8A)) is FrameKind.CHECKSUM


def test_bad_end_byte() -> None:
    assert _kind(_with(READ_ENERGY_REPLY, -1, 0x17)) is FrameKind.END_BYTE


def test_length_over_200() -> None:
    # A header announcing L = C9 (201): rejected at once, without waiting for 213 bytes.
    header = bytes.fromhex("68 12 90 78 56 34 12 68 91 C9")
    assert _kind(header) is FrameKind.LENGTH


def test_non_bcd_address() -> None:
    # Address 1B 00 00 00 00 00: the nibble B is neither a digit nor the wildcard A.
    # 0x68*2 (208) + 0x1B (27) + 0x11 (17) + 00 = 252 = 0xFC -> CS = FC.
    raw = bytes.fromhex("68 1B 00 00 00 00 00 68 11 00 FC 16")
    with pytest.raises(FrameError, match="BCD") as info:
        decode(raw)
    assert info.value.kind is FrameKind.HEADER


@pytest.mark.parametrize("cut", [1, 5, 9, 10, 14, 15])  # the frame is 16 bytes
def test_truncated(cut: int) -> None:
    with pytest.raises(FrameError, match="truncated") as info:
        decode(READ_ENERGY_REQUEST[: 4 + cut])  # 4 wake-up bytes, then `cut` frame bytes
    assert info.value.kind is FrameKind.TRUNCATED


@pytest.mark.parametrize("raw", [b"", b"\xfe\xfe\xfe\xfe", b"\x16\x00\x33"])
def test_no_start_byte(raw: bytes) -> None:
    with pytest.raises(FrameError, match="start byte") as info:
        decode(raw)
    assert info.value.kind is FrameKind.HEADER


def test_no_second_start_byte() -> None:
    raw = bytes.fromhex("68 12 90 78 56 34 12 00 11 00 00 16")
    assert _kind(raw) is FrameKind.HEADER


def test_stream_reports_a_corrupt_frame_and_recovers_on_the_next() -> None:
    decoder = StreamDecoder()
    out = decoder.feed(_with(READ_ENERGY_REPLY, -2, 0x00) + READ_REJECTED_REPLY)
    assert len(out) == 2
    assert isinstance(out[0], FrameError)
    assert out[0].kind is FrameKind.CHECKSUM
    assert out[1] == decode(READ_REJECTED_REPLY)


def test_encode_rejects_what_cannot_be_sent() -> None:
    with pytest.raises(ValueError, match="201 bytes"):
        encode(Frame(ADDRESS, 0x91, bytes(MAX_DATA_LEN + 1)))
    with pytest.raises(ValueError, match="not a byte"):
        encode(Frame(ADDRESS, 0x100))
    with pytest.raises(ValueError, match="12 digits"):
        encode(Frame("12345678901", 0x11))
    with pytest.raises(ValueError, match="12 digits"):
        encode(Frame("12345678901B", 0x11))


def test_address_wire_order() -> None:
    assert address_to_wire("123456789012") == bytes.fromhex("12 90 78 56 34 12")
    assert address_to_wire("aaaaaaaaaaaa") == b"\xaa" * 6
    assert address_from_wire(bytes.fromhex("12 90 78 56 34 12")) == "123456789012"


# ----------------------------------------------------------------------------- properties

addresses = st.text(alphabet="0123456789A", min_size=12, max_size=12)
frames = st.builds(
    Frame,
    address=addresses,
    control=st.integers(0, 0xFF),
    data=st.binary(max_size=MAX_DATA_LEN),
)


@given(frame=frames, wake_up=st.integers(0, 4))
def test_round_trip(frame: Frame, wake_up: int) -> None:
    raw = encode(frame, wake_up=wake_up)
    assert len(raw) == wake_up + 12 + len(frame.data)
    assert decode(raw) == frame
    assert StreamDecoder().feed(raw) == [frame]


@given(
    frame=frames,
    before=st.binary(max_size=30).filter(lambda b: 0x68 not in b),
    after=st.binary(max_size=30).filter(lambda b: 0x68 not in b),
    data=st.data(),
)
def test_round_trip_through_garbage_in_random_chunks(
    frame: Frame, before: bytes, after: bytes, data: st.DataObject
) -> None:
    stream = before + encode(frame) + after
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    decoder = StreamDecoder()
    out: list[Frame | FrameError] = []
    for lo, hi in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        out += decoder.feed(stream[lo:hi])
    assert out == [frame]


# Raw bytes biased towards what confuses a decoder: start bytes, end bytes, wake-up bytes and
# pieces of real frames.
_fragments = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"\x68", b"\x16", b"\xfe", b"\xc9", *GOLDEN_RAW]),
    frames.map(encode),
)
streams = st.lists(_fragments, max_size=12).map(b"".join)


@given(stream=streams, data=st.data())
@settings(max_examples=200)
def test_stream_decoder_never_raises(stream: bytes, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    decoder = StreamDecoder()
    for lo, hi in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        for item in decoder.feed(stream[lo:hi]):
            assert isinstance(item, (Frame, FrameError))
        # Whatever the input, the decoder holds at most one incomplete frame candidate.
        assert len(decoder._buf) < 12 + MAX_DATA_LEN


@given(raw=streams)
@settings(max_examples=200)
def test_decode_raises_only_frame_error(raw: bytes) -> None:
    # Any other exception escapes and fails the test.
    try:
        frame = decode(raw)
    except FrameError as err:
        assert isinstance(err.kind, FrameKind)
        assert str(err)
    else:
        assert isinstance(frame, Frame)
