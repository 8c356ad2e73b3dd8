"""``smc db import tariffs`` as a user runs it: the shipped template into an empty database and
the customers that name its tariffs after it, the summary of a schedule that lost a line, and a
bad row's message and exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import __main__ as cli

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"


def smc_import(db_url: str, *argv: str | Path) -> int:
    return cli.main(["db", "import", *(str(a) for a in argv), "--db", db_url])


def test_the_tariff_template_imports_before_the_customers_that_name_it(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smc_import(db_url, "org", TEMPLATES / "org.csv") == 0
    assert smc_import(db_url, "tariffs", TEMPLATES / "tariffs.csv") == 0
    out = capsys.readouterr().out
    assert "tariffs.csv: tariffs, CSV, UTF-8 with BOM, 11 columns" in out
    assert "stored: 12 (12 new, 0 updated, 0 unchanged) in " in out
    assert smc_import(db_url, "customers", TEMPLATES / "customers.csv") == 0, capsys.readouterr()

    # GS-FG without its 峰 line: refused, as its hours no longer cover the day.
    header = TEMPLATES.joinpath("tariffs.csv").read_text("utf-8-sig").splitlines()[0]
    gs = [line for line in TEMPLATES.joinpath("tariffs.csv").read_text("utf-8-sig").splitlines()
          if line.startswith("GS-FG") and ",峰," not in line]  # fmt: skip
    bad = tmp_path / "gs.csv"
    bad.write_text("\n".join([header, *gs]) + "\n", "gbk")
    assert smc_import(db_url, "tariffs", bad) == 1
    out = capsys.readouterr().out
    assert "row 2, 时间段: nothing covers 08:00-11:00: the 时间段 of a 分时 tariff" in out
    assert "nothing stored: 2 of 2 rows are invalid" in out

    # The same schedule with the 峰 hours given to 平: stored, the 峰 line removed.
    fixed = [line.replace("07:00-08:00;11:00-18:00", "07:00-23:00") for line in gs]
    good = tmp_path / "gs-flat.csv"
    good.write_text("\n".join([header, *fixed]) + "\n", "gbk")
    assert smc_import(db_url, "tariffs", good) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "stored: 2 (0 new, 1 updated, 1 unchanged); 电价明细 (price lines) removed: 1 in " in out


def test_the_help_names_the_tariffs_kind_in_the_import_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["db", "import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "in this order: org, concentrators, tariffs, customers, meters," in text
