"""The engine a solve's settings name is the one that runs."""

from __future__ import annotations

import pytest

from optimizer.engines.dispatch import run_engine
from optimizer.model.assembly import build_model
from optimizer.options import EngineSettings
from optimizer.rules import all_rules, gate_rules
from tests import tiny


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        EngineSettings(engine="gurobi")


@pytest.mark.parametrize(("engine", "bound_source"), [("auto", "highs"), ("cp-sat", "cp-sat")])
def test_the_named_engine_runs(engine: str, bound_source: str) -> None:
    """HiGHS proves the tiny county alone, so the bound's source tells which engine ran."""
    builder = build_model(tiny.two_school_county(urban_teachers=12, rural_need=3), all_rules(), gate_rules())
    run = run_engine(builder, EngineSettings(time_limit=10, workers=1, engine=engine))
    assert run.status == "optimal" and run.bound_source == bound_source


@pytest.mark.parametrize("gap_limit", [-0.1, 1.0])
def test_a_gap_limit_that_is_no_share_is_refused(gap_limit: float) -> None:
    with pytest.raises(ValueError, match="gap_limit"):
        EngineSettings(gap_limit=gap_limit)


def test_close_enough_is_the_gap_the_summary_reports() -> None:
    settings = EngineSettings(gap_limit=0.01)
    assert settings.close_enough(101.0, 100.0) and not settings.close_enough(102.0, 100.0)
    assert not EngineSettings().close_enough(100.0, 100.0)  # no limit: only a proof stops
    assert not settings.close_enough(None, 100.0)
