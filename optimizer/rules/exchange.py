"""exchange: 双向交流 / 跟岗 — a rural or weak school's teacher goes to a sending school for a one-year
term, back-filling a post that rotation opens there; counted apart from the rotation quota.

Source: 001, 004. Only a teacher the home school can spare goes (its subject is taught beyond
demand there), to a sending school within `max_km` that one of its own teachers of the same subject
may leave by rotation. Each exchange costs `exchange_weight`; an exchange where no rotation opened
the post breaks the rule (hard: never; elastic: `weight` each). `max_per_region` (−1: no limit)
caps exchanges per county.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.rules.direction import is_receiving
from optimizer.rules.eligibility import exempt_from_age
from optimizer.rules.rotation_quota import is_sending
from optimizer.scenario import Scenario, School, Teacher, stage_fits
from optimizer.subjects import SUBJECT_NAMES_ZH

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from optimizer.model.builder import ModelBuilder

RULE_ID = "exchange"
EXCHANGE_TERM_YEARS = 1


class Exchange(Rule):
    id = RULE_ID
    title_zh = "双向交流(跟岗)"
    title_en = "two-way exchange"
    params = (
        mode_param("hard"),
        weight_param(100),
        weight_param(20, "exchange_weight", "每名跟岗教师的代价", "Cost per exchange"),
        Param("max_km", 50, "positive", "跟岗学校距离不超过", "Exchange school within", "公里", "km"),
        Param(
            "max_per_region",
            -1,
            "integer",
            "每县跟岗人数上限",
            "Exchanges per county at most",
            "人",
            "teachers",
            minimum=-1,
            hint_zh="−1 表示不限,0 表示不安排跟岗",
            hint_en="−1 means no limit, 0 means no exchanges",
        ),
    )

    def may_go(self, scenario: Scenario, teacher: Teacher) -> bool:
        """A classroom teacher of a receiving school, free to go: no exemption, no pin, not on
        rotation, not near retirement, and whose subject the home school has beyond its demand."""
        if teacher.role != "teacher" or teacher.exempt_reason or teacher.on_rotation_from:
            return False
        if teacher.teacher_id in scenario.pin_by_teacher:
            return False
        if scenario.age(teacher) >= exempt_from_age(scenario.policy, teacher.gender):
            return False
        home = scenario.school_by_id[scenario.home_school(teacher)]
        if is_sending(scenario, home) or not is_receiving(scenario, home):
            return False
        return scenario.subject_headcount[(home.school_id, teacher.subject)] > scenario.demand.get(
            (home.school_id, teacher.subject), 0
        )

    def destinations(self, builder: ModelBuilder, teacher: Teacher) -> list[School]:
        """Sending schools of the region within `max_km` whose post in the teacher's subject a
        rotation move may open."""
        scenario = builder.scenario
        home = scenario.school_by_id[scenario.home_school(teacher)]
        max_km = float(scenario.policy.rule(self.id)["max_km"])
        result = []
        for school in scenario.schools:
            if school.region != home.region or not is_sending(scenario, school):
                continue
            if not stage_fits(teacher.stage, school.stage):
                continue
            if not builder.out_of_subject.get((school.school_id, teacher.subject)):
                continue
            km = scenario.km_between_schools(home.school_id, school.school_id)
            if km is not None and km > max_km:
                continue
            result.append(school)
        return result

    def backfill_instance(self, school_id: str, subject: str) -> Instance:
        name = SUBJECT_NAMES_ZH.get(subject, subject)
        return Instance(
            self.id,
            "subject",
            f"{school_id}/{subject}",
            0,
            "teachers",
            f"{school_id} {name}:跟岗教师只补交流轮岗空出的岗位",
            f"{school_id} {subject}: exchange teachers only back-fill posts rotation opens",
        )

    def limit(self, scenario: Scenario) -> int:
        return int(scenario.policy.rule(self.id)["max_per_region"])

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        if self.limit(scenario) == 0:
            return
        into: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        out_of: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        by_region: dict[str, list[cp_model.IntVar]] = {}
        for teacher in scenario.teachers:
            if not self.may_go(scenario, teacher):
                continue
            home = scenario.home_school(teacher)
            for school in self.destinations(builder, teacher):
                variable = builder.add_exchange(
                    teacher.teacher_id, home, school.school_id, teacher.subject, EXCHANGE_TERM_YEARS
                )
                into.setdefault((school.school_id, teacher.subject), []).append(variable)
                out_of.setdefault((home, teacher.subject), []).append(variable)
                by_region.setdefault(school.region, []).append(variable)
        for (school_id, subject), arriving in sorted(into.items()):
            rotating_out = builder.total(builder.out_of_subject[(school_id, subject)])
            builder.at_most(
                self.backfill_instance(school_id, subject),
                linear_sum(arriving) - rotating_out,
                0,
                max_excess=len(arriving),
            )
        for (school_id, subject), leaving in sorted(out_of.items()):
            spare = scenario.subject_headcount[(school_id, subject)] - scenario.demand.get(
                (school_id, subject), 0
            )
            builder.model.add(linear_sum(leaving) <= spare)
        limit = self.limit(scenario)
        for variables in by_region.values():
            if limit > 0:
                builder.model.add(linear_sum(variables) <= limit)
            builder.add_cost(float(scenario.policy.rule(self.id)["exchange_weight"]), linear_sum(variables))

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        rows = []
        rotating_out: Counter[tuple[str, str]] = Counter()
        for move in plan.moves:
            teacher = scenario.teacher_by_id[move.teacher_id]
            if teacher.role == "teacher":
                rotating_out[(move.from_school, teacher.subject)] += 1
        arriving: dict[tuple[str, str], list[str]] = {}
        for move in plan.exchanges:
            arriving.setdefault((move.to_school, move.subject), []).append(move.teacher_id)
        for (school_id, subject), teachers in sorted(arriving.items()):
            opened = rotating_out[(school_id, subject)]
            excess = max(0, len(teachers) - opened)
            name = SUBJECT_NAMES_ZH.get(subject, subject)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "subject",
                    f"{school_id}/{subject}",
                    target=opened,
                    achieved=len(teachers),
                    shortfall=excess,
                    zh=f"{school_id} {name}:交流轮岗空出 {opened} 个岗位,跟岗补入 {len(teachers)} 人"
                    + (f",{excess} 人无岗可补" if excess else ""),
                    en=f"{school_id} {subject}: {opened} posts opened by rotation, {len(teachers)} "
                    "exchange teachers back-fill them" + (f", {excess} without a post" if excess else ""),
                    involved=tuple(teachers),
                )
            )
        rows += self.limit_rows(scenario, plan)
        return rows

    def limit_rows(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        """Per region: the exchanges planned, against `max_per_region` when there is one; and each
        exchange's term, which is one year."""
        limit = self.limit(scenario)
        rows = []
        for region in scenario.regions:
            moves = [m for m in plan.exchanges if scenario.school_by_id[m.to_school].region == region]
            over = max(0, len(moves) - limit) if limit >= 0 else 0
            wrong_term = [m.teacher_id for m in moves if m.term_years != EXCHANGE_TERM_YEARS]
            elastic = not scenario.policy.is_hard(self.id)
            cost = float(scenario.policy.rule(self.id)["exchange_weight"]) * len(moves)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=None if limit < 0 else limit,
                    achieved=len(moves),
                    shortfall=over + len(wrong_term),
                    zh=f"{region}:跟岗交流 {len(moves)} 人,期限一年"
                    + (f",超出上限 {over} 人" if over else "")
                    + (f",{len(wrong_term)} 人期限不是一年" if wrong_term else ""),
                    en=f"{region}: {len(moves)} one-year exchanges"
                    + (f", {over} above the limit" if over else "")
                    + (f", {len(wrong_term)} with another term" if wrong_term else ""),
                    involved=tuple(m.teacher_id for m in moves),
                    applicable=bool(moves) or limit >= 0,
                    cost=cost
                    + (scenario.policy.weight(self.id) * (over + len(wrong_term)) if elastic else 0.0),
                )
            )
        return rows

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return move.kind == "exchange"

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        return {"exchanges": len(outcome.plan.exchanges)}


RULE = Exchange()
