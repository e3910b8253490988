"""The staffing files beside plan.csv (SPEC "Staffing, not only moves"): recruitment.csv,
itinerant.csv, leaders.csv and coverage.csv.

Each is written even without rows (the header alone), so that a reader knows it was considered.
recruitment.csv (hires) and itinerant.csv (走教) are decisions of the plan: `read_plan_files` reads
them with plan.csv when they are beside it, every problem of every file at once. leaders.csv and
coverage.csv follow from the plan (`leaders_after`, `coverage_posts`): the checker recomputes
them, and says where a leaders.csv names another head than the plan gives.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io.plan_csv import (
    MOVE_KIND_NAMES_ZH,
    Names,
    RowReader,
    read_csv_table,
    read_moves,
    table_rows,
)
from optimizer.io.problems import missing_path
from optimizer.io.tables import RawTable
from optimizer.plan import HIRE_KINDS, LEADER_HOW_NAMES_ZH, Hire, ItinerantAssignment, Leader, Plan
from optimizer.rules import Post
from optimizer.scenario import Scenario

PLAN_FILE = "plan.csv"
RECRUITMENT_FILE = "recruitment.csv"
ITINERANT_FILE = "itinerant.csv"
LEADERS_FILE = "leaders.csv"
COVERAGE_FILE = "coverage.csv"

RECRUITMENT_COLUMNS = ("school_id", "subject", "posts", "kind", "reason")
ITINERANT_COLUMNS = ("teacher_id", "home_school", "school_id", "subject", "share")
LEADER_COLUMNS = ("school_id", "teacher_id", "how")
COVERAGE_COLUMNS = ("school_id", "subject", "required", "before", "after", "filled_by")

HIRE_KIND_NAMES_ZH = {"open": "公开招聘", "special": "特岗"}
ITINERANT_ZH = "走教"


def write_recruitment_csv(plan: Plan, path: Path) -> Path:
    rows = [(h.school_id, h.subject, h.posts, h.kind, h.reason) for h in plan.hires]
    return _write_csv(path, RECRUITMENT_COLUMNS, rows)


def write_itinerant_csv(plan: Plan, path: Path) -> Path:
    rows = [(a.teacher_id, a.home_school, a.school_id, a.subject, f"{a.share:g}") for a in plan.itinerant]
    return _write_csv(path, ITINERANT_COLUMNS, rows)


def write_leaders_csv(leaders: Sequence[Leader], path: Path) -> Path:
    return _write_csv(path, LEADER_COLUMNS, [(x.school_id, x.teacher_id, x.how) for x in leaders])


def write_coverage_csv(posts: Sequence[Post], plan: Plan, path: Path) -> Path:
    """Every school × subject of the demand (`coverage_posts` of the plan): required, before,
    after and how it is covered."""
    how = filled_by(plan)
    rows = [
        (p.school_id, p.subject, p.required, p.before, f"{p.after:g}", how.get((p.school_id, p.subject), ""))
        for p in posts
    ]
    return _write_csv(path, COVERAGE_COLUMNS, rows)


def filled_by(plan: Plan, *, chinese: bool = False) -> dict[tuple[str, str], str]:
    """(school, subject) → who and what comes to cover it, `;`-separated: teachers who arrive for
    the subject (an exchange marked `(exchange)`), the hires (`hire×2`, 特岗 `hire(special)×1`) and
    the 走教 shares (`T00101(走教 0.5)`); `chinese` for HR's sheet (`(跟岗)`, `公开招聘×2`, `特岗×1`).
    Posts nothing comes to are absent."""
    parts: dict[tuple[str, str], list[str]] = {}
    for move in plan.moves:
        parts.setdefault((move.to_school, move.subject), []).append(move.teacher_id)
    for move in plan.exchanges:
        kind = MOVE_KIND_NAMES_ZH[move.kind] if chinese else move.kind
        parts.setdefault((move.to_school, move.subject), []).append(f"{move.teacher_id}({kind})")
    for hire in plan.hires:
        if chinese:
            hired = HIRE_KIND_NAMES_ZH[hire.kind]
        else:
            hired = "hire" if hire.kind == HIRE_KINDS[0] else f"hire({hire.kind})"
        parts.setdefault((hire.school_id, hire.subject), []).append(f"{hired}×{hire.posts}")
    for assignment in plan.itinerant:
        shown = f"{assignment.teacher_id}({ITINERANT_ZH} {assignment.share:g})"
        parts.setdefault((assignment.school_id, assignment.subject), []).append(shown)
    return {key: ";".join(found) for key, found in parts.items()}


def coverage_status(post: Post) -> str:
    """A post after the plan, as the 学科配备 sheet says it: met, filled, still short or opened."""
    if not post.unmet_after:
        return "已满足" if not post.unmet_before else "已补足"
    parts = []
    if post.still_open:
        parts.append(f"仍缺 {post.still_open:g}")
    if post.created:
        parts.append(f"新增空缺 {post.created}")
    return ",".join(parts)


@dataclass(frozen=True)
class PlanFiles:
    """A plan as read from its files, and the heads its leaders.csv names (None: no such file);
    `leaders_file` is where the heads were read (leaders.csv, or a sheet of plan.xlsx)."""

    plan: Plan
    leaders: tuple[Leader, ...] | None
    leaders_file: str = LEADERS_FILE


def read_plan_files(plan_path: str | Path, scenario: Scenario) -> PlanFiles:
    """plan.csv, with the hires of recruitment.csv, the 走教 of itinerant.csv and the heads of
    leaders.csv when they are in the same folder; ScenarioError lists every problem of every file."""
    plan_path = Path(plan_path)
    folder = plan_path.parent
    problems: list[Problem] = []
    plan = read_moves(plan_path, scenario, problems)
    hires: tuple[Hire, ...] = ()
    itinerant: tuple[ItinerantAssignment, ...] = ()
    leaders: tuple[Leader, ...] | None = None
    if (folder / RECRUITMENT_FILE).is_file():
        hires = read_hires(folder / RECRUITMENT_FILE, scenario, problems)
    if (folder / ITINERANT_FILE).is_file():
        itinerant = read_itinerant(folder / ITINERANT_FILE, scenario, problems)
    if (folder / LEADERS_FILE).is_file():
        leaders = read_leaders(folder / LEADERS_FILE, scenario, problems)
    if problems:
        raise ScenarioError(problems)
    return PlanFiles(replace(plan, hires=hires, itinerant=itinerant), leaders)


def read_plan_folder(folder: str | Path, scenario: Scenario) -> PlanFiles:
    """The plan files in the folder `rotation solve --out` writes: plan.csv, recruitment.csv,
    itinerant.csv and leaders.csv, where a missing or empty file means nothing of that kind;
    ScenarioError lists every problem of every file (a missing folder is one)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError([missing_path(str(folder), "folder")])
    problems: list[Problem] = []
    plan = Plan(())
    if _has_text(folder / PLAN_FILE):
        plan = read_moves(folder / PLAN_FILE, scenario, problems)
    hires: tuple[Hire, ...] = ()
    if _has_text(folder / RECRUITMENT_FILE):
        hires = read_hires(folder / RECRUITMENT_FILE, scenario, problems)
    itinerant: tuple[ItinerantAssignment, ...] = ()
    if _has_text(folder / ITINERANT_FILE):
        itinerant = read_itinerant(folder / ITINERANT_FILE, scenario, problems)
    leaders: tuple[Leader, ...] | None = None
    if _has_text(folder / LEADERS_FILE):
        leaders = read_leaders(folder / LEADERS_FILE, scenario, problems)
    if problems:
        raise ScenarioError(problems)
    return PlanFiles(replace(plan, hires=hires, itinerant=itinerant), leaders)


def _has_text(path: Path) -> bool:
    """A file with more than a byte-order mark and blanks in it."""
    return path.is_file() and bool(path.read_bytes().lstrip(b"\xef\xbb\xbf").strip())


def read_hires(path: Path, scenario: Scenario, problems: list[Problem]) -> tuple[Hire, ...]:
    """recruitment.csv: `kind` blank is a 公开招聘 (open) hire, `reason` may be left out."""
    table = read_csv_table(path, RECRUITMENT_COLUMNS, RECRUITMENT_COLUMNS[:3], problems)
    return () if table is None else hires_of(table, scenario, problems)


def hires_of(
    table: RawTable, scenario: Scenario, problems: list[Problem], names: Names | None = None
) -> tuple[Hire, ...]:
    """A hire per row of a table of RECRUITMENT_COLUMNS (recruitment.csv, plan.xlsx's 招聘计划)."""
    hires = []
    seen: dict[tuple[str, ...], int] = {}
    for row in table_rows(table, RECRUITMENT_COLUMNS, problems, names):
        row.required("school_id", "subject", "posts")
        school_id = row.school(scenario, "school_id")
        subject = row.subject("subject")
        posts = row.whole_number("posts", "招聘人数(正整数)", "a number of hires (a whole number, 1 or more)")
        kind = row.choice("kind", HIRE_KIND_NAMES_ZH, default=HIRE_KINDS[0])
        row.first_time((school_id, subject, kind), seen, "subject")
        hires.append(Hire(school_id, subject, posts or 0, kind, row.values["reason"]))
    return tuple(hires)


def read_itinerant(
    path: Path, scenario: Scenario, problems: list[Problem]
) -> tuple[ItinerantAssignment, ...]:
    """itinerant.csv: every column is needed. Whether an assignment is allowed (district,
    distance, share, the teacher's subject) is the checker's question, not an input error."""
    table = read_csv_table(path, ITINERANT_COLUMNS, ITINERANT_COLUMNS, problems)
    return () if table is None else itinerant_of(table, scenario, problems)


def itinerant_of(
    table: RawTable, scenario: Scenario, problems: list[Problem], names: Names | None = None
) -> tuple[ItinerantAssignment, ...]:
    """A 走教 assignment per row (in row order) of a table of ITINERANT_COLUMNS (itinerant.csv,
    plan.xlsx's 走教安排)."""
    assignments = []
    seen: dict[tuple[str, ...], int] = {}
    for row in table_rows(table, ITINERANT_COLUMNS, problems, names):
        row.required(*ITINERANT_COLUMNS)
        teacher_id = row.teacher(scenario, "teacher_id")
        home_school = row.school(scenario, "home_school")
        school_id = row.school(scenario, "school_id")
        subject = row.subject("subject")
        share = _share(row, "share")
        row.first_time((teacher_id, school_id, subject), seen, "school_id")
        assignments.append(ItinerantAssignment(teacher_id, home_school, school_id, subject, share))
    return tuple(assignments)


def _share(row: RowReader, column: str) -> float:
    """A share of a post, above 0 and at most 1."""
    value = row.values[column]
    try:
        share = float(value)
    except ValueError:
        share = 0.0
    if value and not 0 < share <= 1:
        row.bad(column, "岗位份额(大于 0,不超过 1)", "a share of a post (above 0, at most 1)")
    return share


def read_leaders(path: Path, scenario: Scenario, problems: list[Problem]) -> tuple[Leader, ...]:
    """leaders.csv: one row per school, naming its head after the plan."""
    table = read_csv_table(path, LEADER_COLUMNS, LEADER_COLUMNS, problems)
    return () if table is None else leaders_of(table, scenario, problems)


def leaders_of(
    table: RawTable, scenario: Scenario, problems: list[Problem], names: Names | None = None
) -> tuple[Leader, ...]:
    """A head per row of a table of LEADER_COLUMNS (leaders.csv, plan.xlsx's 校长配备)."""
    leaders = []
    seen: dict[tuple[str, ...], int] = {}
    for row in table_rows(table, LEADER_COLUMNS, problems, names):
        row.required(*LEADER_COLUMNS)
        school_id = row.school(scenario, "school_id")
        teacher_id = row.teacher(scenario, "teacher_id")
        how = row.choice("how", LEADER_HOW_NAMES_ZH)
        row.first_time((school_id,), seen, "school_id")
        leaders.append(Leader(school_id, teacher_id, how))
    return tuple(leaders)


@dataclass(frozen=True)
class LeaderMismatch:
    """A school where leaders.csv (or the sheet read instead) names another head than the plan
    gives (None: nobody)."""

    school_id: str
    named: Leader | None
    """What leaders.csv says."""
    recomputed: Leader | None
    """What the plan gives (`leaders_after`)."""

    def sentence(self, lang: str, source: str = LEADERS_FILE) -> str:
        def who(leader: Leader | None) -> str:
            if leader is None:
                return "无人" if lang == "zh" else "nobody"
            how = LEADER_HOW_NAMES_ZH[leader.how] if lang == "zh" else leader.how
            return f"{leader.teacher_id}({how})" if lang == "zh" else f"{leader.teacher_id} ({how})"

        if lang == "zh":
            return f"{self.school_id}:{source} 写的是 {who(self.named)},按方案应为 {who(self.recomputed)}"
        return f"{self.school_id}: {source} names {who(self.named)}, the plan gives {who(self.recomputed)}"


def leader_mismatches(
    scenario: Scenario, named: Iterable[Leader], recomputed: Iterable[Leader]
) -> list[LeaderMismatch]:
    """Every school, in school order, where the named head (teacher and how) is not the one the
    plan gives, a school the file leaves out or one it names a head for that has none."""
    in_file = {leader.school_id: leader for leader in named}
    in_plan = {leader.school_id: leader for leader in recomputed}
    return [
        LeaderMismatch(school.school_id, in_file.get(school.school_id), in_plan.get(school.school_id))
        for school in scenario.schools
        if in_file.get(school.school_id) != in_plan.get(school.school_id)
    ]


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with a BOM for Excel, like plan.csv; the header even without rows."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(rows)
    return path
