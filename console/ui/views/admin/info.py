"""What this installation is and where its files are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from console.admin.api import SystemInfo
from console.ui import format as fmt


class InfoPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        form = QFormLayout(self)
        form.setContentsMargins(18, 14, 18, 14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(8)
        self.fields: dict[str, QLabel] = {}
        rows = (
            ("version", self.tr("Version:")),
            ("database", self.tr("Database:")),
            ("schema", self.tr("Schema revision:")),
            ("meters", self.tr("Active meters:")),
            ("demo", self.tr("Demo county:")),
            ("service", self.tr("Service:")),
            ("operator", self.tr("Operator:")),
            ("config", self.tr("Configuration file:")),
            ("logs", self.tr("Log file:")),
            ("backups", self.tr("Backups:")),
        )
        for key, label in rows:
            value = QLabel(fmt.DASH)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(label, value)

    def show_info(self, info: SystemInfo) -> None:
        f = self.fields
        f["version"].setText(info.version)
        f["database"].setText(info.database)
        f["schema"].setText(info.schema_revision or fmt.DASH)
        f["meters"].setText(fmt.number(info.meters))
        if info.demo is None:
            f["demo"].setText(self.tr("off"))
        else:
            profile, seed = info.demo.split("|")
            profiles = {
                "demo": self.tr("demo county"),
                "small": self.tr("small"),
                "large-county": self.tr("large county"),
            }
            f["demo"].setText(
                self.tr("on ({profile} profile, seed {seed})").format(
                    profile=profiles.get(profile, profile), seed=seed
                )
            )
        f["service"].setText(
            self.tr("in this window's process")
            if info.service == "window"
            else self.tr("its own process at {where}").format(where=info.service)
        )
        f["operator"].setText(info.operator)
        if info.config_file is not None:
            f["config"].setText(str(info.config_file))
        else:
            f["config"].setText(
                self.tr("{path} (not present: defaults in use)").format(path=info.default_config)
            )
        f["logs"].setText(str(info.log_file))
        if info.backups is None:
            schedule = self.tr("daily backup off")
        else:
            at, keep = info.backups.split("|")
            schedule = self.tr("daily at {time}, the newest {keep} kept").format(time=at, keep=keep)
        f["backups"].setText(
            self.tr("{path} ({schedule})").format(path=info.backup_dir, schedule=schedule)
        )
