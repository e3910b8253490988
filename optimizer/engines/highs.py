"""The built CP-SAT model read as a MIP and solved by HiGHS in stages (LP relaxation, then MIPs
restricted by the LP's reduced costs): a plan within a few hundredths of a percent of the LP
bound in seconds at county size, often proven optimal, and otherwise a warm start for CP-SAT.

Nothing here knows a rule: the translation reads the built model (variables with their domains,
linear constraints, at-most-one groups, the objective), so every rule stays in its own module.
When the model holds something a MIP cannot state exactly (enforcement literals, domains with
holes, products of variables), `translate` returns None and the solve goes on with CP-SAT alone.

HiGHS is called through highspy rather than OR-Tools' pywraplp: pywraplp's HiGHS interface
returns no solution when the time limit ends the search, which is exactly when a warm start is
needed.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from optimizer.engines import sifting
from optimizer.engines.mip_model import MipModel
from optimizer.options import relative_gap
from optimizer.process_exit import HIGHS_THREAD

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class MipRun:
    """One HiGHS run on the translated model: status optimal / feasible / infeasible /
    no_solution / unsupported. `values` holds one value per CP-SAT variable (index order) when
    HiGHS found a solution; objective and bound are in the CP-SAT model's integer units."""

    status: str
    values: tuple[int, ...] | None
    objective: float | None
    bound: float | None
    seconds: float


def translate(model: cp_model.CpModel) -> MipModel | None:
    """The model as a MIP (rows gathered in bulk), or None when it holds a constraint a
    MIP cannot state as is."""
    proto = _protobuf(model)
    lower, upper = [], []
    for variable in proto.variables:
        domain = variable.domain
        if len(domain) != 2:
            return None
        lower.append(domain[0])
        upper.append(domain[1])
    row_lower: list[float] = []
    row_upper: list[float] = []
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
    for constraint in proto.constraints:
        if len(constraint.enforcement_literal):
            return None
        kind = constraint.WhichOneof("constraint")
        if kind == "linear":
            linear = constraint.linear
            refs, domain = linear.vars, linear.domain
            if len(domain) != 2 or (len(refs) and min(refs) < 0):
                return None
            row_lower.append(-highspy.kHighsInf if domain[0] <= INT64_MIN else domain[0])
            row_upper.append(highspy.kHighsInf if domain[1] >= INT64_MAX else domain[1])
            index.extend(refs)
            value.extend(linear.coeffs)
        elif kind in ("at_most_one", "exactly_one"):
            exact = kind == "exactly_one"
            literals = list(constraint.exactly_one.literals if exact else constraint.at_most_one.literals)
            # A negated literal ¬x is 1 − x: its constant moves to the right-hand side.
            high = 1.0 - sum(1 for ref in literals if ref < 0)
            row_lower.append(high if exact else -highspy.kHighsInf)
            row_upper.append(high)
            index.extend(ref if ref >= 0 else -ref - 1 for ref in literals)
            value.extend(1.0 if ref >= 0 else -1.0 for ref in literals)
        else:
            return None
        starts.append(len(index))
    objective = proto.objective
    refs = np.array(objective.vars, dtype=np.int64)
    if (len(refs) and refs.min() < 0) or objective.scaling_factor not in (0.0, 1.0):
        return None
    cost = np.zeros(len(lower))
    np.add.at(cost, refs, np.array(objective.coeffs, dtype=float))

    return MipModel(
        cost=cost,
        lower=np.array(lower, dtype=float),
        upper=np.array(upper, dtype=float),
        row_lower=np.array(row_lower, dtype=float),
        row_upper=np.array(row_upper, dtype=float),
        starts=np.array(starts, dtype=np.int32),
        index=np.array(index, dtype=np.int32),
        value=np.array(value, dtype=float),
        offset=float(objective.offset),
    )


def _protobuf(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a Python protocol buffer. OR-Tools' own proto object answers each field
    read through a C++ binding (seconds for a 10,000-teacher model); its binary form, written by
    OR-Tools and read back by protobuf, costs a few hundredths of that."""
    with tempfile.TemporaryDirectory(prefix="rotation-model-") as folder:
        path = os.path.join(folder, "model.pb")
        if not model.export_to_file(path):
            raise OSError(f"OR-Tools could not write the model to {path}")
        with open(path, "rb") as binary:
            return cp_model_pb2.CpModelProto.FromString(binary.read())


def _new_highs() -> highspy.Highs:
    """A quiet HiGHS instance. The first one in a process prints a banner on standard output
    before any option can silence it, which would end up in the CLI's output and in piped
    plan files: standard output is pointed at /dev/null while it is made."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


Improved = Callable[[tuple[int, ...], float, float | None], None]
"""on_improved(values, objective, bound) for each better solution HiGHS finds (its thread)."""


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation's optimum: a lower bound, and per column its value and reduced cost."""

    bound: float
    values: np.ndarray
    reduced_costs: np.ndarray


class StagedSearch:
    """HiGHS on the translated model in stages, in its own thread, best solution and bound kept
    thread-safe for the caller.

    1. The LP relaxation: a lower bound (at 5,000 teachers within 0.25 % of the optimum) and
       each column's reduced cost; by sifting on a large model (`sifting`).
    2. The LP rounded: the MIP with the columns the LP sets to a whole 0 or 1 held there (`_rounded`),
       a first plan within a few tenths of a percent in seconds.
    3. The MIP restricted to the LP's support (columns used by the LP or with zero reduced cost,
       about 2 % of them): a first plan in seconds, where the full MIP's own heuristics took tens.
    4. The MIP restricted to the columns whose reduced cost is at most the gap left after stage 3,
       started from that plan. A column left out has a reduced cost above the gap, so any solution
       using it costs more than the plan in hand (LP duality): stage 4's optimum is the model's
       optimum, proven, and its bound is a bound of the whole model.
    When the LP cannot be solved in time, or the restricted MIP has no solution, the full MIP
    runs instead.

    A restricted stage's own dual bound holds only for its columns; solutions using a left-out
    column cost at least the LP bound plus that column's reduced cost, so the model's bound is
    the smaller of the two (`cap`).
    """

    def __init__(
        self,
        mip: MipModel,
        *,
        seed: int,
        started: float,
        time_limit: float,
        patience: float,
        on_improved: Improved | None,
        free_columns: Sequence[int] = (),
        gap_limit: float = 0.0,
    ) -> None:
        self.mip = mip
        self.gap_limit = gap_limit
        self.kept_free = np.zeros(len(mip.lower), dtype=bool)
        self.kept_free[list(free_columns)] = True
        self.started = started
        self.time_limit = time_limit
        self.patience = patience
        self.lock = threading.Lock()
        self.values: tuple[int, ...] | None = None
        self.objective: float | None = None
        self.bound: float | None = None
        self.status = "no_solution"
        self.cap = np.inf
        self.free = np.arange(len(mip.lower))
        self.fixed_at = mip.lower
        """The values of the columns the running stage holds fixed."""
        self.on_improved = on_improved
        self.highs = _new_highs()
        self.highs.setOptionValue("threads", 1)
        self.highs.setOptionValue("random_seed", seed)
        # The objective is integral (whole cost units): a gap below one unit proves optimality.
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.999)
        # HiGHS's presolve stays off: on the whole model it took 7-11 s at 5,000 teachers for a
        # 15 % reduction (the LP without it takes about a second), and on one restricted model
        # of a 4,000-teacher county it never came back (minutes, deaf to the time limit). The
        # restricted models are made small by `MipModel.without` instead.
        self.highs.setOptionValue("presolve", "off")
        self.highs.cbMipImprovingSolution += self._improved
        self.highs.cbSimplexInterrupt += self._check_deadline
        self.highs.cbMipInterrupt += self._check_deadline
        self.highs.cbIpmInterrupt += self._check_deadline

    def deadline(self) -> float:
        return self.started + (self.time_limit if self.values is not None else self.patience)

    def stop_reporting(self) -> None:
        """What a run lingering past its deadline finds later is no longer reported."""
        with self.lock:
            self.on_improved = None

    def run(self) -> None:
        relaxation = self._relax()
        if relaxation is None:
            if self.status != "infeasible":
                self._solve_mip(np.zeros(len(self.mip.lower), dtype=bool))
            return
        self._note_bound(relaxation.bound)
        self._rounded(relaxation)
        if not self.close_enough():
            self._restricted(relaxation, SUPPORT_TOLERANCE)
        if self.close_enough():
            return
        if self.objective is None:
            self.cap = np.inf
            self._solve_mip(np.zeros(len(self.mip.lower), dtype=bool))
            return
        margin = 1.0 + RELATIVE_TOLERANCE * (1.0 + abs(relaxation.bound))
        self._restricted(relaxation, self.objective - relaxation.bound + margin)

    def _relax(self) -> Relaxation | None:
        """The LP relaxation solved (by sifting on a large model, see `sifting`); None when it is
        infeasible (status set) or ran out of time."""
        if len(self.mip.lower) >= SIFTING_FROM:
            seed = sifting.seed_columns(self.mip, self.kept_free)
            optimum = sifting.sift(self.mip, self.highs, lambda: self._run(None), seed)
            if optimum is not None:
                return Relaxation(optimum.objective, optimum.values, optimum.reduced_costs)
        if not self._run(self.mip.lp(integral=False)):
            return None
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            self.status = "infeasible"
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        solution = self.highs.getSolution()
        return Relaxation(
            self.highs.getInfo().objective_function_value,
            np.array(solution.col_value),
            np.array(solution.col_dual),
        )

    def _rounded(self, relaxation: Relaxation) -> None:
        """A first plan in seconds: the LP's solution with every 0/1 column it sets whole held
        there and only its fractional ones, and the repair columns, left to decide (a small MIP;
        HiGHS's own heuristics on the next stage's model came tens of seconds later, after its
        cut rounds). It holds no bound of the model: the cap is the LP's."""
        binary = (self.mip.lower == 0) & (self.mip.upper == 1) & ~self.kept_free
        ones = binary & (relaxation.values >= 1 - SUPPORT_TOLERANCE)
        zeros = binary & (relaxation.values <= SUPPORT_TOLERANCE)
        lifted = self.mip.lower.copy()
        lifted[ones] = 1.0
        self.cap = relaxation.bound
        fixed = self._fixed_by(relaxation, SUPPORT_TOLERANCE) | ones | zeros
        self._solve_mip(fixed, replace(self.mip, lower=lifted), seconds=ROUNDING_SHARE * self.time_limit)

    def _fixed_by(self, relaxation: Relaxation, threshold: float) -> np.ndarray:
        """The columns at their lower bounds in the LP whose reduced cost exceeds `threshold`."""
        at_lower = relaxation.values <= self.mip.lower + SUPPORT_TOLERANCE
        return at_lower & (relaxation.reduced_costs > threshold) & ~self.kept_free

    def _restricted(self, relaxation: Relaxation, threshold: float) -> None:
        """The MIP with every column at its lower bound whose reduced cost exceeds `threshold`
        fixed there."""
        fixed = self._fixed_by(relaxation, threshold)
        if fixed.any():
            tolerance = RELATIVE_TOLERANCE * (1.0 + abs(relaxation.bound))
            self.cap = relaxation.bound + float(relaxation.reduced_costs[fixed].min()) - tolerance
        else:
            self.cap = np.inf
        self._solve_mip(fixed)

    def _solve_mip(
        self, fixed: np.ndarray, mip: MipModel | None = None, seconds: float | None = None
    ) -> None:
        """The model (or `mip`, the model with some bounds moved) with the `fixed` columns at
        their lower bounds, started from the best solution so far (which the stages keep within
        the columns left free), for at most `seconds` when given."""
        mip = self.mip if mip is None else mip
        self.free, self.fixed_at = np.flatnonzero(~fixed), mip.lower
        start = None
        if self.values is not None:
            start = highspy.HighsSolution()
            start.col_value = list(np.asarray(self.values, dtype=float)[self.free])
        if not self._run(mip.without(fixed).lp(), start, seconds):
            return
        status = self.highs.getModelStatus()
        info = self.highs.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            if np.isfinite(self.cap):
                self._note_bound(self.cap)  # every solution uses a left-out column
            elif self.values is None:
                self.status = "infeasible"
            return
        if status == highspy.HighsModelStatus.kOptimal and info.primal_solution_status == 2:
            self._note_bound(min(info.objective_function_value, self.cap))
        else:
            self._note_bound(min(info.mip_dual_bound, self.cap))
        with self.lock:
            if (
                self.bound is not None
                and self.objective is not None
                and self.objective <= math.ceil(self.bound - 1e-6)
            ):
                self.status = "optimal"

    def _run(
        self,
        model: highspy.HighsLp | None,
        start: highspy.HighsSolution | None = None,
        seconds: float | None = None,
    ) -> bool:
        """One HiGHS run of `model` (None: the model HiGHS holds) within the time left, and at
        most `seconds` when given; False when no time is left."""
        left = self.deadline() - time.monotonic()
        if seconds is not None:
            left = min(left, seconds)
        if left <= 0:
            return False
        self.highs.setOptionValue("time_limit", max(0.1, left))
        if model is not None:
            self.highs.passModel(model)
        if start is not None:
            self.highs.setSolution(start)
        self.highs.run()
        return True

    def _improved(self, event: Any) -> None:
        data = event.data_out
        full = self.fixed_at.copy()
        full[self.free] = data.mip_solution
        values = tuple(round(v) for v in full)
        objective = float(round(data.objective_function_value))
        with self.lock:
            if self.objective is not None and objective >= self.objective:
                return
            self.values, self.objective = values, objective
            if self.status != "optimal":
                self.status = "feasible"
            self._note_bound_locked(min(data.mip_dual_bound, self.cap))
            bound, report = self.bound, self.on_improved
        if report is not None:
            report(values, objective, bound)

    def _check_deadline(self, event: Any) -> None:
        if (
            event.data_out is not None
            and event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt
        ):
            self._note_bound(min(event.data_out.mip_dual_bound, self.cap))
        if time.monotonic() > self.deadline() or self.close_enough():
            event.interrupt()

    def close_enough(self) -> bool:
        """The best solution is proven optimal, or within the gap limit of the model's bound."""
        with self.lock:
            if self.status == "optimal":
                return True
            if not self.gap_limit or self.objective is None or self.bound is None:
                return False
            return relative_gap(self.objective, self.bound) <= self.gap_limit

    def _note_bound(self, bound: float) -> None:
        with self.lock:
            self._note_bound_locked(bound)

    def _note_bound_locked(self, bound: float) -> None:
        if np.isfinite(bound):
            self.bound = bound if self.bound is None else max(self.bound, bound)

    def result(self, seconds: float) -> MipRun:
        with self.lock:
            if self.status == "infeasible":
                return MipRun("infeasible", None, None, None, seconds)
            if self.values is None:
                return MipRun("no_solution", None, None, self.bound, seconds)
            return MipRun(self.status, self.values, self.objective, self.bound, seconds)


ROUNDING_SHARE = 0.25
"""Share of the time limit the LP's rounding may take (it usually proves its small MIP in
seconds)."""

SIFTING_FROM = 20_000
"""Columns from which the LP relaxation is solved by sifting (about a 1,500-teacher county):
below, dual simplex over the whole model takes a fraction of a second."""

SUPPORT_TOLERANCE = 1e-6
"""A column whose LP value or reduced cost is within this of zero is in the LP's support."""

RELATIVE_TOLERANCE = 1e-6
"""Slack, relative to the LP bound, for the LP's reduced costs and objective when they bound a
left-out column (HiGHS's own feasibility tolerances are 1e-7)."""


def solve_mip(
    model: cp_model.CpModel,
    time_limit: float,
    *,
    seed: int = 0,
    gap_limit: float = 0.0,
    patience: float | None = None,
    on_improved: Improved | None = None,
    free_columns: Sequence[int] = (),
) -> MipRun:
    """The staged HiGHS search (`StagedSearch`) on the translated model within `time_limit`
    seconds, one thread, quiet; while it has no solution yet, it may go on up to `patience`
    seconds (a plan late beats no plan).

    HiGHS runs in a thread of its own and the caller gets its best solution and bound at the
    deadline: HiGHS checks its time limit and interrupt callbacks only between some phases (at
    4,000 teachers a round of root cuts ran 30 s past the limit). A run still busy at the
    deadline is told to stop at its next check and is left to finish in the background.

    `free_columns` are never fixed by a restricted stage: the few columns that repair the LP's
    support when it has no integer solution (the LP covers a post with halves of 走教 that the
    MIP must make whole with a hire, or pay as a shortfall)."""
    started = time.monotonic()
    mip = translate(model)
    if mip is None:
        return MipRun("unsupported", None, None, None, time.monotonic() - started)
    search = StagedSearch(
        mip,
        seed=seed,
        gap_limit=gap_limit,
        started=started,
        time_limit=time_limit,
        patience=max(time_limit, patience or time_limit),
        on_improved=on_improved,
        free_columns=free_columns,
    )
    # Not a daemon: a process must not exit while HiGHS's C++ code still runs in the thread
    # (it aborts); it waits until HiGHS, past its deadline, stops at its next check, unless an
    # entry point leaves at once through `optimizer.process_exit.exit_process`.
    runner = threading.Thread(target=search.run, name=HIGHS_THREAD)
    runner.start()
    while runner.is_alive() and time.monotonic() < search.deadline() + FINISH_GRACE:
        runner.join(timeout=0.1)
    search.stop_reporting()
    return search.result(time.monotonic() - started)


FINISH_GRACE = 0.5
"""Seconds past the deadline to wait for HiGHS to notice it and return."""
