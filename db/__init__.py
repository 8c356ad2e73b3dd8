"""Persistence: typed models, Alembic migrations, engine/session factory, bulk ingest, queries.

Knows nothing of Qt or the drivers. Query functions take a ``Session``; callers own its scope.
"""
