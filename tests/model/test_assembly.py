"""Assembly's model edits and reading a plan back: a forced move is in every plan, change costs
count the moves that differ from the previous plan, the hint reaches the solver, and the plan read
from a solution is the candidates it chose."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from optimizer.model.assembly import build_model, plan_from
from optimizer.model.builder import COST_SCALE, ModelBuilder
from optimizer.options import ModelEdits
from optimizer.plan import Move, Plan
from optimizer.rules import all_rules, gate_rules
from optimizer.scenario import Scenario
from tests import tiny
from tests.model.counties import county as shared_county


def county() -> Scenario:
    """The shared county with subject_fit elastic, so each sending teacher has a candidate at
    both rural schools; M2 has been at U1 two years only: no candidate at all."""
    return shared_county(overrides=("subject_fit.mode=elastic",))


def plan(*moves: tuple[str, str, str]) -> Plan:
    return Plan(tuple(Move(teacher, "U1", school, post, 3) for teacher, school, post in moves))


def cost_of(builder: ModelBuilder, fixed: Plan) -> float:
    """The model's objective (cost units) with every candidate variable fixed to `fixed`."""
    for candidate, variable in zip(builder.candidates, builder.x, strict=True):
        move = fixed.move_of(candidate.teacher_id)
        chosen = move is not None and (move.to_school, move.subject) == (candidate.to_school, candidate.post)
        builder.model.add(variable == int(chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(builder.model) == cp_model.OPTIMAL
    return solver.ObjectiveValue() / COST_SCALE


PREVIOUS = plan(("M1", "R1", "math"), ("C1", "R2", "chinese"), ("M2", "R1", "math"))


@pytest.mark.parametrize(
    ("candidate_plan", "changed"),
    [
        (plan(("M1", "R1", "math"), ("C1", "R2", "chinese")), 0),
        (plan(("M1", "R1", "math")), 1),  # C1's move dropped
        (plan(("M1", "R2", "chinese"), ("C1", "R2", "chinese")), 1),  # M1 redirected
        (plan(("M1", "R1", "math"), ("C1", "R2", "chinese"), ("A1", "R1", "math")), 1),  # A1 added
        (plan(), 2),
        (plan(("M1", "R2", "chinese"), ("A1", "R1", "math")), 3),
    ],
)
def test_change_costs_count_each_teacher_whose_move_differs(candidate_plan: Plan, changed: int) -> None:
    """With no rule in the model the objective is the change costs alone. M2's previous move has
    no candidate now: it cannot be kept, and costs its weight in every plan."""
    edits = ModelEdits(previous_plan=PREVIOUS, change_weight=7)
    builder = build_model(county(), (), gate_rules(), edits)
    assert cost_of(builder, candidate_plan) == 7 * (changed + 1)


def stays_possible(builder: ModelBuilder, teacher_id: str) -> bool:
    """Whether the model has a solution in which the teacher stays home."""
    builder.model.add(builder.moved(teacher_id) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.Solve(builder.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_a_forced_move_is_in_every_plan() -> None:
    sc = tiny.two_school_county(rural_need=1)
    assert stays_possible(build_model(sc, all_rules(), gate_rules()), "T05")
    forced = build_model(sc, all_rules(), gate_rules(), ModelEdits(force_moves=frozenset({"T05"})))
    assert not stays_possible(forced, "T05")


def hinted(builder: ModelBuilder) -> dict[tuple[str, str, str], int]:
    """The solver's hint, by candidate (teacher, destination, post)."""
    hint = builder.model.proto.solution_hint
    by_index = dict(zip(hint.vars, hint.values, strict=True))
    return {
        (c.teacher_id, c.to_school, c.post): by_index[x.Index()]
        for c, x in zip(builder.candidates, builder.x, strict=True)
    }


def test_the_hint_is_given_to_the_solver_and_the_previous_plan_stands_in_for_it() -> None:
    start = plan(("C1", "R1", "math"))
    given = hinted(build_model(county(), all_rules(), gate_rules(), ModelEdits(hint=start)))
    assert given == {triple: int(triple == ("C1", "R1", "math")) for triple in given}
    previous = hinted(build_model(county(), all_rules(), gate_rules(), ModelEdits(previous_plan=PREVIOUS)))
    assert {triple for triple, value in previous.items() if value} == {
        ("M1", "R1", "math"),
        ("C1", "R2", "chinese"),
    }
    both = ModelEdits(hint=start, previous_plan=PREVIOUS)
    assert hinted(build_model(county(), all_rules(), gate_rules(), both)) == given
    assert not build_model(county(), all_rules(), gate_rules()).model.proto.solution_hint.vars


def test_the_plan_read_back_is_the_chosen_candidates_with_their_term() -> None:
    builder = build_model(county(), all_rules(), gate_rules())
    chosen = {
        builder.x[c.index].Index() for c in builder.candidates if c.teacher_id == "A1" and c.to_school == "R1"
    }
    read = plan_from(builder, lambda variable: variable.Index() in chosen)
    assert read == plan(("A1", "R1", "math"))
