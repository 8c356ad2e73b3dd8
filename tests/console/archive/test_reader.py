"""Reading import files: the encoding is found (UTF-8 with or without BOM, GBK, GB18030) or the
first bad byte is named; Excel cells become the text the user typed; row numbers are Excel's."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from console.archive.reader import ImportFileError, TableFile, clean_cell, detect_encoding

HEADER = "户号,户名,用电地址\n"
BODY = "0001,张三,青山镇人民路18号\n0002,李四,青山镇解放路7号\n"


def rows_of(table: TableFile) -> list[tuple[int, tuple[str, ...]]]:
    return [(row.number, row.cells) for row in table.rows()]


@pytest.mark.parametrize(
    ("encoding", "expected", "described"),
    [
        ("utf-8", "utf-8", "CSV, UTF-8"),
        ("utf-8-sig", "utf-8-sig", "CSV, UTF-8 with BOM"),
        ("gbk", "gb18030", "CSV, GBK/GB18030"),
        ("gb18030", "gb18030", "CSV, GBK/GB18030"),
    ],
)
def test_encodings_are_detected(
    tmp_path: Path, encoding: str, expected: str, described: str
) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes((HEADER + BODY).encode(encoding))
    assert detect_encoding(path) == expected
    table = TableFile(path)
    assert table.format == described
    assert table.headers == ("户号", "户名", "用电地址")  # no BOM left in the first header
    assert rows_of(table) == [
        (2, ("0001", "张三", "青山镇人民路18号")),
        (3, ("0002", "李四", "青山镇解放路7号")),
    ]


def test_a_character_only_gb18030_has_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes((HEADER + "0003,㐀㐁,某村\n").encode("gb18030"))  # not in GBK
    assert rows_of(TableFile(path))[0][1][1] == "㐀㐁"


def test_a_file_in_neither_encoding_names_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode() + b"0001,\xff\xfe,x\n")
    offset = len(HEADER.encode()) + 5
    with pytest.raises(ImportFileError, match=rf"0xFF at offset {offset}\).*GBK/GB18030"):
        TableFile(path)


def test_a_bad_byte_after_the_first_megabyte_is_found_at_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    filler = ("0001,张三,青山镇\n" * 80_000).encode()  # 1.6 MB: beyond one read chunk
    path.write_bytes(filler + b"\x80")
    with pytest.raises(ImportFileError, match=f"0x80 at offset {len(filler)}"):
        detect_encoding(path)


def test_utf16_and_xls_are_refused_with_advice(tmp_path: Path) -> None:
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes((HEADER + BODY).encode("utf-16"))
    with pytest.raises(ImportFileError, match=r"UTF-16.*CSV UTF-8"):
        TableFile(utf16)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=r"save it as \.xlsx"):
        TableFile(xls)
    with pytest.raises(ImportFileError, match="no such file"):
        TableFile(tmp_path / "missing.csv")


def test_blank_rows_are_skipped_but_keep_the_numbering(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "\n,,\n0001,张三,地址\n", encoding="utf-8")
    assert rows_of(TableFile(path)) == [(4, ("0001", "张三", "地址"))]


def test_a_tab_separated_export_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("户号\t户名\t用电地址\n0001\t张三\t地址\n", encoding="utf-8")
    table = TableFile(path)
    assert table.headers == ("户号", "户名", "用电地址")
    assert rows_of(table) == [(2, ("0001", "张三", "地址"))]


def test_excel_cells_become_the_text_a_user_typed(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["this sheet is not the data"])
    sheet = book.create_sheet("档案")
    sheet.append(["户号", "读数", "日期", "时间", "整数", "标志", None])
    sheet.append([])  # a blank row 2
    sheet.append(["  0001 ", 1234.56, date(2026, 11, 21), datetime(2026, 11, 21, 0, 15), 5.0, True])
    sheet.append(["00012", 0.1, datetime(2026, 11, 20), None, 42, False])
    path = tmp_path / "a.xlsx"
    book.save(path)
    table = TableFile(path, sheet="档案")
    assert table.format == "Excel, sheet 档案"
    assert table.headers[:6] == ("户号", "读数", "日期", "时间", "整数", "标志")
    assert rows_of(table) == [
        (3, ("0001", "1234.56", "2026-11-21", "2026-11-21 00:15:00", "5", "true", "")),
        (4, ("00012", "0.1", "2026-11-20", "", "42", "false", "")),
    ]
    assert TableFile(path).format == "Excel, sheet 说明"  # the first sheet by default
    with pytest.raises(ImportFileError, match="no sheet 'x' \\(sheets: 说明, 档案\\)"):
        TableFile(path, sheet="x")


def test_a_corrupt_workbook_and_sheet_for_a_csv_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx"):
        TableFile(broken)
    csv = tmp_path / "c.csv"
    csv.write_text(HEADER, encoding="utf-8")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        TableFile(csv, sheet="x")


def test_clean_cell() -> None:
    assert clean_cell("\u3000 0001\t") == "0001"
    assert clean_cell('="000123"') == "000123"
    assert clean_cell(1.5e16) == "15000000000000000"
    assert clean_cell(None) == ""
