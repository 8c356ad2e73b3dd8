"""全景监控: KPI tiles and the supply load curve of the chosen organisation scope.

Snapshots are computed on a worker thread; a newer request supersedes an older one, so a slow
query never overwrites a newer scope's figures.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.app import AppContext
from console.collection.service import CollectionSummary
from console.monitoring.panorama import (
    SUCCESS_TARGET_PCT,
    OrgUnit,
    PanoramaService,
    PanoramaSnapshot,
)
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.bridge import CollectionBridge
from console.ui.kit.tasks import TaskRunner
from console.ui.views.base import BaseView
from console.ui.kit.tiles import KpiTile
from console.ui.kit.load_curve import LoadCurve

log = logging.getLogger(__name__)

REFRESH_MS = 60_000


class PanoramaView(BaseView):
    loaded = Signal(object)  # PanoramaSnapshot, after it is on screen

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("panorama", parent)
        self._runner = runner
        self._service: PanoramaService | None = None
        self._unit: OrgUnit | None = None
        self._generation = 0
        self._collection_settled_at: datetime | None = None
        self._needs_collection = False
        self.snapshot: PanoramaSnapshot | None = None

        title = QLabel(self.tr("Panoramic monitoring"), objectName="ViewTitle")
        self.subtitle = QLabel(self.tr("Waiting for the database…"), objectName="ViewSubtitle")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setEnabled(False)
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.subtitle)
        header.addStretch(1)
        header.addWidget(self.refresh_button)

        self.error = QLabel(objectName="ErrorBanner")
        self.error.setWordWrap(True)
        self.error.hide()

        self.tiles = {
            "sales": KpiTile(self.tr("Sales today"), "kWh"),
            "load": KpiTile(self.tr("Current load"), "kW"),
            "peak": KpiTile(self.tr("Peak load today"), "kW"),
            "meters": KpiTile(self.tr("Meters read today"), self.tr("meters")),
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for column, tile in enumerate(self.tiles.values()):
            tile.set_value(fmt.DASH, self.tr("Loading…"), "empty")
            grid.addWidget(tile, 0, column)

        self.curve = LoadCurve(
            self.tr("Today"),
            self.tr("Yesterday"),
            y_label=self.tr("Load (kW)"),
            empty_text=self.tr(
                "No load curve yet: no 台区 summary meter has been read today or yesterday."
            ),
            loading_text=self.tr("Loading the load curves…"),
        )
        panel = QFrame(objectName="Panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(14, 10, 14, 10)
        panel_layout.addWidget(
            QLabel(
                self.tr("Supply load — sum of 台区 summary meters, 15-minute points"),
                objectName="PanelTitle",
            )
        )
        panel_layout.addWidget(self.curve, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.error)
        layout.addLayout(grid)
        layout.addWidget(panel, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.apply_palette(theme.current())

    def apply_palette(self, palette: theme.Palette) -> None:
        self.refresh_button.setIcon(icons.icon("refresh", palette.text))

    # ------------------------------------------------------------------ wiring
    def attach(self, context: AppContext, bridge: CollectionBridge | None = None) -> None:
        self._service = context.panorama
        self.refresh_button.setEnabled(True)
        if bridge is not None and context.scheduler is not None:
            # Ready means "shows collected figures": wait for the first run to settle.
            self._needs_collection = True
            bridge.finished.connect(self._on_collection_finished)
            bridge.failed.connect(self._on_collection_failed)
        self._timer.start()
        self.refresh()

    def set_unit(self, unit: OrgUnit | None) -> None:
        self._unit = unit
        self.refresh()

    def _on_collection_finished(self, summary: CollectionSummary) -> None:
        self._collection_settled_at = summary.finished_at
        self.refresh()

    def _on_collection_failed(self, _message: str) -> None:
        self._collection_settled_at = datetime.min
        self.refresh()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        service = self._service
        if service is None:
            return
        self._generation += 1
        generation, unit = self._generation, self._unit
        self._runner.submit(
            lambda: service.snapshot(unit),
            lambda snap: self._apply(generation, snap),
            lambda err: self._fail(generation, err),
        )

    def _fail(self, generation: int, err: BaseException) -> None:
        if generation != self._generation:
            return
        log.error("panorama query failed: %s", err)
        self.error.setText(
            self.tr("Cannot read the figures from the database: {error}").format(error=err)
        )
        self.error.show()

    def _apply(self, generation: int, snap: PanoramaSnapshot) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.snapshot = snap
        self.error.hide()
        scope = snap.unit.name if snap.unit else self.tr("All")
        self.subtitle.setText(
            self.tr("{scope} · figures as of {time}").format(
                scope=scope, time=fmt.clock_time_seconds(snap.as_of)
            )
        )
        self._show_sales(snap)
        self._show_load(snap)
        self._show_peak(snap)
        self._show_meters(snap)
        self.curve.set_data(
            [(p.slot_start, p.power_w / 1000) for p in snap.today],
            [(p.slot_start, p.power_w / 1000) for p in snap.yesterday],
        )
        self.loaded.emit(snap)
        settled = self._collection_settled_at
        if not self._needs_collection or (settled is not None and snap.as_of >= settled):
            self._mark_ready()

    # ------------------------------------------------------------------ tiles
    def _show_sales(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["sales"]
        if not snap.sales_meters:
            tile.set_value(
                fmt.DASH,
                self.tr("No register readings today yet: waiting for collection."),
                "empty",
            )
            return
        tile.set_value(
            fmt.number(snap.sales_kwh, 2),
            self.tr("{meters} customer meters, read up to {time}").format(
                meters=fmt.number(snap.sales_meters), time=fmt.clock_time(snap.as_of)
            ),
        )

    def _show_load(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["load"]
        if snap.load_kw is None:
            tile.set_value(
                fmt.DASH, self.tr("No summary-meter reading in the last 30 minutes."), "empty"
            )
            return
        complete = snap.load_meters >= snap.summary_meters
        tile.set_value(
            fmt.number(snap.load_kw, 1),
            self.tr("{slot} slot · {read}/{total} 台区 summary meters").format(
                slot=fmt.clock_time(snap.load_slot),
                read=fmt.number(snap.load_meters),
                total=fmt.number(snap.summary_meters),
            ),
            "normal" if complete else "warn",
        )

    def _show_peak(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["peak"]
        if not snap.today:
            tile.set_value(fmt.DASH, self.tr("No load curve points today yet."), "empty")
            return
        peak = max(snap.today, key=lambda p: p.power_w)
        caption = self.tr("at {time}").format(time=fmt.clock_time(peak.slot_start))
        if snap.yesterday:
            y_peak = max(p.power_w for p in snap.yesterday)
            caption += self.tr(" · yesterday {kw} kW").format(
                kw=fmt.number(Decimal(y_peak) / 1000, 1)
            )
        tile.set_value(fmt.number(Decimal(peak.power_w) / 1000, 1), caption)

    def _show_meters(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["meters"]
        rate = snap.success_rate_pct
        if rate is None:
            tile.set_value(fmt.DASH, self.tr("No meters in this scope."), "empty")
            return
        state = "good" if rate >= SUCCESS_TARGET_PCT else "warn" if rate >= Decimal(98) else "bad"
        tile.set_value(
            f"{fmt.number(snap.meters_read)} / {fmt.number(snap.meters_expected)}",
            self.tr("Collection success {rate} % (target {target} %)").format(
                rate=fmt.number(rate, 2), target=fmt.number(SUCCESS_TARGET_PCT, 2)
            ),
            state,
        )
