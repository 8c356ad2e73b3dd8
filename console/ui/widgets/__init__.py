"""Reusable widgets: KPI tiles, the load-curve plot, empty states."""
