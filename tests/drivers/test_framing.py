"""The shared 68 ... CS 16 frame scanner: DL/T 645 and Q/GDW 1376.1 fed the same kinds of broken
input (garbage, wake-up bytes, stray 68s, truncation, bad checksum, bad end byte, bad header,
impossible length) whole, in two pieces at every cut and byte by byte, with the same results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from drivers import framing
from drivers.dlt645 import codec as dlt645
from drivers.errors import FrameError, FrameKind
from drivers.gdw376 import codec as gdw376

Key = tuple[object, ...]


@dataclass(frozen=True)
class Codec:
    name: str
    parse: Callable[[bytes], tuple[object, int]]
    new_decoder: Callable[[], framing.StreamDecoder[object]]
    decode: Callable[[bytes], object]
    checksum_from: int  # where the byte sum starts, from the first 68
    frames: tuple[bytes, bytes]  # two valid frames
    bad_header: Callable[[bytes], bytes]  # a frame whose header the protocol refuses
    bad_header_consumed: int  # what parse skips for it: the frame, or just its first 68
    impossible_length: Callable[[bytes], bytes]


def resum(raw: bytes, checksum_from: int) -> bytes:
    """``raw`` with its CS made right again after a change to the bytes CS covers."""
    return raw[:-2] + bytes((sum(raw[checksum_from:-2]) & 0xFF, raw[-1]))


def with_byte(raw: bytes, index: int, value: int) -> bytes:
    out = bytearray(raw)
    out[index] = value
    return bytes(out)


def _dlt645_frame(control: int, data: bytes) -> bytes:
    return dlt645.encode(dlt645.Frame("123456789012", control, data))


def _gdw376_frame(afn: int, data: bytes) -> bytes:
    return gdw376.encode(gdw376.Frame(0xC9, gdw376.Address("3301", 0x1234), afn, 0x70, data))


DLT645 = Codec(
    name="dlt645",
    parse=dlt645.parse,
    new_decoder=dlt645.StreamDecoder,
    decode=dlt645.decode,
    checksum_from=0,
    # The first has no 68 where a resynchronising scan could take it for a second start; the
    # second's CS is 68 (reading 00010000), which must not open a candidate of its own.
    frames=(_dlt645_frame(0x11, b"\x00\x00\x02\x00"), _dlt645_frame(0x11, b"\x00\x00\x01\x00")),
    # Address byte A0 = FB: not BCD; CS made right so that the address is what fails.
    bad_header=lambda raw: resum(with_byte(raw, 1, 0xFB), 0),
    bad_header_consumed=-1,  # the whole frame: its length was sound
    impossible_length=lambda raw: with_byte(raw, 9, dlt645.MAX_DATA_LEN + 1),
)
GDW376 = Codec(
    name="gdw376",
    parse=gdw376.parse,
    new_decoder=gdw376.StreamDecoder,
    decode=gdw376.decode,
    checksum_from=gdw376.HEADER_LEN,
    frames=(_gdw376_frame(0x02, b"\x00\x00\x01\x00"), _gdw376_frame(0x0C, b"\x00\x00\x02\x00")),
    # The second length field differs from the first: the length cannot be trusted.
    bad_header=lambda raw: with_byte(raw, 3, raw[3] ^ 0x04),
    bad_header_consumed=1,
    # User data of 7 bytes in both length fields, below the 8 that C, A, AFN and SEQ take.
    impossible_length=lambda raw: raw[:1] + (7 << 2 | 2).to_bytes(2, "little") * 2 + raw[5:],
)
CODECS = [DLT645, GDW376]
CODEC_IDS = [codec.name for codec in CODECS]

WAKE_UP = b"\xfe\xfe\xfe\xfe"
GARBAGE = bytes.fromhex("00 FF 16 33 A5")  # no 68: it cannot open a candidate
STRAY_68 = bytes.fromhex("68 00 00 00 00 00 00 00 00")  # a 68 with no second 68 after it


def key(result: object) -> Key:
    """Results made comparable: a FrameError has no equality of its own."""
    if isinstance(result, FrameError):
        return ("error", result.kind, str(result))
    return ("frame", result)


def fed_whole(codec: Codec, stream: bytes) -> list[Key]:
    return [key(r) for r in codec.new_decoder().feed(stream)]


def fed_in_two(codec: Codec, stream: bytes, cut: int) -> list[Key]:
    decoder = codec.new_decoder()
    return [key(r) for r in decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])]


def fed_byte_by_byte(codec: Codec, stream: bytes) -> list[Key]:
    decoder = codec.new_decoder()
    return [key(r) for i in range(len(stream)) for r in decoder.feed(stream[i : i + 1])]


def assert_same_however_fed(codec: Codec, stream: bytes) -> list[Key]:
    whole = fed_whole(codec, stream)
    for cut in range(len(stream) + 1):
        assert fed_in_two(codec, stream, cut) == whole, f"{codec.name}: cut at {cut}"
    assert fed_byte_by_byte(codec, stream) == whole, f"{codec.name}: byte by byte"
    return whole


def test_both_codecs_parse_through_the_shared_scanner() -> None:
    for codec in CODECS:
        assert codec.parse.__module__ == framing.__name__, codec.name
        assert codec.parse.__qualname__ == "frame_scanner.<locals>.parse", codec.name


@pytest.mark.parametrize("codec", CODECS, ids=CODEC_IDS)
def test_garbage_wake_up_bytes_and_stray_68s_are_skipped(codec: Codec) -> None:
    first, second = codec.frames
    stream = WAKE_UP + GARBAGE + STRAY_68 + first + GARBAGE + WAKE_UP + second + GARBAGE
    frame_1, frame_2 = codec.decode(first), codec.decode(second)
    assert assert_same_however_fed(codec, stream) == [key(frame_1), key(frame_2)]
    prefix = len(WAKE_UP + GARBAGE + STRAY_68)
    assert codec.parse(stream) == (frame_1, prefix + len(first))
    assert codec.parse(GARBAGE) == (None, len(GARBAGE))
    assert codec.parse(b"\x68" + first) == (frame_1, 1 + len(first))  # a 68 just before
    # A 68 that might still open a header is kept: the bytes before it are dropped.
    assert codec.parse(GARBAGE + b"\x68") == (None, len(GARBAGE))
    padded = STRAY_68 + bytes(4)  # long enough for either header
    assert codec.parse(padded) == (None, len(padded))


@pytest.mark.parametrize("codec", CODECS, ids=CODEC_IDS)
def test_a_truncated_frame_waits_for_the_rest(codec: Codec) -> None:
    first, _second = codec.frames
    for cut in range(1, len(first)):
        assert codec.parse(GARBAGE + first[:cut]) == (None, len(GARBAGE)), f"cut {cut}"
        with pytest.raises(FrameError) as info:
            codec.decode(first[:cut])
        assert info.value.kind == FrameKind.TRUNCATED, f"cut {cut}"
    assert assert_same_however_fed(codec, GARBAGE + first[:-1]) == []
    decoder = codec.new_decoder()
    assert decoder.feed(first[:-1]) == []
    assert [key(r) for r in decoder.feed(first[-1:])] == [key(codec.decode(first))]


BROKEN: list[tuple[str, FrameKind, str]] = [
    ("bad-checksum", FrameKind.CHECKSUM, "checksum mismatch"),
    ("bad-end-byte", FrameKind.END_BYTE, "end byte: expected 16, got 00"),
    ("bad-header", FrameKind.HEADER, ""),
    ("impossible-length", FrameKind.LENGTH, ""),
]


def broken(codec: Codec, how: str) -> tuple[bytes, int]:
    """The first frame broken ``how``, and what ``parse`` consumes for it."""
    first = codec.frames[0]
    if how == "bad-checksum":
        return with_byte(first, -2, first[-2] ^ 0x5A), len(first)
    if how == "bad-end-byte":
        return with_byte(first, -1, 0x00), len(first)
    if how == "bad-header":
        raw = codec.bad_header(first)
        return raw, len(raw) if codec.bad_header_consumed < 0 else codec.bad_header_consumed
    assert how == "impossible-length"
    return codec.impossible_length(first), 1  # the length cannot be trusted: skip the 68 only


@pytest.mark.parametrize("codec", CODECS, ids=CODEC_IDS)
@pytest.mark.parametrize(("how", "kind", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_frame_is_reported_then_the_next_one_found(
    codec: Codec, how: str, kind: FrameKind, words: str
) -> None:
    raw, consumed = broken(codec, how)
    _first, second = codec.frames
    result, got = codec.parse(GARBAGE + raw + second)
    assert isinstance(result, FrameError)
    assert (result.kind, got) == (kind, len(GARBAGE) + consumed)
    assert words in str(result)
    with pytest.raises(FrameError) as info:
        codec.decode(raw)
    assert (info.value.kind, str(info.value)) == (kind, str(result))

    out = assert_same_however_fed(codec, WAKE_UP + GARBAGE + raw + second)
    # The rejection first, then (after whatever else the skipped bytes held, never a frame)
    # the good frame that follows.
    assert out[0] == key(result)
    assert out[-1] == key(codec.decode(second))
    assert all(item[0] == "error" for item in out[:-1])


@pytest.mark.parametrize("codec", CODECS, ids=CODEC_IDS)
def test_a_frame_spoiled_in_any_byte_gives_the_same_results_however_fed(codec: Codec) -> None:
    """Each byte of a frame set to each of 00, 16, 68 and FF in turn, the other frame after it:
    whatever the scanner makes of it (a spoiled length may swallow the next frame), it makes
    the same of it whole, in two pieces at every cut and byte by byte, and never raises."""
    first, second = codec.frames
    for index in range(len(first)):
        for value in (0x00, 0x16, 0x68, 0xFF):
            stream = with_byte(first, index, value) + second
            out = assert_same_however_fed(codec, stream)
            if first[index] != value:
                assert out[:1] != [key(codec.decode(first))], f"byte {index} = {value:02X}"
            result, consumed = codec.parse(stream)
            assert 0 <= consumed <= len(stream)
            assert (key(result) if result is not None else None) == (out[0] if out else None)


def test_a_scanner_for_a_made_up_protocol_uses_every_parameter() -> None:
    """``68 L 68 <L bytes> CS 16`` with CS over the body only and L at most 4."""

    def body_length(buf: bytes | bytearray, i: int) -> int:
        if buf[i + 1] > 4:
            raise FrameError(FrameKind.LENGTH, f"length {buf[i + 1]} over 4")
        return buf[i + 1]

    def build(checked: bytes) -> bytes:
        assert type(checked) is bytes  # even out of a StreamDecoder's bytearray
        if checked == b"\xee":
            raise FrameError(FrameKind.VALUE_FORMAT, "EE is refused")
        return checked

    parse = framing.frame_scanner(
        header_len=3, second_start=2, body_length=body_length, checksum_from=3, build=build
    )
    assert parse(bytes.fromhex("00 68 02 68 01 02 03 16")) == (b"\x01\x02", 8)
    assert parse(bytearray.fromhex("68 00 68 00 16")) == (b"", 5)
    assert parse(bytes.fromhex("68 02 68 01 02")) == (None, 0)
    assert parse(bytes.fromhex("68 02 00 68 02 68")) == (None, 3)  # the stray 68 dropped
    for raw, kind, consumed in [
        ("68 05 68", FrameKind.LENGTH, 1),
        ("68 01 68 01 02 16", FrameKind.CHECKSUM, 6),
        ("68 01 68 01 01 17", FrameKind.END_BYTE, 6),
        ("68 01 68 EE EE 16", FrameKind.VALUE_FORMAT, 6),
    ]:
        result, got = parse(bytes.fromhex(raw))
        assert isinstance(result, FrameError), raw
        assert (result.kind, got) == (kind, consumed), raw
    decoder = framing.StreamDecoder(parse)
    assert [decoder.feed(bytes((b,))) for b in bytes.fromhex("FE 68 01 68 07 07 16")] == [
        [],
        [],
        [],
        [],
        [],
        [],
        [b"\x07"],
    ]
