"""全景监控: the panorama's KPI tiles and load curves."""
