"""What the window remembers between sessions (QSettings): geometry, last view, theme."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from console.core.paths import APP_AUTHOR, APP_NAME


class SettingsStore:
    def __init__(self, qsettings: QSettings | None = None, *, persist: bool = True) -> None:
        self._s = qsettings or QSettings(APP_AUTHOR, APP_NAME)
        self.persist = persist  # screenshots and tests run without touching the user's settings

    def _get(self, key: str) -> object:
        return self._s.value(key) if self.persist else None

    def _set(self, key: str, value: object) -> None:
        if self.persist:
            self._s.setValue(key, value)

    def geometry(self) -> QByteArray | None:
        value = self._get("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    def last_view(self) -> str | None:
        value = self._get("window/last_view")
        return str(value) if value else None

    def set_last_view(self, key: str) -> None:
        self._set("window/last_view", key)

    def theme(self) -> str | None:
        value = self._get("ui/theme")
        return str(value) if value else None

    def set_theme(self, name: str) -> None:
        self._set("ui/theme", name)

    def sync(self) -> None:
        if self.persist:
            self._s.sync()
