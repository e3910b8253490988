"""What a plan does to one school, in words an inspector accepts: staff by subject against demand,
backbone teachers, establishment, degree mix, who arrives and leaves, and the rule rows about it.

Numbers come from `school_balance` and the checker, so the explanation never disagrees with the
school table or the rule report.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.errors import ScenarioError
from optimizer.io.problems import unknown_reference
from optimizer.plan import Plan, RuleRow
from optimizer.report import check_plan
from optimizer.rules import rule_by_id
from optimizer.scenario import Scenario, School
from optimizer.schools import SchoolBalance, school_balance
from optimizer.subjects import SUBJECT_NAMES_ZH

AREA_ZH = {"urban": "城区", "town": "镇区", "rural": "乡村"}
ROLE_NAMES = {"principal": ("校长", "principal"), "vice_principal": ("副校长", "vice-principal")}
STATUS_ZH = {"met": "达成", "violated": "未达成", "not_applicable": "不适用"}


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
        lines.append(f"调入 {len(self.moves_in)} 人" + (":" if self.moves_in else "。"))
        lines += [f"  {self._move(m, 'zh', arriving=True)}" for m in self.moves_in]
        lines.append(f"调出 {len(self.moves_out)} 人" + (":" if self.moves_out else "。"))
        lines += [f"  {self._move(m, 'zh', arriving=False)}" for m in self.moves_out]
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
        lines.append(f"{len(self.moves_in)} arriving" + (":" if self.moves_in else "."))
        lines += [f"  {self._move(m, 'en', arriving=True)}" for m in self.moves_in]
        lines.append(f"{len(self.moves_out)} leaving" + (":" if self.moves_out else "."))
        lines += [f"  {self._move(m, 'en', arriving=False)}" for m in self.moves_out]
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
        other = move.from_school if arriving else move.to_school
        return SchoolMove(teacher_id, teachers[teacher_id].name, other, move.subject)

    moves_in = tuple(school_move(t, arriving=True) for t in balance.moves_in)
    moves_out = tuple(school_move(t, arriving=False) for t in balance.moves_out)
    return SchoolExplanation(
        balance=balance,
        degree_share_before=share(balance.degree_before, balance.headcount_before),
        degree_share_after=share(balance.degree_after, balance.headcount_after),
        moves_in=moves_in,
        moves_out=moves_out,
        rules=tuple(r for r in check_plan(scenario, plan) if concerns(r, school_id)),
        labels={s.school_id: school_label(scenario, s.school_id) for s in scenario.schools},
    )
