"""The scenario as one JSON document, the API's shape (SPEC "The JSON document (API)").

`{"name": ..., "teachers": [...], "schools": [...], "demand": [...], "pins": [...],
"history": [...], "policy": {...}}` (history optional, written only when the scenario has one):
one object per CSV row with the CSV's column names as keys. Lists may be JSON arrays or
`;`-separated text, flags true/false or 0/1. Keys and coded values may be the
bureau's Chinese ones, as in the files (aliases.py). Problems name the list and the 0-based index of
the object in it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io.aliases import column_of
from optimizer.io.build import build_scenario
from optimizer.io.problems import not_an_object
from optimizer.io.tables import HISTORY, TABLES, RawTable, scenario_records
from optimizer.scenario import Scenario

POLICY_KEY = "policy"
TOP_LEVEL_KEYS = ("name", *TABLES, HISTORY, POLICY_KEY)


def load_document(doc: Mapping[str, Any] | str | Path) -> Scenario:
    """Validate a document given as a dict, JSON text (starting with `{` or `[`) or a .json path.

    The scenario is named by `policy.name`, else `name`, else the file's stem.
    """
    label, name, source = "document", "", ""
    if isinstance(doc, Path) or (isinstance(doc, str) and not doc.lstrip().startswith(("{", "["))):
        path = Path(doc)
        label, name, source = path.name, path.stem, str(path)
        doc = _read_path(path)
    if isinstance(doc, str):
        doc = _parse_json(doc, label)
    problems: list[Problem] = []
    if not isinstance(doc, Mapping):
        raise ScenarioError(
            [Problem(code="bad_shape", zh="应为 JSON 对象", en="expected a JSON object", file=label)]
        )
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            problems.append(
                Problem(
                    code="unknown_key",
                    zh=f"未知的键;应为以下之一:{'、'.join(TOP_LEVEL_KEYS)}",
                    en=f"unknown key; expected {', '.join(TOP_LEVEL_KEYS)}",
                    file=label,
                    column=str(key),
                )
            )
    tables = {table: _table(doc, table, problems) for table in (*TABLES, HISTORY)}
    policy_raw = doc.get(POLICY_KEY, {})
    if not isinstance(policy_raw, Mapping):
        zh, en = "应为与 policy.toml 结构相同的对象", "expected an object like policy.toml"
        problems.append(Problem(code="bad_shape", zh=zh, en=en, file=POLICY_KEY))
        policy_raw = {}
    doc_name = doc.get("name")
    return build_scenario(
        tables,
        policy_raw,
        policy_source=POLICY_KEY,
        name=doc_name if isinstance(doc_name, str) and doc_name else name,
        source=source,
        problems=problems,
    )


def scenario_to_document(scenario: Scenario) -> dict[str, Any]:
    """The JSON-serialisable document (lists as arrays, flags as booleans) that loads back equal."""
    records = scenario_records(scenario)
    tables = {
        table: [{key: _json_value(value) for key, value in record.items()} for record in rows]
        for table, rows in records.items()
    }
    return {"name": scenario.name, **tables, POLICY_KEY: scenario.policy.to_dict()}


def _json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _read_path(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        zh, en = f"无法读取:{error}", f"cannot read: {error}"
        raise ScenarioError([Problem(code="unreadable_file", zh=zh, en=en, file=path.name)]) from None


def _parse_json(content: str, label: str) -> Any:
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        zh = f"JSON 格式错误:{error.msg}(第 {error.lineno} 行,第 {error.colno} 列)"
        en = f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise ScenarioError(
            [Problem(code="syntax_error", zh=zh, en=en, file=label, row=error.lineno)]
        ) from None


def _table(doc: Mapping[str, Any], table: str, problems: list[Problem]) -> RawTable:
    """A list of objects as a RawTable; rows are the 0-based indexes, keys the columns they name
    (a Chinese key is its column; a column named twice in one object is a problem)."""
    if table not in doc:
        return RawTable.missing(table)
    items = doc[table]
    if not isinstance(items, list):
        problems.append(
            Problem(code="bad_shape", zh="应为对象列表", en="expected a list of objects", file=table)
        )
        return RawTable(table)
    rows = []
    written: dict[str, str] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(not_an_object(table, index, item))
            continue
        cells: dict[str, Any] = {}
        for key, value in item.items():
            column = column_of(table, str(key))
            if column in cells:
                zh, en = f"{column} 填写了两次;请只保留一个键", f"{column} given twice; keep one key"
                problems.append(
                    Problem(code="duplicate_column", zh=zh, en=en, file=table, row=index, column=str(key))
                )
                continue
            if column != key:
                written.setdefault(column, str(key))
            cells[column] = value
        rows.append((index, cells))
    return RawTable(table, tuple(rows), written=written)
