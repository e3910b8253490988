"""Declared rule parameters: what a rule module says about each of its parameters.

A `Param` carries the default, the kind of value (which decides its check, its JSON schema and the
input the page's form shows), the range, the unit and the Chinese and English labels. Rules
declare them; the policy (defaults, validation, overrides), the page's form and the API's schema
are generated from the declarations, so nothing outside a rule's module knows its parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optimizer.subjects import SUBJECTS, subject_code

LARGEST = 1_000_000
"""The largest number any parameter takes unless it declares its own maximum: a weight of 1e308
would overflow the objective's integer costs, and no policy needs more."""
AREAS = ("urban", "town", "rural")

KINDS = (
    "mode",  # hard | elastic
    "weight",  # elastic cost per unit of shortfall: a non-negative number
    "number",  # a non-negative number
    "positive",  # a number above zero
    "integer",  # a whole number within [minimum, maximum]
    "fraction",  # a share 0..1, shown in %
    "choice",  # one of `choices`
    "areas",  # a list of areas (urban, town, rural)
    "area_pairs",  # a list of [from_area, to_area] pairs
    "integer_table",  # a table of whole numbers under fixed `keys`, merged key by key
    "subject_table",  # subject -> non-negative number, replaced as a whole
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Option:
    """One value of a `choice` or `mode` parameter, or one key of an `integer_table`, with its labels."""

    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Param:
    """One parameter of a rule. `name` is its key in policy.toml's `[rules.<rule>]` table."""

    name: str
    default: Any
    kind: str
    label_zh: str
    label_en: str
    unit_zh: str = ""
    unit_en: str = ""
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[Option, ...] = ()
    hint_zh: str = ""
    hint_en: str = ""
    meaning: str = ""
    """A SPEC notion the rest of the program reads without knowing the rule (`rotation_term_years`):
    the scenario asks the policy for the value by this name (`Policy.meaning`)."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name}: unknown kind {self.kind!r}")
        if not self.accepts(self.default):
            raise ValueError(f"parameter {self.name}: default {self.default!r} fails its own check")

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def accepts(self, value: Any) -> bool:
        """Whether `value` is a valid setting of this parameter."""
        kind = self.kind
        if kind in ("mode", "choice"):
            return value in self.choices
        if kind == "areas":
            return isinstance(value, list) and all(area in AREAS for area in value)
        if kind == "area_pairs":
            return isinstance(value, list) and all(
                isinstance(pair, list) and len(pair) == 2 and all(area in AREAS for area in pair)
                for pair in value
            )
        if kind == "integer_table":
            allowed = set(self.choices)
            return isinstance(value, Mapping) and all(
                key in allowed
                and isinstance(number, int)
                and not isinstance(number, bool)
                and self._in_range(number)
                for key, number in value.items()
            )
        if kind == "subject_table":
            return isinstance(value, Mapping) and all(
                subject_code(str(key)) is not None and _is_number(number) and 0 <= number <= LARGEST
                for key, number in value.items()
            )
        if not _is_number(value):
            return False
        if kind == "fraction":
            return 0 <= value <= 1
        if kind == "positive":
            return value > 0 and self._in_range(value)
        if kind == "integer":
            return float(value).is_integer() and self._in_range(value)
        return self._in_range(value)

    def _in_range(self, value: float) -> bool:
        low = 0 if self.minimum is None else self.minimum
        high = LARGEST if self.maximum is None else self.maximum
        return low <= value <= high

    def expected(self) -> tuple[str, str]:
        """What a valid value looks like, in Chinese and English (for problem messages)."""
        kind, low, high = self.kind, self.minimum, self.maximum
        if kind == "mode":
            return "hard(刚性)或 elastic(弹性)", "hard or elastic"
        if kind == "choice":
            return "、".join(self.choices) + " 之一", " or ".join(
                (", ".join(self.choices[:-1]), self.choices[-1])
            )
        if kind == "areas":
            return "区域列表(urban、town、rural)", "a list of areas among urban, town, rural"
        if kind == "area_pairs":
            return (
                '[调出区域, 调入区域] 列表,如 [["rural", "urban"]]',
                'a list of [from_area, to_area] pairs such as [["rural", "urban"]]',
            )
        if kind == "integer_table":
            keys = ", ".join(f"{k.key} = {int(self.default.get(k.key, 0))}" for k in self.options)
            return (
                f"{{ {keys} }} 形式的表,取值 {low:g}..{high:g}",
                f"a table {{ {keys} }} of ages {low:g}..{high:g}",
            )
        if kind == "subject_table":
            return (
                f"学科 = 非负数(至多 {LARGEST})的表(学科代码或中文名)",
                f"a table of subject = non-negative number up to {LARGEST:,} "
                "(subject codes or Chinese names)",
            )
        if kind == "fraction":
            return "0 到 1 之间的比例", "a fraction between 0 and 1"
        if kind == "positive":
            return f"正数(至多 {LARGEST})", f"a positive number up to {LARGEST:,}"
        if kind == "integer":
            if low is not None and high is not None:
                return f"{low:g}..{high:g} 之间的整数", f"an integer {low:g}..{high:g}"
            return f"非负整数(至多 {LARGEST})", f"a non-negative integer up to {LARGEST:,}"
        return f"非负数(至多 {LARGEST})", f"a non-negative number up to {LARGEST:,}"

    def merged(self, current: Any, value: Any) -> Any:
        """The setting after `value` is given over `current`: an integer table keeps the keys the
        value leaves out; a subject table is replaced, its keys normalised to subject codes."""
        if self.kind == "integer_table":
            return {**current, **value}
        if self.kind == "subject_table":
            return {subject_code(str(key)) or key: number for key, number in value.items()}
        return value

    def json_schema(self) -> dict[str, Any]:
        """The JSON schema of a valid value (for the API's documentation)."""
        described = {"title": self.label_en, "description": f"{self.label_zh} · {self.label_en}"}
        kind = self.kind
        if kind in ("mode", "choice"):
            return {
                **described,
                "enum": list(self.choices),
                "default": self.default,
            }
        if kind == "areas":
            return {**described, "type": "array", "items": {"enum": list(AREAS)}, "default": self.default}
        if kind == "area_pairs":
            pair = {"type": "array", "items": {"enum": list(AREAS)}, "minItems": 2, "maxItems": 2}
            return {**described, "type": "array", "items": pair, "default": self.default}
        if kind == "integer_table":
            number = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
            properties = {k.key: {**number, "title": k.label_en} for k in self.options}
            return {**described, "type": "object", "properties": properties, "additionalProperties": False}
        if kind == "subject_table":
            number = {"type": "number", "minimum": 0, "maximum": LARGEST}
            properties = {code: number for code in SUBJECTS}
            return {**described, "type": "object", "properties": properties, "default": self.default}
        schema: dict[str, Any] = {**described, "type": "integer" if kind == "integer" else "number"}
        if kind == "positive":
            schema["exclusiveMinimum"] = 0
        else:
            schema["minimum"] = 0 if self.minimum is None else self.minimum
        schema["maximum"] = 1 if kind == "fraction" else LARGEST if self.maximum is None else self.maximum
        return {**schema, "default": self.default}


def mode_param(default: str) -> Param:
    """Every rule's `mode`: hard (must hold) or elastic (may be broken at its weight)."""
    options = (Option("hard", "刚性", "hard"), Option("elastic", "弹性", "elastic"))
    return Param("mode", default, "mode", "规则类型", "Mode", options=options)


def weight_param(default: float, name: str = "weight", label_zh: str = "", label_en: str = "") -> Param:
    """An elastic cost per unit of shortfall (`weight`) or of one kind of event (`*_weight`)."""
    return Param(
        name,
        default,
        "weight",
        label_zh or "权重(每单位缺口代价)",
        label_en or "Weight (cost per unit short)",
    )
