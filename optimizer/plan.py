"""Plan values: moves, rule report rows, the solve summary. Writers live in `optimizer.io`.

Each is a plain record: `dataclasses.asdict` is its JSON (summary.json, report.json, the API's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

STATUSES = ("met", "violated", "not_applicable")
MOVE_KINDS = ("rotation", "exchange")
HIRE_KINDS = ("open", "special")
LEADER_HOW = ("stays", "arrives", "acting", "reserve")
LEADER_HOW_NAMES_ZH = {
    "stays": "校长留任",
    "arrives": "调入",
    "acting": "副校长主持工作",
    "reserve": "后备干部接任",
}
"""`Leader.how` in Chinese, as the report, leaders.csv and plan.xlsx write it."""


@dataclass(frozen=True)
class Move:
    """One teacher leaving `from_school` for `to_school` to teach `subject` (a post code).

    For principals and vice-principals `subject` is their role: they fill a leadership post.
    `kind` is `rotation` (交流轮岗, counted by the quota) or `exchange` (双向交流 / 跟岗: a rural or
    weak school's teacher back-filling a post rotation opens at a sending school, for one year).
    """

    teacher_id: str
    from_school: str
    to_school: str
    subject: str
    term_years: int
    reason: str = ""
    kind: str = "rotation"


@dataclass(frozen=True)
class Hire:
    """New teachers recruited into `school_id` for `subject`: `open` (公开招聘, within the county's
    budget) or `special` (特岗, rural schools only)."""

    school_id: str
    subject: str
    posts: int
    kind: str = "open"
    reason: str = ""


@dataclass(frozen=True)
class ItinerantAssignment:
    """走教: a teacher of `home_school` also teaching `share` of a `subject` post at `school_id`."""

    teacher_id: str
    home_school: str
    school_id: str
    subject: str
    share: float


@dataclass(frozen=True)
class Leader:
    """Who leads a school that had a principal, after the plan: the principal who `stays`, a
    leader who `arrives`, a vice-principal of the school `acting`, or a `reserve` leader (后备干部)."""

    school_id: str
    teacher_id: str
    how: str


@dataclass(frozen=True)
class Plan:
    """The decisions of a staffing plan: rotation moves, exchanges, hires and 走教."""

    moves: tuple[Move, ...]
    exchanges: tuple[Move, ...] = ()
    hires: tuple[Hire, ...] = ()
    itinerant: tuple[ItinerantAssignment, ...] = ()

    @cached_property
    def _by_teacher(self) -> dict[str, Move]:
        return {m.teacher_id: m for m in self.moves}

    def move_of(self, teacher_id: str) -> Move | None:
        return self._by_teacher.get(teacher_id)

    @property
    def moving_ids(self) -> set[str]:
        return set(self._by_teacher)

    @cached_property
    def exchange_by_teacher(self) -> dict[str, Move]:
        return {m.teacher_id: m for m in self.exchanges}

    @property
    def hired(self) -> int:
        return sum(h.posts for h in self.hires)


@dataclass(frozen=True)
class RuleRow:
    """One rule instance in the report: what was required, what the plan achieves.

    `target` and `achieved` are numbers in the rule's own unit (teachers, a ratio, a count);
    `shortfall` is how far the plan is from the target in that unit (0 when met); `cost` is
    what the shortfall adds to the objective (weight × shortfall for elastic rules, else 0).
    """

    rule: str
    scope: str
    key: str
    target: float | None
    achieved: float | None
    status: str
    shortfall: float
    mode: str
    sentence_zh: str
    sentence_en: str
    involved: tuple[str, ...] = field(default=())
    cost: float = 0.0


SOLVE_STATUSES = ("optimal", "feasible", "infeasible", "timeout_no_plan")


@dataclass(frozen=True)
class Summary:
    """What a solve achieved. `objective` and `bound` are in cost units (weights × shortfall);
    `gap` is (objective − bound) / max(1, |objective|), 0 when optimal; times in seconds.
    `bound_source` names the bound (CP-SAT's own); `input_hash`, `settings` and `versions` let an
    inspector re-run the solve (with workers 1 and the same seed, the same plan)."""

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    solve_seconds: float
    build_seconds: float
    eligible: int
    rotating: int
    backbone_rotating: int
    shortage_filled: int
    shortage_total: int
    shortage_weighted_filled: float = 0.0
    """Shortage posts filled, each weighted by its subject's priority × the shortage weight."""
    shortage_weighted_total: float = 0.0
    unmet_before: float = 0.0
    """Posts demanded and not taught, over every school and subject, before the plan."""
    unmet_after: float = 0.0
    vacancies_filled: float = 0.0
    """Of the posts unmet before: those the plan fills (whole or in part, 走教 shares count)."""
    vacancies_open: float = 0.0
    """Of the posts unmet before: those still unmet after the plan."""
    vacancies_created: float = 0.0
    """Posts that were taught before and that the plan leaves unmet (a vacancy it opens)."""
    hires: int = 0
    hire_budget: int = 0
    """The hiring budget over the regions (vacant establishment unless set), 特岗 posts included."""
    exchanges: int = 0
    itinerant_assignments: int = 0
    schools_with_principal_before: int = 0
    schools_with_principal_after: int = 0
    variables: int = 0
    hard_violations: int = 0
    bound_source: str = ""
    input_hash: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    split: dict[str, Any] = field(default_factory=dict)
    """How the regions were planned: mode `single`, `by_region` (apart, in parallel) or `joint`
    (with the rule that ties them, in both languages)."""
    regions: list[dict[str, Any]] = field(default_factory=list)
    """When planned by region: each region's own status, objective, bound, gap and times."""
