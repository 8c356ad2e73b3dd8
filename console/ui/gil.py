"""The GUI thread's share of the interpreter lock.

Collection passes, the concentrator front end and the view queries run on worker threads of
the GUI process. Every time Qt calls back into Python on the GUI thread (a slot, a timer, a
model's ``data()``), that thread must win the interpreter lock back; CPython lets a waiting
thread ask for it only after the switch interval, 5 ms by default, and a repaint that calls
back a few hundred times then stalls for a second while the workers compute. A shorter
interval bounds each wait. Measured with ``python3 packaging/dev.py bench -k "frontend and
gui"`` (the county's daily freeze, 265,000 meters, with 采集监控 and 报文监视 open): longest
GUI stall 1,050 ms at 5 ms, 136-320 ms at 0.5 ms, 125 ms at 0.1 ms; the pass took 63-66 s at
5 ms and 70 s at 0.1 ms.
"""

from __future__ import annotations

import sys

GUI_SWITCH_INTERVAL_S = 0.0001


def favour_the_gui_thread() -> None:
    """Let a waiting thread (the GUI's) take the interpreter lock after 0.1 ms, not 5 ms."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
