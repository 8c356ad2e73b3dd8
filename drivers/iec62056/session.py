"""The IEC 62056-21 mode C client session, sans-IO: an explicit state-transition table turns
requests into bytes and meter messages into state, with the baud rate to use next."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from drivers.errors import ProtocolStateError
from drivers.iec62056.codec import encode
from drivers.iec62056.dataset import DataSet, Value
from drivers.iec62056.messages import (
    BAUD_RATES,
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

INITIAL_BAUD = 300  # sign-on and identification always run at 300 Bd


class State(StrEnum):
    IDLE = "idle"
    SIGN_ON_SENT = "sign-on sent"
    IDENTIFIED = "identification received"
    READOUT_REQUESTED = "readout requested"  # ACK mode 0 sent, baud switched
    PROGRAMMING_REQUESTED = "programming requested"  # ACK mode 1 sent, awaiting P0
    PASSWORD_REQUESTED = "password requested"  # P0 received
    PASSWORD_SENT = "password sent"
    READY = "programming mode"  # commands may be sent
    READ_SENT = "read sent"
    WRITE_SENT = "write sent"


class Event(StrEnum):
    # What the client sends.
    SIGN_ON = "send sign-on"
    ACK_READOUT = "send ACK (readout)"
    ACK_PROGRAMMING = "send ACK (programming)"
    PASSWORD = "send P1"
    READ = "send R1"
    WRITE = "send W1"
    BREAK = "send B0"
    # What the meter sends.
    IDENTIFICATION = "receive identification"
    READOUT = "receive readout"
    PASSWORD_OPERAND = "receive P0"
    ACK = "receive ACK"
    NAK = "receive NAK"
    ANSWER = "receive data"
    METER_BREAK = "receive B0"


S, E = State, Event
TRANSITIONS: Mapping[State, Mapping[Event, State]] = {
    S.IDLE: {E.SIGN_ON: S.SIGN_ON_SENT},
    S.SIGN_ON_SENT: {E.IDENTIFICATION: S.IDENTIFIED},
    S.IDENTIFIED: {E.ACK_READOUT: S.READOUT_REQUESTED, E.ACK_PROGRAMMING: S.PROGRAMMING_REQUESTED},
    S.READOUT_REQUESTED: {E.READOUT: S.IDLE},
    # The client may break off programming mode at any point, even while awaiting a reply.
    S.PROGRAMMING_REQUESTED: {
        E.PASSWORD_OPERAND: S.PASSWORD_REQUESTED,
        E.METER_BREAK: S.IDLE,
        E.BREAK: S.IDLE,
    },
    # A meter without access protection takes commands straight after P0.
    S.PASSWORD_REQUESTED: {
        E.PASSWORD: S.PASSWORD_SENT,
        E.READ: S.READ_SENT,
        E.WRITE: S.WRITE_SENT,
        E.BREAK: S.IDLE,
    },
    # NAK or an error message: password refused; the client may retry or break.
    S.PASSWORD_SENT: {
        E.ACK: S.READY,
        E.NAK: S.PASSWORD_REQUESTED,
        E.ANSWER: S.PASSWORD_REQUESTED,
        E.METER_BREAK: S.IDLE,
        E.BREAK: S.IDLE,
    },
    S.READY: {
        E.READ: S.READ_SENT,
        E.WRITE: S.WRITE_SENT,
        E.PASSWORD: S.PASSWORD_SENT,
        E.BREAK: S.IDLE,
    },
    S.READ_SENT: {E.ANSWER: S.READY, E.NAK: S.READY, E.METER_BREAK: S.IDLE, E.BREAK: S.IDLE},
    S.WRITE_SENT: {
        E.ACK: S.READY,
        E.NAK: S.READY,
        E.ANSWER: S.READY,
        E.METER_BREAK: S.IDLE,
        E.BREAK: S.IDLE,
    },
}
del S, E
PROGRAMMING_STATES = frozenset(
    state for state, moves in TRANSITIONS.items() if Event.BREAK in moves
)

_COMMANDS_SENT = {"P1": Event.PASSWORD, "R1": Event.READ, "W1": Event.WRITE, "B0": Event.BREAK}
_MODES_SENT = {MODE_READOUT: Event.ACK_READOUT, MODE_PROGRAMMING: Event.ACK_PROGRAMMING}


def sent_event(message: Message) -> Event | None:
    if isinstance(message, SignOn):
        return Event.SIGN_ON
    if isinstance(message, OptionSelect):
        return _MODES_SENT.get(message.mode)
    if isinstance(message, Command):
        return _COMMANDS_SENT.get(message.command)
    return None


def received_event(message: Message) -> Event | None:
    if isinstance(message, Identification):
        return Event.IDENTIFICATION
    if isinstance(message, DataMessage):
        return Event.READOUT if message.readout else Event.ANSWER
    if isinstance(message, Ack):
        return Event.ACK
    if isinstance(message, Nak):
        return Event.NAK
    if isinstance(message, Command):
        return {"P0": Event.PASSWORD_OPERAND, "B0": Event.METER_BREAK}.get(message.command)
    return None


class Session:
    """One conversation with one meter, from the sign-on to the readout or the break."""

    def __init__(self) -> None:
        self.state = State.IDLE
        self.baud = INITIAL_BAUD  # the rate for the next exchange
        self.identification: Identification | None = None
        self.readout: DataMessage | None = None
        self.operand: DataSet | None = None  # P0's operand (for meters that cipher P1)
        self.last: Message | None = None

    def _refusal(self, what: object, verb: str) -> ProtocolStateError:
        expected = ", ".join(TRANSITIONS.get(self.state, {})) or "nothing"
        return ProtocolStateError(
            f"IEC 62056-21 session in state '{self.state}' cannot {verb} {what!r} "
            f"(expected: {expected})"
        )

    def _step(self, event: Event | None, what: object, verb: str) -> State:
        new = TRANSITIONS.get(self.state, {}).get(event) if event is not None else None
        if new is None:
            raise self._refusal(what, verb)
        self.state = new
        if new is State.IDLE:
            self.baud = INITIAL_BAUD
        return new

    # ------------------------------------------------------------------ sending
    def send(self, message: Message) -> bytes:
        """Encode ``message`` if the current state allows sending it."""
        self._step(sent_event(message), message, "send")
        if isinstance(message, SignOn):
            self.identification = None
            self.readout = None
        elif isinstance(message, OptionSelect):
            self.baud = BAUD_RATES[message.baud_char]
        return encode(message)

    def sign_on(self, address: str = "") -> bytes:
        return self.send(SignOn(address))

    def acknowledge(self, mode: str = MODE_READOUT, *, switch_baud: bool = True) -> bytes:
        """ACK with option select; ``baud`` is then the rate to switch to once it is on the wire.

        ``switch_baud=False`` answers Z='0' (stay at 300 Bd) for meters that do not follow
        their own proposal.
        """
        ident = self.identification
        if ident is None or self.state is not State.IDENTIFIED:
            raise self._refusal(f"ACK mode {mode}", "send")
        baud_char = ident.baud_char if switch_baud else "0"
        return self.send(OptionSelect("0", baud_char, mode))

    def password(self, password: str) -> bytes:
        return self.send(Command("P1", DataSet("", (Value(password),))))

    def read(self, item: str) -> bytes:
        return self.send(Command("R1", DataSet(item, (Value(""),))))

    def write(self, item: str, value: str) -> bytes:
        return self.send(Command("W1", DataSet(item, (Value(value),))))

    def close(self) -> bytes:
        """B0: leave programming mode; the meter returns to 300 Bd."""
        return self.send(Command("B0"))

    # ------------------------------------------------------------------ receiving
    def receive(self, message: Message) -> State:
        """Take a decoded meter message; ``ProtocolStateError`` if it is out of order."""
        self._step(received_event(message), message, "receive")
        self.last = message
        if isinstance(message, Identification):
            self.identification = message
        elif isinstance(message, DataMessage) and message.readout:
            self.readout = message
        elif isinstance(message, Command) and message.command == "P0":
            self.operand = message.data
        return self.state
