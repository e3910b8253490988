"""Roadmap jobs (issue 14 item 5) share the plan jobs' table, queue and runner: `kind` says which
a job is (every job stored before is a plan).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("plan_jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="plan"))
        batch.create_index("ix_plan_jobs_kind", ["kind"])


def downgrade() -> None:
    with op.batch_alter_table("plan_jobs") as batch:
        batch.drop_index("ix_plan_jobs_kind")
        batch.drop_column("kind")
