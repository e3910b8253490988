"""itinerant (走教): a teacher with time to spare at home teaches half a post at up to max_schools
other schools of the same 学区 within max_km; not while rotating; the share is taken from home."""

from __future__ import annotations

from optimizer.outcome import Outcome
from optimizer.plan import ItinerantAssignment, Move, Plan
from optimizer.report import check_plan
from optimizer.rules import coverage_posts
from optimizer.scenario import Pin, Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def district_county(
    *overrides: str,
    villages: tuple[str, ...] = ("V1",),
    village_district: str = "D1",
    pins: tuple[Pin, ...] = (),
    m1_years: int = 2,
) -> Scenario:
    """T1 (town, 学区 D1) has four music teachers for two music posts; M1 and M2 may teach away,
    X1 and X2 are exempt. The villages (V1 5.6 km away, V2 11 km, both rural) lack a music
    teacher each when listed in `villages`. No hires, no rotation unless pinned."""
    schools = [
        school("T1", "town", district="D1"),
        school("V1", "rural", district=village_district, lat=30.05),
        school("V2", "rural", district="D1", lat=30.1),
    ]
    teachers = [
        teacher("M1", "T1", "music", years_at_school=m1_years),
        teacher("M2", "T1", "music", years_at_school=2),
        teacher("X1", "T1", "music", exempt_reason="病假"),
        teacher("X2", "T1", "music", exempt_reason="病假"),
        teacher("V10", "V1", is_backbone=True),
        teacher("V20", "V2", is_backbone=True),
    ]
    demand = {("T1", "music"): 2, ("V1", "math"): 1, ("V2", "math"): 1}
    demand.update({(village, "music"): 1 for village in villages})
    return scenario(
        schools, teachers, demand, pins=list(pins), overrides=["recruitment.max_new_teachers=0", *overrides]
    )


def assignments(plan: Plan) -> list[tuple[str, str, str, str, float]]:
    return sorted((a.teacher_id, a.home_school, a.school_id, a.subject, a.share) for a in plan.itinerant)


def test_itinerant_two_halves_cover_a_village_post_from_the_town_schools_surplus() -> None:
    sc = district_county()
    result = solve_checked(sc)

    assert result.plan.moves == ()
    assert assignments(result.plan) == [("M1", "T1", "V1", "music", 0.5), ("M2", "T1", "V1", "music", 0.5)]
    outcome = Outcome(sc, result.plan)
    assert outcome.covered("V1", "music") == 1.0  # 0.5 per assignment
    assert outcome.covered("T1", "music") == 3.0  # taken from home, still above T1's two posts
    assert only_row(result, "shortage", "V1/music").shortfall == 0
    row = only_row(result, "itinerant", "M1")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (2, 1, 0, 2)
    assert result.summary.itinerant_assignments == 2


def test_itinerant_one_assignment_adds_half_a_post_where_taught_and_takes_it_from_home() -> None:
    sc = district_county()
    plan = Plan((), itinerant=(ItinerantAssignment("M1", "T1", "V1", "music", 0.5),))

    posts = {(p.school_id, p.subject): p for p in coverage_posts(sc, plan)}
    assert (posts[("V1", "music")].before, posts[("V1", "music")].after) == (0, 0.5)
    assert (posts[("T1", "music")].before, posts[("T1", "music")].after) == (4, 3.5)
    assert [r.status for r in check_plan(sc, plan) if r.rule == "itinerant"] == ["met"]


def test_itinerant_stays_inside_the_district() -> None:
    result = solve_checked(district_county(village_district="D2"))

    assert result.plan.itinerant == ()
    assert only_row(result, "shortage", "V1/music").shortfall == 1


def test_itinerant_stays_within_max_km() -> None:
    result = solve_checked(district_county("itinerant.max_km=5"))  # V1 is 5.6 km away

    assert result.plan.itinerant == ()
    assert only_row(result, "shortage", "V1/music").shortfall == 1


def test_itinerant_not_by_a_teacher_who_rotates() -> None:
    """M1 is sent to V2; M2's half alone does not make V1's post, and M1 may not give the other."""
    sc = district_county(
        "capacity.max_departure_share=0.5",
        "backbone_share.share=0",
        villages=("V1", "V2"),
        pins=(Pin("M1", "move_to", "V2"),),
        m1_years=8,
    )
    result = solve_checked(sc)

    assert [(m.teacher_id, m.to_school) for m in result.plan.moves] == [("M1", "V2")]
    assert result.plan.itinerant == ()
    assert only_row(result, "shortage", "V1/music").shortfall == 1


def test_itinerant_at_most_max_schools_per_teacher() -> None:
    both = solve_checked(district_county(villages=("V1", "V2")))
    assert [(a[0], a[2]) for a in assignments(both.plan)] == [
        ("M1", "V1"),
        ("M1", "V2"),
        ("M2", "V1"),
        ("M2", "V2"),
    ]

    one = solve_checked(district_county("itinerant.max_schools=1", villages=("V1", "V2")))
    taught = [(a[0], a[2]) for a in assignments(one.plan)]
    assert len(taught) == 2 and {school for _, school in taught} in ({"V1"}, {"V2"})
    assert sum(r.shortfall for r in one.report if r.rule == "shortage") == 1


def test_itinerant_checker_counts_each_breach_of_a_hand_made_plan() -> None:
    sc = district_county("itinerant.max_schools=1", villages=("V1", "V2"), village_district="D2")
    plan = Plan(
        (Move("M2", "T1", "V2", "music", 3),),
        itinerant=(
            ItinerantAssignment("M1", "T1", "V1", "music", 0.5),  # V1 is in another district
            ItinerantAssignment("M1", "T1", "V2", "music", 0.5),  # a second school, one allowed
            ItinerantAssignment("M2", "T1", "V1", "music", 0.5),  # M2 rotates, and V1 again
        ),
    )
    hard = {r.key: r for r in check_plan(sc, plan) if r.rule == "itinerant"}
    assert [(r.status, r.mode, r.shortfall) for r in hard.values()] == [("violated", "hard", 2)] * 2
    assert "not in the same district or too far" in hard["M1"].sentence_en
    assert "also rotates" in hard["M2"].sentence_en and "同时交流或跟岗" in hard["M2"].sentence_zh

    # no elastic mode: the limits say what 走教 is; each row still costs its assignments
    assert (hard["M1"].cost, hard["M2"].cost) == (2 * 2, 2 * 1)


def test_a_post_only_走教_could_cover_gets_the_relaxation_allow_走教_in_its_district() -> None:
    """V1's music post must be filled (shortage hard), nobody may be hired and nobody moves: the
    conflict's ways out include 走教 from T1's spare music teachers, which breaks no rule."""
    too_far = solve_checked(
        district_county("shortage.mode=hard", "itinerant.max_km=5"), expect="infeasible"
    )  # V1 is 5.6 km away
    widen = too_far.relaxations[0]
    assert (widen.relaxed, widen.units, widen.change.overrides) == ((), 0, ("itinerant.max_km=6",))
    assert widen.change.sentence_zh == "允许学区 D1 内走教:走教距离放宽至 6 公里"
    relaxed = solve_checked(widen.apply(district_county("shortage.mode=hard", "itinerant.max_km=5")))
    assert assignments(relaxed.plan) == [("M1", "T1", "V1", "music", 0.5), ("M2", "T1", "V1", "music", 0.5)]
    assert relaxed.summary.objective == widen.plan_cost

    not_listed = solve_checked(
        district_county("shortage.mode=hard", 'itinerant.subjects={ "pe" = 0.5 }'), expect="infeasible"
    )
    [widen] = [r for r in not_listed.relaxations if not r.relaxed]
    assert widen.change.overrides == ('itinerant.subjects={ "pe" = 0.5, "music" = 0.5 }',)
    assert widen.change.sentence_en == "allow 走教 in 学区 D1: music taught by 走教 (0.5 post each)"


def test_no_走教_relaxation_where_no_teacher_of_the_district_has_time_to_spare() -> None:
    """V1 is in another 学区: widening 走教 could not cover its post, so it is not proposed."""
    result = solve_checked(district_county("shortage.mode=hard", village_district="D2"), expect="infeasible")
    assert result.relaxations and all(r.relaxed for r in result.relaxations)
