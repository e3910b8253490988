"""Small edits of a scenario as values: the what-if and re-planning changes planners make.

An `Edits` is plain JSON-able data (the API's body, a variant's stored `changes`). `apply_edits`
applies it to the scenario's JSON document and loads the result with `load_document`, so an edited
scenario is validated exactly like an upload. Every problem is reported at once and named by the
edit that caused it: file "edits.add_teachers", row = the item's index, column = the field.

A removal takes the removed thing's own records along (a teacher's pin, a school's demand rows)
and refuses while anything else still refers to it: removing a school that still has teachers is
a problem, not a silent cascade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io.build import LIST_SEPARATORS
from optimizer.io.document import POLICY_KEY, load_document, scenario_to_document
from optimizer.io.problems import bad_value, not_an_object, unknown_reference
from optimizer.io.tables import HISTORY, TABLES
from optimizer.policy import apply_override
from optimizer.scenario import Scenario
from optimizer.subjects import subject_code

Row = dict[str, Any]

ID_LISTS = {
    "remove_teachers": "teacher_id",
    "remove_schools": "school_id",
    "remove_pins": "teacher_id",
    "withdraw": "teacher_id",
}
UPDATE_LISTS = {"update_teachers": "teacher_id", "update_schools": "school_id"}
ROW_LISTS = ("add_teachers", "add_schools", "set_demand", "add_pins")


@dataclass(frozen=True)
class Edits:
    """Small edits of a scenario, applied in order: teachers, pins, schools, demand, then the policy."""

    overrides: tuple[str, ...] = ()
    """`rule.param=value` (or `year=2026`), policy.toml's dotted names."""
    add_teachers: tuple[Row, ...] = ()
    """New rows of teachers.csv, as in SPEC's JSON document."""
    remove_teachers: tuple[str, ...] = ()
    """Teacher ids; their pins go too."""
    update_teachers: tuple[Row, ...] = ()
    """`teacher_id` plus the fields to change; the other fields keep their values."""
    add_schools: tuple[Row, ...] = ()
    """New rows of schools.csv."""
    remove_schools: tuple[str, ...] = ()
    """School ids; refused while teachers or pins still refer to them."""
    update_schools: tuple[Row, ...] = ()
    """`school_id` plus the fields to change (e.g. `max_incoming`: 0)."""
    set_demand: tuple[Row, ...] = ()
    """`{school_id, subject, required}`, replacing or adding that school's demand in the subject."""
    add_pins: tuple[Row, ...] = ()
    """`{teacher_id, action, school_id}`, replacing the teacher's pin if there is one."""
    remove_pins: tuple[str, ...] = ()
    """Teacher ids whose pin is dropped."""
    withdraw: tuple[str, ...] = ()
    """Teachers who withdraw from rotation this year: each gets a `stay` pin."""

    @classmethod
    def from_dict(cls, data: Any) -> Edits:
        """Check the shape of a JSON object of edits; raise ScenarioError with every problem."""
        if not isinstance(data, Mapping):
            zh, en = "应为由各项修改组成的对象", "expected an object of edits"
            raise ScenarioError([Problem(code="bad_shape", zh=zh, en=en, file="edits")])
        names = [f.name for f in fields(cls)]
        problems: list[Problem] = []
        for key in data:
            if key not in names:
                problems.append(
                    Problem(
                        code="unknown_key",
                        zh=f"未知的修改;应为以下之一:{'、'.join(names)}",
                        en=f"unknown edit; expected one of {', '.join(names)}",
                        file="edits",
                        column=str(key),
                    )
                )
        values: dict[str, tuple[Any, ...]] = {}
        for name in names:
            items = data.get(name)
            if items is None:
                continue
            if not isinstance(items, list | tuple):
                problems.append(
                    Problem(code="bad_shape", zh="应为列表", en="expected a list", file=f"edits.{name}")
                )
                continue
            values[name] = tuple(_item(name, index, item, problems) for index, item in enumerate(items))
        if problems:
            raise ScenarioError(sorted(problems, key=_problem_order))
        return cls(**values)

    def to_dict(self) -> dict[str, list[Any]]:
        """The edits that are not empty, as JSON-able lists."""
        result: dict[str, list[Any]] = {}
        for f in fields(self):
            items = getattr(self, f.name)
            if items:
                result[f.name] = [dict(item) if isinstance(item, Mapping) else item for item in items]
        return result


def _item(name: str, index: int, item: Any, problems: list[Problem]) -> Any:
    """One list item, checked for its kind; problems name the edit list and the item's index."""
    file = f"edits.{name}"
    if name == "overrides":
        if not isinstance(item, str) or "=" not in item:
            problems.append(
                bad_value(file, index, None, "“规则.参数=取值”的形式", "rule.param=value", repr(item))
            )
        return item
    if name in ID_LISTS:
        key = _text(item)
        if key is None:
            column = ID_LISTS[name]
            problems.append(bad_value(file, index, column, f"一个 {column}", f"a {column}", repr(item)))
        return key
    if not isinstance(item, Mapping):
        problems.append(not_an_object(file, index, item))
        return item
    id_column = UPDATE_LISTS.get(name)
    if id_column is not None and _text(item.get(id_column)) is None:
        problems.append(
            Problem(
                code="blank_value",
                zh=f"须填写要更新的行的 {id_column}",
                en=f"the {id_column} of the row to update is required",
                file=file,
                row=index,
                column=id_column,
            )
        )
    return dict(item)


def _text(value: Any) -> str | None:
    """An id as text (JSON numbers too), None when blank or not an id."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


@dataclass
class _Entry:
    """One row of the edited document and where it came from, to name problems by their edit.

    file, row: the parent document's table and index, or the edit list and item that added it.
    edited_by: column -> (edit list, item) of the update that last set that column.
    """

    values: Row
    file: str
    row: int
    edited_by: dict[str, tuple[str, int]] = field(default_factory=dict)

    def key(self, column: str) -> str | None:
        return _text(self.values.get(column))


class _Editor:
    """The document being edited, as entries, and the problems found on the way."""

    def __init__(self, scenario: Scenario) -> None:
        self.document = scenario_to_document(scenario)
        self.tables = {
            table: [_Entry(values, table, index) for index, values in enumerate(self.document[table])]
            for table in TABLES
        }
        self.problems: list[Problem] = []
        self.override_names: list[str] = []

    def problem(self, code: str, edit: str, index: int, column: str, zh: str, en: str) -> None:
        self.problems.append(Problem(code=code, zh=zh, en=en, file=f"edits.{edit}", row=index, column=column))

    def find(self, table: str, column: str, key: str | None) -> _Entry | None:
        return next((e for e in self.tables[table] if key is not None and e.key(column) == key), None)

    def drop(self, table: str, column: str, key: str) -> None:
        self.tables[table] = [e for e in self.tables[table] if e.key(column) != key]

    # Rows by id: teachers and schools.

    def update(self, edit: str, table: str, column: str, rows: tuple[Row, ...]) -> None:
        for index, values in enumerate(rows):
            key = _text(values.get(column))
            entry = self.find(table, column, key)
            if entry is None:
                zh, en = (
                    f"未知的 {column} {key!r},没有可更新的行",
                    f"unknown {column} {key!r}; nothing to update",
                )
                self.problem("unknown_reference", edit, index, column, zh, en)
                continue
            for name, value in values.items():
                if name != column:
                    entry.values[name] = value
                    entry.edited_by[name] = (f"edits.{edit}", index)

    def add(self, edit: str, table: str, column: str, rows: tuple[Row, ...]) -> None:
        for index, values in enumerate(rows):
            key = _text(values.get(column))
            if self.find(table, column, key) is not None:
                zh = f"{column} {key!r} 已存在;请用 update_{table}"
                self.problem(
                    "duplicate_id",
                    edit,
                    index,
                    column,
                    zh,
                    f"{column} {key!r} already exists; use update_{table}",
                )
                continue
            self.tables[table].append(_Entry(dict(values), f"edits.{edit}", index))

    def remove_teachers(self, ids: tuple[str, ...]) -> None:
        """A teacher goes with their pin and their history; a spouse still naming them is a problem."""
        for index, teacher_id in _first_of_each(ids):
            if self.find("teachers", "teacher_id", teacher_id) is None:
                self.problems.append(
                    unknown_reference("edits.remove_teachers", index, "teacher_id", "teacher", teacher_id)
                )
                continue
            spouses = [
                e.key("teacher_id")
                for e in self.tables["teachers"]
                if e.key("spouse_id") == teacher_id and e.key("teacher_id") not in ids
            ]
            if spouses:
                zh = (
                    f"{teacher_id!r} 是 {'、'.join(map(repr, spouses))} 的配偶;"
                    "请先清空其 spouse_id(update_teachers),或一并移除"
                )
                en = (
                    f"{teacher_id!r} is the spouse of {', '.join(map(repr, spouses))}; "
                    "clear their spouse_id (update_teachers) or remove them too"
                )
                self.problem("still_referenced", "remove_teachers", index, "teacher_id", zh, en)
                continue
            self.drop("teachers", "teacher_id", teacher_id)
            self.drop("pins", "teacher_id", teacher_id)
            if HISTORY in self.document:
                self.document[HISTORY] = [s for s in self.document[HISTORY] if s["teacher_id"] != teacher_id]

    def remove_schools(self, ids: tuple[str, ...]) -> None:
        """A school goes with its demand rows; teachers or pins still referring to it are a problem."""
        for index, school_id in _first_of_each(ids):
            if self.find("schools", "school_id", school_id) is None:
                self.problems.append(
                    unknown_reference("edits.remove_schools", index, "school_id", "school", school_id)
                )
                continue
            references = self.school_references(school_id)
            if references:
                zh = f"学校 {school_id!r} 仍被引用:{';'.join(zh for zh, _ in references)};请先调走或更新它们"
                en = f"school {school_id!r} is still referred to: {'; '.join(en for _, en in references)}"
                en += "; move or update them first"
                self.problem("still_referenced", "remove_schools", index, "school_id", zh, en)
                continue
            self.drop("schools", "school_id", school_id)
            self.drop("demand", "school_id", school_id)

    def school_references(self, school_id: str) -> list[tuple[str, str]]:
        """What still refers to the school, as (zh, en) phrases naming the teachers."""
        teachers = self.tables["teachers"]
        found = {
            ("在该校任教(school_id)", "teach there (school_id)"): [
                e for e in teachers if e.key("school_id") == school_id
            ],
            ("从该校出去交流(on_rotation_from)", "rotate from it (on_rotation_from)"): [
                e for e in teachers if e.key("on_rotation_from") == school_id
            ],
            ("志愿填报了该校(preferred_schools)", "prefer it (preferred_schools)"): [
                e for e in teachers if school_id in _listed(e.values.get("preferred_schools"))
            ],
            ("被人事指定调往该校(pins)", "are pinned to move there (pins)"): [
                e
                for e in self.tables["pins"]
                if e.key("school_id") == school_id and e.values.get("action") == "move_to"
            ],
        }
        references = []
        for (what_zh, what_en), entries in found.items():
            if entries:
                names_zh, names_en = _names([e.key("teacher_id") for e in entries])
                references.append((f"教师 {names_zh} {what_zh}", f"teachers {names_en} {what_en}"))
        return references

    # Demand and pins.

    def set_demand(self, rows: tuple[Row, ...]) -> None:
        """Each row replaces the demand of its (school, subject), or adds it."""
        seen: dict[tuple[str | None, str | None], int] = {}
        demand = self.tables["demand"]
        for index, values in enumerate(rows):
            key = _demand_key(values)
            if None not in key and key in seen:
                zh = f"({key[0]},{key[1]})设置了两次,首次在第 {seen[key]} 行"
                en = f"({key[0]}, {key[1]}) is set twice, first at row {seen[key]}"
                self.problem("duplicate_id", "set_demand", index, "subject", zh, en)
                continue
            seen[key] = index
            entry = _Entry(dict(values), "edits.set_demand", index)
            position = next((i for i, e in enumerate(demand) if _demand_key(e.values) == key), None)
            if position is None:
                demand.append(entry)
            else:
                demand[position] = entry

    def remove_pins(self, ids: tuple[str, ...]) -> None:
        for index, teacher_id in _first_of_each(ids):
            if self.find("pins", "teacher_id", teacher_id) is None:
                zh, en = f"教师 {teacher_id!r} 没有人事指定", f"no pin for teacher {teacher_id!r}"
                self.problem("unknown_reference", "remove_pins", index, "teacher_id", zh, en)
            else:
                self.drop("pins", "teacher_id", teacher_id)

    def set_pins(self, edit: str, pins: list[tuple[int, Row]]) -> None:
        """Each pin (item index, row) replaces the teacher's pin, if any; a teacher listed twice
        in one edit is a problem."""
        seen: dict[str, int] = {}
        for index, values in pins:
            teacher_id = _text(values.get("teacher_id"))
            if teacher_id is not None and teacher_id in seen:
                zh = f"教师 {teacher_id!r} 出现了两次,首次在第 {seen[teacher_id]} 行"
                en = f"teacher {teacher_id!r} is listed twice, first at row {seen[teacher_id]}"
                self.problem("duplicate_id", edit, index, "teacher_id", zh, en)
                continue
            if teacher_id is not None:
                seen[teacher_id] = index
                self.drop("pins", "teacher_id", teacher_id)
            self.tables["pins"].append(_Entry(dict(values), f"edits.{edit}", index))

    def withdraw(self, ids: tuple[str, ...], pinned: tuple[Row, ...]) -> None:
        """A teacher who withdraws stays this year: a `stay` pin, whatever pin they had."""
        added = {_text(values.get("teacher_id")): index for index, values in enumerate(pinned)}
        stays = []
        for index, teacher_id in _first_of_each(ids):
            if self.find("teachers", "teacher_id", teacher_id) is None:
                self.problems.append(
                    unknown_reference("edits.withdraw", index, "teacher_id", "teacher", teacher_id)
                )
            elif teacher_id in added:
                zh = f"教师 {teacher_id!r} 退出交流,但 add_pins 第 {added[teacher_id]} 行又为其设了人事指定"
                en = f"teacher {teacher_id!r} withdraws, but add_pins row {added[teacher_id]} pins them"
                self.problem("conflicting_edits", "withdraw", index, "teacher_id", zh, en)
            else:
                stays.append((index, {"teacher_id": teacher_id, "action": "stay"}))
        self.set_pins("withdraw", stays)

    # The policy.

    def override(self, assignments: tuple[str, ...]) -> None:
        policy = self.document[POLICY_KEY]
        for index, assignment in enumerate(assignments):
            found: list[Problem] = []
            apply_override(policy, assignment, found)
            self.problems += [replace(p, file="edits.overrides", row=index) for p in found]
            self.override_names.append(assignment.partition("=")[0].strip())

    # Loading.

    def load(self) -> Scenario:
        for table, entries in self.tables.items():
            self.document[table] = [entry.values for entry in entries]
        scenario = None
        try:
            scenario = load_document(self.document)
        except ScenarioError as error:
            self.problems += [self.locate(problem) for problem in error.problems]
        if self.problems:
            raise ScenarioError(sorted(self.problems, key=_problem_order))
        assert scenario is not None
        return scenario

    def locate(self, problem: Problem) -> Problem:
        """The loader's problem, placed at the edit that made the row or the parameter."""
        if problem.file == POLICY_KEY and problem.column:
            name = problem.column.removeprefix("rules.")
            for index, override in reversed(list(enumerate(self.override_names))):
                if override == name or override.startswith(name + "."):
                    return replace(problem, file="edits.overrides", row=index, column=override)
            return problem
        entries = self.tables.get(problem.file or "")
        if entries is None or problem.row is None or not 0 <= problem.row < len(entries):
            return problem
        entry = entries[problem.row]
        file, row = entry.file, entry.row
        if problem.column in entry.edited_by:
            file, row = entry.edited_by[problem.column]
        elif entry.edited_by:
            file, row = list(entry.edited_by.values())[-1]
        return replace(problem, file=file, row=row)


def apply_edits(scenario: Scenario, edits: Edits) -> Scenario:
    """The edited scenario, validated like an upload; ScenarioError lists every problem.

    Teachers first (update, remove, add), then pins, schools and demand, so that one set of edits
    can move a school's teachers and then remove it, or add a school and its demand.
    """
    editor = _Editor(scenario)
    editor.update("update_teachers", "teachers", "teacher_id", edits.update_teachers)
    editor.remove_teachers(edits.remove_teachers)
    editor.add("add_teachers", "teachers", "teacher_id", edits.add_teachers)
    editor.remove_pins(edits.remove_pins)
    editor.set_pins("add_pins", list(enumerate(edits.add_pins)))
    editor.withdraw(edits.withdraw, edits.add_pins)
    editor.update("update_schools", "schools", "school_id", edits.update_schools)
    editor.add("add_schools", "schools", "school_id", edits.add_schools)
    editor.remove_schools(edits.remove_schools)
    editor.set_demand(edits.set_demand)
    editor.override(edits.overrides)
    return editor.load()


def _first_of_each(ids: tuple[str, ...]) -> list[tuple[int, str]]:
    """(index, id) of each id's first mention: naming an id twice to remove or withdraw is harmless."""
    return [(index, key) for index, key in enumerate(ids) if key not in ids[:index]]


def _listed(value: Any) -> list[str]:
    """The items of a list cell: a JSON array or `;`-separated text."""
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value]
    if isinstance(value, str):
        return [item.strip() for item in LIST_SEPARATORS.split(value)]
    return []


def _demand_key(values: Row) -> tuple[str | None, str | None]:
    """(school, subject code); a Chinese subject name matches its code."""
    subject = values.get("subject")
    return _text(values.get("school_id")), subject_code(subject) if isinstance(subject, str) else None


def _names(ids: list[str | None], limit: int = 5) -> tuple[str, str]:
    """The first `limit` ids and how many more, in Chinese and in English."""
    more = len(ids) - limit
    zh = "、".join(repr(i) for i in ids[:limit]) + (f" 等(另有 {more} 人)" if more > 0 else "")
    en = ", ".join(repr(i) for i in ids[:limit]) + (f" and {more} more" if more > 0 else "")
    return zh, en


FILE_ORDER = ("edits", *(f"edits.{f.name}" for f in fields(Edits)), *TABLES, POLICY_KEY)


def _problem_order(problem: Problem) -> tuple[int, int]:
    rank = FILE_ORDER.index(problem.file) if problem.file in FILE_ORDER else len(FILE_ORDER)
    return rank, -1 if problem.row is None else problem.row
