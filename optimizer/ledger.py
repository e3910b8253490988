"""The fairness ledger (SPEC "Years, not one year"): per teacher, the service done and owed and the
year they fall due; per school, the teachers sent and received against its share; and the plan's
"justified complaints", teachers due longer passed over for one due later with no rule reason.

It reads the scenario's teacher columns (rural_years, weak_years, funded_graduate_owed_years,
last_rotated_year, years_at_school), which the loader derives from history.csv when the bundle has
one, and the history itself for the rotations done and each school's teachers sent and received.
The due year is the eligibility rule's (`optimizer.rules.due_year`); the share, the rotation
quota's (`rotation_minimum`). Complaints are judged by the checker, never by the solver.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from optimizer.plan import Move, Plan, RuleRow
from optimizer.report import check_plan
from optimizer.rules import due_year, gate_rules, is_eligible, is_sending, move_term, rotation_minimum
from optimizer.scenario import Scenario, Teacher

ROTATING_KINDS = ("rotation", "support")
"""Stints that take a teacher away from their school for a term (交流轮岗, 支教): each is a
rotation done. 走教 and 跟岗 stints leave the teacher on their school's staff."""
MAX_CANDIDATES_PER_MOVE = 3
"""Teachers checked as standing in for one move (each costs a check of the whole plan)."""
TEACHER_CHECKS_PER_PLAN = 100_000
"""Checks of stand-in pairs per plan × the scenario's teachers: a check of the whole plan takes
about 0.1 s at 600 teachers and 0.5 s at 3,000, so this keeps the complaints of any county within
about 20 s (166 checks at 600 teachers, 33 at 3,000); pairs beyond it are counted as unchecked."""
COST_TOLERANCE = 1e-6


@dataclass(frozen=True)
class TeacherLine:
    """One teacher's line: service done and owed, and when they fall due.

    `due_year` is the first year the teacher may be moved out (None: not in the turn, see
    `optimizer.rules.due_year`); `overdue_years` how long they have been due this year (0: due
    from this year; None: not due yet or not in the turn)."""

    teacher_id: str
    name: str
    school_id: str
    rural_years: int
    weak_years: int
    rotations: int
    owed_years: int
    last_rotated_year: int | None
    due_year: int | None
    overdue_years: int | None
    moves_to: str

    def sentence(self, lang: str) -> str:
        """The line as the teacher's explanation cites it."""
        if lang == "zh":
            return (
                f"台账:乡村学校任教 {self.rural_years} 年、薄弱学校 {self.weak_years} 年,"
                f"已交流 {self.rotations} 次,尚欠服务 {self.owed_years} 年;{self._due_zh()}"
            )
        return (
            f"Ledger: {self.rural_years} years in rural schools, {self.weak_years} in weak schools, "
            f"{self.rotations} rotations done, {self.owed_years} years of service owed; {self._due_en()}"
        )

    def _due_zh(self) -> str:
        if self.due_year is None:
            return "不在轮岗序列"
        if self.overdue_years is None:
            return f"{self.due_year} 年起符合交流条件(尚未到期)"
        return f"{self.due_year} 年起符合交流条件(已到期 {self.overdue_years} 年)"

    def _due_en(self) -> str:
        if self.due_year is None:
            return "not in the rotation turn"
        if self.overdue_years is None:
            return f"due from {self.due_year} (not due yet)"
        return f"due from {self.due_year} ({self.overdue_years} years overdue)"


@dataclass(frozen=True)
class SchoolLine:
    """One school's teachers sent and received, in the history and in this plan, against its
    share: the rotation quota's minimum of its eligible teachers this year, over every year the
    history covers and this one (a sending school's; 0 for the others)."""

    school_id: str
    name: str
    eligible: int
    sent_before: int
    received_before: int
    sent_now: int
    received_now: int
    share_per_year: int
    years: int

    @property
    def share(self) -> int:
        return self.share_per_year * self.years

    @property
    def sent_against_share(self) -> int:
        """Teachers sent over the years less the share: below 0, the school has sent too few."""
        return self.sent_before + self.sent_now - self.share


@dataclass(frozen=True)
class Complaint:
    """`teacher_id`, due since `due_year`, stays while `passed_for`, due later, takes the move to
    `to_school` / `post` that the checker finds `teacher_id` could have taken with no rule worse."""

    teacher_id: str
    due_year: int
    passed_for: str
    passed_for_due_year: int | None
    to_school: str
    post: str
    same_school: bool

    def sentence(self, lang: str) -> str:
        due = self.passed_for_due_year
        if lang == "zh":
            later = "不在轮岗序列" if due is None else f"{due} 年起符合交流条件"
            return (
                f"{self.teacher_id}({self.due_year} 年起符合交流条件)未交流,而 {self.passed_for}({later})"
                f"交流至 {self.to_school} 任 {self.post};改派 {self.teacher_id} 不使任何规则变差"
            )
        later = "not in the turn" if due is None else f"due from {due}"
        return (
            f"{self.teacher_id} (due from {self.due_year}) stays while {self.passed_for} ({later}) moves "
            f"to {self.to_school} for {self.post}; sending {self.teacher_id} instead makes no rule worse"
        )


def teacher_lines(scenario: Scenario, plan: Plan) -> list[TeacherLine]:
    """Every teacher's line, in the scenario's order."""
    year = scenario.policy.year
    rotations = Counter(s.teacher_id for s in scenario.history if s.kind in ROTATING_KINDS)
    lines = []
    for teacher in scenario.teachers:
        due = due_year(scenario, teacher)
        move = plan.move_of(teacher.teacher_id)
        lines.append(
            TeacherLine(
                teacher_id=teacher.teacher_id,
                name=teacher.name,
                school_id=scenario.home_school(teacher),
                rural_years=teacher.rural_years,
                weak_years=teacher.weak_years,
                rotations=_rotations_done(scenario, teacher, rotations),
                owed_years=teacher.funded_graduate_owed_years,
                last_rotated_year=teacher.last_rotated_year,
                due_year=due,
                overdue_years=None if due is None or due > year else year - due,
                moves_to=move.to_school if move else "",
            )
        )
    return lines


def teacher_line(scenario: Scenario, plan: Plan, teacher_id: str) -> TeacherLine:
    """One teacher's line (for the teacher's explanation)."""
    return next(line for line in teacher_lines(scenario, plan) if line.teacher_id == teacher_id)


def _rotations_done(scenario: Scenario, teacher: Teacher, counted: Counter[str]) -> int:
    """From the history when the bundle has one, else 1 when the teacher has rotated before."""
    if scenario.history:
        return counted[teacher.teacher_id]
    return int(teacher.last_rotated_year is not None)


def school_lines(scenario: Scenario, plan: Plan) -> list[SchoolLine]:
    """Every school's line, in the scenario's order."""
    rotating = [s for s in scenario.history if s.kind in ROTATING_KINDS]
    sent = Counter(s.from_school for s in rotating)
    received = Counter(s.to_school for s in rotating)
    first_year = min((s.start_year for s in rotating), default=scenario.policy.year)
    years = scenario.policy.year - first_year + 1
    sent_now = Counter(m.from_school for m in plan.moves)
    received_now = Counter(m.to_school for m in plan.moves)
    lines = []
    for school in scenario.schools:
        eligible = sum(is_eligible(scenario, t) for t in scenario.staff_at[school.school_id])
        share = rotation_minimum(scenario.policy, eligible) if is_sending(scenario, school) else 0
        lines.append(
            SchoolLine(
                school_id=school.school_id,
                name=school.name,
                eligible=eligible,
                sent_before=sent[school.school_id],
                received_before=received[school.school_id],
                sent_now=sent_now[school.school_id],
                received_now=received_now[school.school_id],
                share_per_year=share,
                years=years,
            )
        )
    return lines


@dataclass(frozen=True)
class Complaints:
    """The justified complaints found, the stand-in pairs checked, and those left unchecked when
    the plan's budget of checks (`TEACHER_CHECKS_PER_PLAN`) ran out (0: every pair was checked)."""

    found: tuple[Complaint, ...]
    checked: int
    unchecked: int


def justified_complaints(
    scenario: Scenario, plan: Plan, report: list[RuleRow] | tuple[RuleRow, ...] | None = None
) -> Complaints:
    """Every (A, B) where B moves, A stays and is due earlier, and giving A B's move makes no rule
    row of the checker worse (`report`: the plan's own check, computed when not given).

    A stands in for B when A is eligible, unpinned, neither moving, exchanged nor teaching 走教, of
    B's region, due in an earlier year than B, and every gate rule lets A take B's post at B's
    destination (so A may teach it whatever A's main subject). The work is bounded: per move at
    most `MAX_CANDIDATES_PER_MOVE` stand-ins are checked, those of B's own school first, then the
    longest due, then by id; each check is one run of the checker on the plan with that one move
    changed, and a plan gets at most `TEACHER_CHECKS_PER_PLAN` ÷ its teachers of them, every
    move's first stand-in before any move's second (the pairs left are counted). A row is worse
    when its shortfall or its cost grows or it turns violated. Complaints are listed by the
    teacher who moves, then the longest due."""
    base = {_row_key(r): r for r in (check_plan(scenario, plan) if report is None else report)}
    pools = _idle_by_region(scenario, plan)
    pairs = []
    for number, move in enumerate(plan.moves):
        pool = pools[scenario.region_of(scenario.teacher_by_id[move.teacher_id])]
        for rank, (teacher, due) in enumerate(_stand_ins(scenario, move, pool)):
            pairs.append((rank, number, move, teacher, due))
    pairs.sort(key=lambda pair: pair[:2])
    allowed = max(1, TEACHER_CHECKS_PER_PLAN // max(1, len(scenario.teachers)))
    found = []
    for _, _, move, teacher, due in pairs[:allowed]:
        swapped = _swap(scenario, plan, move, teacher)
        if not any(_worse(r, base.get(_row_key(r))) for r in check_plan(scenario, swapped)):
            passed_for = scenario.teacher_by_id[move.teacher_id]
            found.append(
                Complaint(
                    teacher_id=teacher.teacher_id,
                    due_year=due,
                    passed_for=passed_for.teacher_id,
                    passed_for_due_year=due_year(scenario, passed_for),
                    to_school=move.to_school,
                    post=move.subject,
                    same_school=scenario.home_school(teacher) == move.from_school,
                )
            )
    found.sort(key=lambda c: (c.passed_for, c.due_year, c.teacher_id))
    checked = min(allowed, len(pairs))
    return Complaints(tuple(found), checked, len(pairs) - checked)


def _idle_by_region(scenario: Scenario, plan: Plan) -> dict[str, list[tuple[int, str, Teacher]]]:
    """Region → (due year, id, teacher) of every eligible, unpinned teacher the plan leaves at home
    (neither moved, exchanged nor teaching 走教), longest due first."""
    busy = plan.moving_ids | set(plan.exchange_by_teacher) | {a.teacher_id for a in plan.itinerant}
    pools: dict[str, list[tuple[int, str, Teacher]]] = {region: [] for region in scenario.regions}
    for teacher in scenario.teachers:
        due = due_year(scenario, teacher)
        if due is None or teacher.teacher_id in busy or teacher.teacher_id in scenario.pin_by_teacher:
            continue
        if is_eligible(scenario, teacher):
            pools[scenario.region_of(teacher)].append((due, teacher.teacher_id, teacher))
    return {region: sorted(pool) for region, pool in pools.items()}


def _stand_ins(
    scenario: Scenario, move: Move, pool: list[tuple[int, str, Teacher]]
) -> list[tuple[Teacher, int]]:
    """The teachers of `pool` (with their due year) checked as taking `move` instead of the
    teacher it moves: due earlier, allowed by every gate rule, those of the move's school first."""
    later = due_year(scenario, scenario.teacher_by_id[move.teacher_id])
    to_school = scenario.school_by_id[move.to_school]
    earlier = [(due, teacher) for due, _, teacher in pool if later is None or due < later]
    same = [(due, t) for due, t in earlier if scenario.home_school(t) == move.from_school]
    other = [(due, t) for due, t in earlier if scenario.home_school(t) != move.from_school]
    chosen: list[tuple[Teacher, int]] = []
    for due, teacher in (*same, *other):
        if all(rule.allows(scenario, teacher, to_school, move.subject) for rule in gate_rules()):
            chosen.append((teacher, due))
            if len(chosen) == MAX_CANDIDATES_PER_MOVE:
                break
    return chosen


def _swap(scenario: Scenario, plan: Plan, move: Move, teacher: Teacher) -> Plan:
    stand_in = Move(
        teacher_id=teacher.teacher_id,
        from_school=scenario.home_school(teacher),
        to_school=move.to_school,
        subject=move.subject,
        term_years=move_term(scenario, teacher.teacher_id, move.kind),
        kind=move.kind,
    )
    return replace(plan, moves=tuple(stand_in if m == move else m for m in plan.moves))


def _row_key(row: RuleRow) -> tuple[str, str, str]:
    return row.rule, row.scope, row.key


def _worse(row: RuleRow, before: RuleRow | None) -> bool:
    if before is None:
        return row.status == "violated" or row.cost > COST_TOLERANCE
    if row.status == "violated" and before.status != "violated":
        return True
    return row.shortfall > before.shortfall + COST_TOLERANCE or row.cost > before.cost + COST_TOLERANCE
