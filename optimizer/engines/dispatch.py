"""Runs the engine a solve's settings name."""

from __future__ import annotations

from optimizer.engines import auto, cpsat
from optimizer.engines.cpsat import Run
from optimizer.model.builder import ModelBuilder
from optimizer.options import EngineSettings, Listeners


def run_engine(
    builder: ModelBuilder,
    settings: EngineSettings,
    listeners: Listeners | None = None,
    time_limit: float | None = None,
) -> Run:
    """The assembled model solved by `settings.engine` within `time_limit` seconds (default the
    settings' own)."""
    engine = auto.run if settings.engine == "auto" else cpsat.run
    return engine(builder, settings, listeners or Listeners(), time_limit)
