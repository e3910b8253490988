"""What an inspector needs to re-run a solve: the input's hash, the settings, the versions."""

from __future__ import annotations

import hashlib
import json
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from optimizer.io.document import scenario_to_document
from optimizer.options import EngineSettings, ModelEdits
from optimizer.scenario import Scenario


def input_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario as canonical JSON (policy and overrides included)."""
    document = scenario_to_document(scenario)
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def solve_settings(settings: EngineSettings, edits: ModelEdits) -> dict[str, Any]:
    """The settings that decide the result (same input, same settings, --workers 1: same plan)."""
    return {
        "time_limit": settings.time_limit,
        "workers": settings.workers,
        "engine": settings.engine,
        "seed": settings.seed,
        "hint": edits.hint is not None,
        "previous_plan": edits.previous_plan is not None,
        "change_weight": edits.change_weight if edits.previous_plan is not None else None,
        "force_moves": sorted(edits.force_moves),
    }


def versions() -> dict[str, str]:
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "teacher-rotation": installed("teacher-rotation"),
        "ortools": installed("ortools"),
        "highspy": installed("highspy"),
        "python": platform.python_version(),
    }
