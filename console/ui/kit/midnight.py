"""A day change on the console's clock: one single-shot timer to the next midnight, re-armed
each time, for views whose figures are "today's" (no polling in between)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QObject, Qt, QTimer, Signal

MARGIN_MS = 1_000  # wake just after midnight, never just before it
LONGEST_MS = 2**31 - 1  # QTimer's limit (a clock set far back must not overflow it)


class MidnightTimer(QObject):
    """``passed(day)`` with the new day, once per day change of ``now``."""

    passed = Signal(object)

    def __init__(self, now: Callable[[], datetime], parent: QObject) -> None:
        super().__init__(parent)
        self._now = now
        self._day: date = now().date()
        self._timer = QTimer(self)
        # A coarse timer may fire 5 % late: 40 minutes past midnight for a 14-hour wait.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._arm()

    @property
    def day(self) -> date:
        return self._day

    def remaining_ms(self) -> int:
        return self._timer.remainingTime()

    def check(self) -> None:
        """Emit ``passed`` if the day changed since the last check; arm the timer again."""
        today = self._now().date()
        if today != self._day:
            self._day = today
            self.passed.emit(today)
        self._arm()

    def _arm(self) -> None:
        now = self._now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time.min)
        ms = int((midnight - now).total_seconds() * 1000) + MARGIN_MS
        self._timer.start(max(MARGIN_MS, min(ms, LONGEST_MS)))
