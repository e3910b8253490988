"""Explanations above the solve: why and why not, for a teacher and for a school (conflict sets and
relaxations are diagnosis, below the solve: `optimizer.diagnosis`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from optimizer.explain.school import SchoolExplanation
from optimizer.explain.teacher import TeacherExplanation


def explanation_json(explanation: TeacherExplanation | SchoolExplanation) -> dict[str, Any]:
    """The JSON of `rotation explain --json` and the API: the explanation's fields (a school's
    balance spread among them, the labels left out: the sentences use them) and its sentences in
    both languages."""
    fields = asdict(explanation)
    del fields["labels"]
    shown = {**fields.pop("balance", {}), **fields}
    return {**shown, "text_zh": explanation.text("zh"), "text_en": explanation.text("en")}
