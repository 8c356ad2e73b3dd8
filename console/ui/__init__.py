"""The Qt layer: the only package that imports PySide6 or pyqtgraph (enforced by import-linter).

Views take their services in ``attach`` and render plain data; all I/O and queries run on
worker threads through ``tasks.TaskRunner``.
"""
