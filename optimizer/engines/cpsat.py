"""CP-SAT on an assembled model: the search (from the model's hint, reporting each improving
solution), and the run's figures in cost units (`Run`), which every engine returns."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.model.assembly import plan_from
from optimizer.model.builder import COST_SCALE, ModelBuilder
from optimizer.options import EngineSettings, Listeners, relative_gap
from optimizer.plan import Plan

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass(frozen=True)
class Run:
    """One solve: status is optimal / feasible / infeasible / timeout_no_plan. `bound` is the
    best lower bound known, from `bound_source` (`cp-sat`, or `highs` for HiGHS's bound on the
    same model: its LP relaxation, raised by the restricted MIPs where their reduced-cost
    argument allows; see `optimizer.engines.highs.StagedSearch`)."""

    status: str
    plan: Plan | None
    objective: float | None
    bound: float | None
    seconds: float
    shortfalls: dict[str, int]
    bound_source: str = "cp-sat"

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.status == "optimal":
            return 0.0
        return relative_gap(self.objective, self.bound)


def solver_for(settings: EngineSettings, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.relative_gap_limit = settings.gap_limit
    return solver


class _SolutionCallback(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution (progress figures, and the plan itself when asked) and
    stops the search once a solution reaches the known lower bound (it is then optimal) or comes
    within the settings' gap limit of it."""

    def __init__(
        self,
        builder: ModelBuilder,
        settings: EngineSettings,
        listeners: Listeners,
        started: float,
        stop_at: float | None,
    ) -> None:
        super().__init__()
        self.builder = builder
        self.settings = settings
        self.listeners = listeners
        self.started = started
        self.stop_at = stop_at

    def on_solution_callback(self) -> None:
        objective = self.ObjectiveValue() / COST_SCALE
        bound = self.BestObjectiveBound() / COST_SCALE
        if self.stop_at is not None:
            bound = max(bound, self.stop_at / COST_SCALE)
        if self.listeners.progress is not None:
            self.listeners.progress(time.monotonic() - self.started, objective, bound)
        if self.listeners.on_solution is not None:
            self.listeners.on_solution(plan_from(self.builder, self.Value), objective, bound)
        if self.stop_at is not None and (
            self.ObjectiveValue() <= self.stop_at or self.settings.close_enough(objective, bound)
        ):
            self.StopSearch()


def search(
    builder: ModelBuilder,
    settings: EngineSettings,
    listeners: Listeners,
    time_limit: float,
    *,
    started: float,
    stop_at: float | None = None,
) -> tuple[int, cp_model.CpSolver]:
    """CP-SAT from the model's hint for what is left of `time_limit` seconds since `started`:
    (its status, the solver holding its answer). `stop_at`, a lower bound in the model's units
    known from elsewhere, ends the search as soon as a solution reaches it."""
    solver = solver_for(settings, time_limit - (time.monotonic() - started))
    callback = None
    if listeners.any or stop_at is not None:
        callback = _SolutionCallback(builder, settings, listeners, started, stop_at)
        progress = listeners.progress
        if progress is not None:
            solver.best_bound_callback = lambda bound: progress(
                time.monotonic() - started, None, max(bound, stop_at or bound) / COST_SCALE
            )
    return solver.Solve(builder.model, callback), solver


HINT_COMPLETION_SHARE = 0.25
"""Share of the time limit that completing a partial hint (a plan's decisions) may use."""


def run(
    builder: ModelBuilder, settings: EngineSettings, listeners: Listeners, time_limit: float | None = None
) -> Run:
    """CP-SAT alone on the assembled model, from its hint. A hint of decisions only (a resumed
    job's best plan, a previous plan) is first completed into a whole solution, which is reported
    at once and is the run's answer unless the search finds a better one: a run from a plan never
    ends with a worse one."""
    started = time.monotonic()
    limit = settings.time_limit if time_limit is None else time_limit
    start = completed_hint(builder, settings, limit * HINT_COMPLETION_SHARE)
    if start is not None:
        values, objective = start
        add_value_hint(builder, values)
        if listeners.any:
            report_start(builder, listeners, started, values, objective, None)
    status, solver = search(builder, settings, listeners, limit, started=started)
    seconds = time.monotonic() - started
    if status in SOLVED and (start is None or solver.ObjectiveValue() <= start[1]):
        return finished(
            builder,
            proved=status == cp_model.OPTIMAL,
            objective=solver.ObjectiveValue(),
            bound=solver.BestObjectiveBound(),
            bound_source="cp-sat",
            value=solver.Value,
            seconds=seconds,
        )
    if start is not None and status != cp_model.INFEASIBLE:
        values, objective = start
        return finished(
            builder,
            proved=False,
            objective=objective,
            bound=solver.BestObjectiveBound() if status in SOLVED else None,
            bound_source="cp-sat",
            value=lambda var: values[var.Index()],
            seconds=seconds,
        )
    return without_plan(status, seconds)


def completed_hint(
    builder: ModelBuilder, settings: EngineSettings, time_limit: float
) -> tuple[tuple[int, ...], float] | None:
    """The model's hint made whole, with its objective in the model's units: the hinted
    variables fixed, CP-SAT sets the rest (shortfalls, counts) at their best. None when the model
    has no hint, or the hint cannot be completed (no longer feasible, or not in time): CP-SAT
    then starts from the partial hint as it is."""
    hint = builder.model.proto.solution_hint
    if not hint.vars:
        return None
    fixed = builder.model.clone()
    for index, value in zip(hint.vars, hint.values, strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(index) == value)
    fixed.clear_hints()
    solver = solver_for(settings, time_limit)
    if solver.Solve(fixed) not in SOLVED:
        return None
    return tuple(solver.response_proto.solution), solver.ObjectiveValue()


def add_value_hint(builder: ModelBuilder, values: tuple[int, ...]) -> None:
    """A complete hint: one value per model variable (a whole solution found before the search)."""
    model = builder.model
    model.clear_hints()
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def report_start(
    builder: ModelBuilder,
    listeners: Listeners,
    started: float,
    values: tuple[int, ...],
    objective: float,
    bound: float | None,
) -> None:
    """A whole solution found before the search (a warm start, a completed hint) is one the
    caller sees (progress, best plan so far), as it is found."""
    figure = objective / COST_SCALE
    lower = None if bound is None else bound / COST_SCALE
    if listeners.progress is not None:
        listeners.progress(time.monotonic() - started, figure, lower)
    if listeners.on_solution is not None:
        plan = plan_from(builder, lambda var: values[var.Index()])
        listeners.on_solution(plan, figure, figure if lower is None else lower)


def without_plan(status: int, seconds: float) -> Run:
    """A search that ended without a plan: infeasible, or out of time."""
    return Run(
        "infeasible" if status == cp_model.INFEASIBLE else "timeout_no_plan", None, None, None, seconds, {}
    )


def finished(
    builder: ModelBuilder,
    *,
    proved: bool,
    objective: float,
    bound: float | None,
    bound_source: str,
    value: Callable[[cp_model.IntVar], int],
    seconds: float,
) -> Run:
    """The run's figures in cost units from a solution's values (`value`), its
    objective and the best bound known, in the model's units; a proof makes the objective its
    own bound."""
    if proved:
        bound, bound_source = objective, "cp-sat"
    optimal = proved or (bound is not None and objective <= bound)
    return Run(
        status="optimal" if optimal else "feasible",
        plan=plan_from(builder, value),
        objective=objective / COST_SCALE,
        bound=None if bound is None else min(bound, objective) / COST_SCALE,
        seconds=seconds,
        shortfalls={label: value(var) for label, var in builder.shortfalls.items()},
        bound_source=bound_source,
    )
