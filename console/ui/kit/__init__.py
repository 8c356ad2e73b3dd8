"""What every view is built from: tiles, panels, virtual table models over plain data, the
background-task helper, and the window's events delivered on the GUI thread."""
