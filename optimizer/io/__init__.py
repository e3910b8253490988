"""Scenario input and output: a CSV bundle folder, a workbook (.xlsx, .xls, WPS .et) or a JSON
document.

Every format becomes raw tables, validated in one place (`build.py`); a bad input raises
ScenarioError listing every problem with its file, row and column. Headers and values may be the
bureau's Chinese ones (`aliases.py`). A column the loader does not know is skipped, and named in
the scenario's `warnings`.
"""

from __future__ import annotations

from pathlib import Path

from optimizer.errors import Problem, ScenarioError
from optimizer.io.bundle import load_bundle, write_bundle
from optimizer.io.document import load_document, scenario_to_document
from optimizer.io.problems import missing_path
from optimizer.io.workbook import WORKBOOK_SUFFIXES, load_workbook, write_workbook
from optimizer.scenario import Scenario

__all__ = [
    "WORKBOOK_SUFFIXES",
    "load_bundle",
    "load_document",
    "load_scenario",
    "load_workbook",
    "scenario_to_document",
    "write_bundle",
    "write_workbook",
]


def load_scenario(path: str | Path) -> Scenario:
    """Load a bundle folder, a workbook or a .json document, chosen by what `path` is."""
    path = Path(path)
    if path.is_dir():
        return load_bundle(path)
    if not path.exists():
        raise ScenarioError([missing_path(str(path), "path")])
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return load_workbook(path)
    if suffix == ".json":
        return load_document(path)
    zh = f"应为场景文件夹、工作簿(.xlsx、.xls、.et)或 .json 文档,实际为 {suffix!r}"
    en = f"expected a bundle folder, a workbook (.xlsx, .xls, .et) or a .json document, got {suffix!r}"
    raise ScenarioError([Problem(code="unsupported_file", zh=zh, en=en, file=str(path))])
