"""Database housekeeping jobs: scheduled backups with retention, integrity checks on start."""
