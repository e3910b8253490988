"""A list of plan jobs reads their summaries without loading the plans: `plan_jobs.summary` holds
the plan document's summary (filled from every stored plan). And `idempotency_keys` keeps the
first answer to a POST sent with an `Idempotency-Key` header (api/idempotency.py).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

jobs = sa.table(
    "plan_jobs", sa.column("id", sa.String), sa.column("result", sa.JSON), sa.column("summary", sa.JSON)
)


def upgrade() -> None:
    with op.batch_alter_table("plan_jobs") as batch:
        batch.add_column(sa.Column("summary", sa.JSON, nullable=True))
    connection = op.get_bind()
    stored = connection.execute(sa.select(jobs.c.id, jobs.c.result).where(jobs.c.result.isnot(None)))
    for job_id, result in stored.all():
        if result and result.get("summary") is not None:
            connection.execute(jobs.update().where(jobs.c.id == job_id).values(summary=result["summary"]))
    op.create_table(
        "idempotency_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("location", sa.String(2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", "idempotency_keys")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("plan_jobs") as batch:
        batch.drop_column("summary")
