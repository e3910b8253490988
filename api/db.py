"""The service's storage: scenarios, plan jobs, objections, the audit log and API keys, through
SQLAlchemy.

A SQLite file is the embedded default; any SQLAlchemy URL (postgresql+psycopg://...) works.
The schema is created and migrated by Alembic at start (`migrate`), never by hand.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    CursorResult,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    Update,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker, validates

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 30
"""How long a SQLite connection waits for another process's lock before giving up."""
MIGRATION_LOCK = 0x726F746174696F6E
"""The PostgreSQL advisory lock key every migration holds ("rotation" in ASCII)."""


def new_id() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON, list[Any]: JSON}


class ApiKey(Base):
    """A client's key: only its SHA-256 digest is stored; `prefix` finds it without a scan."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    regions: Mapped[list[str]] = mapped_column(JSON)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(16), default="planner")
    """viewer, planner, approver or admin (api.security.ROLES); an admin key holds every region."""
    name: Mapped[str] = mapped_column(String(200), default="")
    """The person the key belongs to: who the audit log says did what."""


class ScenarioRow(Base):
    """A validated scenario as SPEC's JSON document; `regions` decide who may see it. The document
    is loaded only when read (deferred): an access check or a list reads the light columns alone."""

    __tablename__ = "scenarios"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    regions: Mapped[list[str]] = mapped_column(JSON)
    year: Mapped[int] = mapped_column(Integer)
    teachers: Mapped[int] = mapped_column(Integer)
    schools: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL"), nullable=True
    )
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


PLAN_KIND, ROADMAP_KIND = "plan", "roadmap"
"""What a job of plan_jobs computes: one year's plan, or a roadmap of several (api.roadmaps)."""


class PlanJob(Base):
    """A solve request and, once done, its plan document. status: queued, running, cancelling,
    done, cancelled, failed. `best` holds the best plan found so far while running. `best` and
    `result` are loaded only when read (deferred); `summary` is the plan document's summary, kept
    beside it so that a list of jobs never loads a plan."""

    __tablename__ = "plan_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    regions: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    kind: Mapped[str] = mapped_column(String(16), index=True, default=PLAN_KIND)
    """plan, or roadmap (api.roadmaps): one queue and one runner for both; the plan routes see plans."""
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    best: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    """Runs started again because the previous one's solve process died (bounded by the runner)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lifecycle: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    """The plan's life (api.lifecycle): draft, notice (公示中), approved, executed or withdrawn."""

    @validates("result")
    def _summary_follows(self, _key: str, result: dict[str, Any] | None) -> dict[str, Any] | None:
        """A plan document set through the ORM sets its summary too (an UPDATE statement that sets
        `result` sets `summary` itself: see `result_values`)."""
        self.summary = summary_column(result)
        return result


def summary_column(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """What plan_jobs.summary holds for a plan document (None without one)."""
    return None if result is None else result.get("summary")


def result_values(result: dict[str, Any] | None) -> dict[str, Any]:
    """The values of an UPDATE that stores a plan document: the document and its summary."""
    return {"result": result, "summary": summary_column(result)}


class IdempotencyRecord(Base):
    """The first answer to a POST sent with an `Idempotency-Key` header, per API key, kept so that
    a retry gets that answer again instead of queueing a second solve (`api.idempotency`)."""

    __tablename__ = "idempotency_keys"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request's method, path and body: the same key with another request is refused."""
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    location: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class Objection(Base):
    """An objection raised while a plan is on public notice (公示), against one teacher of it;
    `answer_plan_id` is the re-plan that answers it (its diff is against this plan)."""

    __tablename__ = "objections"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[str] = mapped_column(String(100))
    author: Mapped[str] = mapped_column(String(200))
    """Who raised it (the teacher, a school, a parent ...), as the bureau recorded it."""
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    """The person whose key recorded it."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    answer_plan_id: Mapped[str | None] = mapped_column(
        ForeignKey("plan_jobs.id", ondelete="SET NULL"), nullable=True
    )
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditLine(Base):
    """One change made through the service or `rotation keys`: who (the key's person), when
    (UTC), what (`action` and its `detail`), on which scenario or plan. Ids are not foreign keys:
    a line outlives what it is about. `regions` decide which keys may read it."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    scenario_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RunnerLease(Base):
    """Which server runs the jobs: one row, `holder` (None when free) and `beat`, which the holder
    raises at every renewal so that the others can see it is alive (`api.lease`)."""

    __tablename__ = "runner_lease"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    beat: Mapped[int] = mapped_column(Integer, default=0)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so the solve processes can write alongside."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            _use_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once (the mode stays with the file). Switching takes the file's lock
    and SQLite answers "database is locked" at once, without its busy timeout, while another
    process holds it (several processes opening a fresh database together): retry until
    SQLITE_BUSY_SECONDS have passed."""
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creating it on an empty database).

    Processes started together on a fresh database (`rotation serve` beside `rotation keys
    create`) migrate one after the other: the whole upgrade runs in one transaction that first
    takes the database's migration lock, so the next one finds the schema at head and does nothing.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        _lock_schema(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _lock_schema(connection: Connection) -> None:
    """Hold the migration lock until this transaction ends. PostgreSQL: a transaction-scoped
    advisory lock (its DDL is transactional, so the upgrade commits whole). SQLite: an exclusive
    transaction (pysqlite leaves DDL outside any transaction unless one is begun explicitly);
    other connections wait for it within their busy timeout."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")


def rows_updated(session: Session, statement: Update) -> int:
    """How many rows an UPDATE changed. For an UPDATE without RETURNING the session returns a
    CursorResult, which has the count; Session.execute is declared to return a plain Result."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


class Database:
    """The engine and a session factory, made once per process from the settings."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on any error (nothing half-saved)."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
