"""Q/GDW 1376.1 sessions, sans-IO: the master's request frames (control code, PW, PSEQ), the
reassembly of a multi-frame reply in ``Pending`` (late replies, broken sequences, denials,
confirmations), and the confirmations each side sends."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from drivers.errors import FrameError, FrameKind, MeterRejectedError
from drivers.gdw376.codec import (
    CON,
    DIR_UPLINK,
    FIN,
    FIR,
    PRM_START,
    Address,
    Frame,
    decode,
    encode,
)
from drivers.gdw376.session import (
    CONFIRM_ALL,
    CONFIRM_EACH,
    DENY_ALL,
    FN_CONFIRM,
    FN_DENY,
    FN_LINK_STATUS,
    FN_REQUEST_1,
    FN_REQUEST_2,
    FN_RESPONSE,
    Afn,
    DeniedError,
    LinkFn,
    MasterSession,
    Pending,
    TerminalSession,
    confirmation,
)
from drivers.gdw376.units import DataUnit, decode_units, encode_units

TERMINAL = Address("3301", 0x1234)
PASSWORD = bytes(range(16))
CLOCK = datetime(2024, 3, 15, 10, 20, 30)
DAY = date(2024, 3, 14)


@pytest.fixture
def master() -> MasterSession:
    return MasterSession(TERMINAL, password=PASSWORD)


def daily(pn: int) -> DataUnit:
    """AFN 0D F161 as the terminal answers it: one tariff-less reading."""
    values = {
        "day": DAY,
        "read_at": datetime(2024, 3, 15, 0, 5),
        "tariffs": 0,
        "forward_active_kwh": [Decimal("1234.5678") + pn],
    }
    return DataUnit(pn, 161, values)


def request_of(master: MasterSession, afn: int, units: list[DataUnit]) -> tuple[Frame, Pending]:
    raw, pending = master.request(afn, units)
    return decode(raw), pending


def feed(pending: Pending, raws: list[bytes]) -> list[bool]:
    return [pending.accept(decode(raw)) for raw in raws]


# ----------------------------------------------------------------------------- requests


def test_a_class_2_request_frame(master: MasterSession) -> None:
    raw, pending = master.request(Afn.CURRENT, [DataUnit(0, 2)])
    # C 4B, A 01 33 34 12 02 (MSA 1), AFN 0C, SEQ 60 (FIR FIN, PSEQ 0), p0 F2: the hand-checked
    # frame of test_codec.py with PSEQ 0: CS = 36 - 1 = 35.
    assert raw == bytes.fromhex("68 32 00 32 00 68 4B 01 33 34 12 02 0C 60 00 00 02 00 35 16")
    frame = decode(raw)
    assert (frame.prm, frame.uplink, frame.function) == (True, False, FN_REQUEST_2)
    assert (frame.fir, frame.fin, frame.con, frame.pw) == (True, True, False, None)
    assert (pending.afn, pending.pseq, pending.expect_reply) == (Afn.CURRENT, 0, True)
    assert pending.address == TERMINAL._replace(master=1)


@pytest.mark.parametrize(
    ("afn", "unit", "function", "con", "expect_reply"),
    [
        (Afn.SET, DataUnit(0, 10, {"meters": []}), FN_REQUEST_1, True, False),
        (Afn.CONTROL, DataUnit(0, 31, {"clock": CLOCK}), FN_REQUEST_1, True, False),
        (
            Afn.FORWARD,
            DataUnit(
                0,
                1,
                {
                    "port": 2,
                    "control": 0x6B,
                    "timeout_ms": 2000,
                    "byte_timeout_ms": 100,
                    "payload": bytes.fromhex("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"),
                },
            ),
            FN_REQUEST_2,
            False,
            True,
        ),
    ],
    ids=["AFN04", "AFN05", "AFN10"],
)
def test_set_control_and_forward_requests_carry_the_password(
    master: MasterSession,
    *,
    afn: Afn,
    unit: DataUnit,
    function: int,
    con: bool,
    expect_reply: bool,
) -> None:
    frame, pending = request_of(master, afn, [unit])
    assert frame.pw == PASSWORD
    assert (frame.function, frame.con, pending.expect_reply) == (function, con, expect_reply)
    assert decode_units(afn, False, frame.data) == [unit]


@pytest.mark.parametrize(
    ("afn", "unit"),
    [
        (Afn.QUERY, DataUnit(0, 10, {"serials": [1, 2]})),
        (Afn.CURRENT, DataUnit(1, 129)),
        (Afn.HISTORY, DataUnit(1, 161, {"day": DAY})),
        (Afn.EVENTS, DataUnit(0, 1, {"start_pointer": 0, "end_pointer": 5})),
    ],
)
def test_reads_carry_no_password(master: MasterSession, afn: Afn, unit: DataUnit) -> None:
    frame, _pending = request_of(master, afn, [unit])
    assert frame.pw is None
    assert frame.function == FN_REQUEST_2


def test_pseq_counts_up_modulo_16(master: MasterSession) -> None:
    seqs = [request_of(master, Afn.CURRENT, [DataUnit(0, 2)])[0].sequence for _ in range(18)]
    assert seqs == [*range(16), 0, 1]


def test_a_password_must_be_16_bytes() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        MasterSession(TERMINAL, password=bytes(8))


# ----------------------------------------------------------------------------- reassembly


def test_a_three_frame_reply_is_reassembled_in_order(master: MasterSession) -> None:
    terminal = TerminalSession(TERMINAL, max_units_len=16)
    request, pending = request_of(
        master, Afn.HISTORY, [DataUnit(p, 161, {"day": DAY}) for p in (1, 2, 3)]
    )
    units = [daily(p) for p in (1, 2, 3)]
    raws = terminal.answer(request, units)
    frames = [decode(raw) for raw in raws]
    assert [(f.fir, f.fin, f.sequence) for f in frames] == [
        (True, False, 0),
        (False, False, 1),
        (False, True, 2),
    ]
    assert all(f.function == FN_RESPONSE and f.uplink and not f.prm for f in frames)
    assert feed(pending, raws[:2]) == [True, True]
    assert not pending.done
    assert feed(pending, raws[2:]) == [True]
    assert pending.error is None
    assert pending.result is not None
    assert pending.result.units == units
    assert pending.result.frames == 3
    assert pending.result.unit(2, 161) == units[1]
    assert pending.result.unit(4, 161) is None


def test_the_rseq_wraps_from_15_to_0(master: MasterSession) -> None:
    for _ in range(15):
        master.request(Afn.CURRENT, [DataUnit(0, 2)])
    request, pending = request_of(master, Afn.HISTORY, [DataUnit(1, 161, {"day": DAY})])
    assert request.sequence == 15
    raws = TerminalSession(TERMINAL, max_units_len=16).answer(request, [daily(1), daily(2)])
    assert [decode(r).sequence for r in raws] == [15, 0]
    assert feed(pending, raws) == [True, True]
    assert pending.result is not None and pending.result.frames == 2


def test_a_late_reply_to_an_earlier_request_is_ignored(master: MasterSession) -> None:
    terminal = TerminalSession(TERMINAL)
    first, _abandoned = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    second, pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    late = terminal.answer(first, [DataUnit(0, 2, {"clock": CLOCK})])
    assert feed(pending, late) == [False]
    assert not pending.done
    answer = terminal.answer(second, [DataUnit(0, 2, {"clock": CLOCK})])
    assert feed(pending, answer) == [True]
    assert pending.result is not None
    assert pending.result.units == [DataUnit(0, 2, {"clock": CLOCK})]


def test_a_frame_out_of_sequence_breaks_a_started_reply(master: MasterSession) -> None:
    request, pending = request_of(
        master, Afn.HISTORY, [DataUnit(p, 161, {"day": DAY}) for p in (1, 2, 3)]
    )
    raws = TerminalSession(TERMINAL, max_units_len=16).answer(
        request, [daily(p) for p in (1, 2, 3)]
    )
    assert feed(pending, [raws[0], raws[2]]) == [True, True]
    assert isinstance(pending.error, FrameError)
    assert pending.error.kind == FrameKind.UNSUPPORTED
    assert "expected RSEQ 1, got 2" in str(pending.error)
    assert pending.result is None
    assert feed(pending, [raws[1]]) == [False]  # done: nothing more is taken


def test_the_rest_of_an_abandoned_multi_frame_reply_is_not_taken_for_the_next_one(
    master: MasterSession,
) -> None:
    """Request 1 times out while its 3-frame reply (RSEQ p, p+1, p+2) is on its way; request 2
    goes out with PSEQ p+1. The late reply's second frame carries RSEQ p+1 but no FIR: it is
    not the start of request 2's reply, which must still complete."""
    first, _abandoned = request_of(
        master, Afn.HISTORY, [DataUnit(p, 161, {"day": DAY}) for p in (1, 2, 3)]
    )
    late = TerminalSession(TERMINAL, max_units_len=16).answer(first, [daily(p) for p in (1, 2, 3)])
    assert len(late) == 3
    second, pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    assert decode(late[1]).sequence == second.sequence and not decode(late[1]).fir
    assert feed(pending, late[1:]) == [False, False]
    assert not pending.done
    answer = TerminalSession(TERMINAL).answer(second, [DataUnit(0, 2, {"clock": CLOCK})])
    assert feed(pending, answer) == [True]
    assert pending.error is None and pending.result is not None
    assert pending.result.units == [DataUnit(0, 2, {"clock": CLOCK})]


def test_frames_for_someone_else_are_not_taken(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    other = TerminalSession(TERMINAL._replace(terminal=0x4321))
    right = TerminalSession(TERMINAL)
    clock = [DataUnit(0, 2, {"clock": CLOCK})]
    wrong_afn = request._replace(afn=Afn.HISTORY, data=b"")
    candidates = [
        *other.answer(request, clock),  # another terminal
        encode(request),  # downlink: our own request echoed
        right.link(LinkFn.HEARTBEAT),  # the terminal starting an exchange (PRM=1)
        *right.answer(wrong_afn, []),  # an answer to another AFN
    ]
    assert feed(pending, candidates) == [False, False, False, False]
    assert not pending.done


def test_a_garbled_data_unit_ends_the_request_with_a_frame_error(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    bad = request._replace(
        control=DIR_UPLINK | FN_RESPONSE, data=bytes.fromhex("00 00 02 00 30 20 10")
    )
    assert pending.accept(bad)
    assert isinstance(pending.error, FrameError)
    assert pending.error.kind == FrameKind.TRUNCATED


# ----------------------------------------------------------------------------- confirm / deny


def test_a_deny_gives_denied_error(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.CURRENT, [DataUnit(1, 129)])
    deny = TerminalSession(TERMINAL).confirm(request, ok=False)
    frame = decode(deny)
    assert (frame.afn, frame.function, frame.sequence) == (Afn.CONFIRM, FN_DENY, request.sequence)
    assert decode_units(Afn.CONFIRM, True, frame.data) == [DataUnit(0, DENY_ALL)]
    assert pending.accept(frame)
    assert isinstance(pending.error, DeniedError)
    assert isinstance(pending.error, MeterRejectedError)
    assert pending.error.error_bits == ("denied",)


def test_a_confirm_completes_a_control_request(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.CONTROL, [DataUnit(0, 31, {"clock": CLOCK})])
    confirm = decode(TerminalSession(TERMINAL).confirm(request))
    assert (confirm.afn, confirm.function, confirm.uplink, confirm.prm) == (
        0,
        FN_CONFIRM,
        True,
        False,
    )
    assert (confirm.fir, confirm.fin, confirm.sequence) == (True, True, request.sequence)
    assert pending.accept(confirm)
    assert pending.error is None
    assert pending.result is not None
    assert (pending.result.afn, pending.result.units) == (Afn.CONFIRM, [DataUnit(0, CONFIRM_ALL)])


def test_a_confirm_without_data_for_a_read_is_a_denial(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    assert pending.accept(decode(TerminalSession(TERMINAL).confirm(request)))
    assert isinstance(pending.error, DeniedError)
    assert "sent no data" in str(pending.error)


def test_a_confirmation_that_denies_some_units_is_a_denial(master: MasterSession) -> None:
    request, pending = request_of(master, Afn.SET, [DataUnit(0, 10, {"meters": []})])
    items = [{"pn": 0, "fn": 10, "ok": False}]
    data = encode_units(Afn.CONFIRM, True, [DataUnit(0, CONFIRM_EACH, {"afn": 4, "items": items})])
    frame = Frame(
        DIR_UPLINK | FN_CONFIRM, request.address, Afn.CONFIRM, FIR | FIN | request.sequence, data
    )
    assert pending.accept(frame)
    assert isinstance(pending.error, DeniedError)
    assert "p0 F10" in str(pending.error)


def test_the_master_confirms_a_login_and_a_heartbeat(master: MasterSession) -> None:
    terminal = TerminalSession(TERMINAL)
    login = decode(terminal.link(LinkFn.LOGIN))
    assert (login.prm, login.con, login.function, login.sequence) == (True, True, 9, 0)
    answer = master.confirm(login)
    # AFN 00 F3 (DT 04 00) confirming AFN 02 p0 F1 with ERR 00: C 0B (PRM 0, function 11 link
    # status), SEQ 60 (FIR FIN, RSEQ 0). CS: 0B (11) + 01 + 33 (51) + 34 (52) + 12 (18) + 02
    # + 60 (96) + 04 + 02 + 01 = 238 = EEH.
    assert answer == bytes.fromhex(
        "68 4A 00 4A 00 68 0B 01 33 34 12 02 00 60 00 00 04 00 02 00 00 01 00 00 EE 16"
    )
    heartbeat = decode(terminal.link(LinkFn.HEARTBEAT))
    answer = master.confirm(heartbeat)
    assert answer is not None
    frame = decode(answer)
    assert (frame.uplink, frame.prm, frame.function) == (False, False, FN_LINK_STATUS)
    assert (frame.afn, frame.sequence) == (Afn.CONFIRM, 1)
    assert decode_units(Afn.CONFIRM, False, frame.data) == [
        DataUnit(0, CONFIRM_EACH, {"afn": Afn.LINK, "items": [{"pn": 0, "fn": 3, "ok": True}]})
    ]


def test_the_master_confirms_an_event_report_with_function_0(master: MasterSession) -> None:
    event = {"erc": 14, "power_off_at": datetime(2024, 3, 15, 1, 2), "power_on_at": None}
    unit = DataUnit(
        0, 1, {"ec1": 1, "ec2": 0, "start_pointer": 0, "end_pointer": 1, "events": [event]}
    )
    terminal = TerminalSession(TERMINAL)
    terminal.link(LinkFn.LOGIN)
    report = decode(terminal.report_events(unit))
    assert (report.prm, report.con, report.sequence, report.function) == (True, True, 1, 4)
    answer = master.confirm(report)
    assert answer is not None
    frame = decode(answer)
    assert (frame.function, frame.sequence, frame.prm) == (FN_CONFIRM, 1, False)
    items = decode_units(Afn.CONFIRM, False, frame.data)[0].values["items"]
    assert items == [{"pn": 0, "fn": 1, "ok": True}]


def test_the_master_confirms_nothing_else(master: MasterSession) -> None:
    request, _pending = request_of(master, Afn.CURRENT, [DataUnit(0, 2)])
    reply = decode(TerminalSession(TERMINAL).answer(request, [DataUnit(0, 2, {"clock": CLOCK})])[0])
    assert master.confirm(reply) is None  # a reply without CON
    assert master.confirm(request) is None  # a downlink frame
    asks = reply._replace(seq=reply.seq | CON)
    assert asks.con
    answer = master.confirm(asks)
    assert answer is not None
    assert decode(answer).function == FN_CONFIRM


def test_the_terminal_confirms_and_denies(master: MasterSession) -> None:
    request, _pending = request_of(master, Afn.SET, [DataUnit(0, 10, {"meters": []})])
    terminal = TerminalSession(TERMINAL)
    ok, denied = decode(terminal.confirm(request)), decode(terminal.confirm(request, ok=False))
    for frame, function, fn in ((ok, FN_CONFIRM, CONFIRM_ALL), (denied, FN_DENY, DENY_ALL)):
        assert (frame.uplink, frame.prm, frame.function, frame.afn) == (True, False, function, 0)
        assert (frame.fir, frame.fin, frame.sequence) == (True, True, request.sequence)
        assert frame.address == TERMINAL._replace(master=1)
        assert decode_units(Afn.CONFIRM, True, frame.data) == [DataUnit(0, fn)]


def test_confirmation_mirrors_the_direction() -> None:
    """The terminal side can confirm a master's frame the same way (emulator use)."""
    raw = MasterSession(TERMINAL).request(Afn.CURRENT, [DataUnit(0, 2)])[0]
    frame = decode(confirmation(TERMINAL, decode(raw)))
    assert (frame.uplink, frame.function) == (True, FN_CONFIRM)
    assert frame.control & PRM_START == 0


def test_max_units_len_is_bounded() -> None:
    with pytest.raises(ValueError, match="max_units_len"):
        TerminalSession(TERMINAL, max_units_len=8)
