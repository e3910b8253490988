"""The oracle that answers whether a set of hard rule instances can hold together, on one model
whose hard instances each have an enforcement literal."""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.engines.cpsat import solver_for
from optimizer.model.assembly import build_model
from optimizer.options import EngineSettings, ModelEdits
from optimizer.rules import all_rules, gate_rules
from optimizer.scenario import Scenario


class HardInstanceOracle:
    """Answers "can these hard rule instances hold together?" on one model built with an
    enforcement literal per hard instance; the objective is dropped, only feasibility matters.
    `forced` teachers must move (a why-not what-if), as in the solve being diagnosed.

    The literals are fixed through their domains (1: enforced, 0: set aside), not passed as
    assumptions: assumptions block CP-SAT's presolve, and at county size a check then takes tens
    of seconds where a presolved one takes a fraction of a second.
    """

    def __init__(
        self, scenario: Scenario, settings: EngineSettings, forced: frozenset[str] = frozenset()
    ) -> None:
        self.settings = settings
        edits = ModelEdits(force_moves=forced)
        self.builder = build_model(scenario, all_rules(), gate_rules(), edits, track_instances=True)
        self.builder.model.clear_objective()
        self.labels = list(self.builder.assumptions)

    def _fix(self, enforced: set[str], free: set[str]) -> None:
        variables = self.builder.model.proto.variables
        for label, literal in self.builder.assumptions.items():
            domain = variables[literal.Index()].domain
            domain[0] = 1 if label in enforced else 0
            domain[1] = 0 if label not in enforced and label not in free else 1

    def check(self, labels: list[str] | set[str], time_limit: float) -> bool | None:
        """Whether the instances in `labels` (all others set aside) can hold together; None when
        the time ran out first."""
        self._fix(set(labels), set())
        status = solver_for(self.settings, time_limit).Solve(self.builder.model)
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
        model.maximize(sum(literals, start=0))
        try:
            solver = solver_for(self.settings, time_limit)
            status = solver.Solve(model)
        finally:
            model.clear_objective()
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
