"""DL/T 698.45 frame codec: golden frames (two printed in the standard, the others written by
hand) fed whole, split and byte by byte; every typed rejection; "never crashes" properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt698.codec import (
    AddressType,
    Frame,
    Function,
    ServerAddress,
    StreamDecoder,
    control_byte,
    decode,
    encode,
    parse,
    server_address,
)
from drivers.errors import FrameError, FrameKind


def reference_crc(data: bytes) -> int:
    """CRC-16/X-25 bit by bit (independent of drivers.dlt698.crc)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def build(control: int, af: int, sa: bytes, ca: int, apdu: bytes, *, length: int = 0) -> bytes:
    """A frame with correct HCS/FCS from the reference CRC; ``length`` overrides L."""
    size = length or 2 + 1 + 1 + len(sa) + 1 + 2 + len(apdu) + 2
    head = size.to_bytes(2, "little") + bytes((control, af)) + sa + bytes((ca,))
    body = head + reference_crc(head).to_bytes(2, "little") + apdu
    return b"\x68" + body + reference_crc(body).to_bytes(2, "little") + b"\x16"


# ----------------------------------------------------------------------------- golden frames
# DL/T 698.45 appendix H: the master reads 40010200 (communication address) with a wildcard
# SA (AF 45: wildcard, 6 bytes), CA 00, PIID 25; and the meter 000039200933 answers.
STD_REQUEST = bytes.fromhex(
    "68 17 00 43 45 AA AA AA AA AA AA 00 5B 4F 05 01 25 40 01 02 00 00 0A 92 16"
)
STD_REPLY = bytes.fromhex(
    "68 21 00 C3 05 33 09 20 39 00 00 00 4A 55 85 01 25 40 01 02 00 01 09 06 00 00 39 20 09"
    " 33 00 00 B2 D8 16"
)
# Written by hand, meter 123456789012 (SA on the wire 12 90 78 56 34 12, AF 05), CA 10.
# GET-Request NormalList, PIID 02, OADs 00100200 and 20000200, no time tag.
# L = 001C; HCS = CRC(1C 00 43 05 12 90 78 56 34 12 10) = 7C3B; FCS = 67A9.
LIST_REQUEST = bytes.fromhex(
    "FE FE FE FE 68 1C 00 43 05 12 90 78 56 34 12 10 3B 7C 05 02 02 02 00 10 02 00 20 00 02 00"
    " 00 A9 67 16"
)
# Its reply: 00100200 = array of 5 double-long-unsigned (123456, 12345, 22222, 0, 23456),
# 20000200 = array (2200, 2210, null). L = 0043, HCS = 18E0, FCS = 6F56.
LIST_REPLY = bytes.fromhex(
    "68 43 00 C3 05 12 90 78 56 34 12 10 E0 18 85 02 02 02 00 10 02 00 01 01 05 06 00 01 E2 40"
    " 06 00 00 30 39 06 00 00 56 CE 06 00 00 00 00 06 00 00 5B A0 20 00 02 00 01 01 03 12 08 98"
    " 12 08 A2 00 00 00 56 6F 16"
)
# GET-Response Normal, PIID 03: 30000200 -> DAR 4 (object undefined). HCS 4D9B, FCS 2AAB.
DAR_REPLY = bytes.fromhex(
    "68 1A 00 C3 05 12 90 78 56 34 12 10 9B 4D 85 01 03 30 00 02 00 00 04 00 00 AB 2A 16"
)
# LINK-Request (C 41, function 1), PIID-ACD 04, login, heartbeat 300 s,
# 2026-11-21 (Saturday = 6) 10:07:30.000. HCS 4CE3, FCS 771C.
LINK_LOGIN = bytes.fromhex(
    "68 1E 00 41 05 12 90 78 56 34 12 10 E3 4C 01 04 00 01 2C 07 EA 0B 15 06 0A 07 1E 00 00 1C"
    " 77 16"
)

SA = ServerAddress("123456789012")
GOLDEN: list[tuple[str, bytes, Frame]] = [
    (
        "standard-request",
        STD_REQUEST,
        Frame(0x43, ServerAddress("AAAAAAAAAAAA", AddressType.WILDCARD), 0x00, STD_REQUEST[14:-3]),
    ),
    ("standard-reply", STD_REPLY, Frame(0xC3, ServerAddress("000039200933"), 0, STD_REPLY[14:-3])),
    ("list-request", LIST_REQUEST, Frame(0x43, SA, 0x10, LIST_REQUEST[18:-3])),
    ("list-reply", LIST_REPLY, Frame(0xC3, SA, 0x10, LIST_REPLY[14:-3])),
    ("dar-reply", DAR_REPLY, Frame(0xC3, SA, 0x10, DAR_REPLY[14:-3])),
    ("link-login", LINK_LOGIN, Frame(0x41, SA, 0x10, LINK_LOGIN[14:-3])),
]
GOLDEN_IDS = [name for name, _raw, _frame in GOLDEN]
CASES = [(raw, frame) for _name, raw, frame in GOLDEN]

# Garbage around a frame, with stray 68s whose HCS cannot check.
GARBAGE_BEFORE = bytes.fromhex("00 FF 68 16 33 68 A5 FE FE")
GARBAGE_AFTER = bytes.fromhex("16 00 68 FE 99")


@pytest.mark.parametrize("raw", [raw for _n, raw, _f in GOLDEN], ids=GOLDEN_IDS)
def test_golden_checksums_agree_with_the_reference(raw: bytes) -> None:
    frame = raw.lstrip(b"\xfe")
    hcs_at = 5 + (frame[4] & 0x0F) + 1 + 1
    assert reference_crc(frame[1:hcs_at]) == int.from_bytes(frame[hcs_at : hcs_at + 2], "little")
    assert reference_crc(frame[1:-3]) == int.from_bytes(frame[-3:-1], "little")
    assert int.from_bytes(frame[1:3], "little") == len(frame) - 2


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=GOLDEN_IDS)
def test_golden_frame_decodes(raw: bytes, frame: Frame) -> None:
    assert decode(raw) == frame


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=GOLDEN_IDS)
def test_golden_frame_encodes(raw: bytes, frame: Frame) -> None:
    wake_up = len(raw) - len(raw.lstrip(b"\xfe"))
    assert encode(frame, wake_up=wake_up) == raw


def test_control_bits_of_the_golden_frames() -> None:
    request, reply, login = decode(LIST_REQUEST), decode(LIST_REPLY), decode(LINK_LOGIN)
    assert (request.from_server, request.client_started, request.function) == (False, True, 3)
    assert (reply.from_server, reply.client_started, reply.function) == (True, True, 3)
    assert login.function == Function.LINK
    assert control_byte(Function.USER_DATA, from_server=False) == 0x43
    assert control_byte(Function.USER_DATA, from_server=True) == 0xC3
    assert control_byte(Function.LINK, from_server=True, client_started=False) == 0x81


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=GOLDEN_IDS)
def test_stream_whole_with_garbage_around(raw: bytes, frame: Frame) -> None:
    decoder = StreamDecoder()
    assert decoder.feed(GARBAGE_BEFORE + raw + GARBAGE_AFTER) == [frame]
    # The trailing garbage (with its stray 68) is dropped, not taken for a frame start.
    assert decoder.feed(DAR_REPLY) == [decode(DAR_REPLY)]


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=GOLDEN_IDS)
def test_stream_in_two_halves_at_every_split(raw: bytes, frame: Frame) -> None:
    stream = GARBAGE_BEFORE + b"\xfe\xfe" + raw + GARBAGE_AFTER
    for cut in range(len(stream) + 1):
        decoder = StreamDecoder()
        out = decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])
        assert out == [frame], f"split at {cut}"


@pytest.mark.parametrize(("raw", "frame"), CASES, ids=GOLDEN_IDS)
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
    # Complete exactly at its end byte: the length field drives the decoder, not a silence.
    assert emitted_at == [len(GARBAGE_BEFORE) + len(raw) - 1]


def test_stream_frames_back_to_back_in_one_chunk() -> None:
    decoder = StreamDecoder()
    raws = [LIST_REQUEST, LIST_REPLY, STD_REPLY, DAR_REPLY]
    assert decoder.feed(b"".join(raws)) == [decode(r) for r in raws]


def test_parse_reports_garbage_to_drop_while_waiting() -> None:
    assert parse(b"\x00\x01\x02") == (None, 3)  # no 68: all garbage
    assert parse(b"\x00\xfe" + STD_REQUEST[:10]) == (None, 2)
    # A stray 68 whose header is not complete yet cannot be judged: the decoder waits there.
    assert parse(GARBAGE_BEFORE + STD_REQUEST[:10]) == (None, GARBAGE_BEFORE.rindex(0x68))


# ----------------------------------------------------------------------------- rejections
SA_WIRE = bytes.fromhex("12 90 78 56 34 12")
APDU = bytes.fromhex("85 01 03 30 00 02 00 00 04 00 00")


def rejection(raw: bytes) -> FrameError:
    """The error the stream reports for ``raw``, which must be the same from ``decode``."""
    (error,) = StreamDecoder().feed(raw)
    assert isinstance(error, FrameError)
    with pytest.raises(FrameError) as info:
        decode(raw)
    assert str(info.value) == str(error)
    return error


def test_fcs_mismatch_says_expected_and_actual() -> None:
    bad = bytearray(DAR_REPLY)
    bad[-3] ^= 0xFF
    error = rejection(bytes(bad))
    assert error.kind is FrameKind.CHECKSUM
    assert str(error) == f"FCS mismatch: expected 2AAB, got {0x2AAB ^ 0xFF:04X}"


def test_corrupt_payload_is_an_fcs_error_and_the_stream_goes_on() -> None:
    bad = bytearray(LIST_REPLY)
    bad[30] ^= 0x04
    decoder = StreamDecoder()
    out = decoder.feed(bytes(bad) + LIST_REPLY)
    assert isinstance(out[0], FrameError)
    assert out[0].kind is FrameKind.CHECKSUM
    assert "FCS" in str(out[0])
    assert out[1:] == [decode(LIST_REPLY)]


def test_hcs_mismatch_is_named_by_decode() -> None:
    bad = bytearray(DAR_REPLY)
    bad[12] ^= 0x01  # HCS low byte
    with pytest.raises(FrameError) as info:
        decode(bytes(bad))
    assert info.value.kind is FrameKind.CHECKSUM
    assert str(info.value) == "HCS mismatch: expected 4D9B, got 4D9A"


def test_corrupt_header_is_skipped_by_the_stream() -> None:
    # Without a header that checks, L cannot be trusted: the stream resynchronises silently.
    bad = bytearray(DAR_REPLY)
    bad[6] ^= 0x10
    assert StreamDecoder().feed(bytes(bad) + STD_REPLY) == [decode(STD_REPLY)]


def test_wrong_end_byte() -> None:
    error = rejection(DAR_REPLY[:-1] + b"\x17")
    assert error.kind is FrameKind.END_BYTE
    assert str(error) == "end byte: expected 16, got 17"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DAR_REPLY[:-1], "frame truncated: expected 28 bytes, got 27"),
        (DAR_REPLY[:9], "frame truncated: expected at least 14 bytes, got 9"),
        (b"\xfe\xfe\x68\x1a", "frame truncated: expected at least 5 bytes, got 2"),
    ],
    ids=["body", "header", "length"],
)
def test_truncated(raw: bytes, message: str) -> None:
    with pytest.raises(FrameError) as info:
        decode(raw)
    assert info.value.kind is FrameKind.TRUNCATED
    assert str(info.value) == message
    assert StreamDecoder().feed(raw) == []  # the stream just waits for more


def test_no_start_byte() -> None:
    with pytest.raises(FrameError, match="no start byte 68") as info:
        decode(b"\xfe\xfe\x00\x16")
    assert info.value.kind is FrameKind.HEADER


@pytest.mark.parametrize(
    ("af", "sa", "message"),
    [
        (0x05, bytes.fromhex("1B 90 78 56 34 12"), "single server address"),
        (0x05, bytes.fromhex("12 90 78 56 34 AA"), "single server address"),  # A is a wildcard
        (0x45, bytes.fromhex("AA AA AA AA AA FA"), "wildcard server address"),
        (0x85, bytes.fromhex("12 90 78 56 34 1A"), "group server address"),
    ],
    ids=["not-bcd", "wildcard-in-single", "bad-wildcard", "wildcard-in-group"],
)
def test_bad_server_address(af: int, sa: bytes, message: str) -> None:
    error = rejection(build(0xC3, af, sa, 0x10, APDU))
    assert error.kind is FrameKind.HEADER
    assert message in str(error)
    assert "is not BCD" in str(error)


@pytest.mark.parametrize(
    ("length", "kind", "message"),
    [
        (0x8000 | 0x1A, FrameKind.LENGTH, "reserved bit 15"),
        (0x0D, FrameKind.LENGTH, "length 13 is impossible: this header needs at least 16"),
        (0x4000 | 0x01, FrameKind.UNSUPPORTED, "counts kilobytes"),
    ],
    ids=["reserved-bit", "too-short", "kilobytes"],
)
def test_impossible_or_unsupported_length(length: int, kind: FrameKind, message: str) -> None:
    raw = build(0xC3, 0x05, SA_WIRE, 0x10, APDU, length=length)
    (error, *_rest) = StreamDecoder().feed(raw)
    assert isinstance(error, FrameError)
    assert error.kind is kind
    assert message in str(error)
    with pytest.raises(FrameError, match=message):
        decode(raw)


@pytest.mark.parametrize(
    ("control", "message"),
    [(0xE3, "fragmented"), (0xCB, "scrambled")],
    ids=["fragment", "scramble"],
)
def test_fragmented_and_scrambled_frames_are_unsupported(control: int, message: str) -> None:
    error = rejection(build(control, 0x05, SA_WIRE, 0x10, APDU))
    assert error.kind is FrameKind.UNSUPPORTED
    assert message in str(error)


def test_stream_recovers_after_each_rejection() -> None:
    rejected = [
        DAR_REPLY[:-1] + b"\x17",
        build(0xE3, 0x05, SA_WIRE, 0x10, APDU),
        build(0xC3, 0x05, SA_WIRE, 0x10, APDU, length=0x800D),
    ]
    out = StreamDecoder().feed(b"".join(rejected) + STD_REPLY)
    assert [type(o) for o in out[:-1]] == [FrameError] * len(out[:-1])
    assert out[-1] == decode(STD_REPLY)


# ----------------------------------------------------------------------------- addresses


def test_server_address_helpers() -> None:
    assert server_address("aaaaaaaaaaaa") == ServerAddress("AAAAAAAAAAAA", AddressType.WILDCARD)
    assert server_address("123456789012").af == 0x05
    assert ServerAddress("AA", AddressType.BROADCAST).af == 0xC0
    assert ServerAddress("12", AddressType.GROUP, logical=2).af == 0xA0
    assert ServerAddress("12345678901A", AddressType.WILDCARD).matches("123456789019")
    assert not ServerAddress("12345678901A", AddressType.WILDCARD).matches("123456789109")
    assert not ServerAddress("AA", AddressType.BROADCAST).matches("AA")
    assert SA.matches("123456789012") and not SA.matches("123456789013")


@pytest.mark.parametrize(
    ("address", "kind", "logical"),
    [("12345", AddressType.SINGLE, 0), ("1234567890AB", AddressType.WILDCARD, 0),
     ("12A4", AddressType.SINGLE, 0), ("12", AddressType.SINGLE, 4), ("", AddressType.SINGLE, 0),
     ("1" * 34, AddressType.SINGLE, 0)],
)  # fmt: skip
def test_server_address_validation(address: str, kind: AddressType, logical: int) -> None:
    with pytest.raises(ValueError):
        ServerAddress(address, kind, logical)


def test_encode_refuses_impossible_frames() -> None:
    with pytest.raises(ValueError):
        encode(Frame(0x43, SA, 0x10, b""))
    with pytest.raises(ValueError):
        encode(Frame(0x143, SA, 0x10, b"\x05"))
    with pytest.raises(ValueError):
        encode(Frame(0x43, SA, 0x10, bytes(0x4000)))


# ----------------------------------------------------------------------------- properties
DIGITS = "0123456789"


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    kind = draw(st.sampled_from(AddressType))
    alphabet = DIGITS + "A" if kind.allows_wildcard else DIGITS
    size = draw(st.integers(1, 16))
    address = draw(st.text(alphabet, min_size=2 * size, max_size=2 * size))
    control = draw(st.integers(0, 255)) & ~0x28  # no fragment or scrambling bit
    server = ServerAddress(address, kind, draw(st.integers(0, 3)))
    return Frame(
        control, server, draw(st.integers(0, 255)), draw(st.binary(min_size=1, max_size=200))
    )


@given(frames(), st.integers(0, 4))
def test_round_trip(frame: Frame, wake_up: int) -> None:
    assert decode(encode(frame, wake_up=wake_up)) == frame


@given(
    st.lists(
        st.tuples(frames(), st.binary(max_size=8).filter(lambda g: 0x68 not in g)), max_size=4
    ),
    st.lists(st.integers(1, 40), min_size=1, max_size=10),
)
def test_stream_of_frames_in_arbitrary_chunks(
    items: list[tuple[Frame, bytes]], chunk_sizes: list[int]
) -> None:
    stream = b"".join(garbage + encode(frame) for frame, garbage in items)
    decoder = StreamDecoder()
    out: list[Frame | FrameError] = []
    pos = i = 0
    while pos < len(stream):
        size = chunk_sizes[i % len(chunk_sizes)]
        out += decoder.feed(stream[pos : pos + size])
        pos, i = pos + size, i + 1
    assert out == [frame for frame, _garbage in items]


@given(st.binary(max_size=120))
def test_any_bytes_parse_never_raises(data: bytes) -> None:
    result, consumed = parse(data)
    assert 0 <= consumed <= len(data)
    assert result is None or isinstance(result, (Frame, FrameError))
    if result is not None:
        assert consumed > 0


@given(st.binary(max_size=120))
def test_any_bytes_decode_raises_only_frame_errors(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode(data)


@given(st.lists(st.binary(max_size=30), max_size=8))
def test_any_chunks_stream_never_raises(chunks: list[bytes]) -> None:
    decoder = StreamDecoder()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            assert isinstance(item, (Frame, FrameError))


@given(st.binary(min_size=1, max_size=60), st.integers(0, 40))
def test_any_bytes_after_a_header_that_checks(tail: bytes, length: int) -> None:
    # Valid headers with arbitrary L and content: the path past the HCS check, fuzzed.
    head = (length or 1).to_bytes(2, "little") + bytes((0xC3, 0x05)) + SA_WIRE + b"\x10"
    raw = b"\x68" + head + reference_crc(head).to_bytes(2, "little") + tail
    with contextlib.suppress(FrameError):
        decode(raw)
    for item in StreamDecoder().feed(raw):
        assert isinstance(item, (Frame, FrameError))


def test_decode_diagnoses_the_frame_behind_leading_junk() -> None:
    # A stray 68 before a frame cut short: the report is about the frame, not the junk.
    with pytest.raises(FrameError, match="expected 28 bytes, got 20") as info:
        decode(b"\x68\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + DAR_REPLY[:20])
    assert info.value.kind is FrameKind.TRUNCATED
