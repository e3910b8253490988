"""What every rule module provides: its parameters, build (the model), check (a plan, no solver),
the reasons, figures and relaxations that are its own, and the report rows' helpers.

A rule module's `RULE` is an instance of `Rule`. Gate rules (eligibility, direction, subject_fit,
pins) are `GateRule`s and also answer `allows(...)` for one (teacher, destination, post):
candidate generation asks them which pairs may exist, and their check asks the same question of
every move, so a pair the model can never choose is exactly a move the checker rejects.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import Param
from optimizer.plan import Hire, Move, Plan, RuleRow
from optimizer.policy import Indicator, Policy, RuleParams
from optimizer.scenario import Scenario, School, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import LinearExpr, ModelBuilder


_INDICATOR_OWNERS: dict[str, Rule] = {}
"""Indicator name → the rule instance that counts it, filled as rule modules make their RULE
(the rule holding targets finds the owner here, not through the registry that imports it)."""


def indicator_owner(indicator: str) -> Rule:
    """The rule that counts `indicator` (the policy accepts only declared indicators)."""
    return _INDICATOR_OWNERS[indicator]


class Rule:
    """A policy rule. Subclasses set `id`, the titles and `params`, and implement `build` and
    `check`; the other methods have the answer of a rule that does not take part in them."""

    id: str
    title_zh: str
    title_en: str
    params: tuple[Param, ...] = ()
    """Its parameters in policy.toml's `[rules.<id>]`: defaults, checks, labels, form hints."""
    decisive: bool = False
    """A move this rule serves is there because of it (an HR decision): its reason comes first."""
    indicators: tuple[Indicator, ...] = ()
    """Shares this rule counts per region (`share`, `share_terms`) that a `[targets]` entry may
    name: the roadmap holds them to a value from a year on."""

    def __init__(self) -> None:
        for indicator in self.indicators:
            _INDICATOR_OWNERS[indicator.name] = self

    def declaration(self) -> RuleParams:
        return RuleParams(self.id, self.title_zh, self.title_en, self.params, self.indicators)

    def share(self, indicator: str, scenario: Scenario, outcome: Outcome) -> dict[str, tuple[int, int]]:
        """Per region: (members meeting the indicator, members) after the plan."""
        raise KeyError(indicator)

    def share_terms(
        self, indicator: str, builder: ModelBuilder
    ) -> dict[str, tuple[LinearExpr, LinearExpr, int]]:
        """Per region that has members or may get some: the same two counts as expressions of the
        model's decisions, and the most members there can be."""
        raise KeyError(indicator)

    def share_suppliers(self, indicator: str, scenario: Scenario, region: str) -> list[Teacher]:
        """Teachers of the region who would raise the indicator by moving (a young leader of a town
        school for the young rural principal share): a target that fails says which of them may
        not move this year, and why."""
        return []

    def build(self, builder: ModelBuilder) -> None:
        """Add the rule to the model through the builder (at_least, at_most, forbid, add_cost): hard,
        or elastic at its weight, as the policy says."""
        raise NotImplementedError

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        """Report rows for a finished plan, computed without the solver."""
        raise NotImplementedError

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        """Whether `move` of `teacher` serves this rule: the plan lists the rule among its reasons."""
        return False

    def serves_hire(self, scenario: Scenario, hire: Hire) -> bool:
        """Whether `hire` serves this rule: the recruitment plan lists the rule among its reasons."""
        return False

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        """The summary's figures this rule states (named as `Summary`'s fields), for a plan's outcome."""
        return {}

    def targets(self, policy: Policy) -> dict[str, float]:
        """Targets this rule sets on a plan's figures (a figure's name → its target), for charts."""
        return {}

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """The parameter change under which `witness` (a plan that breaks these instances of the
        rule and holds every other hard rule) satisfies the rule; None if no parameter fits (the
        rule then becomes elastic)."""
        return None

    def widen(self, scenario: Scenario, instances: list[Instance]) -> Change | None:
        """A change that gives the plan a way to meet `instances` (a conflict's, of any rule)
        without breaking one: more of what this rule supplies rather than a lower target (走教
        allowed where a post cannot be covered). None when this rule has nothing to add. Diagnosis
        keeps the change only if the scenario under it has a plan."""
        return None

    def couples_regions(self, policy: Policy) -> tuple[str, str] | None:
        """Why regions under this policy cannot be planned apart (zh, en), or None: a rule that,
        with some parameters, ties regions together (a city-wide quota) says so here."""
        return None


class GateRule(Rule):
    """A rule that decides which (teacher, school, post) moves may exist at all."""

    refuses_moves: bool = True
    """False for a gate that only narrows where a teacher may go (`destinations`) and never
    refuses a single move: candidate generation then does not ask `allows` of it."""

    post_blind: bool = False
    """True when `allows` is `allows_school` whatever the post: candidate generation then asks
    once per school, not once per post."""

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        """Whether this rule permits `teacher` some post at `to_school`: a cheap first check, so
        that the posts of a school the rule refuses outright are never looked at."""
        raise NotImplementedError

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        """Whether this rule permits `teacher` to fill `post` at `to_school`."""
        raise NotImplementedError

    def may_leave(self, scenario: Scenario, teacher: Teacher) -> bool:
        """False when this rule, in its present mode, leaves `teacher` no move at all: candidate
        generation then skips the teacher before looking at any school."""
        return True

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]:
        """The schools of `schools` (the teacher's region, in order) this rule lets the teacher go
        to: with the rule hard, those `allows_school` accepts; a pinned school stays (the rule
        then forbids the pinned move under its own instance). A rule with a faster way to narrow
        a teacher's schools overrides this: it is asked once per teacher."""
        if not self.refuses_moves or not scenario.policy.is_hard(self.id):
            return schools
        pinned = scenario.pinned_school(teacher)
        return [s for s in schools if s.school_id == pinned or self.allows_school(scenario, teacher, s)]

    def opens_posts(self, policy: Policy) -> bool:
        """Whether, under `policy`, this rule opens posts beyond a teacher's own subjects
        (`extra_posts`); asked once per scenario, so most gates cost nothing per school."""
        return False

    def extra_posts(self, scenario: Scenario, teacher: Teacher, school: School) -> list[str]:
        """Posts at `school` beyond the teacher's own demanded subjects that this rule opens
        (at its cost)."""
        return []


def row(
    rule_id: str,
    scenario: Scenario,
    scope: str,
    key: str,
    *,
    target: float | None,
    achieved: float | None,
    shortfall: float,
    zh: str,
    en: str,
    involved: tuple[str, ...] = (),
    applicable: bool = True,
    weight: float | None = None,
    cost: float | None = None,
) -> RuleRow:
    """A report row whose status and cost follow from the shortfall and the rule's mode.

    `weight` overrides the rule's unit weight; `cost` states the cost outright (for rules whose
    cost is a sum of preferences rather than weight × shortfall).
    """
    mode = scenario.policy.mode(rule_id)
    status = "not_applicable" if not applicable else "met" if shortfall <= 0 else "violated"
    unit_cost = scenario.policy.weight(rule_id) if weight is None else weight
    if cost is None:
        cost = unit_cost * shortfall if mode == "elastic" else 0.0
    return RuleRow(
        rule=rule_id,
        scope=scope,
        key=key,
        target=target,
        achieved=achieved,
        status=status,
        shortfall=shortfall,
        mode=mode,
        sentence_zh=zh,
        sentence_en=en,
        involved=involved,
        cost=cost,
    )


def gate_check(
    rule: GateRule,
    scenario: Scenario,
    plan: Plan,
    met_zh: str,
    met_en: str,
    explain_zh: str,
    explain_en: str,
) -> list[RuleRow]:
    """Check shared by gate rules: one violated row per move the rule refuses, else one met row.

    `explain_*` are format strings with {teacher}, {to_school}, {post}.
    """
    rows = []
    for move in plan.moves:
        teacher = scenario.teacher_by_id[move.teacher_id]
        to_school = scenario.school_by_id[move.to_school]
        if not rule.allows(scenario, teacher, to_school, move.subject):
            names = {"teacher": move.teacher_id, "to_school": move.to_school, "post": move.subject}
            rows.append(
                row(
                    rule.id,
                    scenario,
                    "teacher",
                    move.teacher_id,
                    target=0,
                    achieved=1,
                    shortfall=1,
                    zh=explain_zh.format(**names),
                    en=explain_en.format(**names),
                    involved=(move.teacher_id, move.to_school),
                )
            )
    if not rows:
        count = len(plan.moves)
        rows.append(
            row(
                rule.id,
                scenario,
                "plan",
                "all",
                target=0,
                achieved=0,
                shortfall=0,
                zh=f"{met_zh}(交流 {count} 人,不符合 0 人)",
                en=f"{met_en} ({count} moves, 0 breaches)",
                applicable=bool(plan.moves),
            )
        )
    return rows


def gate_build(rule: GateRule, builder: ModelBuilder, zh: str, en: str) -> None:
    """Build shared by gate rules: forbid each candidate the rule refused (only pinned moves
    reach the model refused by a hard gate; elastic gates pay per chosen move).

    `zh` / `en` are format strings with {teacher}, {from_school}, {to_school}, {post}.
    """
    for candidate in builder.candidates:
        if rule.id not in candidate.refused_by:
            continue
        names = {
            "teacher": candidate.teacher_id,
            "from_school": candidate.from_school,
            "to_school": candidate.to_school,
            "post": candidate.post,
        }
        key = f"{candidate.teacher_id}->{candidate.to_school}/{candidate.post}"
        builder.forbid(
            Instance(rule.id, "move", key, 0, "moves", zh.format(**names), en.format(**names)),
            [candidate.index],
        )


def teacher_moves_row(
    rule_id: str, scenario: Scenario, plan: Plan, instance: Instance, teacher_id: str
) -> RuleRow:
    """Row for an instance asking one teacher to rotate: met when the plan moves them."""
    move = plan.move_of(teacher_id)
    return row(
        rule_id,
        scenario,
        "teacher",
        teacher_id,
        target=1,
        achieved=int(move is not None),
        shortfall=int(move is None),
        zh=instance.sentence_zh + (f";交流至 {move.to_school}" if move else ";本年未交流"),
        en=instance.sentence_en + (f"; moves to {move.to_school}" if move else "; does not rotate this year"),
        involved=(teacher_id,),
    )


PLACES = 2
"""A relaxed share as a bureau writes it: whole percent (10 %, not 10.53 %); a ratio to 0.01."""


def floor_decimal(value: float | Fraction, places: int = PLACES) -> float:
    """Round down to `places` decimals (a lowered minimum must not round back up)."""
    scale = 10**places
    return float(Fraction(floor(Fraction(value) * scale), scale))


def ceil_decimal(value: float | Fraction, places: int = PLACES) -> float:
    """Round up to `places` decimals (a raised cap must not round back down)."""
    scale = 10**places
    return float(Fraction(ceil(Fraction(value) * scale), scale))
