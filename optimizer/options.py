"""Solve settings shared by the solver adapter and the explanations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from optimizer.plan import Plan

Progress = Callable[[float, float | None, float | None], None]
"""progress(elapsed seconds, best objective or None, best bound or None)."""
SolutionListener = Callable[[Plan, float, float], None]
"""on_solution(plan so far, its objective, the bound): for services that keep the best plan."""


@dataclass(frozen=True)
class SolveOptions:
    """time_limit in seconds; workers = CP-SAT search workers. The default 8 runs CP-SAT's full
    portfolio (LP-based workers included) even on 2 cores: with 2 workers the bound of the
    demo county stalled far from the optimum that 8 workers prove in about 10 s.
    seed fixes the search; hint is a plan to start from (AddHint); progress is called on every
    new solution and bound improvement. conflict_time_limit bounds the search for conflict sets
    and relaxations when the hard rules collide; max_conflicts is how many disjoint conflict sets
    to look for."""

    time_limit: float = 60.0
    workers: int = 8
    engine: str = "auto"
    """`auto`: HiGHS solves the same model as a MIP for part of the time (LP bound, then MIPs
    restricted by reduced costs), proving the optimum or handing CP-SAT a plan and a bound to
    finish from; `cp-sat`: CP-SAT alone."""
    seed: int = 0
    hint: Plan | None = None
    progress: Progress | None = None
    on_solution: SolutionListener | None = None
    conflict_time_limit: float = 30.0
    max_conflicts: int = 3
    force_moves: frozenset[str] = frozenset()
    """What-if for why-not explanations: these teachers must move (anywhere they may go)."""
    previous_plan: Plan | None = None
    """Re-planning: the plan to stay close to; it is also the search's starting point."""
    change_weight: float = 50.0
    """Cost of each move that differs from `previous_plan` (added, dropped or redirected); the
    objective then includes these costs, the checker's rule costs do not."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; expected one of {', '.join(ENGINES)}")


ENGINES = ("auto", "cp-sat")
