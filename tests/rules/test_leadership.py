"""leadership: a school that has a principal before the plan has one after: the principal stays, a
leader arrives, a vice-principal of the school acts, or a reserve leader (后备干部) takes over."""

from __future__ import annotations

from optimizer.plan import Leader
from optimizer.rules import leaders_after
from optimizer.scenario import Pin, Scenario, Teacher
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def headed_county(
    *overrides: str, staff: tuple[Teacher, ...] = (), pins: tuple[Pin, ...] = (), r2_math: int = 1
) -> Scenario:
    """U1's principal P1 has served two terms (eligible, due to rotate); its five teachers have
    not served the six years; U1 is above its establishment of 5, so its staff may shrink at no
    cost. The rural schools R1 and R2 have no principal; R2 needs `r2_math` math teachers and has
    one. `staff` adds people."""
    schools = [
        school("U1", establishment=5),
        school("R1", "rural", lat=30.1),
        school("R2", "rural", lat=30.2),
    ]
    teachers = [teacher("P1", "U1", "principal", role="principal", terms_at_school=2)]
    teachers += [teacher(f"T{i}", "U1", years_at_school=2) for i in range(5)]
    teachers += [teacher("R10", "R1", is_backbone=True), teacher("R20", "R2", is_backbone=True), *staff]
    demand = {("U1", "math"): 5, ("R1", "math"): 1, ("R2", "math"): r2_math}
    return scenario(
        schools, teachers, demand, pins=list(pins), overrides=["backbone_share.share=0", *overrides]
    )


def vice_principal(teacher_id: str, school_id: str) -> Teacher:
    """A vice-principal with two terms: due to rotate as well (principal_rotation, elastic 200)."""
    return teacher(teacher_id, school_id, "vice_principal", role="vice_principal", terms_at_school=2)


P1_TO_R2 = (Pin("P1", "move_to", "R2"),)


def test_leadership_a_vice_principal_stays_to_act_when_the_principal_leaves() -> None:
    sc = headed_county(staff=(vice_principal("VP1", "U1"),), pins=P1_TO_R2)
    result = solve_checked(sc)

    assert [m.teacher_id for m in result.plan.moves] == ["P1"]
    assert leaders_after(sc, result.plan) == [Leader("U1", "VP1", "acting")]
    row = only_row(result, "leadership", "U1")
    assert (row.status, row.involved) == ("met", ("VP1",))
    assert "acting: VP1" in row.sentence_en and "副校长主持工作:VP1" in row.sentence_zh
    assert only_row(result, "principal_rotation", "VP1").shortfall == 1  # VP1 was due, and stays
    assert (result.summary.schools_with_principal_before, result.summary.schools_with_principal_after) == (
        1,
        1,
    )


def test_leadership_elastic_reports_a_headless_school() -> None:
    """At weight 100 a school without a head costs less than VP1's due rotation (200): both leave."""
    sc = headed_county(
        "leadership.mode=elastic",
        "leadership.weight=100",
        staff=(vice_principal("VP1", "U1"),),
        pins=P1_TO_R2,
    )
    result = solve_checked(sc)

    assert sorted(m.teacher_id for m in result.plan.moves) == ["P1", "VP1"]
    assert leaders_after(sc, result.plan) == []
    row = only_row(result, "leadership", "U1")
    assert (row.target, row.achieved, row.shortfall, row.cost, row.status) == (1, 0, 1, 100, "violated")
    assert "nobody heads it after the plan" in row.sentence_en and "交流后无人主持工作" in row.sentence_zh
    assert result.summary.schools_with_principal_after == 0


def test_leadership_a_reserve_leader_takes_over_from_a_principal_due_by_a_hard_rule() -> None:
    """RL1 (后备干部, eligible) would fill R2's missing math post (no hires): kept at U1 to head it,
    R2 stays short; at leadership weight 50, below the post's 100, RL1 goes and U1 has no head."""
    reserve = teacher("RL1", "U1", reserve_leader=True)
    rules = ("principal_rotation.mode=hard", "recruitment.max_new_teachers=0")
    sc = headed_county(*rules, staff=(reserve,), r2_math=2)
    result = solve_checked(sc)

    assert [m.teacher_id for m in result.plan.moves] == ["P1"]
    assert leaders_after(sc, result.plan) == [Leader("U1", "RL1", "reserve")]
    assert "后备干部接任:RL1" in only_row(result, "leadership", "U1").sentence_zh
    assert only_row(result, "shortage", "R2/math").shortfall == 1

    elastic = headed_county(
        *rules, "leadership.mode=elastic", "leadership.weight=50", staff=(reserve,), r2_math=2
    )
    unheaded = solve_checked(elastic)
    assert ("RL1", "R2") in {(m.teacher_id, m.to_school) for m in unheaded.plan.moves}
    row = only_row(unheaded, "leadership", "U1")
    assert (row.shortfall, row.cost) == (1, 50)


def test_leadership_a_leader_arrives_where_none_is_left() -> None:
    """R1's vice-principal is due, but at principal_rotation weight 1 would rather stay (R1 would
    fall below its staff, 50): only leadership sends it to U1, whose principal is pinned to R2;
    at leadership weight 10 it stays and U1 is left without a head."""
    principal = teacher("PR", "R1", "principal", role="principal")
    staff = (principal, vice_principal("VPR", "R1"))
    sc = headed_county("principal_rotation.weight=1", staff=staff, pins=P1_TO_R2)
    result = solve_checked(sc)

    assert sorted((m.teacher_id, m.to_school) for m in result.plan.moves) == [("P1", "R2"), ("VPR", "U1")]
    assert leaders_after(sc, result.plan) == [Leader("U1", "VPR", "arrives"), Leader("R1", "PR", "stays")]

    unheaded = solve_checked(
        headed_county(
            "principal_rotation.weight=1",
            "leadership.mode=elastic",
            "leadership.weight=10",
            staff=staff,
            pins=P1_TO_R2,
        )
    )
    assert [m.teacher_id for m in unheaded.plan.moves] == ["P1"]
    assert (
        only_row(unheaded, "leadership", "U1").shortfall,
        only_row(unheaded, "leadership", "U1").cost,
    ) == (1, 10)


def test_leadership_and_the_quota_collide_where_the_quota_needs_the_only_leader() -> None:
    """P1 is U1's only eligible member, so the hard quota (10 % of 1 → 1) must send them; nobody
    could head U1 after (issue 13's done-when)."""
    result = solve_checked(headed_county(), expect="infeasible")

    assert [set(c.labels) for c in result.conflicts] == [
        {"leadership[school=U1]", "rotation_quota[region=东区]"}
    ]
    assert result.conflicts[0].minimal
    overrides = {o for r in result.relaxations for o in r.change.overrides}
    assert "leadership.mode=elastic" in overrides
