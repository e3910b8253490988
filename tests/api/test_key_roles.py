"""Keys carry a person's name and a role: `rotation keys create --role R --name N`; a viewer's key
reads and changes nothing; keys made before roles became planners (admins stay admins); key
changes on the command line are lines of the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api.db import MIGRATIONS, ApiKey, Database, make_engine, now
from optimizer.cli import main
from optimizer.io import scenario_to_document
from tests.api.test_keys import _get_when_up, _serve_demo
from tests.tiny import two_school_county


def create(capsys: pytest.CaptureFixture[str], database_url: str, *args: str) -> dict[str, str]:
    assert main(["keys", "create", *args, "--db", database_url]) == 0
    return {"X-API-Key": capsys.readouterr().out.splitlines()[-1]}


def test_a_viewer_key_reads_and_changes_nothing(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    viewer = create(capsys, database_url, "--region", "东区", "--role", "viewer", "--name", "张三")
    assert client.get("/v1/scenarios", headers=viewer).status_code == 200
    document = scenario_to_document(two_school_county())
    refused = client.post("/v1/scenarios", json=document, headers=viewer)
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_role"
    assert refused.json()["message"].startswith("此密钥的角色为 viewer，不能修改任何数据")
    english = client.post("/v1/scenarios?lang=en", json=document, headers=viewer)
    assert english.json()["message"].startswith("this key's role is viewer: it may not change anything")
    assert client.get("/v1/scenarios", headers=viewer).json()["total"] == 0

    assert main(["keys", "list", "--db", database_url]) == 0
    [row] = [
        line for line in capsys.readouterr().out.splitlines() if viewer["X-API-Key"].split("_")[1] in line
    ]
    assert "viewer" in row and "张三" in row and "东区" in row


def test_admin_is_the_admin_role_and_roles_need_a_region(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    create(capsys, database_url, "--admin", "--name", "王五")
    create(capsys, database_url, "--role", "admin")
    create(capsys, database_url, "--region", "东区", "--role", "approver", "--name", "李四")
    assert main(["keys", "create", "--role", "approver", "--db", database_url]) == 1
    assert "--region" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["keys", "create", "--region", "东区", "--role", "boss", "--db", database_url])
    database = Database(database_url)
    with database.session() as session:
        keys = [
            (key.role, key.admin, key.name)
            for key in session.scalars(select(ApiKey).order_by(ApiKey.created_at))
        ]
    database.engine.dispose()
    assert keys == [("admin", True, "王五"), ("admin", True, ""), ("approver", False, "李四")]


def test_key_changes_on_the_command_line_are_audited_for_admins(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = create(capsys, database_url, "--admin", "--name", "王五")
    planner = create(capsys, database_url, "--region", "东区", "--name", "张三")
    prefix = planner["X-API-Key"].split("_")[1]
    assert main(["keys", "revoke", prefix, "--db", database_url]) == 0
    lines = client.get("/v1/audit", headers=admin).json()["items"]
    assert [(line["action"], line["detail"].get("name")) for line in lines] == [
        ("key.revoke", "张三"),
        ("key.create", "张三"),
        ("key.create", "王五"),
    ]
    assert lines[1]["detail"] == {"prefix": prefix, "role": "planner", "name": "张三", "regions": ["东区"]}
    assert all(line["actor"].endswith("(rotation keys)") for line in lines)
    region_key = create(capsys, database_url, "--region", "东区")
    assert client.get("/v1/audit", headers=region_key).json()["items"] == []


OLD_KEYS = sa.table(
    "api_keys",
    sa.column("regions", sa.JSON),
    *(sa.column(name) for name in ("id", "prefix", "digest", "admin", "label", "created_at", "revoked")),
)
"""api_keys as revision 0005 has it (the model has columns added since)."""


def test_keys_made_before_roles_migrate_to_planner_or_admin(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        for prefix, admin, label in (("aaaa0001", True, "ops"), ("aaaa0002", False, "东区 HR")):
            regions = [] if admin else ["东区"]
            connection.execute(
                OLD_KEYS.insert().values(
                    id=prefix,
                    prefix=prefix,
                    digest=prefix * 8,
                    regions=regions,
                    admin=admin,
                    label=label,
                    created_at=now(),
                    revoked=False,
                )
            )
        command.upgrade(config, "head")
        migrated = connection.execute(text("SELECT prefix, role, name FROM api_keys ORDER BY prefix")).all()
    engine.dispose()
    assert [tuple(row) for row in migrated] == [
        ("aaaa0001", "admin", "ops"),
        ("aaaa0002", "planner", "东区 HR"),
    ]


def test_serve_demo_audits_the_demo_county_and_its_keys(database_url: str) -> None:
    """Each start of `rotation serve --demo` revokes the last demo key and makes a new one: lines of
    the audit log, as the demo county it loads on the first start."""
    for _ in range(2):
        server, port, key = _serve_demo(database_url)
        try:
            audit = _get_when_up(f"http://127.0.0.1:{port}/v1/audit", key)
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [(line["action"], line["actor"].endswith("(rotation serve --demo)")) for line in audit["items"]]
    assert lines == [
        ("key.create", True),
        ("key.revoke", True),
        ("key.create", True),
        ("scenario.create", True),
    ]
    assert audit["items"][-1]["regions"] == ["青山县"]
