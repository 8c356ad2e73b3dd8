"""Device drivers: pure protocol codecs, sans-IO sessions, transports chosen by URL, the emulator.

Knows nothing of the database, pandas or Qt (enforced by import-linter, see pyproject.toml).
"""
