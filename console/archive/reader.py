"""Reads an import file as a header row and a stream of text rows numbered as the user sees
them (header = row 1): CSV in UTF-8 (BOM or not) or GBK/GB18030, or a sheet of an .xlsx.

Plain ``csv`` and openpyxl rather than pandas: every cell must stay the text the user typed
(pandas turns 户号 ``000123`` into the number 123 and kWh into floats), a row number must follow
each row into the error report, and rows are streamed instead of loaded as one frame.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Generator, Iterator, Sequence
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from console.core.i18n import QT_TRANSLATE_NOOP, translate

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_CHUNK = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# CSV records handed on together by ``TableFile.blocks``: enough for a reader to work on
# columns, few enough that a block's cells are still in the CPU cache then.
BLOCK_ROWS = 512


class ImportFileError(Exception):
    """The file cannot be read at all: missing, undecodable, not a workbook, no such sheet."""


class SourceRow(NamedTuple):  # made for every row: 0.35 µs, a frozen dataclass 0.50
    number: int  # 1 is the header
    cells: tuple[str, ...]


class RowBlock(NamedTuple):
    """Consecutive records of a CSV file as the csv module split them, cells not yet cleaned;
    the first is row ``first``. ``rows()`` gives the rows ``TableFile.rows`` gives for them."""

    first: int
    records: Sequence[Sequence[str]]

    def rows(self) -> Iterator[SourceRow]:
        for number, record in enumerate(self.records, start=self.first):
            cells = _cleaned(record)
            if any(cells):
                yield SourceRow(number, cells)


def clean_cell(value: Any) -> str:
    """A cell as text: trimmed (full-width spaces too), ``="00123"`` unwrapped, whole floats
    without ``.0``, Excel date-times as ISO text."""
    if type(value) is str:  # the common case first: every CSV cell
        text = value.strip()
        if text.startswith(("\ufeff", '="')):
            text = text.lstrip("\ufeff").strip()
            if len(text) >= 3 and text.startswith('="') and text.endswith('"'):
                text = text[2:-1].strip()
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return clean_cell(str(value))


def _cleaned(record: Sequence[str]) -> tuple[str, ...]:
    # Most rows need no more than trimming: cleaned in C, not cell by cell.
    joined = "".join(record)
    if '="' in joined or "\ufeff" in joined:
        return tuple(map(clean_cell, record))
    return tuple(map(str.strip, record))


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    """(offset, byte) of the first byte ``encoding`` cannot decode, or ``None``. Streams the
    file, so a large file is never held in memory."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                return offset - pending + err.start, err.object[err.start]
            if not chunk:
                return None
            offset += len(chunk)


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``gb18030`` (a superset of GBK); ``ImportFileError``
    naming the first bad byte of each when neither decodes the whole file."""
    with path.open("rb") as stream:
        head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        bad = _first_bad_byte(path, "utf-8-sig")
        if bad is None:
            return "utf-8-sig"
        raise ImportFileError(
            translate(
                "Archive",
                "{path}: starts with a UTF-8 byte-order mark but byte {byte} at offset {offset} "
                "is not UTF-8",
            ).format(path=path, byte=f"0x{bad[1]:02X}", offset=bad[0])
        )
    if head.startswith(_UTF16_BOMS):
        raise ImportFileError(
            translate(
                "Archive",
                "{path}: is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8' or .xlsx",
            ).format(path=path)
        )
    utf8 = _first_bad_byte(path, "utf-8")
    if utf8 is None:
        return "utf-8"
    gb = _first_bad_byte(path, "gb18030")
    if gb is None:
        return "gb18030"
    raise ImportFileError(
        translate(
            "Archive",
            "{path}: cannot be decoded: not UTF-8 (byte {utf8} at offset {utf8_offset}) and not "
            "GBK/GB18030 (byte {gb} at offset {gb_offset}); save it as 'CSV UTF-8' or .xlsx",
        ).format(
            path=path, utf8=f"0x{utf8[1]:02X}", utf8_offset=utf8[0], gb=f"0x{gb[1]:02X}",
            gb_offset=gb[0],
        )
    )  # fmt: skip


ENCODING_NAMES = {
    "utf-8-sig": QT_TRANSLATE_NOOP("Archive", "UTF-8 with BOM"),
    "utf-8": "UTF-8",
    "gb18030": "GBK/GB18030",
}


class TableFile:
    """One import file: ``headers``, a description of its format, and ``rows()`` (which reads
    the file anew each time, so the rejected-rows report can copy the original cells)."""

    def __init__(self, path: Path, *, sheet: str | None = None) -> None:
        self.path = path
        self.sheet = sheet
        self.is_excel = path.suffix.lower() in EXCEL_SUFFIXES
        if not path.is_file():
            raise ImportFileError(translate("Archive", "{path}: no such file").format(path=path))
        if path.suffix.lower() == ".xls":
            raise ImportFileError(
                translate(
                    "Archive", "{path}: the old .xls format is not read; save it as .xlsx"
                ).format(path=path)
            )
        if sheet is not None and not self.is_excel:
            raise ImportFileError(
                translate("Archive", "--sheet {sheet}: {path} is not an Excel workbook").format(
                    sheet=sheet, path=path
                )
            )
        self.encoding = "" if self.is_excel else detect_encoding(path)
        self.delimiter = ","
        self.headers: tuple[str, ...] = ()
        self._first_sheet = ""
        rows = self._raw_rows()
        try:
            first = next(rows, None)
        finally:
            rows.close()  # an open workbook is closed now, not when collected
        if first is not None:
            self.headers = first
            if not self.is_excel and len(first) == 1 and "\t" in first[0]:
                self.delimiter = "\t"  # a tab-separated export saved as .csv or .txt
                self.headers = tuple(clean_cell(c) for c in first[0].split("\t"))

    @property
    def format(self) -> str:
        """How the file was read, in the session's language: ``CSV, UTF-8 with BOM``."""
        if self.is_excel:
            return translate("Archive", "Excel, sheet {sheet}").format(sheet=self.sheet_title)
        encoding = translate("Archive", ENCODING_NAMES[self.encoding])
        if self.delimiter == "\t":
            return translate("Archive", "CSV, {encoding}, tab-separated").format(encoding=encoding)
        return translate("Archive", "CSV, {encoding}").format(encoding=encoding)

    @property
    def sheet_title(self) -> str:
        return self.sheet or self._first_sheet

    def rows(self) -> Iterator[SourceRow]:
        """The rows after the header that have any value, numbered from 2."""
        for item in self.blocks():
            if isinstance(item, RowBlock):
                yield from item.rows()
            else:
                yield item

    def blocks(self) -> Iterator[SourceRow | RowBlock]:
        """The rows of ``rows()``, a CSV file's as blocks of records whose cells are not yet
        cleaned (``RowBlock``): for a reader of large files that works on columns."""
        if self.is_excel:
            sheet = self._raw_rows()
            next(sheet, None)
            for number, cells in enumerate(sheet, start=2):
                if any(cells):
                    yield SourceRow(number, cells)
            return
        try:
            with self.path.open(encoding=self.encoding, newline="") as stream:
                records = csv.reader(stream, delimiter=self.delimiter)
                next(records, None)
                first = 2
                while block := list(islice(records, BLOCK_ROWS)):
                    yield RowBlock(first, block)
                    first += len(block)
        except csv.Error as err:
            raise ImportFileError(
                translate("Archive", "{path}: not a readable CSV file: {reason}").format(
                    path=self.path, reason=err
                )
            ) from err

    def _raw_rows(self) -> Generator[tuple[str, ...], None, None]:
        if self.is_excel:
            yield from self._excel_rows()
            return
        try:
            with self.path.open(encoding=self.encoding, newline="") as stream:
                for record in csv.reader(stream, delimiter=self.delimiter):
                    yield _cleaned(record)
        except csv.Error as err:
            raise ImportFileError(
                translate("Archive", "{path}: not a readable CSV file: {reason}").format(
                    path=self.path, reason=err
                )
            ) from err

    def _excel_rows(self) -> Iterator[tuple[str, ...]]:
        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as err:
            raise ImportFileError(
                translate("Archive", "{path}: not a readable .xlsx workbook: {reason}").format(
                    path=self.path, reason=err
                )
            ) from err
        try:
            if self.sheet is None:
                sheet = book.worksheets[0]
                self._first_sheet = sheet.title
            elif self.sheet in book.sheetnames:
                sheet = book[self.sheet]
            else:
                names = ", ".join(book.sheetnames)
                raise ImportFileError(
                    translate("Archive", "{path}: no sheet {sheet} (sheets: {names})").format(
                        path=self.path, sheet=repr(self.sheet), names=names
                    )
                )
            for values in sheet.iter_rows(values_only=True):
                yield tuple(clean_cell(v) for v in values)
        finally:
            book.close()
