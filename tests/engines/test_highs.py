"""HiGHS on the assembled model: the translated MIP is the same model (same optimum as CP-SAT), a
model it cannot state exactly is not translated, the staged search proves CP-SAT's optimum with
bounds that never exceed it, and sifting reaches the whole LP's optimum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pytest
from ortools.sat.python import cp_model

from optimizer.engines import highs, sifting
from optimizer.engines.highs import solve_mip, translate
from optimizer.io.bundle import load_bundle
from optimizer.model.assembly import build_model
from optimizer.rules import all_rules, gate_rules
from tests import tiny

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo-county"


def test_translated_optimum_equals_the_cp_sat_optimum_on_the_tiny_county() -> None:
    county = tiny.two_school_county(urban_teachers=12, rural_need=3)
    builder = build_model(county, all_rules(), gate_rules())
    mip = solve_mip(builder.model, 10)
    assert mip.status == "optimal" and mip.values is not None
    result = tiny.solve_checked(county)
    assert mip.objective == pytest.approx(result.summary.objective * 100)


def test_products_and_enforcement_literals_are_not_translated() -> None:
    county = tiny.two_school_county(overrides=["degree_balance.mode=hard"])
    assert translate(build_model(county, all_rules(), gate_rules()).model) is None
    assert (
        translate(
            build_model(tiny.two_school_county(), all_rules(), gate_rules(), track_instances=True).model
        )
        is None
    )


def test_staged_search_looks_past_the_lp_support_and_keeps_its_bound_valid() -> None:
    """min 4a + 4b + 7c with 2a + 2b + 3c ≥ 3: the LP takes a and b (cost 6), c's reduced cost
    is 1. Restricted to the LP's support the best plan is a + b (8); the optimum, c alone (7),
    needs the column the first stage left out, and no bound may claim more than 7 before."""
    model = cp_model.CpModel()
    a, b, c = (model.NewBoolVar(name) for name in "abc")
    model.Add(2 * a + 2 * b + 3 * c >= 3)
    model.Minimize(4 * a + 4 * b + 7 * c)
    reported: list[tuple[float, float | None]] = []
    run = solve_mip(model, 10, on_improved=lambda _, objective, bound: reported.append((objective, bound)))
    assert run.status == "optimal" and run.values == (0, 0, 1) and run.objective == 7
    assert reported[-1][0] == 7 and 8 in [objective for objective, _ in reported]
    assert all(bound is None or bound <= 7 for _, bound in reported)


@pytest.mark.parametrize("seed", range(12))
def test_staged_search_proves_cp_sat_optimum_on_random_assignment_models(seed: int) -> None:
    """Random models shaped like ours (one move per teacher at most, elastic covering rows,
    integral costs): whatever the stages fix, the proven optimum is CP-SAT's and no bound
    reported on the way exceeds it."""
    rng = np.random.default_rng(seed)
    model = cp_model.CpModel()
    moves = [[model.NewBoolVar("") for _ in range(5)] for _ in range(10)]
    for options in moves:
        model.AddAtMostOne(options)
    flat = [x for options in moves for x in options]
    cost = [int(c) for c in rng.integers(1, 40, len(flat))]
    terms = [c * x for c, x in zip(cost, flat, strict=True)]
    for _ in range(5):
        row = [x for x in flat if rng.random() < 0.3]
        weights = [int(w) for w in rng.integers(1, 4, len(row))]
        need = int(rng.integers(2, 7))
        shortfall = model.NewIntVar(0, need, "")
        model.Add(sum((w * x for w, x in zip(weights, row, strict=True)), start=0) + shortfall >= need)
        terms.append(int(rng.integers(20, 120)) * shortfall)
    for destination in range(5):
        model.Add(sum((options[destination] for options in moves), start=0) <= 2)
    model.Minimize(sum(terms, start=0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    reported: list[float | None] = []
    run = solve_mip(model, 20, on_improved=lambda _, __, bound: reported.append(bound))
    assert run.status == "optimal" and run.objective == solver.ObjectiveValue()
    assert all(bound is None or bound <= solver.ObjectiveValue() + 1e-6 for bound in reported)


def test_fixed_columns_leave_the_model_with_their_share_of_each_row() -> None:
    """x + 2y + 3z with y held at 1 (its lower bound): the row keeps x and z, its bounds lose 2,
    and the objective's offset gains y's cost."""
    model = cp_model.CpModel()
    x, z = model.NewBoolVar("x"), model.NewBoolVar("z")
    y = model.NewIntVar(1, 3, "y")
    model.Add(x + 2 * y + 3 * z >= 4)
    model.Add(x + z <= 1)
    model.Minimize(5 * x + 7 * y + 11 * z)
    mip = translate(model)
    assert mip is not None
    smaller = mip.without(np.array([False, False, True]))
    assert list(smaller.cost) == [5, 11] and smaller.offset == 7
    assert list(smaller.row_lower[:1]) == [2] and list(smaller.starts) == [0, 2, 4]
    assert list(smaller.index) == [0, 1, 0, 1] and list(smaller.value) == [1, 3, 1, 1]


@pytest.mark.parametrize("seed", range(6))
def test_sifting_and_rounding_stages_prove_the_same_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The random models again, with the LP solved by sifting and rounded first, as on a large
    county: the same proven optimum, no bound above it."""
    monkeypatch.setattr(highs, "SIFTING_FROM", 0)
    test_staged_search_proves_cp_sat_optimum_on_random_assignment_models(seed)


def test_sifting_reaches_the_whole_lps_optimum_on_the_demo_county() -> None:
    """From a tenth of the moves: the whole LP's objective, a solution of every row, and no
    column left out that would improve it (reduced costs priced from the duals)."""
    mip = translate(build_model(load_bundle(DEMO), all_rules(), gate_rules()).model)
    assert mip is not None
    full = _quiet_highs()
    full.passModel(mip.lp(integral=False))
    full.run()
    seed = sifting.seed_columns(mip, np.zeros(len(mip.lower), dtype=bool))
    assert seed.sum() < len(seed) / 2
    sifter = _quiet_highs()
    optimum = sifting.sift(mip, sifter, _runs(sifter), seed)
    assert optimum is not None
    assert optimum.objective == pytest.approx(full.getInfo().objective_function_value, rel=1e-9)
    rows = np.repeat(np.arange(len(mip.row_lower)), np.diff(mip.starts))
    activity = np.bincount(rows, weights=mip.value * optimum.values[mip.index], minlength=len(mip.row_lower))
    assert (activity >= mip.row_lower - 1e-6).all() and (activity <= mip.row_upper + 1e-6).all()
    at_lower = optimum.values <= mip.lower + 1e-9
    assert (optimum.reduced_costs[at_lower] >= -1e-6).all()


def test_sifting_brings_in_what_a_row_needs_and_leaves_an_infeasible_lp_alone() -> None:
    """min x + 2y + 3z with x + y + z ≥ 1, started from no column at all: an artificial column
    keeps the first LP feasible and its duals bring x in (optimum 1). With x + y + z ≥ 4 no
    column can help: the artificial stays in use and sifting answers None."""
    model = cp_model.CpModel()
    x, y, z = (model.NewBoolVar(name) for name in "xyz")
    model.Add(x + y + z >= 1)
    model.Minimize(x + 2 * y + 3 * z)
    mip = translate(model)
    assert mip is not None
    nothing = np.zeros(3, dtype=bool)
    solver = _quiet_highs()
    optimum = sifting.sift(mip, solver, _runs(solver), nothing)
    assert optimum is not None and optimum.objective == pytest.approx(1)
    assert list(optimum.values) == pytest.approx([1, 0, 0])

    impossible = replace(mip, row_lower=np.array([4.0]))
    solver = _quiet_highs()
    assert sifting.sift(impossible, solver, _runs(solver), nothing) is None


def test_rows_left_without_columns_are_dropped_unless_they_fail() -> None:
    """x + y ≤ 1 and y ≥ 1 with y held at 0: the first row keeps x; the second has no column
    left and fails (0 ≥ 1), so it stays for HiGHS to report the model infeasible."""
    model = cp_model.CpModel()
    x, y, w = (model.NewBoolVar(name) for name in "xyw")
    model.Add(x + y <= 1)
    model.Add(y >= 1)
    model.Add(y + w <= 1)
    mip = translate(model)
    assert mip is not None
    smaller = mip.without(np.array([False, True, True]))
    assert list(smaller.row_lower) == [-np.inf, 1] and list(smaller.starts) == [0, 1, 1]
    kept = mip.without(np.array([False, True, True]), drop_empty_rows=False)
    assert len(kept.row_lower) == 3


def _quiet_highs() -> highspy.Highs:
    """As the staged search sets HiGHS: one thread (HiGHS's thread scheduler is one per process,
    sized by the first run in it), no presolve."""
    solver = highs._new_highs()
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("presolve", "off")
    return solver


def _runs(solver: highspy.Highs) -> Callable[[], bool]:
    """A run of the held model with no time limit (sifting's `run`)."""

    def run() -> bool:
        solver.run()
        return True

    return run


def test_the_staged_search_stops_once_within_the_gap_limit() -> None:
    model = build_model(load_bundle(DEMO), all_rules(), gate_rules()).model
    found: list[float] = []
    close = solve_mip(
        model, 30, gap_limit=0.05, on_improved=lambda _values, objective, _bound: found.append(objective)
    )
    assert close.status == "feasible" and len(found) == 1
    assert close.objective is not None and close.bound is not None
    assert (close.objective - close.bound) / close.objective <= 0.05
    proved = solve_mip(model, 30)
    assert proved.status == "optimal" and proved.objective is not None
    assert proved.objective < close.objective
