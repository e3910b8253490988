"""A plan's life (issue 15 item 4): keys carry a role and a person's name, a plan job its
lifecycle (every stored plan starts as a draft), objections raised during 公示, and the audit log.

Existing keys: an admin key becomes role admin, every other key role planner (what a region key
could do before, approving aside); a key's name starts as its label.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"

keys = sa.table(
    "api_keys",
    sa.column("admin", sa.Boolean),
    sa.column("label", sa.String),
    sa.column("role", sa.String),
    sa.column("name", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="planner"))
        batch.add_column(sa.Column("name", sa.String(200), nullable=False, server_default=""))
    op.execute(keys.update().where(keys.c.admin.is_(True)).values(role="admin"))
    op.execute(keys.update().values(name=keys.c.label))
    with op.batch_alter_table("plan_jobs") as batch:
        batch.add_column(sa.Column("lifecycle", sa.String(16), nullable=False, server_default="draft"))
        batch.create_index("ix_plan_jobs_lifecycle", ["lifecycle"])
    op.create_table(
        "objections",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "plan_id", sa.String(32), sa.ForeignKey("plan_jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("teacher_id", sa.String(100), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "answer_plan_id", sa.String(32), sa.ForeignKey("plan_jobs.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_objections_plan_id", "objections", ["plan_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("scenario_id", sa.String(32), nullable=True),
        sa.Column("plan_id", sa.String(32), nullable=True),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_scenario_id", "audit_log", ["scenario_id"])
    op.create_index("ix_audit_log_plan_id", "audit_log", ["plan_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("objections")
    with op.batch_alter_table("plan_jobs") as batch:
        batch.drop_index("ix_plan_jobs_lifecycle")
        batch.drop_column("lifecycle")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("name")
        batch.drop_column("role")
