"""DL/T 698.45 APDUs of the subset: LINK-Request/Response, GET-Request/Response (Normal and
NormalList) and ERROR-Response, as frozen dataclasses <-> bytes, with the DAR names.

Client APDUs end with an optional time tag, server APDUs with an optional follow report and
time tag; LINK APDUs have neither. Malformed bytes raise ``FrameError``, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from drivers.dlt698.axdr import (
    Data,
    DataType,
    Oad,
    Reader,
    encode_data,
    encode_datetime,
    encode_length,
)
from drivers.errors import FrameError, FrameKind


class Tag(IntEnum):
    LINK_REQUEST = 0x01
    GET_REQUEST = 0x05
    LINK_RESPONSE = 0x81
    GET_RESPONSE = 0x85
    ERROR_RESPONSE = 0xEE


# Every APDU tag of the standard, so that an unsupported one is named in the error.
APDU_NAMES: Mapping[int, str] = {
    0x01: "LINK-Request", 0x02: "CONNECT-Request", 0x03: "RELEASE-Request",
    0x05: "GET-Request", 0x06: "SET-Request", 0x07: "ACTION-Request", 0x08: "REPORT-Response",
    0x09: "PROXY-Request", 0x10: "SECURITY-Request", 0x6E: "ERROR-Response (client)",
    0x81: "LINK-Response", 0x82: "CONNECT-Response", 0x83: "RELEASE-Response",
    0x84: "RELEASE-Notification", 0x85: "GET-Response", 0x86: "SET-Response",
    0x87: "ACTION-Response", 0x88: "REPORT-Notification", 0x89: "PROXY-Response",
    0x90: "SECURITY-Response", 0xEE: "ERROR-Response",
}  # fmt: skip

GET_NORMAL = 1
GET_NORMAL_LIST = 2
GET_CHOICE_NAMES: Mapping[int, str] = {
    1: "Normal", 2: "NormalList", 3: "Record", 4: "RecordList", 5: "Next", 6: "MD5",
}  # fmt: skip


class LinkRequestType(IntEnum):
    LOGIN = 0
    HEARTBEAT = 1
    LOGOUT = 2


# DAR (data access result), code -> (English, Chinese).
DAR_NAMES: Mapping[int, tuple[str, str]] = {
    0: ("success", "成功"),
    1: ("hardware fault", "硬件失效"),
    2: ("temporarily unavailable", "暂时失效"),
    3: ("read/write denied", "拒绝读写"),
    4: ("object undefined", "对象未定义"),
    5: ("object class inconsistent", "对象接口类不符合"),
    6: ("object does not exist", "对象不存在"),
    7: ("type mismatch", "类型不匹配"),
    8: ("out of range", "越界"),
    9: ("data block unavailable", "数据块不可用"),
    10: ("fragmented transfer cancelled", "分帧传输已取消"),
    11: ("not in fragmented transfer", "不处于分帧传输状态"),
    12: ("block write cancelled", "块写取消"),
    13: ("no block write in progress", "不存在块写状态"),
    14: ("invalid data block number", "数据块序号无效"),
    15: ("password error or unauthorised", "密码错/未授权"),
    16: ("baud rate cannot be changed", "通信速率不能更改"),
    17: ("too many year time zones", "年时区数超"),
    18: ("too many daily periods", "日时段数超"),
    19: ("too many tariffs", "费率数超"),
    20: ("security authentication mismatch", "安全认证不匹配"),
    21: ("duplicate recharge", "重复充值"),
    22: ("ESAM verification failed", "ESAM验证失败"),
    23: ("security authentication failed", "安全认证失败"),
    24: ("customer number mismatch", "客户编号不匹配"),
    25: ("wrong recharge count", "充值次数错误"),
    26: ("purchase exceeds the hoarding limit", "购电超囤积"),
    27: ("address error", "地址异常"),
    28: ("symmetric decryption error", "对称解密错误"),
    29: ("asymmetric decryption error", "非对称解密错误"),
    30: ("signature error", "签名错误"),
    31: ("meter suspended", "电能表挂起"),
    32: ("invalid time tag", "时间标签无效"),
    33: ("request timed out", "请求超时"),
    34: ("ESAM P1P2 incorrect", "ESAM的P1P2不正确"),
    35: ("ESAM LC error", "ESAM的LC错误"),
    255: ("other", "其它"),
}
DAR_OBJECT_UNDEFINED = 4
DAR_OUT_OF_RANGE = 8

ERROR_NAMES: Mapping[int, str] = {1: "APDU cannot be parsed", 2: "service not supported"}
ERROR_UNPARSEABLE = 1
ERROR_UNSUPPORTED = 2

# LINK-Response result byte: bit 7 "clock trusted", bits 0-2 the result.
CLOCK_TRUSTED = 0x80
LINK_RESULT_NAMES: Mapping[int, str] = {
    0: "success", 1: "address duplicated", 2: "illegal device", 3: "capacity insufficient",
}  # fmt: skip


def dar_name(code: int) -> str:
    return DAR_NAMES.get(code, (f"reserved DAR {code}", ""))[0]


# PIID: bit 7 priority, bits 0-5 the service sequence number; PIID-ACD adds bit 6 "ACD".
SEQUENCE_MASK = 0x3F


@dataclass(frozen=True, slots=True)
class TimeTag:
    send_time: datetime  # date_time_s
    unit: int = 1  # TI unit: 0 s, 1 min, 2 h, 3 day, 4 month, 5 year
    interval: int = 0  # long-unsigned: how long after send_time the request stays valid


@dataclass(frozen=True, slots=True)
class LinkRequest:
    piid_acd: int
    request_type: LinkRequestType
    heartbeat_s: int
    request_time: datetime


@dataclass(frozen=True, slots=True)
class LinkResponse:
    piid: int
    result: int  # bit 7 clock trusted, bits 0-2 result code
    request_time: datetime
    receive_time: datetime
    response_time: datetime

    @property
    def clock_trusted(self) -> bool:
        return bool(self.result & CLOCK_TRUSTED)

    @property
    def result_code(self) -> int:
        return self.result & 0x07


@dataclass(frozen=True, slots=True)
class GetRequestNormal:
    piid: int
    oad: Oad
    time_tag: TimeTag | None = None


@dataclass(frozen=True, slots=True)
class GetRequestNormalList:
    piid: int
    oads: tuple[Oad, ...]
    time_tag: TimeTag | None = None


@dataclass(frozen=True, slots=True)
class ResultNormal:
    """A-ResultNormal: an OAD with either its data or a DAR."""

    oad: Oad
    data: Data | None = None
    dar: int | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.dar is None):
            raise ValueError("a Get-Result carries either data or a DAR")


@dataclass(frozen=True, slots=True)
class GetResponseNormal:
    piid_acd: int
    result: ResultNormal
    follow_report: tuple[ResultNormal, ...] | None = None
    time_tag: TimeTag | None = None

    @property
    def results(self) -> tuple[ResultNormal, ...]:
        return (self.result,)


@dataclass(frozen=True, slots=True)
class GetResponseNormalList:
    piid_acd: int
    results: tuple[ResultNormal, ...]
    follow_report: tuple[ResultNormal, ...] | None = None
    time_tag: TimeTag | None = None


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    piid: int
    error: int  # 1 APDU cannot be parsed, 2 service not supported, 255 other
    follow_report: tuple[ResultNormal, ...] | None = None
    time_tag: TimeTag | None = None


GetRequest = GetRequestNormal | GetRequestNormalList
GetResponse = GetResponseNormal | GetResponseNormalList
Apdu = LinkRequest | LinkResponse | GetRequest | GetResponse | ErrorResponse


def function_name(apdu: Apdu) -> str:
    """What ``smc decode`` calls the APDU, e.g. ``GET-Request NormalList``."""
    names: dict[type, str] = {
        LinkRequest: "LINK-Request",
        LinkResponse: "LINK-Response",
        GetRequestNormal: "GET-Request Normal",
        GetRequestNormalList: "GET-Request NormalList",
        GetResponseNormal: "GET-Response Normal",
        GetResponseNormalList: "GET-Response NormalList",
        ErrorResponse: "ERROR-Response",
    }
    return names[type(apdu)]


# --------------------------------------------------------------------------- encoding


def _time_tag(tag: TimeTag | None) -> bytes:
    if tag is None:
        return b"\x00"
    clock = encode_datetime(DataType.DATE_TIME_S, tag.send_time)
    return b"\x01" + clock + bytes((tag.unit,)) + tag.interval.to_bytes(2, "big")


def _result(r: ResultNormal) -> bytes:
    if r.data is not None:
        return r.oad.wire() + b"\x01" + encode_data(r.data)
    assert r.dar is not None
    return r.oad.wire() + b"\x00" + bytes((r.dar,))


def _results(results: tuple[ResultNormal, ...]) -> bytes:
    return encode_length(len(results)) + b"".join(_result(r) for r in results)


def _server_trailer(follow: tuple[ResultNormal, ...] | None, tag: TimeTag | None) -> bytes:
    report = b"\x00" if follow is None else b"\x01\x01" + _results(follow)
    return report + _time_tag(tag)


def encode_apdu(apdu: Apdu) -> bytes:
    """The APDU's bytes; raises ``ValueError`` for a value that cannot be sent."""
    try:
        return _encode_apdu(apdu)
    except OverflowError as err:  # a 2-byte field given a bigger number
        raise ValueError(f"{function_name(apdu)}: {err}") from None


def _encode_apdu(apdu: Apdu) -> bytes:
    if isinstance(apdu, LinkRequest):
        clock = encode_datetime(DataType.DATE_TIME, apdu.request_time)
        head = bytes((Tag.LINK_REQUEST, apdu.piid_acd, apdu.request_type))
        return head + apdu.heartbeat_s.to_bytes(2, "big") + clock
    if isinstance(apdu, LinkResponse):
        times = (apdu.request_time, apdu.receive_time, apdu.response_time)
        clocks = b"".join(encode_datetime(DataType.DATE_TIME, t) for t in times)
        return bytes((Tag.LINK_RESPONSE, apdu.piid, apdu.result)) + clocks
    if isinstance(apdu, GetRequestNormal):
        body = bytes((Tag.GET_REQUEST, GET_NORMAL, apdu.piid)) + apdu.oad.wire()
        return body + _time_tag(apdu.time_tag)
    if isinstance(apdu, GetRequestNormalList):
        oads = b"".join(oad.wire() for oad in apdu.oads)
        body = bytes((Tag.GET_REQUEST, GET_NORMAL_LIST, apdu.piid))
        return body + encode_length(len(apdu.oads)) + oads + _time_tag(apdu.time_tag)
    if isinstance(apdu, GetResponseNormal):
        body = bytes((Tag.GET_RESPONSE, GET_NORMAL, apdu.piid_acd)) + _result(apdu.result)
        return body + _server_trailer(apdu.follow_report, apdu.time_tag)
    if isinstance(apdu, GetResponseNormalList):
        body = bytes((Tag.GET_RESPONSE, GET_NORMAL_LIST, apdu.piid_acd)) + _results(apdu.results)
        return body + _server_trailer(apdu.follow_report, apdu.time_tag)
    body = bytes((Tag.ERROR_RESPONSE, apdu.piid, apdu.error))
    return body + _server_trailer(apdu.follow_report, apdu.time_tag)


# --------------------------------------------------------------------------- decoding


def _read_time_tag(r: Reader) -> TimeTag | None:
    if not _optional(r, "time tag"):
        return None
    send_time = r.date_time(DataType.DATE_TIME_S)
    unit = r.u8("time tag interval unit")
    interval = int.from_bytes(r.take(2, "time tag interval"), "big")
    return TimeTag(send_time, unit, interval)


def _optional(r: Reader, what: str) -> bool:
    flag = r.u8(f"{what} flag")
    if flag > 1:
        raise r.error(f"{what}: expected an OPTIONAL flag 00 or 01, got {flag:02X}")
    return flag == 1


def _read_result(r: Reader) -> ResultNormal:
    oad = r.oad()
    choice = r.u8(f"Get-Result of {oad}")
    if choice == 0:
        return ResultNormal(oad, dar=r.u8(f"DAR of {oad}"))
    if choice == 1:
        return ResultNormal(oad, data=r.data())
    raise r.error(f"Get-Result of {oad}: expected choice 0 (DAR) or 1 (Data), got {choice}")


def _read_results(r: Reader, what: str) -> tuple[ResultNormal, ...]:
    return tuple(_read_result(r) for _ in range(r.length(what)))


def _read_server_trailer(r: Reader) -> tuple[tuple[ResultNormal, ...] | None, TimeTag | None]:
    follow = None
    if _optional(r, "follow report"):
        choice = r.u8("follow report choice")
        if choice != 1:
            raise FrameError(
                FrameKind.UNSUPPORTED,
                f"follow report choice {choice} (records) is not supported, only 1 (values)",
            )
        follow = _read_results(r, "follow report")
    return follow, _read_time_tag(r)


def _unsupported(what: str) -> FrameError:
    return FrameError(FrameKind.UNSUPPORTED, f"{what} is not supported by this subset")


def _read_get(r: Reader, tag: int) -> Apdu:
    choice = r.u8("GET choice")
    name = f"{APDU_NAMES[tag]} {GET_CHOICE_NAMES.get(choice, f'choice {choice}')}"
    if choice not in (GET_NORMAL, GET_NORMAL_LIST):
        raise _unsupported(name)
    piid = r.u8("PIID")
    if tag == Tag.GET_REQUEST:
        if choice == GET_NORMAL:
            oad = r.oad()
            return GetRequestNormal(piid, oad, _read_time_tag(r))
        oads = tuple(r.oad() for _ in range(r.length("OAD list")))
        return GetRequestNormalList(piid, oads, _read_time_tag(r))
    if choice == GET_NORMAL:
        result = _read_result(r)
        return GetResponseNormal(piid, result, *_read_server_trailer(r))
    results = _read_results(r, "result list")
    return GetResponseNormalList(piid, results, *_read_server_trailer(r))


def _read_link(r: Reader, tag: int) -> Apdu:
    piid = r.u8("PIID")
    if tag == Tag.LINK_REQUEST:
        kind = r.u8("LINK request type")
        if kind > LinkRequestType.LOGOUT:
            raise r.error(f"LINK request type: expected 0, 1 or 2, got {kind}")
        heartbeat = int.from_bytes(r.take(2, "heartbeat period"), "big")
        return LinkRequest(piid, LinkRequestType(kind), heartbeat, r.date_time())
    result = r.u8("LINK result")
    return LinkResponse(piid, result, r.date_time(), r.date_time(), r.date_time())


def decode_apdu(raw: bytes) -> Apdu:
    """Decode one APDU (the whole of a frame's APDU field) or raise ``FrameError``."""
    r = Reader(raw)
    tag = r.u8("APDU tag")
    if tag in (Tag.GET_REQUEST, Tag.GET_RESPONSE):
        apdu = _read_get(r, tag)
    elif tag in (Tag.LINK_REQUEST, Tag.LINK_RESPONSE):
        apdu = _read_link(r, tag)
    elif tag == Tag.ERROR_RESPONSE:
        piid, error = r.u8("PIID"), r.u8("error type")
        apdu = ErrorResponse(piid, error, *_read_server_trailer(r))
    else:
        raise _unsupported(f"APDU {tag:02X} ({APDU_NAMES.get(tag, 'unknown')})")
    if r.remaining:
        raise r.error(f"{r.remaining} unexpected byte(s) after the {function_name(apdu)}")
    return apdu
