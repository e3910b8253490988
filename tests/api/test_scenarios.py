"""/v1/scenarios: create from JSON, CSV files and .xlsx; validation, limits, listing, access."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db import PlanJob
from api.schemas.scenarios import EXAMPLE_DOCUMENT
from optimizer.io import load_document, scenario_to_document, write_bundle, write_workbook
from optimizer.scenario import Scenario
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]


def county(region: str = "东区", name: str = "tiny") -> Scenario:
    scenario = two_school_county()
    return replace(scenario, schools=tuple(replace(s, region=region) for s in scenario.schools), name=name)


def document(region: str = "东区", name: str = "tiny") -> dict[str, Any]:
    return scenario_to_document(county(region, name))


def bundle_files(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (path.name, path.read_bytes(), "text/plain")) for path in sorted(folder.iterdir())]


def test_create_from_json_answers_201_and_stores_the_document(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    created = client.post("/v1/scenarios", json=document(), headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in ("name", "regions", "teachers", "schools", "year")} == {
        "name": "tiny",
        "regions": ["东区"],
        "teachers": 11,
        "schools": 2,
        "year": 2025,
    }
    stored = client.get(f"/v1/scenarios/{body['id']}", headers=headers)
    assert stored.status_code == 200
    assert scenario_to_document(load_document(stored.json()["document"])) == document()


def test_the_openapi_example_document_is_valid(client: TestClient, make_key: MakeKey) -> None:
    created = client.post("/v1/scenarios", json=EXAMPLE_DOCUMENT, headers=make_key("青山县"))
    assert created.status_code == 201, created.text
    assert created.json()["teachers"] == len(EXAMPLE_DOCUMENT["teachers"])


def test_json_problems_are_all_listed(client: TestClient, make_key: MakeKey) -> None:
    doc = document()
    doc["teachers"][0]["gender"] = "X"
    doc["schools"][1]["area"] = "city"
    doc["colour"] = "blue"
    answer = client.post("/v1/scenarios", json=doc, headers=make_key("东区"))
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_scenario"
    places = {(p["file"], p["row"], p["column"]) for p in answer.json()["problems"]}
    assert {("teachers", 0, "gender"), ("schools", 1, "area"), ("document", None, "colour")} <= places


def test_upload_csv_bundle(client: TestClient, make_key: MakeKey, tmp_path: Path) -> None:
    write_bundle(county(), tmp_path / "bundle")
    answer = client.post(
        "/v1/scenarios/upload",
        files=bundle_files(tmp_path / "bundle"),
        data={"name": "东区 2025"},
        headers=make_key("东区"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "东区 2025"
    assert (answer.json()["teachers"], answer.json()["schools"]) == (11, 2)


def test_upload_xlsx_workbook(client: TestClient, make_key: MakeKey, tmp_path: Path) -> None:
    path = write_workbook(county(name="workbook"), tmp_path / "东区.xlsx")
    headers = make_key("东区")
    answer = client.post(
        "/v1/scenarios/upload", files={"files": (path.name, path.read_bytes())}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "workbook"
    stored = client.get(f"/v1/scenarios/{answer.json()['id']}", headers=headers).json()
    assert scenario_to_document(load_document(stored["document"])) == document(name="workbook")


def test_upload_an_old_excel_or_wps_workbook(client: TestClient, make_key: MakeKey, tmp_path: Path) -> None:
    """The bureau's .xls (and the same file as WPS .et) uploads like an .xlsx."""
    fixture = Path(__file__).parents[1] / "io" / "fixtures" / "good-county.xls"
    headers = make_key("county_a")
    for name in ("教师名册.xls", "教师名册.et"):
        answer = client.post(
            "/v1/scenarios/upload", files={"files": (name, fixture.read_bytes())}, headers=headers
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["teachers"] == 10


def test_malformed_bundle_gets_422_with_every_problem(
    client: TestClient, make_key: MakeKey, tmp_path: Path
) -> None:
    folder = write_bundle(county(), tmp_path / "bundle")
    teachers = (folder / "teachers.csv").read_text(encoding="utf-8-sig").splitlines()
    teachers[1] = teachers[1].replace(",F,", ",X,", 1)
    (folder / "teachers.csv").write_text("\n".join(teachers) + "\n", encoding="utf-8")
    schools = (folder / "schools.csv").read_text(encoding="utf-8-sig").replace(",rural,", ",city,")
    (folder / "schools.csv").write_text(schools, encoding="utf-8")
    (folder / "policy.toml").write_text("year = \n", encoding="utf-8")
    answer = client.post("/v1/scenarios/upload", files=bundle_files(folder), headers=make_key("东区"))
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    places = {(p["file"], p["row"], p["column"]) for p in problems}
    assert ("teachers.csv", 2, "gender") in places
    assert ("schools.csv", 3, "area") in places
    assert any(p["file"] == "policy.toml" for p in problems)
    assert "rotation-upload" not in answer.text and "/tmp" not in answer.text


def test_unreadable_workbook_and_unknown_files_are_problems(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    workbook = client.post("/v1/scenarios/upload", files={"files": ("a.xlsx", b"not a zip")}, headers=headers)
    assert workbook.status_code == 422
    assert workbook.json()["problems"][0]["file"] == "a.xlsx"
    assert "rotation-upload" not in workbook.text
    files = [
        ("files", ("teachers.csv", b"")),
        ("files", ("notes.txt", b"")),
        ("files", ("teachers.csv", b"")),
    ]
    unknown = client.post("/v1/scenarios/upload", files=files, headers=headers)
    assert unknown.status_code == 422
    assert {p["file"] for p in unknown.json()["problems"]} == {"notes.txt", "teachers.csv"}


def test_too_large_upload_gets_413(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    limit = client.app.state.settings.max_upload_bytes
    big = {"files": ("teachers.csv", b"x" * (limit + 1))}
    answer = client.post("/v1/scenarios/upload", files=big, headers={**headers, "Accept-Language": "en"})
    assert answer.status_code == 413
    assert answer.json()["message"] == f"the body is over the limit of {limit} bytes"
    # A chunked body has no Content-Length: it is cut off as it streams in.
    boundary = "rotationboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="teachers.csv"\r\n\r\n'

    def chunks() -> Any:
        yield head.encode()
        for _ in range(limit // 1_000_000 + 1):
            yield b"x" * 1_000_000
        yield f"\r\n--{boundary}--\r\n".encode()

    chunked = client.post(
        "/v1/scenarios/upload",
        content=chunks(),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert chunked.status_code == 413


def test_list_is_paginated_and_scoped_to_the_key(client: TestClient, make_key: MakeKey) -> None:
    east, admin = make_key("东区"), make_key(admin=True)
    for number in range(5):
        client.post("/v1/scenarios", json=document(name=f"east-{number}"), headers=east)
    client.post("/v1/scenarios", json=document("西区", "west"), headers=admin)
    first = client.get("/v1/scenarios", params={"limit": 2}, headers=east).json()
    assert (first["total"], len(first["items"]), first["limit"], first["offset"]) == (5, 2, 2, 0)
    last = client.get("/v1/scenarios", params={"limit": 2, "offset": 4}, headers=east).json()
    assert len(last["items"]) == 1
    names = set()
    for offset in range(0, 5, 2):
        page = client.get("/v1/scenarios", params={"limit": 2, "offset": offset}, headers=east).json()
        names |= {item["name"] for item in page["items"]}
    assert names == {f"east-{number}" for number in range(5)}
    assert client.get("/v1/scenarios", headers=admin).json()["total"] == 6
    assert client.get("/v1/scenarios", params={"limit": 101}, headers=east).status_code == 422


def test_get_then_delete_removes_the_scenario_and_its_plan_jobs(
    client: TestClient, make_key: MakeKey
) -> None:
    headers = make_key("东区")
    scenario_id = client.post("/v1/scenarios", json=document(), headers=headers).json()["id"]
    database = client.app.state.database
    with database.session() as session:
        session.add(PlanJob(scenario_id=scenario_id, regions=["东区"], status="done", request={}, result={}))
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=headers).json()["id"] == scenario_id
    deleted = client.delete(f"/v1/scenarios/{scenario_id}", headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=headers).status_code == 404
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=headers).status_code == 404
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanJob)) == 0


def test_a_request_without_a_valid_key_gets_401(client: TestClient) -> None:
    assert client.get("/v1/scenarios").status_code == 401
    assert client.post("/v1/scenarios", json=document()).status_code == 401
    assert client.get("/v1/scenarios", headers={"X-API-Key": "rk_00000000_guess"}).status_code == 401


def test_a_key_cannot_create_a_scenario_outside_its_regions(client: TestClient, make_key: MakeKey) -> None:
    east = make_key("东区")
    answer = client.post("/v1/scenarios", json=document("西区"), headers=east)
    assert answer.status_code == 403
    assert "西区" in answer.json()["message"]
    both = document()
    both["schools"][1]["region"] = "西区"
    assert client.post("/v1/scenarios", json=both, headers=east).status_code == 403
    assert client.get("/v1/scenarios", headers=make_key(admin=True)).json()["total"] == 0
    created = client.post("/v1/scenarios", json=both, headers=make_key("东区", "西区"))
    assert created.status_code == 201
    assert created.json()["regions"] == ["东区", "西区"]
    assert client.get(f"/v1/scenarios/{created.json()['id']}", headers=east).status_code == 404


def test_the_template_downloads_in_either_language(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    chinese = client.get("/v1/scenarios/template", headers=headers)
    assert chinese.status_code == 200
    assert "rotation-template-zh.xlsx" in chinese.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(chinese.content))
    assert book.sheetnames[:5] == ["教师", "学校", "需求", "指定", "交流记录"]
    english = client.get("/v1/scenarios/template?lang=en", headers=headers)
    assert openpyxl.load_workbook(io.BytesIO(english.content)).sheetnames[:3] == [
        "teachers",
        "schools",
        "demand",
    ]
    assert client.get("/v1/scenarios/template").status_code == 401
    assert client.get("/v1/scenarios/template?lang=fr", headers=headers).status_code == 422
