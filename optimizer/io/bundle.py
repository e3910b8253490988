"""The scenario bundle: a folder of CSV files plus policy.toml (SPEC "Files: the scenario bundle").

CSV cells are read as text, never type-guessed, so ids like 007 keep their zeros. Files are
UTF-8 with or without the BOM Excel writes, GB18030/GBK (Excel's "CSV" on a Chinese Windows) or
UTF-16 with a BOM, comma- or tab-separated (Excel's "Unicode text"): see csvtext.py. Headers and
coded values may be Chinese (aliases.py). Files are written with a BOM so that Excel shows Chinese
names.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tomli_w

from optimizer.errors import Problem, ScenarioError
from optimizer.io.build import build_scenario
from optimizer.io.csvtext import decoded, delimiter_of
from optimizer.io.problems import missing_path, unreadable_csv
from optimizer.io.tables import COLUMNS, HISTORY, TABLES, RawTable, scenario_records, table_from_grid
from optimizer.policy import Policy
from optimizer.scenario import Scenario

POLICY_FILE = "policy.toml"


def file_name(table: str) -> str:
    return f"{table}.csv"


def load_bundle(folder: str | Path, *, name: str | None = None, group: bool = True) -> Scenario:
    """Read and validate a bundle folder; ScenarioError lists every problem in every file.

    The scenario is named by policy.toml's `name`, else by `name`, else by the folder's name
    (a region part of a split bundle is named after the bundle it came from). `group`: see
    `build_scenario`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError([missing_path(str(folder), "folder")])
    problems: list[Problem] = []
    tables = {table: _read_csv(folder / file_name(table), table, problems) for table in (*TABLES, HISTORY)}
    policy_raw = read_policy(folder / POLICY_FILE, problems)
    return build_scenario(
        tables,
        policy_raw,
        policy_source=POLICY_FILE,
        name=folder.name if name is None else name,
        source=str(folder),
        problems=problems,
        group=group,
    )


def write_bundle(scenario: Scenario, folder: str | Path) -> Path:
    """Write the bundle files (pins.csv even when empty, as a template; history.csv when the
    scenario has a history); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in csv_rows(scenario).items():
        path = folder / file_name(table)
        path.write_text(csv_header(table) + rows, encoding="utf-8-sig", newline="")
    write_policy(scenario.policy, scenario.name, folder)
    return folder


def csv_header(table: str) -> str:
    return csv_text([COLUMNS[table]])


def csv_rows(scenario: Scenario) -> dict[str, str]:
    """Every table's rows as CSV text without the header: what `write_bundle` writes under it, and
    what the streaming generator appends region by region."""
    return {
        table: csv_text([_csv_cell(record[column]) for column in COLUMNS[table]] for record in records)
        for table, records in scenario_records(scenario).items()
    }


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text in the bundle's dialect (Excel's: `,`, CRLF, quotes where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def write_policy(policy: Policy, name: str, folder: Path) -> None:
    """policy.toml: the scenario's name first (when it has one), then every rule parameter."""
    document = policy.to_dict()
    if name:
        document = {"name": name, **document}
    (folder / POLICY_FILE).write_text(tomli_w.dumps(document), encoding="utf-8")


def _csv_cell(value: Any) -> str:
    """Booleans as 0/1, lists joined with `;`, None as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def _read_csv(path: Path, table: str, problems: list[Problem]) -> RawTable:
    if not path.is_file():
        return RawTable.missing(path.name)
    content = decoded(path, problems)
    if content is None:
        return RawTable(path.name)
    delimiter = delimiter_of(content.partition("\n")[0])
    try:
        grid = list(csv.reader(io.StringIO(content), delimiter=delimiter))
        return table_from_grid(path.name, grid, problems, table)
    except csv.Error as error:
        problems.append(unreadable_csv(path.name, error))
        return RawTable(path.name)


def read_policy(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """policy.toml as a dict; absent means all defaults, a syntax error is a problem at its line."""
    if not path.is_file():
        return {}
    content = decoded(path, problems)
    if content is None:
        return {}
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        row = int(line.group(1)) if line else None
        zh, en = f"TOML 语法错误:{error}", f"TOML syntax error: {error}"
        problems.append(Problem(code="syntax_error", zh=zh, en=en, file=path.name, row=row))
        return {}
