"""The columns of each import kind (org, concentrators, tariffs, customers, meters, readings,
curves, events), their Chinese and English header names, and the matching of a file's header row
against them.

``resources/templates/`` holds one CSV template per kind and README.md describing every column;
``tests/console/archive/test_schema.py`` keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.archive.values import normalise_word
from console.core.i18n import language, translate


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the English header, also the name used in the code
    zh: str  # the Chinese header of the template
    required: bool = False
    aliases: tuple[str, ...] = ()  # further spellings accepted in a header

    @property
    def title(self) -> str:
        return f"{self.zh} ({self.key})"


KINDS = (
    "org",
    "concentrators",
    "tariffs",  # before customers: a customer names its 电价代码
    "customers",
    "meters",
    "readings",
    "curves",
    "events",
)  # the order to import
KIND_TITLES = {
    "org": "台区档案",
    "concentrators": "集中器档案",
    "tariffs": "电价表",
    "customers": "客户档案",
    "meters": "计量档案",
    "readings": "日冻结",
    "curves": "负荷曲线",
    "events": "事件",
}  # what a Chinese session calls each kind (spoken)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "org": (
        Column("company_name", "市公司", aliases=("地市公司", "市供电公司", "company")),
        Column("county_name", "县公司", aliases=("县供电公司", "县公司名称", "county")),
        Column("station_name", "供电所", True, ("供电所名称", "station", "supply_station")),
        Column("substation_name", "变电站", aliases=("变电站名称", "substation")),
        Column("feeder_name", "线路", True, ("线路名称", "10kV线路", "馈线", "feeder")),
        Column("area_code", "台区编号", True),
        Column("area_name", "台区名称", True),
        Column("rated_kva", "额定容量(kVA)", True, ("额定容量", "变压器容量(kVA)", "变压器容量")),
        Column("area_class", "台区类别", True, ("区域类别", "供电区域")),
        Column("longitude", "经度"),
        Column("latitude", "纬度"),
    ),
    "concentrators": (
        Column("asset_no", "集中器资产号", True, ("终端资产号", "concentrator_asset_no")),
        Column("area_code", "台区编号", True),
        Column("district_code", "行政区划码", True, ("区划码", "A1")),
        Column("terminal_address", "终端地址", True, ("终端逻辑地址", "A2")),
        Column("link_url", "通道", aliases=("通信通道", "link")),
        Column("model", "型号", aliases=("终端型号",)),
        Column("manufacturer", "厂家", aliases=("生产厂家",)),
        Column("install_date", "安装日期", aliases=("投运日期",)),
    ),
    "tariffs": (
        Column("tariff_code", "电价代码", True, ("电价编码",)),
        Column("tariff_name", "电价名称", True, ("电价方案", "电价方案名称")),
        Column("tariff_kind", "电价类型", True, ("电价种类", "计价方式")),
        Column("customer_class", "用电类别", True),
        Column("valid_from", "生效日期", True, ("执行日期", "执行起始日期")),
        Column("valid_to", "失效日期"),
        Column("period", "时段", aliases=("时段名称", "费率时段")),
        Column("hours", "时间段", aliases=("时段时间", "起止时间")),
        Column("tier", "阶梯档", aliases=("阶梯", "档次", "阶梯档次")),
        Column("tier_limit_kwh", "档上限(kWh)", aliases=("档上限", "阶梯上限(kWh)")),
        Column(
            "price", "电价(元/kWh)", True, ("电度电价(元/kWh)", "电度电价", "price_yuan_per_kwh")
        ),
    ),
    "customers": (
        Column("customer_number", "户号", True, ("客户编号", "用户编号")),
        Column("customer_name", "户名", True, ("客户名称", "用户名称")),
        Column("address", "用电地址", True),
        Column("customer_class", "用电类别", True),
        Column("phone", "联系电话", aliases=("电话", "手机")),
        Column("area_code", "台区编号"),
        Column("tariff_code", "电价代码"),
        Column("important", "重要客户"),
        Column("vulnerable", "保供"),
        Column("longitude", "经度"),
        Column("latitude", "纬度"),
        Column("opened_on", "立户日期"),
    ),
    "meters": (
        Column("asset_no", "表计资产号", True, ("资产号", "电能表资产号", "meter_asset_no")),
        Column("comm_address", "通信地址", True, ("表地址",)),
        Column("protocol", "规约", True, ("通信规约",)),
        Column("link_url", "通道", True, ("通信通道", "link")),
        Column("area_code", "台区编号", True),
        Column("customer_number", "户号"),
        Column("role", "表计类型", True),
        Column("ct_ratio", "CT变比", aliases=("电流互感器变比",)),
        Column("pt_ratio", "PT变比", aliases=("电压互感器变比",)),
        Column("phases", "相数", aliases=("相线",)),
        Column("model", "型号", aliases=("表型号",)),
        Column("manufacturer", "厂家", aliases=("生产厂家",)),
        Column("install_date", "安装日期", aliases=("装表日期",)),
        Column("meter_box_code", "表箱编号"),
        Column("concentrator_asset_no", "集中器资产号"),
    ),
    "readings": (
        Column("asset_no", "表计资产号", True, ("资产号", "电能表资产号", "meter_asset_no")),
        Column("day", "冻结日期", True, ("freeze_date", "日期")),
        Column(
            "forward_active_kwh", "正向有功总(kWh)", True, ("正向有功总", "正向有功总示值(kWh)")
        ),
        Column("forward_sharp_kwh", "尖", aliases=("尖(kWh)", "正向有功尖(kWh)", "正向有功尖")),
        Column("forward_peak_kwh", "峰", aliases=("峰(kWh)", "正向有功峰(kWh)", "正向有功峰")),
        Column("forward_flat_kwh", "平", aliases=("平(kWh)", "正向有功平(kWh)", "正向有功平")),
        Column("forward_valley_kwh", "谷", aliases=("谷(kWh)", "正向有功谷(kWh)", "正向有功谷")),
        Column("reverse_active_kwh", "反向有功总(kWh)", aliases=("反向有功总",)),
        Column("collected_at", "抄读时间", aliases=("采集时间", "抄表时间")),
    ),
    "curves": (
        Column("asset_no", "表计资产号", True, ("资产号", "电能表资产号", "meter_asset_no")),
        Column("time", "数据时间", True, ("时间", "时刻", "slot_start")),
        Column("active_power_kw", "有功功率(kW)", True, ("有功功率", "总有功功率(kW)")),
        Column("voltage_a_v", "A相电压(V)", aliases=("A相电压", "Ua")),
        Column("voltage_b_v", "B相电压(V)", aliases=("B相电压", "Ub")),
        Column("voltage_c_v", "C相电压(V)", aliases=("C相电压", "Uc")),
        Column("current_a_a", "A相电流(A)", aliases=("A相电流", "Ia")),
        Column("current_b_a", "B相电流(A)", aliases=("B相电流", "Ib")),
        Column("current_c_a", "C相电流(A)", aliases=("C相电流", "Ic")),
        Column("power_factor", "功率因数", aliases=("总功率因数",)),
    ),
    "events": (
        Column("asset_no", "表计资产号", True, ("资产号", "电能表资产号", "meter_asset_no")),
        Column("kind", "事件类型", True, ("事件", "事件名称")),
        Column("start", "发生时间", True, ("开始时间", "started_at")),
        Column("end", "结束时间", aliases=("恢复时间", "ended_at")),
    ),
}

# Columns every kind ignores: a row counter, and the two columns a rejected-rows report adds
# (so that a corrected report can be imported as it is).
REPORT_ROW = "rejected_row"
REPORT_REASON = "reason"
IGNORED = ("序号", "no.", REPORT_ROW, REPORT_REASON)

# Enumerations: every accepted spelling (compared after normalise_word) → the stored value.
CUSTOMER_CLASSES = {
    "居民": "residential",
    "居民生活": "residential",
    "residential": "residential",
    "一般工商业": "commercial",
    "工商业": "commercial",
    "commercial": "commercial",
    "大工业": "industrial",
    "industrial": "industrial",
    "农业": "agricultural",
    "农业生产": "agricultural",
    "agricultural": "agricultural",
}
CUSTOMER_CLASSES_TEXT = (
    "居民/residential, 一般工商业/commercial, 大工业/industrial, 农业/agricultural"
)

# db.models.TariffKind; the first Chinese name of each is the one an export writes.
TARIFF_KINDS = {
    "单一制": "flat",
    "单一电价": "flat",
    "flat": "flat",
    "分时": "tou",
    "峰谷": "tou",
    "峰谷分时": "tou",
    "tou": "tou",
    "阶梯": "tiered",
    "阶梯电价": "tiered",
    "tiered": "tiered",
}
TARIFF_KINDS_TEXT = "单一制/flat, 分时 (峰谷)/tou, 阶梯/tiered"

# db.models.TariffPeriod, in the order an export lists a schedule's lines.
TARIFF_PERIODS = {
    "全天": "all",
    "all": "all",
    "尖": "sharp",
    "尖峰": "sharp",
    "sharp": "sharp",
    "峰": "peak",
    "高峰": "peak",
    "peak": "peak",
    "平": "flat",
    "平段": "flat",
    "flat": "flat",
    "谷": "valley",
    "低谷": "valley",
    "valley": "valley",
}
TARIFF_PERIODS_TEXT = "全天/all, 尖 (尖峰)/sharp, 峰 (高峰)/peak, 平 (平段)/flat, 谷 (低谷)/valley"

METER_ROLES = {
    "用户表": "customer",
    "计费表": "customer",
    "customer": "customer",
    "考核表": "summary",
    "台区考核表": "summary",
    "总表": "summary",
    "summary": "summary",
}
METER_ROLES_TEXT = "用户表/customer, 考核表/summary"

AREA_CLASSES = {
    "城区": "urban",
    "城市": "urban",
    "urban": "urban",
    "农村": "rural",
    "rural": "rural",
    "边远": "remote",
    "偏远": "remote",
    "remote": "remote",
}
AREA_CLASSES_TEXT = "城区/urban, 农村/rural, 边远/remote"

PHASES = {"1": "1", "单相": "1", "single": "1", "3": "3", "三相": "3", "three": "3"}
PHASES_TEXT = "1/单相/single, 3/三相/three"

# The protocol names of drivers.protocols, with the spellings archive exports use.
PROTOCOLS = {
    "dlt645-2007": "dlt645-2007",
    "DL/T 645-2007": "dlt645-2007",
    "DL/T645-2007": "dlt645-2007",
    "645-2007": "dlt645-2007",
    "dlt645-1997": "dlt645-1997",
    "DL/T 645-1997": "dlt645-1997",
    "DL/T645-1997": "dlt645-1997",
    "645-1997": "dlt645-1997",
    "iec62056-21": "iec62056-21",
    "IEC 62056-21": "iec62056-21",
    "dlt698.45": "dlt698.45",
    "DL/T 698.45": "dlt698.45",
    "DL/T698.45": "dlt698.45",
    "698.45": "dlt698.45",
}
PROTOCOLS_TEXT = "dlt645-2007, dlt645-1997, iec62056-21, dlt698.45 (or DL/T 645-2007 ...)"
LINK_SCHEMES = ("serial", "tcp", "loop")

# db.models.EventKind by its value and the names meters and 采集系统 exports give it.
EVENT_KINDS = {
    "power_off": "power_off",
    "掉电": "power_off",
    "停电": "power_off",
    "cover_open": "cover_open",
    "开盖": "cover_open",
    "开表盖": "cover_open",
    "terminal_cover_open": "terminal_cover_open",
    "开端钮盒": "terminal_cover_open",
    "clock_error": "clock_error",
    "时钟异常": "clock_error",
    "时钟故障": "clock_error",
    "reverse_energy": "reverse_energy",
    "潮流反向": "reverse_energy",
    "功率反向": "reverse_energy",
    "phase_loss": "phase_loss",
    "断相": "phase_loss",
    "voltage_loss": "voltage_loss",
    "失压": "voltage_loss",
    "current_loss": "current_loss",
    "失流": "current_loss",
    "loop_abnormal": "loop_abnormal",
    "回路异常": "loop_abnormal",
    "电压电流回路异常": "loop_abnormal",
    "programming": "programming",
    "编程": "programming",
    "meter_clear": "meter_clear",
    "电表清零": "meter_clear",
    "清零": "meter_clear",
}
EVENT_KINDS_TEXT = (
    "掉电/power_off, 开盖/cover_open, 开端钮盒/terminal_cover_open, 时钟异常/clock_error, "
    "潮流反向/reverse_energy, 断相/phase_loss, 失压/voltage_loss, 失流/current_loss, "
    "回路异常/loop_abnormal, 编程/programming, 电表清零/meter_clear"
)


def chinese_names(names: Mapping[str, str]) -> dict[str, str]:
    """Stored value → its first Chinese spelling in an enumeration of the schema."""
    out: dict[str, str] = {}
    for spelling, value in names.items():
        if not spelling.isascii():
            out.setdefault(value, spelling)
    return out


AREA_CLASS_NAMES = chinese_names(AREA_CLASSES)
CUSTOMER_CLASS_NAMES = chinese_names(CUSTOMER_CLASSES)
METER_ROLE_NAMES = chinese_names(METER_ROLES)
PHASE_NAMES = chinese_names(PHASES)
EVENT_KIND_NAMES = chinese_names(EVENT_KINDS)
TARIFF_KIND_NAMES = chinese_names(TARIFF_KINDS)
TARIFF_PERIOD_NAMES = chinese_names(TARIFF_PERIODS)


def spoken(names: Mapping[str, str], value: str) -> str:
    """A stored enumeration value as the operator reads it: its Chinese name in a Chinese
    session (``names``: one of the *_NAMES above), else the value itself."""
    return names.get(value, value) if language() == "zh_CN" else value


class HeaderError(Exception):
    """The header row does not fit the kind: unknown, missing or repeated columns."""


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where each known column is in the file's rows, and its header as the file writes it."""

    kind: str
    index: dict[str, int]
    header: dict[str, str]
    width: int  # how many header cells the rows are measured against

    def name(self, key: str) -> str:
        """The column as the user knows it: the file's header, else the template's."""
        if key in self.header:
            return self.header[key]
        return next(c.zh for c in COLUMNS[self.kind] if c.key == key)

    def has(self, key: str) -> bool:
        return key in self.index


def _spellings(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.zh, column.key, *column.aliases):
            out[normalise_word(name)] = column.key
    return out


def match_columns(kind: str, headers: Sequence[str]) -> ColumnMap:
    """Map a header row onto ``kind``'s columns; ``HeaderError`` names every unknown, repeated
    and missing required column. Blank header cells at the end of the row are ignored."""
    spellings = _spellings(kind)
    ignored = {normalise_word(name) for name in IGNORED}
    width = len(headers)
    while width and not headers[width - 1].strip():
        width -= 1
    index: dict[str, int] = {}
    header: dict[str, str] = {}
    problems: list[str] = []
    for position, raw in enumerate(headers[:width]):
        name = raw.strip()
        if not name:
            problems.append(translate("Archive", "column {n} has no header").format(n=position + 1))
            continue
        folded = normalise_word(name)
        if folded in ignored:
            continue
        key = spellings.get(folded)
        if key is None:
            problems.append(
                translate("Archive", "unknown column {name} (column {n})").format(
                    name=repr(name), n=position + 1
                )
            )
        elif key in index:
            problems.append(
                translate("Archive", "column {name} (column {n}) repeats {first}").format(
                    name=repr(name), n=position + 1, first=repr(header[key])
                )
            )
        else:
            index[key] = position
            header[key] = name
    missing = [c.title for c in COLUMNS[kind] if c.required and c.key not in index]
    comma = translate("Archive", ", ")
    if missing:
        problems.append(
            translate("Archive", "missing required columns: {columns}").format(
                columns=comma.join(missing)
            )
        )
    if problems:
        known = comma.join(c.zh for c in COLUMNS[kind])
        columns = translate(
            "Archive",
            "The {kind} columns are: {known} (or their English names; see "
            "resources/templates/README.md)",
        ).format(kind=spoken(KIND_TITLES, kind), known=known)
        said = translate("Archive", "{problems}. {columns}")
        raise HeaderError(said.format(problems=translate("Archive", "; ").join(problems),
                                      columns=columns))  # fmt: skip
    return ColumnMap(kind, index, header, width)
