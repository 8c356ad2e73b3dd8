"""Domain text in the operator's language: what the domain and the command-line tools say (an
import's problems and summary, a refusal) is English in the code, marked with ``translate``
(a name ``pyside6-lupdate`` collects, as in the UI), and looked up here in the same catalogue the
window's Qt translator loads, ``resources/translations/smc_<lang>.ts``.

The language is the process's: the window's ``--lang``/``[ui] lang``, a tool's ``--lang``.
English is the source text, so ``en_US`` needs no catalogue and a missing entry stays English.
"""

from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

from console.core.config import LANGUAGES
from console.core.paths import resource

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en_US"
DEFAULT_LANGUAGE = "zh_CN"
CATALOG = "smc"

_lock = threading.Lock()
_language = DEFAULT_LANGUAGE
_catalogs: dict[str, dict[tuple[str, str], str]] = {}


def set_language(lang: str) -> None:
    """Speak ``lang`` (one of LANGUAGES) from now on, in this process."""
    global _language  # noqa: PLW0603
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    return _language


def translate(context: str, text: str) -> str:
    """``text`` (English) in the process's language; unchanged when it has no translation."""
    if _language == SOURCE_LANGUAGE:
        return text
    return _catalog(_language).get((context, text), text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802: the name lupdate knows
    """Marks ``text`` for the catalogue where it is defined (a table of names) and returns it
    unchanged; ``translate`` it where it is shown."""
    del context
    return text


def _catalog(lang: str) -> dict[tuple[str, str], str]:
    with _lock:
        found = _catalogs.get(lang)
        if found is None:
            found = _catalogs[lang] = read_catalog(resource("translations", f"{CATALOG}_{lang}.ts"))
        return found


def read_catalog(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) → translation of a Qt .ts file's finished messages; empty (and a
    warning in the log) when the file is missing or unreadable: the text stays English."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        log.warning("translations %s unreadable (%s): domain text stays English", path, err)
        return {}
    out: dict[tuple[str, str], str] = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if source is None or translation is None or translation.get("type"):
                continue  # unfinished, vanished or obsolete: not a translation to show
            if translation.text:
                out[(name, source)] = translation.text
    return out
