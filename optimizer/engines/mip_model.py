"""The built model as a MIP in arrays (rows in compressed form): what the HiGHS stages and
sifting hand to HiGHS, each making its own model from it."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

FEASIBILITY_TOLERANCE = 1e-7
"""A row left without columns is dropped when its bounds hold within this (HiGHS's own)."""


@dataclass(frozen=True)
class MipModel:
    """The translated model as arrays (rows in compressed form), from which each stage of the
    search makes its own HiGHS model."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray
    offset: float

    def without(self, fixed: np.ndarray, *, drop_empty_rows: bool = True) -> MipModel:
        """The model with the `fixed` columns held at their lower bounds and taken out (their
        share moved into the row bounds and the offset), and the rows left with no column and
        satisfied dropped, so that HiGHS sees a small model without its own presolve (which never
        came back on one such model). In a restricted stage most rows are left empty: each LP of
        HiGHS's cut rounds would carry them. Sifting keeps every row (`drop_empty_rows` False):
        the columns it adds later fill them."""
        rows = np.repeat(np.arange(len(self.row_lower)), np.diff(self.starts))
        out = fixed[self.index]
        shift = np.bincount(
            rows[out], weights=self.value[out] * self.lower[self.index[out]], minlength=len(self.row_lower)
        )
        row_lower, row_upper = self.row_lower - shift, self.row_upper - shift
        remaining = np.bincount(rows[~out], minlength=len(self.row_lower))
        kept = (remaining > 0) | (row_lower > FEASIBILITY_TOLERANCE) | (row_upper < -FEASIBILITY_TOLERANCE)
        kept |= not drop_empty_rows
        renumbered = np.cumsum(~fixed) - 1
        inside = ~out & kept[rows]
        return MipModel(
            cost=self.cost[~fixed],
            lower=self.lower[~fixed],
            upper=self.upper[~fixed],
            row_lower=row_lower[kept],
            row_upper=row_upper[kept],
            starts=np.concatenate(([0], np.cumsum(remaining[kept]))).astype(np.int32),
            index=renumbered[self.index[inside]].astype(np.int32),
            value=self.value[inside],
            offset=self.offset + float(self.cost[fixed] @ self.lower[fixed]),
        )

    def lp(self, *, integral: bool = True) -> highspy.HighsLp:
        """A HiGHS model: the MIP, or its LP relaxation."""
        columns, rows = len(self.lower), len(self.row_lower)
        lp = highspy.HighsLp()
        lp.num_col_ = columns
        lp.num_row_ = rows
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.lower
        lp.col_upper_ = self.upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.offset_ = self.offset
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = columns
        lp.a_matrix_.num_row_ = rows
        lp.a_matrix_.start_ = self.starts
        lp.a_matrix_.index_ = self.index
        lp.a_matrix_.value_ = self.value
        if integral:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * columns
        return lp
