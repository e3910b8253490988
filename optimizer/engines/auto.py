"""The automatic engine: HiGHS first on the assembled model (`highs.solve_mip`, a share of the
time), which often proves the optimum; otherwise its plan is CP-SAT's start and its bound CP-SAT's
stopping point, and the run reports the better plan and the better bound of the two."""

from __future__ import annotations

import math
import time
from functools import partial

from ortools.sat.python import cp_model

from optimizer.engines import cpsat
from optimizer.engines.cpsat import Run
from optimizer.engines.highs import MipRun, solve_mip
from optimizer.model.builder import ModelBuilder
from optimizer.options import EngineSettings, Listeners

MIP_SHARE = 0.8
"""Share of the time limit HiGHS may use for the warm start; CP-SAT gets the rest. While HiGHS
has no plan at all it may use the whole limit: at 4,000+ teachers CP-SAT's presolve alone takes
longer than what would be left."""


def run(
    builder: ModelBuilder, settings: EngineSettings, listeners: Listeners, time_limit: float | None = None
) -> Run:
    """HiGHS, then CP-SAT from HiGHS's plan (or the model's own hint when HiGHS found none) until
    a solution reaches HiGHS's bound or the time is up."""
    started = time.monotonic()
    limit = settings.time_limit if time_limit is None else time_limit
    report = partial(cpsat.report_start, builder, listeners, started) if listeners.any else None
    warm = solve_mip(
        builder.model,
        limit * MIP_SHARE,
        seed=settings.seed,
        gap_limit=settings.gap_limit,
        patience=limit,
        on_improved=report,
        free_columns=builder.repair_columns(),
    )
    if warm.status == "optimal" or settings.close_enough(warm.objective, warm.bound):
        # Proven on the same model (its bound reaches the plan, or comes within the gap limit of
        # it): nothing left to search.
        return _warm_finished(builder, warm, time.monotonic() - started)
    # HiGHS's `infeasible` is not the record (it has no plan and no bound): CP-SAT decides, with
    # the whole time left.
    if warm.values is not None:
        cpsat.add_value_hint(builder, warm.values)
    stop_at = _stop_at(warm)
    status, solver = cpsat.search(builder, settings, listeners, limit, started=started, stop_at=stop_at)
    seconds = time.monotonic() - started
    if status in cpsat.SOLVED and (warm.objective is None or warm.objective >= solver.ObjectiveValue()):
        bound, source = _better_bound(solver.BestObjectiveBound(), stop_at)
        return cpsat.finished(
            builder,
            proved=status == cp_model.OPTIMAL,
            objective=solver.ObjectiveValue(),
            bound=bound,
            bound_source=source,
            value=solver.Value,
            seconds=seconds,
        )
    if status != cp_model.INFEASIBLE and warm.values is not None:
        # CP-SAT found nothing in the time left (or nothing as good): the warm start's plan.
        return _warm_finished(builder, warm, seconds)
    return cpsat.without_plan(status, seconds)


def _warm_finished(builder: ModelBuilder, warm: MipRun, seconds: float) -> Run:
    """The run's figures for the warm start's plan."""
    values = warm.values
    assert values is not None and warm.objective is not None
    bound, source = _better_bound(None, _stop_at(warm))
    return cpsat.finished(
        builder,
        proved=False,
        objective=warm.objective,
        bound=bound,
        bound_source=source,
        value=lambda var: values[var.Index()],
        seconds=seconds,
    )


def _stop_at(warm: MipRun) -> float | None:
    """The objective at which CP-SAT may stop: HiGHS's lower bound, rounded up to whole units
    (the objective is integral)."""
    if warm.bound is None:
        return None
    return float(math.ceil(warm.bound - 1e-6))


def _better_bound(cp_bound: float | None, highs_bound: float | None) -> tuple[float | None, str]:
    """The better of CP-SAT's and HiGHS's bounds, and whose it is."""
    if highs_bound is not None and (cp_bound is None or highs_bound > cp_bound):
        return highs_bound, "highs"
    return cp_bound, "cp-sat"
