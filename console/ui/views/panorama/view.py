"""全景监控: KPI tiles and the supply load curve of the chosen organisation scope.

Snapshots are computed on a worker thread; a newer request supersedes an older one, so a slow
query never overwrites a newer scope's figures. The view refreshes when readings are stored
(the bus's change events, coalesced), not on a timer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core.events import ArchiveChanged, CurvesStored, FreezesStored, RegistersStored
from console.core.scope import OrgUnit
from console.monitoring.panorama import LoadPoint, PanoramaService, PanoramaSnapshot
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.kit import panels
from console.ui.kit.load_curve import LoadCurve
from console.ui.kit.panels import error_banner, label, named
from console.ui.kit.tiles import KpiTile
from console.ui.kit.view import BaseView, ViewKit

log = logging.getLogger(__name__)

REFRESH_COALESCE_MS = 2_000  # a pass commits many batches: one refresh for all of them
GRADE_STATES = {"good": "good", "warn": "warn", "bad": "bad"}


def _kw(points: Sequence[LoadPoint]) -> list[tuple[datetime, float]]:
    return [(p.slot_start, p.power_w / 1000) for p in points]


class PanoramaView(BaseView):
    def __init__(self, api: PanoramaService, kit: ViewKit, parent: QWidget | None = None) -> None:
        super().__init__("panorama", kit, parent)
        self._api = api
        self._unit: OrgUnit | None = None
        self.snapshot: PanoramaSnapshot | None = None

        title = named(QLabel(self.tr("Panoramic monitoring")), "ViewTitle")
        self.subtitle = named(QLabel(self.tr("Loading the figures…")), "ViewSubtitle")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.subtitle)
        header.addStretch(1)
        header.addWidget(self.refresh_button)
        self.error = error_banner()

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
            incoming_label=self.tr("Still coming in"),
        )
        panel = named(QFrame(), "Panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(14, 10, 14, 10)
        panel_layout.addWidget(
            label(
                self.tr("Supply load — sum of 台区 summary meters, 15-minute points"),
                "PanelTitle",
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
        self.apply_palette(theme.current())
        kit.events.on(
            (FreezesStored, RegistersStored, CurvesStored, ArchiveChanged),
            lambda _events: self.on_screen("refresh", self.refresh),
            owner=self,
            coalesce_ms=REFRESH_COALESCE_MS,
        )
        self.refresh()

    def apply_palette(self, palette: theme.Palette) -> None:
        self.refresh_button.setIcon(icons.icon("refresh", palette.text))

    def set_unit(self, unit: OrgUnit | None) -> None:
        self._unit = unit
        self.refresh()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        assert self.tasks is not None
        unit = self._unit
        self.tasks.run("snapshot", lambda: self._api.snapshot(unit), self._apply, self._fail)

    def _fail(self, err: BaseException) -> None:
        log.error("panorama query failed: %s", err)
        self.error.setText(
            self.tr("Cannot read the figures from the database: {error}").format(error=err)
        )
        self.error.show()
        self._mark_loaded()

    def _apply(self, snap: PanoramaSnapshot) -> None:
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
        complete = [p for p in snap.today if p.complete]
        last = complete[-1].slot_start if complete else None
        incoming = [p for p in snap.today if last is None or p.slot_start > last]
        self.curve.set_data(_kw(complete), _kw(snap.yesterday), _kw(incoming))
        self._mark_loaded()

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
        shown, incoming = snap.load, snap.incoming
        if shown is None:
            text = self.tr("No summary-meter reading in the last 24 hours.")
            if snap.last_complete is not None:
                text = self.tr("No complete quarter hour in the last hour; the last one was "
                               "{slot} ({kw} kW).").format(
                    slot=panels.day_time(snap.last_complete.slot_start, snap.day),
                    kw=fmt.number(Decimal(snap.last_complete.power_w) / 1000, 1),
                )  # fmt: skip
            if incoming is not None:
                text = self.tr("The {slot} slot is still coming in: {read}/{usual} 台区 summary "
                               "meters so far.").format(
                    slot=fmt.clock_time(incoming.slot_start), read=fmt.number(incoming.meters),
                    usual=fmt.number(incoming.expected),
                )  # fmt: skip
            tile.set_value(fmt.DASH, text, "empty")
            return
        caption = self.tr("{slot} slot · {read}/{total} 台区 summary meters").format(
            slot=fmt.clock_time(shown.slot_start),
            read=fmt.number(shown.meters),
            total=fmt.number(snap.summary_meters),
        )
        if incoming is not None:
            caption += self.tr(" · {slot} coming in ({read} so far)").format(
                slot=fmt.clock_time(incoming.slot_start), read=fmt.number(incoming.meters)
            )
        state = "normal" if shown.meters >= snap.summary_meters else "warn"
        tile.set_value(fmt.number(Decimal(shown.power_w) / 1000, 1), caption, state)

    def _show_peak(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["peak"]
        complete = [p for p in snap.today if p.complete]
        if not complete:
            tile.set_value(fmt.DASH, self.tr("No complete quarter hour today yet."), "empty")
            return
        peak = max(complete, key=lambda p: p.power_w)
        caption = self.tr("at {time}").format(time=fmt.clock_time(peak.slot_start))
        if snap.yesterday:
            y_peak = max(p.power_w for p in snap.yesterday)
            caption += self.tr(" · yesterday {kw} kW").format(
                kw=fmt.number(Decimal(y_peak) / 1000, 1)
            )
        tile.set_value(fmt.number(Decimal(peak.power_w) / 1000, 1), caption)

    def _show_meters(self, snap: PanoramaSnapshot) -> None:
        tile = self.tiles["meters"]
        rate = snap.success_pct
        if rate is None or snap.success_grade is None:
            tile.set_value(fmt.DASH, self.tr("No meters in this scope."), "empty")
            return
        tile.set_value(
            f"{fmt.number(snap.meters_read)} / {fmt.number(snap.meters_expected)}",
            self.tr("Collection success {rate} % (target {target} %)").format(
                rate=fmt.number(rate, 2), target=fmt.number(snap.target_pct, 2)
            ),
            GRADE_STATES[snap.success_grade.value],
        )
