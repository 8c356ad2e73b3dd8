"""系统管理: what this installation is and where its files are; management comes later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from console import __version__
from console.app import AppContext
from console.core import paths
from console.ui import format as fmt
from console.ui.bridge import CollectionBridge
from console.ui.views.base import BaseView
from console.ui.kit.empty_state import EmptyState


class AdminView(BaseView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin", parent)
        panel = QFrame(objectName="Panel")
        form = QFormLayout(panel)
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
        self.fields["version"].setText(__version__)
        self.fields["logs"].setText(str(paths.user_log_dir() / "smc.log"))
        title = QLabel(self.tr("System information"), objectName="PanelTitle")
        self.empty = EmptyState(
            "admin",
            self.tr("Administration"),
            self.tr(
                "Users and roles, devices and ports, warning thresholds and backups are "
                "managed here in a later release. Until then the configuration file and the "
                "command line (smc --help) set them."
            ),
            self.tr("Not installed yet"),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(panel)
        layout.addWidget(self.empty, 1)

    def attach(self, context: AppContext, bridge: CollectionBridge | None = None) -> None:
        self.fields["database"].setText(context.db_label)
        self.fields["schema"].setText(context.migration.to_revision)
        self.fields["meters"].setText(fmt.number(context.meters))
        settings = context.settings
        backup = settings.backup
        schedule = (
            self.tr("daily at {time}, the newest {keep} kept").format(
                time=backup.time, keep=backup.keep
            )
            if backup.enabled
            else self.tr("daily backup off")
        )
        self.fields["backups"].setText(
            self.tr("{path} ({schedule})").format(path=context.backup_dir, schedule=schedule)
        )
        if settings.demo.enabled:
            self.fields["demo"].setText(
                self.tr("on ({profile} profile, seed {seed})").format(
                    profile=settings.demo.profile, seed=settings.demo.seed
                )
            )
        else:
            self.fields["demo"].setText(self.tr("off"))
        source = settings.source
        if source is not None:
            self.fields["config"].setText(str(source))
        else:
            self.fields["config"].setText(
                self.tr("{path} (not present: defaults in use)").format(
                    path=paths.default_config_path()
                )
            )
        self._mark_ready()
