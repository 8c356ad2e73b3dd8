"""The UI language as code needs to know it: whether to prefer a standard's Chinese names
(``name_zh`` in decoder reports and read values) over its English ones."""

from __future__ import annotations

from PySide6.QtCore import QLocale


def chinese() -> bool:
    """Whether the UI speaks Chinese (``i18n.install_translators`` sets the default locale)."""
    return QLocale().language() == QLocale.Language.Chinese
