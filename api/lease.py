"""The runner lease: one database has one runner, however many servers serve it.

The lease is one row (`runner_lease`): who holds it and a heartbeat counter the holder raises
every third of the lease's time. Every change is a conditional UPDATE, so of two servers that
try at once exactly one wins, on SQLite as on PostgreSQL. A server that does not hold the lease
watches the row: when the holder's heartbeat has not moved for a whole lease time on the
watcher's own clock (so no two machines' clocks are compared), the holder is taken for dead and
the watcher takes the lease over, guarded by the holder and heartbeat it saw. A holder that
finds the lease taken from it (it stalled) stops running jobs at once.
"""

from __future__ import annotations

import os
import socket
import time
import uuid

from sqlalchemy import ColumnElement, update

from api.db import Database, RunnerLease, rows_updated

LEASE = "runner"
"""The name of the one lease row (created by migration 0004)."""


class Lease:
    """This process's side of the lease. `hold()` is called on every dispatcher pass and touches
    the database at most every `seconds / 3`."""

    def __init__(self, database: Database, seconds: float) -> None:
        self.database = database
        self.seconds = seconds
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        """This server, as the lease row names it."""
        self.held = False
        self.checked = float("-inf")
        """When this process last renewed or read the lease (monotonic seconds)."""
        self.seen: tuple[str | None, int] | None = None
        self.seen_since = 0.0
        """The other holder and heartbeat last read, and since when they have not changed."""

    def hold(self) -> bool:
        """True while this process holds the lease: renewed when it is due, taken when it is
        free or its holder's heartbeat stood still for `seconds`."""
        moment = time.monotonic()
        if moment - self.checked < self.seconds / 3:
            return self.held
        self.checked = moment
        if self.held:
            self.held = self._renew()
            return self.held
        with self.database.session() as session:
            row = session.get_one(RunnerLease, LEASE)
            state = (row.holder, row.beat)
        if state != self.seen:
            self.seen, self.seen_since = state, moment
        if state[0] is None or moment - self.seen_since >= self.seconds:
            self.held = self._take(*state)
        return self.held

    def release(self) -> None:
        """Free the lease (a server stopping cleanly), so another server takes it at once."""
        if self.held:
            self._change(RunnerLease.holder == self.holder, holder=None)
            self.held = False

    def _renew(self) -> bool:
        return self._change(RunnerLease.holder == self.holder)

    def _take(self, holder: str | None, beat: int) -> bool:
        seen = RunnerLease.holder.is_(None) if holder is None else RunnerLease.holder == holder
        return self._change(seen, RunnerLease.beat == beat, holder=self.holder)

    def _change(self, *conditions: ColumnElement[bool], **values: str | None) -> bool:
        """Raise the heartbeat (and set `values`) where `conditions` hold; True when they did."""
        statement = (
            update(RunnerLease)
            .where(RunnerLease.name == LEASE, *conditions)
            .values(beat=RunnerLease.beat + 1, **values)
        )
        with self.database.session() as session:
            return rows_updated(session, statement) == 1
