"""系统管理: what this installation is, the versioned thresholds, and every job of the service."""
