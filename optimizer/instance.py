"""Rule instances and the changes that relax them: values the model, the checker, diagnosis and
explanations all pass around, so they sit below every one of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instance:
    """One rule instance, e.g. rotation_quota for region 东区: at least 15 teachers.

    `label` is stable and unique in a scenario; conflict sets and relaxations name instances by it.
    `target` is the number the instance demands (a minimum, a cap), in `unit`.
    """

    rule: str
    scope: str
    key: str
    target: float | None
    unit: str
    sentence_zh: str
    sentence_en: str

    @property
    def label(self) -> str:
        return f"{self.rule}[{self.scope}={self.key}]"


@dataclass(frozen=True)
class Change:
    """A change to a scenario that relaxes a rule: policy overrides (`rule.param=value`), school
    fields to set (school_id, field, value), and HR pins to drop; with a zh + en sentence."""

    overrides: tuple[str, ...] = ()
    school_fields: tuple[tuple[str, str, int], ...] = ()
    drop_pins: tuple[str, ...] = ()
    sentence_zh: str = ""
    sentence_en: str = ""
