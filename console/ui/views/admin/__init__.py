"""系统管理: system information, the versioned thresholds, every job of the service."""
