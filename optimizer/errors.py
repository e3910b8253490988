"""Problems: an error is a value with a code, a place and a sentence in Chinese and English.

One type for every problem the library reports (input files, policy parameters, overrides,
generator settings), raised once at the boundary with all problems found (`ScenarioError`) and
rendered the same way by the CLI, the API and the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Problem:
    """One problem. `code` is stable for programs (`bad_value`, `unknown_column` ...); `file`,
    `row` (the spreadsheet row, header = 1, or the list index for JSON) and `column` say where;
    `rule` names the rule whose parameter is wrong, when there is one."""

    code: str
    zh: str
    en: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    rule: str | None = None

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def place(self, lang: str = "en") -> str:
        """Where, as the user finds it; a name alone (a generator setting) is its own place."""
        if self.file is None and self.row is None:
            return self.column or ""
        parts = [self.file] if self.file else []
        if lang == "zh":
            parts += [f"第 {self.row} 行"] if self.row is not None else []
            if self.column:  # a table's column, or a key of a document (policy.toml) without rows
                parts.append(f"“{self.column}”列" if self.row is not None else f"“{self.column}”")
            return ",".join(parts)
        parts += [f"row {self.row}"] if self.row is not None else []
        parts += [f"column {self.column}"] if self.column else []
        return ", ".join(parts)

    def text(self, lang: str = "en") -> str:
        place = self.place(lang)
        separator = ":" if lang == "zh" else ": "
        return f"{place}{separator}{self.message(lang)}" if place else self.message(lang)

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The documented shape: the place's parts and `place` (the text the CLI prints, so that a
        client shows the same words), `message` in the caller's language, both texts and code."""
        return {
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "rule": self.rule,
            "place": self.place(lang),
            "message": self.message(lang),
            "message_zh": self.zh,
            "message_en": self.en,
        }

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> Problem:
        """The problem `to_dict` wrote (in either language): a stored error renders again."""
        return cls(
            code=item["code"],
            zh=item["message_zh"],
            en=item["message_en"],
            file=item["file"],
            row=item["row"],
            column=item["column"],
            rule=item["rule"],
        )


class ScenarioError(Exception):
    """Raised once, at the boundary, with every problem found; nothing is half-loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"error": "invalid_scenario", "problems": [p.to_dict(lang) for p in self.problems]}
