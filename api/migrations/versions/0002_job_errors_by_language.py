"""A failed job's stored error in the one error shape, once per language: {"zh": body, "en": body},
body = {"error", "message", "problems"}. Errors stored before were {"message", "problems"} in
English (or plain text); they become code `job_failed` with that text in both languages.

Revision ID: 0002
Revises: 0001
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

jobs = sa.table("plan_jobs", sa.column("id", sa.String), sa.column("error", sa.Text))


def upgrade() -> None:
    connection = op.get_bind()
    stored = connection.execute(sa.select(jobs.c.id, jobs.c.error).where(jobs.c.error.is_not(None)))
    for job_id, text in stored.all():
        error = json.dumps(by_language(text), ensure_ascii=False)
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(error=error))


def downgrade() -> None:
    connection = op.get_bind()
    stored = connection.execute(sa.select(jobs.c.id, jobs.c.error).where(jobs.c.error.is_not(None)))
    for job_id, text in stored.all():
        english = json.loads(text)["en"]
        problems = [
            {key: problem.get(key) for key in ("file", "row", "column", "message")}
            for problem in english["problems"]
        ]
        error = json.dumps({"message": english["message"], "problems": problems}, ensure_ascii=False)
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(error=error))


def by_language(text: str) -> dict[str, Any]:
    try:
        old = json.loads(text)
    except json.JSONDecodeError:
        old = {"message": text, "problems": []}
    if "en" in old:
        return dict(old)
    problems = [
        {
            "code": "invalid",
            "file": problem.get("file"),
            "row": problem.get("row"),
            "column": problem.get("column"),
            "rule": None,
            "message": problem.get("message", ""),
            "message_zh": problem.get("message", ""),
            "message_en": problem.get("message", ""),
        }
        for problem in old.get("problems", [])
    ]
    message = str(old.get("message", ""))
    return {lang: {"error": "job_failed", "message": message, "problems": problems} for lang in ("zh", "en")}
