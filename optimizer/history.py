"""A teacher's derived columns from the rotation history (history.csv) at plan year Y.

HR used to rewrite `last_rotated_year`, `rural_years`, `weak_years`, `on_rotation_from` and the
years a 公费师范生 still owes by hand each year; with history.csv they follow from the stints.
Which stint counts for what (seeds 000, 001, 004):

- A stint that moves the teacher's post — 交流轮岗 (`rotation`), 支教 (`support`) and 跟岗
  (`exchange`, seed 004's 交流跟岗: a year at another school) — is a rotation: its start year is
  the teacher's `last_rotated_year` (the cooldown and the term both count from it, as
  `Scenario.returns_this_year` does), and its years at a rural or weak school are rural or weak
  years (seed 001 counts 支教交流 and 异校交流 alike as service elsewhere).
- 走教 (`itinerant`) does not move the post: the teacher stays on the home school's staff and
  teaches part of a post nearby (seed 000 rewards it in 考核 and 职称, and names no service years),
  so it counts for none of the columns; it stays in the history for the ledger.
- A stint runs at Y when it has begun (start_year <= Y) and has not ended before Y (end_year is
  None or >= Y: a teacher due back in Y still sits at the receiving school at the start of Y and
  returns this year). A running stint whose receiving school is the teacher's school gives
  `on_rotation_from`, its sending school.
- Years at a rural or weak HOME school are not in the history: it records stints away from
  home, and a county's history begins some year, not at every teacher's first post. So the
  history is a floor for `rural_years` and `weak_years`: the column may hold more (home years,
  years before the history begins) but never less; a blank column is filled with the stint years.
  Roll-forward adds the year just served at a rural or weak school (home or stint) to the column
  itself; this module never lowers it.
- 公费师范生 (分段合并计算): every rural year counts against the agreement's total
  (`funded_graduate_years`), however many stints (and home years) it is split into, so the years
  owed at Y are max(0, total - rural_years). A total left blank beside a number of years owed is
  filled as owed + rural years (the agreement as the owed column implies it), so that later years
  count down from it.
- A teacher the history names in no stint that moved their post keeps the columns as given (their
  rotation, if any, came before the history begins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from optimizer.scenario import School, Stint, Teacher

POST_KINDS = ("rotation", "support", "exchange")
"""Stint kinds that move the teacher's post (every kind but 走教)."""


@dataclass(frozen=True)
class Contradiction:
    """A teacher column the history disagrees with: the value given, the history's, and the
    stints the history's value comes from (none when it comes from their absence)."""

    column: str
    given: object
    derived: object
    stints: tuple[Stint, ...]
    zh: str
    en: str


@dataclass(frozen=True)
class _Facts:
    """What the history says about one teacher at year Y."""

    moves: tuple[Stint, ...]
    latest: Stint | None
    running: Stint | None
    rural: tuple[Stint, ...]
    weak: tuple[Stint, ...]
    rural_years: int
    weak_years: int


def derived_teacher(
    teacher: Teacher, stints: Iterable[Stint], school_by_id: Mapping[str, School], year: int
) -> Teacher:
    """The teacher with the columns the history decides at plan year `year` (see the module
    docstring); `stints` may be the whole history (the teacher's own are picked out)."""
    own = _moves_of(teacher, stints)
    if not own:
        return teacher
    facts = _facts(teacher, own, school_by_id, year)
    rural_years = max(teacher.rural_years, facts.rural_years)
    total = _funded_total(teacher, rural_years)
    return replace(
        teacher,
        last_rotated_year=teacher.last_rotated_year if facts.latest is None else facts.latest.start_year,
        on_rotation_from=None if facts.running is None else facts.running.from_school,
        rural_years=rural_years,
        weak_years=max(teacher.weak_years, facts.weak_years),
        funded_graduate_years=total,
        funded_graduate_owed_years=max(0, total - rural_years) if total else 0,
    )


def contradictions(
    teacher: Teacher,
    given: Iterable[str],
    stints: Iterable[Stint],
    school_by_id: Mapping[str, School],
    year: int,
) -> list[Contradiction]:
    """The columns of `teacher` filled in by the user (`given`) that the history contradicts at
    `year`; a blank column is no contradiction (`derived_teacher` fills it)."""
    own = _moves_of(teacher, stints)
    if not own:
        return []
    filled = set(given)
    facts = _facts(teacher, own, school_by_id, year)
    found: list[Contradiction] = []
    latest = facts.latest
    if (
        "last_rotated_year" in filled
        and latest is not None
        and teacher.last_rotated_year != latest.start_year
    ):
        found.append(
            Contradiction(
                "last_rotated_year",
                teacher.last_rotated_year,
                latest.start_year,
                (latest,),
                f"上次交流年份为 {teacher.last_rotated_year},但交流记录中最近一次交流始于 "
                f"{latest.start_year} 年",
                f"last rotated in {teacher.last_rotated_year}, but the history's latest "
                f"rotation began in {latest.start_year}",
            )
        )
    if "on_rotation_from" in filled:
        running_from = None if facts.running is None else facts.running.from_school
        if teacher.on_rotation_from != running_from:
            found.append(_rotation_contradiction(teacher, facts, running_from, year))
    for column, served, given_years, zh, en in (
        ("rural_years", facts.rural, teacher.rural_years, "乡村", "rural"),
        ("weak_years", facts.weak, teacher.weak_years, "薄弱校", "weak-school"),
    ):
        history_years = facts.rural_years if column == "rural_years" else facts.weak_years
        if column in filled and given_years < history_years:
            found.append(
                Contradiction(
                    column,
                    given_years,
                    history_years,
                    served,
                    f"{zh}任教年限为 {given_years},少于交流记录中截至 {year} 年的{zh}服务 {history_years} 年",
                    f"{given_years} {en} years, fewer than the {history_years} {en} years the "
                    f"history counts before {year}",
                )
            )
    owed_columns = {"funded_graduate_owed_years", "funded_graduate_years"}
    if owed_columns <= filled and teacher.funded_graduate_years:
        rural_years = max(teacher.rural_years, facts.rural_years)
        owed = max(0, teacher.funded_graduate_years - rural_years)
        if teacher.funded_graduate_owed_years != owed:
            found.append(
                Contradiction(
                    "funded_graduate_owed_years",
                    teacher.funded_graduate_owed_years,
                    owed,
                    facts.rural,
                    f"公费师范生待服务 {teacher.funded_graduate_owed_years} 年,但服务年限 "
                    f"{teacher.funded_graduate_years} 年减去已在乡村服务的 {rural_years} 年"
                    f"(分段合并计算)应为 {owed} 年",
                    f"a funded graduate owing {teacher.funded_graduate_owed_years} years, but "
                    f"{teacher.funded_graduate_years} years of service less the {rural_years} "
                    f"rural years served (counted together) leave {owed}",
                )
            )
    return found


def _rotation_contradiction(
    teacher: Teacher, facts: _Facts, running_from: str | None, year: int
) -> Contradiction:
    if running_from is None:
        return Contradiction(
            "on_rotation_from",
            teacher.on_rotation_from,
            None,
            facts.moves,
            f"派出学校编号为 {teacher.on_rotation_from},但交流记录中 {year} 年没有交流到 "
            f"{teacher.school_id} 的在期记录",
            f"on rotation from {teacher.on_rotation_from}, but the history has no stint at "
            f"{teacher.school_id} running in {year}",
        )
    assert facts.running is not None
    shown = teacher.on_rotation_from or "(空)"
    return Contradiction(
        "on_rotation_from",
        teacher.on_rotation_from,
        running_from,
        (facts.running,),
        f"派出学校编号为 {shown},但交流记录中 {year} 年在期的交流由 {running_from} 派出",
        f"on rotation from {teacher.on_rotation_from or '(blank)'}, but the history's stint "
        f"running in {year} was sent from {running_from}",
    )


def _moves_of(teacher: Teacher, stints: Iterable[Stint]) -> list[Stint]:
    """The teacher's stints that moved their post (走教 counts for no column)."""
    return [s for s in stints if s.teacher_id == teacher.teacher_id and s.kind in POST_KINDS]


def _facts(teacher: Teacher, own: Sequence[Stint], school_by_id: Mapping[str, School], year: int) -> _Facts:
    moves = tuple(s for s in own if s.start_year <= year)
    running = [
        s for s in moves if s.to_school == teacher.school_id and (s.end_year is None or s.end_year >= year)
    ]
    rural = tuple(s for s in moves if s.served_until(year) and _school_is(school_by_id, s.to_school, "rural"))
    weak = tuple(s for s in moves if s.served_until(year) and _school_is(school_by_id, s.to_school, "weak"))
    return _Facts(
        moves=moves,
        latest=max(moves, key=lambda s: s.start_year, default=None),
        running=max(running, key=lambda s: s.start_year, default=None),
        rural=rural,
        weak=weak,
        rural_years=sum(s.served_until(year) for s in rural),
        weak_years=sum(s.served_until(year) for s in weak),
    )


def _school_is(school_by_id: Mapping[str, School], school_id: str, what: str) -> bool:
    school = school_by_id.get(school_id)
    if school is None:
        return False
    return school.area == "rural" if what == "rural" else school.is_weak


def _funded_total(teacher: Teacher, rural_years: int) -> int:
    """The agreement's rural service years; blank beside years owed: owed + rural years served."""
    if teacher.funded_graduate_years or not teacher.funded_graduate_owed_years:
        return teacher.funded_graduate_years
    return teacher.funded_graduate_owed_years + rural_years
