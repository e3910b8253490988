"""One rule, one place: outside `optimizer/rules/`, no module of the library or the service names a
rule or a rule's parameter in code. Everything else asks the registry (`optimizer.rules`), so a
rule added, renamed or removed is one module's change.

Words that are also data names are allowed where they are data, each with its reason below;
docstrings and the API's examples (module constants named EXAMPLE_*) are documentation and are
not read.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from optimizer.rules import RULE_MODULES, declarations

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("optimizer", "api")
RULES_PACKAGE = "optimizer/rules/"

DATA_NAMES = {
    "pins": "the bundle's pins table (pins.csv, a workbook sheet, Scenario.pins)",
    "term_years": "a move's term: a field of Move and a column of plan.csv",
    "share": "a 走教 assignment's share of a post: ItinerantAssignment.share, itinerant.csv's column",
    "scope": "a rule instance's scope (Instance.scope), the same word in every rule",
    "allow": "pydantic's extra='allow'",
    "exchange": "a move's kind (Move.kind, plan.csv's kind column): SPEC's 双向交流 / 跟岗 moves",
    "itinerant": "the plan's 走教 assignments: Plan.itinerant, itinerant.csv, the plan document's key",
    "coverage": "every school × subject after the plan: coverage.csv, the plan document's key",
    "recruitment": "the plan's hires file, recruitment.csv (SPEC's name)",
    "subjects": "a teacher's subjects (Teacher.subjects) and other lists of subject codes",
}
OUTPUT_KEYS = {
    ("optimizer/explain/teacher.py", "shortage"): "a post's open places in the explanation's JSON",
    ("optimizer/explain/teacher.py", "eligibility"): "the explanation's JSON key for the teacher's standing",
}


def _documentation_nodes(tree: ast.AST) -> set[int]:
    """Docstrings (bare string statements) and every string inside an EXAMPLE_* constant."""
    found = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id.startswith("EXAMPLE") for t in targets):
            found |= {id(inner) for inner in ast.walk(node)}
    return found


def _names_a_rule(text: str, rule_ids: set[str], params: set[str]) -> str | None:
    for rule_id in rule_ids:
        if text == rule_id or text.startswith(f"{rule_id}.") or re.search(rf"\b{rule_id}\.[a-z_]+=", text):
            return rule_id
    return text if text in params else None


def test_no_module_outside_the_rules_names_a_rule_or_a_parameter() -> None:
    rule_ids = {d.rule for d in declarations()}
    params = {p.name for d in declarations() for p in d.params} - {"mode", "weight"}
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(RULES_PACKAGE):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            documentation = _documentation_nodes(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[:2] == ["optimizer", "rules"] and len(parts) > 2 and parts[2] in RULE_MODULES:
                        found.append(f"{relative}:{node.lineno}: imports {node.module}")
                if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                    continue
                if id(node) in documentation:
                    continue
                named = _names_a_rule(node.value, rule_ids, params)
                if named is None or named in DATA_NAMES or (relative, named) in OUTPUT_KEYS:
                    continue
                found.append(f"{relative}:{node.lineno}: {node.value[:60]!r} names {named}")
    assert not found, "\n".join(found)


def test_the_scan_finds_a_rule_named_in_code() -> None:
    """The scan is not blind: a module that reads a rule's parameter is caught."""
    rule_ids = {d.rule for d in declarations()}
    params = {p.name for d in declarations() for p in d.params} - {"mode", "weight"}
    assert _names_a_rule("rotation_quota", rule_ids, params) == "rotation_quota"
    assert _names_a_rule("capacity.max_departure_share=0.05", rule_ids, params) == "capacity"
    assert _names_a_rule("sending_areas", rule_ids, params) == "sending_areas"
    assert _names_a_rule("the quota", rule_ids, params) is None
