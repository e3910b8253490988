"""A process of the migration race (tests/api/test_reliability_jobs.py), in a module of its own
so that the processes "spawn" starts import only the storage, and reach the race together."""

from __future__ import annotations

from multiprocessing.synchronize import Barrier

from api.db import Database, migrate


def migrate_when_released(database_url: str, barrier: Barrier) -> None:
    """Migrate the database the moment every process of the race is ready."""
    database = Database(database_url)
    barrier.wait()
    migrate(database.engine)
    database.engine.dispose()
