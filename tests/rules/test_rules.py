"""Per rule: a tiny scenario where the rule binds and the plan honours it, and one where the rule
is elastic and broken and the report shows the exact shortfall. Every solve here also goes through
`solve_checked`, which asserts that the checker agrees with the solver."""

from __future__ import annotations

import pytest

from optimizer.plan import RuleRow
from optimizer.scenario import Pin
from tests.tiny import scenario, school, solve_checked, teacher, two_school_county


def rows(result, rule: str) -> list[RuleRow]:
    return [r for r in result.report if r.rule == rule]


def only_row(result, rule: str, key: str) -> RuleRow:
    found = [r for r in rows(result, rule) if r.key == key]
    assert len(found) == 1, [r.key for r in rows(result, rule)]
    return found[0]


def destinations(result) -> dict[str, str]:
    return {m.teacher_id: m.to_school for m in result.plan.moves}


# -- eligibility -------------------------------------------------------------------------------


def music_county(*overrides: str):
    """U1: five eligible math teachers and a music teacher with 2 years; R1 short of music."""
    schools = [school("U1", establishment=6), school("R1", "rural", lat=30.1)]
    teachers = [teacher(f"M{i}", "U1") for i in range(5)]
    teachers.append(teacher("MUS", "U1", "music", years_at_school=2))
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("U1", "math"): 5, ("U1", "music"): 1, ("R1", "music"): 1, ("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_eligibility_hard_keeps_an_ineligible_teacher_home():
    result = solve_checked(music_county())
    assert "MUS" not in destinations(result)
    assert only_row(result, "shortage", "R1/music").shortfall == 1


def test_eligibility_elastic_moves_and_reports_the_breach():
    result = solve_checked(music_county("eligibility.mode=elastic", "eligibility.weight=10"))
    assert destinations(result)["MUS"] == "R1"
    [breach] = [r for r in rows(result, "eligibility") if r.status == "violated"]
    assert (breach.key, breach.shortfall, breach.cost) == ("MUS", 1, 10)


def test_exempt_teachers_are_never_candidates_even_when_eligibility_is_elastic():
    base = music_county("eligibility.mode=elastic", "eligibility.weight=1")
    teachers = [
        teacher("MUS", "U1", "music", exempt_reason="孕期") if t.teacher_id == "MUS" else t
        for t in base.teachers
    ]
    result = solve_checked(
        scenario(
            list(base.schools),
            teachers,
            base.demand,
            overrides=["eligibility.mode=elastic", "eligibility.weight=1", "backbone_share.share=0"],
        )
    )
    assert "MUS" not in destinations(result)


# -- rotation_quota ----------------------------------------------------------------------------


def test_rotation_quota_hard_forces_enough_moves():
    result = solve_checked(
        two_school_county(overrides=["rotation_quota.rate=0.3", "capacity.max_departure_share=0.5"])
    )
    quota = only_row(result, "rotation_quota", "东区")
    assert (quota.target, quota.achieved, quota.status) == (3, 3, "met")
    assert len(result.plan.moves) == 3


def test_rotation_quota_elastic_reports_the_exact_shortfall():
    result = solve_checked(
        two_school_county(
            overrides=["rotation_quota.rate=0.5", "rotation_quota.mode=elastic", "rotation_quota.weight=1000"]
        )
    )
    quota = only_row(result, "rotation_quota", "东区")
    # 50 % of 10 eligible = 5, but at most 20 % of 10 may leave U1: 2 rotate, 3 short.
    assert (quota.target, quota.achieved, quota.shortfall, quota.status) == (5, 2, 3, "violated")
    assert "5" in quota.sentence_zh and "at least 5" in quota.sentence_en


def test_rotation_quota_scope_school_counts_each_sending_school():
    schools = [school("U1"), school("U2", lat=30.05), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"A{i}", "U1") for i in range(10)] + [teacher(f"B{i}", "U2") for i in range(10)]
    demand = {("R1", "math"): 1}
    result = solve_checked(
        scenario(
            schools, teachers, demand, overrides=["rotation_quota.scope=school", "backbone_share.share=0"]
        )
    )
    assert {r.key for r in rows(result, "rotation_quota")} == {"U1", "U2"}
    assert all(r.status == "met" and r.achieved == 1 for r in rows(result, "rotation_quota"))


# -- backbone_share ----------------------------------------------------------------------------


def test_backbone_share_hard_sends_enough_backbone_teachers():
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.4",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.5",
                "capacity.min_backbone_retained=0.3",
            ]
        )
    )
    share = only_row(result, "backbone_share", "东区")
    assert share.achieved >= share.target == 2
    assert share.status == "met"


def test_backbone_share_elastic_shows_missing_backbone_teachers():
    # 4 rotate, 60 % → 3 backbone needed; U1 has 3 backbone and must keep 2 (50 %, rounded up).
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.4",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.6",
                "backbone_share.mode=elastic",
            ]
        )
    )
    share = only_row(result, "backbone_share", "东区")
    assert (share.target, share.achieved, share.shortfall) == (3, 1, 2)


# -- direction ---------------------------------------------------------------------------------


def urban_pair(*overrides: str, pin_to: str = "U2"):
    schools = [school("U1"), school("U2", lat=30.05), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)] + [teacher("X", "U2", is_backbone=True)]
    demand = {("U2", "math"): 3, ("R1", "math"): 1}
    return scenario(
        schools,
        teachers,
        demand,
        pins=[Pin("T0", "move_to", pin_to)],
        overrides=["backbone_share.share=0", *overrides],
    )


def test_direction_hard_allows_only_urban_to_rural():
    result = solve_checked(urban_pair(pin_to="R1"))
    assert set(destinations(result).values()) == {"R1"}


def test_direction_elastic_pays_for_an_urban_to_urban_pin():
    result = solve_checked(urban_pair("direction.mode=elastic", "direction.weight=7"))
    assert destinations(result)["T0"] == "U2"
    [breach] = [r for r in rows(result, "direction") if r.status == "violated"]
    assert (breach.key, breach.shortfall, breach.cost) == ("T0", 1, 7)


def test_direction_hard_against_a_pin_is_a_conflict():
    result = solve_checked(urban_pair(), expect="infeasible")
    labels = {i.label for c in result.conflicts for i in c.instances}
    assert labels == {"pins[teacher=T0]", "direction[move=T0->U2/math]"}


# -- subject_fit -------------------------------------------------------------------------------


def test_subject_fit_uses_additional_subjects_and_stages():
    schools = [school("U1"), school("R1", "rural", lat=30.2), school("RJ", "rural", stage="junior")]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("ART", "U1", other_subjects=("art",)))
    demand = {("R1", "art"): 1, ("RJ", "math"): 2}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert destinations(result).get("ART") == "R1"
    assert "RJ" not in destinations(result).values()  # primary teachers do not teach junior school
    assert only_row(result, "subject_fit", "all").status == "met"


def test_subject_fit_elastic_lets_a_teacher_change_subject_at_a_cost():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    demand = {("R1", "music"): 1}
    result = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            overrides=["subject_fit.mode=elastic", "subject_fit.weight=5", "backbone_share.share=0"],
        )
    )
    [breach] = [r for r in rows(result, "subject_fit") if r.status == "violated"]
    assert breach.shortfall == 1 and breach.cost == 5
    assert only_row(result, "shortage", "R1/music").status == "met"


# -- shortage ----------------------------------------------------------------------------------


def test_shortage_hard_fills_every_post():
    result = solve_checked(two_school_county(rural_need=2, overrides=["shortage.mode=hard"]))
    assert only_row(result, "shortage", "R1/math").status == "met"


def test_shortage_elastic_reports_what_stays_unfilled():
    # R1 needs 5 more math teachers; at most 2 of 10 may leave U1.
    result = solve_checked(two_school_county(rural_need=5))
    row = only_row(result, "shortage", "R1/math")
    assert (row.target, row.achieved, row.shortfall) == (6, 3, 3)
    assert row.cost == 300  # weight 100 × priority 1 × 3 posts
    assert result.summary.shortage_total == 5 and result.summary.shortage_filled == 2


def test_shortage_priority_prefers_music_over_math():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", other_subjects=("music",)) for i in range(5)]
    demand = {("R1", "music"): 1, ("R1", "math"): 1}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert [m.subject for m in result.plan.moves] == ["music"]


# -- capacity ----------------------------------------------------------------------------------


def capped_county(*overrides: str):
    base = two_school_county(rural_need=2)
    schools = [
        school("U1", establishment=10),
        school("R1", "rural", establishment=10, lat=30.2, max_incoming=1),
    ]
    return scenario(schools, list(base.teachers), base.demand, overrides=list(overrides))


def test_capacity_hard_limits_arrivals():
    result = solve_checked(capped_county())
    assert len(result.plan.moves) == 1
    assert only_row(result, "capacity", "R1/incoming").status == "met"


def test_capacity_elastic_reports_the_excess():
    result = solve_checked(capped_county("capacity.mode=elastic", "capacity.weight=1"))
    row = only_row(result, "capacity", "R1/incoming")
    assert (row.target, row.achieved, row.shortfall) == (1, 2, 1)


def test_capacity_keeps_half_of_the_backbone_teachers():
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.5",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.6",
                "backbone_share.mode=elastic",
            ]
        )
    )
    row = only_row(result, "capacity", "U1/backbone")
    assert row.status == "met" and row.achieved >= 2


# -- staffing_balance --------------------------------------------------------------------------


def small_rural_county(*overrides: str):
    schools = [school("U1", establishment=10), school("R1", "rural", establishment=2, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("R1", "math"): 3}
    return scenario(schools, teachers, demand, overrides=list(overrides))


def test_staffing_balance_hard_stops_at_the_establishment():
    result = solve_checked(small_rural_county("staffing_balance.mode=hard"))
    assert len(result.plan.moves) == 1
    assert only_row(result, "staffing_balance", "R1/upper").achieved == 2


def test_staffing_balance_elastic_reports_overstaffing():
    result = solve_checked(small_rural_county())
    row = only_row(result, "staffing_balance", "R1/upper")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (2, 3, 1, 50)


# -- backbone_presence -------------------------------------------------------------------------


def no_backbone_rural(*overrides: str):
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1"))
    demand = {("R1", "math"): 2}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_backbone_presence_hard_sends_a_backbone_teacher():
    result = solve_checked(no_backbone_rural("backbone_presence.mode=hard"))
    row = only_row(result, "backbone_presence", "R1")
    assert row.status == "met" and row.achieved == 1


def test_backbone_presence_elastic_reports_the_missing_teacher():
    result = solve_checked(no_backbone_rural("capacity.min_backbone_retained=1.0"))
    row = only_row(result, "backbone_presence", "R1")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 0, 1, 200)


# -- degree_balance ----------------------------------------------------------------------------


def degree_county(*overrides: str):
    schools = [school("U1", establishment=20), school("R1", "rural", establishment=12, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(20)]
    teachers += [teacher(f"R{i}", "R1", degree="associate") for i in range(4)]
    teachers += [teacher(f"D{i}", "R1") for i in range(4)]
    demand = {("R1", "math"): 12}
    return scenario(
        schools,
        teachers,
        demand,
        overrides=[
            "backbone_share.share=0",
            "shortage.weight=0",
            "preferences.distance_weight=0",
            "rotation_quota.rate=0",
            "backbone_presence.min_per_school=0",
            *overrides,
        ],
    )


def test_degree_balance_hard_moves_degree_holders_to_rural_schools():
    # Urban: 100 % degree holders; rural: 4 of 8 = 50 %, ratio 2. At most 10 of 20 may leave U1:
    # rural 14 of 18 = 77.8 %, ratio 1.286 > 1.05, so the hard rule collides with the cap.
    result = solve_checked(
        degree_county("degree_balance.mode=hard", "capacity.max_departure_share=0.5"), expect="infeasible"
    )
    assert {i.rule for c in result.conflicts for i in c.instances} >= {"degree_balance"}


def test_degree_balance_hard_met_when_reachable():
    result = solve_checked(
        degree_county(
            "degree_balance.mode=hard", "degree_balance.ratio_max=1.3", "capacity.max_departure_share=0.5"
        )
    )
    row = only_row(result, "degree_balance", "东区")
    assert row.status == "met" and row.achieved <= 1.3


def test_degree_balance_elastic_reports_missing_degree_holders():
    result = solve_checked(degree_county())
    row = only_row(result, "degree_balance", "东区")
    assert row.status == "violated" and row.shortfall >= 1
    assert row.achieved > 1.05


# -- principal_rotation ------------------------------------------------------------------------


def leaders_county(*overrides: str, rural_principal_age: int = 50):
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    teachers.append(teacher("P_U", "U1", role="principal", terms_at_school=2, birth_year=1985, gender="M"))
    teachers.append(
        teacher(
            "P_R",
            "R1",
            role="principal",
            terms_at_school=2,
            gender="M",
            birth_year=2025 - rural_principal_age,
        )
    )
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_principal_rotation_hard_swaps_the_principals():
    result = solve_checked(leaders_county("principal_rotation.mode=hard"))
    assert destinations(result)["P_U"] == "R1" and destinations(result)["P_R"] == "U1"
    young = only_row(result, "principal_rotation", "东区")
    assert young.status == "met" and young.achieved == 1


def test_principal_rotation_elastic_reports_a_leader_who_cannot_move():
    result = solve_checked(leaders_county())
    assert all(r.status == "met" for r in rows(result, "principal_rotation"))
    stuck = solve_checked(
        scenario(
            list(leaders_county().schools),
            list(leaders_county().teachers),
            leaders_county().demand,
            pins=[Pin("P_R", "stay")],
            overrides=["backbone_share.share=0"],
        )
    )
    row = only_row(stuck, "principal_rotation", "P_U")
    assert (row.shortfall, row.cost) == (1, 200)


# -- new_teacher_bundle ------------------------------------------------------------------------


def new_teacher_county(*overrides: str, max_incoming: int | None = None):
    schools = [school("U1"), school("R1", "rural", lat=30.2, max_incoming=max_incoming)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    teachers.append(teacher("NEW", "U1", years_at_school=3, new_teacher_period=2, rural_years=0))
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_new_teacher_bundle_hard_sends_the_new_teacher_to_a_rural_school():
    result = solve_checked(new_teacher_county("new_teacher_bundle.mode=hard"))
    assert destinations(result) == {"NEW": "R1"}
    assert only_row(result, "eligibility", "all").status == "met"


def test_new_teacher_bundle_elastic_reports_an_unplaced_teacher():
    result = solve_checked(new_teacher_county("rotation_quota.rate=0", max_incoming=0))
    row = only_row(result, "new_teacher_bundle", "NEW")
    assert (row.shortfall, row.cost) == (1, 100)


# -- title_priority ----------------------------------------------------------------------------


def title_county(pins: list[Pin] = ()):  # type: ignore[assignment]
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("SENIOR", "U1", plans_senior_title=True))
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, pins=pins, overrides=["backbone_share.share=0"])


def test_title_priority_chooses_the_teacher_who_needs_rural_service():
    result = solve_checked(title_county())
    assert destinations(result) == {"SENIOR": "R1"}


def test_title_priority_reports_a_teacher_kept_home():
    result = solve_checked(title_county(pins=[Pin("SENIOR", "stay")]))
    row = only_row(result, "title_priority", "SENIOR")
    assert (row.shortfall, row.cost) == (1, 20)


# -- preferences -------------------------------------------------------------------------------


def test_preferences_volunteer_and_first_choice():
    schools = [school("U1"), school("R1", "rural", lat=30.1), school("R2", "rural", lat=30.12)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("VOL", "U1", volunteer=True, preferred_schools=("R1", "R2")))
    demand = {("R1", "math"): 1, ("R2", "math"): 1}
    result = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            overrides=["backbone_share.share=0", "rotation_quota.rate=0.1", "shortage.weight=0"],
        )
    )
    assert destinations(result) == {"VOL": "R1"}


def test_preferences_spouses_are_not_split():
    schools = [school("U1"), school("R1", "rural", lat=30.5), school("R2", "rural", lat=30.05)]
    teachers = [teacher(f"T{i}", "U1") for i in range(8)]
    teachers.append(teacher("HUS", "U1", spouse_id="WIFE", volunteer=True))
    teachers.append(teacher("WIFE", "U1", spouse_id="HUS", years_at_school=2))
    demand = {("R1", "math"): 1}
    result = solve_checked(
        scenario(
            schools, teachers, demand, overrides=["backbone_share.share=0", "preferences.volunteer_weight=0"]
        )
    )
    assert set(destinations(result)) & {"HUS", "WIFE"} == set()
    hard = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            pins=[Pin("HUS", "move_to", "R1")],
            overrides=["backbone_share.share=0", "preferences.mode=hard"],
        ),
        expect="infeasible",
    )
    assert {i.rule for c in hard.conflicts for i in c.instances} == {"pins", "preferences"}


# -- pins --------------------------------------------------------------------------------------


def test_pins_are_honoured():
    base = two_school_county()
    pinned = scenario(
        list(base.schools),
        list(base.teachers),
        base.demand,
        pins=[Pin("T05", "move_to", "R1"), Pin("T02", "stay")],
    )
    result = solve_checked(pinned)
    assert destinations(result)["T05"] == "R1" and "T02" not in destinations(result)
    assert all(r.status == "met" for r in rows(result, "pins"))
    assert "pins" in next(m.reason for m in result.plan.moves if m.teacher_id == "T05")


def test_pins_elastic_can_be_overruled_at_a_cost():
    base = two_school_county(rural_need=1)
    pins = [Pin(f"T{i:02d}", "stay") for i in range(10)]
    result = solve_checked(
        scenario(
            list(base.schools),
            list(base.teachers),
            base.demand,
            pins=pins,
            overrides=["pins.mode=elastic", "pins.weight=30"],
        )
    )
    broken = [r for r in rows(result, "pins") if r.status == "violated"]
    assert len(broken) == 1 and broken[0].cost == 30  # the quota needs one move


# -- term --------------------------------------------------------------------------------------


def test_term_returns_teachers_whose_term_ended():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("BACK", "R1", on_rotation_from="U1", last_rotated_year=2022))
    teachers.append(teacher("STAY", "R1", on_rotation_from="U1", last_rotated_year=2024))
    demand = {("R1", "math"): 2}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert {"BACK", "STAY"}.isdisjoint(destinations(result))
    assert only_row(result, "term", "东区").achieved == 1
    assert all(m.term_years == 3 for m in result.plan.moves)
    # BACK went home to U1, so R1 has 1 math teacher and needs one more.
    assert only_row(result, "shortage", "R1/math").target == 2


@pytest.mark.parametrize("rule_id", ["eligibility", "direction", "subject_fit", "pins"])
def test_gate_rules_catch_a_hand_made_bad_move(rule_id):
    from optimizer.plan import Move, Plan
    from optimizer.report import check_plan

    schools = [school("U1"), school("U2", lat=30.1), school("R1", "rural", lat=30.2)]
    teachers = [teacher("NEW", "U1", years_at_school=1), teacher("OK", "U1")]
    sc = scenario(schools, teachers, {("R1", "math"): 1}, pins=[Pin("OK", "stay")])
    bad = {
        "eligibility": Move("NEW", "U1", "R1", "math", 3),
        "direction": Move("OK", "U1", "U2", "math", 3),
        "subject_fit": Move("OK", "U1", "R1", "music", 3),
        "pins": Move("OK", "U1", "R1", "math", 3),
    }[rule_id]
    report = check_plan(sc, Plan((bad,)))
    violated = {r.rule for r in report if r.status == "violated"}
    assert rule_id in violated
