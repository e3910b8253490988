"""The CP-SAT model: one Boolean per candidate move; every rule adds itself through this builder.

The builder owns the variables and the objective; rules describe their instances with
`at_least`, `at_most`, `forbid` and `add_cost`, and the builder makes each hard (optionally
guarded by an assumption literal, for conflict sets) or elastic (a shortfall variable paying the
rule's weight). Costs are integers: weights × COST_SCALE, rounded.

Staffing decisions other than moves (hires, exchanges, 走教) are variables their rules make; a
rule registers them (`add_hire`, `add_exchange`, `add_itinerant`) so that the headcounts, the
posts and the covered shares every other rule reads count them, and the plan is read back with
them. Rules that add staff are built before the rules that read staff (`optimizer.rules`' order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

from ortools.sat.python import cp_model

from optimizer.instance import Instance
from optimizer.model.candidates import Candidate
from optimizer.scenario import Scenario, Teacher

COST_SCALE = 100
POST_UNITS = 100
"""A post in `covered` counts this many units, so that a 走教 share of 0.5 is 50 units."""
# An integer linear expression over the model's variables; a sum over no moves is the int 0.
LinearExpr = cp_model.LinearExpr | int


@dataclass(frozen=True)
class HireDecision:
    """New teachers for `subject` at `school_id` (`open` or `special`), as many as `variable`."""

    school_id: str
    subject: str
    kind: str
    most: int
    variable: cp_model.IntVar


@dataclass(frozen=True)
class ExchangeDecision:
    """A teacher going from `from_school` to `to_school`'s `subject` post for `term_years`."""

    teacher_id: str
    from_school: str
    to_school: str
    subject: str
    term_years: int
    variable: cp_model.IntVar


@dataclass(frozen=True)
class ItinerantDecision:
    """A teacher of `home_school` teaching `share` of a `subject` post at `school_id`."""

    teacher_id: str
    home_school: str
    school_id: str
    subject: str
    share: float
    variable: cp_model.IntVar


def linear_sum(terms: Iterable[LinearExpr]) -> LinearExpr:
    """The sum of model expressions, made by OR-Tools in one step (Python's `sum` nests one
    expression per term: at 10,000 teachers, seconds of the build)."""
    return cp_model.LinearExpr.sum(list(terms))


class BuilderOptions(TypedDict, total=False):
    """ModelBuilder's keyword options, for callers that pass them through."""

    track_instances: bool
    elastic_labels: Iterable[str]
    elastic_weight: float


class ModelBuilder:
    """Holds the model while rules add themselves; then hands it to the solver adapter."""

    def __init__(
        self,
        scenario: Scenario,
        candidates: Sequence[Candidate],
        *,
        track_instances: bool = False,
        elastic_labels: Iterable[str] = (),
        elastic_weight: float = 1.0,
    ) -> None:
        """`track_instances`: guard every hard instance with an assumption literal.
        `elastic_labels`: hard instances to make elastic at `elastic_weight` per unit (used to
        find the smallest relaxation of a conflict)."""
        self.scenario = scenario
        self.candidates = list(candidates)
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{c.index}") for c in self.candidates]
        self.track_instances = track_instances
        self.elastic_labels = set(elastic_labels)
        self.elastic_weight = elastic_weight
        self.term_years: list[int] = []
        """The term (years) of each candidate move, stamped by the rule that sets terms."""
        self.instances: dict[str, Instance] = {}
        self.assumptions: dict[str, cp_model.IntVar] = {}
        self.shortfalls: dict[str, cp_model.IntVar] = {}
        self.slacks: list[cp_model.IntVar] = []
        """Every elastic shortfall or excess variable, weighted or not."""
        self.cost_terms: list[tuple[int, LinearExpr]] = []
        self._bounds: dict[int, tuple[int, int]] = {}
        self.by_teacher: dict[str, list[int]] = defaultdict(list)
        self.out_of: dict[str, list[int]] = defaultdict(list)
        self.into: dict[str, list[int]] = defaultdict(list)
        self.into_post: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_of_subject: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.hires: list[HireDecision] = []
        self.exchanges: list[ExchangeDecision] = []
        self.itinerant: list[ItinerantDecision] = []
        self._staff_terms: dict[str, list[LinearExpr]] = defaultdict(list)
        self._post_terms: dict[tuple[str, str], list[LinearExpr]] = defaultdict(list)
        self._share_terms: dict[tuple[str, str], list[LinearExpr]] = defaultdict(list)
        self._exchanges_by: dict[str, list[ExchangeDecision]] = defaultdict(list)
        self._exchanges_into: dict[str, list[ExchangeDecision]] = defaultdict(list)
        self._exchanges_from: dict[str, list[ExchangeDecision]] = defaultdict(list)
        self._itinerant_from: dict[str, list[ItinerantDecision]] = defaultdict(list)
        self._hires_at: dict[str, list[HireDecision]] = defaultdict(list)
        for c in self.candidates:
            teacher = scenario.teacher_by_id[c.teacher_id]
            self.by_teacher[c.teacher_id].append(c.index)
            self.out_of[c.from_school].append(c.index)
            self.into[c.to_school].append(c.index)
            self.into_post[(c.to_school, c.post)].append(c.index)
            if teacher.role == "teacher":
                self.out_of_subject[(c.from_school, teacher.subject)].append(c.index)

    # -- expressions -------------------------------------------------------------------------

    def total(self, indices: Iterable[int]) -> LinearExpr:
        return cp_model.LinearExpr.sum([self.x[i] for i in indices])

    def moved(self, teacher_id: str) -> LinearExpr:
        """1 if the teacher moves anywhere, else 0 (at most one candidate is chosen)."""
        return self.total(self.by_teacher.get(teacher_id, ()))

    def departures(self, school_id: str) -> LinearExpr:
        return self.total(self.out_of.get(school_id, ()))

    def arrivals(self, school_id: str) -> LinearExpr:
        return self.total(self.into.get(school_id, ()))

    def exchanged(self, teacher_id: str) -> LinearExpr:
        """1 if the teacher goes on an exchange (跟岗), else 0."""
        return cp_model.LinearExpr.sum([e.variable for e in self._exchanges_by.get(teacher_id, ())])

    def headcount_after(self, school_id: str) -> LinearExpr:
        """Staff after moves, exchanges and hires."""
        return (
            self.scenario.headcount(school_id)
            + self.arrivals(school_id)
            - self.departures(school_id)
            + cp_model.LinearExpr.sum(self._staff_terms.get(school_id, []))
        )

    def subject_after(self, school_id: str, subject: str) -> LinearExpr:
        """Classroom teachers of `subject` at the school after moves, exchanges and hires."""
        return (
            self.scenario.subject_headcount[(school_id, subject)]
            + self.total(self.into_post.get((school_id, subject), ()))
            - self.total(self.out_of_subject.get((school_id, subject), ()))
            + cp_model.LinearExpr.sum(self._post_terms.get((school_id, subject), []))
        )

    def covered(self, school_id: str, subject: str) -> LinearExpr:
        """Posts of `subject` taught at the school after the plan, in POST_UNITS (走教 shares in)."""
        return POST_UNITS * self.subject_after(school_id, subject) + cp_model.LinearExpr.sum(
            self._share_terms.get((school_id, subject), [])
        )

    def changes_staff(self, school_id: str) -> bool:
        """Whether any decision can change the school's headcount."""
        return bool(
            self.into.get(school_id) or self.out_of.get(school_id) or self._staff_terms.get(school_id)
        )

    def changes_post(self, school_id: str, subject: str) -> bool:
        """Whether any decision can change what the school has taught in `subject`."""
        key = (school_id, subject)
        return bool(
            self.into_post.get(key)
            or self.out_of_subject.get(key)
            or self._post_terms.get(key)
            or self._share_terms.get(key)
        )

    def could_leave(self, school_id: str, subject: str) -> int:
        """At most how many of the school's `subject` posts the decisions made so far could vacate."""
        leaving = {self.candidates[i].teacher_id for i in self.out_of_subject.get((school_id, subject), ())}
        teacher_by_id = self.scenario.teacher_by_id
        going = [e.teacher_id for e in self._exchanges_from.get(school_id, ())]
        going += [a.teacher_id for a in self._itinerant_from.get(school_id, ())]
        for teacher_id in going:
            teacher = teacher_by_id[teacher_id]
            if teacher.role == "teacher" and teacher.subject == subject:
                leaving.add(teacher_id)
        return min(len(leaving), self.scenario.subject_headcount[(school_id, subject)])

    def most_joining(self, school_id: str) -> int:
        """At most how many staff the decisions made so far could add to the school."""
        hires = sum(h.most for h in self._hires_at.get(school_id, ()))
        return self.could_arrive(school_id) + hires

    def could_depart(self, school_id: str) -> int:
        """At most how many staff the moves and exchanges made so far could take from the school."""
        leaving = {self.candidates[i].teacher_id for i in self.out_of.get(school_id, ())}
        leaving |= {e.teacher_id for e in self._exchanges_from.get(school_id, ())}
        return len(leaving)

    def exchanges_out(self, school_id: str) -> LinearExpr:
        """Teachers of the school who go on exchange (跟岗) elsewhere."""
        return cp_model.LinearExpr.sum([e.variable for e in self._exchanges_from.get(school_id, ())])

    def repair_columns(self) -> list[int]:
        """Model indices of the hire, exchange and 走教 variables and of every elastic shortfall:
        the columns that let a plan made of part of the moves be completed (posts covered whole,
        limits paid for)."""
        variables = [h.variable for h in self.hires] + [e.variable for e in self.exchanges]
        variables += [a.variable for a in self.itinerant] + self.slacks
        return [v.Index() for v in variables]

    def crossing(
        self, counts: Callable[[Teacher], bool], group: Callable[[str], Hashable] | None = None
    ) -> dict[Hashable, tuple[list[cp_model.IntVar], list[cp_model.IntVar]]]:
        """The moves and exchanges of teachers `counts` accepts that would bring them into each
        school (or each `group` of schools: a school id → its group) from outside, and those that
        would take them out, in one pass: school or group → (arriving, leaving); one absent has
        none."""
        by_id = self.scenario.teacher_by_id
        found: dict[Hashable, tuple[list[cp_model.IntVar], list[cp_model.IntVar]]] = {}
        movers = [(c.teacher_id, c.from_school, c.to_school, self.x[c.index]) for c in self.candidates]
        movers += [(e.teacher_id, e.from_school, e.to_school, e.variable) for e in self.exchanges]
        for teacher_id, from_school, to_school, variable in movers:
            origin, end = (
                (from_school, to_school) if group is None else (group(from_school), group(to_school))
            )
            if origin != end and counts(by_id[teacher_id]):
                found.setdefault(end, ([], []))[0].append(variable)
                found.setdefault(origin, ([], []))[1].append(variable)
        return found

    def destinations_of(self, teacher_id: str) -> list[tuple[str, cp_model.IntVar]]:
        """Every school a move or an exchange could take the teacher to, with its variable."""
        found = [(self.candidates[i].to_school, self.x[i]) for i in self.by_teacher.get(teacher_id, ())]
        return found + [(e.to_school, e.variable) for e in self._exchanges_by.get(teacher_id, ())]

    def could_go(self, teacher_id: str) -> bool:
        """Whether a move or an exchange made so far could take the teacher away."""
        return bool(self.by_teacher.get(teacher_id) or self._exchanges_by.get(teacher_id))

    def could_arrive(self, school_id: str) -> int:
        """At most how many teachers the moves and exchanges made so far could bring to the school."""
        arriving = {self.candidates[i].teacher_id for i in self.into.get(school_id, ())}
        arriving |= {e.teacher_id for e in self._exchanges_into.get(school_id, ())}
        return len(arriving)

    # -- staffing decisions other than moves ----------------------------------------------------

    def add_hire(self, school_id: str, subject: str, kind: str, most: int) -> cp_model.IntVar:
        """Up to `most` new teachers of `subject` at the school: on its staff and in its posts."""
        variable = self.model.new_int_var(0, most, f"hire[{school_id}/{subject}/{kind}]")
        decision = HireDecision(school_id, subject, kind, most, variable)
        self.hires.append(decision)
        self._hires_at[school_id].append(decision)
        self._staff_terms[school_id].append(variable)
        self._post_terms[(school_id, subject)].append(variable)
        return variable

    def add_exchange(
        self, teacher_id: str, from_school: str, to_school: str, subject: str, term_years: int
    ) -> cp_model.IntVar:
        """A possible exchange: the teacher leaves their post at `from_school` for `subject` at
        `to_school`; at most one move or exchange per teacher (see `finish`)."""
        variable = self.model.new_bool_var(f"exchange[{teacher_id}->{to_school}/{subject}]")
        decision = ExchangeDecision(teacher_id, from_school, to_school, subject, term_years, variable)
        self.exchanges.append(decision)
        self._exchanges_by[teacher_id].append(decision)
        self._exchanges_into[to_school].append(decision)
        self._exchanges_from[from_school].append(decision)
        self._staff_terms[from_school].append(-variable)
        self._staff_terms[to_school].append(variable)
        teacher = self.scenario.teacher_by_id[teacher_id]
        if teacher.role == "teacher":
            self._post_terms[(from_school, teacher.subject)].append(-variable)
        self._post_terms[(to_school, subject)].append(variable)
        return variable

    def add_itinerant(
        self, teacher_id: str, home_school: str, school_id: str, subject: str, share: float
    ) -> cp_model.IntVar:
        """A possible 走教 assignment: `share` of a post taught at `school_id`, taken from the
        teacher's own post at home (the teacher stays on the home school's staff)."""
        variable = self.model.new_bool_var(f"itinerant[{teacher_id}->{school_id}/{subject}]")
        decision = ItinerantDecision(teacher_id, home_school, school_id, subject, share, variable)
        self.itinerant.append(decision)
        self._itinerant_from[home_school].append(decision)
        units = round(share * POST_UNITS)
        home_subject = self.scenario.teacher_by_id[teacher_id].subject
        self._share_terms[(school_id, subject)].append(units * variable)
        self._share_terms[(home_school, home_subject)].append(-units * variable)
        return variable

    def int_var(self, low: int, high: int, equal_to: LinearExpr) -> cp_model.IntVar:
        """A bounded integer variable constrained to equal `equal_to`."""
        variable = self.model.new_int_var(low, high, "")
        self.model.add(variable == equal_to)
        self._bounds[variable.Index()] = (low, high)
        return variable

    def product(self, a: cp_model.IntVar, b: cp_model.IntVar) -> cp_model.IntVar:
        """a × b (exact) for two variables made by `int_var`."""
        (a_low, a_high), (b_low, b_high) = self._bounds[a.Index()], self._bounds[b.Index()]
        corners = [x * y for x in (a_low, a_high) for y in (b_low, b_high)]
        result = self.model.new_int_var(min(corners), max(corners), "")
        self.model.add_multiplication_equality(result, [a, b])
        return result

    # -- instances ---------------------------------------------------------------------------

    def _register(self, instance: Instance) -> tuple[bool, cp_model.IntVar | None]:
        """(is hard, assumption literal or None) for a new instance."""
        if instance.label in self.instances:
            raise ValueError(f"duplicate rule instance {instance.label}")
        self.instances[instance.label] = instance
        hard = self.scenario.policy.is_hard(instance.rule) and instance.label not in self.elastic_labels
        if hard and self.track_instances:
            literal = self.model.new_bool_var(f"assume[{instance.label}]")
            self.assumptions[instance.label] = literal
            return True, literal
        return hard, None

    def _unit_weight(self, instance: Instance, weight: float | None) -> float:
        if instance.label in self.elastic_labels:
            return self.elastic_weight
        return self.scenario.policy.weight(instance.rule) if weight is None else weight

    def at_least(
        self,
        instance: Instance,
        expr: LinearExpr,
        target: int,
        *,
        unit: int = 1,
        max_shortfall: int | None = None,
        weight: float | None = None,
    ) -> None:
        """expr ≥ target; elastic: expr + unit × shortfall ≥ target, shortfall paid per unit."""
        hard, literal = self._register(instance)
        if hard:
            constraint = self.model.add(expr >= target)
            if literal is not None:
                constraint.OnlyEnforceIf(literal)
            return
        upper = max(0, target) if max_shortfall is None else max(0, max_shortfall)
        shortfall = self.model.new_int_var(0, upper, f"short[{instance.label}]")
        self.slacks.append(shortfall)
        self.model.add(expr + unit * shortfall >= target)
        self._pay(instance, shortfall, weight)

    def at_most(
        self,
        instance: Instance,
        expr: LinearExpr,
        limit: int,
        *,
        max_excess: int,
        unit: int = 1,
        weight: float | None = None,
    ) -> None:
        """expr ≤ limit; elastic: expr − unit × excess ≤ limit, the excess paid per unit."""
        hard, literal = self._register(instance)
        if hard:
            constraint = self.model.add(expr <= limit)
            if literal is not None:
                constraint.OnlyEnforceIf(literal)
            return
        excess = self.model.new_int_var(0, max(0, max_excess), f"excess[{instance.label}]")
        self.slacks.append(excess)
        self.model.add(expr - unit * excess <= limit)
        self._pay(instance, excess, weight)

    def forbid(self, instance: Instance, indices: Sequence[int], weight: float | None = None) -> None:
        """None of these candidate moves; elastic: each chosen one is paid."""
        self.at_most(instance, self.total(indices), 0, max_excess=len(indices), weight=weight)

    def _pay(self, instance: Instance, shortfall: cp_model.IntVar, weight: float | None) -> None:
        """The shortfall costs its weight per unit. A weightless one is not kept in `shortfalls`:
        nothing pulls it down, so its value in a solution says nothing (the checker's does)."""
        unit_weight = self._unit_weight(instance, weight)
        if round(unit_weight * COST_SCALE):
            self.shortfalls[instance.label] = shortfall
        self.add_cost(unit_weight, shortfall)

    def add_cost(self, weight: float, expr: LinearExpr) -> None:
        """A soft preference: weight (cost units) × expr, added to the objective."""
        coefficient = round(weight * COST_SCALE)
        if coefficient:
            self.cost_terms.append((coefficient, expr))

    def finish(self) -> None:
        """One move or exchange per teacher at most; then the objective."""
        exchange_only = [t for t in self._exchanges_by if t not in self.by_teacher]
        for teacher_id in [*self.by_teacher, *exchange_only]:
            choices = [self.x[i] for i in self.by_teacher.get(teacher_id, ())]
            choices += [e.variable for e in self._exchanges_by.get(teacher_id, ())]
            if len(choices) > 1:
                self.model.add_at_most_one(choices)
        self.model.minimize(self.cost())

    def cost(self) -> LinearExpr:
        """The objective: every cost term, in integer cost units."""
        return cp_model.LinearExpr.weighted_sum(
            [e for _, e in self.cost_terms], [c for c, _ in self.cost_terms]
        )
