"""Query functions. Each takes a ``Session`` and returns plain dataclasses, never ORM rows."""
