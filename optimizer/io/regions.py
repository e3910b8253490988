"""Regions one at a time: a bundle split into one bundle per region, streaming, and an in-memory
scenario split into its region sub-scenarios.

A region (county) is the unit of planning and regions are independent (SPEC), so a province of
up to ~950,000 teachers is validated and solved region by region. Splitting must not take
province-size memory: schools.csv (small) maps every school to its region, then teachers.csv,
demand.csv, pins.csv and history.csv (a stint goes with its teacher) are streamed and each row is
appended, cells untouched, to its region's files a chunk at a time. Memory is a chunk of rows plus
the id -> region maps.

What ties regions together is checked by the split: ids unique across the bundle, every row
routable (a known school or teacher), no reference into another region (rotation, spouses, pins
and the history's stints stay inside one county). Every other check is the normal loader's, run
when a part is loaded. Its problems name the ORIGINAL file and row: each part folder holds
`source_rows.json`, the original row number of each of its rows, which the bundle loader does not
read.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.errors import Problem, ScenarioError
from optimizer.io.aliases import column_of
from optimizer.io.build import LIST_SEPARATORS, PIN_COLUMNS, BadValue, as_written, header_problems
from optimizer.io.bundle import POLICY_FILE, csv_text, file_name, load_bundle, read_policy
from optimizer.io.csvtext import candidates, delimiter_of, encoding_of
from optimizer.io.problems import (
    blank_value,
    duplicate,
    empty_table,
    grouped,
    missing_path,
    missing_table,
    renumbered,
    unknown_reference,
    unreadable_csv,
)
from optimizer.io.tables import HISTORY, REQUIRED_TABLES, TABLES, header_name, is_blank, table_from_grid
from optimizer.rules import merge_policy
from optimizer.scenario import Scenario, Stint

SOURCE_ROWS = "source_rows.json"
CHUNK_ROWS = 10_000  # rows held before they are appended to their regions' files
FILES = (*TABLES, HISTORY)
FILE_ORDER = [*(file_name(table) for table in FILES), POLICY_FILE]  # problems are reported in it

Cells = list[str]


@dataclass(frozen=True)
class RegionPart:
    """One region of a split bundle.

    folder: a complete bundle of this region alone (the CSV files and policy.toml of the
        original), plus `source_rows.json`, the original row of each of its rows.
    """

    region: str
    folder: Path
    teachers: int
    schools: int


def region_scenario_name(name: str, region: str) -> str:
    """The name of a region's sub-scenario: the scenario's, suffixed by the region."""
    return f"{name}-{region}" if name else region


def regions_of_bundle(bundle: str | Path) -> list[str]:
    """The bundle's regions, sorted as `Scenario.regions`; reads schools.csv only. Problems of
    single rows (a blank region, a repeated id) are left to the split and the loader; only a
    schools.csv that cannot be read by region raises ScenarioError."""
    problems: list[Problem] = []
    schools = _read_schools(Path(bundle), problems)
    if schools is None:
        raise ScenarioError(_ordered(problems))
    return schools.regions


def bundle_warnings(bundle: str | Path) -> tuple[Problem, ...]:
    """The warnings `load_bundle` gives a bundle (its unknown columns, skipped), from the files'
    headers alone: for a bundle planned region by region, which is never loaded whole."""
    warnings: list[Problem] = []
    for table in FILES:
        path = Path(bundle) / file_name(table)
        if path.is_file():
            header = table_from_grid(path.name, [_header(path)], [], table)
            warnings += header_problems(table, header)[1]
    return tuple(warnings)


def split_bundle(bundle: str | Path, work_dir: str | Path) -> list[RegionPart]:
    """Split a bundle folder into one bundle per region under `work_dir` (`region-001`, ... in
    region order), streaming; returns the parts in region order.

    ScenarioError lists every problem the split finds (see the module docstring) and leaves
    nothing behind. `work_dir` must be empty or absent: parts never mix with older files.
    """
    bundle, work_dir = Path(bundle), Path(work_dir)
    if not bundle.is_dir():
        raise ScenarioError([missing_path(str(bundle), "folder")])
    if work_dir.exists() and any(work_dir.iterdir()):
        raise FileExistsError(f"{work_dir} is not empty; split_bundle writes into an empty folder")
    problems: list[Problem] = []
    merge_policy(read_policy(bundle / POLICY_FILE, problems), POLICY_FILE, problems)
    schools = _read_schools(bundle, problems)
    if schools is None:
        raise ScenarioError(_ordered(problems))
    created = not work_dir.exists()
    parts = _PartWriter(bundle, work_dir, schools.regions)
    try:
        routed = ((row, schools.region_of[row], cells) for row, cells in schools.rows)
        parts.write("schools", schools.header, routed)
        teachers = _split_teachers(bundle, schools, parts, problems)
        _split_demand(bundle, schools, parts, problems)
        if teachers is not None:
            _split_pins(bundle, schools, teachers, parts, problems)
            _split_history(bundle, schools, teachers, parts, problems)
            _check_regions_have_teachers(schools, parts, problems)
        if problems:
            written = {file_name(table): _written_headers(bundle, table) for table in FILES}
            raise ScenarioError(_ordered([as_written(problem, written) for problem in problems]))
        return parts.finish()
    except BaseException:
        parts.remove()
        if created:
            shutil.rmtree(work_dir, ignore_errors=True)
        raise


def load_region_part(part: RegionPart) -> Scenario:
    """Load and fully validate a part, named like `iter_region_scenarios` names it; every
    problem names the original file and row (and rows named in messages are original too)."""
    source = json.loads((part.folder / SOURCE_ROWS).read_text(encoding="utf-8"))
    try:
        scenario = load_bundle(part.folder, name=source["name"], group=False)
    except ScenarioError as error:
        rows: dict[str, list[int]] = source["rows"]
        raise ScenarioError(
            grouped([_original_problem(problem, rows) for problem in error.problems])
        ) from None
    return replace(scenario, name=region_scenario_name(scenario.name, part.region))


def iter_region_scenarios(scenario: Scenario) -> Iterator[Scenario]:
    """Each region's sub-scenario in region order: exactly its teachers, schools, demand, pins and
    history (the stints of its teachers), the same policy, named by `region_scenario_name`. Raises
    ScenarioError first, with every problem, where the regions are not independent (the checks of
    `split_bundle`); problems name the JSON document's lists and 0-based indexes."""
    region_of_school = {school.school_id: school.region for school in scenario.schools}
    region_of_teacher = {t.teacher_id: region_of_school[t.school_id] for t in scenario.teachers}
    problems = _crossings_in_memory(scenario, region_of_school, region_of_teacher)
    if problems:
        raise ScenarioError(problems)
    teachers, schools, pins = defaultdict(list), defaultdict(list), defaultdict(list)
    demand: defaultdict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for teacher in scenario.teachers:
        teachers[region_of_teacher[teacher.teacher_id]].append(teacher)
    for school in scenario.schools:
        schools[school.region].append(school)
    for key, required in scenario.demand.items():
        demand[region_of_school[key[0]]][key] = required
    for pin in scenario.pins:
        pins[region_of_teacher[pin.teacher_id]].append(pin)
    history: defaultdict[str, list[Stint]] = defaultdict(list)
    for stint in scenario.history:
        history[region_of_teacher[stint.teacher_id]].append(stint)
    for region in scenario.regions:
        yield Scenario(
            teachers=tuple(teachers[region]),
            schools=tuple(schools[region]),
            demand=demand[region],
            pins=tuple(pins[region]),
            policy=scenario.policy,
            name=region_scenario_name(scenario.name, region),
            history=tuple(history[region]),
            source=scenario.source,
        )


def _crossings_in_memory(
    scenario: Scenario, region_of_school: dict[str, str], region_of_teacher: dict[str, str]
) -> list[Problem]:
    """`split_bundle`'s checks of what ties regions together, on a loaded scenario."""
    problems: list[Problem] = []

    def check(table: str, index: int, column: str, what: str, ref: str | None, region: str) -> None:
        by_id = region_of_teacher if what == "spouse" else region_of_school
        other = by_id.get(ref) if ref else None
        if ref and other is not None and other != region:
            problems.append(_crossing(table, index, column, what, ref, other, region))

    for index, teacher in enumerate(scenario.teachers):
        region = region_of_teacher[teacher.teacher_id]
        check("teachers", index, "on_rotation_from", "school", teacher.on_rotation_from, region)
        for school_id in teacher.preferred_schools:
            check("teachers", index, "preferred_schools", "school", school_id, region)
        check("teachers", index, "spouse_id", "spouse", teacher.spouse_id, region)
    for index, pin in enumerate(scenario.pins):
        if pin.action == "move_to":
            check("pins", index, "school_id", "school", pin.school_id, region_of_teacher[pin.teacher_id])
    for index, stint in enumerate(scenario.history):
        for column in HISTORY_SCHOOLS:
            school_id = getattr(stint, column)
            check(HISTORY, index, column, "school", school_id, region_of_teacher[stint.teacher_id])
    staffed = set(region_of_teacher.values())
    first_school: dict[str, int] = {}
    for index, school in enumerate(scenario.schools):
        first_school.setdefault(school.region, index)
    for region, index in first_school.items():
        if region not in staffed:
            problems.append(_no_teachers("schools", index, region, "teachers"))
    return problems


# --- the split ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Schools:
    """schools.csv, read whole (a province has ~10,000 schools): rows, and regions by school."""

    header: Cells
    rows: list[tuple[int, Cells]]
    regions: list[str]
    region_of: dict[int, int]  # row -> region index, for the rows that have a region
    by_id: dict[str, int]  # school_id -> region index

    def crossing(
        self, file: str, row: int, column: str, what: str, ref: str, other: int, region: int
    ) -> Problem:
        return _crossing(file, row, column, what, ref, self.regions[other], self.regions[region])


class _Table:
    """A CSV file read a record at a time: its header, then its rows with cells by column name
    (Chinese headers by the columns they name). An undecodable file has no header and no rows
    (the decoding problem is reported)."""

    def __init__(self, bundle: Path, table: str, problems: list[Problem]) -> None:
        self.label = file_name(table)
        self.problems = problems
        self.count = 0  # rows read so far
        self.header: Cells = []
        self.position: dict[str, int] = {}
        encoding = encoding_of(bundle / self.label, problems)
        if encoding is None:
            self._records: Iterator[tuple[int, Cells]] = iter(())
            return
        self._records = _records(bundle / self.label, encoding, problems)
        self.header = next(self._records, (1, []))[1]
        for index, name in enumerate(column_of(table, header_name(cell)) for cell in self.header):
            if name:
                self.position.setdefault(name, index)  # the first of repeated columns, as the loader
        problems += header_problems(table, table_from_grid(self.label, [self.header], problems, table))[0]

    def rows(self) -> Iterator[tuple[int, Cells]]:
        for row, cells in self._records:
            self.count += 1
            yield row, cells

    def has(self, *columns: str) -> bool:
        return all(column in self.position for column in columns)

    def cell(self, cells: Cells, column: str) -> str:
        """The stripped text of a cell; blank when the column or the cell is missing."""
        index = self.position.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def required(self, row: int, cells: Cells, column: str) -> str:
        """The cell's text; a blank is reported as the loader reports it."""
        value = self.cell(cells, column)
        if not value:
            self.problems.append(blank_value(self.label, row, column))
        return value


def _open(bundle: Path, table: str, problems: list[Problem]) -> _Table | None:
    """The table's reader; None when its file is absent, a problem unless the table is optional."""
    if not (bundle / file_name(table)).is_file():
        if table in REQUIRED_TABLES:
            problems.append(missing_table(file_name(table), REQUIRED_TABLES))
        return None
    return _Table(bundle, table, problems)


def _read_schools(bundle: Path, problems: list[Problem]) -> _Schools | None:
    """schools.csv, or None (with the problems) when its rows cannot be told apart by region."""
    table = _open(bundle, "schools", problems)
    if table is None or not table.has("school_id", "region"):
        return None
    rows = list(table.rows())
    if not rows:
        problems.append(empty_table(table.label))
        return None
    first_row: dict[str, int] = {}
    row_region: dict[int, str] = {}
    for row, cells in rows:
        region = table.required(row, cells, "region")
        school_id = table.cell(cells, "school_id")
        if school_id in first_row:
            problems.append(
                duplicate(table.label, row, "school_id", f"school_id {school_id!r}", first_row[school_id])
            )
        elif school_id:
            first_row[school_id] = row
        if region:
            row_region[row] = region
    regions = sorted(set(row_region.values()))
    index = {region: i for i, region in enumerate(regions)}
    region_of = {row: index[region] for row, region in row_region.items()}
    by_id = {school_id: region_of[row] for school_id, row in first_row.items() if row in region_of}
    return _Schools(table.header, [(r, c) for r, c in rows if r in region_of], regions, region_of, by_id)


def _split_teachers(
    bundle: Path, schools: _Schools, parts: _PartWriter, problems: list[Problem]
) -> dict[str, int] | None:
    """Route teachers by their school's region. Returns teacher_id -> row × (regions + 1) + region
    (one int per teacher: the region for pins, the row for a later duplicate; region `regions`
    when the row could not be routed), or None when the file cannot be routed at all."""
    table = _open(bundle, "teachers", problems)
    if table is None or not table.has("school_id"):
        return None
    unrouted = len(schools.regions)
    seen: dict[str, int] = {}
    spouses: list[tuple[int, str, int]] = []  # (row, spouse_id, region): checked once all are seen

    def route(row: int, cells: Cells) -> int | None:
        teacher_id = table.cell(cells, "teacher_id")
        school_id = table.required(row, cells, "school_id")
        region = schools.by_id.get(school_id)
        if school_id and region is None:
            problems.append(
                unknown_reference(table.label, row, "school_id", "school_id", school_id, source="schools.csv")
            )
        if teacher_id in seen:
            first = seen[teacher_id] // (unrouted + 1)
            problems.append(duplicate(table.label, row, "teacher_id", f"teacher_id {teacher_id!r}", first))
        elif teacher_id:
            seen[teacher_id] = row * (unrouted + 1) + (unrouted if region is None else region)
        if region is None:
            return None
        preferred = LIST_SEPARATORS.split(table.cell(cells, "preferred_schools"))
        references = [("on_rotation_from", table.cell(cells, "on_rotation_from"))]
        for column, school in references + [("preferred_schools", s.strip()) for s in preferred]:
            other = schools.by_id.get(school)
            if other is not None and other != region:
                problems.append(schools.crossing(table.label, row, column, "school", school, other, region))
        spouse = table.cell(cells, "spouse_id")
        if spouse:
            spouses.append((row, spouse, region))
        return region

    parts.write("teachers", table.header, _routed(table, route))
    for row, spouse, region in spouses:
        other = seen[spouse] % (unrouted + 1) if spouse in seen else unrouted
        if other not in (region, unrouted):
            problems.append(schools.crossing(table.label, row, "spouse_id", "spouse", spouse, other, region))
    if table.count == 0:
        problems.append(empty_table(table.label))
    return seen


def _split_demand(bundle: Path, schools: _Schools, parts: _PartWriter, problems: list[Problem]) -> None:
    table = _open(bundle, "demand", problems)
    if table is None or not table.has("school_id"):
        return

    def route(row: int, cells: Cells) -> int | None:
        school_id = table.required(row, cells, "school_id")
        region = schools.by_id.get(school_id)
        if school_id and region is None:
            problems.append(
                unknown_reference(table.label, row, "school_id", "school_id", school_id, source="schools.csv")
            )
        return region

    parts.write("demand", table.header, _routed(table, route))


def _split_pins(
    bundle: Path,
    schools: _Schools,
    teachers: dict[str, int],
    parts: _PartWriter,
    problems: list[Problem],
) -> None:
    """Pins go to their teacher's region; a move_to into another region is a problem."""
    table = _open(bundle, "pins", problems)
    if table is None or not table.has("teacher_id"):
        return
    unrouted = len(schools.regions)

    def route(row: int, cells: Cells) -> int | None:
        region = _teacher_region(table, row, cells, teachers, unrouted, problems)
        if region is None:
            return None
        school_id = table.cell(cells, "school_id")
        other = schools.by_id.get(school_id)
        if _pin_action(table.cell(cells, "action")) == "move_to" and other is not None and other != region:
            problems.append(
                schools.crossing(table.label, row, "school_id", "school", school_id, other, region)
            )
        return region

    parts.write("pins", table.header, _routed(table, route))


HISTORY_SCHOOLS = ("from_school", "to_school")


def _teacher_region(
    table: _Table, row: int, cells: Cells, teachers: dict[str, int], unrouted: int, problems: list[Problem]
) -> int | None:
    """The region of the row's teacher (pins, history); None for an unknown teacher (reported
    here) or one whose own row was not routed (reported there). `teachers` holds each teacher's
    row × (unrouted + 1) + region, `unrouted` standing for no region."""
    teacher_id = table.required(row, cells, "teacher_id")
    if teacher_id not in teachers:
        if teacher_id:
            problems.append(
                unknown_reference(
                    table.label, row, "teacher_id", "teacher", teacher_id, source="teachers.csv"
                )
            )
        return None
    region = teachers[teacher_id] % (unrouted + 1)
    return None if region == unrouted else region


def _split_history(
    bundle: Path,
    schools: _Schools,
    teachers: dict[str, int],
    parts: _PartWriter,
    problems: list[Problem],
) -> None:
    """Stints go to their teacher's region; a stint at a school of another region is a problem
    (the region's loader would not know the school)."""
    table = _open(bundle, HISTORY, problems)
    if table is None or not table.has("teacher_id"):
        return
    unrouted = len(schools.regions)

    def route(row: int, cells: Cells) -> int | None:
        region = _teacher_region(table, row, cells, teachers, unrouted, problems)
        if region is None:
            return None
        for column in HISTORY_SCHOOLS:
            school_id = table.cell(cells, column)
            other = schools.by_id.get(school_id)
            if other is not None and other != region:
                problems.append(
                    schools.crossing(table.label, row, column, "school", school_id, other, region)
                )
        return region

    parts.write(HISTORY, table.header, _routed(table, route))


def _check_regions_have_teachers(schools: _Schools, parts: _PartWriter, problems: list[Problem]) -> None:
    """A region without teachers would be a part the loader refuses ("no rows"): say so once."""
    first_row: dict[int, int] = {}
    for row, region in schools.region_of.items():
        first_row.setdefault(region, row)
    for region, rows in enumerate(parts.source_rows["teachers"]):
        if not rows:
            region_name = schools.regions[region]
            problems.append(
                _no_teachers(file_name("schools"), first_row[region], region_name, file_name("teachers"))
            )


def _routed(table: _Table, route: Callable[[int, Cells], int | None]) -> Iterator[tuple[int, int, Cells]]:
    """(row, region, cells) of every row that `route` places; it reports the others."""
    for row, cells in table.rows():
        region = route(row, cells)
        if region is not None:
            yield row, region, cells


PIN_ACTION = next(column for column in PIN_COLUMNS if column.name == "action")


def _pin_action(text: str) -> str | None:
    """A pin's action as the loader reads it (move_to, or 调往), None when it is none."""
    try:
        return str(PIN_ACTION.parse(text))
    except BadValue:
        return None


def _records(path: Path, encoding: str, problems: list[Problem]) -> Iterator[tuple[int, Cells]]:
    """(row number, cells) of the header (row 1) and every non-blank row, numbered and split as
    `bundle.py` does (lines end at \\n only; tab-separated when the header is), without holding
    the file."""
    try:
        with path.open(encoding=encoding, newline="\n") as file:
            delimiter = delimiter_of(file.readline())
            file.seek(0)
            for row, cells in enumerate(csv.reader(file, delimiter=delimiter), start=1):
                if row == 1 or not is_blank("".join(cells)):  # blank rows are skipped, as by the loader
                    yield row, cells
    except csv.Error as error:
        problems.append(unreadable_csv(path.name, error))


def _written_headers(bundle: Path, table: str) -> dict[str, str]:
    """A table's columns by the header the file writes (学校编号 for school_id), as the loader
    names them in problems."""
    path = bundle / file_name(table)
    return dict(table_from_grid(path.name, [_header(path)], [], table).written) if path.is_file() else {}


def _header(path: Path) -> Cells:
    """A CSV file's first row, read alone; empty when it cannot be read (the loader says why)."""
    with path.open("rb") as file:
        head = file.read(8)
    for encoding in candidates(head):
        try:
            with path.open(encoding=encoding, newline="\n") as file:
                line = file.readline()
                return next(csv.reader([line], delimiter=delimiter_of(line)), [])
        except (UnicodeDecodeError, csv.Error):
            continue
    return []


class _PartWriter:
    """The part folders being written. Rows wait in a buffer and are appended to their region's
    file a chunk at a time (open, append, close), so neither memory nor the number of open files
    grows with the number of regions. The original row of every row is kept, 4 bytes each."""

    def __init__(self, bundle: Path, work_dir: Path, regions: list[str]) -> None:
        self.bundle = bundle
        self.regions = regions
        self.folders = [work_dir / f"region-{i + 1:03d}" for i in range(len(regions))]
        self.source_rows = {table: [array("I") for _ in regions] for table in FILES}

    def write(self, table: str, header: Cells, rows: Iterator[tuple[int, int, Cells]]) -> None:
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / file_name(table)).write_text(csv_text([header]), encoding="utf-8-sig", newline="")
        pending: list[list[Cells]] = [[] for _ in self.regions]
        held = 0
        for row, region, cells in rows:
            pending[region].append(cells)
            self.source_rows[table][region].append(row)
            held += 1
            if held == CHUNK_ROWS:
                self._append(table, pending)
                held = 0
        self._append(table, pending)

    def _append(self, table: str, pending: list[list[Cells]]) -> None:
        for folder, rows in zip(self.folders, pending, strict=True):
            if rows:
                with (folder / file_name(table)).open("a", encoding="utf-8", newline="") as file:
                    file.write(csv_text(rows))
                rows.clear()

    def finish(self) -> list[RegionPart]:
        """Copy policy.toml into every part, write the row maps, and describe the parts."""
        policy = self.bundle / POLICY_FILE
        parts = []
        for region, (name, folder) in enumerate(zip(self.regions, self.folders, strict=True)):
            if policy.is_file():
                shutil.copyfile(policy, folder / POLICY_FILE)
            rows = {table: self.source_rows[table][region].tolist() for table in FILES}
            source = {
                "bundle": str(self.bundle.resolve()),
                "name": self.bundle.name,
                "region": name,
                "rows": rows,
            }
            (folder / SOURCE_ROWS).write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
            parts.append(RegionPart(name, folder, len(rows["teachers"]), len(rows["schools"])))
        return parts

    def remove(self) -> None:
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


# --- problems ----------------------------------------------------------------------------


def _original_problem(problem: Problem, source_rows: dict[str, list[int]]) -> Problem:
    """A part's problem at the original file's row; rows named in its texts are mapped too."""
    table = (problem.file or "").removesuffix(".csv")
    if table not in source_rows:
        return problem  # policy.toml is copied whole: its rows are the original's
    rows = source_rows[table]
    found = renumbered(problem, lambda row: _row_of(rows, row))
    history_rows = source_rows.get(HISTORY, [])
    if table == HISTORY or not history_rows:
        return found

    def history_row(match: re.Match[str]) -> str:
        numbers = re.sub(r"\d+", lambda n: str(_row_of(history_rows, int(n.group()))), match.group(2))
        return match.group(1) + numbers

    zh, en = HISTORY_ROWS_ZH.sub(history_row, found.zh), HISTORY_ROWS_EN.sub(history_row, found.en)
    return replace(found, zh=zh, en=en)


HISTORY_ROWS_ZH = re.compile(rf"({re.escape(file_name(HISTORY))} 第 )([\d、]+)")
HISTORY_ROWS_EN = re.compile(rf"({re.escape(file_name(HISTORY))} rows? )(\d+(?:, \d+)*)")
"""The history rows a teachers.csv problem names (a column the history contradicts)."""


def _row_of(rows: list[int], row: int) -> int:
    """A part's row in the original file (the header is row 1 in both)."""
    return rows[row - 2] if 2 <= row < len(rows) + 2 else row


CROSSING_ZH = {"school": "学校", "spouse": "配偶"}


def _crossing(file: str, row: int, column: str, what: str, ref: str, other: str, region: str) -> Problem:
    return Problem(
        code="cross_region",
        zh=f"{CROSSING_ZH[what]} {ref!r} 在区域 {other!r},而不在 {region!r};每个区域单独规划",
        en=f"{what} {ref!r} is in region {other!r}, not {region!r}; each region is planned on its own",
        file=file,
        row=row,
        column=column,
    )


def _no_teachers(file: str, row: int, region: str, teachers: str) -> Problem:
    return Problem(
        code="region_without_teachers",
        zh=f"区域 {region!r} 有学校,但 {teachers} 中没有它的教师;每个区域单独规划",
        en=f"region {region!r} has schools but no teachers in {teachers}; each region is planned on its own",
        file=file,
        row=row,
        column="region",
    )


def _ordered(problems: Sequence[Problem]) -> list[Problem]:
    """In the loader's order: teachers, schools, demand, pins, policy, then by row; a mistake
    repeated in many rows is one problem, as the loader gives it."""

    def key(problem: Problem) -> tuple[int, int]:
        rank = FILE_ORDER.index(problem.file) if problem.file in FILE_ORDER else -1
        return rank, -1 if problem.row is None else problem.row

    return grouped(sorted(problems, key=key))
