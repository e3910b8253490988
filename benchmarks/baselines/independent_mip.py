"""An independent MIP of the rotation problem, solved with HiGHS: a cross-check of our optimum.

A second formulation of SPEC.md's rules as the project defines them, written without importing the
project's model or rules (only the scenario's plain facts: eligibility, home school, headcounts,
shortage, distances; and the policy's rounding helpers), so that a bug in the CP-SAT model shows
up as a different optimum on the same scenario.

Same problem as the project's model, by construction:

- Candidates: a teacher who is eligible, pinned, owes rural service, or (eligibility elastic)
  lacks only years / terms / cooldown, to every other school of the home region (a hard
  `move_to` pin: only the pinned school), on every post of a subject they teach that the school
  demands (leaders: their role; subject_fit elastic: also any shortage subject there; a pinned
  move with no such post: the main subject). A move refused by a hard gate rule (eligibility,
  direction, subject_fit) is left out; one refused by an elastic gate pays the gate's weight.
- Every rule instance of the project's model, hard (a row) or elastic (a shortfall variable ≥ 0
  paying weight per unit), with the same targets and rounding (minimums up, caps down).
- Cost units: weights × 100 rounded to integers, divided by 100 on output, like the project's
  objective, so the two optima are comparable to the cent.

Modelling choices of the project mirrored here (each is also what its checker computes):

- degree_balance elastic is the first-order (linear) estimate of the excess around the counts
  before the moves, paid per ⌈excess ÷ p·U_n⌉; hard it is exact, and the two products of changes
  are linearised exactly (binary expansion of one factor, McCormick on each bit).
- A leader's exchange fills a leadership post (at most max(now, 1) leaders of a role after the
  moves) and is outside the classroom-teacher departure cap; the backbone retention counts them.
- staffing_balance: a school may not end above max(establishment + tolerance, now); a school below
  establishment − tolerance may not lose headcount. Instances exist only where a candidate moves.
- A couple (spouses now within spouse_max_km) counts as split when their final schools are
  farther apart than spouse_max_km.

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

from optimizer.plan import Move, Plan
from optimizer.policy import as_fraction, ceil_share, floor_share
from optimizer.scenario import Scenario, School, Teacher

from .gates import (
    GATES,
    RELAXABLE,
    direction_allows,
    eligibility_allows,
    ineligible_reason,
    is_eligible,
    is_receiving,
    is_sending,
    subject_fit_allows,
)

COST_SCALE = 100
"""Objective coefficients are round(weight × COST_SCALE): integer cost units, as the project's."""
LEADER_POSTS = ("principal", "vice_principal")
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


# -- the formulation -------------------------------------------------------------------------


class Formulation:
    """Builds every rule into a Mip: one method per rule id of SPEC.md."""

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

    def cols(self, moves: Iterable[int]) -> list[int]:
        return [self.x[i] for i in moves]

    def moved(self, teacher_id: str) -> Lin:
        return Lin().add_all(self.cols(self.by_teacher.get(teacher_id, [])))

    def build(self) -> Mip:
        for moves in self.by_teacher.values():
            if len(moves) > 1:
                self.mip.row(Lin().add_all(self.cols(moves)), -INF, 1, "one move per teacher")
        self.rotation_quota()
        self.backbone_share()
        self.shortage()
        self.capacity()
        self.staffing_balance()
        self.backbone_presence()
        self.degree_balance()
        self.principal_rotation()
        self.new_teacher_bundle()
        self.title_priority()
        self.preferences()
        self.pins()
        return self.mip

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

    def shortage(self) -> None:
        """At each receiving school, per subject short before the moves: teachers of the subject
        after the moves ≥ required; each missing one costs weight × subject priority."""
        sc = self.scenario
        priorities = self.policy.rule("shortage")["priority"]
        into_post: dict[tuple[str, str], list[int]] = defaultdict(list)
        out_of_subject: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, move in enumerate(self.moves):
            into_post[(move.to_school, move.post)].append(i)
            if move.teacher.role == "teacher":
                out_of_subject[(move.from_school, move.teacher.subject)].append(i)
        for (school_id, subject), required in sorted(sc.demand.items()):
            if sc.shortage(school_id, subject) <= 0 or not is_receiving(sc, sc.school_by_id[school_id]):
                continue
            after = Lin(const=sc.subject_headcount[(school_id, subject)])
            after.add_all(self.cols(into_post[(school_id, subject)]))
            after.add_all(self.cols(out_of_subject[(school_id, subject)]), -1)
            weight = self.policy.weight("shortage") * float(priorities.get(subject, 1))
            self.mip.at_least("shortage", f"{school_id}/{subject}", after, required, weight=weight)

    def capacity(self) -> None:
        """Leadership posts, max_incoming, the departure cap (classroom posts only) and the
        backbone teachers a school must keep."""
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
        """Headcount after ≤ max(establishment + tolerance, now) where someone may arrive; a school
        below establishment − tolerance keeps at least its headcount where someone may leave."""
        sc = self.scenario
        tolerance = int(self.policy.rule("staffing_balance")["tolerance"])
        for school in sc.schools:
            sid = school.school_id
            arriving, leaving = self.into[sid], self.out_of[sid]
            before = sc.headcount(sid)
            after = Lin(const=before).add_all(self.cols(arriving)).add_all(self.cols(leaving), -1)
            if arriving:
                upper = max(school.establishment + tolerance, before)
                self.mip.at_most("staffing_balance", f"{sid}/upper", after, upper)
            if leaving and before < school.establishment - tolerance:
                self.mip.at_least("staffing_balance", f"{sid}/lower", after, before)

    def backbone_presence(self) -> None:
        """Every receiving school ends with at least min_per_school backbone teachers."""
        sc = self.scenario
        minimum = int(self.policy.rule("backbone_presence")["min_per_school"])
        for school in sc.schools:
            if not is_receiving(sc, school):
                continue
            sid = school.school_id
            after = Lin(const=sum(t.is_backbone for t in sc.staff_at[sid]))
            after.add_all(self.cols(i for i in self.into[sid] if self.moves[i].teacher.is_backbone))
            after.add_all(self.cols(i for i in self.out_of[sid] if self.moves[i].teacher.is_backbone), -1)
            self.mip.at_least("backbone_presence", sid, after, minimum)

    def degree_balance(self) -> None:
        """q·U_b·R_n ≤ p·R_b·U_n per region (ratio_max = p/q; U urban, R rural, _b degree holders,
        _n everyone, after the moves), written around the counts before the moves."""
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
        arrive = [i for i, m in enumerate(self.moves) if m.to_school in ids and m.from_school not in ids]
        leave = [i for i, m in enumerate(self.moves) if m.from_school in ids and m.to_school not in ids]
        holders_in = [i for i in arrive if self.moves[i].teacher.has_degree]
        holders_out = [i for i in leave if self.moves[i].teacher.has_degree]
        headcount = Lin().add_all(self.cols(arrive)).add_all(self.cols(leave), -1)
        holders = Lin().add_all(self.cols(holders_in)).add_all(self.cols(holders_out), -1)
        return (
            (len(staff), sum(t.has_degree for t in staff)),
            self.mip.bounded_int(headcount, -len(leave), len(arrive)),
            self.mip.bounded_int(holders, -len(holders_out), len(holders_in)),
        )

    def principal_rotation(self) -> None:
        """Each eligible leader with enough terms moves; per region at least young_rural_share of
        the rural schools' principals are aged ≤ young_age after the moves."""
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
            principals = [t for sid in rural for t in sc.staff_at[sid] if t.role == "principal"]
            arriving = [
                i
                for i, m in enumerate(self.moves)
                if m.post == "principal" and m.to_school in rural and m.from_school not in rural
            ]
            leaving = [
                i
                for i, m in enumerate(self.moves)
                if m.post == "principal" and m.from_school in rural and m.to_school not in rural
            ]
            if not principals and not arriving:
                continue

            def young(t: Teacher) -> bool:
                return sc.age(t) <= int(params["young_age"])

            # q·young_after − p·all_after ≥ 0
            expr = Lin(const=q * sum(young(t) for t in principals) - p * len(principals))
            for i in arriving:
                expr.add(self.x[i], q * young(self.moves[i].teacher) - p)
            for i in leaving:
                expr.add(self.x[i], -(q * young(self.moves[i].teacher) - p))
            self.mip.at_least("principal_rotation", f"young/{region}", expr, 0, unit=q)

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
        than `limit`; staying home is 1 − moved."""
        sc, mip = self.scenario, self.mip

        def places(t: Teacher) -> list[tuple[str, Lin]]:
            stay = Lin(const=1).add_all(self.cols(self.by_teacher.get(t.teacher_id, [])), -1)
            moves = [
                (self.moves[i].to_school, Lin().add(self.x[i])) for i in self.by_teacher.get(t.teacher_id, [])
            ]
            return [(sc.home_school(t), stay), *moves]

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
        term_years = int(self.policy.rule("term")["term_years"])
        return Plan(
            tuple(
                Move(m.teacher.teacher_id, m.from_school, m.to_school, m.post, term_years)
                for m, column in zip(self.moves, self.x, strict=True)
                if values[column] > 0.5
            )
        )


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
