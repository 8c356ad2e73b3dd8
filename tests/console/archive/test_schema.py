"""The column definitions, the shipped templates and their README agree; headers match in
Chinese, English or an alias, and a header that does not fit names every problem."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from console.archive.schema import COLUMNS, KINDS, PROTOCOLS, HeaderError, match_columns
from drivers.protocols import all_protocols

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_has_every_column_in_chinese(kind: str) -> None:
    raw = (TEMPLATES / f"{kind}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "templates carry a BOM so that Excel shows Chinese"
    with (TEMPLATES / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream))
    assert header == [c.zh for c in COLUMNS[kind]]
    assert len(match_columns(kind, header).index) == len(COLUMNS[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_the_readme_documents_every_column_and_alias(kind: str) -> None:
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {kind} ")[1].split("\n## ")[0]
    for column in COLUMNS[kind]:
        assert f"| {column.zh} (`{column.key}`" in section, column.key
        for alias in column.aliases:
            assert alias in section, alias
        assert ("| yes |" in section.split(f"| {column.zh} (`{column.key}`")[1].split("\n")[0]) == (
            column.required
        ), column.key


def test_english_headers_aliases_and_full_width_brackets_are_accepted() -> None:
    columns = match_columns(
        "readings", ["meter_asset_no", "冻结日期", "正向有功总（ｋＷｈ）", " 尖 ", "collected_at"]
    )
    assert columns.index == {
        "asset_no": 0,
        "day": 1,
        "forward_active_kwh": 2,
        "forward_sharp_kwh": 3,
        "collected_at": 4,
    }
    assert columns.name("forward_active_kwh") == "正向有功总（ｋＷｈ）"  # as the file writes it
    assert columns.name("forward_peak_kwh") == "峰"  # absent: the template's name


def test_a_row_counter_report_columns_and_trailing_blank_headers_are_ignored() -> None:
    columns = match_columns(
        "customers",
        ["序号", "户号", "户名", "用电地址", "用电类别", "rejected_row", "reason", "", ""],
    )
    assert set(columns.index) == {"customer_number", "customer_name", "address", "customer_class"}
    assert columns.width == 7


def test_a_header_that_does_not_fit_names_every_problem() -> None:
    with pytest.raises(HeaderError) as caught:
        match_columns("meters", ["表计资产号", "厂商", "资产号", "", "台区编号", "表计类型"])
    message = str(caught.value)
    assert "unknown column '厂商' (column 2)" in message
    assert "column '资产号' (column 3) repeats '表计资产号'" in message
    assert "column 4 has no header" in message
    assert (
        "missing required columns: 通信地址 (comm_address), 规约 (protocol), 通道 (link_url)"
        in message
    )


def test_the_protocols_are_those_the_drivers_speak() -> None:
    assert set(PROTOCOLS.values()) == {spec.name for spec in all_protocols()}
