"""recruitment: hires within the county's budget (its vacant establishment unless set) and each
school's establishment; extra hires by subject beyond the budget; 特岗 only at rural schools."""

from __future__ import annotations

from optimizer.plan import Hire, Plan
from optimizer.report import check_plan
from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def music_short_county(*overrides: str, rural_establishment: int = 10) -> Scenario:
    """R1 (rural) lacks four music teachers and U2 (urban) one; nobody can move a music teacher
    there, so only hires fill them. Vacant establishment: U2's 5 and R1's establishment − 1."""
    schools = [
        school("U1"),
        school("U2", lat=30.05),
        school("R1", "rural", establishment=rural_establishment, lat=30.2),
    ]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    teachers += [teacher(f"S{i}", "U2") for i in range(5)]
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("U1", "math"): 10, ("U2", "math"): 5, ("U2", "music"): 1, ("R1", "music"): 4}
    return scenario(schools, teachers, demand, overrides=["rotation_quota.rate=0", *overrides])


def hires_by_school(plan: Plan) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for hire in plan.hires:
        found[(hire.school_id, hire.kind)] = found.get((hire.school_id, hire.kind), 0) + hire.posts
    return found


def test_recruitment_hires_within_the_vacant_establishment_and_each_schools_establishment() -> None:
    sc = music_short_county(rural_establishment=3)
    result = solve_checked(sc)

    # budget 5 + 2 = 7 is not the limit here: R1 may hire into its 2 vacant posts only
    assert hires_by_school(result.plan) == {("R1", "open"): 2, ("U2", "open"): 1}
    budget = only_row(result, "recruitment", "东区/budget")
    assert (budget.target, budget.achieved, budget.shortfall) == (7, 3, 0)
    establishment = only_row(result, "recruitment", "R1/establishment")
    assert (establishment.target, establishment.achieved, establishment.shortfall) == (2, 2, 0)
    assert (result.summary.hires, result.summary.hire_budget) == (3, 7)
    assert only_row(result, "shortage", "R1/music").shortfall == 2

    hand_made = Plan((), hires=(Hire("R1", "music", 3),))
    [row] = [r for r in check_plan(sc, hand_made) if r.key == "R1/establishment"]
    assert (row.status, row.mode, row.target, row.achieved, row.shortfall) == ("violated", "hard", 2, 3, 1)


def test_recruitment_budget_set_by_number_binds() -> None:
    result = solve_checked(music_short_county("recruitment.max_new_teachers=1"))

    # One hire for five unmet music posts. R1's (priced by shortage) and U2's (priced by coverage)
    # cost the same per post with the default weights: either school is an optimal choice.
    [(school_id, kind)] = hires_by_school(result.plan)
    assert kind == "open" and school_id in ("R1", "U2")
    budget = only_row(result, "recruitment", "东区/budget")
    assert (budget.target, budget.achieved, budget.shortfall) == (1, 1, 0)
    assert only_row(result, "shortage", "R1/music").shortfall == (3 if school_id == "R1" else 4)


def test_recruitment_extra_by_subject_adds_hires_beyond_the_budget() -> None:
    sc = music_short_county("recruitment.max_new_teachers=0", "recruitment.extra_by_subject={music = 2}")
    result = solve_checked(sc)

    assert sum(h.posts for h in result.plan.hires if h.subject == "music") == 2
    budget = only_row(result, "recruitment", "东区/budget")
    assert (budget.target, budget.achieved, budget.shortfall) == (0, 0, 0)
    assert "2 of them extra hires by subject" in budget.sentence_en
    assert result.summary.hire_budget == 2


def test_recruitment_special_posts_go_to_rural_schools_only() -> None:
    sc = music_short_county("recruitment.max_new_teachers=0", "recruitment.special_posts=1")
    result = solve_checked(sc)

    assert hires_by_school(result.plan) == {("R1", "special"): 1}  # U2 is short too, but urban
    special = only_row(result, "recruitment", "东区/special")
    assert (special.target, special.achieved, special.shortfall) == (1, 1, 0)

    hand_made = Plan((), hires=(Hire("U2", "music", 1, "special"),))
    [row] = [r for r in check_plan(sc, hand_made) if r.key == "东区/special"]
    assert (row.status, row.mode, row.shortfall) == ("violated", "hard", 1)
    assert "1 outside rural schools" in row.sentence_en


def test_recruitment_elastic_reports_the_exact_excess() -> None:
    sc = music_short_county(
        "recruitment.max_new_teachers=1", "recruitment.mode=elastic", "recruitment.weight=50"
    )
    result = solve_checked(sc)

    # a hire over the budget costs 50 + 5, a music post left empty 300: all five posts are filled
    assert hires_by_school(result.plan) == {("R1", "open"): 4, ("U2", "open"): 1}
    budget = only_row(result, "recruitment", "东区/budget")
    assert (budget.target, budget.achieved, budget.shortfall, budget.status) == (1, 5, 4, "violated")
    assert budget.cost == 5 * 5 + 50 * 4  # hire_weight per hire, weight per hire over the budget
    assert "4 over" in budget.sentence_en and "超出 4 人" in budget.sentence_zh


def test_recruitment_budget_relaxation_names_the_hires_needed() -> None:
    sc = music_short_county("recruitment.max_new_teachers=1", "shortage.mode=hard")
    result = solve_checked(sc, expect="infeasible")

    assert any(
        {"recruitment[region=东区/budget]", "shortage[subject=R1/music]"} <= set(c.labels)
        for c in result.conflicts
    )
    overrides = [r.change.overrides for r in result.relaxations]
    assert ("recruitment.max_new_teachers=4",) in overrides  # R1's four music posts, U2's not required
    relaxed = next(r for r in result.relaxations if r.change.overrides == ("recruitment.max_new_teachers=4",))
    assert solve_checked(relaxed.apply(sc)).summary.hires == 4
