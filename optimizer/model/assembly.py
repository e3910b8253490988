"""CP-SAT runs: build a model from the rules, solve it, read the plan back; and the oracle that
answers whether a set of hard rule instances can hold together (assumption literals)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model

from optimizer.model.builder import COST_SCALE, ModelBuilder
from optimizer.model.candidates import enumerate_candidates
from optimizer.model.mip import MipRun, solve_mip
from optimizer.options import SolveOptions
from optimizer.plan import Move, Plan
from optimizer.rules import all_rules, gate_rules
from optimizer.scenario import Scenario


def build_model(scenario: Scenario, **builder_options: object) -> ModelBuilder:
    """Candidates, then every rule adds itself, then the objective."""
    builder = ModelBuilder(scenario, enumerate_candidates(scenario, gate_rules()), **builder_options)  # type: ignore[arg-type]
    for rule in all_rules():
        rule.build(builder)
    builder.finish()
    return builder


@dataclass(frozen=True)
class Run:
    """One solve: status is optimal / feasible / infeasible / timeout_no_plan. `bound` is the
    best lower bound known, from `bound_source` (`cp-sat`, or `highs` for HiGHS's bound on the
    same model: its LP relaxation, raised by the restricted MIPs where their reduced-cost
    argument allows; see `mip.StagedSearch`)."""

    status: str
    plan: Plan | None
    objective: float | None
    bound: float | None
    seconds: float
    shortfalls: dict[str, int]
    bound_source: str = "cp-sat"

    @property
    def has_plan(self) -> bool:
        return self.plan is not None

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.status == "optimal":
            return 0.0
        return max(0.0, self.objective - self.bound) / max(1.0, abs(self.objective))


def solver_for(options: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    return solver


class _SolutionCallback(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution (progress figures, and the plan itself when asked) and
    stops the search once a solution reaches the known lower bound: it is then optimal."""

    def __init__(
        self, builder: ModelBuilder, options: SolveOptions, started: float, stop_at: float | None
    ) -> None:
        super().__init__()
        self.builder = builder
        self.options = options
        self.started = started
        self.stop_at = stop_at

    def on_solution_callback(self) -> None:
        objective = self.ObjectiveValue() / COST_SCALE
        bound = self.BestObjectiveBound() / COST_SCALE
        if self.stop_at is not None:
            bound = max(bound, self.stop_at / COST_SCALE)
        if self.options.progress is not None:
            self.options.progress(time.monotonic() - self.started, objective, bound)
        if self.options.on_solution is not None:
            self.options.on_solution(plan_from(self.builder, self.BooleanValue), objective, bound)
        if self.stop_at is not None and self.ObjectiveValue() <= self.stop_at:
            self.StopSearch()


def run(builder: ModelBuilder, options: SolveOptions, time_limit: float | None = None) -> Run:
    """Solve the built model: with engine `auto`, HiGHS first on the same model (a share of the
    time; `mip.StagedSearch`), which often proves the optimum; otherwise its plan is CP-SAT's
    start and its bound CP-SAT's stopping point. With `cp-sat`, CP-SAT alone from the options'
    hint. Forced moves and change costs are added to the model first."""
    started = time.monotonic()
    limit = options.time_limit if time_limit is None else time_limit
    for teacher_id in sorted(options.force_moves):
        builder.model.Add(builder.moved(teacher_id) >= 1)
    if options.previous_plan is not None:
        add_change_costs(builder, options.previous_plan, options.change_weight)
    warm = None
    if options.engine == "auto":
        report = None
        if options.progress is not None or options.on_solution is not None:
            report = partial(report_warm_start, builder, options, started)
        warm = solve_mip(
            builder.model, limit * MIP_SHARE, seed=options.seed, patience=limit, on_improved=report
        )
        if warm.status == "infeasible":
            # HiGHS's word is not the record: CP-SAT decides, with the whole time, below.
            warm = None
        elif warm.status == "optimal":
            # Proven on the same model (its bound reaches the plan): nothing left to search.
            return _warm_finished(builder, warm, time.monotonic() - started)
    hint = options.hint or options.previous_plan
    if warm is not None and warm.values is not None:
        add_value_hint(builder, warm.values)
    elif hint is not None:
        add_hint(builder, hint)
    stop_at = _stop_at(warm)
    remaining = limit - (time.monotonic() - started)
    solver = solver_for(options, remaining)
    callback = None
    if options.progress is not None or options.on_solution is not None or stop_at is not None:
        callback = _SolutionCallback(builder, options, started, stop_at)
        progress = options.progress
        if progress is not None:
            solver.best_bound_callback = lambda bound: progress(
                time.monotonic() - started, None, max(bound, stop_at or bound) / COST_SCALE
            )
    status = solver.Solve(builder.model, callback)
    seconds = time.monotonic() - started
    warm_is_better = (
        warm is not None
        and warm.objective is not None
        and (status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or warm.objective < solver.ObjectiveValue())
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not warm_is_better:
        return _finished(
            builder,
            status == cp_model.OPTIMAL,
            solver.ObjectiveValue(),
            solver.BestObjectiveBound(),
            solver.BooleanValue,
            solver.Value,
            warm,
            seconds,
        )
    if status == cp_model.INFEASIBLE:
        return Run("infeasible", None, None, None, seconds, {})
    if warm is not None and warm.values is not None:
        # CP-SAT found nothing in the time left (or nothing as good): the warm start's plan.
        return _warm_finished(builder, warm, seconds)
    return Run("timeout_no_plan", None, None, None, seconds, {})


def _warm_finished(builder: ModelBuilder, warm: MipRun, seconds: float) -> Run:
    """The run's figures for the warm start's plan."""
    values = warm.values
    assert values is not None and warm.objective is not None
    return _finished(
        builder,
        False,
        warm.objective,
        None,
        lambda var: bool(values[var.Index()]),
        lambda var: values[var.Index()],
        warm,
        seconds,
    )


MIP_SHARE = 0.8
"""Share of the time limit HiGHS may use for the warm start; CP-SAT gets the rest. While HiGHS
has no plan at all it may use the whole limit: at 4,000+ teachers CP-SAT's presolve alone takes
longer than what would be left."""


def _stop_at(warm: MipRun | None) -> float | None:
    """The objective at which CP-SAT may stop: HiGHS's lower bound, rounded up to whole units
    (the objective is integral)."""
    if warm is None or warm.bound is None:
        return None
    return float(math.ceil(warm.bound - 1e-6))


def _finished(
    builder: ModelBuilder,
    proved: bool,
    objective: float,
    cp_bound: float | None,
    chosen: Callable[[cp_model.IntVar], bool],
    value: Callable[[cp_model.IntVar], int],
    warm: MipRun | None,
    seconds: float,
) -> Run:
    """The run's figures in cost units, with the better of CP-SAT's and HiGHS's bounds."""
    bound, source = cp_bound, "cp-sat"
    stop_at = _stop_at(warm)
    if stop_at is not None and (bound is None or stop_at > bound):
        bound, source = stop_at, "highs"
    if proved:
        bound, source = objective, "cp-sat"
    optimal = proved or (bound is not None and objective <= bound)
    return Run(
        status="optimal" if optimal else "feasible",
        plan=plan_from(builder, chosen),
        objective=objective / COST_SCALE,
        bound=None if bound is None else min(bound, objective) / COST_SCALE,
        seconds=seconds,
        shortfalls={label: value(var) for label, var in builder.shortfalls.items()},
        bound_source=source,
    )


def add_value_hint(builder: ModelBuilder, values: tuple[int, ...]) -> None:
    """A complete hint: one value per model variable (the warm start's solution)."""
    model = builder.model
    model.ClearHints()
    for index, value in enumerate(values):
        model.AddHint(model.GetIntVarFromProtoIndex(index), value)


def report_warm_start(
    builder: ModelBuilder,
    options: SolveOptions,
    started: float,
    values: tuple[int, ...],
    objective: float,
    bound: float | None,
) -> None:
    """Each plan the warm start finds is one the caller sees (progress, best plan so far), as
    HiGHS finds it."""
    figure = objective / COST_SCALE
    lower = None if bound is None else bound / COST_SCALE
    if options.progress is not None:
        options.progress(time.monotonic() - started, figure, lower)
    if options.on_solution is not None:
        plan = plan_from(builder, lambda var: bool(values[var.Index()]))
        options.on_solution(plan, figure, figure if lower is None else lower)


def add_change_costs(builder: ModelBuilder, previous: Plan, weight: float) -> None:
    """Each teacher whose move differs from `previous` costs `weight`: a previous move not kept
    (dropped or redirected) pays once, a new move of a teacher who did not move pays once."""
    for teacher_id, indices in builder.by_teacher.items():
        move = previous.move_of(teacher_id)
        if move is None:
            builder.add_cost(weight, builder.total(indices))
            continue
        kept = [
            i
            for i in indices
            if (builder.candidates[i].to_school, builder.candidates[i].post) == (move.to_school, move.subject)
        ]
        builder.add_cost(weight, 1 - builder.total(kept))
    for move in previous.moves:
        if move.teacher_id not in builder.by_teacher:
            builder.add_cost(weight, 1)
    builder.model.Minimize(builder.cost())


def add_hint(builder: ModelBuilder, hint: Plan) -> None:
    for candidate, variable in zip(builder.candidates, builder.x, strict=True):
        move = hint.move_of(candidate.teacher_id)
        chosen = move is not None and (move.to_school, move.subject) == (candidate.to_school, candidate.post)
        builder.model.AddHint(variable, chosen)


def plan_from(builder: ModelBuilder, value: Callable[[cp_model.IntVar], bool]) -> Plan:
    """The moves whose variable `value` says is chosen (a solver's or a callback's values)."""
    term_years = int(builder.scenario.policy.rule("term")["term_years"])
    return Plan(
        tuple(
            Move(
                teacher_id=candidate.teacher_id,
                from_school=candidate.from_school,
                to_school=candidate.to_school,
                subject=candidate.post,
                term_years=term_years,
            )
            for candidate, variable in zip(builder.candidates, builder.x, strict=True)
            if value(variable)
        )
    )


class HardInstanceOracle:
    """Answers "can these hard rule instances hold together?" on one model built with an
    enforcement literal per hard instance; the objective is dropped, only feasibility matters.

    The literals are fixed through their domains (1: enforced, 0: set aside), not passed as
    assumptions: assumptions block CP-SAT's presolve, and at county size a check then takes tens
    of seconds where a presolved one takes a fraction of a second.
    """

    def __init__(self, scenario: Scenario, options: SolveOptions) -> None:
        self.options = options
        self.builder = build_model(scenario, track_instances=True)
        self.builder.model.ClearObjective()
        for teacher_id in sorted(options.force_moves):
            self.builder.model.Add(self.builder.moved(teacher_id) >= 1)
        self.labels = list(self.builder.assumptions)

    def _fix(self, enforced: set[str], free: set[str]) -> None:
        variables = self.builder.model.Proto().variables
        for label, literal in self.builder.assumptions.items():
            domain = variables[literal.Index()].domain
            domain[0] = 1 if label in enforced else 0
            domain[1] = 0 if label not in enforced and label not in free else 1

    def check(self, labels: list[str] | set[str], time_limit: float) -> bool | None:
        """Whether the instances in `labels` (all others set aside) can hold together; None when
        the time ran out first."""
        self._fix(set(labels), set())
        status = solver_for(self.options, time_limit).Solve(self.builder.model)
        if status == cp_model.INFEASIBLE:
            return False
        return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def fewest_dropped(self, enforced: set[str], candidates: set[str], time_limit: float) -> set[str] | None:
        """Instances of `candidates` that a solution with `enforced` held must drop, as few as
        the search finds in the time given (all others set aside). Empty when all can hold;
        raises Infeasible when `enforced` alone cannot hold; None when no solution was found."""
        self._fix(enforced, candidates - enforced)
        model = self.builder.model
        literals = [self.builder.assumptions[label] for label in sorted(candidates - enforced)]
        model.Maximize(sum(literals, start=0))
        try:
            solver = solver_for(self.options, time_limit)
            status = solver.Solve(model)
        finally:
            model.ClearObjective()
        if status == cp_model.INFEASIBLE:
            raise Infeasible
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {
            label
            for label in candidates - enforced
            if not solver.BooleanValue(self.builder.assumptions[label])
        }


class Infeasible(Exception):
    """The enforced instances cannot hold together."""
