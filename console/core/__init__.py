"""Shared, Qt-free basics every console package may use: paths, settings, clock, logging."""
