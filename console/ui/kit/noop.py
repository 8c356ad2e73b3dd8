"""``QT_TRANSLATE_NOOP`` typed as it behaves: it marks a string for the translation tools and
returns it unchanged (PySide's stubs say ``object``). lupdate finds the calls by this name."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP as _MARK

QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], _MARK)
