"""The solver adapter: builds the model from the rules, runs CP-SAT, returns a Result value.

When the hard rules cannot all hold, the model is built again with one assumption literal per
hard rule instance; CP-SAT's core over those literals is shrunk by deletion (each member is
dropped in turn and kept only if the rest becomes feasible) to a conflict set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.model.builder import COST_SCALE, ModelBuilder
from optimizer.model.candidates import enumerate_candidates
from optimizer.plan import Move, Plan, RuleRow, Summary
from optimizer.report import check_plan, summarize, with_reasons
from optimizer.rules import GATES, RULES
from optimizer.rules.base import Instance
from optimizer.scenario import Scenario

Progress = Callable[[float, float | None, float | None], None]
"""progress(elapsed seconds, best objective or None, best bound or None)."""


@dataclass(frozen=True)
class SolveOptions:
    """time_limit in seconds; workers = CP-SAT search workers. The default 8 runs CP-SAT's full
    portfolio (LP-based workers included) even on 2 cores: with 2 workers the bound of the
    demo county stalled far from the optimum that 8 workers prove in under a second.
    seed fixes the search; hint is a plan to start from (AddHint); progress is called on every
    new solution and bound improvement."""

    time_limit: float = 60.0
    workers: int = 8
    seed: int = 0
    hint: Plan | None = None
    progress: Progress | None = None
    conflict_time_limit: float = 30.0


@dataclass(frozen=True)
class Conflict:
    """Hard rule instances that cannot hold together. `minimal` when each member was shown
    necessary (dropping it makes the rest feasible) within the time limit."""

    instances: tuple[Instance, ...]
    minimal: bool
    seconds: float

    def to_dict(self) -> dict:
        return {
            "minimal": self.minimal,
            "seconds": round(self.seconds, 3),
            "members": [
                {
                    "label": i.label,
                    "rule": i.rule,
                    "scope": i.scope,
                    "key": i.key,
                    "target": i.target,
                    "unit": i.unit,
                    "sentence_zh": i.sentence_zh,
                    "sentence_en": i.sentence_en,
                }
                for i in self.instances
            ],
        }


@dataclass(frozen=True)
class Result:
    plan: Plan
    report: tuple[RuleRow, ...]
    summary: Summary
    conflicts: tuple[Conflict, ...] = field(default=())
    shortfalls: dict[str, int] = field(default_factory=dict, compare=False)


def build_model(scenario: Scenario, **builder_options: object) -> ModelBuilder:
    """Candidates, then every rule adds itself, then the objective."""
    builder = ModelBuilder(scenario, enumerate_candidates(scenario, GATES), **builder_options)
    for rule in RULES:
        rule.build(builder)
    builder.finish()
    return builder


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, started: float) -> None:
        super().__init__()
        self.progress = progress
        self.started = started

    def on_solution_callback(self) -> None:
        self.progress(
            time.monotonic() - self.started,
            self.ObjectiveValue() / COST_SCALE,
            self.BestObjectiveBound() / COST_SCALE,
        )


def _solver(options: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    return solver


def solve(scenario: Scenario, options: SolveOptions | None = None) -> Result:
    options = options or SolveOptions()
    started = time.monotonic()
    builder = build_model(scenario)
    if options.hint is not None:
        _add_hint(builder, options.hint)
    build_seconds = time.monotonic() - started
    solver = _solver(options, options.time_limit)
    callback = None
    if options.progress is not None:
        callback = _ProgressCallback(options.progress, started)
        progress = options.progress
        solver.best_bound_callback = lambda bound: progress(
            time.monotonic() - started, None, bound / COST_SCALE
        )
    status = solver.Solve(builder.model, callback)
    solve_seconds = solver.WallTime()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = with_reasons(scenario, _plan_from(builder, solver))
        report = tuple(check_plan(scenario, plan))
        objective = solver.ObjectiveValue() / COST_SCALE
        bound = solver.BestObjectiveBound() / COST_SCALE
        gap = 0.0 if status == cp_model.OPTIMAL else (objective - bound) / max(1.0, abs(objective))
        summary = summarize(
            scenario,
            plan,
            report,
            status="optimal" if status == cp_model.OPTIMAL else "feasible",
            objective=objective,
            bound=bound,
            gap=gap,
            solve_seconds=solve_seconds,
            build_seconds=build_seconds,
            variables=len(builder.x),
        )
        shortfalls = {label: solver.Value(var) for label, var in builder.shortfalls.items()}
        return Result(plan, report, summary, shortfalls=shortfalls)
    empty = Plan(())
    report = tuple(check_plan(scenario, empty))
    conflicts: tuple[Conflict, ...] = ()
    if status == cp_model.INFEASIBLE:
        conflicts = (find_conflict(scenario, options),)
        label = "infeasible"
    else:
        label = "timeout_no_plan"
    summary = summarize(
        scenario,
        empty,
        report,
        status=label,
        objective=None,
        bound=None,
        gap=None,
        solve_seconds=solve_seconds,
        build_seconds=build_seconds,
        variables=len(builder.x),
    )
    return Result(empty, report, summary, conflicts)


def _add_hint(builder: ModelBuilder, hint: Plan) -> None:
    for candidate, variable in zip(builder.candidates, builder.x, strict=True):
        move = hint.move_of(candidate.teacher_id)
        chosen = move is not None and (move.to_school, move.subject) == (candidate.to_school, candidate.post)
        builder.model.AddHint(variable, chosen)


def _plan_from(builder: ModelBuilder, solver: cp_model.CpSolver) -> Plan:
    scenario = builder.scenario
    term_years = int(scenario.policy.rule("term")["term_years"])
    moves = []
    for candidate, variable in zip(builder.candidates, builder.x, strict=True):
        if solver.BooleanValue(variable):
            moves.append(
                Move(
                    teacher_id=candidate.teacher_id,
                    from_school=candidate.from_school,
                    to_school=candidate.to_school,
                    subject=candidate.post,
                    term_years=term_years,
                )
            )
    return Plan(tuple(moves))


class HardInstanceOracle:
    """Answers "can these hard rule instances hold together?" on one model built with an
    assumption literal per hard instance; the objective is dropped, only feasibility matters."""

    def __init__(self, scenario: Scenario, options: SolveOptions) -> None:
        self.options = options
        self.builder = build_model(scenario, track_instances=True)
        self.builder.model.ClearObjective()
        self.labels = list(self.builder.assumptions)
        self._label_of = {literal.Index(): label for label, literal in self.builder.assumptions.items()}

    def check(self, labels: list[str], time_limit: float) -> tuple[bool | None, list[str]]:
        """(feasible?, a core of `labels` when infeasible); None when the time ran out."""
        model = self.builder.model
        model.ClearAssumptions()
        model.AddAssumptions([self.builder.assumptions[label] for label in labels])
        solver = _solver(self.options, time_limit)
        # One worker with full linearization: assumption cores come from a single search, and
        # without presolve's help (assumptions block it) the LP proves counting conflicts at once.
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        status = solver.Solve(model)
        if status == cp_model.INFEASIBLE:
            core = solver.SufficientAssumptionsForInfeasibility()
            return False, [self._label_of[i] for i in core if i in self._label_of]
        return (True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None), []


def find_conflict(scenario: Scenario, options: SolveOptions) -> Conflict:
    """A set of hard instances that cannot hold together, minimal if time allows (deletion:
    drop each member in turn; keep it only if the rest becomes feasible)."""
    started = time.monotonic()
    deadline = started + options.conflict_time_limit
    oracle = HardInstanceOracle(scenario, options)
    answer, members = oracle.check(oracle.labels, deadline - time.monotonic())
    if answer is not False:
        return Conflict((), False, time.monotonic() - started)
    minimal = True
    for label in list(members):
        if label not in members:
            continue
        if time.monotonic() >= deadline:
            minimal = False
            break
        rest = [m for m in members if m != label]
        answer, core = oracle.check(rest, deadline - time.monotonic())
        if answer is False:
            members = [m for m in rest if m in set(core)] if core else rest
        elif answer is None:
            minimal = False
    instances = oracle.builder.instances
    return Conflict(tuple(instances[label] for label in members), minimal, time.monotonic() - started)
