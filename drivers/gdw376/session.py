"""Q/GDW 1376.1 sessions, sans-IO: which frames to send, which reply is whose, and the
reassembly of multi-frame replies. Both ends: the master station (``MasterSession``) and the
terminal (``TerminalSession``, used by the emulated concentrator).

Control codes (C): the master starts exchanges with PRM=1 and function 1 (reset), 10
(set/control: AFN 04, 05, ...) or 11 (request data: AFN 0A, 0C, 0D, 0E, 10); the terminal
answers with PRM=0 and function 8 (user data), 0 (confirm) or 9 (deny: no such data); the
terminal starts link tests (login, logout, heartbeat: AFN 02) with function 9 and reports
events on its own (AFN 0E) with function 4; the master confirms those with PRM=0 and AFN 00
F3 (function 11 for link tests, 0 otherwise). Sequence numbers: a request carries the
sender's PSEQ; its reply frames carry RSEQ = PSEQ, PSEQ+1, ... (mod 16), the first with FIR,
the last with FIN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from drivers.errors import FrameError, FrameKind, MeterRejectedError
from drivers.gdw376.codec import (
    CON,
    DIR_UPLINK,
    FIN,
    FIR,
    MAX_USER_DATA,
    MIN_USER_DATA,
    PRM_START,
    PW_AFNS,
    PW_LEN,
    SEQ_MASK,
    Address,
    Frame,
    encode,
)
from drivers.gdw376.units import DataUnit, decode_units, encode_units


class Afn(IntEnum):
    CONFIRM = 0x00
    RESET = 0x01
    LINK = 0x02
    SET = 0x04
    CONTROL = 0x05
    QUERY = 0x0A
    CURRENT = 0x0C
    HISTORY = 0x0D
    EVENTS = 0x0E
    FORWARD = 0x10


class LinkFn(IntEnum):
    LOGIN = 1
    LOGOUT = 2
    HEARTBEAT = 3


# Master -> terminal functions (PRM=1).
FN_RESET, FN_USER_DATA, FN_LINK_TEST, FN_REQUEST_1, FN_REQUEST_2 = 1, 4, 9, 10, 11
# Terminal -> master answers (PRM=0).
FN_CONFIRM, FN_RESPONSE, FN_DENY = 0, 8, 9
FN_LINK_STATUS = 11  # the master's answer to a link test

CONFIRM_ALL, DENY_ALL, CONFIRM_EACH = 1, 2, 3  # AFN 00 Fns

_REQUEST_FUNCTION = {
    Afn.RESET: FN_RESET,
    Afn.SET: FN_REQUEST_1,
    Afn.CONTROL: FN_REQUEST_1,
}

# Room for data units in one frame: the L field's maximum less C, A, AFN, SEQ, PW/EC and Tp.
MAX_UNITS_LEN = MAX_USER_DATA - MIN_USER_DATA - PW_LEN - 6
# What the emulated terminal (and many real ones over GPRS) fits in one reply frame.
DEFAULT_FRAME_UNITS_LEN = 1024


def next_seq(seq: int) -> int:
    return (seq + 1) & SEQ_MASK


@dataclass(frozen=True, slots=True)
class Reply:
    """A terminal's whole answer to one request (all its frames reassembled)."""

    address: Address
    afn: int
    units: list[DataUnit]
    frames: int = 1
    ec: tuple[int, int] | None = None  # event counters when the terminal flagged ACD

    def unit(self, pn: int, fn: int) -> DataUnit | None:
        for unit in self.units:
            if unit.pn == pn and unit.fn == fn:
                return unit
        return None


class DeniedError(MeterRejectedError):
    """The terminal denied the request (AFN 00 F2, or F3 with some units denied)."""


@dataclass(slots=True)
class Pending:
    """One request waiting for its reply frames."""

    address: Address
    afn: int
    pseq: int
    expect_reply: bool  # False: a confirmation (AFN 00) is the whole answer
    _next: int = field(init=False)
    _units: list[DataUnit] = field(default_factory=list, init=False)
    _frames: int = field(default=0, init=False)
    _ec: tuple[int, int] | None = field(default=None, init=False)
    result: Reply | None = field(default=None, init=False)
    error: Exception | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._next = self.pseq

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    def accept(self, frame: Frame) -> bool:
        """Take ``frame`` if it answers this request; ``done`` says when the answer is whole.
        A reply that breaks the sequence ends the request with an error."""
        if (
            self.done
            or not frame.uplink
            or frame.prm
            or frame.address.terminal != (self.address.terminal)
        ):
            return False
        if frame.afn not in (self.afn, Afn.CONFIRM):
            return False
        if frame.sequence != self._next:
            if self._frames == 0:
                return False  # a late reply to an earlier request
            self.error = FrameError(
                FrameKind.UNSUPPORTED,
                f"multi-frame reply out of sequence: expected RSEQ {self._next}, "
                f"got {frame.sequence}",
            )
            return True
        if self._frames == 0 and not frame.fir:
            # The second or later frame of an earlier, abandoned multi-frame reply: its RSEQ
            # runs on from that request's PSEQ into this one's. Not ours; ours starts with FIR.
            return False
        try:
            units = decode_units(frame.afn, True, frame.data)
        except FrameError as err:
            self.error = err
            return True
        self._frames += 1
        self._next = next_seq(self._next)
        if frame.ec is not None:
            self._ec = frame.ec
        if frame.afn == Afn.CONFIRM and frame.afn != self.afn:
            self._finish_confirmation(frame, units)
            return True
        self._units.extend(units)
        if frame.fin:
            self.result = Reply(self.address, frame.afn, self._units, self._frames, self._ec)
        return True

    def _finish_confirmation(self, frame: Frame, units: list[DataUnit]) -> None:
        denied = [u for u in units if u.fn == DENY_ALL]
        for unit in units:
            if unit.fn == CONFIRM_EACH:
                items = unit.values.get("items")
                if isinstance(items, list):
                    denied += [DataUnit(int(i["pn"]), int(i["fn"])) for i in items if not i["ok"]]
        if denied or frame.function == FN_DENY:
            what = ", ".join(f"p{u.pn} F{u.fn}" for u in denied) or "all"
            self.error = DeniedError(
                f"terminal {frame.address} denied AFN {self.afn:02X}H ({what})",
                ("denied",),
            )
        elif self.expect_reply:
            self.error = DeniedError(
                f"terminal {frame.address} confirmed AFN {self.afn:02X}H but sent no data",
                ("no data",),
            )
        else:
            self.result = Reply(self.address, frame.afn, units, self._frames, self._ec)


class MasterSession:
    """The master station's side of one terminal: PSEQ, request frames, confirmations."""

    def __init__(self, address: Address, *, master: int = 1, password: bytes = bytes(PW_LEN)):
        if len(password) != PW_LEN:
            raise ValueError(f"the password (PW) is {PW_LEN} bytes, got {len(password)}")
        self.address = address._replace(master=master)
        self.password = password
        self._pseq = 0

    def request(self, afn: int, units: Sequence[DataUnit]) -> tuple[bytes, Pending]:
        """The frame of a request and the ``Pending`` that will collect its answer."""
        pseq = self._pseq
        self._pseq = next_seq(pseq)
        function = _REQUEST_FUNCTION.get(afn, FN_REQUEST_2)  # type: ignore[call-overload]
        data = encode_units(afn, False, units)
        frame = Frame(
            PRM_START | function,
            self.address,
            afn,
            FIR | FIN | CON * (function == FN_REQUEST_1) | pseq,
            data,
            self.password if afn in PW_AFNS else None,
        )
        expect_reply = afn not in (Afn.SET, Afn.CONTROL, Afn.RESET)
        return encode(frame), Pending(self.address, afn, pseq, expect_reply)

    def confirm(self, frame: Frame) -> bytes | None:
        """The master's confirmation of a frame the terminal started (login, heartbeat, an event
        report) or of a reply asking for one (CON); ``None`` when none is due."""
        if not frame.uplink or not (frame.prm or frame.con):
            return None
        return confirmation(self.address._replace(terminal=frame.address.terminal), frame)


def confirmation(address: Address, frame: Frame) -> bytes:
    """AFN 00 F3 confirming every data unit of ``frame`` (the master's answer to a login, a
    heartbeat or an event report), in reply to its sequence number."""
    units = decode_units(frame.afn, frame.uplink, frame.data) if frame.data else []
    items = [{"pn": u.pn, "fn": u.fn, "ok": True} for u in units] or [
        {"pn": 0, "fn": LinkFn.HEARTBEAT, "ok": True}
    ]
    function = FN_LINK_STATUS if frame.afn == Afn.LINK else FN_CONFIRM
    reply = Frame(
        (0 if frame.uplink else DIR_UPLINK) | function,
        address._replace(district=frame.address.district),
        Afn.CONFIRM,
        FIR | FIN | frame.sequence,
        encode_units(
            Afn.CONFIRM,
            not frame.uplink,
            [DataUnit(0, CONFIRM_EACH, {"afn": frame.afn, "items": items})],
        ),
    )
    return encode(reply)


class TerminalSession:
    """The terminal's side: its own PSEQ for the frames it starts, and its answers."""

    def __init__(self, address: Address, *, max_units_len: int = DEFAULT_FRAME_UNITS_LEN):
        if not 16 <= max_units_len <= MAX_UNITS_LEN:
            raise ValueError(f"max_units_len must be 16-{MAX_UNITS_LEN}, got {max_units_len}")
        self.address = address
        self.max_units_len = max_units_len
        self._pseq = 0

    def _start(self, function: int, afn: int, units: Sequence[DataUnit], con: bool) -> bytes:
        pseq = self._pseq
        self._pseq = next_seq(pseq)
        frame = Frame(
            DIR_UPLINK | PRM_START | function,
            self.address,
            afn,
            FIR | FIN | (CON if con else 0) | pseq,
            encode_units(afn, True, units),
        )
        return encode(frame)

    def link(self, fn: LinkFn) -> bytes:
        return self._start(FN_LINK_TEST, Afn.LINK, [DataUnit(0, fn)], con=True)

    def report_events(self, unit: DataUnit) -> bytes:
        """An event report the terminal sends on its own (AFN 0E F1/F2 data)."""
        return self._start(FN_USER_DATA, Afn.EVENTS, [unit], con=True)

    def answer(
        self, request: Frame, units: Sequence[DataUnit], *, ec: tuple[int, int] | None = None
    ) -> list[bytes]:
        """The reply frames to ``request``: as many as the units need, RSEQ counting up."""
        groups: list[list[DataUnit]] = [[]]
        size = 0
        for unit in units:
            one = len(encode_units(request.afn, True, [unit]))
            if groups[-1] and size + one > self.max_units_len:
                groups.append([])
                size = 0
            groups[-1].append(unit)
            size += one
        frames = []
        seq = request.sequence
        for i, group in enumerate(groups):
            flags = (FIR if i == 0 else 0) | (FIN if i == len(groups) - 1 else 0)
            frames.append(
                encode(
                    Frame(
                        DIR_UPLINK | FN_RESPONSE,
                        self.address._replace(master=request.address.master),
                        request.afn,
                        flags | seq,
                        encode_units(request.afn, True, group),
                        ec=ec,
                    )
                )
            )
            seq = next_seq(seq)
        return frames

    def confirm(self, request: Frame, *, ok: bool = True) -> bytes:
        """AFN 00 F1 (all confirmed) or F2 (all denied) in answer to ``request``."""
        frame = Frame(
            DIR_UPLINK | (FN_CONFIRM if ok else FN_DENY),
            self.address._replace(master=request.address.master),
            Afn.CONFIRM,
            FIR | FIN | request.sequence,
            encode_units(Afn.CONFIRM, True, [DataUnit(0, CONFIRM_ALL if ok else DENY_ALL)]),
        )
        return encode(frame)
