"""Rolling a county forward one year (`optimizer.advance`, `rotation advance`)."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.advance import advance
from optimizer.cli import main
from optimizer.io import load_bundle, write_bundle
from optimizer.io.staffing_csv import read_plan_folder
from optimizer.plan import Hire, ItinerantAssignment, Move, Plan
from optimizer.rules import is_eligible, leaders_after, retirement_age, standing
from optimizer.rules.leadership import headed_schools
from optimizer.scenario import Pin, Scenario, Stint
from tests import tiny

YEAR = tiny.YEAR
FAST = ["--time-limit", "10", "--workers", "1", "--quiet"]
COOLDOWN = 3
"""The eligibility rule's default cool-down, which `county` keeps."""


def county() -> Scenario:
    """Three schools with principals and vice-principals, a teacher whose term ends this year and
    one in the middle of a term, two who reach retirement age next year (one married) and a
    teacher named like a new hire."""
    schools = [
        tiny.school("U1", "urban"),
        tiny.school("R1", "rural", is_weak=True, lat=30.2),
        tiny.school("N1", "town", stage="nine_year", lat=30.1),
    ]
    teachers = [tiny.teacher(f"U{i:02d}", "U1") for i in range(6)]
    teachers += [tiny.teacher(f"R{i:02d}", "R1", rural_years=8) for i in range(3)]
    teachers += [tiny.teacher(f"N{i:02d}", "N1") for i in range(3)]
    teachers += [
        tiny.teacher("UP", "U1", role="principal", terms_at_school=2, years_at_school=6),
        tiny.teacher("UV", "U1", role="vice_principal", terms_at_school=1, years_at_school=2),
        tiny.teacher("RP", "R1", role="principal", gender="M", birth_year=YEAR + 1 - 60),
        tiny.teacher("RV", "R1", role="vice_principal"),
        tiny.teacher("NP", "N1", role="principal"),
        tiny.teacher("NR", "N1", reserve_leader=True),
        tiny.teacher(
            "BACK",
            "R1",
            on_rotation_from="U1",
            last_rotated_year=YEAR - 3,
            years_at_school=3,
            rural_years=3,
            weak_years=3,
        ),
        tiny.teacher(
            "AWAY",
            "R1",
            on_rotation_from="N1",
            last_rotated_year=YEAR - 1,
            years_at_school=1,
            rural_years=1,
            weak_years=1,
        ),
        tiny.teacher("OLD", "U1", birth_year=YEAR + 1 - 55, spouse_id="SPOUSE"),
        tiny.teacher("SPOUSE", "N1", gender="M", spouse_id="OLD"),
        tiny.teacher("FUNDED", "U1", funded_graduate_owed_years=2, years_at_school=1),
        tiny.teacher("H2025-0001", "N1"),
    ]
    demand = {("U1", "math"): 8, ("R1", "math"): 5, ("N1", "math"): 5}
    sc = tiny.scenario(schools, teachers, demand, pins=[Pin("U00", "stay")])
    history = (Stint("BACK", "U1", "R1", YEAR - 3, None), Stint("AWAY", "N1", "R1", YEAR - 1, YEAR + 2))
    return replace(sc, history=history)


def move(sc: Scenario, teacher_id: str, to_school: str, kind: str = "rotation", term: int = 3) -> Move:
    teacher = sc.teacher_by_id[teacher_id]
    post = teacher.role if teacher.is_principal else teacher.subject
    return Move(teacher_id, sc.home_school(teacher), to_school, post, term, kind=kind)


def test_a_moved_teacher_sits_at_the_receiving_school_on_rotation_for_the_term() -> None:
    sc = county()
    rotation = move(sc, "U01", "R1")
    following = advance(sc, Plan((rotation,)))
    moved = following.teacher_by_id["U01"]
    assert (moved.school_id, moved.on_rotation_from, moved.last_rotated_year) == ("R1", "U1", YEAR)
    assert (moved.years_at_school, moved.rural_years, moved.weak_years) == (1, 1, 1)
    assert Stint("U01", "U1", "R1", YEAR, YEAR + 3, "rotation") in following.history
    assert standing(following, moved).reason == "on_rotation"
    for _ in range(2):
        following = advance(following, Plan(()))
        assert following.teacher_by_id["U01"].school_id == "R1"
    assert following.policy.year == YEAR + 3
    assert following.returns_this_year(following.teacher_by_id["U01"])
    home = advance(following, Plan(())).teacher_by_id["U01"]
    assert (home.school_id, home.on_rotation_from, home.years_at_school) == ("U1", None, 1)


def test_an_exchange_is_back_at_the_sending_school_the_year_after() -> None:
    sc = county()
    following = advance(sc, Plan((), exchanges=(move(sc, "R01", "U1", "exchange", 1),)))
    teacher = following.teacher_by_id["R01"]
    assert (teacher.school_id, teacher.on_rotation_from, teacher.last_rotated_year) == ("U1", "R1", YEAR)
    assert following.returns_this_year(teacher)
    assert following.home_school(teacher) == "R1"
    assert teacher in following.staff_at["R1"]
    home = advance(following, Plan(())).teacher_by_id["R01"]
    assert (home.school_id, home.on_rotation_from) == ("R1", None)


def test_a_teacher_whose_term_ends_is_home_and_the_stint_ends() -> None:
    following = advance(county(), Plan(()))
    back = following.teacher_by_id["BACK"]
    assert (back.school_id, back.on_rotation_from, back.years_at_school) == ("U1", None, 1)
    assert back.last_rotated_year == YEAR - 3
    assert Stint("BACK", "U1", "R1", YEAR - 3, YEAR) in following.history


def test_a_teacher_moved_on_in_the_middle_of_a_term_ends_the_running_stint() -> None:
    sc = county()
    following = advance(sc, Plan((move(sc, "AWAY", "U1"),)))
    assert Stint("AWAY", "N1", "R1", YEAR - 1, YEAR) in following.history
    assert Stint("AWAY", "R1", "U1", YEAR, YEAR + 3) in following.history
    assert advance(sc, Plan(())).teacher_by_id["AWAY"].school_id == "R1"


def test_teachers_reaching_retirement_age_leave_and_their_spouse_is_unlinked() -> None:
    sc = county()
    assert sc.age(sc.teacher_by_id["OLD"]) + 1 == retirement_age(sc.policy, "F")
    following = advance(sc, Plan(()))
    assert "OLD" not in following.teacher_by_id and "RP" not in following.teacher_by_id
    assert following.teacher_by_id["SPOUSE"].spouse_id is None
    assert len(following.teachers) == len(sc.teachers) - 2


def test_every_hired_post_is_a_new_teacher_with_an_id_nobody_has() -> None:
    sc = county()
    hires = (Hire("R1", "english", 2, "special"), Hire("N1", "physics", 1))
    following = advance(sc, Plan((), hires=hires))
    new = [t for t in following.teachers if t.teacher_id not in sc.teacher_by_id]
    assert [t.teacher_id for t in new] == ["H2025-0002", "H2025-0003", "H2025-0004"]
    assert [(t.school_id, t.subject, t.stage) for t in new] == [
        ("R1", "english", "primary"),
        ("R1", "english", "primary"),
        ("N1", "physics", "both"),
    ]
    for teacher in new:
        assert (teacher.degree, teacher.role, teacher.new_teacher_period) == ("bachelor", "teacher", 1)
        assert teacher.years_at_school == 1 and following.age(teacher) == 24
    assert [t.rural_years for t in new] == [1, 1, 0]


def test_a_principal_who_leaves_is_followed_by_the_acting_vice_principal() -> None:
    sc = county()
    plan = Plan((move(sc, "UP", "N1"),))
    assert [(x.teacher_id, x.how) for x in leaders_after(sc, plan) if x.school_id == "U1"] == [
        ("UV", "acting")
    ]
    following = advance(sc, plan)
    assert following.teacher_by_id["UV"].role == "principal"
    assert "U1" in headed_schools(following)
    assert following.teacher_by_id["UP"].terms_at_school == 1


def test_a_reserve_leader_heads_a_school_whose_principal_leaves() -> None:
    sc = county()
    following = advance(sc, Plan((move(sc, "NP", "U1"),)))
    reserve = following.teacher_by_id["NR"]
    assert (reserve.role, reserve.reserve_leader, reserve.terms_at_school) == ("principal", False, 1)
    assert "N1" in headed_schools(following)


def test_a_retiring_principal_is_followed_by_the_vice_principal() -> None:
    following = advance(county(), Plan(()))
    assert following.teacher_by_id["RV"].role == "principal"
    assert "R1" in headed_schools(following)


def test_a_year_served_grows_years_terms_and_service() -> None:
    sc = county()
    following = advance(sc, Plan((move(sc, "FUNDED", "R1"),)))
    by_id = following.teacher_by_id
    assert (by_id["U02"].years_at_school, by_id["U02"].rural_years) == (9, 0)
    assert (by_id["R02"].rural_years, by_id["R02"].weak_years) == (9, 1)
    assert by_id["FUNDED"].funded_graduate_owed_years == 1
    assert by_id["UP"].terms_at_school == 3  # years 6 -> 7: the third term begins
    assert by_id["UV"].terms_at_school == 1
    assert following.age(by_id["U02"]) == sc.age(sc.teacher_by_id["U02"]) + 1


def test_pins_are_dropped_and_schools_demand_and_policy_kept() -> None:
    sc = county()
    following = advance(sc, Plan(()))
    assert following.pins == ()
    assert (following.schools, following.demand) == (sc.schools, sc.demand)
    assert following.policy == replace(sc.policy, year=YEAR + 1)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """Any moves, exchanges, hires and 走教 on `county()`: the rules need not hold, but for 走教
    by a teacher who moves (history.csv could not hold it)."""
    sc = county()
    ids = sorted(sc.teacher_by_id)
    schools = [s.school_id for s in sc.schools]
    moving = draw(st.lists(st.sampled_from(ids), unique=True, max_size=8))
    moves = []
    for teacher_id in moving:
        home = sc.home_school(sc.teacher_by_id[teacher_id])
        to_school = draw(st.sampled_from([s for s in schools if s != home]))
        kind = draw(st.sampled_from(("rotation", "exchange")))
        term = 1 if kind == "exchange" else draw(st.integers(1, 3))
        moves.append(move(sc, teacher_id, to_school, kind, term))
    hires = draw(
        st.lists(
            st.builds(Hire, st.sampled_from(schools), st.sampled_from(("math", "music")), st.integers(1, 3)),
            max_size=3,
            unique_by=lambda h: (h.school_id, h.subject),
        )
    )
    staying = [t for t in ids if t not in moving and sc.home_school(sc.teacher_by_id[t]) != "R1"]
    itinerant = [  # a teacher who moves does not 走教 (rule itinerant)
        ItinerantAssignment(t, sc.home_school(sc.teacher_by_id[t]), "R1", "music", 0.5)
        for t in draw(st.lists(st.sampled_from(staying), unique=True, max_size=3))
    ]
    return Plan(
        tuple(m for m in moves if m.kind == "rotation"),
        exchanges=tuple(m for m in moves if m.kind == "exchange"),
        hires=tuple(hires),
        itinerant=tuple(itinerant),
    )


def acted_on(sc: Scenario, plan: Plan) -> set[str]:
    """Teachers the plan moves, and the leaders of every school a moving leader leaves or joins
    (who heads it after the plan changes)."""
    moves = (*plan.moves, *plan.exchanges)
    moved = {m.teacher_id for m in moves}
    led = {
        s for m in moves if sc.teacher_by_id[m.teacher_id].is_principal for s in (m.from_school, m.to_school)
    }
    leaders = {
        t.teacher_id for t in sc.teachers if sc.home_school(t) in led and (t.is_principal or t.reserve_leader)
    }
    return moved | leaders


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_a_plan_changes_the_next_year_only_where_it_acts(plan: Plan) -> None:
    sc = county()
    without, following = advance(sc, Plan(())), advance(sc, plan)
    acted = acted_on(sc, plan)
    untouched = [t for t in without.teachers if t.teacher_id not in acted]
    assert untouched == [following.teacher_by_id[t.teacher_id] for t in untouched]
    retired = len(sc.teachers) - len(without.teachers)
    assert len(following.teachers) == len(sc.teachers) - retired + plan.hired
    hired = {t.teacher_id for t in following.teachers} - set(sc.teacher_by_id)
    assert len(hired) == plan.hired
    assert {s for s in without.history if s.teacher_id not in acted} <= set(following.history)
    grown = [s for s in following.history if s.start_year == YEAR]
    acting = [*plan.moves, *plan.exchanges, *plan.itinerant]
    assert len(grown) == sum(a.teacher_id in following.teacher_by_id for a in acting)  # retirees' go
    assert following.schools == without.schools and following.demand == without.demand


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_the_next_bundle_reads_back_as_written_with_its_history(plan: Plan) -> None:
    """The loader's history checks (derived columns, overlapping stints) accept what advance
    writes, and nothing changes on the way."""
    following = advance(county(), plan)
    with tempfile.TemporaryDirectory() as folder:
        assert load_bundle(write_bundle(following, folder), name=following.name) == following


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_nobody_the_plan_moves_is_eligible_again_inside_the_cooldown(plan: Plan) -> None:
    sc = county()
    moved = {m.teacher_id for m in (*plan.moves, *plan.exchanges)}
    following = advance(sc, plan)
    for _ in range(COOLDOWN - 1):
        assert not any(is_eligible(following, t) for t in following.teachers if t.teacher_id in moved)
        following = advance(following, Plan(()))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)


def test_rotation_advance_writes_a_bundle_whose_next_plan_passes_the_checker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = write_bundle(tiny.two_school_county(), tmp_path / "county")
    out = tmp_path / "plan"
    assert main(["solve", str(bundle), "--out", str(out), *FAST]) == 0
    capsys.readouterr()
    assert (
        main(["advance", str(bundle), "--plan", str(out), "--out", str(tmp_path / "next"), "--lang", "en"])
        == 0
    )
    plan = load_plan(bundle, out)
    counts = f"teachers 11 → {11 + plan.hired} (retired 0, hired {plan.hired}; moves {len(plan.moves)}"
    said = f"2025 → 2026: {counts}"
    assert said in capsys.readouterr().out
    following = load_bundle(tmp_path / "next")
    expected = advance(load_bundle(bundle), plan)
    assert following.teachers == expected.teachers and following.policy.year == YEAR + 1
    assert main(["solve", str(tmp_path / "next"), "--out", str(tmp_path / "plan2"), *FAST]) == 0
    assert main(["check", str(tmp_path / "next"), str(tmp_path / "plan2" / "plan.csv")]) == 0


def load_plan(bundle: Path, out: Path) -> Plan:
    return read_plan_folder(out, load_bundle(bundle)).plan


def test_rotation_advance_reads_a_missing_or_empty_file_as_nothing_of_that_kind(tmp_path: Path) -> None:
    bundle = write_bundle(county(), tmp_path / "county")
    plans_dir = tmp_path / "plan"
    plans_dir.mkdir()
    (plans_dir / "plan.csv").write_bytes(b"\xef\xbb\xbf")
    write_rows(plans_dir / "recruitment.csv", [["school_id", "subject", "posts"], ["R1", "english", "2"]])
    assert main(["advance", str(bundle), "--plan", str(plans_dir), "--out", str(tmp_path / "next")]) == 0
    following = load_bundle(tmp_path / "next")
    assert len(following.teachers) == len(county().teachers) - 2 + 2
    assert following.teacher_by_id["U01"] == advance(county(), Plan(())).teacher_by_id["U01"]


def test_rotation_advance_names_every_bad_row_and_a_missing_plan_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = write_bundle(county(), tmp_path / "county")
    plans_dir = tmp_path / "plan"
    plans_dir.mkdir()
    write_rows(
        plans_dir / "plan.csv",
        [["teacher_id", "from_school", "to_school", "subject"], ["NOPE", "U1", "R1", "math"]],
    )
    write_rows(plans_dir / "itinerant.csv", [["teacher_id"], ["U01"]])
    capsys.readouterr()
    assert (
        main(
            [
                "advance",
                str(bundle),
                "--plan",
                str(plans_dir),
                "--out",
                str(tmp_path / "next"),
                "--lang",
                "en",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "plan.csv, row 2, column teacher_id: unknown teacher 'NOPE'; not in teachers.csv" in err
    assert "itinerant.csv, row 1, column home_school: missing column" in err
    assert not (tmp_path / "next").exists()
    assert (
        main(["advance", str(bundle), "--plan", str(tmp_path / "none"), "--out", str(tmp_path / "next")]) == 1
    )
    assert f"{tmp_path / 'none'}:" in capsys.readouterr().err
    assert not (tmp_path / "next").exists()


def test_rotation_advance_refuses_a_leaders_csv_naming_another_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sc = county()
    bundle = write_bundle(sc, tmp_path / "county")
    plans_dir = tmp_path / "plan"
    plans_dir.mkdir()
    write_rows(
        plans_dir / "plan.csv",
        [["teacher_id", "from_school", "to_school", "subject"], ["UP", "U1", "N1", "principal"]],
    )
    write_rows(plans_dir / "leaders.csv", [["school_id", "teacher_id", "how"], ["U1", "U01", "reserve"]])
    capsys.readouterr()
    assert (
        main(
            [
                "advance",
                str(bundle),
                "--plan",
                str(plans_dir),
                "--out",
                str(tmp_path / "next"),
                "--lang",
                "en",
            ]
        )
        == 2
    )
    captured = capsys.readouterr()
    assert "U1: leaders.csv names U01 (reserve), the plan gives UV (acting)" in captured.out
    assert "correct or delete leaders.csv" in captured.err
    assert not (tmp_path / "next").exists()
