"""Property tests on random small counties: whatever the solver returns is a sound plan."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.report import check_plan, hard_violations
from optimizer.rules import is_eligible
from optimizer.scenario import Pin, Scenario
from tests.tiny import YEAR, scenario, school, solve_checked, teacher

SUBJECT_POOL = ("math", "chinese", "music", "pe", "english")


@st.composite
def counties(draw: st.DrawFn) -> Scenario:
    areas = draw(st.lists(st.sampled_from(["urban", "town", "rural"]), min_size=2, max_size=5))
    areas = ["urban", "rural", *areas]
    schools = [
        school(
            f"S{i}",
            area,
            is_weak=draw(st.booleans()) if area != "urban" else False,
            establishment=draw(st.integers(2, 12)),
            lat=30 + draw(st.integers(0, 40)) / 100,
            max_incoming=draw(st.none() | st.integers(0, 3)),
            district=draw(st.sampled_from(["", "D1", "D2"])),
        )
        for i, area in enumerate(areas)
    ]
    teachers = []
    for i in range(draw(st.integers(4, 24))):
        home = draw(st.sampled_from(schools)).school_id
        teachers.append(
            teacher(
                f"T{i:02d}",
                home,
                draw(st.sampled_from(SUBJECT_POOL)),
                other_subjects=tuple(draw(st.lists(st.sampled_from(SUBJECT_POOL), max_size=1))),
                years_at_school=draw(st.integers(0, 12)),
                is_backbone=draw(st.booleans()),
                gender=draw(st.sampled_from("FM")),
                birth_year=YEAR - draw(st.integers(23, 59)),
                degree=draw(st.sampled_from(["associate", "bachelor", "master"])),
                exempt_reason=draw(st.sampled_from(["", "", "", "孕期"])),
                volunteer=draw(st.booleans()),
                new_teacher_period=draw(st.sampled_from([0, 0, 0, 1, 2])),
                plans_senior_title=draw(st.booleans()),
                role=draw(st.sampled_from(["teacher", "teacher", "teacher", "principal", "vice_principal"])),
                terms_at_school=draw(st.integers(0, 3)),
                reserve_leader=draw(st.booleans()),
                requested_term=draw(st.sampled_from([None, None, 1, 2, 3])),
            )
        )
    demand = {
        (s.school_id, subject): draw(st.integers(0, 3))
        for s in schools
        for subject in draw(st.lists(st.sampled_from(SUBJECT_POOL), max_size=3, unique=True))
    }
    pins = []
    if teachers and draw(st.booleans()):
        pinned = draw(st.sampled_from(teachers))
        target = draw(st.sampled_from(schools))
        if target.school_id != pinned.school_id:
            pins.append(Pin(pinned.teacher_id, draw(st.sampled_from(["move_to", "stay"])), target.school_id))
    pins = [Pin(p.teacher_id, p.action, p.school_id if p.action == "move_to" else None) for p in pins]
    overrides = [
        f"rotation_quota.rate={draw(st.sampled_from([0.0, 0.1, 0.3]))}",
        f"backbone_share.share={draw(st.sampled_from([0.0, 0.2]))}",
        f"rotation_quota.mode={draw(st.sampled_from(['hard', 'elastic']))}",
        f"staffing_balance.mode={draw(st.sampled_from(['hard', 'elastic']))}",
        f"staffing_balance.tolerance_low={draw(st.sampled_from([0, 1]))}",
        f"coverage.mode={draw(st.sampled_from(['hard', 'elastic']))}",
        f"recruitment.max_new_teachers={draw(st.sampled_from([-1, 0, 2]))}",
        f"exchange.max_per_region={draw(st.sampled_from([-1, 0]))}",
        f"term.max_term={draw(st.sampled_from([2, 3]))}",
    ]
    return scenario(schools, teachers, demand, pins, overrides)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counties())
def test_every_plan_passes_the_checker(county: Scenario) -> None:
    result = solve_checked(county, expect=None)
    if result.summary.status == "infeasible":
        return
    plan = result.plan
    moved = Counter(m.teacher_id for m in (*plan.moves, *plan.exchanges))
    assert all(n == 1 for n in moved.values()), "a teacher moves twice, or moves and goes on exchange"
    assert not {a.teacher_id for a in plan.itinerant} & set(moved), "a teacher who leaves also 走教"
    assert all(h.posts > 0 for h in plan.hires)
    for move in result.plan.moves:
        teacher_ = county.teacher_by_id[move.teacher_id]
        pin = county.pin_by_teacher.get(move.teacher_id)
        pinned_here = pin is not None and pin.action == "move_to" and pin.school_id == move.to_school
        owes = county.owes_rural_service(teacher_) and county.is_rural(county.school_by_id[move.to_school])
        assert is_eligible(county, teacher_) or pinned_here or owes, move
        assert not teacher_.exempt_reason or pinned_here, move
        assert pin is None or pin.action != "stay", move
    assert not hard_violations(check_plan(county, result.plan))


def test_replanning_keeps_the_previous_plan_when_nothing_changed() -> None:
    from optimizer.options import EngineSettings, ModelEdits
    from optimizer.solve import solve
    from tests.tiny import two_school_county

    county = two_school_county(rural_need=2)
    first = solve(county, EngineSettings(time_limit=20, seed=1))
    again = solve(
        county,
        EngineSettings(time_limit=20, seed=2),
        edits=ModelEdits(previous_plan=first.plan, change_weight=1000),
    )
    assert {(m.teacher_id, m.to_school) for m in again.plan.moves} == {
        (m.teacher_id, m.to_school) for m in first.plan.moves
    }
    assert again.summary.objective == first.summary.objective
