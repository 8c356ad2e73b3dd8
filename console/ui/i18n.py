"""UI language: the console's own translations and Qt's, plus the matching QLocale."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.core import i18n
from console.core.paths import resource

log = logging.getLogger(__name__)

APP_CATALOG = "smc"


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install the translators for ``lang`` (``zh_CN`` or ``en_US``; English is the source)."""
    QLocale.setDefault(QLocale(lang))
    i18n.set_language(lang)  # the domain's words (an import's problems) follow the window's
    if lang == "en_US":
        return []
    installed = []
    own = QTranslator(app)
    qm = resource("translations", f"{APP_CATALOG}_{lang}.qm")
    if own.load(str(qm)):
        app.installTranslator(own)
        installed.append(own)
    else:
        log.warning(
            "translation %s is missing or unreadable; the UI falls back to English "
            "(build it with: python3 packaging/dev.py i18n)",
            qm,
        )
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
