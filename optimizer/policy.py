"""The policy value and how a policy.toml-shaped table becomes one: defaults, checks, overrides.

A policy is the plan year plus one parameter table per rule id. The rules' own declarations
(`RuleParams`, one per rule module) say which parameters exist, their defaults and what a valid
value is; whatever a scenario leaves out takes the default. This module knows no rule: the
registry (`optimizer.rules`) hands it the declarations. Rates and shares are fractions 0..1;
weights are the elastic cost of one unit of shortfall and must be non-negative.
"""

from __future__ import annotations

import copy
import datetime
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.params import Param

DEFAULT_YEAR = 2025
OVERRIDES = "overrides"
"""Where problems of `rule.param=value` assignments are reported (the CLI's --set, the API's field)."""
NOTICE = "notice"
NOTICE_FIELDS = ("title", "date", "text", "channel", "deadline")
"""The optional `[notice]` table: what the 公示 (public notice) of the plan says. Each left out
has a default where the notice is written (optimizer/io/filing.py)."""
NOTICE_DATES = ("date", "deadline")
NOTICE_TEXT_MAX = 2000
TARGETS = "targets"
"""The optional `[targets.<indicator>]` tables: `value` (a share 0..1) reached by `year` (SPEC
"Years, not one year"). The indicators are the ones the rules declare (`RuleParams.indicators`)."""
TARGET_FIELDS = ("value", "year")
YEARS = (1990, 2100)


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
class Indicator:
    """A county indicator a rule counts per region as a share (members meeting it / members),
    which a `[targets]` entry may name."""

    name: str
    label_zh: str
    label_en: str
    cycle_of: str | None = None
    """Set for a cycle in years (at most N years for everyone's turn): a target of N years is
    the target 1/N of this share indicator, which is what the policy keeps."""


@dataclass(frozen=True)
class Target:
    """A `[targets]` entry: the indicator at least `value` in every region from `year` on."""

    indicator: str
    value: float
    year: int


@dataclass(frozen=True)
class RuleParams:
    """A rule's declared parameters and indicators, as the rule module states them."""

    rule: str
    title_zh: str
    title_en: str
    params: tuple[Param, ...]
    indicators: tuple[Indicator, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: copy.deepcopy(p.default) for p in self.params}


@dataclass(frozen=True)
class Policy:
    """The plan year and the full parameter table of every rule (defaults filled in), with the
    declarations it was checked against (so overrides are checked the same way)."""

    year: int
    rules: Mapping[str, Mapping[str, Any]]
    declarations: tuple[RuleParams, ...] = field(default=(), compare=False, repr=False)
    notice: Mapping[str, str] = field(default_factory=dict)
    """The `[notice]` entries given (dates as YYYY-MM-DD), none of the defaults."""
    targets: tuple[Target, ...] = ()
    """The `[targets]` entries, in indicator order."""

    def rule(self, rule_id: str) -> Mapping[str, Any]:
        return self.rules[rule_id]

    def mode(self, rule_id: str) -> str:
        return str(self.rules[rule_id].get("mode", "hard"))

    def is_hard(self, rule_id: str) -> bool:
        return self.mode(rule_id) == "hard"

    def weight(self, rule_id: str, name: str = "weight") -> float:
        return float(self.rules[rule_id].get(name, 0))

    def meaning(self, name: str) -> Any:
        """The value of the parameter declared with this SPEC meaning, whichever rule owns it."""
        for declared in self.declarations:
            for param in declared.params:
                if param.meaning == name:
                    return self.rules[declared.rule][param.name]
        raise KeyError(f"no rule declares a parameter meaning {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """The shape of policy.toml, for writing or the API."""
        shape: dict[str, Any] = {
            "year": self.year,
            "rules": copy.deepcopy({k: dict(v) for k, v in self.rules.items()}),
        }
        if self.notice:
            shape[NOTICE] = dict(self.notice)
        if self.targets:
            shape[TARGETS] = {t.indicator: {"value": t.value, "year": t.year} for t in self.targets}
        return shape

    def targets_due(self) -> tuple[Target, ...]:
        """The targets in force in the plan year: those whose year has come."""
        return tuple(t for t in self.targets if t.year <= self.year)

    def with_overrides(self, assignments: Iterable[str]) -> Policy:
        """A copy with `rule.param=value` assignments applied (values parsed as TOML)."""
        raw = self.to_dict()
        problems: list[Problem] = []
        for assignment in assignments:
            apply_override(raw, assignment, problems)
        if problems:
            raise ScenarioError(problems)
        return checked_policy(raw, self.declarations, source=OVERRIDES)


def parse_override_value(text: str) -> Any:
    """`0.15` → 0.15, `"school"` or `school` → "school", `[1, 2]` → [1, 2]."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def _not_an_assignment(name: str) -> Problem:
    return Problem(
        "bad_override",
        "应为“规则.参数=取值”的形式",
        "expected rule.param=value",
        file=OVERRIDES,
        column=name,
    )


def apply_override(raw: dict[str, Any], assignment: str, problems: list[Problem]) -> None:
    """Apply one `rule.param=value` (or `year=2026`) to a policy dict, collecting problems."""
    name, sep, text = assignment.partition("=")
    name = name.strip()
    if not sep:
        problems.append(_not_an_assignment(name))
        return
    value = parse_override_value(text.strip())
    if name == "year":
        raw["year"] = value
        return
    path = name.split(".")
    if path[0] == NOTICE and len(path) == 2:
        raw.setdefault(NOTICE, {})[path[1]] = value
        return
    if path[0] == TARGETS and len(path) == 3:
        raw.setdefault(TARGETS, {}).setdefault(path[1], {})[path[2]] = value
        return
    if len(path) < 2:
        problems.append(_not_an_assignment(name))
        return
    table = raw.setdefault("rules", {})
    for key in path[:-1]:
        table = table.setdefault(key, {})
        if not isinstance(table, dict):
            problems.append(
                Problem(
                    "bad_override",
                    f"{key} 是一个取值,不是参数表",
                    f"{key} is a value, not a table of parameters",
                    file=OVERRIDES,
                    column=name,
                    rule=path[0],
                )
            )
            return
    table[path[-1]] = value


def checked_policy(
    raw: Mapping[str, Any], declarations: tuple[RuleParams, ...], source: str = "policy.toml"
) -> Policy:
    """Merge a policy.toml-shaped dict onto the declared defaults; raise ScenarioError on any problem."""
    problems: list[Problem] = []
    policy = merged_policy(raw, declarations, source, problems)
    if problems:
        raise ScenarioError(problems)
    return policy


def merged_policy(
    raw: Mapping[str, Any], declarations: tuple[RuleParams, ...], source: str, problems: list[Problem]
) -> Policy:
    """Like checked_policy, but appends problems to `problems` (for all-at-once reports)."""
    year = raw.get("year", DEFAULT_YEAR)
    if not _is_year(year):
        problems.append(
            Problem(
                "bad_value",
                f"应为 1990..2100 之间的年份,实际为 {year!r}",
                f"expected a year 1990..2100, got {year!r}",
                file=source,
                column="year",
            )
        )
        year = DEFAULT_YEAR
    for key in raw:
        if key not in ("year", "rules", "name", NOTICE, TARGETS):
            problems.append(
                Problem(
                    "unknown_key",
                    "未知的顶层键;应为 year、[rules.*]、[notice] 或 [targets.*]",
                    "unknown top-level key; expected year, [rules.*], [notice] or [targets.*]",
                    file=source,
                    column=key,
                )
            )
    notice = _checked_notice(raw.get(NOTICE, {}), source, problems)
    targets = _checked_targets(raw.get(TARGETS, {}), declarations, source, problems)
    declared = {d.rule: d for d in declarations}
    rules = {d.rule: d.defaults() for d in declarations}
    given = raw.get("rules", {})
    if not isinstance(given, Mapping):
        problems.append(
            Problem("bad_value", "应为规则表", "expected a table of rules", file=source, column="rules")
        )
        given = {}
    for rule_id, params in given.items():
        where = f"rules.{rule_id}"
        if rule_id not in declared:
            problems.append(
                Problem(
                    "unknown_rule",
                    f"未知的规则;应为以下之一:{'、'.join(declared)}",
                    f"unknown rule; expected one of {', '.join(declared)}",
                    file=source,
                    column=where,
                )
            )
            continue
        if not isinstance(params, Mapping):
            problems.append(
                Problem(
                    "bad_value", "应为参数表", "expected a table", file=source, column=where, rule=rule_id
                )
            )
            continue
        for name, value in params.items():
            param = declared[rule_id].param(name)
            problem = _param_problem(declared[rule_id], param, name, value, source)
            if problem is not None:
                problems.append(problem)
            elif param is not None:
                rules[rule_id][name] = param.merged(rules[rule_id][name], value)
    return Policy(year=year, rules=rules, declarations=declarations, notice=notice, targets=targets)


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and YEARS[0] <= value <= YEARS[1]


def indicators_of(declarations: tuple[RuleParams, ...]) -> dict[str, Indicator]:
    """Every indicator a target may name, by name."""
    return {i.name: i for d in declarations for i in d.indicators}


def _checked_targets(
    given: Any, declarations: tuple[RuleParams, ...], source: str, problems: list[Problem]
) -> tuple[Target, ...]:
    """`[targets.<indicator>]` tables: a known indicator, a share 0..1 (a cycle: years, 1 or
    more, kept as the share 1/years) and a year; one target per share."""
    known = indicators_of(declarations)
    if not isinstance(given, Mapping):
        problems.append(Problem("bad_value", "应为目标表", "expected a table", file=source, column=TARGETS))
        return ()
    targets = []
    for name, entry in given.items():
        where = f"{TARGETS}.{name}"
        if name not in known:
            problems.append(
                Problem(
                    "unknown_key",
                    f"未知的指标;应为以下之一:{'、'.join(known)}",
                    f"unknown indicator; expected one of {', '.join(known)}",
                    file=source,
                    column=where,
                )
            )
            continue
        if not isinstance(entry, Mapping) or set(entry) != set(TARGET_FIELDS):
            problems.append(
                Problem(
                    "bad_value",
                    "应为含 value(0..1 的比例)与 year(年份)的表",
                    "expected a table with value (a share 0..1) and year",
                    file=source,
                    column=where,
                )
            )
            continue
        value, year = entry["value"], entry["year"]
        cycle_of = known[name].cycle_of
        if cycle_of is not None:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
                problems.append(
                    Problem(
                        "bad_value",
                        f"应为年数(1 或以上),实际为 {value!r}",
                        f"expected a number of years (1 or more), got {value!r}",
                        file=source,
                        column=f"{where}.value",
                    )
                )
                continue
            name, value = cycle_of, 1 / value
            if cycle_of in given:
                problems.append(
                    Problem(
                        "duplicate_key",
                        f"与 {TARGETS}.{cycle_of} 是同一目标(周期 N 年即比例 1/N);请只保留一个",
                        f"the same target as {TARGETS}.{cycle_of} (a cycle of N years is the share 1/N); "
                        "keep one",
                        file=source,
                        column=where,
                    )
                )
                continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            problems.append(
                Problem(
                    "bad_value",
                    f"应为 0..1 之间的比例,实际为 {value!r}",
                    f"expected a share 0..1, got {value!r}",
                    file=source,
                    column=f"{where}.value",
                )
            )
        elif not _is_year(year):
            problems.append(
                Problem(
                    "bad_value",
                    f"应为 {YEARS[0]}..{YEARS[1]} 之间的年份,实际为 {year!r}",
                    f"expected a year {YEARS[0]}..{YEARS[1]}, got {year!r}",
                    file=source,
                    column=f"{where}.year",
                )
            )
        else:
            targets.append(Target(name, float(value), year))
    return tuple(sorted(targets, key=lambda t: t.indicator))


def _checked_notice(given: Any, source: str, problems: list[Problem]) -> dict[str, str]:
    """The `[notice]` table as text, dates as YYYY-MM-DD (a TOML date, an Excel date cell or that
    text); the deadline may not come before the date."""
    if not isinstance(given, Mapping):
        problems.append(
            Problem("bad_value", "应为公示信息表", "expected a table", file=source, column=NOTICE)
        )
        return {}
    notice: dict[str, str] = {}
    for key, value in given.items():
        where = f"{NOTICE}.{key}"
        if key not in NOTICE_FIELDS:
            problems.append(
                Problem(
                    "unknown_key",
                    f"未知的公示项;应为以下之一:{'、'.join(NOTICE_FIELDS)}",
                    f"unknown notice entry; expected one of {', '.join(NOTICE_FIELDS)}",
                    file=source,
                    column=where,
                )
            )
        elif key in NOTICE_DATES:
            day = _notice_date(value)
            if day is None:
                problems.append(
                    Problem(
                        "bad_value",
                        f"应为日期,如 2027-06-01,实际为 {value!r}",
                        f"expected a date such as 2027-06-01, got {value!r}",
                        file=source,
                        column=where,
                    )
                )
            else:
                notice[key] = day.isoformat()
        elif isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > NOTICE_TEXT_MAX:
            problems.append(
                Problem(
                    "bad_value",
                    f"应为不超过 {NOTICE_TEXT_MAX} 字的文本",
                    f"expected text of at most {NOTICE_TEXT_MAX} characters",
                    file=source,
                    column=where,
                )
            )
        else:
            notice[key] = str(value).strip()  # a number is text here: a phone number for objections
    if notice.get("deadline", "9999") < notice.get("date", ""):
        problems.append(
            Problem(
                "bad_value",
                "异议截止日期早于公示日期",
                "the objection deadline comes before the notice's date",
                file=source,
                column=f"{NOTICE}.deadline",
            )
        )
    return notice


def _notice_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _param_problem(
    declared: RuleParams, param: Param | None, name: str, value: Any, source: str
) -> Problem | None:
    where = f"rules.{declared.rule}.{name}"
    if param is None:
        names = [p.name for p in declared.params]
        return Problem(
            "unknown_parameter",
            f"未知的参数;应为以下之一:{'、'.join(names)}",
            f"unknown parameter; expected one of {', '.join(names)}",
            file=source,
            column=where,
            rule=declared.rule,
        )
    if param.accepts(value):
        return None
    zh, en = param.expected()
    return Problem(
        "bad_value",
        f"“{param.label_zh}”应为 {zh},实际为 {value!r}",
        f"expected {en}, got {value!r}",
        file=source,
        column=where,
        rule=declared.rule,
    )


def policy_json_schema(declarations: tuple[RuleParams, ...]) -> dict[str, Any]:
    """The JSON schema of policy.toml's shape (as the API takes it), from the declarations."""
    rules = {
        d.rule: {
            "type": "object",
            "title": d.title_en,
            "description": f"{d.title_zh} · {d.title_en}",
            "properties": {p.name: p.json_schema() for p in d.params},
            "additionalProperties": False,
        }
        for d in declarations
    }
    return {
        "type": "object",
        "title": "Policy",
        "description": "policy.toml as an object: the plan year and, per rule, the parameters that differ "
        "from the defaults (every rule and parameter is listed with its default).",
        "properties": {
            "year": {"type": "integer", "minimum": 1990, "maximum": 2100, "default": DEFAULT_YEAR},
            "name": {"type": "string"},
            "rules": {"type": "object", "properties": rules, "additionalProperties": False},
            NOTICE: {
                "type": "object",
                "description": "The 公示 (public notice) of the plan: title, date, text, objection "
                "channel and deadline (dates as YYYY-MM-DD); each left out has a default.",
                "properties": {
                    key: {"type": "string", "format": "date"}
                    if key in NOTICE_DATES
                    else {"type": "string", "maxLength": NOTICE_TEXT_MAX}
                    for key in NOTICE_FIELDS
                },
                "additionalProperties": False,
            },
            TARGETS: {
                "type": "object",
                "description": "Targets a roadmap reaches: per indicator, a share (value 0..1) in every "
                "region by a year; a cycle, at most value years (kept as its share, 1/value).",
                "properties": {
                    name: {
                        "type": "object",
                        "title": indicator.label_en,
                        "description": f"{indicator.label_zh} · {indicator.label_en}",
                        "properties": {
                            "value": {"type": "number", "minimum": 1}
                            if indicator.cycle_of
                            else {"type": "number", "minimum": 0, "maximum": 1},
                            "year": {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
                        },
                        "required": list(TARGET_FIELDS),
                        "additionalProperties": False,
                    }
                    for name, indicator in indicators_of(declarations).items()
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


def override_json_schema(declarations: tuple[RuleParams, ...]) -> dict[str, Any]:
    """The JSON schema of one `rule.param=value` override: the names come from the declarations
    (a table parameter takes one more dotted key: `shortage.priority.music=3`)."""
    names = ["year", f"{TARGETS}\\.[a-z_]+\\.(value|year)"] + [
        f"{d.rule}\\.{p.name}" + ("(\\.[A-Za-z_\\u4e00-\\u9fff]+)?" if p.kind.endswith("_table") else "")
        for d in declarations
        for p in d.params
    ]
    return {
        "type": "string",
        "maxLength": 500,
        "pattern": f"^({'|'.join(names)})\\s*=.+$",
        "description": "A policy change as policy.toml's dotted name and a TOML value.",
        "examples": [example_override(declarations)],
    }


def example_override(declarations: tuple[RuleParams, ...]) -> str:
    """An override to show in help texts and examples: the first rate or share, raised by half."""
    for d in declarations:
        for p in d.params:
            if p.kind == "fraction":
                return f"{d.rule}.{p.name}={min(1.0, round(p.default * 1.5, 4)):g}"
    return "year=2026"
