"""Plan documents of a staffing plan (issue 13): beside its moves, a plan has exchanges, hires and
走教 assignments, and its document names the leaders after the plan and every school × subject's
coverage; every move has a `kind` (rotation or exchange).

A plan stored before was rotation only: its moves become `kind` rotation and it has no exchanges,
hires or 走教. Its leaders and coverage were not recorded: they are stored empty. A running job's
best plan so far gets the same decisions. Downgrading drops what the older server cannot read
(exchanges, hires and 走教 are lost).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

jobs = sa.table(
    "plan_jobs", sa.column("id", sa.String), sa.column("result", sa.JSON), sa.column("best", sa.JSON)
)

NEW_DECISIONS = ("exchanges", "hires", "itinerant")
NEW_TABLES = ("leaders", "coverage")
Rewrite = Callable[[dict[str, Any]], dict[str, Any]]


def upgrade() -> None:
    rewrite(
        result=lambda document: with_staffing(document, (*NEW_DECISIONS, *NEW_TABLES)),
        best=lambda document: with_staffing(document, NEW_DECISIONS),
    )


def downgrade() -> None:
    rewrite(result=without_staffing, best=without_staffing)


def rewrite(result: Rewrite, best: Rewrite) -> None:
    """Applies `result` to every stored plan document and `best` to every best plan so far."""
    connection = op.get_bind()
    for job_id, stored_result, stored_best in connection.execute(
        sa.select(jobs.c.id, jobs.c.result, jobs.c.best)
    ).all():
        values = {}
        if stored_result:
            values["result"] = result(stored_result)
        if stored_best:
            values["best"] = best(stored_best)
        if values:
            connection.execute(jobs.update().where(jobs.c.id == job_id).values(**values))


def with_staffing(document: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    moves = [{"kind": "rotation", **move} for move in document["moves"]]
    return {**{key: [] for key in keys}, **document, "moves": moves}


def without_staffing(document: dict[str, Any]) -> dict[str, Any]:
    moves = [{key: value for key, value in move.items() if key != "kind"} for move in document["moves"]]
    kept = {key: value for key, value in document.items() if key not in (*NEW_DECISIONS, *NEW_TABLES)}
    return {**kept, "moves": moves}
