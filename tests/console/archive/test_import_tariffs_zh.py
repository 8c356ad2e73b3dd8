"""A tariff import's problems in a Chinese session: each reason is looked up by its whole English
sentence and comes back as the Chinese sentence with its fields filled in (the catalogue here
holds a few of the translations the .ts will carry, so the test does not depend on it)."""

from __future__ import annotations

from typing import Any

import pytest

from console.archive.validate import ROW, Problem
from console.core import i18n
from tests.console.archive.test_import_tariffs import HEADER
from tests.console.archive.test_import_tariffs_problems import tou

CATALOG = {
    (
        "Archive",
        "nothing covers {gap}: the 时间段 of a 分时 tariff cover the whole day exactly once",
    ): "{gap} 未被任何时间段覆盖：分时电价的时间段须覆盖全天且互不重叠",
    (
        "Archive",
        "电价 {code} is {here} here, not {there} as on row {row}",
    ): "电价 {code} 此处为 {here}，与第 {row} 行的 {there} 不一致",
    (
        "Archive",
        "the prices of 电价 {code} from {valid_from} are stored together: row {row} is invalid",
    ): "电价 {code}（{valid_from} 起）的各条电价须一并入库：第 {row} 行无效",
}


def test_tariff_problems_are_reported_in_chinese(
    files: Any, run_import: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "_catalogs", {"zh_CN": CATALOG})
    i18n.set_language("zh_CN")  # the autouse fixture of tests/conftest.py sets en_US back
    rows = [
        HEADER,
        *tou(("峰", "00:00-12:00"), ("谷", "12:00-23:00")),  # 23:00-24:00 uncovered
        ["NX", "农业", "单一制", "农业", "2025-01-01", "2026-01-01", "", "", "", "", "0.5"],
        ["NX", "农业电价", "单一制", "农业", "2026-01-01", "", "", "", "", "", "0.5"],
    ]
    result = run_import("tariffs", files.csv("bad.csv", rows))
    assert result.counts is None
    assert list(result.problems) == [
        Problem(2, ROW, "电价 GS-FG（2025-01-01 起）的各条电价须一并入库：第 3 行无效"),
        Problem(
            3, "时间段", "23:00-24:00 未被任何时间段覆盖：分时电价的时间段须覆盖全天且互不重叠"
        ),
        Problem(4, "电价名称", "电价 NX 此处为 农业，与第 5 行的 农业电价 不一致"),
        Problem(5, "电价名称", "电价 NX 此处为 农业电价，与第 4 行的 农业 不一致"),
    ]
