"""fair_turn: every eligible teacher rotates in turn (001), so among interchangeable candidates the
one due longest goes first. Source: 001 (轮岗 in turn), SPEC "Years, not one year" (fairness ledger).

A teacher is *due* from the first school year the eligibility rule lets them be moved out: the
year they complete `min_years_at_school` at the school, and not before their cooldown after the
last rotation ends (`due_year`). Interchangeable candidates are the eligible, unpinned teachers
of one home school teaching the same post (their main subject, or their role for principals and
vice-principals). A teacher's *place in turn* is how many of their group are due earlier; moving
a teacher passes over that many, and each costs `weight` (elastic; hard: only teachers first in
turn may move). One instance per region.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.model.builder import linear_sum
from optimizer.params import mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.rules.eligibility import ID as ELIGIBILITY
from optimizer.rules.eligibility import standing
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

RULE_ID = "fair_turn"
NEVER_DUE = ("exempt", "near_retirement", "on_rotation", "returning")
"""Standings under which a teacher has no due year: they are not in the turn at all."""


def due_year(scenario: Scenario, teacher: Teacher) -> int | None:
    """The first school year the teacher may be moved out (past, this or a future one), or None
    when they are not in the turn (exempt, near retirement, on rotation, returning) or when it
    cannot be dated (a principal short of the terms: a term's length is not in the data). A
    principal with the terms is dated by the years at the school too, and is due this year at
    the latest."""
    why = standing(scenario, teacher)
    if why.reason in NEVER_DUE:
        return None
    params = scenario.policy.rule(ELIGIBILITY)
    if teacher.is_principal and teacher.terms_at_school < int(params["principal_terms"]):
        return None
    year = scenario.policy.year
    due = year - teacher.years_at_school + int(params["min_years_at_school"])
    if teacher.is_principal:
        due = min(due, year)  # the terms make a principal due, however few the years
    if teacher.last_rotated_year is not None:
        due = max(due, teacher.last_rotated_year + int(params["cooldown_years"]))
    return due


def turn_group(scenario: Scenario, teacher: Teacher) -> tuple[str, str]:
    """(home school, post): the teachers one of whom may stand in for another."""
    post = teacher.subject if teacher.role == "teacher" else teacher.role
    return scenario.home_school(teacher), post


def places_in_turn(scenario: Scenario) -> dict[str, int]:
    """Eligible, unpinned teacher → how many of their group are due earlier (0: first in turn)."""
    return scenario.derived(RULE_ID, _places)


def _places(scenario: Scenario) -> dict[str, int]:
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for teacher in scenario.teachers:
        due = due_year(scenario, teacher)
        if due is None or not standing(scenario, teacher).eligible:
            continue
        if teacher.teacher_id in scenario.pin_by_teacher:
            continue
        groups[turn_group(scenario, teacher)].append((due, teacher.teacher_id))
    places: dict[str, int] = {}
    for members in groups.values():
        for due, teacher_id in members:
            places[teacher_id] = sum(other < due for other, _ in members)
    return places


class FairTurn(Rule):
    id = RULE_ID
    title_zh = "按序轮岗"
    title_en = "rotation in turn"
    params = (mode_param("elastic"), weight_param(1))

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        """A move of a teacher first in turn who is overdue (due in an earlier year)."""
        due = due_year(scenario, teacher)
        first = places_in_turn(scenario).get(teacher.teacher_id) == 0
        return first and due is not None and due < scenario.policy.year

    def instance(self, region: str, passed_over: int) -> Instance:
        return Instance(
            self.id,
            "region",
            region,
            0,
            "teachers",
            f"{region}:同校同岗位符合条件的教师按到期先后轮岗,不越过到期更早者(可越过 {passed_over} 人次)",
            f"{region}: eligible teachers of one school and post rotate in the order they fell due, "
            f"passing over nobody due earlier ({passed_over} could be)",
        )

    def by_region(self, scenario: Scenario) -> dict[str, list[tuple[str, int]]]:
        """Region → (teacher, place in turn) of every teacher who would pass someone over."""
        found: dict[str, list[tuple[str, int]]] = {region: [] for region in scenario.regions}
        for teacher_id, place in sorted(places_in_turn(scenario).items()):
            if place:
                found[scenario.region_of(scenario.teacher_by_id[teacher_id])].append((teacher_id, place))
        return found

    def build(self, builder: ModelBuilder) -> None:
        for region, placed in self.by_region(builder.scenario).items():
            if not placed:
                continue
            most = sum(place for _, place in placed)
            passed = linear_sum(place * builder.moved(teacher_id) for teacher_id, place in placed)
            builder.at_most(self.instance(region, most), passed, 0, max_excess=most)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        rows = []
        for region, placed in self.by_region(scenario).items():
            movers = [(teacher_id, place) for teacher_id, place in placed if plan.move_of(teacher_id)]
            passed = sum(place for _, place in movers)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=0,
                    achieved=passed,
                    shortfall=passed,
                    zh=f"{region}:{len(movers)} 名交流教师越过同校同岗位到期更早者,共 {passed} 人次",
                    en=f"{region}: {len(movers)} moving teachers pass over {passed} of their school and "
                    "post who fell due earlier",
                    involved=tuple(teacher_id for teacher_id, _ in movers),
                    applicable=bool(placed),
                )
            )
        return rows


RULE = FairTurn()
