"""What an inspector needs to re-run a solve: the input's hash, the settings, the versions."""

from __future__ import annotations

import hashlib
import json
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from optimizer.io.document import scenario_to_document
from optimizer.options import SolveOptions
from optimizer.scenario import Scenario


def input_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario as canonical JSON (policy and overrides included)."""
    document = scenario_to_document(scenario)
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def solve_settings(options: SolveOptions) -> dict[str, Any]:
    """The settings that decide the result (same input, same settings, --workers 1: same plan)."""
    return {
        "time_limit": options.time_limit,
        "workers": options.workers,
        "engine": options.engine,
        "seed": options.seed,
        "hint": options.hint is not None,
        "previous_plan": options.previous_plan is not None,
        "change_weight": options.change_weight if options.previous_plan is not None else None,
        "force_moves": sorted(options.force_moves),
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
