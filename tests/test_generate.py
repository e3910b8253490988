"""The generator makes counties an HR section would recognise, and that the default hard rules
can be met in (checked by counting: eligible pool, caps, destinations), deterministically."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

import pytest

from optimizer.errors import ScenarioError
from optimizer.generate import (
    PRESETS,
    PRIMARY_SUBJECTS,
    SCARCE_SUBJECTS,
    CountyParams,
    _zh_number,
    generate_county,
    generate_region,
    preset,
    write_preset,
)
from optimizer.io import load_bundle
from optimizer.policy import ceil_share, floor_share
from optimizer.rules import is_eligible, is_receiving, is_sending, standing
from optimizer.scenario import SUBJECTS, Scenario, School, Teacher, stage_fits


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return generate_county(preset("demo-county"))


@pytest.fixture(scope="module")
def county_3k() -> Scenario:
    return generate_county(preset("county-3k"))


@pytest.fixture(scope="module")
def county_3k_needed() -> Scenario:
    return generate_county(preset("county-3k-needed"))


@pytest.fixture(scope="module")
def city() -> Scenario:
    return generate_county(CountyParams(seed=11, regions=3, teachers=1800, schools=60))


@pytest.fixture(scope="module")
def province_region() -> Scenario:
    """A county far into the province's grid, as the streaming generator builds it alone."""
    return generate_region(preset("province-400k"), 57)


@pytest.fixture(scope="module", params=["demo", "county_3k", "city", "province_region"])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return request.getfixturevalue(request.param)


def sending_eligible(scenario: Scenario, region: str) -> list[Teacher]:
    return [
        t
        for t in scenario.teachers
        if is_eligible(scenario, t)
        and scenario.region_of(t) == region
        and is_sending(scenario, scenario.school_by_id[scenario.home_school(t)])
    ]


def has_post(scenario: Scenario, teacher: Teacher, receiving: list[School]) -> bool:
    """A receiving school of a fitting stage has a post in one of the teacher's subjects."""
    return any(
        stage_fits(teacher.stage, school.stage)
        and school.max_incoming != 0
        and any(scenario.demand.get((school.school_id, s), 0) > 0 for s in teacher.subjects)
        for school in receiving
    )


def quota(scenario: Scenario, region: str) -> int:
    rate = scenario.policy.rule("rotation_quota")["rate"]
    return ceil_share(rate, len(sending_eligible(scenario, region)))


def test_sizes_of_presets(demo: Scenario, county_3k: Scenario) -> None:
    assert (len(demo.teachers), len(demo.schools), len(demo.regions)) == (600, 25, 1)
    assert (len(county_3k.teachers), len(county_3k.schools)) == (3000, 80)
    assert set(PRESETS) >= {"demo-county", "county-3k", "conflicting-quotas"}
    assert PRESETS["benchmark-10k"].teachers == 10000 and PRESETS["benchmark-10k"].regions > 1


def test_same_seed_same_scenario_other_seed_other_scenario() -> None:
    params = CountyParams(seed=5, teachers=300, schools=12, sending_posts_needed=0.5)
    assert generate_county(params) == generate_county(params)
    assert generate_county(params).teachers != generate_county(replace(params, seed=6)).teachers


def test_ids_unique_and_references_exist(scenario: Scenario) -> None:
    teacher_ids = [t.teacher_id for t in scenario.teachers]
    school_ids = [s.school_id for s in scenario.schools]
    assert len(set(teacher_ids)) == len(teacher_ids)
    assert len(set(school_ids)) == len(school_ids)
    for teacher in scenario.teachers:
        assert teacher.school_id in scenario.school_by_id
        assert teacher.on_rotation_from is None or teacher.on_rotation_from in scenario.school_by_id
    assert all(school_id in scenario.school_by_id for school_id, _ in scenario.demand)
    assert all(subject in SUBJECTS for _, subject in scenario.demand)
    for region in scenario.regions:
        names = [s.name for s in scenario.schools if s.region == region]
        assert len(set(names)) == len(names)


def test_spouses_are_mutual_teachers_mostly_in_one_district(scenario: Scenario) -> None:
    married = [t for t in scenario.teachers if t.spouse_id]
    same_district = 0
    for teacher in married:
        assert teacher.spouse_id is not None
        spouse = scenario.teacher_by_id[teacher.spouse_id]
        assert spouse.spouse_id == teacher.teacher_id and spouse.gender != teacher.gender
        districts = {scenario.school_by_id[x.school_id].district for x in (teacher, spouse)}
        same_district += len(districts) == 1
    assert 0.01 <= len(married) / len(scenario.teachers) <= 0.03
    assert same_district >= 0.6 * len(married)


def test_stages_and_subjects_fit_schools(scenario: Scenario) -> None:
    for teacher in scenario.teachers:
        assert stage_fits(teacher.stage, scenario.school_by_id[teacher.school_id].stage)
        assert stage_fits(teacher.stage, scenario.school_by_id[scenario.home_school(teacher)].stage)
        if teacher.stage == "primary":
            assert set(teacher.subjects) <= set(PRIMARY_SUBJECTS)
        assert teacher.subject not in teacher.other_subjects
    nine_year = [
        t.stage for t in scenario.teachers if scenario.school_by_id[t.school_id].stage == "nine_year"
    ]
    assert {"primary", "junior", "both"} <= set(nine_year)


def test_school_mix_is_realistic(scenario: Scenario) -> None:
    areas = Counter(s.area for s in scenario.schools)
    assert 0.2 <= areas["urban"] / len(scenario.schools) <= 0.3
    assert 0.4 <= areas["rural"] / len(scenario.schools) <= 0.6
    size = {
        area: sum(scenario.headcount(s.school_id) for s in scenario.schools if s.area == area) / areas[area]
        for area in areas
    }
    assert size["urban"] > 3 * size["rural"]
    weak = [s for s in scenario.schools if s.is_weak]
    assert weak and {s.area for s in weak} <= {"town", "rural"}
    assert sum(s.area == "rural" for s in weak) > len(weak) / 2
    assert all(school.lat is not None and school.district for school in scenario.schools)
    centre = scenario.schools[0]  # 城关第一小学, in the county town
    rural_km = [
        scenario.km_between_schools(centre.school_id, s.school_id)
        for s in scenario.schools
        if s.area == "rural" and s.region == centre.region
    ]
    assert all(km is not None and 1 <= km <= 65 for km in rural_km)


def test_every_school_has_one_principal_and_one_or_two_vice_principals(scenario: Scenario) -> None:
    """Two vice-principals from 30 own staff (those away on rotation included), one below 15;
    leaders are never away on rotation."""
    own_staff = Counter(t.on_rotation_from or t.school_id for t in scenario.teachers)
    for school in scenario.schools:
        staff = scenario.staff_at[school.school_id]
        roles = Counter(t.role for t in staff)
        assert roles["principal"] == 1 and 1 <= roles["vice_principal"] <= 2
        if own_staff[school.school_id] >= 30:
            assert roles["vice_principal"] == 2
        if own_staff[school.school_id] < 15:
            assert roles["vice_principal"] == 1
        assert all(t.school_id == school.school_id for t in staff if t.is_principal)


def test_leaders_have_plausible_ages_and_terms_and_some_may_rotate(scenario: Scenario) -> None:
    leaders = [t for t in scenario.teachers if t.is_principal]
    assert all(36 <= scenario.age(t) < 60 and 1 <= t.terms_at_school <= 3 for t in leaders)
    assert {t.terms_at_school for t in leaders} == {1, 2, 3}
    eligible = sum(is_eligible(scenario, t) for t in leaders)
    assert 0.3 <= eligible / len(leaders) <= 0.5


def test_districts_are_a_few_neighbouring_schools(scenario: Scenario) -> None:
    """A 学区 is a few urban schools, or a town or township with its villages, all within the
    15 km a 走教 teacher may travel (SPEC's default)."""
    districts: dict[tuple[str, str], list[School]] = {}
    for school in scenario.schools:
        districts.setdefault((school.region, school.district), []).append(school)
    for members in districts.values():
        areas = {s.area for s in members}
        assert areas == {"urban"} or "urban" not in areas
        assert 2 <= len(members) <= 6
        for a, b in itertools.combinations(members, 2):
            km = scenario.km_between_schools(a.school_id, b.school_id)
            assert km is not None and km <= 15
    for region in scenario.regions:
        mixed = [
            m for (r, _), m in districts.items() if r == region and {s.area for s in m} == {"town", "rural"}
        ]
        assert mixed  # a town's schools with its villages


def test_reserve_leaders_are_mid_career_mostly_backbone_or_senior(scenario: Scenario) -> None:
    """One 后备干部 per two schools of each region, a classroom teacher aged 35-50."""
    reserve = [t for t in scenario.teachers if t.reserve_leader]
    per_region = Counter(s.region for s in scenario.schools)
    assert len(reserve) == sum(round(n / 2) for n in per_region.values())
    for teacher in reserve:
        assert teacher.role == "teacher" and 35 <= scenario.age(teacher) <= 50
        assert not teacher.exempt_reason
    merit = sum(t.is_backbone or t.title == "高级" for t in reserve)
    assert merit >= 0.6 * len(reserve)
    assert len({scenario.school_by_id[t.school_id].area for t in reserve}) >= 2


def test_requested_terms_are_a_senior_title_year_or_a_volunteer_s_short_term(scenario: Scenario) -> None:
    requested = [t for t in scenario.teachers if t.requested_term is not None]
    for teacher in requested:
        assert teacher.requested_term in (1, 2, 3)
        if teacher.plans_senior_title and teacher.rural_years == 0:
            assert teacher.requested_term == 1
        else:
            assert teacher.volunteer and teacher.requested_term in (1, 2)
    title_year = [t for t in scenario.teachers if t.plans_senior_title and t.rural_years == 0]
    asked = sum(t.requested_term == 1 for t in title_year)
    assert 0.3 * len(title_year) <= asked <= 0.7 * len(title_year)
    assert any(t.requested_term == 2 for t in requested)
    assert len(requested) < 0.1 * len(scenario.teachers)


def posts_needed(scenario: Scenario, school: School) -> bool:
    """Every (subject) demand of the school equals its classroom teachers of that subject."""
    keys = {s for (school_id, s) in scenario.demand if school_id == school.school_id}
    keys |= {s for (school_id, s) in scenario.subject_headcount if school_id == school.school_id}
    return all(
        scenario.demand.get((school.school_id, s), 0) == scenario.subject_headcount[(school.school_id, s)]
        for s in keys
    )


def test_sending_posts_needed_makes_demand_the_classroom_headcount(county_3k_needed: Scenario) -> None:
    """Every post of every sending school is needed and within 编制; the vacant 编制 (the hiring
    budget) sits at the receiving schools, as large as their shortage."""
    scenario = county_3k_needed
    sending = [s for s in scenario.schools if is_sending(scenario, s)]
    assert sending
    for school in sending:
        assert posts_needed(scenario, school)
        assert school.establishment == scenario.headcount(school.school_id)
    vacant = sum(max(0, s.establishment - scenario.headcount(s.school_id)) for s in scenario.schools)
    shortage = sum(scenario.shortage(school_id, subject) for school_id, subject in scenario.demand)
    assert vacant == shortage > 0


def test_by_default_sending_schools_keep_some_surplus_posts(county_3k: Scenario, demo: Scenario) -> None:
    """sending_posts_needed = 0 leaves most sending schools a surplus post; the demo county's 0.5
    makes at least half of them need every post."""
    sending = [s for s in county_3k.schools if is_sending(county_3k, s)]
    assert sum(posts_needed(county_3k, s) for s in sending) < len(sending) / 2
    sending = [s for s in demo.schools if is_sending(demo, s)]
    assert sum(posts_needed(demo, s) for s in sending) >= len(sending) / 2


def test_teacher_fractions_are_realistic(scenario: Scenario) -> None:
    teachers = scenario.teachers
    n = len(teachers)

    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags)

    assert 0.07 <= share([t.is_backbone for t in teachers]) <= 0.13
    assert 0 < share([bool(t.exempt_reason) for t in teachers]) < 0.06
    assert 0.05 <= share([t.volunteer for t in teachers]) <= 0.11
    assert 0.10 <= share([bool(t.other_subjects) for t in teachers]) <= 0.20
    assert 0.30 <= share([t.years_at_school >= 6 for t in teachers]) <= 0.45
    assert 0.60 <= share([t.gender == "F" for t in teachers if t.stage == "primary"]) <= 0.80
    area = {t.teacher_id: scenario.school_by_id[t.school_id].area for t in teachers}
    urban_backbone = share([t.is_backbone for t in teachers if area[t.teacher_id] == "urban"])
    rural_backbone = share([t.is_backbone for t in teachers if area[t.teacher_id] == "rural"])
    assert urban_backbone > rural_backbone
    ages = [scenario.age(t) for t in teachers]
    assert min(ages) <= 25 and max(ages) >= 55
    reasons = Counter(standing(scenario, t).reason for t in scenario.teachers)
    assert reasons["near_retirement"] > 0 and reasons["cooldown"] > 0
    assert sum(t.is_principal and t.terms_at_school >= 2 for t in teachers) > 0
    assert sum(t.plans_senior_title for t in teachers) > 0
    assert {t.title for t in teachers} == {"二级", "一级", "高级"}
    assert sum(scenario.owes_rural_service(t) for t in teachers) > 0
    assert 0 < sum(t.funded_graduate_owed_years > 0 for t in teachers) < 0.02 * n
    assert {"孕期", "重病", "照顾老人"} & {t.exempt_reason for t in teachers}
    assert all(t.name and t.home_lat is not None for t in teachers)


def test_rotations_in_progress(scenario: Scenario) -> None:
    rotating = [t for t in scenario.teachers if t.on_rotation_from]
    returning = [t for t in rotating if scenario.returns_this_year(t)]
    assert rotating and returning and len(returning) < len(rotating)
    for teacher in rotating:
        assert teacher.on_rotation_from is not None
        assert is_receiving(scenario, scenario.school_by_id[teacher.school_id])
        assert is_sending(scenario, scenario.school_by_id[teacher.on_rotation_from])


def test_volunteer_preferences_are_receiving_schools_of_the_region(scenario: Scenario) -> None:
    with_preferences = [t for t in scenario.teachers if t.preferred_schools]
    assert with_preferences
    for teacher in with_preferences:
        assert teacher.volunteer and 1 <= len(teacher.preferred_schools) <= 3
        for school_id in teacher.preferred_schools:
            school = scenario.school_by_id[school_id]
            assert is_receiving(scenario, school) and school.region == scenario.region_of(teacher)


def test_default_hard_rules_can_be_met_by_counting(scenario: Scenario) -> None:
    """Per region: the 10 % quota and 20 % backbone share fit under the departure caps, and
    enough eligible teachers have a receiving school with a post in one of their subjects."""
    capacity = scenario.policy.rule("capacity")
    backbone_share = scenario.policy.rule("backbone_share")["share"]
    for region in scenario.regions:
        needed = quota(scenario, region)
        eligible = sending_eligible(scenario, region)
        needed_backbone = ceil_share(backbone_share, needed)
        assert needed >= 1
        assert sum(t.is_backbone for t in eligible) >= needed_backbone
        departures = backbone_out = 0
        for school in scenario.schools:
            if school.region != region or not is_sending(scenario, school):
                continue
            staff = scenario.staff_at[school.school_id]
            ready = [t for t in eligible if scenario.home_school(t) == school.school_id]
            departures += min(
                floor_share(capacity["max_departure_share"], len(staff)),
                sum(not t.is_principal for t in ready),
            )
            backbone = sum(t.is_backbone for t in staff)
            keep = ceil_share(capacity["min_backbone_retained"], backbone)
            backbone_out += min(backbone - keep, sum(t.is_backbone for t in ready))
        assert departures >= needed and backbone_out >= needed_backbone
        receiving = [s for s in scenario.schools if s.region == region and is_receiving(scenario, s)]
        for stage in ("primary", "junior"):
            assert any(stage_fits(stage, s.stage) for s in receiving)

        placeable = [t for t in eligible if not t.is_principal and has_post(scenario, t, receiving)]
        assert len(placeable) >= needed
        assert sum(t.is_backbone for t in placeable) >= needed_backbone


def test_shortage_sits_at_receiving_schools_in_scarce_subjects(scenario: Scenario) -> None:
    for region in scenario.regions:
        by_subject: Counter[str] = Counter()
        for school_id, subject in scenario.demand:
            school = scenario.school_by_id[school_id]
            if school.region == region:
                short = scenario.shortage(school_id, subject)
                assert short == 0 or is_receiving(scenario, school)
                by_subject[subject] += short
        total = sum(by_subject.values())
        assert 1.0 * quota(scenario, region) <= total <= 2.0 * quota(scenario, region)
        assert sum(by_subject[s] for s in SCARCE_SUBJECTS) >= 0.6 * total
    urban = [s for s in scenario.schools if s.area == "urban"]
    assert sum(scenario.headcount(s.school_id) >= s.establishment for s in urban) >= len(urban) / 2
    for school in scenario.schools:
        if is_receiving(scenario, school):
            assert school.establishment >= scenario.headcount(school.school_id)
        else:
            assert school.max_incoming is None
    assert any(s.max_incoming for s in scenario.schools)


def test_pins_are_sensible(scenario: Scenario) -> None:
    for region in scenario.regions:
        pins = [
            p for p in scenario.pins if scenario.region_of(scenario.teacher_by_id[p.teacher_id]) == region
        ]
        assert Counter(p.action for p in pins) == {"move_to": 2, "stay": 2}
        for pin in pins:
            teacher = scenario.teacher_by_id[pin.teacher_id]
            assert is_eligible(scenario, teacher)
            if pin.action == "move_to":
                assert pin.school_id is not None
                school = scenario.school_by_id[pin.school_id]
                assert is_receiving(scenario, school) and stage_fits(teacher.stage, school.stage)
                assert scenario.shortage(pin.school_id, teacher.subject) > 0
    assert len({p.teacher_id for p in scenario.pins}) == len(scenario.pins)


def test_regions_are_separate_counties(city: Scenario) -> None:
    assert len(city.regions) == 3
    for region in city.regions:
        areas = {s.area for s in city.schools if s.region == region}
        assert areas == {"urban", "town", "rural"}


def test_year_and_overrides_reach_the_policy() -> None:
    params = CountyParams(teachers=240, schools=10, year=2026, overrides=("rotation_quota.rate=0.15",))
    scenario = generate_county(params)
    assert scenario.policy.year == 2026
    assert scenario.policy.rule("rotation_quota")["rate"] == 0.15


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "一"), (10, "十"), (12, "十二"), (40, "四十"), (105, "一百零五"), (154, "一百五十四")],
)
def test_school_numbers_in_chinese_numerals(number: int, numeral: str) -> None:
    """Large counties number urban schools past 99 (城关第一百零五小学)."""
    assert _zh_number(number) == numeral


@pytest.mark.parametrize(
    "changes",
    [
        {"seed": -1},
        {"schools": 4},
        {"teachers": 100},
        {"urban_share": 0.6},
        {"weak_share": 1.5},
        {"sending_posts_needed": -0.1},
    ],
)
def test_bad_parameters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ScenarioError) as error:
        CountyParams(**changes)  # type: ignore[arg-type]
    [problem] = error.value.problems
    assert (problem.code, problem.column) == ("bad_value", *changes)
    assert problem.zh and problem.en


def test_every_bad_parameter_is_reported_at_once() -> None:
    with pytest.raises(ScenarioError) as error:
        CountyParams(seed=-1, spouse_rate=2.0, pins_per_region=-1)
    assert [p.column for p in error.value.problems] == ["seed", "spouse_rate", "pins_per_region"]
    assert [p.text("zh") for p in error.value.problems][1] == "spouse_rate:必须是 0..1 之间的比例"
    assert str(error.value.problems[1]) == "spouse_rate: must be a fraction 0..1"


def test_an_unknown_preset_is_an_input_problem() -> None:
    with pytest.raises(ScenarioError) as error:
        preset("county-7k")
    [problem] = error.value.problems
    assert (problem.code, problem.column) == ("unknown_preset", "preset")
    assert "demo-county" in problem.en and "demo-county" in problem.zh


def test_conflicting_quotas_cannot_meet_quota_under_the_departure_caps() -> None:
    """Even counting every eligible leader (outside the teacher cap), the caps fall short."""
    scenario = generate_county(preset("conflicting-quotas"))
    assert 150 <= len(scenario.teachers) <= 250
    assert scenario.policy.is_hard("rotation_quota") and scenario.policy.is_hard("capacity")
    share = scenario.policy.rule("capacity")["max_departure_share"]
    (region,) = scenario.regions
    most = 0
    for school in scenario.schools:
        if is_sending(scenario, school):
            staff = scenario.staff_at[school.school_id]
            most += floor_share(share, len(staff))
            most += sum(t.is_principal and is_eligible(scenario, t) for t in staff)
    assert (quota(scenario, region), most) == (14, 10)


def test_write_preset_writes_a_bundle_that_loads_back(tmp_path) -> None:
    written = write_preset("conflicting-quotas", tmp_path / "bundle")
    loaded = load_bundle(tmp_path / "bundle")
    assert loaded.teachers == written.teachers
    assert any(t.reserve_leader for t in loaded.teachers)
    assert any(t.requested_term for t in loaded.teachers)
    assert loaded.schools == written.schools
    assert loaded.demand == written.demand and loaded.pins == written.pins
    assert loaded.policy == written.policy
