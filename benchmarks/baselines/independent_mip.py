"""An independent MIP of the staffing problem, solved with HiGHS: a cross-check of our optimum.

A second formulation of SPEC.md's rules as the project defines them, written from SPEC.md and the
rule modules' docstrings without importing the project's model or rules (only the scenario's plain
facts: eligibility, home school, headcounts, shortage, distances; and the policy's rounding
helpers), so that a bug in the CP-SAT model shows up as a different optimum on the same scenario.

Decisions, each a column: rotation moves, 跟岗 exchanges, 走教 assignments and hires.

- Moves: a teacher who is eligible, pinned, owes rural service, or (eligibility elastic) lacks only
  years / terms / cooldown, to every other school of the home region (a hard `move_to` pin: only
  the pinned school), on every post of a subject they teach that the school demands (leaders:
  their role; subject_fit elastic: also any shortage subject there; a pinned move with no such
  post: the main subject). A move refused by a hard gate rule (eligibility, direction,
  subject_fit) is left out; one refused by an elastic gate pays the gate's weight.
- Exchanges (exchange): a classroom teacher of a receiving, non-sending school, free to go (no
  exemption, no pin, not on rotation, not near retirement) and whose subject the home school has
  beyond its demand, to a sending school of the region within `max_km` (of a stage they teach)
  that a rotation move of a teacher of that subject may leave; one year, in the teacher's subject.
- 走教 (itinerant): a classroom teacher of a school with a district, whose subject the school has
  beyond its demand, to another school of the district and region within `max_km` (of a stage
  they teach), in each listed subject they teach that the school demands and could lack after the
  plan; it counts the listed share of a post there and takes it from the teacher's post at home.
- Hires (recruitment): per school and demanded subject, `open` everywhere and `special` (特岗) at
  rural schools when the policy grants 特岗 posts; together at most the posts that could be empty.
- Every rule instance of the project's model, hard (a row) or elastic (a shortfall variable ≥ 0
  paying weight per unit), with the same targets and rounding (minimums up, caps down).
- Cost units: weights × 100 rounded to integers, divided by 100 on output, like the project's
  objective, so the two optima are comparable to the cent. Posts taught are counted in hundredths
  (a 走教 share of 0.5 is 50).

Modelling choices mirrored here (each is also what the project's checker computes):

- Staff after the plan counts moves, exchanges and hires (走教 teachers stay on their home staff),
  as the checker's `Outcome` does: headcounts, posts taught, backbone presence, degree balance,
  leadership and couples; the rotation quota, backbone share, capacity, principal rotation, title
  priority, the bundle and volunteers count rotation moves only.
- degree_balance elastic is the first-order (linear) estimate of the excess around the counts
  before the plan, paid per ⌈excess ÷ p·U_n⌉; hard it is exact, and the two products of changes
  are linearised exactly (binary expansion of one factor, McCormick on each bit).
- A leader's move fills a leadership post (at most max(now, 1) leaders of a role after the
  moves) and is outside the classroom-teacher departure cap; the backbone retention counts them.
- coverage: per school × demanded subject, the posts unmet before the plan are priced per
  hundredth of a post (weight × priority; where shortage prices them, nothing), and the rest of
  what is unmet after the plan — vacancies the plan opens — in whole posts (created_weight ×
  priority); shortage prices the receiving schools' short posts in whole posts taught.
- A couple (spouses now within spouse_max_km) counts as split when their final schools are
  farther apart than spouse_max_km.
- itinerant's limits always hold (the rule has no elastic mode); exchange's max_per_region is a
  cap in every mode.

Not mirrored: the project bounds each elastic shortfall variable from above (e.g. degree_balance
by ⌈worst ÷ unit⌉ + 1); here shortfalls are unbounded, so a binding bound there would show up as a
disagreement instead of being copied.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

import highspy
import numpy as np

from optimizer.plan import Hire, ItinerantAssignment, Move, Plan
from optimizer.policy import as_fraction, ceil_share, floor_share
from optimizer.scenario import Scenario, School, Teacher, stage_fits

from .gates import (
    GATES,
    RELAXABLE,
    can_lead,
    direction_allows,
    eligibility_allows,
    headed,
    ineligible_reason,
    is_eligible,
    is_receiving,
    is_sending,
    near_retirement,
    subject_fit_allows,
    term_of,
)

COST_SCALE = 100
"""Objective coefficients are round(weight × COST_SCALE): integer cost units, as the project's."""
HUNDREDTHS = 100
"""Posts taught are counted in hundredths of a post, so that 走教 shares are integers."""
LEADER_POSTS = ("principal", "vice_principal")
EXCHANGE_TERM = 1
"""An exchange (跟岗) is for one year (exchange.py)."""
INF = highspy.kHighsInf


@dataclass(frozen=True)
class IndependentResult:
    """status: optimal / feasible / infeasible / timeout_no_plan. objective and bound in cost units
    (the project's: weights × shortfall); seconds of wall time, model build included."""

    plan: Plan
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    variables: int = 0
    rows: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible move: `teacher` leaves `from_school` to fill `post` at `to_school`."""

    teacher: Teacher
    from_school: str
    to_school: str
    post: str


@dataclass(frozen=True, slots=True)
class Transfer:
    """A teacher who may change staff: a rotation move or an exchange, as column `column`."""

    column: int
    teacher: Teacher
    from_school: str
    to_school: str
    post: str
    exchange: bool


@dataclass(frozen=True, slots=True)
class Itinerant:
    """A possible 走教 assignment (column `column`): `units` hundredths of a `subject` post."""

    column: int
    teacher: Teacher
    home_school: str
    school_id: str
    subject: str
    share: float
    units: int


@dataclass(frozen=True, slots=True)
class HireOption:
    """Hires of `kind` for `subject` at `school_id` (an integer column, at most `most`)."""

    column: int
    school_id: str
    subject: str
    kind: str
    most: int


@dataclass
class Lin:
    """A linear expression: {column: coefficient} + constant."""

    terms: dict[int, float] = field(default_factory=dict)
    const: float = 0.0

    def copy(self) -> Lin:
        return Lin(dict(self.terms), self.const)

    def add(self, column: int, coefficient: float = 1.0) -> Lin:
        self.terms[column] = self.terms.get(column, 0.0) + coefficient
        return self

    def add_all(self, columns: Iterable[int], coefficient: float = 1.0) -> Lin:
        for column in columns:
            self.add(column, coefficient)
        return self

    def plus(self, other: Lin, factor: float = 1.0) -> Lin:
        for column, coefficient in other.terms.items():
            self.add(column, factor * coefficient)
        self.const += factor * other.const
        return self


class Mip:
    """Columns and rows of the MIP, and the hard / elastic instance pattern of the policy."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.offset = 0.0
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = [0]
        self.indices: list[int] = []
        self.values: list[float] = []
        self.trivially_infeasible: list[str] = []

    def column(self, lower: float, upper: float, cost: float = 0.0, integer: bool = True) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, expr: Lin, lower: float, upper: float, label: str) -> None:
        """lower ≤ expr ≤ upper (the expression's constant moved to the bounds)."""
        terms = {c: v for c, v in expr.terms.items() if v != 0}
        lower, upper = lower - expr.const, upper - expr.const
        if not terms:
            if lower > 0 or upper < 0:
                self.trivially_infeasible.append(label)
            return
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.indices.extend(terms)
        self.values.extend(terms.values())
        self.starts.append(len(self.indices))

    def unit_cost(self, rule: str, weight: float | None = None) -> int:
        value = self.scenario.policy.weight(rule) if weight is None else weight
        return round(value * COST_SCALE)

    def at_least(
        self, rule: str, label: str, expr: Lin, target: float, unit: int = 1, weight: float | None = None
    ) -> None:
        """expr ≥ target; elastic: expr + unit × shortfall ≥ target, the shortfall paid per unit."""
        if self.scenario.policy.is_hard(rule):
            self.row(expr, target, INF, label)
            return
        shortfall = self.column(0, INF, self.unit_cost(rule, weight))
        self.row(expr.copy().add(shortfall, unit), target, INF, label)

    def at_most(
        self, rule: str, label: str, expr: Lin, limit: float, unit: int = 1, weight: float | None = None
    ) -> None:
        """expr ≤ limit; elastic: expr − unit × excess ≤ limit, the excess paid per unit."""
        if self.scenario.policy.is_hard(rule):
            self.row(expr, -INF, limit, label)
            return
        excess = self.column(0, INF, self.unit_cost(rule, weight))
        self.row(expr.copy().add(excess, -unit), -INF, limit, label)

    def bounded_int(self, expr: Lin, lower: int, upper: int) -> int:
        """An integer column equal to expr (whose value lies in [lower, upper])."""
        column = self.column(lower, upper)
        self.row(expr.copy().add(column, -1.0), 0, 0, "definition")
        return column

    def product(self, u: int, v: int) -> Lin:
        """u × v for two integer columns, exactly: u = lo + Σ 2^k b_k, and w_k = b_k × v by
        McCormick, which is exact for a binary b_k."""
        u_low, u_high = int(self.lower[u]), int(self.upper[u])
        v_low, v_high = self.lower[v], self.upper[v]
        result = Lin().add(v, u_low)
        bits = Lin().add(u, 1.0)
        for k in range((u_high - u_low).bit_length()):
            b = self.column(0, 1)
            w = self.column(min(v_low, 0), max(v_high, 0), integer=False)
            bits.add(b, -(2**k))
            self.row(Lin().add(w).add(b, -v_low), 0, INF, "mccormick")
            self.row(Lin().add(w).add(b, -v_high), -INF, 0, "mccormick")
            self.row(Lin().add(w).add(v, -1).add(b, -v_high), -v_high, INF, "mccormick")
            self.row(Lin().add(w).add(v, -1).add(b, -v_low), -INF, -v_low, "mccormick")
            result.add(w, 2**k)
        self.row(bits, u_low, u_low, "binary expansion")
        return result


# -- candidates ------------------------------------------------------------------------------


def may_leave(scenario: Scenario, teacher: Teacher) -> bool:
    reason = ineligible_reason(scenario, teacher)
    if reason is None or teacher.teacher_id in scenario.pin_by_teacher:
        return True
    if scenario.owes_rural_service(teacher):
        return True
    return reason in RELAXABLE and not scenario.policy.is_hard("eligibility")


def candidates(scenario: Scenario) -> tuple[list[Candidate], list[tuple[str, ...]]]:
    """Every possible move, and per move the elastic gate rules it breaks (each paid once)."""
    policy = scenario.policy
    by_region: dict[str, list[School]] = defaultdict(list)
    for school in scenario.schools:
        by_region[school.region].append(school)
    demanded: dict[str, set[str]] = defaultdict(set)
    short_subjects: dict[str, list[str]] = defaultdict(list)
    for (school_id, subject), required in scenario.demand.items():
        if required > 0:
            demanded[school_id].add(subject)
        if scenario.shortage(school_id, subject) > 0:
            short_subjects[school_id].append(subject)
    fit_hard = policy.is_hard("subject_fit")
    hard_gates = {g for g in GATES if policy.is_hard(g)}
    result: list[Candidate] = []
    refusals: list[tuple[str, ...]] = []
    for teacher in scenario.teachers:
        if not may_leave(scenario, teacher):
            continue
        home = scenario.school_by_id[scenario.home_school(teacher)]
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        pinned_to = pin.school_id if pin is not None and pin.action == "move_to" else None
        if pinned_to is not None and policy.is_hard("pins"):
            destinations = [scenario.school_by_id[pinned_to]]
        else:
            destinations = by_region[home.region]
        for school in destinations:
            if school.school_id == home.school_id:
                continue
            if teacher.is_principal:
                posts = [teacher.role]
            else:
                posts = [s for s in teacher.subjects if s in demanded[school.school_id]]
                if not fit_hard:
                    posts += [s for s in short_subjects[school.school_id] if s not in posts]
            pinned = school.school_id == pinned_to
            if pinned and not posts:
                posts = [teacher.role if teacher.is_principal else teacher.subject]
            for post in dict.fromkeys(posts):
                refused = []
                if not eligibility_allows(scenario, teacher, school):
                    refused.append("eligibility")
                if not direction_allows(scenario, teacher, home, school):
                    refused.append("direction")
                if not subject_fit_allows(teacher, school, post):
                    refused.append("subject_fit")
                if hard_gates.intersection(refused):
                    continue  # a hard gate forbids it (a pinned one too: then the pin fails)
                result.append(Candidate(teacher, home.school_id, school.school_id, post))
                refusals.append(tuple(refused))
    return result, refusals


def spare(scenario: Scenario, school_id: str, subject: str) -> int:
    """Classroom teachers of `subject` the school has beyond its demand (negative when short)."""
    return scenario.subject_headcount[(school_id, subject)] - scenario.demand.get((school_id, subject), 0)


def may_exchange(scenario: Scenario, teacher: Teacher) -> bool:
    """exchange.py: a classroom teacher of a receiving, non-sending school, free to go (no
    exemption, no pin, not on rotation, not near retirement), whose subject the home school has
    beyond its demand."""
    if teacher.role != "teacher" or teacher.exempt_reason or teacher.on_rotation_from:
        return False
    if teacher.teacher_id in scenario.pin_by_teacher or near_retirement(scenario, teacher):
        return False
    home = scenario.school_by_id[scenario.home_school(teacher)]
    if is_sending(scenario, home) or not is_receiving(scenario, home):
        return False
    return spare(scenario, home.school_id, teacher.subject) > 0


def within(scenario: Scenario, school_a: str, school_b: str, max_km: float) -> bool:
    """Within `max_km` of each other, or not both located."""
    km = scenario.km_between_schools(school_a, school_b)
    return km is None or km <= max_km


# -- the formulation -------------------------------------------------------------------------


class Formulation:
    """Builds every rule into a Mip: the decisions' columns first (moves, exchanges, 走教, hires:
    each set of options depends on the ones before it), then one method per rule id of SPEC.md."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.policy = scenario.policy
        self.mip = Mip(scenario)
        self.moves, refusals = candidates(scenario)
        self.x: list[int] = []
        for refused in refusals:
            self.x.append(self.mip.column(0, 1, sum(self.mip.unit_cost(rule) for rule in refused)))
        self.by_teacher: dict[str, list[int]] = defaultdict(list)
        self.out_of: dict[str, list[int]] = defaultdict(list)
        self.into: dict[str, list[int]] = defaultdict(list)
        for i, move in enumerate(self.moves):
            self.by_teacher[move.teacher.teacher_id].append(i)
            self.out_of[move.from_school].append(i)
            self.into[move.to_school].append(i)
        self.transfers = [
            Transfer(self.x[i], m.teacher, m.from_school, m.to_school, m.post, exchange=False)
            for i, m in enumerate(self.moves)
        ]
        self.transfers += self.exchange_options()
        self.assignments = self.itinerant_options()
        self.hires = self.hire_options()
        self.goes: dict[str, list[int]] = defaultdict(list)
        self.transfers_of: dict[str, list[Transfer]] = defaultdict(list)
        self.transfers_into: dict[str, list[Transfer]] = defaultdict(list)
        self.transfers_out: dict[str, list[Transfer]] = defaultdict(list)
        self.staff_change: dict[str, Lin] = defaultdict(Lin)
        self.post_change: dict[tuple[str, str], Lin] = defaultdict(Lin)
        self.share_change: dict[tuple[str, str], Lin] = defaultdict(Lin)
        for t in self.transfers:
            self.goes[t.teacher.teacher_id].append(t.column)
            self.transfers_of[t.teacher.teacher_id].append(t)
            self.transfers_into[t.to_school].append(t)
            self.transfers_out[t.from_school].append(t)
            self.staff_change[t.to_school].add(t.column)
            self.staff_change[t.from_school].add(t.column, -1)
            self.post_change[(t.to_school, t.post)].add(t.column)
            if t.teacher.role == "teacher":
                self.post_change[(t.from_school, t.teacher.subject)].add(t.column, -1)
        for h in self.hires:
            self.staff_change[h.school_id].add(h.column)
            self.post_change[(h.school_id, h.subject)].add(h.column)
        for a in self.assignments:
            self.share_change[(a.school_id, a.subject)].add(a.column, a.units)
            self.share_change[(a.home_school, a.teacher.subject)].add(a.column, -a.units)

    # -- decisions other than moves ------------------------------------------------------------

    def exchange_options(self) -> list[Transfer]:
        """Each teacher who may go on exchange, to each sending school of the region within
        `max_km` where a rotation move may open a post of the teacher's subject; none when
        `max_per_region` is 0. (The stage fit is the build code's: the docstring does not say.)"""
        sc = self.scenario
        params = self.policy.rule("exchange")
        if int(params["max_per_region"]) == 0:
            return []
        cost = round(float(params["exchange_weight"]) * COST_SCALE)
        opened = {(m.from_school, m.teacher.subject) for m in self.moves if m.teacher.role == "teacher"}
        found = []
        for teacher in sc.teachers:
            if not may_exchange(sc, teacher):
                continue
            home = sc.school_by_id[sc.home_school(teacher)]
            for school in sc.schools:
                if school.region != home.region or not is_sending(sc, school):
                    continue
                if (school.school_id, teacher.subject) not in opened or not stage_fits(
                    teacher.stage, school.stage
                ):
                    continue
                if within(sc, home.school_id, school.school_id, float(params["max_km"])):
                    column = self.mip.column(0, 1, cost)
                    found.append(
                        Transfer(column, teacher, home.school_id, school.school_id, teacher.subject, True)
                    )
        return found

    def itinerant_options(self) -> list[Itinerant]:
        """Each 走教 assignment a classroom teacher could take: another school of the home
        school's district and region within `max_km`, of a stage the teacher teaches, in a listed
        subject they teach that the school demands and could lack after the plan.

        The docstring says that 走教 "helps where the home school has the subject beyond its
        demand" and names no exemption; the build code makes both conditions (the teacher's subject
        beyond demand at home, no exemption), and so does this. "Could lack" is read from the build
        code too: the school's teachers of the subject who may move, go on exchange or 走教
        elsewhere could take its count below the demand."""
        sc = self.scenario
        params = self.policy.rule("itinerant")
        shares = {s: min(1.0, float(v)) for s, v in params["subjects"].items() if float(v) > 0}
        cost = round(float(params["assignment_weight"]) * COST_SCALE)
        possible: list[tuple[Teacher, str, str, str]] = []
        for teacher in sc.teachers:
            if teacher.role != "teacher" or teacher.exempt_reason:
                continue
            home = sc.school_by_id[sc.home_school(teacher)]
            if not home.district or spare(sc, home.school_id, teacher.subject) <= 0:
                continue
            for school in sc.schools:
                if school.school_id == home.school_id or (school.district, school.region) != (
                    home.district,
                    home.region,
                ):
                    continue
                if not within(sc, home.school_id, school.school_id, float(params["max_km"])):
                    continue
                if not stage_fits(teacher.stage, school.stage):
                    continue
                for subject in teacher.subjects:
                    if subject in shares and sc.demand.get((school.school_id, subject), 0) > 0:
                        possible.append((teacher, home.school_id, school.school_id, subject))
        leaving = self.leavers([(t.teacher, t.from_school) for t in self.transfers])
        for teacher, home_id, _, _ in possible:
            leaving[(home_id, teacher.subject)].add(teacher.teacher_id)
        found = []
        for teacher, home_id, school_id, subject in possible:
            required = sc.demand[(school_id, subject)]
            before = sc.subject_headcount[(school_id, subject)]
            if required > before - min(len(leaving[(school_id, subject)]), before):
                share = shares[subject]
                column = self.mip.column(0, 1, cost)
                units = round(share * HUNDREDTHS)
                found.append(Itinerant(column, teacher, home_id, school_id, subject, share, units))
        return found

    def leavers(self, going: Iterable[tuple[Teacher, str]]) -> dict[tuple[str, str], set[str]]:
        """(school, subject) → the classroom teachers of that subject who may leave the school's
        posts, from (teacher, school they leave) pairs."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for teacher, school_id in going:
            if teacher.role == "teacher":
                found[(school_id, teacher.subject)].add(teacher.teacher_id)
        return found

    def hire_options(self) -> list[HireOption]:
        """Hires per school and demanded subject, at most the posts that could be empty after the
        plan: unmet before, or vacated by a move, an exchange or 走教 (recruitment's docstring says
        the plan hires "only where a post would otherwise stay empty"; the bound is the build
        code's). `special` (特岗) hires at rural schools when the policy grants 特岗 posts."""
        sc = self.scenario
        params = self.policy.rule("recruitment")
        cost = round(float(params["hire_weight"]) * COST_SCALE)
        special = int(params["special_posts"]) > 0
        going = [(t.teacher, t.from_school) for t in self.transfers]
        going += [(a.teacher, a.home_school) for a in self.assignments]
        leaving = self.leavers(going)
        found = []
        for school in sc.schools:
            kinds = ("open", "special") if special and school.area == "rural" else ("open",)
            for subject in sc.subjects_demanded(school.school_id):
                key = (school.school_id, subject)
                required, before = sc.demand[key], sc.subject_headcount[key]
                most = min(required, required - before + min(len(leaving[key]), before))
                if most <= 0:
                    continue
                options = [
                    HireOption(self.mip.column(0, most, cost), school.school_id, subject, kind, most)
                    for kind in kinds
                ]
                if len(options) > 1:
                    self.mip.row(Lin().add_all(h.column for h in options), -INF, most, "hires per post")
                found += options
        return found

    # -- expressions ---------------------------------------------------------------------------

    def cols(self, moves: Iterable[int]) -> list[int]:
        return [self.x[i] for i in moves]

    def moved(self, teacher_id: str) -> Lin:
        return Lin().add_all(self.cols(self.by_teacher.get(teacher_id, [])))

    def headcount_after(self, school_id: str) -> Lin:
        """Staff after moves, exchanges and hires."""
        after = Lin(const=self.scenario.headcount(school_id))
        return after.plus(self.staff_change.get(school_id, Lin()))

    def subject_after(self, school_id: str, subject: str) -> Lin:
        """Classroom teachers of `subject` after moves, exchanges and hires (whole teachers)."""
        after = Lin(const=self.scenario.subject_headcount[(school_id, subject)])
        return after.plus(self.post_change.get((school_id, subject), Lin()))

    def covered(self, school_id: str, subject: str) -> Lin:
        """Hundredths of a post of `subject` taught at the school after the plan (走教 shares in)."""
        covered = Lin().plus(self.subject_after(school_id, subject), HUNDREDTHS)
        return covered.plus(self.share_change.get((school_id, subject), Lin()))

    def priority(self, subject: str) -> float:
        return float(self.policy.rule("shortage")["priority"].get(subject, 1))

    def build(self) -> Mip:
        for columns in self.goes.values():
            if len(columns) > 1:
                self.mip.row(Lin().add_all(columns), -INF, 1, "one move or exchange per teacher")
        self.rotation_quota()
        self.backbone_share()
        self.exchange()
        self.itinerant()
        self.recruitment()
        self.shortage()
        self.coverage()
        self.capacity()
        self.staffing_balance()
        self.backbone_presence()
        self.degree_balance()
        self.principal_rotation()
        self.leadership()
        self.new_teacher_bundle()
        self.title_priority()
        self.fair_turn()
        self.preferences()
        self.pins()
        return self.mip

    # -- rules ---------------------------------------------------------------------------------

    def rotation_quota(self) -> None:
        """Departures from sending schools ≥ ⌈rate × their eligible teachers⌉, per region or school."""
        sc = self.scenario
        rate = self.policy.rule("rotation_quota")["rate"]
        sending = [s for s in sc.schools if is_sending(sc, s)]
        if self.policy.rule("rotation_quota")["scope"] == "school":
            groups = [[s] for s in sending]
        else:
            groups = [[s for s in sending if s.region == region] for region in sc.regions]
        for group in groups:
            eligible = sum(is_eligible(sc, t) for s in group for t in sc.staff_at[s.school_id])
            leaving = Lin().add_all(self.cols(i for s in group for i in self.out_of[s.school_id]))
            self.mip.at_least("rotation_quota", "quota", leaving, ceil_share(rate, eligible))

    def backbone_share(self) -> None:
        """Per region of the home school: q·backbone − p·movers ≥ 0 with share = p/q; elastic
        shortfall in teachers (q per unit), i.e. ⌈share × movers⌉ − backbone movers."""
        share = as_fraction(self.policy.rule("backbone_share")["share"])
        p, q = share.numerator, share.denominator
        region_moves: dict[str, list[int]] = defaultdict(list)
        for i, move in enumerate(self.moves):
            region_moves[self.scenario.school_by_id[move.from_school].region].append(i)
        for region in self.scenario.regions:
            expr = Lin()
            for i in region_moves[region]:
                expr.add(self.x[i], (q if self.moves[i].teacher.is_backbone else 0) - p)
            self.mip.at_least("backbone_share", region, expr, 0, unit=q)

    def exchange(self) -> None:
        """Exchanges into a sending school's subject back-fill only posts that rotation opens
        there (elastic: weight per exchange beyond them); a school sends at most its teachers of a
        subject beyond demand; at most `max_per_region` exchanges per county (a cap, −1: none).
        Each exchange costs exchange_weight (on its column)."""
        sc = self.scenario
        rotating_out: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, move in enumerate(self.moves):
            if move.teacher.role == "teacher":
                rotating_out[(move.from_school, move.teacher.subject)].append(self.x[i])
        into: dict[tuple[str, str], list[int]] = defaultdict(list)
        out_of: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_region: dict[str, list[int]] = defaultdict(list)
        for t in self.transfers:
            if t.exchange:
                into[(t.to_school, t.post)].append(t.column)
                out_of[(t.from_school, t.teacher.subject)].append(t.column)
                by_region[sc.school_by_id[t.to_school].region].append(t.column)
        for (school_id, subject), columns in sorted(into.items()):
            backfill = Lin().add_all(columns).add_all(rotating_out[(school_id, subject)], -1)
            self.mip.at_most("exchange", f"{school_id}/{subject}", backfill, 0)
        for (school_id, subject), columns in out_of.items():
            self.mip.row(Lin().add_all(columns), -INF, spare(sc, school_id, subject), "spare teachers")
        limit = int(self.policy.rule("exchange")["max_per_region"])
        if limit > 0:
            for columns in by_region.values():
                self.mip.row(Lin().add_all(columns), -INF, limit, "exchanges per county")

    def itinerant(self) -> None:
        """Per teacher: 走教 at most at max_schools schools, at most one post away in all, and not
        while moving or on exchange; always hard. Each assignment costs assignment_weight (on its
        column)."""
        params = self.policy.rule("itinerant")
        by_teacher: dict[str, list[Itinerant]] = defaultdict(list)
        for a in self.assignments:
            by_teacher[a.teacher.teacher_id].append(a)
        for teacher_id, assignments in by_teacher.items():
            columns = [a.column for a in assignments]
            self.mip.row(Lin().add_all(columns), -INF, int(params["max_schools"]), "max_schools")
            if sum(a.units for a in assignments) > HUNDREDTHS:
                away = Lin()
                for a in assignments:
                    away.add(a.column, a.units)
                self.mip.row(away, -INF, HUNDREDTHS, "one post away at most")
            goes = self.goes.get(teacher_id, [])
            for column in columns if goes else ():
                self.mip.row(Lin().add(column).add_all(goes), -INF, 1, "not while leaving")

    def recruitment(self) -> None:
        """Open hires per county within the budget (`max_new_teachers`, −1: the vacant
        establishment Σ max(0, establishment − headcount)), hires of a subject in
        `extra_by_subject` beyond it up to the extra; 特岗 hires within `special_posts` per county;
        a school hires into free posts of its establishment only. Each hire costs hire_weight (on
        its column)."""
        sc = self.scenario
        params = self.policy.rule("recruitment")
        extras = {s: int(n) for s, n in params["extra_by_subject"].items() if int(n) > 0}
        by_school: dict[str, list[HireOption]] = defaultdict(list)
        for h in self.hires:
            by_school[h.school_id].append(h)
        for school_id, hires in by_school.items():
            # A hire takes a free post: vacant before the plan, or left by a mover or an exchange.
            school = sc.school_by_id[school_id]
            taken = Lin().add_all(h.column for h in hires)
            taken.add_all((t.column for t in self.transfers_out[school_id]), -1)
            vacant = max(0, school.establishment - sc.headcount(school_id))
            self.mip.at_most("recruitment", f"{school_id}/establishment", taken, vacant)
        setting = int(params["max_new_teachers"])
        for region in sc.regions:
            hires = [h for h in self.hires if sc.school_by_id[h.school_id].region == region]
            open_hires = [h for h in hires if h.kind == "open"]
            if open_hires:
                counted = Lin().add_all(h.column for h in open_hires)
                for subject, extra in extras.items():
                    of_subject = [h.column for h in open_hires if h.subject == subject]
                    if of_subject:
                        beyond = self.mip.column(0, extra)
                        self.mip.row(Lin().add(beyond).add_all(of_subject, -1), -INF, 0, "extra hires")
                        counted.add(beyond, -1)
                vacant = sum(
                    max(0, s.establishment - sc.headcount(s.school_id))
                    for s in sc.schools
                    if s.region == region
                )
                budget = vacant if setting < 0 else setting
                self.mip.at_most("recruitment", f"{region}/budget", counted, budget)
            special = [h.column for h in hires if h.kind == "special"]
            if special:
                posts = int(params["special_posts"])
                self.mip.at_most("recruitment", f"{region}/special", Lin().add_all(special), posts)

    def shortage(self) -> None:
        """At each receiving school, per subject short before the plan: posts taught after (moves,
        exchanges, hires, 走教 shares) ≥ required; each post short, a part of one counting as one,
        costs weight × subject priority."""
        sc = self.scenario
        for (school_id, subject), required in sorted(sc.demand.items()):
            if sc.shortage(school_id, subject) <= 0 or not is_receiving(sc, sc.school_by_id[school_id]):
                continue
            weight = self.policy.weight("shortage") * self.priority(subject)
            self.mip.at_least(
                "shortage",
                f"{school_id}/{subject}",
                self.covered(school_id, subject),
                HUNDREDTHS * required,
                unit=HUNDREDTHS,
                weight=weight,
            )

    def coverage(self) -> None:
        """Every school × demanded subject: covered + still_open + HUNDREDTHS × opened ≥ HUNDREDTHS
        × required, where still_open (hundredths, at most the posts unmet before) costs weight ×
        priority per post — nothing where shortage prices those posts — and opened (whole posts:
        vacancies the plan opens) costs created_weight × priority; hard mode opens none."""
        sc = self.scenario
        weight = self.policy.weight("coverage")
        created_weight = self.policy.weight("coverage", "created_weight")
        for school in sc.schools:
            school_id = school.school_id
            for subject in sc.subjects_demanded(school_id):
                required = sc.demand[(school_id, subject)]
                unmet = max(0, required - sc.subject_headcount[(school_id, subject)])
                priority = self.priority(subject)
                covered = self.covered(school_id, subject)
                if unmet:
                    priced_by_shortage = is_receiving(sc, school)
                    per_hundredth = (
                        0 if priced_by_shortage else round(weight * priority / HUNDREDTHS * COST_SCALE)
                    )
                    covered.add(self.mip.column(0, HUNDREDTHS * unmet, per_hundredth))
                self.mip.at_least(
                    "coverage",
                    f"{school_id}/{subject}",
                    covered,
                    HUNDREDTHS * required,
                    unit=HUNDREDTHS,
                    weight=created_weight * priority,
                )

    def capacity(self) -> None:
        """Leadership posts, max_incoming, the departure cap (classroom posts only) and the
        backbone teachers a school must keep: rotation moves only."""
        sc = self.scenario
        params = self.policy.rule("capacity")
        for school in sc.schools:
            sid = school.school_id
            staff = sc.staff_at[sid]
            arriving, leaving = self.into[sid], self.out_of[sid]
            for role in LEADER_POSTS:
                role_in = [i for i in arriving if self.moves[i].post == role]
                if role_in:
                    now = sum(t.role == role for t in staff)
                    after = Lin(const=now).add_all(self.cols(role_in))
                    after.add_all(self.cols(i for i in leaving if self.moves[i].post == role), -1)
                    self.mip.at_most("capacity", f"{sid}/{role}", after, max(now, 1))
            if school.max_incoming is not None and arriving:
                self.mip.at_most(
                    "capacity", f"{sid}/in", Lin().add_all(self.cols(arriving)), school.max_incoming
                )
            teachers_out = [i for i in leaving if self.moves[i].post not in LEADER_POSTS]
            if teachers_out:
                cap = floor_share(params["max_departure_share"], sc.headcount(sid))
                self.mip.at_most("capacity", f"{sid}/out", Lin().add_all(self.cols(teachers_out)), cap)
            backbone_out = [i for i in leaving if self.moves[i].teacher.is_backbone]
            if backbone_out:
                backbone = sum(t.is_backbone for t in staff)
                keep = ceil_share(params["min_backbone_retained"], backbone)
                self.mip.at_most(
                    "capacity", f"{sid}/backbone", Lin().add_all(self.cols(backbone_out)), backbone - keep
                )

    def staffing_balance(self) -> None:
        """A school whose headcount the plan may change ends within [max(0, min(establishment −
        tolerance_low, now)), max(establishment + tolerance, now)]; and each school × subject a
        classroom teacher may arrive in (a move or an exchange) ends with at most max(demand, now)
        teachers of it, each one above paying unneeded_weight."""
        sc = self.scenario
        params = self.policy.rule("staffing_balance")
        tolerance, tolerance_low = int(params["tolerance"]), int(params["tolerance_low"])
        for school in sc.schools:
            sid = school.school_id
            if not self.staff_change.get(sid, Lin()).terms:
                continue
            before = sc.headcount(sid)
            after = self.headcount_after(sid)
            self.mip.at_most(
                "staffing_balance", f"{sid}/upper", after, max(school.establishment + tolerance, before)
            )
            lower = max(0, min(school.establishment - tolerance_low, before))
            self.mip.at_least("staffing_balance", f"{sid}/lower", after, lower)
        unneeded = self.policy.weight("staffing_balance", "unneeded_weight")
        arriving = sorted({(t.to_school, t.post) for t in self.transfers if t.post not in LEADER_POSTS})
        for school_id, subject in arriving:
            need = max(sc.demand.get((school_id, subject), 0), sc.subject_headcount[(school_id, subject)])
            after = self.subject_after(school_id, subject)
            self.mip.at_most("staffing_balance", f"{school_id}/{subject}/need", after, need, weight=unneeded)

    def backbone_presence(self) -> None:
        """Every receiving school ends with at least min_per_school backbone teachers."""
        sc = self.scenario
        minimum = int(self.policy.rule("backbone_presence")["min_per_school"])
        for school in sc.schools:
            if not is_receiving(sc, school):
                continue
            sid = school.school_id
            after = Lin(const=sum(t.is_backbone for t in sc.staff_at[sid]))
            after.add_all(t.column for t in self.transfers_into[sid] if t.teacher.is_backbone)
            after.add_all((t.column for t in self.transfers_out[sid] if t.teacher.is_backbone), -1)
            self.mip.at_least("backbone_presence", sid, after, minimum)

    def degree_balance(self) -> None:
        """q·U_b·R_n ≤ p·R_b·U_n per region (ratio_max = p/q; U urban, R rural, _b degree holders,
        _n everyone, after the plan), written around the counts before it."""
        sc = self.scenario
        ratio = as_fraction(self.policy.rule("degree_balance")["ratio_max"])
        p, q = ratio.numerator, ratio.denominator
        exact = self.policy.is_hard("degree_balance")
        for region in sc.regions:
            (u_n, u_b), du_n, du_b = self.area_change(region, "urban")
            (r_n, r_b), dr_n, dr_b = self.area_change(region, "rural")
            if u_n == 0 or r_n == 0:
                continue
            excess = Lin(const=q * u_b * r_n - p * r_b * u_n)
            excess.add(dr_n, q * u_b).add(du_b, q * r_n).add(du_n, -p * r_b).add(dr_b, -p * u_n)
            if exact:
                excess.plus(self.mip.product(du_b, dr_n), q).plus(self.mip.product(dr_b, du_n), -p)
            self.mip.at_most("degree_balance", region, excess, 0, unit=p * u_n)

    def area_change(self, region: str, area: str) -> tuple[tuple[int, int], int, int]:
        """((headcount, degree holders) before, headcount change column, holders change column)."""
        sc = self.scenario
        ids = {s.school_id for s in sc.schools if s.region == region and s.area == area}
        staff = [t for sid in ids for t in sc.staff_at[sid]]
        arrive = [t for t in self.transfers if t.to_school in ids and t.from_school not in ids]
        leave = [t for t in self.transfers if t.from_school in ids and t.to_school not in ids]
        holders_in = [t.column for t in arrive if t.teacher.has_degree]
        holders_out = [t.column for t in leave if t.teacher.has_degree]
        headcount = Lin().add_all(t.column for t in arrive).add_all((t.column for t in leave), -1)
        holders = Lin().add_all(holders_in).add_all(holders_out, -1)
        return (
            (len(staff), sum(t.has_degree for t in staff)),
            self.mip.bounded_int(headcount, -len(leave), len(arrive)),
            self.mip.bounded_int(holders, -len(holders_out), len(holders_in)),
        )

    def principal_rotation(self) -> None:
        """Each eligible leader with enough terms moves; per region at least young_rural_share of
        the rural schools' principals and vice-principals are aged ≤ young_age after the moves."""
        sc = self.scenario
        terms = int(self.policy.rule("eligibility")["principal_terms"])
        for t in sc.teachers:
            if t.is_principal and t.terms_at_school >= terms and is_eligible(sc, t):
                self.mip.at_least("principal_rotation", t.teacher_id, self.moved(t.teacher_id), 1)
        params = self.policy.rule("principal_rotation")
        share = as_fraction(params["young_rural_share"])
        p, q = share.numerator, share.denominator
        for region in sc.regions:
            rural = {s.school_id for s in sc.schools if s.region == region and s.area == "rural"}
            leaders = [t for sid in rural for t in sc.staff_at[sid] if t.is_principal]
            arriving = [
                i
                for i, m in enumerate(self.moves)
                if m.post in LEADER_POSTS and m.to_school in rural and m.from_school not in rural
            ]
            leaving = [
                i
                for i, m in enumerate(self.moves)
                if m.post in LEADER_POSTS and m.from_school in rural and m.to_school not in rural
            ]
            if not leaders and not arriving:
                continue

            def young(t: Teacher) -> bool:
                return sc.age(t) <= int(params["young_age"])

            # q·young_after − p·all_after ≥ 0
            expr = Lin(const=q * sum(young(t) for t in leaders) - p * len(leaders))
            for i in arriving:
                expr.add(self.x[i], q * young(self.moves[i].teacher) - p)
            for i in leaving:
                expr.add(self.x[i], -(q * young(self.moves[i].teacher) - p))
            self.mip.at_least("principal_rotation", f"young/{region}", expr, 0, unit=q)

    def leadership(self) -> None:
        """A school with a principal before the plan has someone to head it after: a principal,
        vice-principal or reserve leader who stays, or one who arrives (by a move or an exchange)."""
        sc = self.scenario
        for school in sc.schools:
            if not headed(sc, school):
                continue
            sid = school.school_id
            leaders = [t for t in sc.staff_at[sid] if can_lead(t)]
            heads = Lin(const=len(leaders))
            for t in leaders:
                heads.add_all(self.goes.get(t.teacher_id, []), -1)
            heads.add_all(t.column for t in self.transfers_into[sid] if can_lead(t.teacher))
            if heads.terms:
                self.mip.at_least("leadership", sid, heads, 1)

    def new_teacher_bundle(self) -> None:
        """A teacher who owes rural service goes to a rural school this year."""
        sc = self.scenario
        for t in sc.teachers:
            if sc.owes_rural_service(t):
                rural = [
                    i
                    for i in self.by_teacher.get(t.teacher_id, [])
                    if sc.school_by_id[self.moves[i].to_school].area == "rural"
                ]
                self.mip.at_least("new_teacher_bundle", t.teacher_id, Lin().add_all(self.cols(rural)), 1)

    def title_priority(self) -> None:
        """An eligible teacher planning a senior title without rural / weak-school years moves."""
        sc = self.scenario
        for t in sc.teachers:
            if t.plans_senior_title and t.rural_years < 1 and t.weak_years < 3 and is_eligible(sc, t):
                self.mip.at_least("title_priority", t.teacher_id, self.moved(t.teacher_id), 1)

    def fair_turn(self) -> None:
        """Per region: Σ over eligible unpinned teachers of (their school-and-post group members due
        in an earlier year) × moved ≤ 0. Due year: years at the school reach min_years_at_school
        (a principal with the terms: this year at the latest), not before last rotation + cooldown."""
        sc, params = self.scenario, self.policy.rule("eligibility")
        year = sc.policy.year
        groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for t in sc.teachers:
            if not is_eligible(sc, t) or t.teacher_id in sc.pin_by_teacher:
                continue
            due = year - t.years_at_school + int(params["min_years_at_school"])
            if t.is_principal:
                due = min(due, year)
            if t.last_rotated_year is not None:
                due = max(due, t.last_rotated_year + int(params["cooldown_years"]))
            post = t.subject if t.role == "teacher" else t.role
            groups[(sc.home_school(t), post)].append((due, t.teacher_id))
        passed: dict[str, Lin] = defaultdict(Lin)
        for members in groups.values():
            for due, teacher_id in members:
                place = sum(other < due for other, _ in members)
                if place:
                    region = sc.region_of(sc.teacher_by_id[teacher_id])
                    passed[region].add_all(self.cols(self.by_teacher.get(teacher_id, [])), place)
        for region, expr in sorted(passed.items()):
            self.mip.at_most("fair_turn", region, expr, 0)

    def preferences(self) -> None:
        """Costs: idle eligible volunteers, preference rank and km of each move, split couples.
        Hard mode also forbids moves to unlisted schools and splitting a couple."""
        sc, mip = self.scenario, self.mip
        params = self.policy.rule("preferences")
        hard = self.policy.is_hard("preferences")
        volunteer = round(float(params["volunteer_weight"]) * COST_SCALE)
        for t in sc.teachers:
            if t.volunteer and is_eligible(sc, t) and volunteer:
                mip.offset += volunteer
                for column in self.cols(self.by_teacher.get(t.teacher_id, [])):
                    mip.cost[column] -= volunteer
        for i, move in enumerate(self.moves):
            t = move.teacher
            km = sc.commute_km(t, move.to_school)
            cost = float(params["distance_weight"]) * (0 if km is None else round(km))
            if t.preferred_schools:
                prefs = t.preferred_schools
                rank = prefs.index(move.to_school) if move.to_school in prefs else len(prefs)
                cost += float(params["preference_weight"]) * rank
                if hard and move.to_school not in prefs:
                    mip.upper[self.x[i]] = 0
            mip.cost[self.x[i]] += round(cost * COST_SCALE)
        limit = float(params["spouse_max_km"])
        for a in sc.teachers:
            b = sc.teacher_by_id.get(a.spouse_id or "")
            if b is None or a.teacher_id > b.teacher_id:
                continue
            now = sc.km_between_schools(sc.home_school(a), sc.home_school(b))
            if now is not None and now <= limit:
                self.couple(a, b, limit, hard)

    def couple(self, a: Teacher, b: Teacher, limit: float, hard: bool) -> None:
        """split ≥ [a ends at P] + [b ends at Q] − 1 for every pair of final places farther apart
        than `limit`; staying home is 1 − (moved or on exchange)."""
        sc, mip = self.scenario, self.mip

        def places(t: Teacher) -> list[tuple[str, Lin]]:
            stay = Lin(const=1).add_all(self.goes.get(t.teacher_id, []), -1)
            away = [
                (move.to_school, Lin().add(move.column)) for move in self.transfers_of.get(t.teacher_id, [])
            ]
            return [(sc.home_school(t), stay), *away]

        far = [
            (at_a, at_b)
            for (place_a, at_a), (place_b, at_b) in product(places(a), places(b))
            if (km := sc.km_between_schools(place_a, place_b)) is not None and km > limit
        ]
        if not far:
            return
        weight = float(self.policy.rule("preferences")["spouse_weight"])
        split = mip.column(0, 0 if hard else 1, round(weight * COST_SCALE))
        for at_a, at_b in far:
            mip.row(Lin().add(split).plus(at_a, -1).plus(at_b, -1), -1, INF, f"couple {a.teacher_id}")

    def pins(self) -> None:
        """HR's move_to (the teacher moves to that school) and stay (the teacher does not move)."""
        sc = self.scenario
        for pin in sc.pins:
            mine = self.by_teacher.get(pin.teacher_id, [])
            if pin.action == "move_to":
                there = [i for i in mine if self.moves[i].to_school == pin.school_id]
                self.mip.at_least("pins", pin.teacher_id, Lin().add_all(self.cols(there)), 1)
            else:
                self.mip.at_most("pins", pin.teacher_id, Lin().add_all(self.cols(mine)), 0)

    def plan(self, values: np.ndarray) -> Plan:
        """The moves (each with its term), exchanges, hires and 走教 assignments the values choose."""
        sc = self.scenario

        def chosen(column: int) -> bool:
            return bool(values[column] > 0.5)

        moves = tuple(
            Move(m.teacher.teacher_id, m.from_school, m.to_school, m.post, term_of(sc, m.teacher))
            for m, column in zip(self.moves, self.x, strict=True)
            if chosen(column)
        )
        exchanges = tuple(
            Move(t.teacher.teacher_id, t.from_school, t.to_school, t.post, EXCHANGE_TERM, kind="exchange")
            for t in self.transfers
            if t.exchange and chosen(t.column)
        )
        hires = tuple(
            Hire(h.school_id, h.subject, posts, h.kind)
            for h in self.hires
            if (posts := round(values[h.column])) > 0
        )
        itinerant = tuple(
            ItinerantAssignment(a.teacher.teacher_id, a.home_school, a.school_id, a.subject, a.share)
            for a in self.assignments
            if chosen(a.column)
        )
        return Plan(moves, exchanges, hires, itinerant)


# -- solving ---------------------------------------------------------------------------------


def to_highs(mip: Mip) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    lp.num_col_ = len(mip.cost)
    lp.num_row_ = len(mip.row_lower)
    lp.col_cost_ = np.asarray(mip.cost, dtype=float)
    lp.col_lower_ = np.asarray(mip.lower, dtype=float)
    lp.col_upper_ = np.asarray(mip.upper, dtype=float)
    lp.row_lower_ = np.asarray(mip.row_lower, dtype=float)
    lp.row_upper_ = np.asarray(mip.row_upper, dtype=float)
    lp.offset_ = mip.offset
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.num_col_, matrix.num_row_ = lp.num_col_, lp.num_row_
    matrix.start_ = np.asarray(mip.starts, dtype=np.int32)
    matrix.index_ = np.asarray(mip.indices, dtype=np.int32)
    matrix.value_ = np.asarray(mip.values, dtype=float)
    kinds = highspy.HighsVarType
    lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in mip.integer]
    return lp


def solve_independent(scenario: Scenario, time_limit: float, threads: int = 1) -> IndependentResult:
    """Build the MIP and solve it with HiGHS to proven optimality (absolute gap < 1 cost cent, the
    objective being a whole number of cents), or until `time_limit` seconds."""
    started = time.monotonic()
    formulation = Formulation(scenario)
    mip = formulation.build()
    size = {"variables": len(mip.cost), "rows": len(mip.row_lower)}
    if mip.trivially_infeasible:
        return IndependentResult(Plan(()), "infeasible", None, None, time.monotonic() - started, **size)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", threads)
    highs.setOptionValue("time_limit", max(0.01, time_limit - (time.monotonic() - started)))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.999)
    highs.passModel(to_highs(mip))
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    seconds = time.monotonic() - started
    kinds = highspy.HighsModelStatus
    if status == kinds.kInfeasible:
        return IndependentResult(Plan(()), "infeasible", None, None, seconds, **size)
    if info.primal_solution_status != 2:  # no feasible solution found
        return IndependentResult(Plan(()), "timeout_no_plan", None, None, seconds, **size)
    objective = round(info.objective_function_value) / COST_SCALE
    optimal = status == kinds.kOptimal
    plan = formulation.plan(np.asarray(highs.getSolution().col_value))
    bound = objective if optimal else info.mip_dual_bound / COST_SCALE
    return IndependentResult(plan, "optimal" if optimal else "feasible", objective, bound, seconds, **size)


__all__ = ["IndependentResult", "solve_independent"]
