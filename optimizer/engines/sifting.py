"""The LP relaxation of a large model by sifting: the LP over a tenth of the choice columns, then
every column the LP's duals price below zero added, until none is: the optimum of the whole LP.

A region of 10,000 teachers has some 200,000 candidate moves, of which the LP uses a few
thousand; dual simplex over all of them took 15 s, sifting takes about half (each round adds the
columns that pay and HiGHS goes on from its basis). Rows the starting columns cannot satisfy get
an artificial column at a prohibitive cost, so every round's LP is feasible and its duals price
what is missing; an artificial column still used at the end leaves the question to the full LP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from optimizer.engines.mip_model import MipModel

SEED_STRIDE = 10
"""One choice (binary) column in this many starts in the LP: candidates are numbered teacher by
teacher, so every stride-th one spreads the start over the whole county."""

PRICE_TOLERANCE = 1e-7
"""A column whose reduced cost is below −this would improve the LP: it is added."""

ARTIFICIAL_COST_FACTOR = 1e3
"""An artificial column costs this many times the largest cost of the model, per unit."""


@dataclass(frozen=True)
class LpOptimum:
    """The whole LP's optimum: its objective, and per column of the model its value and reduced
    cost (columns never added are at their lower bounds, their reduced costs priced from the
    duals)."""

    objective: float
    values: np.ndarray
    reduced_costs: np.ndarray


def seed_columns(mip: MipModel, kept: np.ndarray) -> np.ndarray:
    """The columns the first LP has: `kept` ones, every non-binary column, and every
    SEED_STRIDE-th binary one."""
    binary = (mip.lower == 0) & (mip.upper == 1)
    spread = np.arange(len(mip.lower)) % SEED_STRIDE == 0
    return kept | ~binary | spread


def reduced_costs(mip: MipModel, rows: np.ndarray, duals: np.ndarray) -> np.ndarray:
    """c − Aᵀy for every column of the model (`rows`: each nonzero's row)."""
    return mip.cost - np.bincount(mip.index, weights=mip.value * duals[rows], minlength=len(mip.cost))


def sift(mip: MipModel, highs: highspy.Highs, run: Callable[[], bool], seed: np.ndarray) -> LpOptimum | None:
    """The LP relaxation of `mip` solved by sifting from the `seed` columns on `highs`; `run`
    runs HiGHS on the model it holds within the time left (False when none is). None when time
    runs out, a round is not solved to optimality, or an artificial column stays in use."""
    rows = np.repeat(np.arange(len(mip.row_lower)), np.diff(mip.starts))
    by_column = np.argsort(mip.index, kind="stable")
    column_starts = np.concatenate(([0], np.cumsum(np.bincount(mip.index, minlength=len(mip.cost)))))
    inside = seed.copy()
    highs.passModel(mip.without(~inside, drop_empty_rows=False).lp(integral=False))
    artificial = _add_artificials(mip, highs, rows)
    # The model's column behind each of HiGHS's, in HiGHS's order (−1: an artificial one).
    columns = np.concatenate((np.flatnonzero(inside), np.full(artificial, -1)))
    while True:
        if not run() or highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = highs.getSolution()
        priced = reduced_costs(mip, rows, np.asarray(solution.row_dual))
        entering = np.flatnonzero(~inside & (priced < -PRICE_TOLERANCE))
        if not len(entering):
            break
        _add_columns(mip, highs, entering, rows[by_column], by_column, column_starts)
        inside[entering] = True
        columns = np.concatenate((columns, entering))
    found = np.asarray(solution.col_value)
    real = columns >= 0
    if found[~real].max(initial=0.0) > PRICE_TOLERANCE:
        return None
    values = mip.lower.copy()
    values[columns[real]] = found[real]
    return LpOptimum(highs.getInfo().objective_function_value, values, priced)


def _add_artificials(mip: MipModel, highs: highspy.Highs, rows: np.ndarray) -> int:
    """An artificial column, at a prohibitive cost, for each row that every column at its lower
    bound leaves unsatisfied (+1 below its lower bound, −1 above its upper one); how many."""
    activity = np.bincount(rows, weights=mip.value * mip.lower[mip.index], minlength=len(mip.row_lower))
    short = np.flatnonzero(activity < mip.row_lower - PRICE_TOLERANCE)
    over = np.flatnonzero(activity > mip.row_upper + PRICE_TOLERANCE)
    count = len(short) + len(over)
    if count:
        cost = ARTIFICIAL_COST_FACTOR * (1.0 + float(np.abs(mip.cost).max(initial=0.0)))
        highs.addCols(
            count,
            np.full(count, cost),
            np.zeros(count),
            np.full(count, highspy.kHighsInf),
            count,
            np.arange(count, dtype=np.int32),
            np.concatenate((short, over)).astype(np.int32),
            np.concatenate((np.ones(len(short)), -np.ones(len(over)))),
        )
    return count


def _add_columns(
    mip: MipModel,
    highs: highspy.Highs,
    entering: np.ndarray,
    column_rows: np.ndarray,
    by_column: np.ndarray,
    column_starts: np.ndarray,
) -> None:
    """The `entering` columns added to the LP HiGHS holds (it goes on from its basis)."""
    lengths = column_starts[entering + 1] - column_starts[entering]
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    nonzeros = np.repeat(column_starts[entering] - firsts, lengths) + np.arange(int(lengths.sum()))
    highs.addCols(
        len(entering),
        mip.cost[entering],
        mip.lower[entering],
        mip.upper[entering],
        len(nonzeros),
        firsts.astype(np.int32),
        column_rows[nonzeros].astype(np.int32),
        mip.value[by_column[nonzeros]],
    )
