"""One runner per database and retries of a job whose solve process died: the `runner_lease` row
(free at first) and `plan_jobs.retries` (0 for every job stored before).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

LEASE = "runner"
"""The name of the one lease row (api.lease.LEASE)."""


def upgrade() -> None:
    lease = op.create_table(
        "runner_lease",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=True),
        sa.Column("beat", sa.Integer, nullable=False),
    )
    op.bulk_insert(lease, [{"name": LEASE, "holder": None, "beat": 0}])
    with op.batch_alter_table("plan_jobs") as batch:
        batch.add_column(sa.Column("retries", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("plan_jobs") as batch:
        batch.drop_column("retries")
    op.drop_table("runner_lease")
