"""zh_CN ships complete: every user-visible string in the code has a finished translation with
the same placeholders, and the compiled catalogue translates at run time."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "smc_zh_CN.ts"
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{\w+\}")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out[(name, message.findtext("source") or "")] = message.find("translation")
    return out


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    messages = _messages(TS)
    assert len(messages) > 50
    for (context, source), translation in messages.items():
        assert translation is not None
        assert translation.get("type") is None, (
            f"{context}: {source!r} is {translation.get('type')}"
        )
        text = translation.text or ""
        assert text.strip(), f"{context}: {source!r} has an empty translation"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
            context,
            source,
        )


def test_the_ts_source_is_in_step_with_the_code(tmp_path: Path) -> None:
    """lupdate over the code finds no string the committed .ts lacks, and none it no longer has."""
    fresh = tmp_path / TS.name
    shutil.copy(TS, fresh)
    sources = sorted(str(p) for p in (ROOT / "console").rglob("*.py"))
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(fresh),
        ],
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    committed, current = _messages(TS), _messages(fresh)
    assert set(current) == set(committed), {
        "missing from the .ts (run python3 packaging/dev.py i18n, then translate)": set(current)
        - set(committed),
        "no longer in the code": set(committed) - set(current),
    }
    untranslated = [
        key for key, t in current.items() if t is not None and t.get("type") == "unfinished"
    ]
    assert not untranslated


def test_the_compiled_catalogue_translates(tmp_path: Path) -> None:
    qm = tmp_path / "smc_zh_CN.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(qm)], check=True, timeout=120
    )
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("Navigation", "Panorama") == "全景监控"
    assert translator.translate("PanoramaView", "Sales today") == "今日售电量"
    assert translator.translate("PanoramaView", "Current load") == "实时负荷"


def test_the_built_catalogue_the_console_loads_is_current() -> None:
    built = TS.with_suffix(".qm")
    assert built.exists(), "build it with: python3 packaging/dev.py i18n"
    assert built.stat().st_mtime >= TS.stat().st_mtime, "stale .qm: python3 packaging/dev.py i18n"
