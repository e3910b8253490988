"""The benchmark's baselines are sound: the independent MIP (HiGHS) proves the same optimum as our
CP-SAT model on small scenarios, and the greedy HR plan breaks no hard rule where a plan exists and
never beats the optimum. Correctness only; no timings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from benchmarks.baselines.greedy import greedy_plan
from benchmarks.baselines.independent_mip import IndependentResult, solve_independent
from optimizer.generate import CountyParams, conflicting_quotas, generate_county
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.plan import RuleRow
from optimizer.report import check_plan, hard_violations, plan_cost
from optimizer.result import Result
from optimizer.rules import default_policy
from optimizer.scenario import Pin, Scenario
from optimizer.solve import solve
from tests.tiny import YEAR, scenario, school, teacher

SUBJECTS = ("math", "chinese", "music", "pe", "english")
RULES = (
    "eligibility",
    "rotation_quota",
    "backbone_share",
    "direction",
    "subject_fit",
    "exchange",
    "recruitment",
    "shortage",
    "coverage",
    "capacity",
    "staffing_balance",
    "backbone_presence",
    "degree_balance",
    "principal_rotation",
    "leadership",
    "new_teacher_bundle",
    "title_priority",
    "preferences",
    "pins",
)
GATES_AND_CAPS = {"eligibility", "direction", "subject_fit", "capacity", "pins"}


def random_county(seed: int, hard_share: float = 0.2) -> Scenario:
    """Up to 40 staff in 3-7 schools of one or two regions, some in a 学区, with leaders, reserve
    leaders, backbone teachers, exemptions, returns from rotation, new teachers, requested terms,
    volunteers, preferences, a couple, pins, a hiring budget and 特岗 posts, and each rule hard
    with probability `hard_share`, else elastic."""
    rng = random.Random(seed)
    areas = ["urban", "rural", *(rng.choice(["urban", "town", "rural"]) for _ in range(rng.randint(1, 5)))]
    schools = [
        school(
            f"S{i}",
            area,
            region="西区" if i > 1 and i % 2 and seed % 3 == 0 else "东区",
            is_weak=area != "urban" and rng.random() < 0.3,
            stage=rng.choice(["primary", "primary", "junior", "nine_year"]),
            establishment=rng.randint(2, 12),
            lat=30 + rng.randint(0, 40) / 100,
            max_incoming=rng.choice([None, None, 0, 1, 2, 3]),
            district=rng.choice(["", "甲学区", "乙学区"]),
        )
        for i, area in enumerate(areas)
    ]
    ids = [s.school_id for s in schools]
    teachers = [
        teacher(
            f"T{i:02d}",
            rng.choice(ids),
            rng.choice(SUBJECTS),
            other_subjects=tuple(rng.sample(SUBJECTS, rng.choice([0, 0, 1, 2]))),
            stage=rng.choice(["primary", "junior", "both"]),
            role=rng.choice(["teacher"] * 8 + ["principal", "vice_principal"]),
            terms_at_school=rng.randint(0, 3),
            years_at_school=rng.randint(0, 12),
            is_backbone=rng.random() < 0.35,
            gender=rng.choice("FM"),
            birth_year=YEAR - rng.randint(23, 59),
            degree=rng.choice(["associate", "bachelor", "master"]),
            exempt_reason=rng.choice(["", "", "", "", "孕期"]),
            volunteer=rng.random() < 0.3,
            new_teacher_period=rng.choice([0, 0, 0, 1, 2]),
            funded_graduate_owed_years=rng.choice([0, 0, 0, 0, 1]),
            plans_senior_title=rng.random() < 0.3,
            preferred_schools=tuple(rng.sample(ids, rng.choice([0, 0, 1, 2]))),
            last_rotated_year=rng.choice([None, None, None, YEAR - 1, YEAR - 3, YEAR - 5]),
            on_rotation_from=rng.choice(ids) if rng.random() < 0.1 else None,
            home_lat=rng.choice([None, 30.1]),
            home_lon=120.05,
            reserve_leader=rng.random() < 0.1,
            requested_term=rng.choice([None, None, None, 1, 2]),
        )
        for i in range(rng.randint(6, 40))
    ]
    a, b = rng.sample(range(len(teachers)), 2)
    teachers[a] = replace(teachers[a], spouse_id=teachers[b].teacher_id)
    teachers[b] = replace(teachers[b], spouse_id=teachers[a].teacher_id)
    demand = {
        (s.school_id, subject): rng.randint(0, 4)
        for s in schools
        for subject in rng.sample(SUBJECTS, rng.randint(0, 4))
    }
    pins = []
    for pinned in rng.sample(teachers, rng.choice([0, 1, 2])):
        target = rng.choice(ids)
        if rng.random() < 0.5 and target != pinned.school_id:
            pins.append(Pin(pinned.teacher_id, "move_to", target))
        else:
            pins.append(Pin(pinned.teacher_id, "stay"))
    overrides = [
        f"rotation_quota.rate={rng.choice([0.0, 0.1, 0.3])}",
        f"rotation_quota.scope={rng.choice(['region', 'school'])}",
        f"backbone_share.share={rng.choice([0.0, 0.2, 0.5])}",
        f"degree_balance.ratio_max={rng.choice([1.0, 1.05, 1.2])}",
        f"capacity.max_departure_share={rng.choice([0.2, 0.3, 0.5])}",
        f"staffing_balance.tolerance={rng.choice([0, 0, 1])}",
        f"staffing_balance.tolerance_low={rng.choice([0, 0, 1])}",
        f"recruitment.max_new_teachers={rng.choice([-1, -1, 0, 2])}",
        f"recruitment.special_posts={rng.choice([0, 0, 1])}",
        f"recruitment.extra_by_subject={{{rng.choice(SUBJECTS)} = {rng.choice([0, 1])}}}",
        f"exchange.max_per_region={rng.choice([-1, -1, 0, 1])}",
        f"itinerant.max_schools={rng.choice([1, 2])}",
        f"coverage.created_weight={rng.choice([150, 200])}",
        f"term.min_term={rng.choice([1, 1, 2])}",
        *(['direction.allow=[["rural", "urban"]]'] if rng.random() < 0.3 else []),
        *(f"{rule}.mode={'hard' if rng.random() < hard_share else 'elastic'}" for rule in RULES),
    ]
    return scenario(schools, teachers, demand, pins, overrides)


def generated(seed: int, overrides: tuple[str, ...] = ()) -> Scenario:
    """The smallest county the generator makes (8 schools × 12 staff)."""
    return generate_county(CountyParams(seed=seed, teachers=96, schools=8, overrides=overrides))


def ours(sc: Scenario) -> Result:
    diagnosis = DiagnosisBudget(time_limit=5, max_conflicts=1)
    return solve(sc, EngineSettings(time_limit=30, seed=1), diagnosis=diagnosis)


def independent(sc: Scenario) -> IndependentResult:
    return solve_independent(sc, time_limit=30)


def assert_same_optimum(sc: Scenario) -> list[RuleRow]:
    """Both proven optimal with equal objectives (or both infeasible); the MIP's plan breaks no hard
    rule and the checker costs it at the MIP's objective. Returns the MIP plan's report."""
    project, mip = ours(sc), independent(sc)
    assert (mip.status, project.summary.status) in {("optimal", "optimal"), ("infeasible", "infeasible")}
    if mip.status == "infeasible":
        return []
    report = check_plan(sc, mip.plan)
    assert not hard_violations(report), hard_violations(report)
    assert plan_cost(report) == pytest.approx(mip.objective)
    assert mip.objective == pytest.approx(project.summary.objective)
    assert mip.bound == pytest.approx(mip.objective)
    return report


@pytest.mark.parametrize("seed", range(24))
def test_independent_mip_finds_our_optimum_on_random_counties(seed: int) -> None:
    assert_same_optimum(random_county(seed, hard_share=0.1 if seed % 2 else 0.3))


@pytest.mark.parametrize(
    ("seed", "overrides"),
    [
        (1, ()),
        (5, ("rotation_quota.rate=0.2", "degree_balance.mode=hard")),
        (13, ("rotation_quota.scope=school", "staffing_balance.mode=hard", "subject_fit.mode=elastic")),
        (7, ("eligibility.mode=elastic", "direction.mode=elastic", "pins.mode=elastic")),
        (1, ("capacity.mode=elastic", "backbone_presence.mode=hard", "preferences.mode=hard")),
    ],
)
def test_independent_mip_finds_our_optimum_on_generated_counties(
    seed: int, overrides: tuple[str, ...]
) -> None:
    report = assert_same_optimum(generated(seed, overrides))
    broken = {r.rule for r in report if r.cost > 0 and r.rule != "preferences"}
    assert len(broken) >= 3, broken  # the optimum trades off several elastic rules


def staffing_county(**changes: dict[str, Any]) -> Scenario:
    """The rotation fills a rural English post from the town's only English teacher; a spare
    English teacher of the 北学区 village school back-fills it on exchange (a vacancy opened costs
    400); the one hire the budget allows goes to the rural PE post nobody can fill; two spare
    music teachers of the village school each teach half a post at the town school of their
    学区, which had none. `changes` edits teachers by id."""
    schools = [
        school("U1", "urban", establishment=5),
        school("R1", "rural", establishment=5, lat=30.05),
        school("R2", "rural", establishment=4, lat=30.1, district="北学区"),
        school("T1", "town", establishment=2, lat=30.12, district="北学区"),
    ]
    teachers = [teacher("E1", "U1", "english", is_backbone=True)]
    teachers += [teacher(f"M{i}", "U1", "math", is_backbone=i == 1) for i in range(1, 5)]
    teachers += [teacher(f"R1{i}", "R1", "math", years_at_school=1, is_backbone=i == 0) for i in range(3)]
    teachers += [teacher(f"R2E{i}", "R2", "english", years_at_school=1) for i in range(2)]
    teachers += [teacher(f"R2M{i}", "R2", "music", years_at_school=1) for i in range(2)]
    teachers += [teacher("R2B", "R2", "math", years_at_school=1, is_backbone=True)]
    teachers += [teacher(f"T1C{i}", "T1", "chinese", years_at_school=1) for i in range(2)]
    teachers = [replace(t, **changes.get(t.teacher_id, {})) for t in teachers]
    demand = {
        ("U1", "english"): 1,
        ("U1", "math"): 4,
        ("R1", "math"): 3,
        ("R1", "english"): 1,
        ("R1", "pe"): 1,
        ("R2", "english"): 1,
        ("R2", "music"): 1,
        ("R2", "math"): 1,
        ("T1", "chinese"): 2,
        ("T1", "music"): 1,
    }
    return scenario(schools, teachers, demand, overrides=["recruitment.max_new_teachers=1"])


def test_both_formulations_hire_exchange_and_teach_itinerant_in_the_same_optimum() -> None:
    sc = staffing_county()
    assert_same_optimum(sc)
    for plan in (independent(sc).plan, ours(sc).plan):
        assert [(m.teacher_id, m.to_school) for m in plan.moves] == [("E1", "R1")]
        assert [(m.from_school, m.to_school, m.subject) for m in plan.exchanges] == [("R2", "U1", "english")]
        assert [(h.school_id, h.subject, h.posts) for h in plan.hires] == [("R1", "pe", 1)]
        assert sorted((a.teacher_id, a.school_id, a.share) for a in plan.itinerant) == [
            ("R2M0", "T1", 0.5),
            ("R2M1", "T1", 0.5),
        ]


def staffing_county_with_a_principal(**changes: dict[str, Any]) -> Scenario:
    """staffing_county with a due principal at U1 (one more post at U1 and R1): R1 has no head."""
    sc = staffing_county(**changes)
    principal = teacher("P1", "U1", "math", role="principal", terms_at_school=2)
    bigger = {"U1", "R1"}
    schools = tuple(
        replace(s, establishment=s.establishment + 1) if s.school_id in bigger else s for s in sc.schools
    )
    return replace(sc, teachers=(*sc.teachers, principal), schools=schools)


NEAR_RETIREMENT = {"birth_year": YEAR - 58}
"""R2E1 may not go on exchange, so R2E0 is the one who does."""


def staffing_county_with_a_couple() -> Scenario:
    """staffing_county where R2E0, who goes on exchange 11 km away, is married to R2E1 (at home)
    and spouses more than 5 km apart count as split."""
    sc = staffing_county(R2E0={"spouse_id": "R2E1"}, R2E1={**NEAR_RETIREMENT, "spouse_id": "R2E0"})
    return replace(sc, policy=sc.policy.with_overrides(["preferences.spouse_max_km=5"]))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda: staffing_county(
                R2B={"is_backbone": False}, R2E0={"is_backbone": True}, R2E1=NEAR_RETIREMENT
            ),
            id="backbone_presence: the village school's only backbone teacher goes on exchange",
        ),
        pytest.param(
            lambda: staffing_county(R2E0={"degree": "associate"}, R2E1=NEAR_RETIREMENT),
            id="degree_balance: a rural teacher without a degree goes to an urban school on exchange",
        ),
        pytest.param(
            lambda: staffing_county_with_a_principal(R2E0={"reserve_leader": True}, R2E1=NEAR_RETIREMENT),
            id="leadership: the reserve leader arriving on exchange heads U1 when its principal rotates",
        ),
        pytest.param(
            staffing_county_with_a_couple,
            id="preferences: one of a couple goes on exchange farther than spouse_max_km",
        ),
    ],
)
def test_independent_mip_finds_our_optimum_when_exchanges_change_staff(build: Callable[[], Scenario]) -> None:
    """Tiny counties where an exchange changes who is on a school's staff after the plan."""
    assert_same_optimum(build())


def test_degree_balance_shortfall_is_not_capped() -> None:
    """One urban teacher (a degree holder), a rural school without any, and town teachers without
    degrees filling a rural music shortage: each one moved raises the estimated excess."""
    schools = [
        school("U1", "urban", establishment=1),
        school("T1", "town", establishment=50),
        school("R1", "rural", establishment=20, lat=30.01),
    ]
    teachers = [teacher("U00", "U1", years_at_school=2)]
    teachers += [teacher(f"T{i:02d}", "T1", "music", degree="associate") for i in range(50)]
    teachers += [
        teacher(f"R{i:02d}", "R1", degree="associate", is_backbone=i == 0, years_at_school=1)
        for i in range(5)
    ]
    demand = {("R1", "music"): 12, ("T1", "music"): 50, ("R1", "math"): 5}
    sc = scenario(schools, teachers, demand, overrides=["backbone_share.share=0"])
    mip = independent(sc)
    assert mip.status == "optimal" and plan_cost(check_plan(sc, mip.plan)) == pytest.approx(mip.objective)
    assert ours(sc).summary.objective == pytest.approx(mip.objective)


@pytest.mark.parametrize(
    ("seed", "overrides"),
    [
        (1, ()),
        (6, ()),
        (2, ("rotation_quota.rate=0.15",)),
        (4, ("rotation_quota.scope=school",)),
        (5, ("staffing_balance.mode=hard", "backbone_share.share=0.3")),
    ],
)
def test_greedy_breaks_no_hard_rule_on_generated_counties(seed: int, overrides: tuple[str, ...]) -> None:
    sc = generated(seed, overrides)
    mip = independent(sc)
    assert mip.status == "optimal" and mip.objective is not None
    report = check_plan(sc, greedy_plan(sc))
    assert not hard_violations(report), hard_violations(report)
    assert plan_cost(report) >= mip.objective - 1e-6


@pytest.mark.parametrize("seed", range(40))
def test_greedy_keeps_gates_and_caps_and_never_beats_the_optimum(seed: int) -> None:
    """Under any hard / elastic mix, a greedy move is eligible, in direction, qualified, within the
    caps and the pins. With the default modes it may fall short only of the rotation quota or the
    backbone share (where only a leader or an against-the-grain move would do); otherwise its cost
    is at least the optimum."""
    sc = random_county(seed, hard_share=0.0 if seed % 2 else 0.3)
    if seed % 2:
        defaults = [f"{rule}.mode={default_policy().mode(rule)}" for rule in RULES]
        sc = replace(sc, policy=sc.policy.with_overrides(defaults))
    mip = independent(sc)
    if mip.status != "optimal" or mip.objective is None:
        return
    report = check_plan(sc, greedy_plan(sc))
    broken = {r.rule for r in hard_violations(report)}
    assert not broken & GATES_AND_CAPS, broken
    if seed % 2:
        assert broken <= {"rotation_quota", "backbone_share"}, broken
    if not broken:
        assert plan_cost(report) >= mip.objective - 1e-6


def test_greedy_reports_the_quota_it_cannot_meet() -> None:
    """conflicting-quotas: the departure caps allow fewer movers than the 30 % quota needs, so any
    plan breaks a hard rule; greedy keeps the caps and falls short of the quota."""
    sc = generate_county(conflicting_quotas())
    broken = {r.rule for r in hard_violations(check_plan(sc, greedy_plan(sc)))}
    assert "rotation_quota" in broken
    assert not broken & GATES_AND_CAPS


def test_greedy_recruits_into_the_posts_its_moves_leave_unmet() -> None:
    """Greedy sends the town's English teacher to the rural English post, then hires, most urgent
    first: with a budget of one, into the rural PE post nobody can fill; with the county's vacant
    establishment (two), also into the English post its move vacated. The village school's music
    post has no free place to hire into. Hires stay within the budget and the free posts."""
    sc = staffing_county()
    plan = greedy_plan(sc)
    assert [(m.teacher_id, m.to_school) for m in plan.moves] == [("E1", "R1")]
    assert [(h.school_id, h.subject, h.posts) for h in plan.hires] == [("R1", "pe", 1)]
    report = check_plan(sc, plan)
    assert not hard_violations(report), hard_violations(report)
    assert plan_cost(report) >= (independent(sc).objective or 0.0)
    vacant = replace(sc, policy=sc.policy.with_overrides(["recruitment.max_new_teachers=-1"]))
    plan = greedy_plan(vacant)
    assert sorted((h.school_id, h.subject, h.posts) for h in plan.hires) == [
        ("R1", "pe", 1),
        ("U1", "english", 1),
    ]
    assert not hard_violations(check_plan(vacant, plan))
