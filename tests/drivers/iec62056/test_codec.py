"""IEC 62056-21 mode C codec: hand-made golden messages fed whole, split and byte by byte, the
enhanced-capability escapes, every typed rejection, and the "never crashes on any bytes" property."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import FrameError, FrameKind
from drivers.iec62056.codec import StreamDecoder, decode, encode, parse
from drivers.iec62056.dataset import DataSet, Value
from drivers.iec62056.messages import (
    Ack,
    Command,
    DataMessage,
    Identification,
    Message,
    Nak,
    OptionSelect,
    SignOn,
)

# ----------------------------------------------------------------------------- golden messages
# BCC = XOR of every byte after the first SOH/STX up to and including ETX, worked out by hand
# (hex of each character in brackets, running XOR after the arrow).

# Break: B [42] 0 [30] -> 72, ETX [03] -> 71 ('q').
BREAK = b"\x01B0\x03\x71"
# Read 1.8.0: R [52] 1 [31] -> 63, STX -> 61, 1 -> 50, . [2E] -> 7E, 8 [38] -> 46, . -> 68,
# 0 [30] -> 58, ( [28] -> 70, ) [29] -> 59, ETX -> 5A ('Z').
READ_ENERGY = b"\x01R1\x021.8.0()\x03\x5a"
# Password: P [50] 1 [31] -> 61, STX -> 63, ( -> 4B, eight '0' cancel out -> 4B, ) -> 62,
# ETX -> 61 ('a').
PASSWORD = b"\x01P1\x02(00000000)\x03\x61"
# Operand from the meter: P [50] 0 [30] -> 60, STX -> 62, ( -> 4A, 1..7 [31..37] XOR to 30
# -> 7A, ) -> 53, ETX -> 50 ('P').
OPERAND = b"\x01P0\x02(1234567)\x03\x50"
# Write the time: W [57] 1 -> 66, STX -> 64, 0 -> 54, . -> 7A, 9 [39] -> 43, . -> 6D,
# 1 -> 5C, ( -> 74, 1 -> 45, 2 [32] -> 77, : [3A] -> 4D, 3 [33] -> 7E, 4 [34] -> 4A, : -> 70,
# 5 [35] -> 45, 6 [36] -> 73, ) -> 5A, ETX -> 59 ('Y').
WRITE_TIME = b"\x01W1\x020.9.1(12:34:56)\x03\x59"
# Programming-mode answer: 1 -> 31, . -> 1F, 8 -> 27, . -> 09, 0 -> 39, ( -> 11, 0 -> 21,
# 1 -> 10, 2 -> 22, 3 -> 11, 4 -> 25, 5 -> 10, . -> 3E, 6 -> 08, 7 -> 3F, * [2A] -> 15,
# k [6B] -> 7E, W [57] -> 29, h [68] -> 41, ) -> 68, ETX -> 6B ('k').
ANSWER = b"\x021.8.0(012345.67*kWh)\x03\x6b"
# Readout: the line above XORs to 68, CR LF [0D 0A] -> 6F, ! [21] -> 4E, CR LF -> 49,
# ETX -> 4A ('J').
READOUT = b"\x021.8.0(012345.67*kWh)\r\n!\r\n\x03\x4a"
# Two values on one line: 1.6.0( -> 1F, 001.234 -> 35, *kW) -> 0A, (26-11-21 10:15) -> 13,
# CR LF -> 14, ! -> 35, CR LF -> 32, ETX -> 31 ('1').
READOUT_DEMAND = b"\x021.6.0(001.234*kW)(26-11-21 10:15)\r\n!\r\n\x03\x31"
# Error: ( -> 28, E [45] -> 6D, R [52] -> 3F, 0 -> 0F, 1 -> 3E, ) -> 17, ETX -> 14.
ERROR = b"\x02(ER01)\x03\x14"
# Full-form address: 1-0:1.8.0*255 -> 37, ( -> 1F, 000123.45 -> 1A... -> *kWh) -> 67, ETX -> 64.
ANSWER_FULL = b"\x021-0:1.8.0*255(000123.45*kWh)\x03\x64"

ENERGY = DataSet("1.8.0", (Value("012345.67", "kWh"),))
GOLDEN: list[tuple[str, bytes, Message, bool]] = [  # name, bytes, message, sent by the meter
    ("sign-on", b"/?!\r\n", SignOn(), False),
    ("sign-on-addressed", b"/?12345678!\r\n", SignOn("12345678"), False),
    ("identification", b"/SMC5SMCDDZY\r\n", Identification("SMC", "5", "SMCDDZY"), True),
    (
        "identification-enhanced",
        b"/LGZ5\\2ZMD3104100\r\n",
        Identification("LGZ", "5", "ZMD3104100", ("2",)),
        True,
    ),
    ("ack-readout", b"\x06050\r\n", OptionSelect("0", "5", "0"), False),
    ("ack-programming", b"\x06061\r\n", OptionSelect("0", "6", "1"), False),
    ("ack", b"\x06", Ack(), True),
    ("nak", b"\x15", Nak(), True),
    ("break", BREAK, Command("B0"), False),
    ("read", READ_ENERGY, Command("R1", DataSet("1.8.0", (Value(""),))), False),
    ("password", PASSWORD, Command("P1", DataSet("", (Value("00000000"),))), False),
    ("operand", OPERAND, Command("P0", DataSet("", (Value("1234567"),))), True),
    ("write-time", WRITE_TIME, Command("W1", DataSet("0.9.1", (Value("12:34:56"),))), False),
    ("answer", ANSWER, DataMessage(((ENERGY,),), readout=False), True),
    ("readout", READOUT, DataMessage(((ENERGY,),)), True),
    (
        "readout-demand",
        READOUT_DEMAND,
        DataMessage(((DataSet("1.6.0", (Value("001.234", "kW"), Value("26-11-21 10:15"))),),)),
        True,
    ),
    ("error", ERROR, DataMessage(((DataSet("", (Value("ER01"),)),),), readout=False), True),
    (
        "answer-full-address",
        ANSWER_FULL,
        DataMessage(((DataSet("1-0:1.8.0*255", (Value("000123.45", "kWh"),)),),), False),
        True,
    ),
]
IDS = [name for name, *_ in GOLDEN]
CASES = [(raw, message, from_meter) for _n, raw, message, from_meter in GOLDEN]
# No start character (/ SOH STX ACK NAK) in either, and nothing that continues an option select.
GARBAGE_BEFORE = b"\x00\x00\xfe\x7fxy\r\n"
GARBAGE_AFTER = b"\x00zz\xff"


@pytest.mark.parametrize(("raw", "message", "from_meter"), CASES, ids=IDS)
def test_golden_message_decodes(raw: bytes, message: Message, from_meter: bool) -> None:
    assert decode(raw) == message
    assert decode(GARBAGE_BEFORE + raw + GARBAGE_AFTER) == message


@pytest.mark.parametrize(("raw", "message", "from_meter"), CASES, ids=IDS)
def test_golden_message_encodes(raw: bytes, message: Message, from_meter: bool) -> None:
    assert encode(message) == raw


@pytest.mark.parametrize(("raw", "message", "from_meter"), CASES, ids=IDS)
def test_stream_in_two_halves_at_every_split(
    raw: bytes, message: Message, from_meter: bool
) -> None:
    stream = GARBAGE_BEFORE + raw + GARBAGE_AFTER
    for cut in range(len(stream) + 1):
        decoder = StreamDecoder(from_meter=from_meter)
        assert decoder.feed(stream[:cut]) + decoder.feed(stream[cut:]) == [message], cut


@pytest.mark.parametrize(("raw", "message", "from_meter"), CASES, ids=IDS)
def test_stream_byte_by_byte(raw: bytes, message: Message, from_meter: bool) -> None:
    decoder = StreamDecoder(from_meter=from_meter)
    stream = GARBAGE_BEFORE + raw + GARBAGE_AFTER
    emitted_at = []
    out: list[Message | FrameError] = []
    for i in range(len(stream)):
        got = decoder.feed(stream[i : i + 1])
        emitted_at += [i] * len(got)
        out += got
    assert out == [message]
    # Complete exactly at its last byte: the structure says so, not a pause.
    assert emitted_at == [len(GARBAGE_BEFORE) + len(raw) - 1]


def test_a_lone_ack_from_the_master_waits_for_the_next_byte() -> None:
    decoder = StreamDecoder(from_meter=False)
    assert decoder.feed(b"\x06") == []
    assert decoder.feed(b"0") == []  # an option select is starting
    assert decoder.feed(b"50\r\n") == [OptionSelect("0", "5", "0")]
    assert decoder.feed(b"\x06") == []
    assert decoder.feed(b"\x15") == [Ack(), Nak()]


def test_whole_conversation_in_one_chunk() -> None:
    decoder = StreamDecoder(from_meter=True)
    stream = b"/SMC5SMCDDZY\r\n" + OPERAND + b"\x06" + ANSWER + b"\x15" + BREAK
    assert decoder.feed(stream) == [
        decode(b"/SMC5SMCDDZY\r\n"),
        decode(OPERAND),
        Ack(),
        decode(ANSWER),
        Nak(),
        Command("B0"),
    ]


# ----------------------------------------------------------------------------- escapes


@pytest.mark.parametrize(
    ("raw", "identification", "enhanced"),
    [
        (b"/ISk5\\2MT382-1000\r\n", "MT382-1000", ("2",)),
        (b"/ABC6\\2\\@X1\r\n", "X1", ("2", "@")),
        (b"/ABC4ID\\2\\\\\r\n", "ID", ("2", "\\")),  # escapes after the text, and "\\\\"
        (b"/ABC4\r\n", "", ()),
    ],
)
def test_escape_sequences_are_capabilities_not_identification(
    raw: bytes, identification: str, enhanced: tuple[str, ...]
) -> None:
    message = decode(raw)
    assert isinstance(message, Identification)
    assert (message.identification, message.enhanced) == (identification, enhanced)


def test_sixteen_characters_of_identification_besides_the_escapes() -> None:
    message = decode(b"/ABC5\\2" + b"A" * 16 + b"\r\n")
    assert isinstance(message, Identification)
    assert message.identification == "A" * 16
    assert message.baud == 9600


# ----------------------------------------------------------------------------- rejections


def _flip_bcc(raw: bytes) -> bytes:
    return raw[:-1] + bytes((raw[-1] ^ 0x01,))


@pytest.mark.parametrize(
    ("raw", "kind", "words"),
    [
        (_flip_bcc(READOUT), FrameKind.CHECKSUM, "expected 4A, got 4B"),
        (_flip_bcc(READ_ENERGY), FrameKind.CHECKSUM, "expected 5A, got 5B"),
        (b"/SMC5SMC\r\x00", FrameKind.END_BYTE, "expected CR LF, got 0D 00"),
        (b"\x06050\r\x00", FrameKind.END_BYTE, "expected CR LF"),
        (b"/?123\r\n", FrameKind.HEADER, "expected '!'"),
        (b"/1MC5X\r\n", FrameKind.HEADER, "3 manufacturer letters"),
        (b"/ABC5X\\\r\n", FrameKind.HEADER, "after '\\'"),
        (b"xyz\x00", FrameKind.HEADER, "no message start"),
        (b"/?!\r", FrameKind.TRUNCATED, "expected CR LF"),
        (READOUT[:-1], FrameKind.TRUNCATED, "expected ETX and BCC"),
        (b"\x06050", FrameKind.TRUNCATED, "ACK V Z Y CR LF"),
        (b"/ABC5" + b"A" * 17 + b"\r\n", FrameKind.LENGTH, "at most 16 characters, got 17"),
        (b"/?" + b"1" * 33 + b"!\r\n", FrameKind.LENGTH, "longer than 32"),
        (b"/" + b"A" * 80, FrameKind.LENGTH, "no CR LF within 64 bytes"),
        (b"/ABC8X\r\n", FrameKind.VALUE_FORMAT, "'8' is reserved"),
        (b"\x060x0\r\n", FrameKind.VALUE_FORMAT, "expected digits"),
        (b"\x06090\r\n", FrameKind.VALUE_FORMAT, "'9' not '0'-'6'"),
        (b"/ABCEX\r\n", FrameKind.UNSUPPORTED, "mode B"),
        (b"/ABC?X\r\n", FrameKind.UNSUPPORTED, "mode A"),
    ],
)
def test_typed_rejections(raw: bytes, kind: FrameKind, words: str) -> None:
    with pytest.raises(FrameError) as info:
        decode(raw)
    assert info.value.kind is kind
    assert words in str(info.value)


def _with_bcc(body: bytes) -> bytes:
    """Test helper for rejections only (the golden vectors above are worked by hand)."""
    check = 0
    for byte in body[1:]:
        check ^= byte
    return body + bytes((check,))


@pytest.mark.parametrize(
    ("body", "kind", "words"),
    [
        (b"\x021.8.0(12a*kWh)\x03", FrameKind.VALUE_FORMAT, "expected a number before '*kWh'"),
        (b"\x021.8.0(12\r\n\x03", FrameKind.VALUE_FORMAT, "expected ')'"),
        (b"\x021.8.0 trailing\x03", FrameKind.VALUE_FORMAT, "expected '('"),
        (b"\x021.8.0(1*k*W)\x03", FrameKind.VALUE_FORMAT, "two '*'"),
        (b"\x02\xb1.8.0(1)\x03", FrameKind.VALUE_FORMAT, "above 7E"),
        (b"\x02ABCDEFGHIJKLMNOPQ(1)\x03", FrameKind.LENGTH, "longer than 16"),
        (b"\x01X1\x03", FrameKind.UNSUPPORTED, "not one of P W R E B"),
        (b"\x01RX\x03", FrameKind.HEADER, "a letter and a digit"),
        (b"\x01R1(1)\x03", FrameKind.HEADER, "expected STX or ETX"),
        (b"\x01R1\x02a(1)b(2)\x03", FrameKind.VALUE_FORMAT, "expected one data set"),
    ],
)
def test_typed_rejections_of_messages_with_a_good_bcc(
    body: bytes, kind: FrameKind, words: str
) -> None:
    with pytest.raises(FrameError) as info:
        decode(_with_bcc(body))
    assert info.value.kind is kind
    assert words in str(info.value)


def test_a_block_without_etx_is_cut_off_at_the_length_limit() -> None:
    result, consumed = parse(b"\x02" + b"1" * 40000)
    assert isinstance(result, FrameError)
    assert result.kind is FrameKind.LENGTH
    assert consumed == 1


def test_a_corrupt_message_does_not_hide_the_next_one() -> None:
    decoder = StreamDecoder(from_meter=True)
    out = decoder.feed(_flip_bcc(ANSWER) + READOUT)
    assert [type(x) for x in out] == [FrameError, DataMessage]
    assert out[1] == decode(READOUT)


def test_error_reply_is_recognised() -> None:
    message = decode(ERROR)
    assert isinstance(message, DataMessage)
    assert message.error == "ER01"
    answer = decode(ANSWER)
    assert isinstance(answer, DataMessage)
    assert answer.error is None


@pytest.mark.parametrize(
    "message",
    [
        SignOn("12 4"),
        Identification("SM1", "5", "X"),
        Identification("SMC", "9", "X"),
        Identification("SMC", "5", "A/B"),
        Identification("SMC", "5", "X", ("!",)),
        OptionSelect("0", "7", "0"),
        Command("X1"),
        Command("R1", DataSet("1.8.0", ())),
        DataMessage(((DataSet("1.8.0", (Value("1)"),)),),)),
        DataMessage(((DataSet("1.8.0", (Value("x", "kWh"),)),),)),
        DataMessage(((DataSet("1.8.0", (Value("1"),)), DataSet("", (Value("2"),))),)),
    ],
)
def test_encode_refuses_what_would_not_parse_back(message: Message) -> None:
    with pytest.raises(ValueError):
        encode(message)


# ----------------------------------------------------------------------------- properties

_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def _text(exclude: str, max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=exclude),
        min_size=min_size,
        max_size=max_size,
    )


_NUMBERS = st.from_regex(r"[+-]?[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True)
values = st.one_of(
    st.builds(Value, _text("()*/!", 20)),
    st.builds(Value, _NUMBERS, _text("()*/!", 16, min_size=1)),
)
addresses = _text("()/!", 16, min_size=1)


@st.composite
def data_lines(draw: st.DrawFn) -> tuple[DataSet, ...]:
    first = draw(st.one_of(st.just(""), addresses))
    # Kept small: a message of several lines of several data sets stays well inside what
    # hypothesis can generate quickly on a loaded CI machine (its too_slow health check).
    rest = draw(st.lists(addresses, max_size=1))
    return tuple(
        DataSet(a, tuple(draw(st.lists(values, min_size=1, max_size=2)))) for a in [first, *rest]
    )


messages = st.one_of(
    st.builds(SignOn, st.text(st.sampled_from("0123456789ABCxyz"), max_size=32)),
    st.builds(
        Identification,
        st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz"), min_size=3, max_size=3),
        st.sampled_from("0123456"),
        _text("/!\\", 16),
        st.lists(_text("/!", 1, min_size=1), max_size=3).map(tuple),
    ),
    st.builds(
        OptionSelect,
        st.sampled_from("0123456789"),
        st.sampled_from("0123456"),
        st.sampled_from("0123456789"),
    ),
    st.just(Ack()),
    st.just(Nak()),
    st.builds(
        Command,
        st.tuples(st.sampled_from("PWREB"), st.sampled_from("0123456789")).map("".join),
        st.one_of(st.none(), data_lines().map(lambda line: line[0])),
    ),
    st.builds(DataMessage, st.lists(data_lines(), max_size=3).map(tuple), st.booleans()),
)


@given(messages)
def test_round_trip(message: Message) -> None:
    raw = encode(message)
    assert decode(raw) == message
    direction = isinstance(message, (Identification, DataMessage, Ack, Nak))
    assert StreamDecoder(from_meter=direction).feed(raw + b"\x00") == [message]


@given(st.binary(max_size=300), st.sampled_from([None, True, False]))
@settings(max_examples=400)
def test_any_bytes_give_a_message_need_more_data_or_a_frame_error(
    data: bytes, from_meter: bool | None
) -> None:
    result, consumed = parse(data, from_meter=from_meter)
    assert 0 <= consumed <= len(data)
    if result is not None:
        assert consumed > 0  # a stream decoder would otherwise spin
    with contextlib.suppress(FrameError):
        decode(data)


@given(
    st.lists(st.one_of(st.binary(max_size=40), messages.map(encode)), max_size=8),
    st.sampled_from([None, True, False]),
)
def test_stream_of_messages_and_noise_never_raises(
    chunks: list[bytes], from_meter: bool | None
) -> None:
    decoder = StreamDecoder(from_meter=from_meter)
    for chunk in chunks:
        for item in decoder.feed(chunk):
            assert isinstance(item, FrameError | Message)
