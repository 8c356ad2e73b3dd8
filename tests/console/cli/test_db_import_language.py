"""``smc db import`` in the operator's language: with ``--lang zh_CN`` (or SMC_LANG, or the
window's ``[ui] lang``) the summary, the problems and the errors are Chinese; English stays the
source, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import __main__ as cli
from console.core import i18n
from tests.console.cli.test_db_import_cli import area, smc_import, write  # noqa: F401

BAD_CUSTOMERS = [
    ["户号", "户名", "用电地址", "用电类别", "台区编号"],
    ["C001", "张三", "某村", "居民", "TQ0001"],
    ["C002", "李四", "某村", "工厂", "TQ0001"],
    ["C003", "王五", "某村", "居民", "TQ9999"],
]


@pytest.mark.usefixtures("area")
def test_the_summary_and_the_problems_follow_the_language(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.csv", BAD_CUSTOMERS)
    assert smc_import(db_url, "customers", path, "--lang", "zh_CN") == 1
    out = capsys.readouterr().out
    assert "读取行数：3" in out
    assert "第 3 行，用电类别：'工厂'：未知的值（应为 居民/residential" in out
    assert "第 4 行，台区编号：台区 TQ9999 不存在（数据库中没有）" in out
    assert (
        "未保存任何数据：3 行中有 2 行无效；请修正，或用 --skip-invalid 保存其余 1 行有效数据"
        in out
    )
    assert not any(word in out for word in ("rows read", "unknown", "nothing stored"))

    assert smc_import(db_url, "customers", path, "--lang", "en_US") == 1
    out = capsys.readouterr().out
    assert "row 4, 台区编号: unknown 台区 TQ9999 (not in the database)" in out
    assert "nothing stored: 2 of 3 rows are invalid; fix them, or store the 1 valid rows" in out


@pytest.mark.usefixtures("area")
def test_an_error_and_the_default_language(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SMC_LANG")  # as a user runs it: the window's language, zh_CN
    header_only = write(tmp_path / "h.csv", [BAD_CUSTOMERS[0]])
    assert smc_import(db_url, "customers", header_only) == 1
    err = capsys.readouterr().err
    assert err.startswith("smc db：错误：") and err.endswith(
        "h.csv：文件只有表头，没有数据行；未保存任何数据\n"
    )
    assert i18n.language() == "zh_CN"
    monkeypatch.setenv("SMC_LANG", "en_US")
    argv = ["db", "export", "org", "--out", str(tmp_path / "o.txt"), "--db", db_url]
    assert cli.main(argv) == 1
    assert "the name must end in .csv or .xlsx" in capsys.readouterr().err
