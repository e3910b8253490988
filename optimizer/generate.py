"""Seeded generator of realistic counties (县域) for demos, tests and benchmarks.

A scenario is a pure function of `CountyParams`: every region draws from its own
`numpy.random.default_rng([seed, region_index])`, never from global state, and its ids start
after the counts of the regions before it, which `_split` fixes in advance. So each region is a
function of (params, region index) alone: a province is written region by region, in a process
pool, without ever holding it whole (`write_generated_bundle`). The proportions are
the ones county HR sections know: a few large urban schools and many small village schools,
shortages of music / PE / art teachers in the countryside, about 10 % backbone teachers (骨干),
an eligible pool from which the 10 % quota can be met under the default caps, one principal and
one or two vice-principals per school, a reserve leader (后备干部) per two schools, and 学区 of a
few neighbouring schools (a town and its villages) within 走教 distance.
"""

from __future__ import annotations

import math
import multiprocessing
import tomllib
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from optimizer.errors import Problem, ScenarioError
from optimizer.io import write_bundle
from optimizer.io.bundle import csv_header, csv_rows, file_name, write_policy
from optimizer.io.regions import region_scenario_name
from optimizer.io.tables import HISTORY, TABLES
from optimizer.policy import Policy
from optimizer.rules import (
    exempt_from_age,
    is_eligible,
    is_receiving,
    is_sending,
    policy_from_dict,
    retirement_age,
    rotation_minimum,
    subject_priorities,
    term_years,
)
from optimizer.scenario import Pin, Scenario, School, Stint, Teacher, stage_fits

# Subject mix of classroom teachers by stage (relative weights, from typical staffing norms).
PRIMARY_SUBJECTS: dict[str, float] = {
    "chinese": 30,
    "math": 24,
    "english": 9,
    "music": 5,
    "pe": 7,
    "art": 5,
    "science": 6,
    "it": 3,
    "politics": 5,
    "psychology": 2,
}
JUNIOR_SUBJECTS: dict[str, float] = {
    "chinese": 14,
    "math": 14,
    "english": 13,
    "physics": 7,
    "chemistry": 5,
    "biology": 5,
    "history": 6,
    "geography": 5,
    "politics": 7,
    "music": 3,
    "pe": 8,
    "art": 3,
    "it": 3,
    "science": 2,
    "psychology": 2,
}
SCHOOL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "primary": tuple(PRIMARY_SUBJECTS),
    "junior": tuple(JUNIOR_SUBJECTS),
    "nine_year": tuple(JUNIOR_SUBJECTS),
}
# 紧缺学科: rural schools have few specialists in them; extra subjects are mostly these.
SCARCE_SUBJECTS = ("music", "pe", "art", "english", "it", "science", "psychology")
RURAL_SCARCE_FACTOR = 0.4
# Relative school size by (area, stage): urban schools are several times a village school.
SIZE_WEIGHT: dict[tuple[str, str], float] = {
    ("urban", "primary"): 4.0,
    ("urban", "junior"): 4.0,
    ("urban", "nine_year"): 5.0,
    ("town", "primary"): 2.0,
    ("town", "junior"): 2.2,
    ("town", "nine_year"): 2.4,
    ("rural", "primary"): 0.7,
    ("rural", "junior"): 1.5,
    ("rural", "nine_year"): 1.7,
}
MIN_SCHOOL_SIZE = 6
# (associate, bachelor, master) by area: 专科 common in villages, 硕士 in town centres.
DEGREE_MIX: dict[str, tuple[float, float, float]] = {
    "urban": (0.04, 0.80, 0.16),
    "town": (0.12, 0.82, 0.06),
    "rural": (0.20, 0.78, 0.02),
}
# Women among classroom teachers by stage; "other" is leaders and PE teachers.
FEMALE_SHARE = {"primary": 0.75, "junior": 0.58, "both": 0.6, "other": 0.35}
BACKBONE_AREA_WEIGHT = {"urban": 1.6, "town": 1.0, "rural": 0.5}
SENIOR_TITLE_SHARE = {"urban": 0.45, "town": 0.35, "rural": 0.2}
YEARS_AT_SCHOOL_MEAN = 7.0  # exponential: 30-40 % of teachers have 6 years or more
CONTRACT_PERIOD_YEARS = 3  # 聘期: new teachers are in period 1 for 3 years, then period 2
YOUNG_LEADER_AGE = 45  # seed 000: rural principals "45 岁以下" count as young
RESERVE_AGES = (35, 50)  # 后备干部 are mid-career
RESERVE_MERIT_WEIGHT = 8.0  # a backbone or 高级 teacher is that much likelier to be one
VOLUNTEER_TERM_SHARE = 0.3  # volunteers who ask for a short term (1 or 2 years)

REGION_NAMES = ("青山县", "临河县", "石桥县", "安平县", "南溪县", "北塘县", "东坪县", "西岭县")
PLACE_FIRST = "青白黄金龙双清长新高永太红大柳桃凤杨马花"
PLACE_SECOND = "石河沙岭源泉山坊水营乐集桥平安坪岗湖田溪"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹"
VILLAGE_SECOND = "家庄营屯寨湾岭坡沟店集堡口坝塘"
GIVEN_F = "芳娟敏静丽艳娜霞秀玲燕红梅琳婷雪慧颖倩洁"
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩峰建"
GIVEN_ANY = "文晓佳子海春新志国小亚玉永思"
EXEMPT_YOUNG_F = ("孕期", "哺乳期")
EXEMPT_OTHER = ("重病", "照顾老人", "伤残")
KM_PER_DEGREE = 111.0
URBAN_DISTRICT_SIZE = 4  # urban schools per 学区 (城区第一学区 ...)
VILLAGE_MAX_KM = 7.0  # a village school lies 2-7 km from the town or township of its 学区
CENTRE = (28.2, 112.9)  # the first county's centre; further regions lie ~80 km apart, on a grid
GRID_COLUMNS = 3  # regions per grid row, more when there are more than 9 regions (a province)


@dataclass(frozen=True)
class _Weighted:
    """A weighted draw equal to `rng.choice(options, p=p)`: the same uniform consumed, the same
    pick, so generated scenarios do not change. numpy's per-call checks cost tens of µs, which
    made these draws (several per teacher) the generator's hot spot."""

    options: tuple[Any, ...]
    cdf: tuple[float, ...]

    @classmethod
    def of(cls, options: Sequence[Any], p: Sequence[float] | np.ndarray) -> _Weighted:
        cdf = np.asarray(p, dtype=float).cumsum()  # what Generator.choice computes
        cdf /= cdf[-1]
        return cls(tuple(options), tuple(cdf.tolist()))

    def draw(self, rng: np.random.Generator) -> Any:
        return self.options[bisect_right(self.cdf, rng.random())]


def _uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """`rng.uniform(low, high)` as numpy computes it, low + (high - low) × one uniform double,
    without its per-call overhead (several times the draw itself); for the draws made per teacher."""
    return low + (high - low) * rng.random()


def _subject_draw(table: dict[str, float], rural: bool) -> _Weighted:
    weights = np.array(
        [w * (RURAL_SCARCE_FACTOR if rural and s in SCARCE_SUBJECTS else 1.0) for s, w in table.items()]
    )
    return _Weighted.of(list(table), weights / weights.sum())


# (primary stage, rural school) -> main subject
SUBJECT_DRAW = {
    (primary, rural): _subject_draw(PRIMARY_SUBJECTS if primary else JUNIOR_SUBJECTS, rural)
    for primary in (True, False)
    for rural in (True, False)
}
DEGREES_DRAWN = ("associate", "bachelor", "master")
DEGREE_DRAW = {area: _Weighted.of(DEGREES_DRAWN, mix) for area, mix in DEGREE_MIX.items()}
TERMS_DRAW = _Weighted.of((1, 2, 3), (0.45, 0.40, 0.15))  # terms of a principal at the school
NINE_YEAR_STAGE_DRAW = _Weighted.of(("primary", "junior", "both"), (0.55, 0.38, 0.07))


@dataclass(frozen=True)
class CountyParams:
    """Knobs of a generated county, or of a city of `regions` counties.

    Counts are totals over all regions (split evenly); shares and rates are fractions 0..1 of
    the population named.

    seed: random seed (integer ≥ 0); same seed, same scenario.
    year: plan year (policy.year); ages and rotation years count back from it.
    regions: number of counties (县), each a full county with its own schools.
    teachers: number of staff (teachers, principals, vice-principals) in all regions; at
        least 12 per school.
    schools: number of schools in all regions (8..400 per region).
    urban_share: fraction of schools that are urban (城区); they are the largest.
    town_share: fraction of schools in town centres (镇); the rest are rural (村 / 乡).
    weak_share: fraction of schools that are weak (薄弱), about 3/4 rural and 1/4 town.
    backbone_rate: fraction of teachers who are backbone (骨干), more in urban schools.
    exempt_rate: fraction of teachers with a flagged exemption (孕期, 重病, 照顾老人 ...).
    volunteer_rate: fraction of teachers who volunteered (自愿报名), mostly at sending schools.
    preference_rate: fraction of sending-school volunteers who rank 1-3 receiving schools.
    other_subject_rate: fraction of teachers qualified for extra subjects (often music, PE, art).
    spouse_rate: fraction of teachers married to another teacher of the same county.
    funded_graduate_rate: fraction of urban / town teachers in their first 4 years who are
        公费师范生 owing 1-2 rural service years.
    recent_rotation_rate: fraction of sending-school teachers who rotated before and came
        back (last_rotated_year 1-7 years ago; some within the cooldown).
    on_rotation_rate: fraction of sending-school teachers now on rotation at a receiving school;
        one in `term_years` of them returns this year.
    housing_limited_share: fraction of receiving schools with a `max_incoming` limit (周转宿舍).
    shortage_ratio: total shortage (required - headcount) at receiving schools per region, as a
        multiple of the region's rotation quota (rate × eligible at sending schools).
    sending_posts_needed: fraction of sending schools where every post is needed: demand per
        subject equals the classroom teachers of that subject and 编制 equals the headcount, so a
        teacher who leaves opens a vacancy. The other sending schools have a few surplus posts.
    pins_per_region: number of HR pins per region, half `move_to` (rounded up), half `stay`.
    ageing_rural_leaders: fraction of rural principals and vice-principals over 40 made 10-15
        years older (never past retirement): an ageing rural leadership, as in counties where the
        young-principal target of seed 000 is far off.
    history_years: years of history.csv: every placed rotation that began within them becomes
        a stint (its columns agree with it), and the young vice-principals of sending schools
        came back from a rural 支教 year within them, so they sit out the cooldown first.
    name: the scenario name.
    overrides: policy assignments applied to the default policy, e.g. "rotation_quota.rate=0.15".
    """

    seed: int = 2025
    year: int = 2025
    regions: int = 1
    teachers: int = 600
    schools: int = 25
    urban_share: float = 0.25
    town_share: float = 0.25
    weak_share: float = 0.20
    backbone_rate: float = 0.10
    exempt_rate: float = 0.03
    volunteer_rate: float = 0.08
    preference_rate: float = 0.6
    other_subject_rate: float = 0.15
    spouse_rate: float = 0.02
    funded_graduate_rate: float = 0.05
    recent_rotation_rate: float = 0.06
    on_rotation_rate: float = 0.02
    housing_limited_share: float = 0.3
    shortage_ratio: float = 1.5
    sending_posts_needed: float = 0.0
    pins_per_region: int = 4
    ageing_rural_leaders: float = 0.0
    history_years: int = 0
    name: str = "generated"
    overrides: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Every setting out of its range, at once: ScenarioError with one problem per setting."""
        problems: list[Problem] = []
        if self.seed < 0:
            problems.append(_bad_setting("seed", "必须 ≥ 0", "must be ≥ 0"))
        if self.regions < 1:
            problems.append(_bad_setting("regions", "必须 ≥ 1", "must be ≥ 1"))
        if not 8 <= self.schools / max(self.regions, 1) <= 400:
            problems.append(_bad_setting("schools", "每个区域须有 8..400 所", "must be 8..400 per region"))
        if self.teachers < 12 * self.schools:
            zh, en = "平均每所学校至少 12 名教师", "must be at least 12 per school on average"
            problems.append(_bad_setting("teachers", zh, en))
        if self.urban_share <= 0 or self.urban_share + self.town_share > 0.7:
            zh, en = (
                "必须 > 0,且 urban_share + town_share ≤ 0.7",
                "must be > 0 and urban_share + town_share ≤ 0.7",
            )
            problems.append(_bad_setting("urban_share", zh, en))
        rates = {
            "town_share": self.town_share,
            "weak_share": self.weak_share,
            "backbone_rate": self.backbone_rate,
            "exempt_rate": self.exempt_rate,
            "volunteer_rate": self.volunteer_rate,
            "preference_rate": self.preference_rate,
            "other_subject_rate": self.other_subject_rate,
            "spouse_rate": self.spouse_rate,
            "funded_graduate_rate": self.funded_graduate_rate,
            "recent_rotation_rate": self.recent_rotation_rate,
            "on_rotation_rate": self.on_rotation_rate,
            "housing_limited_share": self.housing_limited_share,
            "sending_posts_needed": self.sending_posts_needed,
            "ageing_rural_leaders": self.ageing_rural_leaders,
        }
        problems += [
            _bad_setting(name, "必须是 0..1 之间的比例", "must be a fraction 0..1")
            for name, value in rates.items()
            if not 0 <= value <= 1
        ]
        problems += [
            _bad_setting(name, "必须 ≥ 0", "must be ≥ 0")
            for name, value in (
                ("shortage_ratio", self.shortage_ratio),
                ("pins_per_region", self.pins_per_region),
                ("history_years", self.history_years),
            )
            if value < 0
        ]
        if problems:
            raise ScenarioError(problems)


def _bad_setting(name: str, zh: str, en: str) -> Problem:
    """A generator setting out of its range; the setting's name is the place."""
    return Problem(code="bad_value", zh=zh, en=en, column=name)


def _unknown_preset(setting: str, given: object, known: Sequence[object]) -> ScenarioError:
    shown = [str(option) for option in known]
    return ScenarioError(
        [
            Problem(
                code="unknown_preset",
                zh=f"没有预设 {given!r};应为以下之一:{'、'.join(shown)}",
                en=f"no preset {given!r}; expected one of {', '.join(shown)}",
                column=setting,
            )
        ]
    )


def demo_county() -> CountyParams:
    """One county of 600 staff in 25 schools: small enough to read, every rule in play; half
    its sending schools need every post they have, so a teacher sent away leaves a vacancy."""
    return CountyParams(seed=2025, teachers=600, schools=25, sending_posts_needed=0.5, name="demo-county")


def history_county() -> CountyParams:
    """A county of 600 staff with three years of history (history.csv) and seed 000's target for
    2027: half of the rural principals and vice-principals aged 45 or under. Its rural leaders are
    ageing and its young vice-principals are back from rural 支教 inside the cooldown, so one year
    cannot reach the target and three years can (`rotation roadmap --years 3`)."""
    return CountyParams(
        seed=2027,
        teachers=600,
        schools=25,
        sending_posts_needed=0.5,
        ageing_rural_leaders=0.8,
        history_years=3,
        name="history-county",
        overrides=(
            "targets.young_rural_principal_share.value=0.5",
            "targets.young_rural_principal_share.year=2027",
        ),
    )


def county_3k() -> CountyParams:
    """A large county: 3,000 staff in 80 schools, one region."""
    return CountyParams(seed=3000, teachers=3000, schools=80, name="county-3k")


def county_3k_needed() -> CountyParams:
    """county-3k where every sending school needs every post it has: rotation alone opens as
    many vacancies as it fills, recruitment and exchange must cover them."""
    return replace(county_3k(), sending_posts_needed=1.0, name="county-3k-needed")


def conflicting_quotas() -> CountyParams:
    """A small county whose hard rules cannot all hold: rotation_quota against capacity.

    rotation_quota.rate is raised to 30 % and capacity.max_departure_share lowered to 5 %, both
    hard. The 6 sending schools (3 urban, 3 town) have 141 staff, 46 of them eligible, so the
    quota needs ceil(0.3 × 46) = 14 rotating. The departure caps let floor(0.05 × headcount)
    classroom teachers leave each school: 31, 33 and 30 staff give 1 each, 13, 15 and 19 give
    0, so 3 in all. Even if all 7 eligible principals and vice-principals rotate as well (they
    fill leadership posts, outside the teacher cap), at most 10 can rotate: 4 short of 14.
    No HR pins, so that this collision is the one reported (a pin out of a school whose cap is
    0 would be a second, smaller conflict).
    """
    return CountyParams(
        seed=77,
        teachers=200,
        schools=12,
        pins_per_region=0,
        name="conflicting-quotas",
        overrides=preset_overrides("conflicting-quotas"),
    )


def preset_overrides(name: str) -> tuple[str, ...]:
    """A preset's policy changes, kept as data in optimizer/presets.toml."""
    presets = tomllib.loads(resources.files("optimizer").joinpath("presets.toml").read_text(encoding="utf-8"))
    return tuple(presets[name]["overrides"])


def benchmark(teachers: int) -> CountyParams:
    """Benchmark sizes with fixed seeds: 3,000 staff in one county, 10,000 in a city of 4."""
    if teachers == 3000:
        return CountyParams(seed=3001, teachers=3000, schools=80, name="benchmark-3k")
    if teachers == 10000:
        return CountyParams(seed=10000, regions=4, teachers=10000, schools=260, name="benchmark-10k")
    raise _unknown_preset("teachers", teachers, (3000, 10000))


def scale(name: str) -> CountyParams:
    """Scale presets with fixed seeds, about 37 staff per school as in a real county (a county
    of ~3,700 teachers has ~100 schools): one county of 5,000, one region of 10,000 (the largest
    single solve), a city of 10 counties (40,000) and a province of 100 counties (400,000)."""
    sizes = {
        "county-5k": (5000, 1, 5_000, 130),
        "region-10k": (10001, 1, 10_000, 260),
        "city-40k": (40000, 10, 40_000, 1_080),
        "province-400k": (400000, 100, 400_000, 10_800),
    }
    if name not in sizes:
        raise _unknown_preset("preset", name, list(sizes))
    seed, regions, teachers, schools = sizes[name]
    return CountyParams(seed=seed, regions=regions, teachers=teachers, schools=schools, name=name)


SCALE_PRESETS = ("county-5k", "region-10k", "city-40k", "province-400k")
PRESETS: dict[str, CountyParams] = {
    "demo-county": demo_county(),
    "history-county": history_county(),
    "county-3k": county_3k(),
    "county-3k-needed": county_3k_needed(),
    "conflicting-quotas": conflicting_quotas(),
    "benchmark-3k": benchmark(3000),
    "benchmark-10k": benchmark(10000),
    **{name: scale(name) for name in SCALE_PRESETS},
}
SHIPPED_PRESETS = ("demo-county", "history-county", "county-3k", "conflicting-quotas")


def preset(name: str) -> CountyParams:
    """The parameters of a named preset; ScenarioError names the known ones."""
    if name not in PRESETS:
        raise _unknown_preset("preset", name, list(PRESETS))
    return PRESETS[name]


def write_preset(name: str, folder: str | Path) -> Scenario:
    """Generate a preset, write it as a scenario bundle and return it (`rotation generate` streams
    instead, with `write_generated_bundle`: the same files)."""
    scenario = generate_county(preset(name))
    write_bundle(scenario, folder)
    return scenario


def generate_county(params: CountyParams) -> Scenario:
    """A scenario of `params.regions` counties; ids are unique across regions."""
    regions = [generate_region(params, index) for index in range(params.regions)]
    return Scenario(
        teachers=tuple(t for region in regions for t in region.teachers),
        schools=tuple(s for region in regions for s in region.schools),
        demand={key: required for region in regions for key, required in region.demand.items()},
        pins=tuple(p for region in regions for p in region.pins),
        policy=_policy(params),
        name=params.name,
        history=tuple(s for region in regions for s in region.history),
    )


def generate_region(params: CountyParams, index: int) -> Scenario:
    """Region `index` (0-based) of `generate_county(params)` alone, named like the region
    sub-scenarios of `optimizer.io.regions`; it depends on (params, index) only."""
    school_counts = _split(params.schools, params.regions)
    teacher_counts = _split(params.teachers, params.regions)
    policy = _policy(params)
    builder = _RegionBuilder(params, policy, index, sum(school_counts[:index]), sum(teacher_counts[:index]))
    result = builder.build(school_counts[index], teacher_counts[index])
    return Scenario(
        teachers=tuple(result.teachers),
        schools=tuple(result.schools),
        demand=result.demand,
        pins=tuple(result.pins),
        policy=policy,
        name=region_scenario_name(params.name, region_name(index)),
        history=tuple(result.history),
    )


@dataclass(frozen=True)
class BundleSize:
    """What `write_generated_bundle` wrote."""

    teachers: int
    schools: int
    regions: int


def write_generated_bundle(params: CountyParams, folder: str | Path, *, workers: int = 1) -> BundleSize:
    """Write the bundle of `generate_county(params)`, byte for byte what `write_bundle` writes,
    region by region: memory holds a few regions' rows, never the whole scenario (a province).

    workers > 1 builds regions in that many processes; the files do not depend on it. The CSV
    files are written under a temporary name and renamed at the end, so a failure leaves the
    folder as it was.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = (*TABLES, HISTORY) if params.history_years else TABLES
    partial = {table: folder / f"{file_name(table)}.partial" for table in tables}
    written: set[str] = set()
    try:
        with ExitStack() as stack:
            files = {
                table: stack.enter_context(path.open("w", encoding="utf-8-sig", newline=""))
                for table, path in partial.items()
            }
            for table, file in files.items():
                file.write(csv_header(table))
            for rows in _region_rows(params, workers):
                for table, text in rows.items():
                    files[table].write(text)
                    written.add(table)
        for table, path in partial.items():
            if table in TABLES or table in written:  # history.csv only with a stint, as write_bundle
                path.replace(folder / file_name(table))
        write_policy(_policy(params), params.name, folder)
    finally:
        for path in partial.values():
            path.unlink(missing_ok=True)
    return BundleSize(params.teachers, params.schools, params.regions)


def _region_rows(params: CountyParams, workers: int) -> Iterator[dict[str, str]]:
    """Every region's CSV rows, in region order. With workers > 1 they are built ahead in a
    process pool, at most 2 × workers regions at a time, so memory stays bounded. Workers are
    spawned, not forked: the caller may hold threads (a web server, a solver)."""
    if workers <= 1 or params.regions == 1:
        yield from (_region_csv(params, index) for index in range(params.regions))
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        indexes = iter(range(params.regions))
        ahead = deque(pool.submit(_region_csv, params, index) for index in islice(indexes, 2 * workers))
        while ahead:
            rows = ahead.popleft().result()
            ahead.extend(pool.submit(_region_csv, params, index) for index in islice(indexes, 1))
            yield rows
    finally:
        pool.shutdown(cancel_futures=True)


def _region_csv(params: CountyParams, index: int) -> dict[str, str]:
    """A pool task: one region's rows, formatted in the worker so the writer only appends text."""
    return csv_rows(generate_region(params, index))


def _policy(params: CountyParams) -> Policy:
    return policy_from_dict({"year": params.year}).with_overrides(params.overrides)


def region_name(index: int) -> str:
    return REGION_NAMES[index] if index < len(REGION_NAMES) else f"第{_zh_number(index + 1)}县"


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _zh_number(n: int) -> str:
    """1..999 in Chinese numerals, as in 城关第十二小学."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if hundreds == 0:
        prefix = "" if tens == 1 else digits[tens]
        return (prefix + "十" if tens else "") + (digits[ones] if ones else "")
    text = digits[hundreds] + "百"
    if rest == 0:
        return text
    if tens == 0:
        return text + "零" + digits[ones]
    return text + digits[tens] + "十" + (digits[ones] if ones else "")


def _offset(lat: float, lon: float, km: float, angle: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) in direction `angle` (radians from north)."""
    dlat = km * math.cos(angle) / KM_PER_DEGREE
    dlon = km * math.sin(angle) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


@dataclass(frozen=True)
class _Place:
    """A town (镇) or township (乡) that schools belong to; its 学区 is named after it."""

    name: str
    lat: float
    lon: float


class _Home(TypedDict):
    """Where a teacher lives: Teacher's home fields."""

    home_lat: float
    home_lon: float


@dataclass(frozen=True)
class _RegionResult:
    schools: list[School]
    teachers: list[Teacher]
    demand: dict[tuple[str, str], int]
    pins: list[Pin]
    history: list[Stint]


class _RegionBuilder:
    """Builds one county: schools, staff, then the facts that depend on eligibility."""

    def __init__(
        self,
        params: CountyParams,
        policy: Policy,
        index: int,
        schools_before: int,
        teachers_before: int,
    ) -> None:
        self.params = params
        self.policy = policy
        self.rng = np.random.default_rng([params.seed, index])
        self.index = index
        self.region = region_name(index)
        columns = max(GRID_COLUMNS, math.isqrt(params.regions - 1) + 1)  # a square grid from 10 on
        self.centre = (CENTRE[0] + 0.7 * (index // columns), CENTRE[1] + 0.8 * (index % columns))
        self.schools_before = schools_before
        self.teacher_count = teachers_before
        self.retirement_age = {g: retirement_age(policy, g) for g in ("M", "F")}

    def build(self, n_schools: int, n_teachers: int) -> _RegionResult:
        schools, sizes = self._schools(n_schools, n_teachers)
        probe = Scenario((), tuple(schools), {}, (), self.policy)
        sending = {s.school_id for s in schools if is_sending(probe, s)}
        receiving = [s for s in schools if is_receiving(probe, s)]
        teachers = [t for s in schools for t in self._staff(s, sizes[s.school_id])]
        teachers = self._mark_backbone(teachers, schools)
        teachers = self._mark_exempt(teachers)
        teachers = self._mark_recent_rotations(teachers, sending)
        teachers = self._place_on_rotation(teachers, sending, receiving)
        teachers = self._pair_spouses(teachers, schools)
        # The years before draw from their own stream, so every other draw stays as it was.
        history_rng = np.random.default_rng([self.params.seed, self.index, 1])
        teachers = self._age_rural_leaders(teachers, schools, history_rng)
        teachers, support = self._young_leaders_back_from_support(teachers, sending, receiving, history_rng)
        start = Scenario(tuple(teachers), tuple(schools), {}, (), self.policy)
        # eligibility is fixed from here on (volunteering, demand and 编制 do not change it)
        eligible = {t.teacher_id for t in teachers if is_eligible(start, t)}
        teachers = self._mark_volunteers(start, eligible, teachers, sending, receiving)
        start = Scenario(tuple(teachers), tuple(schools), {}, (), self.policy)
        needed = self._posts_needed(schools, sending)
        demand, units = self._demand(start, eligible, sending, needed, receiving)
        schools = self._establish(start, schools, sending, needed, receiving, units)
        final = Scenario(tuple(teachers), tuple(schools), demand, (), self.policy)
        pins = self._pins(final, eligible, sending, units)
        teachers = self._mark_reserve_leaders(teachers, len(schools))
        teachers = self._request_terms(teachers)
        teachers, history = self._history(teachers, receiving, support, history_rng)
        return _RegionResult(schools, teachers, demand, pins, history)

    # --- years before the plan year --------------------------------------------------------

    def _age_rural_leaders(
        self, teachers: list[Teacher], schools: list[School], rng: np.random.Generator
    ) -> list[Teacher]:
        """`ageing_rural_leaders` of the rural leaders over 40 become 10-15 years older."""
        rural = {s.school_id for s in schools if s.area == "rural"}
        year, result = self.policy.year, []
        for teacher in teachers:
            age = year - teacher.birth_year
            if (
                teacher.is_principal
                and teacher.school_id in rural
                and age > 40
                and rng.random() < self.params.ageing_rural_leaders
            ):
                oldest = self.retirement_age[teacher.gender] - 1
                teacher = replace(teacher, birth_year=year - min(oldest, age + int(rng.integers(10, 16))))
            result.append(teacher)
        return result

    def _young_leaders_back_from_support(
        self, teachers: list[Teacher], sending: set[str], receiving: list[School], rng: np.random.Generator
    ) -> tuple[list[Teacher], list[Stint]]:
        """With a history, the young vice-principals of sending schools served a rural 支教 year
        that began 1 to `history_years` years ago: most are in the cooldown now and come out of
        it in the years a roadmap plans. Returns the teachers and those 支教 stints."""
        if not self.params.history_years:
            return teachers, []
        rural = [s for s in receiving if s.area == "rural"]
        year = self.policy.year
        result, stints = [], []
        for teacher in teachers:
            if (
                teacher.role == "vice_principal"
                and teacher.school_id in sending
                and year - teacher.birth_year <= YOUNG_LEADER_AGE
                and teacher.last_rotated_year is None
                and rural
            ):
                start = year - int(rng.integers(1, self.params.history_years + 1))
                host = rural[int(rng.integers(len(rural)))]
                teacher = replace(
                    teacher,
                    last_rotated_year=start,
                    rural_years=max(teacher.rural_years, 1),
                    weak_years=max(teacher.weak_years, 1) if host.is_weak else teacher.weak_years,
                )
                stints.append(
                    Stint(teacher.teacher_id, teacher.school_id, host.school_id, start, start + 1, "support")
                )
            result.append(teacher)
        return result, stints

    def _history(
        self, teachers: list[Teacher], receiving: list[School], support: list[Stint], rng: np.random.Generator
    ) -> tuple[list[Teacher], list[Stint]]:
        """history.csv: every rotation that began within `history_years` as a stint — a teacher on
        rotation now at the receiving school for the term, a teacher who came back from a
        one-year 支教 at a rural school, a young vice-principal's 支教 year. A weak host adds
        the weak-school year to the teacher's column, so the two agree."""
        if not self.params.history_years:
            return teachers, []
        first = self.policy.year - self.params.history_years
        term = term_years(self.policy)
        rural = [s for s in receiving if s.area == "rural"]
        supported = {stint.teacher_id for stint in support}
        stints, result = list(support), []
        for teacher in teachers:
            start = teacher.last_rotated_year
            if start is not None and start >= first and teacher.teacher_id not in supported:
                if teacher.on_rotation_from:
                    stints.append(
                        Stint(
                            teacher.teacher_id,
                            teacher.on_rotation_from,
                            teacher.school_id,
                            start,
                            start + term,
                        )
                    )
                elif rural:
                    hosts = [s for s in rural if stage_fits(teacher.stage, s.stage)] or rural
                    host = hosts[int(rng.integers(len(hosts)))]
                    stints.append(
                        Stint(
                            teacher.teacher_id, teacher.school_id, host.school_id, start, start + 1, "support"
                        )
                    )
                    if host.is_weak:
                        teacher = replace(teacher, weak_years=max(teacher.weak_years, 1))
            result.append(teacher)
        return result, sorted(stints, key=lambda stint: (stint.start_year, stint.teacher_id))

    def _schools(self, n_schools: int, n_teachers: int) -> tuple[list[School], dict[str, int]]:
        """Urban, town and rural schools with names, places and target headcounts."""
        rng, params = self.rng, self.params
        n_urban = max(1, round(params.urban_share * n_schools))
        n_town = max(1, round(params.town_share * n_schools))
        n_rural = n_schools - n_urban - n_town
        n_towns = math.ceil(n_town / 2)
        rural_stages = _area_stages(n_rural, junior_share=0.15, nine_share=0.20)
        n_rural_secondary = sum(stage != "primary" for stage in rural_stages)
        n_townships = max(n_rural_secondary, math.ceil(n_rural / 6))
        place_names = self._draw_names(PLACE_FIRST, PLACE_SECOND, n_towns + n_townships)
        towns = [self._place(f"{name}镇", 8, 25) for name in place_names[:n_towns]]
        townships = [self._place(f"{name}乡", 20, 45) for name in place_names[n_towns:]]
        villages = iter(self._draw_names(SURNAMES, VILLAGE_SECOND, n_rural))

        # (area, stage, name, district, lat, lon) of each school, before headcounts are drawn
        plans: list[tuple[str, str, str, str, float, float]] = []
        urban_stages = _area_stages(n_urban, junior_share=0.30, nine_share=0.15)
        numbers: Counter[str] = Counter()
        urban: list[tuple[str, str, float, float]] = []
        for stage in urban_stages:
            numbers[stage] += 1
            k = _zh_number(numbers[stage])
            if stage == "nine_year":
                name = f"{self.region}{'' if k == '一' else f'第{k}'}实验学校"
            else:
                name = f"城关第{k}{'小学' if stage == 'primary' else '初级中学'}"
            lat, lon = _offset(*self.centre, rng.uniform(0.3, 4.0), rng.uniform(0, 2 * math.pi))
            urban.append((stage, name, lat, lon))
        districts = self._urban_districts([(lat, lon) for *_, lat, lon in urban])
        for (stage, name, lat, lon), district in zip(urban, districts, strict=True):
            plans.append(("urban", stage, name, district, lat, lon))
        for i in range(n_town):
            town = towns[i // 2]
            stage = "primary" if i % 2 == 0 else ("junior" if rng.random() < 0.7 else "nine_year")
            suffix = {"primary": "中心小学", "junior": "初级中学", "nine_year": "九年一贯制学校"}
            lat, lon = _offset(town.lat, town.lon, rng.uniform(0, 1.0), rng.uniform(0, 2 * math.pi))
            plans.append(("town", stage, town.name + suffix[stage], f"{town.name}学区", lat, lon))
        secondary = iter(townships)
        # village schools fill townships first (each has a secondary school), then towns, the one
        # with a single school first: so no 学区 is a lone school
        lone_town = towns[-1:] if n_town % 2 else []
        homes = townships + lone_town + towns[: len(towns) - len(lone_town)]
        for i, stage in enumerate(rural_stages):
            if stage == "primary":
                place = homes[i % len(homes)]
                name = f"{next(villages)}村小学"
            else:
                place = next(secondary)
                name = place.name + ("初级中学" if stage == "junior" else "九年一贯制学校")
            lat, lon = self._rural_spot(place)
            plans.append(("rural", stage, name, f"{place.name}学区", lat, lon))

        weak = self._weak_flags([area for area, *_ in plans])
        weights = np.array([SIZE_WEIGHT[(a, s)] for a, s, *_ in plans])
        weights *= rng.lognormal(0.0, 0.2, size=len(plans))
        headcounts = _sizes(weights, n_teachers, MIN_SCHOOL_SIZE)
        schools: list[School] = []
        sizes: dict[str, int] = {}
        for i, (area, stage, name, district, lat, lon) in enumerate(plans):
            school_id = f"S{self.schools_before + i + 1:03d}"
            schools.append(
                School(
                    school_id=school_id,
                    name=name,
                    region=self.region,
                    area=area,
                    is_weak=weak[i],
                    stage=stage,
                    establishment=headcounts[i],
                    lat=lat,
                    lon=lon,
                    district=district,
                )
            )
            sizes[school_id] = headcounts[i]
        return schools, sizes

    def _draw_names(self, first: str, second: str, n: int) -> list[str]:
        """n distinct two-character names, as place names are."""
        combos = [a + b for a in first for b in second]
        return [combos[i] for i in self.rng.choice(len(combos), size=n, replace=False)]

    def _place(self, name: str, min_km: float, max_km: float) -> _Place:
        km, angle = self.rng.uniform(min_km, max_km), self.rng.uniform(0, 2 * math.pi)
        return _Place(name, *_offset(*self.centre, km, angle))

    def _urban_districts(self, points: list[tuple[float, float]]) -> list[str]:
        """The 学区 of each urban school: neighbours by bearing from the county centre, about
        URBAN_DISTRICT_SIZE schools each, so a district is a few schools a short walk apart."""
        count = math.ceil(len(points) / URBAN_DISTRICT_SIZE)
        order = sorted(
            range(len(points)),
            key=lambda i: math.atan2(points[i][1] - self.centre[1], points[i][0] - self.centre[0]),
        )
        districts = [""] * len(points)
        start = 0
        for number, size in enumerate(_split(len(points), count), start=1):
            for i in order[start : start + size]:
                districts[i] = f"城区第{_zh_number(number)}学区"
            start += size
        return districts

    def _rural_spot(self, place: _Place) -> tuple[float, float]:
        """A village school a few km from its town or township, 5-60 km from the county centre:
        two schools of one 学区 are at most about 2 × VILLAGE_MAX_KM apart (走教 distance)."""
        km, angle = self.rng.uniform(2, VILLAGE_MAX_KM), self.rng.uniform(0, 2 * math.pi)
        lat, lon = _offset(place.lat, place.lon, km, angle)
        dy = (lat - self.centre[0]) * KM_PER_DEGREE
        dx = (lon - self.centre[1]) * KM_PER_DEGREE * math.cos(math.radians(self.centre[0]))
        km = math.hypot(dx, dy)
        clamped = min(60.0, max(5.0, km))
        return _offset(*self.centre, clamped, math.atan2(dx, dy))

    def _weak_flags(self, areas: list[str]) -> list[bool]:
        """weak_share of the schools are weak: a quarter of them town schools, the rest rural."""
        n_weak = round(self.params.weak_share * len(areas))
        town = [i for i, a in enumerate(areas) if a == "town"]
        rural = [i for i, a in enumerate(areas) if a == "rural"]
        n_town = min(len(town), round(n_weak / 4))
        n_rural = min(len(rural), n_weak - n_town)
        chosen = set(self.rng.choice(town, size=n_town, replace=False).tolist())
        chosen |= set(self.rng.choice(rural, size=n_rural, replace=False).tolist())
        return [i in chosen for i in range(len(areas))]

    # --- staff ---------------------------------------------------------------------------

    def _staff(self, school: School, size: int) -> list[Teacher]:
        """One principal, 1-2 vice-principals (2 in schools of 30+), the rest classroom teachers."""
        if size >= 30:
            n_vice = 2
        elif size >= 15:
            n_vice = int(self.rng.integers(1, 3))
        else:
            n_vice = 1
        roles = ["principal"] + ["vice_principal"] * n_vice + ["teacher"] * (size - 1 - n_vice)
        staff = []
        for role in roles:
            self.teacher_count += 1
            staff.append(self._teacher(f"T{self.teacher_count:05d}", school, role))
        return staff

    def _teacher(self, teacher_id: str, school: School, role: str) -> Teacher:
        rng, year = self.rng, self.policy.year
        stage = self._teacher_stage(school)
        subject = self._subject(stage, school.area)
        female_share = FEMALE_SHARE[stage if role == "teacher" and subject != "pe" else "other"]
        gender = "F" if rng.random() < female_share else "M"
        retire = self.retirement_age[gender]
        if role == "teacher":
            age = 22 + int(rng.beta(1.3, 1.2) * (retire - 22))
        else:
            age = int(rng.integers(36, retire))
        career = max(0, age - 22 - int(rng.integers(0, 3)))
        new_period = 0
        terms = 0
        if role != "teacher":
            terms = int(TERMS_DRAW.draw(rng))
            years = min(career, 3 * (terms - 1) + int(rng.integers(1, 4)))
        elif career < 2 * CONTRACT_PERIOD_YEARS:
            new_period = 1 if career < CONTRACT_PERIOD_YEARS else 2
            years = career
        else:
            years = min(career, int(rng.exponential(YEARS_AT_SCHOOL_MEAN)))
        before = career - years  # years of service at earlier schools
        rural_years = years if school.area == "rural" else 0
        if before > 0 and rng.random() < 0.35:
            rural_years += int(rng.integers(1, before + 1))
        if new_period == 2 and school.area != "rural" and rng.random() < 0.7:
            # 城乡捆绑: most second-period teachers have done their rural period
            served = int(rng.integers(1, career))
            rural_years, years = served, career - served
        weak_years = years if school.is_weak else 0
        if before > 0 and rng.random() < 0.15:
            weak_years += int(rng.integers(1, before + 1))
        funded_owed = 0
        if school.area != "rural" and career < 4 and rng.random() < self.params.funded_graduate_rate:
            funded_owed = int(rng.integers(1, 3))
        title = self._title(career, school.area)
        return Teacher(
            teacher_id=teacher_id,
            school_id=school.school_id,
            subject=subject,
            stage=stage,
            gender=gender,
            birth_year=year - age,
            years_at_school=years,
            is_backbone=False,
            degree=DEGREE_DRAW[school.area].draw(rng),
            role=role,
            name=self._name(gender),
            other_subjects=self._other_subjects(stage, subject),
            title=title,
            terms_at_school=terms,
            rural_years=rural_years,
            weak_years=weak_years,
            new_teacher_period=new_period,
            funded_graduate_owed_years=funded_owed,
            plans_senior_title=title == "一级" and career >= 8 and rng.random() < 0.3,
            **self._home(school),
        )

    def _teacher_stage(self, school: School) -> str:
        if school.stage == "nine_year":
            return NINE_YEAR_STAGE_DRAW.draw(self.rng)
        return "both" if self.rng.random() < 0.02 else school.stage

    def _subject(self, stage: str, area: str) -> str:
        return SUBJECT_DRAW[(stage == "primary", area == "rural")].draw(self.rng)

    def _other_subjects(self, stage: str, subject: str) -> tuple[str, ...]:
        if self.rng.random() >= self.params.other_subject_rate:
            return ()
        offered = PRIMARY_SUBJECTS if stage == "primary" else JUNIOR_SUBJECTS
        pool = [s for s in SCARCE_SUBJECTS if s in offered and s != subject]
        count = 1 if self.rng.random() < 0.8 else 2
        return tuple(str(s) for s in self.rng.choice(pool, size=count, replace=False))

    def _title(self, career: int, area: str) -> str:
        if career < 5:
            return "二级"
        if career < 15:
            return "一级" if self.rng.random() < 0.85 else "二级"
        return "高级" if self.rng.random() < SENIOR_TITLE_SHARE[area] else "一级"

    def _name(self, gender: str) -> str:
        rng = self.rng
        given = GIVEN_F if gender == "F" else GIVEN_M
        first = SURNAMES[int(rng.integers(len(SURNAMES)))]
        last = given[int(rng.integers(len(given)))]
        if rng.random() < 0.6:
            last = GIVEN_ANY[int(rng.integers(len(GIVEN_ANY)))] + last
        return first + last

    def _home(self, school: School) -> _Home:
        """Near the school; 40 % of village teachers live in the county town and commute."""
        assert school.lat is not None and school.lon is not None
        commutes = school.area == "rural" and self.rng.random() < 0.4
        base = self.centre if commutes else (school.lat, school.lon)
        km, angle = _uniform(self.rng, 0.2, 4.0), _uniform(self.rng, 0, 2 * math.pi)
        lat, lon = _offset(*base, km, angle)
        return {"home_lat": lat, "home_lon": lon}

    # --- teacher facts drawn across the county -------------------------------------------

    def _mark_backbone(self, teachers: list[Teacher], schools: list[School]) -> list[Teacher]:
        """Exactly backbone_rate of the staff, weighted to urban schools, leaders and age 30+."""
        area = {s.school_id: s.area for s in schools}
        weights = np.array(
            [
                BACKBONE_AREA_WEIGHT[area[t.school_id]]
                * (2.0 if t.is_principal else 1.0)
                * (1.0 if self.policy.year - t.birth_year >= 30 else 0.1)
                for t in teachers
            ]
        )
        chosen = self._sample(weights, round(self.params.backbone_rate * len(teachers)))
        return [replace(t, is_backbone=True) if i in chosen else t for i, t in enumerate(teachers)]

    def _mark_exempt(self, teachers: list[Teacher]) -> list[Teacher]:
        weights = np.array([0.0 if t.is_principal else 1.0 for t in teachers])
        chosen = self._sample(weights, round(self.params.exempt_rate * len(teachers)))
        result = []
        for i, teacher in enumerate(teachers):
            if i in chosen:
                young_f = teacher.gender == "F" and self.policy.year - teacher.birth_year <= 40
                reasons = EXEMPT_YOUNG_F + EXEMPT_OTHER if young_f else EXEMPT_OTHER
                teacher = replace(teacher, exempt_reason=str(self.rng.choice(reasons)))
            result.append(teacher)
        return result

    def _mark_recent_rotations(self, teachers: list[Teacher], sending: set[str]) -> list[Teacher]:
        """Teachers who rotated out and came back; those 1-2 years ago are in the cooldown."""
        year = self.policy.year
        weights = np.array(
            [
                1.0
                if t.school_id in sending
                and t.role == "teacher"
                and t.years_at_school >= 4
                and not t.exempt_reason
                else 0.0
                for t in teachers
            ]
        )
        n_sending = sum(t.school_id in sending for t in teachers)
        chosen = self._sample(weights, round(self.params.recent_rotation_rate * n_sending))
        result = []
        for i, teacher in enumerate(teachers):
            if i in chosen:
                ago = int(self.rng.integers(1, min(7, teacher.years_at_school - 1) + 1))
                teacher = replace(
                    teacher, last_rotated_year=year - ago, rural_years=max(teacher.rural_years, 1)
                )
            result.append(teacher)
        return result

    def _place_on_rotation(
        self, teachers: list[Teacher], sending: set[str], receiving: list[School]
    ) -> list[Teacher]:
        """Some sending-school teachers sit at a receiving school; one in term_years returns now."""
        year = self.policy.year
        term = term_years(self.policy)
        exempt_age = {g: exempt_from_age(self.policy, g) for g in self.retirement_age}
        weights = np.array(
            [
                1.0
                if t.school_id in sending
                and t.role == "teacher"
                and t.years_at_school >= 6
                and not t.exempt_reason
                and t.last_rotated_year is None
                and year - t.birth_year < exempt_age[t.gender]
                else 0.0
                for t in teachers
            ]
        )
        n_sending = sum(t.school_id in sending for t in teachers)
        chosen = self._sample(weights, round(self.params.on_rotation_rate * n_sending))
        result = []
        placed = 0
        for i, teacher in enumerate(teachers):
            if i in chosen:
                away = 1 + (placed + term - 1) % term  # term, 1, 2, ...: the first returns now
                placed += 1
                hosts = [s for s in receiving if stage_fits(teacher.stage, s.stage)]
                host = hosts[int(self.rng.integers(len(hosts)))]
                teacher = replace(
                    teacher,
                    school_id=host.school_id,
                    on_rotation_from=teacher.school_id,
                    last_rotated_year=year - away,
                    rural_years=teacher.rural_years + (away if host.area == "rural" else 0),
                    weak_years=teacher.weak_years + (away if host.is_weak else 0),
                )
            result.append(teacher)
        return result

    def _pair_spouses(self, teachers: list[Teacher], schools: list[School]) -> list[Teacher]:
        """spouse_rate of the teachers in couples of similar age, usually in the same 学区."""
        district = {s.school_id: s.district for s in schools}
        women = [i for i, t in enumerate(teachers) if t.gender == "F"]
        men = [i for i, t in enumerate(teachers) if t.gender == "M"]
        wanted = round(self.params.spouse_rate * len(teachers) / 2)
        spouse: dict[int, int] = {}
        for w in self.rng.permutation(women).tolist():
            if len(spouse) >= 2 * wanted:
                break
            same_district = self.rng.random() < 0.85
            pool = [
                m
                for m in men
                if m not in spouse
                and abs(teachers[m].birth_year - teachers[w].birth_year) <= 6
                and (not same_district or district[teachers[m].school_id] == district[teachers[w].school_id])
            ]
            if pool:
                m = pool[int(self.rng.integers(len(pool)))]
                spouse[w], spouse[m] = m, w
        return [
            replace(t, spouse_id=teachers[spouse[i]].teacher_id) if i in spouse else t
            for i, t in enumerate(teachers)
        ]

    def _mark_volunteers(
        self,
        start: Scenario,
        eligible: set[str],
        teachers: list[Teacher],
        sending: set[str],
        receiving: list[School],
    ) -> list[Teacher]:
        """自愿报名: mostly eligible teachers of sending schools; some rank receiving schools."""

        def weight(t: Teacher) -> float:
            if t.exempt_reason or t.on_rotation_from:
                return 0.0
            if t.school_id in sending:
                return 4.0 if t.teacher_id in eligible else 1.0
            return 0.5

        chosen = self._sample(
            np.array([weight(t) for t in teachers]),
            round(self.params.volunteer_rate * len(teachers)),
        )
        result = []
        for i, teacher in enumerate(teachers):
            if i in chosen:
                preferred: tuple[str, ...] = ()
                if teacher.school_id in sending and self.rng.random() < self.params.preference_rate:
                    preferred = self._preferences(start, teacher, receiving)
                teacher = replace(teacher, volunteer=True, preferred_schools=preferred)
            result.append(teacher)
        return result

    def _mark_reserve_leaders(self, teachers: list[Teacher], n_schools: int) -> list[Teacher]:
        """后备干部: one classroom teacher per two schools, aged RESERVE_AGES, mostly backbone
        or 高级; any school, so a school losing its principal may get one from elsewhere."""
        low, high = RESERVE_AGES
        weights = np.array(
            [
                (RESERVE_MERIT_WEIGHT if t.is_backbone or t.title == "高级" else 1.0)
                if t.role == "teacher"
                and not t.exempt_reason
                and low <= self.policy.year - t.birth_year <= high
                else 0.0
                for t in teachers
            ]
        )
        chosen = self._sample(weights, round(n_schools / 2))
        return [replace(t, reserve_leader=True) if i in chosen else t for i, t in enumerate(teachers)]

    def _request_terms(self, teachers: list[Teacher]) -> list[Teacher]:
        """requested_term: half of those who plan a senior title and have no rural year ask for
        1 year (the one rural year the title needs); some volunteers ask for 1 or 2 years."""
        result = []
        for teacher in teachers:
            if teacher.plans_senior_title and teacher.rural_years == 0:
                if self.rng.random() < 0.5:
                    teacher = replace(teacher, requested_term=1)
            elif teacher.volunteer and self.rng.random() < VOLUNTEER_TERM_SHARE:
                teacher = replace(teacher, requested_term=int(self.rng.integers(1, 3)))
            result.append(teacher)
        return result

    def _preferences(self, start: Scenario, teacher: Teacher, receiving: list[School]) -> tuple[str, ...]:
        """1-3 receiving schools, ranked roughly by commute with some personal noise."""
        fitting = [s for s in receiving if stage_fits(teacher.stage, s.stage)]
        scored = sorted(
            fitting,
            key=lambda s: (start.commute_km(teacher, s.school_id) or 0.0) + _uniform(self.rng, 0, 15),
        )
        count = int(self.rng.integers(1, 4))
        return tuple(s.school_id for s in scored[:count])

    # --- demand, establishment, pins -----------------------------------------------------

    def _posts_needed(self, schools: list[School], sending: set[str]) -> set[str]:
        """The sending_posts_needed share of the sending schools, whose every post is needed."""
        ids = [s.school_id for s in schools if s.school_id in sending]
        chosen = self._sample(np.ones(len(ids)), round(self.params.sending_posts_needed * len(ids)))
        return {ids[i] for i in chosen}

    def _demand(
        self,
        start: Scenario,
        eligible_ids: set[str],
        sending: set[str],
        needed: set[str],
        receiving: list[School],
    ) -> tuple[dict[tuple[str, str], int], Counter[tuple[str, str]]]:
        """Posts per (school, subject): receiving schools short by shortage_ratio × quota units,
        drawn towards weak schools and scarce subjects that eligible sending teachers can teach;
        sending schools at their requirement (all of `needed`) or slightly above it."""
        rng = self.rng
        eligible = [
            t for t in start.teachers if t.teacher_id in eligible_ids and start.home_school(t) in sending
        ]
        quota = rotation_minimum(start.policy, len(eligible))
        target = round(self.params.shortage_ratio * quota)
        teachable = {(subject, t.stage) for t in eligible for subject in t.subjects}
        priority = subject_priorities(start.policy)
        cells: list[tuple[str, str]] = []
        weights: list[float] = []
        for school in receiving:
            for subject in SCHOOL_SUBJECTS[school.stage]:
                if any(s == subject and stage_fits(st, school.stage) for s, st in teachable):
                    cells.append((school.school_id, subject))
                    school_weight = (2.0 if school.is_weak else 1.0) * math.sqrt(
                        start.headcount(school.school_id)
                    )
                    weights.append(school_weight * float(priority.get(subject, 0.6)))
        units: Counter[tuple[str, str]] = Counter()
        cell_weights = np.array(weights)
        for _ in range(target if cells else 0):
            i = int(rng.choice(len(cells), p=cell_weights / cell_weights.sum()))
            units[cells[i]] += 1
            cell_weights[i] /= 2  # a second missing music teacher is less likely than the first
        demand: dict[tuple[str, str], int] = {}
        for school in start.schools:
            subjects = SCHOOL_SUBJECTS[school.stage]
            surplus_possible = school.school_id in sending and school.school_id not in needed
            if school.school_id in needed:
                # every teacher's post, also a subject outside the stage's list (a "both" teacher's)
                taught = {t.subject for t in start.staff_at[school.school_id] if t.role == "teacher"}
                subjects += tuple(sorted(taught - set(subjects)))
            for subject in subjects:
                have = start.subject_headcount[(school.school_id, subject)]
                required = have + units[(school.school_id, subject)]
                if surplus_possible and have >= 2 and rng.random() < 0.15:
                    required -= 1  # 超编 in this subject
                if required > 0:
                    demand[(school.school_id, subject)] = required
        return demand, units

    def _establish(
        self,
        start: Scenario,
        schools: list[School],
        sending: set[str],
        needed: set[str],
        receiving: list[School],
        units: Counter[tuple[str, str]],
    ) -> list[School]:
        """编制: urban often over it, receiving schools under it by their shortage (the county's
        vacant 编制, its hiring budget), sending schools whose every post is needed exactly at it;
        some receiving schools can house only a few newcomers (max_incoming)."""
        short = Counter[str]()
        for (school_id, _), count in units.items():
            short[school_id] += count
        receiving_ids = [s.school_id for s in receiving]
        n_limited = round(self.params.housing_limited_share * len(receiving_ids))
        limited = set(self.rng.permutation(receiving_ids)[:n_limited].tolist())
        result = []
        for school in schools:
            headcount = start.headcount(school.school_id)
            max_incoming = None
            if school.school_id in needed:
                establishment = headcount
            elif school.area == "urban" and school.school_id in sending:
                establishment = headcount - round(headcount * self.rng.uniform(0, 0.06))
            elif school.school_id in receiving_ids:
                establishment = headcount + short[school.school_id]
                if school.school_id in limited:
                    max_incoming = max(1, math.ceil(0.6 * short[school.school_id]))
            else:
                establishment = headcount + int(self.rng.integers(-1, 2))
            result.append(replace(school, establishment=establishment, max_incoming=max_incoming))
        return result

    def _pins(
        self, final: Scenario, eligible: set[str], sending: set[str], units: Counter[tuple[str, str]]
    ) -> list[Pin]:
        """HR decisions: eligible teachers sent to a school short in their subject, or kept."""
        n_move = math.ceil(self.params.pins_per_region / 2)
        n_stay = self.params.pins_per_region // 2
        free = [
            t
            for t in final.teachers
            if t.teacher_id in eligible
            and t.school_id in sending
            and t.role == "teacher"
            and not t.is_backbone
            and not t.volunteer
            and t.spouse_id is None
        ]
        free = [free[i] for i in self.rng.permutation(len(free))]
        moves: list[Pin] = []
        for teacher in free:
            if len(moves) == n_move:
                break
            taken = {p.school_id for p in moves}
            targets = [
                school_id
                for (school_id, subject), count in units.items()
                if count > 0
                and subject == teacher.subject
                and school_id not in taken
                and stage_fits(teacher.stage, final.school_by_id[school_id].stage)
            ]
            if targets:
                target = targets[int(self.rng.integers(len(targets)))]
                moves.append(Pin(teacher.teacher_id, "move_to", target))
        moved = {p.teacher_id for p in moves}
        stays = [Pin(t.teacher_id, "stay") for t in free if t.teacher_id not in moved][:n_stay]
        return moves + stays

    def _sample(self, weights: np.ndarray, count: int) -> set[int]:
        """`count` distinct indices drawn with the given weights (fewer if too few are > 0)."""
        count = min(count, int(np.count_nonzero(weights)))
        if count == 0:
            return set()
        picked = self.rng.choice(len(weights), size=count, replace=False, p=weights / weights.sum())
        return set(picked.tolist())


def _area_stages(n: int, junior_share: float, nine_share: float) -> list[str]:
    """Stages of n schools of one area; at least one junior-capable school when n ≥ 2."""
    n_junior = round(n * junior_share)
    n_nine = round(n * nine_share)
    if n >= 2 and n_junior + n_nine == 0:
        n_nine = 1
    return ["primary"] * (n - n_junior - n_nine) + ["junior"] * n_junior + ["nine_year"] * n_nine


def _sizes(weights: np.ndarray, total: int, minimum: int) -> list[int]:
    """Headcounts proportional to weights, each ≥ minimum, summing exactly to total."""
    raw = weights / weights.sum() * total
    sizes = np.maximum(minimum, np.floor(raw)).astype(int)
    while sizes.sum() < total:
        sizes[int(np.argmax(raw - sizes))] += 1
    while sizes.sum() > total:
        sizes[int(np.argmax(sizes))] -= 1
    return [int(s) for s in sizes]
