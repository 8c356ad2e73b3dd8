"""``smc db import org|concentrators`` as a user runs them: the shipped templates into an empty
database, the summary naming the units created, and a bad row's message and exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import __main__ as cli

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"


def smc_import(db_url: str, *argv: str | Path) -> int:
    return cli.main(["db", "import", *(str(a) for a in argv), "--db", db_url])


def test_the_org_and_concentrator_templates_import_into_an_empty_database(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smc_import(db_url, "org", TEMPLATES / "org.csv") == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "org.csv: org, CSV, UTF-8 with BOM, 11 columns" in out
    assert (
        "stored: 4 (4 new, 0 updated, 0 unchanged); 市公司 created: 1; 县公司 created: 1; "
        "供电所 created: 2; 变电站 created: 2; 线路 created: 2 in "
    ) in out
    assert smc_import(db_url, "concentrators", TEMPLATES / "concentrators.csv") == 0
    assert "stored: 4 (4 new, 0 updated, 0 unchanged) in " in capsys.readouterr().out

    bad = tmp_path / "c.csv"
    bad.write_text("集中器资产号,台区编号,行政区划码,终端地址\nCJQ0009,TQ0001,3301,1\n", "gbk")
    assert smc_import(db_url, "concentrators", bad) == 1
    out = capsys.readouterr().out
    assert "row 2, 终端地址: 3301-00001 is concentrator CJQ0001's in the database" in out
    assert "nothing stored: 1 of 1 rows are invalid" in out
