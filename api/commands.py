"""`rotation serve` and `rotation keys ...`: start the service, manage API keys.

Imported lazily by optimizer/cli.py, so the optimizer library never imports the web stack.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path

import uvicorn
from sqlalchemy import make_url, select

from api.audit import record_command
from api.config import Settings
from api.db import ApiKey, Database, ScenarioRow, migrate
from api.security import DEMO_LABEL, KEY_PREFIX, Role, create_key, replace_demo_key
from api.store import save_scenario
from optimizer.io import load_bundle

DEMO_BUNDLE = Path(__file__).resolve().parent.parent / "scenarios" / "demo-county"
DEMO_NAME = "demo-county"


def serve(host: str, port: int, db_url: str | None, demo: bool) -> None:
    """Migrates the database, optionally loads the demo county with an admin key, then serves in
    this one process (the app's job runner owns the solve processes)."""
    if db_url:
        os.environ["ROTATION_DB"] = db_url  # create_app() reads Settings() from the environment
    settings = Settings()
    database = _database(settings.database_url)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"database: {make_url(settings.database_url).render_as_string(hide_password=True)}")
    if demo:
        with database.session() as session:
            scenario_id = session.scalar(select(ScenarioRow.id).where(ScenarioRow.name == DEMO_NAME).limit(1))
            if scenario_id is None:
                row = save_scenario(session, load_bundle(DEMO_BUNDLE))
                record_command(session, _operator(DEMO_LABEL), "scenario.create", {"name": row.name}, row)
                scenario_id = row.id
            revoked = session.scalars(
                select(ApiKey.prefix).where(ApiKey.label == DEMO_LABEL, ApiKey.revoked.is_(False))
            ).all()
            key = replace_demo_key(session)
            for prefix in revoked:
                record_command(
                    session, _operator(DEMO_LABEL), "key.revoke", {"prefix": prefix, "label": DEMO_LABEL}
                )
            detail = {"prefix": key.split("_")[1], "role": "admin", "label": DEMO_LABEL}
            record_command(session, _operator(DEMO_LABEL), "key.create", detail)
        print(f"demo scenario {DEMO_NAME}: {scenario_id}")
        print(f"admin key (shown once, stored hashed): {key}")
        print(f'try: curl -H "X-API-Key: {key}" {url}/v1/scenarios')
    database.engine.dispose()
    sign_in = "the admin key above" if demo else "a key from `rotation keys create`"
    print(f"service: {url}  (API docs: {url}/docs)")
    print(f"web page: {url}/  (open it and sign in with {sign_in})", flush=True)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port)


def keys_create(db_url: str | None, regions: list[str], role: Role, name: str, label: str) -> str:
    """A new key, printed once as the last line (scripts take `tail -n 1`); role admin holds every
    region. The audit log records it, by the operating-system user who ran the command."""
    database = _database(db_url)
    with database.session() as session:
        key = create_key(session, regions, label=label, role=role, name=name)
        detail = {"prefix": key.split("_")[1], "role": role, "name": name, "regions": sorted(set(regions))}
        record_command(session, _operator(), "key.create", detail)
    database.engine.dispose()
    scope = "every region" if role == "admin" else ", ".join(sorted(set(regions)))
    print(f"new {role} key for {name or 'no one named'} ({scope}); shown once, stored hashed:")
    print(key)
    return key


def keys_list(db_url: str | None) -> None:
    """Every key by prefix (the clear key is never stored, so never shown)."""
    database = _database(db_url)
    with database.session() as session:
        rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()
    database.engine.dispose()
    print(f"{'prefix':<12} {'created':<16} {'state':<8} {'role':<9} {'scope':<24} {'name':<12} label")
    for row in rows:
        scope = "admin" if row.admin else ",".join(row.regions)
        state = "revoked" if row.revoked else "active"
        print(
            f"{KEY_PREFIX + row.prefix:<12} {_minute(row.created_at):<16} {state:<8} {row.role:<9} "
            f"{scope:<24} {row.name:<12} {row.label}"
        )


def keys_revoke(db_url: str | None, prefix: str) -> int:
    """Revokes the active keys with this prefix (`rk_1a2b3c4d`, `1a2b3c4d` or the whole key);
    returns how many."""
    wanted = prefix.removeprefix(KEY_PREFIX).split("_", 1)[0]
    database = _database(db_url)
    with database.session() as session:
        rows = session.scalars(select(ApiKey).where(ApiKey.prefix == wanted, ApiKey.revoked.is_(False))).all()
        for row in rows:
            row.revoked = True
            record_command(session, _operator(), "key.revoke", {"prefix": row.prefix, "name": row.name})
    database.engine.dispose()
    print(f"revoked {len(rows)} key(s) with prefix {KEY_PREFIX}{wanted}")
    return len(rows)


def _database(db_url: str | None) -> Database:
    """The configured database (ROTATION_DB unless given), migrated to the newest schema."""
    database = Database(db_url or Settings().database_url)
    migrate(database.engine)
    return database


def _operator(command: str = "rotation keys") -> str:
    """Who made a key change on the command line: no key did it, so the operating-system user."""
    try:
        return f"{getpass.getuser()} ({command})"
    except OSError:
        return command


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
