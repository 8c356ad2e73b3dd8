"""The sans-IO mode C session: its transition table, the bytes and baud rates it produces, and that
anything out of order (in any sequence hypothesis can find) is a ProtocolStateError and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolStateError
from drivers.iec62056.dataset import DataSet, Value
from drivers.iec62056.messages import (
    MODE_PROGRAMMING,
    MODE_READOUT,
    Ack,
    Command,
    DataMessage,
    Identification,
    Message,
    Nak,
    OptionSelect,
    SignOn,
)
from drivers.iec62056.session import TRANSITIONS, Session, State

IDENT = Identification("SMC", "5", "SMCDDZY")
READOUT = DataMessage(((DataSet("1.8.0", (Value("1.00", "kWh"),)),),))
OPERAND = Command("P0", DataSet("", (Value("123456"),)))
ANSWER = DataMessage(((DataSet("1.8.0", (Value("1.00", "kWh"),)),),), readout=False)


def test_readout_conversation() -> None:
    session = Session()
    assert session.sign_on() == b"/?!\r\n"
    assert session.state is State.SIGN_ON_SENT
    assert session.receive(IDENT) is State.IDENTIFIED
    assert session.baud == 300
    assert session.acknowledge(MODE_READOUT) == b"\x06050\r\n"
    assert (session.state, session.baud) == (State.READOUT_REQUESTED, 9600)
    assert session.receive(READOUT) is State.IDLE
    assert session.readout == READOUT
    assert session.baud == 300  # the meter is back at 300 Bd after its readout


def test_staying_at_300_bd() -> None:
    session = Session()
    session.sign_on("42")
    session.receive(IDENT)
    assert session.acknowledge(MODE_READOUT, switch_baud=False) == b"\x06000\r\n"
    assert session.baud == 300


def test_programming_conversation() -> None:
    session = Session()
    session.sign_on()
    session.receive(IDENT)
    assert session.acknowledge(MODE_PROGRAMMING) == b"\x06051\r\n"
    assert session.receive(OPERAND) is State.PASSWORD_REQUESTED
    assert session.operand == OPERAND.data
    assert session.password("00000000") == b"\x01P1\x02(00000000)\x03\x61"
    assert session.receive(Ack()) is State.READY
    assert session.read("1.8.0") == b"\x01R1\x021.8.0()\x03\x5a"
    assert session.receive(ANSWER) is State.READY
    session.write("0.9.1", "12:34:56")
    assert session.receive(Ack()) is State.READY
    assert session.close() == b"\x01B0\x03\x71"
    assert (session.state, session.baud) == (State.IDLE, 300)


def test_refused_password_goes_back_to_password_requested() -> None:
    session = Session()
    session.sign_on()
    session.receive(IDENT)
    session.acknowledge(MODE_PROGRAMMING)
    session.receive(OPERAND)
    session.password("wrong")
    assert session.receive(Nak()) is State.PASSWORD_REQUESTED
    session.close()
    assert session.state is State.IDLE


@pytest.mark.parametrize(
    ("prepare", "step", "words"),
    [
        ([], lambda s: s.receive(READOUT), "cannot receive"),
        ([], lambda s: s.read("1.8.0"), "cannot send"),
        ([], lambda s: s.acknowledge(), "cannot send"),
        (["sign_on"], lambda s: s.sign_on(), "state 'sign-on sent'"),
        (["sign_on"], lambda s: s.receive(OPERAND), "expected: receive identification"),
        (["sign_on", "ident", "ack"], lambda s: s.receive(OPERAND), "cannot receive"),
        (["sign_on", "ident", "ack"], lambda s: s.receive(ANSWER), "cannot receive"),
        (["sign_on", "ident"], lambda s: s.receive(SignOn()), "cannot receive"),
        (["sign_on", "ident"], lambda s: s.send(OptionSelect("0", "5", "2")), "cannot send"),
    ],
)
def test_out_of_order_is_a_protocol_state_error(
    prepare: list[str], step: object, words: str
) -> None:
    session = Session()
    actions = {
        "sign_on": session.sign_on,
        "ident": lambda: session.receive(IDENT),
        "ack": session.acknowledge,
    }
    for name in prepare:
        actions[name]()
    before = session.state
    with pytest.raises(ProtocolStateError, match=words):
        step(session)  # type: ignore[operator]
    assert session.state is before  # a refused step changes nothing


def test_every_state_has_a_way_out() -> None:
    assert set(TRANSITIONS) == set(State)
    reachable = {State.IDLE}
    for moves in TRANSITIONS.values():
        reachable |= set(moves.values())
    assert reachable == set(State)


_messages: list[Message] = [
    SignOn(),
    IDENT,
    OptionSelect("0", "5", "0"),
    OptionSelect("0", "5", "1"),
    Ack(),
    Nak(),
    OPERAND,
    Command("B0"),
    Command("R1", DataSet("1.8.0", (Value(""),))),
    Command("P1", DataSet("", (Value("x"),))),
    Command("E2", DataSet("x", (Value(""),))),
    READOUT,
    ANSWER,
]
_steps = st.one_of(
    st.tuples(st.sampled_from(["send", "receive"]), st.sampled_from(_messages)),
    st.tuples(st.sampled_from(["sign_on", "acknowledge", "password", "read", "close"])),
)


@given(st.lists(_steps, max_size=30))
def test_any_sequence_raises_only_protocol_state_errors(steps: list[tuple[object, ...]]) -> None:
    session = Session()
    helpers = {
        "sign_on": session.sign_on,
        "acknowledge": session.acknowledge,
        "password": lambda: session.password("00000000"),
        "read": lambda: session.read("1.8.0"),
        "close": session.close,
    }
    for step in steps:
        try:
            if step[0] == "send":
                session.send(step[1])  # type: ignore[arg-type]
            elif step[0] == "receive":
                session.receive(step[1])  # type: ignore[arg-type]
            else:
                helpers[step[0]]()  # type: ignore[index, operator]
        except ProtocolStateError:
            pass
        assert session.state in TRANSITIONS
