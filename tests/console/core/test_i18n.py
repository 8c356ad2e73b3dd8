"""The domain's words in the process's language: looked up in the shipped catalogue, English
(the source) untouched, an unknown language refused, a missing catalogue falling back."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.core import i18n
from console.core.paths import resource


def test_the_shipped_catalogue_translates_and_english_stays_the_source() -> None:
    catalog = i18n.read_catalog(resource("translations", "smc_zh_CN.ts"))
    assert catalog[("AuditPanel", "Workstation")] == "工作站"
    i18n.set_language("zh_CN")
    assert i18n.language() == "zh_CN"
    assert i18n.translate("AuditPanel", "Workstation") == "工作站"
    assert i18n.translate("AuditPanel", "no such text") == "no such text"
    i18n.set_language("en_US")
    assert i18n.translate("AuditPanel", "Workstation") == "Workstation"
    with pytest.raises(ValueError, match="unknown language 'fr_FR'"):
        i18n.set_language("fr_FR")


def test_unfinished_and_unreadable_catalogues_give_no_translation(tmp_path: Path) -> None:
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="zh_CN">'
        "<context><name>C</name>"
        "<message><source>done</source><translation>完成</translation></message>"
        '<message><source>todo</source><translation type="unfinished">草稿</translation>'
        "</message></context></TS>",
        encoding="utf-8",
    )
    assert i18n.read_catalog(ts) == {("C", "done"): "完成"}
    (tmp_path / "bad.ts").write_text("<TS><context>", encoding="utf-8")
    assert i18n.read_catalog(tmp_path / "bad.ts") == {}
    assert i18n.read_catalog(tmp_path / "missing.ts") == {}
