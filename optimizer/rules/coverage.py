"""coverage: every school's demand per subject (`demand.csv`, sending schools too) is covered after
the moves, exchanges, hires and 走教; a vacancy the plan itself opens costs more than one that was
already there. Source: 000, 001.

Coverage builds on `shortage`: shortage prices the receiving schools' shortage (the rotation's own
purpose, in whole posts). Coverage prices the rest of the county's demand: a post unmet before the
plan at any other school costs `weight` × subject priority per post (走教 shares count in part), and
a post that was taught before and is left unmet — a vacancy the plan opens, at any school — costs
`created_weight` × priority (whole posts). The instance of each school × subject is "the plan opens
no vacancy here": hard mode forbids opening one. Subject priorities are shortage's.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.model.builder import POST_UNITS
from optimizer.outcome import Outcome
from optimizer.params import mode_param, weight_param
from optimizer.plan import Hire, Move, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.rules.direction import is_receiving
from optimizer.rules.shortage import subject_priorities
from optimizer.scenario import Scenario, Teacher
from optimizer.subjects import SUBJECT_NAMES_ZH

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from optimizer.model.builder import ModelBuilder

RULE_ID = "coverage"


@dataclass(frozen=True)
class Post:
    """One school × subject of the demand, before and after a plan (posts; 走教 shares count)."""

    school_id: str
    subject: str
    required: int
    before: int
    after: float
    shortage_prices_unmet: bool
    """At a receiving school the shortage rule prices the posts unmet before the plan."""

    @property
    def unmet_before(self) -> int:
        return max(0, self.required - self.before)

    @property
    def unmet_after(self) -> float:
        return round(max(0.0, self.required - self.after), 6)

    @property
    def still_open(self) -> float:
        """Of the posts unmet before, those unmet after."""
        return min(self.unmet_after, self.unmet_before)

    @property
    def created(self) -> int:
        """Posts taught before and unmet after: whole posts (a part left open counts as one)."""
        return ceil(round(self.unmet_after - self.still_open, 6))

    @property
    def filled(self) -> float:
        return round(self.unmet_before - self.still_open, 6)


class Coverage(Rule):
    id = RULE_ID
    title_zh = "全县学科配备"
    title_en = "coverage of every school"
    params = (
        mode_param("elastic"),
        weight_param(100, "weight", "原有空缺每岗代价", "Cost per post unmet before the plan"),
        weight_param(200, "created_weight", "新增空缺每岗代价", "Cost per vacancy the plan opens"),
    )

    def posts(self, scenario: Scenario, outcome: Outcome) -> list[Post]:
        """Every school × subject the demand names, in school then subject order."""
        return [
            Post(
                school.school_id,
                subject,
                scenario.demand[(school.school_id, subject)],
                scenario.subject_headcount[(school.school_id, subject)],
                outcome.covered(school.school_id, subject),
                self.shortage_prices(scenario, school.school_id, subject),
            )
            for school in scenario.schools
            for subject in scenario.subjects_demanded(school.school_id)
        ]

    def shortage_prices(self, scenario: Scenario, school_id: str, subject: str) -> bool:
        return (
            is_receiving(scenario, scenario.school_by_id[school_id])
            and scenario.shortage(school_id, subject) > 0
        )

    def priority(self, scenario: Scenario, subject: str) -> float:
        return float(subject_priorities(scenario.policy).get(subject, 1))

    def instance(self, post: Post) -> Instance:
        name = SUBJECT_NAMES_ZH.get(post.subject, post.subject)
        kept = min(post.required, post.before)
        return Instance(
            self.id,
            "subject",
            f"{post.school_id}/{post.subject}",
            kept,
            "posts",
            f"{post.school_id} {name}:需 {post.required} 人,现有 {post.before} 人,不新增空缺",
            f"{post.school_id} {post.subject}: {post.required} required, {post.before} now, "
            "no vacancy opened",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        weight = scenario.policy.weight(self.id)
        created_weight = scenario.policy.weight(self.id, "created_weight")
        for school in scenario.schools:
            for subject in scenario.subjects_demanded(school.school_id):
                post = Post(
                    school.school_id,
                    subject,
                    scenario.demand[(school.school_id, subject)],
                    scenario.subject_headcount[(school.school_id, subject)],
                    0.0,
                    self.shortage_prices(scenario, school.school_id, subject),
                )
                priority = self.priority(scenario, subject)
                if not builder.changes_post(school.school_id, subject):
                    if not post.shortage_prices_unmet:
                        builder.add_cost(weight * priority, post.unmet_before)
                    continue
                unmet_before: cp_model.IntVar | int = 0
                if post.unmet_before:
                    unmet_before = builder.model.new_int_var(
                        0, POST_UNITS * post.unmet_before, f"unmet[{school.school_id}/{subject}]"
                    )
                    if not post.shortage_prices_unmet:
                        builder.add_cost(weight * priority / POST_UNITS, unmet_before)
                builder.at_least(
                    self.instance(post),
                    builder.covered(school.school_id, subject) + unmet_before,
                    POST_UNITS * post.required,
                    unit=POST_UNITS,
                    max_shortfall=min(post.required, post.before),
                    weight=created_weight * priority,
                )

    def row_of(self, scenario: Scenario, post: Post, involved: tuple[str, ...]) -> RuleRow:
        priority = self.priority(scenario, post.subject)
        elastic = not scenario.policy.is_hard(self.id)
        old_cost = (
            0.0
            if post.shortage_prices_unmet
            else scenario.policy.weight(self.id) * priority * post.still_open
        )
        created_cost = scenario.policy.weight(self.id, "created_weight") * priority * post.created
        name = SUBJECT_NAMES_ZH.get(post.subject, post.subject)
        after = f"{post.after:g}"
        zh = f"{post.school_id} {name}:需 {post.required} 人,原有 {post.before} 人,调整后 {after} 人"
        en = f"{post.school_id} {post.subject}: {post.required} required, {post.before} before, {after} after"
        if post.filled:
            zh += f";补上原有空缺 {post.filled:g} 个"
            en += f"; {post.filled:g} of the earlier vacancies filled"
        if post.still_open:
            zh += f";原有空缺仍缺 {post.still_open:g} 个"
            en += f"; {post.still_open:g} earlier vacancies still open"
        if post.created:
            zh += f";新增空缺 {post.created} 个"
            en += f"; {post.created} vacancies opened by the plan"
        return row(
            self.id,
            scenario,
            "subject",
            f"{post.school_id}/{post.subject}",
            target=post.required,
            achieved=post.after,
            shortfall=post.created,
            zh=zh,
            en=en,
            involved=involved,
            cost=old_cost + (created_cost if elastic else 0.0),
        )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        involved: dict[tuple[str, str], list[str]] = {}
        for move in (*plan.moves, *plan.exchanges):
            teacher = scenario.teacher_by_id[move.teacher_id]
            involved.setdefault((move.to_school, move.subject), []).append(move.teacher_id)
            if teacher.role == "teacher":
                involved.setdefault((move.from_school, teacher.subject), []).append(move.teacher_id)
        for assignment in plan.itinerant:
            involved.setdefault((assignment.school_id, assignment.subject), []).append(assignment.teacher_id)
        return [
            self.row_of(scenario, post, tuple(involved.get((post.school_id, post.subject), ())))
            for post in self.posts(scenario, outcome)
        ]

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        """A move or exchange that fills a post its destination lacked before the plan."""
        return scenario.shortage(move.to_school, move.subject) > 0

    def serves_hire(self, scenario: Scenario, hire: Hire) -> bool:
        return True

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        """Unmet posts over every school before and after, split into filled / still open / opened."""
        posts = self.posts(scenario, outcome)
        return {
            "unmet_before": sum(p.unmet_before for p in posts),
            "unmet_after": round(sum(p.unmet_after for p in posts), 6),
            "vacancies_filled": round(sum(p.filled for p in posts), 6),
            "vacancies_open": round(sum(p.still_open for p in posts), 6),
            "vacancies_created": round(sum(p.unmet_after - p.still_open for p in posts), 6),
        }


def coverage_posts(scenario: Scenario, plan: Plan) -> list[Post]:
    """Every school × subject before and after `plan` (the 学科配备 table, coverage.csv)."""
    return RULE.posts(scenario, Outcome(scenario, plan))


RULE = Coverage()
