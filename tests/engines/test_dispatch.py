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
