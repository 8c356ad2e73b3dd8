"""Panoramic monitoring: KPIs and load curves by organisation scope, as plain data."""
