"""The four KPI tiles of 采集监控, shown from a ``KpiSummary`` as the KPI module computed it:
the rate, its grade against the target and "meters short" are the module's, never the view's."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QWidget

from console.collection.api import KpiSummary
from console.kpi.collection import Grade
from console.ui import format as fmt
from console.ui.kit.tiles import KpiTile


class CollectionTiles(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rate = KpiTile(self.tr("Collection success"), "%")
        self.meters = KpiTile(self.tr("Meters read / due"), self.tr("meters"))
        self.failing = KpiTile(self.tr("Unread meters"), self.tr("meters"))
        self.online = KpiTile(self.tr("Concentrators online"), self.tr("units"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        for column, tile in enumerate(self.tiles):
            tile.set_value(fmt.DASH, self.tr("Loading…"), "empty")
            grid.addWidget(tile, 0, column)
            grid.setColumnStretch(column, 1)

    @property
    def tiles(self) -> tuple[KpiTile, ...]:
        return (self.rate, self.meters, self.failing, self.online)

    def show_failure(self, message: str) -> None:
        """The figures could not be read: say so where they would be, not "Loading…"."""
        for tile in self.tiles:
            tile.set_value(fmt.DASH, message, "empty")

    def show_summary(self, k: KpiSummary) -> None:
        day = k.day.strftime("%m-%d")
        target = fmt.number(k.target_pct, 2)
        if k.rate_pct is None or k.grade is None:
            self.rate.set_value(
                fmt.DASH, self.tr("No meter is due to be read in this scope."), "empty"
            )
        elif k.grade is Grade.GOOD:
            self.rate.set_value(
                fmt.number(k.rate_pct, 2),
                self.tr("Target {target} % met").format(target=target),
                k.grade.value,
            )
        else:
            self.rate.set_value(
                fmt.number(k.rate_pct, 2),
                self.tr("{n} meters short of the {target} % target").format(
                    n=fmt.number(k.short), target=target
                ),
                k.grade.value,
            )
        self.meters.set_value(
            f"{fmt.number(k.rate.read)} / {fmt.number(k.rate.expected)}",
            self.tr("Meters with a daily freeze of {day} / meters due").format(day=day),
            "normal" if k.rate.expected else "empty",
        )
        if not k.meters_failing:
            self.failing.set_value(
                "0",
                self.tr("Every meter due has its daily freeze of {day}").format(day=day),
                "good",
            )
        else:
            self.failing.set_value(
                fmt.number(k.meters_failing),
                self.tr("No valid daily freeze of {day}").format(day=day),
                k.grade.value if k.grade is not None else "warn",
            )
        online, total = k.concentrators_online, k.concentrators_total
        if not total:
            self.online.set_value("0", self.tr("No concentrator in this scope."), "empty")
        elif online == total:
            self.online.set_value(
                f"{fmt.number(online)} / {fmt.number(total)}",
                self.tr("All logged in and sending heartbeats"),
                "good",
            )
        else:
            self.online.set_value(
                f"{fmt.number(online)} / {fmt.number(total)}",
                self.tr("{n} offline: not logged in, or their heartbeats stopped").format(
                    n=fmt.number(total - online)
                ),
                "warn" if online else "bad",
            )
