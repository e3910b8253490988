"""A solve's time limit is the whole solve's: the engines get what the model's build left, and
at least a tenth of it when the build took longer."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from optimizer import solve as solve_module
from optimizer.options import EngineSettings
from tests import tiny


@pytest.mark.parametrize(("build_seconds", "engine_limit"), [(7.0, 13.0), (25.0, 2.0)])
def test_the_engines_get_the_time_limit_less_the_models_build(
    build_seconds: float, engine_limit: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    def clock() -> Iterator[float]:
        yield 100.0  # the solve starts
        while True:
            yield 100.0 + build_seconds  # the model is built

    ticks = clock()
    monkeypatch.setattr(solve_module, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    limits: list[float | None] = []
    real_run = solve_module.run_engine

    def run_engine(*args: Any, time_limit: float | None = None) -> Any:
        limits.append(time_limit)
        return real_run(*args, time_limit=time_limit)

    monkeypatch.setattr(solve_module, "run_engine", run_engine)
    result = solve_module.solve(tiny.two_school_county(), EngineSettings(time_limit=20.0))
    assert limits == [engine_limit]
    assert result.summary.build_seconds == build_seconds
