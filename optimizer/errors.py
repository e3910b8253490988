"""Input problems: an error is a value with a place (file, row, column), reported all at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class InputProblem:
    """One problem in the input. `row` is the spreadsheet row (header = 1) or the list index for JSON."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f", row {self.row}"
        if self.column:
            place += f", column {self.column}"
        return f"{place}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ScenarioError(Exception):
    """Raised once, at the boundary, with every problem found; nothing is half-loaded."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def to_dict(self) -> dict[str, Any]:
        return {"error": "invalid_scenario", "problems": [p.to_dict() for p in self.problems]}
