"""Rule parameters: SPEC's defaults, validation, and dotted overrides (`rotation_quota.rate=0.15`).

A policy is the plan year plus one parameter table per rule id. Whatever a scenario leaves out
takes the default below. Rates and shares are fractions 0..1; weights are the elastic cost of one
unit of shortfall and must be non-negative.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from optimizer.errors import InputProblem, ScenarioError
from optimizer.subjects import subject_code

MODES = ("hard", "elastic")

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "eligibility": {
        "mode": "hard",
        "weight": 1000,
        "min_years_at_school": 6,
        "principal_terms": 2,
        "retirement_age": {"M": 60, "F": 55},
        "retirement_exempt_years": 5,
        "cooldown_years": 3,
    },
    "rotation_quota": {
        "mode": "hard",
        "weight": 1000,
        "rate": 0.10,
        "scope": "region",
        "sending_areas": ["urban", "town"],
    },
    "backbone_share": {"mode": "hard", "weight": 1000, "share": 0.20},
    "direction": {"mode": "hard", "weight": 500, "receiving_areas": ["rural"], "allow": []},
    "subject_fit": {"mode": "hard", "weight": 1000},
    "shortage": {
        "mode": "elastic",
        "weight": 100,
        "priority": {
            "music": 3,
            "pe": 3,
            "art": 3,
            "english": 2,
            "it": 2,
            "science": 2,
            "psychology": 2,
        },
    },
    "capacity": {
        "mode": "hard",
        "weight": 500,
        "max_departure_share": 0.20,
        "min_backbone_retained": 0.50,
    },
    "staffing_balance": {"mode": "elastic", "weight": 50, "tolerance": 0},
    "backbone_presence": {"mode": "elastic", "weight": 200, "min_per_school": 1},
    "degree_balance": {"mode": "elastic", "weight": 200, "ratio_max": 1.05},
    "principal_rotation": {
        "mode": "elastic",
        "weight": 200,
        "young_rural_share": 0.50,
        "young_age": 45,
    },
    "new_teacher_bundle": {"mode": "elastic", "weight": 100},
    "title_priority": {"mode": "elastic", "weight": 20},
    "preferences": {
        "mode": "elastic",
        "volunteer_weight": 10,
        "preference_weight": 5,
        "distance_weight": 1,
        "spouse_max_km": 30,
        "spouse_weight": 20,
    },
    "pins": {"mode": "hard", "weight": 1000},
    "term": {"term_years": 3},
}
DEFAULT_YEAR = 2025

FRACTION_PARAMS = {
    ("rotation_quota", "rate"),
    ("backbone_share", "share"),
    ("capacity", "max_departure_share"),
    ("capacity", "min_backbone_retained"),
    ("principal_rotation", "young_rural_share"),
}
AREA_LIST_PARAMS = {("rotation_quota", "sending_areas"), ("direction", "receiving_areas")}
AREAS = ("urban", "town", "rural")


def as_fraction(value: float | int) -> Fraction:
    """The decimal a user wrote (0.1) as an exact fraction (1/10), not its binary float."""
    return Fraction(repr(value)).limit_denominator(10**6)


def ceil_share(share: float, count: int) -> int:
    """A minimum rounds up: 10 % of 143 → 15."""
    return -((-as_fraction(share) * count) // 1)


def floor_share(share: float, count: int) -> int:
    """A cap rounds down: 20 % of 37 → 7."""
    return int((as_fraction(share) * count) // 1)


@dataclass(frozen=True)
class Policy:
    """The plan year and the full parameter table of every rule (defaults filled in)."""

    year: int
    rules: Mapping[str, Mapping[str, Any]]

    def rule(self, rule_id: str) -> Mapping[str, Any]:
        return self.rules[rule_id]

    def mode(self, rule_id: str) -> str:
        return str(self.rules[rule_id].get("mode", "hard"))

    def is_hard(self, rule_id: str) -> bool:
        return self.mode(rule_id) == "hard"

    def weight(self, rule_id: str, name: str = "weight") -> float:
        return float(self.rules[rule_id].get(name, 0))

    def to_dict(self) -> dict[str, Any]:
        """The shape of policy.toml, for writing or the API."""
        return {
            "year": self.year,
            "rules": copy.deepcopy({k: dict(v) for k, v in self.rules.items()}),
        }

    def with_overrides(self, assignments: Iterable[str]) -> Policy:
        """A copy with `rule.param=value` assignments applied (values parsed as TOML)."""
        raw = self.to_dict()
        problems: list[InputProblem] = []
        for assignment in assignments:
            apply_override(raw, assignment, problems)
        if problems:
            raise ScenarioError(problems)
        return policy_from_dict(raw, source="--set")


def default_policy() -> Policy:
    return policy_from_dict({})


def parse_override_value(text: str) -> Any:
    """`0.15` → 0.15, `"school"` or `school` → "school", `[1, 2]` → [1, 2]."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def apply_override(raw: dict[str, Any], assignment: str, problems: list[InputProblem]) -> None:
    """Apply one `rule.param=value` (or `year=2026`) to a policy dict, collecting problems."""
    name, sep, text = assignment.partition("=")
    name = name.strip()
    if not sep:
        problems.append(InputProblem("--set", None, name, "expected rule.param=value"))
        return
    value = parse_override_value(text.strip())
    if name == "year":
        raw["year"] = value
        return
    path = name.split(".")
    if len(path) < 2:
        problems.append(InputProblem("--set", None, name, "expected rule.param=value"))
        return
    table = raw.setdefault("rules", {})
    for key in path[:-1]:
        table = table.setdefault(key, {})
        if not isinstance(table, dict):
            problems.append(InputProblem("--set", None, name, f"{key} is a value, not a table of parameters"))
            return
    table[path[-1]] = value


def policy_from_dict(raw: Mapping[str, Any], source: str = "policy.toml") -> Policy:
    """Merge a policy.toml-shaped dict onto the defaults; raise ScenarioError on any problem."""
    problems: list[InputProblem] = []
    policy = merge_policy(raw, source, problems)
    if problems:
        raise ScenarioError(problems)
    return policy


def merge_policy(raw: Mapping[str, Any], source: str, problems: list[InputProblem]) -> Policy:
    """Like policy_from_dict, but appends problems to `problems` (for all-at-once reports)."""
    year = raw.get("year", DEFAULT_YEAR)
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        problems.append(InputProblem(source, None, "year", f"expected a year 1990..2100, got {year!r}"))
        year = DEFAULT_YEAR
    for key in raw:
        if key not in ("year", "rules", "name"):
            problems.append(
                InputProblem(source, None, key, "unknown top-level key; expected year or [rules.*]")
            )
    rules = copy.deepcopy(DEFAULT_RULES)
    given = raw.get("rules", {})
    if not isinstance(given, Mapping):
        problems.append(InputProblem(source, None, "rules", "expected a table of rules"))
        given = {}
    for rule_id, params in given.items():
        if rule_id not in rules:
            problems.append(
                InputProblem(
                    source,
                    None,
                    f"rules.{rule_id}",
                    f"unknown rule; expected one of {', '.join(DEFAULT_RULES)}",
                )
            )
            continue
        if not isinstance(params, Mapping):
            problems.append(InputProblem(source, None, f"rules.{rule_id}", "expected a table"))
            continue
        for name, value in params.items():
            _check_param(rule_id, name, value, source, problems)
            if (
                name in rules[rule_id]
                and isinstance(rules[rule_id][name], dict)
                and isinstance(value, Mapping)
            ):
                if rule_id == "shortage" and name == "priority":
                    rules[rule_id][name] = {subject_code(k) or k: v for k, v in value.items()}
                else:
                    rules[rule_id][name].update(value)
            else:
                rules[rule_id][name] = value
    return Policy(year=year, rules=rules)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_param(rule_id: str, name: str, value: Any, source: str, problems: list[InputProblem]) -> None:
    where = f"rules.{rule_id}.{name}"
    default = DEFAULT_RULES[rule_id].get(name)

    def bad(expected: str) -> None:
        problems.append(InputProblem(source, None, where, f"expected {expected}, got {value!r}"))

    if name not in DEFAULT_RULES[rule_id]:
        known = ", ".join(DEFAULT_RULES[rule_id])
        problems.append(InputProblem(source, None, where, f"unknown parameter; expected one of {known}"))
    elif name == "mode":
        if value not in MODES:
            bad("hard or elastic")
    elif (rule_id, name) in FRACTION_PARAMS:
        if not _is_number(value) or not 0 <= value <= 1:
            bad("a fraction between 0 and 1")
    elif (rule_id, name) in AREA_LIST_PARAMS:
        if not isinstance(value, list) or any(a not in AREAS for a in value):
            bad("a list of areas among urban, town, rural")
    elif rule_id == "rotation_quota" and name == "scope":
        if value not in ("region", "school", "city"):
            bad("region, school or city")
    elif rule_id == "direction" and name == "allow":
        if not isinstance(value, list) or any(
            not isinstance(pair, list) or len(pair) != 2 or any(a not in AREAS for a in pair)
            for pair in value
        ):
            bad('a list of [from_area, to_area] pairs such as [["rural", "urban"]]')
    elif name == "retirement_age":
        if not isinstance(value, Mapping) or any(
            k not in ("M", "F") or not isinstance(v, int) or not 40 <= v <= 75 for k, v in value.items()
        ):
            bad("a table { M = 60, F = 55 } of ages 40..75")
    elif name == "priority":
        if not isinstance(value, Mapping) or any(
            subject_code(str(k)) is None or not _is_number(v) or v < 0 for k, v in value.items()
        ):
            bad("a table of subject = non-negative number (subject codes or Chinese names)")
    elif name == "term_years":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
            bad("an integer 1..3")
    elif name == "ratio_max":
        if not _is_number(value) or value <= 0:
            bad("a positive number")
    elif isinstance(default, int | float):
        if not _is_number(value) or value < 0:
            bad("a non-negative number")
        elif (
            isinstance(default, int)
            and name != "weight"
            and not name.endswith("_weight")
            and (not float(value).is_integer())
        ):
            bad("a non-negative integer")
