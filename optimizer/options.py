"""What a solve is told, in four small values, each handed to the layer that uses it: the engine
settings and the listeners to the engines, the model edits to assembly, the diagnosis budget to
the conflict and relaxation search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from optimizer.plan import Plan

ENGINES = ("auto", "cp-sat")

Progress = Callable[[float, float | None, float | None], None]
"""progress(elapsed seconds, best objective or None, best bound or None)."""
SolutionListener = Callable[[Plan, float, float], None]
"""on_solution(plan so far, its objective, the bound): for services that keep the best plan."""


def relative_gap(objective: float, bound: float) -> float:
    """How far the objective may be above the optimum, as a share of the objective (of 1 when it
    is smaller): the gap every engine and summary reports."""
    return max(0.0, objective - bound) / max(1.0, abs(objective))


@dataclass(frozen=True)
class EngineSettings:
    """time_limit in seconds, for the whole solve (the model's build counts); workers = CP-SAT
    search workers. The default 8 runs CP-SAT's full
    portfolio (LP-based workers included) even on 2 cores: with 2 workers the bound of the
    demo county stalled far from the optimum that 8 workers prove in about 10 s. seed fixes the
    search."""

    time_limit: float = 60.0
    workers: int = 8
    engine: str = "auto"
    """`auto`: HiGHS solves the same model as a MIP for part of the time (LP bound, then MIPs
    restricted by reduced costs), proving the optimum or handing CP-SAT a plan and a bound to
    finish from; `cp-sat`: CP-SAT alone."""
    seed: int = 0
    gap_limit: float = 0.0
    """Stop once the plan is proven within this share of the optimum (its relative gap to the
    best bound, as `Summary.gap` states it); 0: search until optimal or out of time."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; expected one of {', '.join(ENGINES)}")
        if not 0.0 <= self.gap_limit < 1.0:
            raise ValueError(f"gap_limit {self.gap_limit} is not a share in [0, 1)")

    def close_enough(self, objective: float | None, bound: float | None) -> bool:
        """The objective is proven within `gap_limit` of the optimum by the bound (any units)."""
        if not self.gap_limit or objective is None or bound is None:
            return False
        return relative_gap(objective, bound) <= self.gap_limit


@dataclass(frozen=True)
class Listeners:
    """Called as the engines go: `progress` on every new solution and bound improvement,
    `on_solution` with each better plan."""

    progress: Progress | None = None
    on_solution: SolutionListener | None = None

    @property
    def any(self) -> bool:
        return self.progress is not None or self.on_solution is not None


@dataclass(frozen=True)
class ModelEdits:
    """Changes to the assembled model beyond the rules."""

    hint: Plan | None = None
    """A plan to start the search from."""
    force_moves: frozenset[str] = frozenset()
    """What-if for why-not explanations: these teachers must move (anywhere they may go)."""
    previous_plan: Plan | None = None
    """Re-planning: the plan to stay close to; it is also the search's start when there is no hint."""
    change_weight: float = 50.0
    """Cost of each move that differs from `previous_plan` (added, dropped or redirected); the
    objective then includes these costs, the checker's rule costs do not."""


@dataclass(frozen=True)
class DiagnosisBudget:
    """When the hard rules collide: seconds for the conflict sets, and again for the
    relaxations; how many disjoint conflict sets to look for."""

    time_limit: float = 30.0
    max_conflicts: int = 3
