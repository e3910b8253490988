"""Why one teacher moves, or does not: the explanation an inspector (or the teacher) asks for.

A move is explained by the rules it serves, the post it fills, and what the nearest other
destinations would have cost; a teacher who stays by the eligibility condition, the HR pin, the
lack of any post to go to, or what forcing the move would cost. Costs come from re-solving the
same scenario with one change, so each is an objective difference, split by rule from the two
reports (the checker's costs add up to the solver's objective). An exchange (跟岗) is explained by
the post it back-fills; 走教 and heading a school after the plan are said whatever the case.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any, Literal

from optimizer.errors import ScenarioError
from optimizer.explain.school import LEADER_HOW_NAMES, number, post_name, school_label
from optimizer.io.problems import unknown_reference
from optimizer.ledger import TeacherLine, teacher_line
from optimizer.model.candidates import Candidate, enumerate_candidates, post_openers, posts_at
from optimizer.options import DiagnosisBudget, EngineSettings, ModelEdits
from optimizer.plan import ItinerantAssignment, Leader, Move, Plan, RuleRow
from optimizer.report import with_reasons
from optimizer.result import Result
from optimizer.rules import all_rules, gate_rules, is_sending, leaders_after, rule_by_id, standing
from optimizer.scenario import Pin, Scenario, Standing, Teacher
from optimizer.solve import solve

RESOLVED_ALTERNATIVES = 3
"""Alternatives re-solved (nearest first): each costs a full solve."""
COST_TOLERANCE = 1e-6
STAGE_ZH = {"primary": "小学", "junior": "初中", "both": "小学和初中"}
Case = Literal["moves", "exchange", "pinned_stay", "ineligible", "no_candidate", "not_chosen"]


def teacher_of(scenario: Scenario, teacher_id: str) -> Teacher:
    """The teacher, or an input error naming the unknown id (the CLI prints it, exit 1)."""
    teacher = scenario.teacher_by_id.get(teacher_id)
    if teacher is None:
        problem = unknown_reference(
            "teachers.csv", None, "teacher_id", "teacher", teacher_id, source="teachers.csv"
        )
        raise ScenarioError([problem])
    return teacher


@dataclass(frozen=True)
class RuleCost:
    """How much one rule's cost changes from the plan to a what-if (cost units)."""

    rule: str
    title_zh: str
    title_en: str
    delta: float

    def text(self, lang: str) -> str:
        return f"{self.title_zh if lang == 'zh' else self.title_en} {signed(self.delta)}"


@dataclass(frozen=True)
class RuleTitle:
    """A rule a move serves, with its title in both languages."""

    rule: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Destination:
    """Where a what-if sends the teacher: the school and the post (a subject or leadership post)."""

    to_school: str
    post: str


@dataclass(frozen=True)
class Posting:
    """The teacher's move in the plan explained; `reason` lists the rules it serves (`;`)."""

    from_school: str
    to_school: str
    post: str
    term_years: int
    reason: str
    kind: str
    """`rotation`, or `exchange` (双向交流 / 跟岗: one year, outside the rotation quota)."""


@dataclass(frozen=True)
class HardInstance:
    """A hard rule instance among those that collide when a what-if is infeasible."""

    label: str
    sentence_zh: str
    sentence_en: str


@dataclass(frozen=True)
class WhatIf:
    """The scenario re-solved with one change, against the plan being explained."""

    status: str
    """The re-solve's status; `infeasible` when hard rules collide."""
    objective: float | None
    objective_delta: float | None
    """The what-if's objective minus the plan's (None when either has none)."""
    rule_costs: tuple[RuleCost, ...]
    """The per-rule differences, largest growth first, summing to `objective_delta`."""
    move: Destination | None
    """Where the what-if sends the teacher, and the post."""
    conflicts: tuple[HardInstance, ...]
    """The hard rule instances that collide when it is infeasible."""

    def text(self, lang: str, base_objective: float | None) -> str:
        """One sentence: the objective change and the rules behind it, or the collision."""
        zh = lang == "zh"
        if self.status == "infeasible":
            if not self.conflicts:
                return (
                    "无可行方案(未能确定冲突的规则)" if zh else "no feasible plan (colliding rules not found)"
                )
            if zh:
                return "无可行方案,以下刚性规则无法同时满足:" + ";".join(
                    i.sentence_zh for i in self.conflicts
                )
            return "no feasible plan; these hard rules cannot all hold: " + "; ".join(
                i.sentence_en for i in self.conflicts
            )
        if self.objective is None or self.objective_delta is None or base_objective is None:
            return f"未得到方案(状态 {self.status})" if zh else f"no plan (status {self.status})"
        values = f"{number(base_objective)} → {number(self.objective)}"
        delta = signed(self.objective_delta)
        change = f"目标值 {delta}({values})" if zh else f"objective {delta} ({values})"
        if self.status != "optimal":
            change += "(未证明最优)" if zh else " (not proven optimal)"
        if not self.rule_costs:
            return change + (",各规则代价不变" if zh else ", no rule's cost changes")
        parts = ("、" if zh else ", ").join(c.text(lang) for c in self.rule_costs)
        return change + (f",其中 {parts}" if zh else f": {parts}")


@dataclass(frozen=True)
class PostNeed:
    """The receiving post a move fills: `required` teachers of `subject`, `before` the moves,
    `shortage` of them missing."""

    school_id: str
    subject: str
    required: int
    before: int
    shortage: int


@dataclass(frozen=True)
class Alternative:
    """Another destination the teacher could have gone to; `what_if` only for the nearest few."""

    to_school: str
    posts: tuple[str, ...]
    commute_km: float | None
    what_if: WhatIf | None

    def text(self, lang: str, base_objective: float | None, label: str) -> str:
        """The destination called `label`, its posts and distance, and what sending them there costs."""
        zh = lang == "zh"
        posts = ("、" if zh else ", ").join(post_name(p, lang) for p in self.posts)
        km = (
            ""
            if self.commute_km is None
            else (f",通勤 {self.commute_km:.1f} km" if zh else f", {self.commute_km:.1f} km")
        )
        head = f"{label}({posts}{km})" if zh else f"{label} ({posts}{km})"
        if self.what_if is None:
            return head + (":未重新求解" if zh else ": not re-solved")
        outcome = self.what_if.text(lang, base_objective)
        return head + (f":若改派至此,{outcome}" if zh else f": sent there instead, {outcome}")


@dataclass(frozen=True)
class Blocked:
    """Why an eligible teacher has no candidate move: of the region's other schools, how many
    have no demanded post in the teacher's subjects, and how many the first refusing hard gate
    rule closes (each school counted once, so the counts add up to `schools`). `from_sending`:
    whether their school is a sending school (if not, few directions are open to them)."""

    region: str
    schools: int
    without_post: int
    refused: dict[str, int]
    """Schools closed, by the id of the hard gate rule that refuses first."""
    from_sending: bool


@dataclass(frozen=True)
class TeacherExplanation:
    """`case` is one of: moves (`move` and what it serves, `alternatives`), exchange (`move`, the
    post it back-fills and whose rotation opened it: `backfills`), pinned_stay, ineligible
    (`forced` when they could be moved anyway, e.g. owing rural service), no_candidate
    (`blocked`), not_chosen (`forced`). `itinerant` and `leads` hold in any case. `base_*`
    describe the plan explained; `labels` name the schools in the sentences (id and name), and
    are not part of the JSON."""

    teacher_id: str
    name: str
    school_id: str
    subjects: tuple[str, ...]
    stage: str
    age: int
    case: Case
    eligibility: Standing
    base_status: str
    base_objective: float | None
    labels: dict[str, str]
    move: Posting | None = None
    move_commute_km: float | None = None
    reasons: tuple[RuleTitle, ...] = ()
    post_need: PostNeed | None = None
    alternatives: tuple[Alternative, ...] = ()
    forced: WhatIf | None = None
    blocked: Blocked | None = None
    backfills: tuple[str, ...] = ()
    """For an exchange: the teachers of that subject the plan rotates out of the school it goes
    to, whose posts it back-fills."""
    itinerant: tuple[ItinerantAssignment, ...] = ()
    """The teacher's 走教: shares of posts taught at other schools, staying on the home staff."""
    leads: Leader | None = None
    """The school the teacher heads after the plan, and how (leaders.csv's row)."""
    ledger: TeacherLine | None = None
    """The teacher's line of the fairness ledger (ledger.csv's row): years served, due since."""

    def text(self, lang: str = "zh") -> str:
        return "\n".join(self._lines_zh() if lang == "zh" else self._lines_en())

    def _lines_zh(self) -> list[str]:
        subjects = "、".join(post_name(s, "zh") for s in self.subjects)
        who = f"{self.teacher_id} {self.name}".strip()
        e = self.eligibility
        lines = [
            f"{who}({self.labels[self.school_id]},{subjects},{self.age} 岁)",
            f"交流条件:{'符合' if e.eligible else '不符合'}({e.detail_zh})。",
        ]
        if self.ledger is not None:
            lines.append(self.ledger.sentence("zh") + "。")
        if self.case == "moves":
            assert self.move is not None
            m = self.move
            km = "" if self.move_commute_km is None else f"(通勤 {self.move_commute_km:.1f} km)"
            lines.append(
                f"本年交流至 {self.labels[m.to_school]}{km},任{post_name(m.post, 'zh')}岗位,"
                f"期限 {m.term_years} 年。"
            )
            if self.reasons:
                lines.append("所依据的规则:" + "、".join(r.title_zh for r in self.reasons) + "。")
            if self.post_need is not None:
                need = self.post_need
                state = f"缺 {need.shortage} 人" if need.shortage else "不缺员"
                lines.append(
                    f"所补岗位:{need.school_id} {post_name(need.subject, 'zh')}需 {need.required} 人,"
                    f"调动前 {need.before} 人({state})。"
                )
            if self.alternatives:
                lines.append(f"其他可去学校 {len(self.alternatives)} 所(按通勤距离):")
                lines += [f"  {self._alternative(a, 'zh')}" for a in self.alternatives]
            else:
                lines.append("没有其他可去的学校。")
        elif self.case == "exchange":
            lines += self._exchange_zh()
        elif self.case == "pinned_stay":
            lines.append("人事指定其本年不交流(pins),方案照此执行。")
        elif self.case == "no_candidate":
            assert self.blocked is not None
            lines.append("本方案未安排其交流:" + self._blocked_zh(self.blocked))
        elif self.case == "ineligible":
            lines.append("因不符合交流条件,本年不交流。")
        else:
            lines.append("符合交流条件,但本方案未安排其交流。")
        if self.itinerant:
            where = "、".join(
                f"{self.labels[a.school_id]} {post_name(a.subject, 'zh')} {a.share:g} 个岗位"
                for a in self.itinerant
            )
            lines.append(f"走教:{where};仍为 {self.labels[self.school_id]} 在编教师。")
        if self.leads is not None:
            how = LEADER_HOW_NAMES[self.leads.how][0]
            lines.append(f"交流后主持 {self.labels[self.leads.school_id]} 工作({how})。")
        if self.forced is not None:
            where = ""
            if self.forced.move is not None:
                where = (
                    f"求解器会将其派往 {self.labels[self.forced.move.to_school]}"
                    f"(任{post_name(self.forced.move.post, 'zh')}),"
                )
            lines.append(f"若强制其交流:{where}{self.forced.text('zh', self.base_objective)}。")
        if self.base_status != "optimal" and self._resolved and self.base_objective is not None:
            lines.append(
                f"注:所解释的方案未经证明最优(状态 {self.base_status}),代价差以其目标值 "
                f"{number(self.base_objective)} 为基准;负值表示重新求解找到了更好的方案。"
            )
        return lines

    def _lines_en(self) -> list[str]:
        subjects = ", ".join(self.subjects)
        who = f"{self.teacher_id} {self.name}".strip()
        e = self.eligibility
        lines = [
            f"{who} ({self.labels[self.school_id]}, {subjects}, age {self.age})",
            f"Eligibility: {'eligible' if e.eligible else 'not eligible'} ({e.detail_en}).",
        ]
        if self.ledger is not None:
            lines.append(self.ledger.sentence("en") + ".")
        if self.case == "moves":
            assert self.move is not None
            m = self.move
            km = "" if self.move_commute_km is None else f", {self.move_commute_km:.1f} km away"
            lines.append(
                f"Moves this year to {self.labels[m.to_school]} ({post_name(m.post, 'en')} post{km}) "
                f"for {m.term_years} years."
            )
            if self.reasons:
                lines.append("Rules served: " + ", ".join(r.title_en for r in self.reasons) + ".")
            if self.post_need is not None:
                need = self.post_need
                state = f"{need.shortage} short" if need.shortage else "not short"
                lines.append(
                    f"Post filled: {need.school_id} {need.subject}, {need.required} required, "
                    f"{need.before} before the moves ({state})."
                )
            if self.alternatives:
                lines.append(f"Other possible destinations ({len(self.alternatives)}, nearest first):")
                lines += [f"  {self._alternative(a, 'en')}" for a in self.alternatives]
            else:
                lines.append("No other destination was possible.")
        elif self.case == "exchange":
            lines += self._exchange_en()
        elif self.case == "pinned_stay":
            lines.append("HR pinned them to stay this year (pins); the plan keeps them.")
        elif self.case == "no_candidate":
            assert self.blocked is not None
            lines.append("Not moved by the plan: " + self._blocked_en(self.blocked))
        elif self.case == "ineligible":
            lines.append("Does not rotate this year: not eligible.")
        else:
            lines.append("Eligible, but the plan does not move them.")
        if self.itinerant:
            where = ", ".join(
                f"{a.subject} at {self.labels[a.school_id]} ({a.share:g} of a post)" for a in self.itinerant
            )
            lines.append(f"Also teaches (走教) {where}, staying on {self.labels[self.school_id]}'s staff.")
        if self.leads is not None:
            how = LEADER_HOW_NAMES[self.leads.how][1]
            lines.append(f"Heads {self.labels[self.leads.school_id]} after the plan ({how}).")
        if self.forced is not None:
            where = ""
            if self.forced.move is not None:
                label = self.labels[self.forced.move.to_school]
                where = f"the solver would send them to {label} ({self.forced.move.post}); "
            lines.append(f"If forced to move: {where}{self.forced.text('en', self.base_objective)}.")
        if self.base_status != "optimal" and self._resolved and self.base_objective is not None:
            lines.append(
                f"Note: the plan explained is not proven optimal (status {self.base_status}); cost "
                f"differences are against its objective {number(self.base_objective)}, and a negative "
                "one means the re-solve found a better plan."
            )
        return lines

    def _exchange_zh(self) -> list[str]:
        assert self.move is not None
        m = self.move
        post = post_name(m.post, "zh")
        lines = [
            f"本年赴 {self.labels[m.to_school]} 跟岗(双向交流),任{post}岗位,期限 {m.term_years} 年,"
            "不计入交流轮岗比例。"
        ]
        if self.backfills:
            lines.append(f"补该校{post}教师 {'、'.join(self.backfills)} 交流轮岗空出的岗位。")
        if self.reasons:
            lines.append("所依据的规则:" + "、".join(r.title_zh for r in self.reasons) + "。")
        return lines

    def _exchange_en(self) -> list[str]:
        assert self.move is not None
        m = self.move
        lines = [
            f"Goes on a two-way exchange (跟岗) to {self.labels[m.to_school]} ({post_name(m.post, 'en')} "
            f"post) for {m.term_years} year{'' if m.term_years == 1 else 's'}, outside the rotation quota."
        ]
        if self.backfills:
            lines.append(f"Back-fills a {m.post} post opened by the rotation of {', '.join(self.backfills)}.")
        if self.reasons:
            lines.append("Rules served: " + ", ".join(r.title_en for r in self.reasons) + ".")
        return lines

    def _alternative(self, alternative: Alternative, lang: str) -> str:
        return alternative.text(lang, self.base_objective, self.labels[alternative.to_school])

    @property
    def _resolved(self) -> bool:
        """Whether any number here comes from a re-solve compared with the plan."""
        return self.forced is not None or any(a.what_if is not None for a in self.alternatives)

    def _blocked_zh(self, b: Blocked) -> str:
        subjects = "、".join(post_name(s, "zh") for s in self.subjects)
        parts = []
        if b.without_post:
            parts.append(f"{b.without_post} 所没有其任教学科({subjects},{STAGE_ZH[self.stage]})的需求岗位")
        parts += [f"{n} 所因「{rule_by_id(rule).title_zh}」不能调入" for rule, n in b.refused.items()]
        text = f"{b.region}其他 {b.schools} 所学校中," + ",".join(parts) + ",没有可去的岗位。"
        if not b.from_sending:
            text += "其所在学校不是派出学校(乡村学校或薄弱校),只能按超编→缺编或政策允许的方向交流。"
        return text

    def _blocked_en(self, b: Blocked) -> str:
        parts = []
        if b.without_post:
            subjects = ", ".join(self.subjects)
            parts.append(f"{b.without_post} without a post in their subjects ({subjects}, {self.stage})")
        parts += [f"{n} closed by the {rule_by_id(rule).title_en} rule" for rule, n in b.refused.items()]
        schools = f"{b.schools} other school{'' if b.schools == 1 else 's'} in {b.region}"
        text = f"no post to go to among the {schools}: " + "; ".join(parts) + "."
        if not b.from_sending:
            text += (
                " Their school is not a sending school (rural or weak), so only overstaffed → "
                "understaffed moves or the allowed pairs are open to them."
            )
        return text


def signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + number(abs(value))


def explain_teacher(
    scenario: Scenario,
    teacher_id: str,
    result: Result,
    settings: EngineSettings | None = None,
    diagnosis: DiagnosisBudget | None = None,
    *,
    resolved_alternatives: int = RESOLVED_ALTERNATIVES,
) -> TeacherExplanation:
    """Explain `result`'s plan for one teacher; what-ifs re-solve with `settings` (their time
    limit and seed) and `diagnosis` (when one is infeasible), started from the plan since they
    differ from it by one teacher."""
    teacher = teacher_of(scenario, teacher_id)
    settings = settings or EngineSettings()
    diagnosis = diagnosis or DiagnosisBudget()
    home = scenario.home_school(teacher)
    eligibility = standing(scenario, scenario.teacher_by_id[teacher_id])
    labels = {school.school_id: school_label(scenario, school.school_id) for school in scenario.schools}

    plan = with_reasons(scenario, result.plan)
    leads = next(
        (leader for leader in leaders_after(scenario, plan) if leader.teacher_id == teacher_id), None
    )

    def explained(case: Case, **fields: Any) -> TeacherExplanation:
        return TeacherExplanation(
            teacher_id=teacher_id,
            name=teacher.name,
            school_id=home,
            subjects=teacher.subjects,
            stage=teacher.stage,
            age=scenario.age(teacher),
            case=case,
            eligibility=eligibility,
            base_status=result.summary.status,
            base_objective=result.summary.objective,
            labels=labels,
            itinerant=tuple(a for a in plan.itinerant if a.teacher_id == teacher_id),
            leads=leads,
            ledger=teacher_line(scenario, plan, teacher_id),
            **fields,
        )

    move = plan.move_of(teacher_id)
    exchange = plan.exchange_by_teacher.get(teacher_id)
    if exchange is not None:
        return explained(
            "exchange",
            move=posting(exchange),
            reasons=tuple(rule_title(r) for r in exchange.reason.split(";")) if exchange.reason else (),
            post_need=_post_need(scenario, exchange),
            backfills=backfilled(scenario, plan, exchange),
        )
    pin = scenario.pin_by_teacher.get(teacher_id)
    if move is None and pin is not None and pin.action == "stay":
        return explained("pinned_stay")
    # Without the teacher's own pin: the alternatives are where they could go had HR not pinned them.
    candidates = [
        c
        for c in enumerate_candidates(without_pin(scenario, teacher_id), gate_rules())
        if c.teacher_id == teacher_id
    ]
    if move is not None:
        return explained(
            "moves",
            move=posting(move),
            move_commute_km=scenario.commute_km(teacher, move.to_school),
            reasons=tuple(rule_title(r) for r in move.reason.split(";")) if move.reason else (),
            post_need=_post_need(scenario, move),
            alternatives=_alternatives(
                scenario, teacher, move, candidates, result, settings, diagnosis, resolved_alternatives
            ),
        )
    if not candidates:
        if not eligibility.eligible:
            return explained("ineligible")
        return explained("no_candidate", blocked=_blocked(scenario, teacher))
    forced = solve_what_if(scenario, result, teacher_id, settings, diagnosis, force_move=True)
    return explained("not_chosen" if eligibility.eligible else "ineligible", forced=forced)


def posting(move: Move) -> Posting:
    return Posting(move.from_school, move.to_school, move.subject, move.term_years, move.reason, move.kind)


def backfilled(scenario: Scenario, plan: Plan, exchange: Move) -> tuple[str, ...]:
    """The classroom teachers of the exchange's subject the plan rotates out of its destination."""
    teachers = scenario.teacher_by_id
    return tuple(
        m.teacher_id
        for m in plan.moves
        if m.from_school == exchange.to_school
        and teachers[m.teacher_id].role == "teacher"
        and teachers[m.teacher_id].subject == exchange.subject
    )


def rule_title(rule_id: str) -> RuleTitle:
    rule = rule_by_id(rule_id)
    return RuleTitle(rule_id, rule.title_zh, rule.title_en)


def without_pin(scenario: Scenario, teacher_id: str) -> Scenario:
    return replace(scenario, pins=tuple(p for p in scenario.pins if p.teacher_id != teacher_id))


def pinned_to(scenario: Scenario, teacher_id: str, school_id: str) -> Scenario:
    """The scenario with the teacher pinned to `school_id`, replacing any pin of theirs."""
    pins = without_pin(scenario, teacher_id).pins
    return replace(scenario, pins=(*pins, Pin(teacher_id, "move_to", school_id)))


def _post_need(scenario: Scenario, move: Move) -> PostNeed | None:
    """The demand row of the post filled; leadership posts have none."""
    required = scenario.demand.get((move.to_school, move.subject))
    if required is None:
        return None
    before = scenario.subject_headcount[(move.to_school, move.subject)]
    return PostNeed(move.to_school, move.subject, required, before, max(0, required - before))


def _alternatives(
    scenario: Scenario,
    teacher: Teacher,
    move: Move,
    candidates: list[Candidate],
    base: Result,
    settings: EngineSettings,
    diagnosis: DiagnosisBudget,
    resolved: int,
) -> tuple[Alternative, ...]:
    """Every other candidate destination, nearest first; the first `resolved` re-solved with
    the teacher pinned there."""
    posts: dict[str, list[str]] = defaultdict(list)
    for candidate in candidates:
        if candidate.to_school != move.to_school:
            posts[candidate.to_school].append(candidate.post)

    def nearest(school_id: str) -> tuple[bool, float, str]:
        km = scenario.commute_km(teacher, school_id)
        return (km is None, km or 0.0, school_id)

    alternatives = []
    for rank, school_id in enumerate(sorted(posts, key=nearest)):
        what_if = None
        if rank < resolved:
            pinned = pinned_to(scenario, teacher.teacher_id, school_id)
            what_if = solve_what_if(pinned, base, teacher.teacher_id, settings, diagnosis)
        alternatives.append(
            Alternative(
                to_school=school_id,
                posts=tuple(posts[school_id]),
                commute_km=scenario.commute_km(teacher, school_id),
                what_if=what_if,
            )
        )
    return tuple(alternatives)


def solve_what_if(
    scenario: Scenario,
    base: Result,
    teacher_id: str,
    settings: EngineSettings,
    diagnosis: DiagnosisBudget,
    *,
    force_move: bool = False,
) -> WhatIf:
    """`scenario` (the base's with one change for the teacher) re-solved from the base's plan;
    `force_move`: the teacher must move."""
    forced = frozenset({teacher_id}) if force_move else frozenset()
    edits = ModelEdits(hint=base.plan, force_moves=forced)
    result = solve(scenario, settings, edits=edits, diagnosis=diagnosis)
    objective, base_objective = result.summary.objective, base.summary.objective
    delta = None if objective is None or base_objective is None else objective - base_objective
    has_plan = result.summary.status in ("optimal", "feasible")
    move = result.plan.move_of(teacher_id)
    return WhatIf(
        status=result.summary.status,
        objective=objective,
        objective_delta=delta,
        rule_costs=_rule_costs(base.report, result.report) if has_plan else (),
        move=None if move is None else Destination(move.to_school, move.subject),
        conflicts=tuple(
            HardInstance(i.label, i.sentence_zh, i.sentence_en)
            for conflict in result.conflicts
            for i in conflict.instances
        ),
    )


def _rule_costs(base: tuple[RuleRow, ...], other: tuple[RuleRow, ...]) -> tuple[RuleCost, ...]:
    """Per-rule cost differences (other − base), largest growth first, zero ones left out."""
    before, after = _cost_by_rule(base), _cost_by_rule(other)
    costs = [
        RuleCost(rule.id, rule.title_zh, rule.title_en, after[rule.id] - before[rule.id])
        for rule in all_rules()
    ]
    return tuple(sorted((c for c in costs if abs(c.delta) > COST_TOLERANCE), key=lambda c: -c.delta))


def _cost_by_rule(report: tuple[RuleRow, ...]) -> defaultdict[str, float]:
    costs: defaultdict[str, float] = defaultdict(float)
    for row in report:
        costs[row.rule] += row.cost
    return costs


def _blocked(scenario: Scenario, teacher: Teacher) -> Blocked:
    """Why no candidate exists: each other school of the region lacks a post, or a hard gate refuses."""
    home = scenario.school_by_id[scenario.home_school(teacher)]
    others = [s for s in scenario.schools if s.region == home.region and s.school_id != home.school_id]
    hard_gates = [g for g in gate_rules() if g.refuses_moves and scenario.policy.is_hard(g.id)]
    openers = post_openers(scenario, gate_rules())
    refused: Counter[str] = Counter()
    without_post = 0
    for school in others:
        posts = posts_at(scenario, openers, teacher, school)
        if not posts:
            without_post += 1
            continue
        closing = (g.id for g in hard_gates if any(not g.allows(scenario, teacher, school, p) for p in posts))
        refused[next(closing)] += 1
    counts = {g.id: refused[g.id] for g in hard_gates if refused[g.id]}
    return Blocked(home.region, len(others), without_post, counts, is_sending(scenario, home))
