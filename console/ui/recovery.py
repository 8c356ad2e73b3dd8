"""The way out of a damaged database at start-up: restore the newest backup, open another
database file, or quit. A non-blocking message box, so the event loop (and tests) keep going.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

from console.app.database import DatabaseCorruptError


class RecoveryChoice(StrEnum):
    RESTORE = "restore"
    OPEN_OTHER = "open"
    QUIT = "quit"


class CorruptDatabaseDialog(QMessageBox):
    """Says which file failed its integrity check and offers the ways out; ``chosen`` carries
    the ``RecoveryChoice`` once a button is pressed (Escape means quit)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None, error: DatabaseCorruptError) -> None:
        super().__init__(parent)
        self.error = error
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("The database is damaged"))
        self.setText(
            self.tr(
                "The database file {path} failed its integrity check, so the console did "
                "not open it. Nothing has been written to it."
            ).format(path=error.path)
        )
        self.restore_button: QPushButton | None = None
        if error.newest_backup is not None:
            taken = (
                f"{error.newest_backup_at:%Y-%m-%d %H:%M}"
                if error.newest_backup_at is not None
                else error.newest_backup.name
            )
            self.setInformativeText(
                self.tr(
                    "The newest backup was taken at {taken}:\n{backup}\n\nRestore it (the "
                    "damaged file is kept in the backup directory), open another database "
                    "file, or quit."
                ).format(taken=taken, backup=error.newest_backup)
            )
            self.restore_button = self.addButton(
                self.tr("Restore the backup of {taken}").format(taken=taken),
                QMessageBox.ButtonRole.AcceptRole,
            )
        else:
            self.setInformativeText(
                self.tr(
                    "No backup of it was found in the backup directory. Open another "
                    "database file, or quit."
                )
            )
        self.open_button = self.addButton(
            self.tr("Open another database…"), QMessageBox.ButtonRole.ActionRole
        )
        self.quit_button = self.addButton(self.tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button or self.open_button)
        self.setEscapeButton(self.quit_button)
        self.setDetailedText("\n".join(error.problems))  # SQLite's own words, not translated
        self.finished.connect(self._on_finished)

    def _on_finished(self, _result: int) -> None:
        clicked = self.clickedButton()
        if clicked is not None and clicked is self.restore_button:
            self.chosen.emit(RecoveryChoice.RESTORE.value)
        elif clicked is self.open_button:
            self.chosen.emit(RecoveryChoice.OPEN_OTHER.value)
        else:
            self.chosen.emit(RecoveryChoice.QUIT.value)


def ask_for_database_file(parent: QWidget | None, start: Path) -> Path | None:
    """A file dialog for another SQLite database; None when cancelled."""
    name, _filter = QFileDialog.getOpenFileName(
        parent,
        QApplication.translate("CorruptDatabaseDialog", "Open a database file"),
        str(start),
        QApplication.translate(
            "CorruptDatabaseDialog", "SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"
        ),
    )
    return Path(name) if name else None
