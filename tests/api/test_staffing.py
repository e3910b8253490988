"""The staffing plan through the service (issue 13): a plan document carries exchanges, hires, 走教,
the leaders and the coverage of every school × subject, as the library computes them; a plan
stored before it still loads; what the loader skipped in the input comes back as warnings."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import MIGRATIONS, Database, PlanJob, make_engine, migrate, new_id, now
from api.documents import plan_of, result_document
from api.main import create_app
from api.security import create_key
from api.store import save_scenario
from optimizer.io import load_document, scenario_to_document, write_bundle
from optimizer.options import EngineSettings
from optimizer.rules import coverage_posts, leaders_after
from optimizer.scenario import Scenario
from optimizer.solve import solve
from tests.api.test_plans import solved
from tests.api.test_scenarios import bundle_files
from tests.tiny import scenario, school, teacher

REGION = "东区"
Headers = dict[str, str]
MakeKey = Callable[..., Headers]
STAFFING_KEYS = ("exchanges", "hires", "itinerant", "leaders", "coverage")
NEW_SUMMARY_FIGURES = (
    "unmet_before",
    "unmet_after",
    "vacancies_filled",
    "vacancies_open",
    "vacancies_created",
    "hires",
    "hire_budget",
    "exchanges",
    "itinerant_assignments",
    "schools_with_principal_before",
    "schools_with_principal_after",
)
"""The summary's figures a plan stored before the staffing plan does not have."""


def staffed_county() -> Scenario:
    """An urban school of ten maths teachers and two rural schools of one 学区 short of maths
    teachers; R1 has no music teacher and R2 two for one post (走教 material); U1 and R1 have a
    principal. The plan rotates, hires and sends R2's music teachers to R1 in part."""
    schools = [
        school("U1", "urban", establishment=12),
        school("R1", "rural", establishment=6, lat=30.02, district="D1"),
        school("R2", "rural", establishment=6, lat=30.03, district="D1"),
    ]
    teachers = [teacher(f"T{i:02d}", "U1", is_backbone=i < 3) for i in range(10)]
    teachers += [
        teacher("P1", "U1", "chinese", role="principal", years_at_school=3),
        teacher("P2", "R1", "chinese", role="principal", years_at_school=3),
        teacher("R00", "R1", is_backbone=True, years_at_school=2),
        teacher("R01", "R2", is_backbone=True, years_at_school=2),
        teacher("M1", "R2", "music", years_at_school=2),
        teacher("M2", "R2", "music", years_at_school=2),
    ]
    demand = {
        ("U1", "math"): 10,
        ("R1", "math"): 3,
        ("R1", "music"): 1,
        ("R2", "math"): 2,
        ("R2", "music"): 1,
    }
    return scenario(schools, teachers, demand)


def test_the_plan_document_carries_the_staffing_plan_as_the_library_computes_it(
    client: TestClient, make_key: MakeKey
) -> None:
    headers = make_key(REGION)
    document = scenario_to_document(staffed_county())
    scenario_id = client.post("/v1/scenarios", json=document, headers=headers).json()["id"]
    job = client.get(f"/v1/plans/{solved(client, headers, scenario_id=scenario_id)}", headers=headers).json()

    assert job["hires"] and job["itinerant"] and job["exchanges"] == []
    assert {(a["teacher_id"], a["school_id"], a["subject"]) for a in job["itinerant"]} <= {
        ("M1", "R1", "music"),
        ("M2", "R1", "music"),
    }
    stored = load_document(client.get(f"/v1/scenarios/{scenario_id}", headers=headers).json()["document"])
    plan = plan_of(job)
    assert job["leaders"] == [asdict(leader) for leader in leaders_after(stored, plan)]
    assert {leader["school_id"] for leader in job["leaders"]} == {"U1", "R1"}
    posts = coverage_posts(stored, plan)
    assert [(row["school_id"], row["subject"]) for row in job["coverage"]] == [
        (post.school_id, post.subject) for post in posts
    ]
    for row, post in zip(job["coverage"], posts, strict=True):
        assert row == asdict(post) | {
            "unmet_before": post.unmet_before,
            "unmet_after": post.unmet_after,
            "still_open": post.still_open,
            "created": post.created,
            "filled": post.filled,
        }
    summary = job["summary"]
    assert summary["unmet_before"] == sum(row["unmet_before"] for row in job["coverage"]) > 0
    assert summary["unmet_after"] < summary["unmet_before"]
    assert summary["hires"] == sum(hire["posts"] for hire in job["hires"]) <= summary["hire_budget"]
    assert summary["itinerant_assignments"] == len(job["itinerant"])
    assert summary["schools_with_principal_before"] == summary["schools_with_principal_after"] == 2
    exported = client.get(f"/v1/plans/{job['id']}/export?format=json", headers=headers).json()
    assert {key: exported[key] for key in STAFFING_KEYS} == {key: job[key] for key in STAFFING_KEYS}


def old_plan_document(county: Scenario) -> dict[str, Any]:
    """The tiny county's plan document as a server before the staffing plan stored it: summary,
    moves (without a kind), report, conflicts, relaxations; no staffing figures in the summary."""
    current = json.loads(
        json.dumps(result_document(county, solve(county, EngineSettings(time_limit=5, workers=1))))
    )
    summary = {key: value for key, value in current["summary"].items() if key not in NEW_SUMMARY_FIGURES}
    moves = [{key: value for key, value in move.items() if key != "kind"} for move in current["moves"]]
    assert moves, "the old plan moves someone"
    return {
        "summary": summary,
        "moves": moves,
        "report": current["report"],
        "conflicts": current["conflicts"],
        "relaxations": current["relaxations"],
    }


def migrate_to(database_url: str, revision: str, down: bool = False) -> None:
    """The database's schema and stored documents at Alembic `revision`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


BEFORE_STAFFING = "0002"
"""The last revision of the server before the staffing plan."""
OLD_JOBS = sa.table(
    "plan_jobs",
    *(sa.column(name, sa.JSON) for name in ("regions", "request", "progress", "best", "result")),
    *(sa.column(name) for name in ("id", "scenario_id", "status", "attempts", "created_at")),
)
"""plan_jobs as BEFORE_STAFFING has it (the model has columns added since)."""


def store_old_job(session: Session, **values: Any) -> str:
    """A plan job row as the server at BEFORE_STAFFING stored it; returns its id."""
    job_id = new_id()
    row = {"id": job_id, "progress": {}, "best": None, "result": None, "attempts": 0, "created_at": now()}
    session.execute(OLD_JOBS.insert().values({**row, **values}))
    return job_id


def test_a_plan_stored_before_the_staffing_plan_still_loads(settings: Settings) -> None:
    county = staffed_county()
    old = old_plan_document(county)
    old_best = {"moves": old["moves"], "objective": 1.0, "bound": 0.0}
    migrate_to(settings.database_url, BEFORE_STAFFING)
    database = Database(settings.database_url)
    with database.session() as session:
        row = save_scenario(session, county, parent_id=None, changes={})
        job = {"scenario_id": row.id, "regions": [REGION], "request": {"time_limit": 5.0}}
        done_id = store_old_job(session, **job, status="done", result=old)
        cancelling_id = store_old_job(session, **job, status="cancelling", best=old_best)
    database.engine.dispose()

    with TestClient(create_app(settings)) as client:  # migrates the stored plans at start
        migrated = Database(settings.database_url)  # a key as the migrated schema has it (a role)
        with migrated.session() as session:
            key = create_key(session, [REGION])
        migrated.engine.dispose()
        headers = {"X-API-Key": key}
        job = client.get(f"/v1/plans/{done_id}", headers=headers).json()
        assert [{k: v for k, v in move.items() if k != "kind"} for move in job["moves"]] == old["moves"]
        assert {move["kind"] for move in job["moves"]} == {"rotation"}
        assert {key: job[key] for key in STAFFING_KEYS} == {key: [] for key in STAFFING_KEYS}
        assert job["summary"]["rotating"] == old["summary"]["rotating"]
        for path in ("outcome", "export?format=xlsx", "export?format=csv", "schools/R1"):
            assert client.get(f"/v1/plans/{done_id}/{path}", headers=headers).status_code == 200, path
        # At start, the job left cancelling became cancelled with its (migrated) best plan so far.
        cancelled = client.get(f"/v1/plans/{cancelling_id}", headers=headers).json()
        assert cancelled["status"] == "cancelled"
        assert [move["teacher_id"] for move in cancelled["moves"]] == [
            move["teacher_id"] for move in job["moves"]
        ]
        assert len(cancelled["coverage"]) == len(county.demand)


def test_the_migration_down_gives_back_what_the_older_server_stored(settings: Settings) -> None:
    old = old_plan_document(staffed_county())
    migrate_to(settings.database_url, BEFORE_STAFFING)
    database = Database(settings.database_url)
    with database.session() as session:
        row = save_scenario(session, staffed_county(), parent_id=None, changes={})
        job_id = store_old_job(
            session, scenario_id=row.id, regions=[REGION], request={}, status="done", result=old
        )
    migrate(database.engine)
    with database.session() as session:
        upgraded = session.get_one(PlanJob, job_id).result
    assert upgraded == {**old, "moves": [{**m, "kind": "rotation"} for m in old["moves"]]} | {
        key: [] for key in STAFFING_KEYS
    }
    database.engine.dispose()
    migrate_to(settings.database_url, BEFORE_STAFFING, down=True)
    database = Database(settings.database_url)
    with database.session() as session:
        stored = session.execute(sa.select(OLD_JOBS.c.result).where(OLD_JOBS.c.id == job_id)).scalar()
    assert stored == old
    database.engine.dispose()


def test_an_unknown_column_is_skipped_and_named_in_warnings_in_the_callers_language(
    client: TestClient, make_key: MakeKey, tmp_path: Path
) -> None:
    headers = make_key(REGION)
    county = staffed_county()
    write_bundle(county, tmp_path / "bundle")
    teachers = tmp_path / "bundle" / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8-sig").splitlines()
    teachers.write_text("\n".join([f"{lines[0]},hobby", *(f"{line},chess" for line in lines[1:])]) + "\n")
    files = bundle_files(tmp_path / "bundle")
    uploaded = client.post("/v1/scenarios/upload", files=files, headers={**headers, "Accept-Language": "zh"})
    assert uploaded.status_code == 201, uploaded.text
    [warning] = uploaded.json()["warnings"]
    assert (warning["code"], warning["file"], warning["column"]) == (
        "unknown_column",
        "teachers.csv",
        "hobby",
    )
    assert warning["message"] == warning["message_zh"] and "已忽略" in warning["message"]
    assert uploaded.json()["teachers"] == len(county.teachers)

    document = scenario_to_document(county)
    document["teachers"][1]["subjcet"] = "math"
    created = client.post("/v1/scenarios", json=document, headers={**headers, "Accept-Language": "en"})
    assert created.status_code == 201, created.text
    [warning] = created.json()["warnings"]
    assert (warning["file"], warning["row"], warning["column"]) == ("teachers", 1, "subjcet")
    assert warning["message"] == warning["message_en"] and "subject" in warning["message"]

    inline = client.post("/v1/plans", json={"scenario": document, "time_limit": 5}, headers=headers)
    assert inline.status_code == 202, inline.text
    assert [w["column"] for w in inline.json()["warnings"]] == ["subjcet"]
    by_id = client.post("/v1/plans", json={"scenario_id": created.json()["id"]}, headers=headers)
    assert by_id.json()["warnings"] == []
    listed = client.get("/v1/scenarios", headers=headers).json()["items"]
    assert all("warnings" not in item for item in listed)
