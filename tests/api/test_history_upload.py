"""A scenario created with its history (history.csv, the workbook's 交流记录 sheet, the JSON
document's `history`) is stored with it: the stored document loads back to the same scenario."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from optimizer.history import derived_teacher
from optimizer.io import load_document, scenario_to_document, write_bundle, write_workbook
from optimizer.scenario import Scenario, Stint
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]


def county_with_history() -> Scenario:
    county = two_school_county()
    teacher = next(t for t in county.teachers if not t.on_rotation_from)
    other = next(s.school_id for s in county.schools if s.school_id != teacher.school_id)
    stints = (Stint(teacher.teacher_id, teacher.school_id, other, 2018, 2021, "support"),)
    year = county.policy.year
    teachers = tuple(derived_teacher(t, stints, county.school_by_id, year) for t in county.teachers)
    return replace(county, teachers=teachers, history=stints, name="history")


def stored_scenario(client: TestClient, created_id: str, headers: dict[str, str]) -> Scenario:
    answer = client.get(f"/v1/scenarios/{created_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return load_document(answer.json()["document"])


def test_uploaded_history_csv_and_workbook_sheet_are_kept(
    client: TestClient, make_key: MakeKey, tmp_path: Path
) -> None:
    county = county_with_history()
    headers = make_key(*county.regions)
    folder = write_bundle(county, tmp_path / "bundle")
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.iterdir())]
    assert "history.csv" in [name for _, (name, _, _) in files]
    book = write_workbook(county, tmp_path / "county.xlsx")
    for upload in (files, [("files", (book.name, book.read_bytes(), "application/octet-stream"))]):
        created = client.post("/v1/scenarios/upload", files=upload, headers=headers)
        assert created.status_code == 201, created.text
        stored = stored_scenario(client, created.json()["id"], headers)
        assert (stored.history, stored.teachers) == (county.history, county.teachers)


def test_a_json_document_keeps_its_history(client: TestClient, make_key: MakeKey) -> None:
    county = county_with_history()
    headers = make_key(*county.regions)
    created = client.post("/v1/scenarios", json=scenario_to_document(county), headers=headers)
    assert created.status_code == 201, created.text
    assert stored_scenario(client, created.json()["id"], headers).history == county.history


def test_a_history_problem_is_a_422_naming_the_file_row_and_column(
    client: TestClient, make_key: MakeKey, tmp_path: Path
) -> None:
    county = county_with_history()
    stint = replace(county.history[0], end_year=2017)
    folder = write_bundle(replace(county, history=(stint,)), tmp_path / "bundle")
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.iterdir())]
    answer = client.post("/v1/scenarios/upload?lang=en", files=files, headers=make_key(*county.regions))
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert (problem["file"], problem["row"], problem["column"]) == ("history.csv", 2, "end_year")
