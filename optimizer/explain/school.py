"""What a plan does to one school, in words an inspector accepts: staff by subject against demand,
backbone teachers, establishment, degree mix, who arrives and leaves, how each post is covered
after the plan (arrivals, exchanges, hires, 走教), who heads the school, and the rule rows about it.

Numbers come from `school_balance`, `coverage_posts`, `leaders_after` and the checker, so the
explanation never disagrees with the school table, coverage.csv, leaders.csv or the rule report.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.errors import ScenarioError
from optimizer.io.problems import unknown_reference
from optimizer.plan import Hire, ItinerantAssignment, Move, Plan, RuleRow
from optimizer.report import check_plan
from optimizer.rules import coverage_posts, leaders_after, rule_by_id
from optimizer.scenario import Scenario, School
from optimizer.schools import SchoolBalance, school_balance
from optimizer.subjects import SUBJECT_NAMES_ZH

AREA_ZH = {"urban": "城区", "town": "镇区", "rural": "乡村"}
ROLE_NAMES = {"principal": ("校长", "principal"), "vice_principal": ("副校长", "vice-principal")}
STATUS_ZH = {"met": "达成", "violated": "未达成", "not_applicable": "不适用"}
LEADER_HOW_NAMES = {
    "stays": ("校长留任", "the principal stays"),
    "arrives": ("调入接任", "arrives to lead it"),
    "acting": ("副校长主持工作", "vice-principal acting"),
    "reserve": ("后备干部接任", "reserve leader takes over"),
}
"""How a school is headed after the plan (`Leader.how`), in both languages."""


def school_of(scenario: Scenario, school_id: str) -> School:
    """The school, or an input error naming the unknown id (the CLI prints it, exit 1)."""
    school = scenario.school_by_id.get(school_id)
    if school is None:
        problem = unknown_reference(
            "schools.csv", None, "school_id", "school", school_id, source="schools.csv"
        )
        raise ScenarioError([problem])
    return school


def school_label(scenario: Scenario, school_id: str) -> str:
    """`S008 城关二小`: HR reads names, the plan files use ids, so sentences give both."""
    name = scenario.school_by_id[school_id].name
    return f"{school_id} {name}" if name and name != school_id else school_id


def post_name(post: str, lang: str) -> str:
    """A subject or leadership post in the chosen language."""
    if post in ROLE_NAMES:
        zh, en = ROLE_NAMES[post]
        return zh if lang == "zh" else en
    return SUBJECT_NAMES_ZH.get(post, post) if lang == "zh" else post


def number(value: float) -> str:
    """Cost units as HR reads them: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class SchoolMove:
    """One move into or out of the school; `other_school` is where they come from or go to."""

    teacher_id: str
    teacher_name: str
    other_school: str
    post: str
    kind: str
    """`rotation`, or `exchange` (双向交流 / 跟岗, one year)."""

    def text(self, lang: str, arriving: bool, other_label: str) -> str:
        """The move in one line, `other_label` naming the other school."""
        who = f"{self.teacher_id} {self.teacher_name}".strip()
        post = post_name(self.post, lang)
        if lang == "zh":
            return (
                f"{who} 自 {other_label} 调入,任{post}" if arriving else f"{who} 调往 {other_label},任{post}"
            )
        way = "from" if arriving else "to"
        return f"{who}, {way} {other_label}, {post} post"


@dataclass(frozen=True)
class PostCover:
    """One subject the school demands, after the plan: coverage's figures in posts (走教 shares
    count, so `after` may be a fraction) and who fills the post or leaves it."""

    subject: str
    required: int
    before: int
    after: float
    unmet_before: int
    unmet_after: float
    filled: float
    """Of the posts unmet before, those the plan fills."""
    still_open: float
    """Of the posts unmet before, those still unmet."""
    created: int
    """Posts taught before and unmet after: vacancies the plan opens."""
    arriving: tuple[SchoolMove, ...]
    """Teachers who come to teach it, rotating in or on exchange (`kind`)."""
    hires: tuple[Hire, ...]
    itinerant_in: tuple[ItinerantAssignment, ...]
    """走教 shares of the post taught here by teachers of other schools."""
    leaving: tuple[SchoolMove, ...]
    """Its teachers rotating out or going on exchange (`kind`)."""
    itinerant_out: tuple[ItinerantAssignment, ...]
    """走教 shares its teachers teach at other schools, taken from this post."""

    def text(self, lang: str, labels: dict[str, str]) -> str:
        """The post in one line: the numbers, what changed, and who fills or leaves it."""
        zh = lang == "zh"
        if zh:
            name = post_name(self.subject, "zh")
            head = f"{name}:需 {self.required},调整前 {self.before},调整后 {self.after:g}"
        else:
            head = f"{self.subject}: {self.required} required, {self.before} before, {self.after:g} after"
        parts = self._state(zh) + [self._arriving(m, zh, labels) for m in self.arriving]
        if self.hires:
            parts.append(self._hired(zh))
        parts += [self._itinerant(a, zh, labels, coming=True) for a in self.itinerant_in]
        parts += [self._leaving(m, zh, labels) for m in self.leaving]
        parts += [self._itinerant(a, zh, labels, coming=False) for a in self.itinerant_out]
        return head + "".join((f";{p}" if zh else f"; {p}") for p in parts)

    def _state(self, zh: bool) -> list[str]:
        if not self.unmet_after and not self.filled:
            return ["配齐" if zh else "covered"]
        parts = []
        if self.filled:
            parts.append(
                f"补上原有空缺 {self.filled:g} 个" if zh else f"{self.filled:g} earlier vacancies filled"
            )
        if self.still_open:
            parts.append(
                f"原有空缺仍缺 {self.still_open:g} 个"
                if zh
                else f"{self.still_open:g} earlier vacancies still open"
            )
        if self.created:
            parts.append(
                f"新增空缺 {self.created} 个" if zh else f"{self.created} vacancies opened by the plan"
            )
        return parts

    def _hired(self, zh: bool) -> str:
        posts = sum(h.posts for h in self.hires)
        special = sum(h.posts for h in self.hires if h.kind == "special")
        if zh:
            return f"招聘 {posts} 人" + (f"(其中特岗 {special} 人)" if special else "")
        return f"{posts} hired" + (f" ({special} 特岗)" if special else "")

    @staticmethod
    def _arriving(move: SchoolMove, zh: bool, labels: dict[str, str]) -> str:
        who, where = f"{move.teacher_id} {move.teacher_name}".strip(), labels[move.other_school]
        if move.kind == "exchange":
            return f"{who} 自 {where} 跟岗补入" if zh else f"{who} on exchange from {where}"
        return f"{who} 自 {where} 调入" if zh else f"{who} arrives from {where}"

    @staticmethod
    def _leaving(move: SchoolMove, zh: bool, labels: dict[str, str]) -> str:
        who, where = f"{move.teacher_id} {move.teacher_name}".strip(), labels[move.other_school]
        if move.kind == "exchange":
            return f"{who} 赴 {where} 跟岗" if zh else f"{who} on exchange to {where}"
        return f"{who} 调往 {where}" if zh else f"{who} leaves for {where}"

    @staticmethod
    def _itinerant(assignment: ItinerantAssignment, zh: bool, labels: dict[str, str], coming: bool) -> str:
        who, part = assignment.teacher_id, f"{assignment.share:g}"
        if coming:
            where = labels[assignment.home_school]
            return (
                f"{who} 自 {where} 走教 {part} 岗"
                if zh
                else f"{who} teaches {part} of a post from {where} (走教)"
            )
        where = labels[assignment.school_id]
        return (
            f"{who} 赴 {where} 走教 {part} 岗" if zh else f"{who} teaches {part} of a post at {where} (走教)"
        )


@dataclass(frozen=True)
class Head:
    """Who heads the school after the plan (its row of leaders.csv), and their name."""

    teacher_id: str
    name: str
    how: str
    """`stays`, `arrives`, `acting` or `reserve` (see `Leader`)."""


@dataclass(frozen=True)
class SchoolExplanation:
    """The school's balance with the moves in and out spelled out, the degree shares and the rule
    rows about it. The JSON shows the balance's fields among these (`moves_in` and `moves_out`
    replacing its teacher ids); `labels` name the schools in the sentences and are not part of it."""

    balance: SchoolBalance
    degree_share_before: float
    degree_share_after: float
    moves_in: tuple[SchoolMove, ...]
    moves_out: tuple[SchoolMove, ...]
    rules: tuple[RuleRow, ...]
    posts: tuple[PostCover, ...]
    """Each subject the school demands, covered after the plan, and by whom."""
    had_principal: bool
    """The school had a principal before the plan (leadership continuity applies to it)."""
    head: Head | None
    """Who heads it after the plan; None when it had no principal, or nobody is left to lead it."""
    labels: dict[str, str]

    def text(self, lang: str = "zh") -> str:
        return "\n".join(self._lines_zh() if lang == "zh" else self._lines_en())

    def _lines_zh(self) -> list[str]:
        b = self.balance
        kind = AREA_ZH[b.area] + (",薄弱校" if b.is_weak else "")
        lines = [
            f"{self.labels[b.school_id]}({b.region},{kind})",
            f"编制 {b.establishment} 人;教职工调动前 {b.headcount_before} 人,调动后 {b.headcount_after} 人。",
            f"骨干教师:调动前 {b.backbone_before} 人,调动后 {b.backbone_after} 人。",
            f"本科及以上学历:调动前 {b.degree_before}/{b.headcount_before}"
            f"({self.degree_share_before:.1%}),调动后 {b.degree_after}/{b.headcount_after}"
            f"({self.degree_share_after:.1%})。",
            "各学科任课教师(需求 / 调动前 / 调动后):",
        ]
        for s in b.subjects:
            after = f"仍缺 {s.shortage_after} 人" if s.shortage_after else "不缺员"
            before = f"缺 {s.shortage_before} 人" if s.shortage_before else "不缺员"
            lines.append(
                f"  {post_name(s.subject, 'zh')}:需 {s.required} 人,调动前 {s.before} 人({before}),"
                f"调动后 {s.after} 人({after})"
            )
        if self.posts:
            lines.append("各学科岗位保障(需求 / 调整前 / 调整后,走教按岗位份额计):")
            lines += [f"  {p.text('zh', self.labels)}" for p in self.posts]
        lines.append(f"调入 {len(self.moves_in)} 人" + (":" if self.moves_in else "。"))
        lines += [f"  {self._move(m, 'zh', arriving=True)}" for m in self.moves_in]
        lines.append(f"调出 {len(self.moves_out)} 人" + (":" if self.moves_out else "。"))
        lines += [f"  {self._move(m, 'zh', arriving=False)}" for m in self.moves_out]
        if self.head is not None:
            who = f"{self.head.teacher_id} {self.head.name}".strip()
            lines.append(f"交流后主持工作:{who}({LEADER_HOW_NAMES[self.head.how][0]})。")
        elif self.had_principal:
            lines.append("交流后无人主持工作:校长岗位空缺。")
        lines.append("涉及本校的规则:" if self.rules else "没有涉及本校的规则实例。")
        for r in self.rules:
            title = rule_by_id(r.rule).title_zh
            lines.append(f"  [{STATUS_ZH[r.status]}] {title}:{r.sentence_zh}")
        return lines

    def _lines_en(self) -> list[str]:
        b = self.balance
        kind = b.area + (", weak school" if b.is_weak else "")
        lines = [
            f"{self.labels[b.school_id]} ({b.region}, {kind})",
            f"Establishment {b.establishment}; staff {b.headcount_before} before the moves, "
            f"{b.headcount_after} after.",
            f"Backbone teachers: {b.backbone_before} before, {b.backbone_after} after.",
            f"Bachelor's degree or higher: {b.degree_before}/{b.headcount_before} "
            f"({self.degree_share_before:.1%}) before, {b.degree_after}/{b.headcount_after} "
            f"({self.degree_share_after:.1%}) after.",
            "Classroom teachers by subject (required / before / after):",
        ]
        for s in b.subjects:
            after = f"{s.shortage_after} short" if s.shortage_after else "not short"
            before = f"{s.shortage_before} short" if s.shortage_before else "not short"
            lines.append(
                f"  {s.subject}: {s.required} required, {s.before} before ({before}), "
                f"{s.after} after ({after})"
            )
        if self.posts:
            lines.append("Posts by subject after the plan (required / before / after; 走教 shares count):")
            lines += [f"  {p.text('en', self.labels)}" for p in self.posts]
        lines.append(f"{len(self.moves_in)} arriving" + (":" if self.moves_in else "."))
        lines += [f"  {self._move(m, 'en', arriving=True)}" for m in self.moves_in]
        lines.append(f"{len(self.moves_out)} leaving" + (":" if self.moves_out else "."))
        lines += [f"  {self._move(m, 'en', arriving=False)}" for m in self.moves_out]
        if self.head is not None:
            who = f"{self.head.teacher_id} {self.head.name}".strip()
            lines.append(f"Head after the plan: {who} ({LEADER_HOW_NAMES[self.head.how][1]}).")
        elif self.had_principal:
            lines.append("Nobody heads the school after the plan: its principal's post is empty.")
        lines.append("Rule instances about this school:" if self.rules else "No rule instance concerns it.")
        for r in self.rules:
            lines.append(f"  [{r.status}] {rule_by_id(r.rule).title_en}: {r.sentence_en}")
        return lines

    def _move(self, move: SchoolMove, lang: str, arriving: bool) -> str:
        return move.text(lang, arriving, self.labels[move.other_school])


def concerns(row: RuleRow, school_id: str) -> bool:
    """Rows keyed by the school (`S008`, `S008/music`, `S008/departures`) or naming it."""
    return row.key == school_id or row.key.startswith(f"{school_id}/") or school_id in row.involved


def explain_school(scenario: Scenario, school_id: str, plan: Plan) -> SchoolExplanation:
    school_of(scenario, school_id)
    balance = next(b for b in school_balance(scenario, plan) if b.school_id == school_id)
    teachers = scenario.teacher_by_id

    def school_move(teacher_id: str, arriving: bool) -> SchoolMove:
        move = plan.move_of(teacher_id)
        assert move is not None
        return moved(scenario, move, arriving)

    leader = next((found for found in leaders_after(scenario, plan) if found.school_id == school_id), None)
    return SchoolExplanation(
        balance=balance,
        degree_share_before=share(balance.degree_before, balance.headcount_before),
        degree_share_after=share(balance.degree_after, balance.headcount_after),
        moves_in=tuple(school_move(t, arriving=True) for t in balance.moves_in),
        moves_out=tuple(school_move(t, arriving=False) for t in balance.moves_out),
        rules=tuple(r for r in check_plan(scenario, plan) if concerns(r, school_id)),
        posts=post_covers(scenario, plan, school_id),
        had_principal=any(t.role == "principal" for t in scenario.staff_at[school_id]),
        head=None
        if leader is None
        else Head(leader.teacher_id, teachers[leader.teacher_id].name, leader.how),
        labels={s.school_id: school_label(scenario, s.school_id) for s in scenario.schools},
    )


def moved(scenario: Scenario, move: Move, arriving: bool) -> SchoolMove:
    """A move or exchange seen from the school it arrives at (`arriving`) or leaves."""
    other = move.from_school if arriving else move.to_school
    name = scenario.teacher_by_id[move.teacher_id].name
    return SchoolMove(move.teacher_id, name, other, move.subject, move.kind)


def post_covers(scenario: Scenario, plan: Plan, school_id: str) -> tuple[PostCover, ...]:
    """Each subject the school demands, with coverage's figures after `plan` and who fills it: a
    mover or exchange teacher arrives in the post they are sent to, a classroom teacher leaves
    (or teaches 走教 from) the post of their own subject, as `Outcome` counts them."""
    teachers = scenario.teacher_by_id
    moves = (*plan.moves, *plan.exchanges)

    def holds(teacher_id: str, subject: str) -> bool:
        teacher = teachers[teacher_id]
        return teacher.role == "teacher" and teacher.subject == subject

    return tuple(
        PostCover(
            subject=post.subject,
            required=post.required,
            before=post.before,
            after=post.after,
            unmet_before=post.unmet_before,
            unmet_after=post.unmet_after,
            filled=post.filled,
            still_open=post.still_open,
            created=post.created,
            arriving=tuple(
                moved(scenario, m, arriving=True)
                for m in moves
                if (m.to_school, m.subject) == (school_id, post.subject)
            ),
            hires=tuple(h for h in plan.hires if (h.school_id, h.subject) == (school_id, post.subject)),
            itinerant_in=tuple(
                a for a in plan.itinerant if (a.school_id, a.subject) == (school_id, post.subject)
            ),
            leaving=tuple(
                moved(scenario, m, arriving=False)
                for m in moves
                if m.from_school == school_id and holds(m.teacher_id, post.subject)
            ),
            itinerant_out=tuple(
                a for a in plan.itinerant if a.home_school == school_id and holds(a.teacher_id, post.subject)
            ),
        )
        for post in coverage_posts(scenario, plan)
        if post.school_id == school_id
    )
