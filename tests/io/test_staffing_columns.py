"""teachers.csv's staffing columns: `reserve_leader` (后备干部, 0/1) and `requested_term` (1..3
years, blank = none) load from a CSV bundle, a workbook and a JSON document, and are written back
by every writer. A bad value is a problem at its file, row and column (test_io_malformed)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bundle_edits import add_column, good_bundle, write

from optimizer.io import (
    load_bundle,
    load_document,
    load_workbook,
    scenario_to_document,
    write_bundle,
    write_workbook,
)
from optimizer.scenario import Scenario

T = "teachers.csv"


def staffing(scenario: Scenario) -> dict[str, tuple[bool, int | None]]:
    return {t.teacher_id: (t.reserve_leader, t.requested_term) for t in scenario.teachers}


def test_the_columns_load_from_csv_with_blanks_as_defaults(tmp_path: Path) -> None:
    bundle = good_bundle()
    add_column(T, "reserve_leader", {2: "1", 3: "0", 4: " 1 "})(bundle)
    add_column(T, "requested_term", {2: "1", 5: "3", 6: "2"})(bundle)
    scenario = load_bundle(write(bundle, tmp_path / "staffed"))
    found = staffing(scenario)
    assert (found["T01"], found["T02"], found["T03"]) == ((True, 1), (False, None), (True, None))
    assert (found["T04"], found["T05"], found["T07"]) == ((False, 3), (False, 2), (False, None))
    assert scenario.warnings == ()


def test_absent_columns_mean_no_reserve_leader_and_no_requested_term(scenario: Scenario) -> None:
    assert set(staffing(scenario).values()) == {(False, None)}


def test_every_writer_writes_them_and_every_reader_reads_them_back(
    scenario: Scenario, tmp_path: Path
) -> None:
    teachers = list(scenario.teachers)
    teachers[0] = replace(teachers[0], reserve_leader=True, requested_term=1)
    teachers[3] = replace(teachers[3], reserve_leader=True)
    teachers[5] = replace(teachers[5], requested_term=3)
    staffed = replace(scenario, teachers=tuple(teachers))
    expected = staffing(staffed)
    assert expected["T01"] == (True, 1) and expected["T06"] == (False, 3)

    folder = write_bundle(staffed, tmp_path / "bundle")
    header = (folder / T).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-2:] == ["reserve_leader", "requested_term"]
    workbook = write_workbook(staffed, tmp_path / "book.xlsx")
    document = json.loads(json.dumps(scenario_to_document(staffed)))
    assert (document["teachers"][0]["reserve_leader"], document["teachers"][0]["requested_term"]) == (True, 1)
    assert document["teachers"][1]["requested_term"] is None

    for loaded in (load_bundle(folder), load_workbook(workbook), load_document(document)):
        assert loaded == staffed
        assert staffing(loaded) == expected


def test_a_document_may_give_them_as_json_numbers_flags_or_text(scenario: Scenario) -> None:
    document = scenario_to_document(scenario)
    document["teachers"][0].update(reserve_leader=1, requested_term="2")
    document["teachers"][1].update(reserve_leader=True, requested_term=3.0)
    document["teachers"][2].update(reserve_leader="0", requested_term=None)
    del document["teachers"][3]["reserve_leader"], document["teachers"][3]["requested_term"]
    found = staffing(load_document(document))
    assert [found[t] for t in ("T01", "T02", "T03", "T04")] == [
        (True, 2),
        (True, 3),
        (False, None),
        (False, None),
    ]
