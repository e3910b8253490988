"""The built CP-SAT model read as a MIP and solved by HiGHS: a warm start for CP-SAT and a second,
usually much tighter, lower bound.

Nothing here knows a rule: the translation reads the built model (variables with their domains,
linear constraints, at-most-one groups, the objective), so every rule stays in its own module.
When the model holds something a MIP cannot state exactly (enforcement literals, domains with
holes, products of variables), `translate` returns None and the solve goes on with CP-SAT alone.

HiGHS is called through highspy rather than OR-Tools' pywraplp: pywraplp's HiGHS interface
returns no solution when the time limit ends the search, which is exactly when a warm start is
needed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import highspy
import numpy as np
from ortools.sat.python import cp_model

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


def translate(model: cp_model.CpModel) -> highspy.HighsLp | None:
    """The model as a HiGHS MIP (rows gathered in bulk), or None when it holds a constraint a
    MIP cannot state as is."""
    proto = model.Proto()
    lower, upper = [], []
    for variable in proto.variables:
        domain = list(variable.domain)
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
        if constraint.has_linear():
            linear = constraint.linear
            refs, domain = list(linear.vars), list(linear.domain)
            if len(domain) != 2 or any(ref < 0 for ref in refs):
                return None
            row_lower.append(-highspy.kHighsInf if domain[0] <= INT64_MIN else domain[0])
            row_upper.append(highspy.kHighsInf if domain[1] >= INT64_MAX else domain[1])
            index.extend(refs)
            value.extend(list(linear.coeffs))
        elif constraint.has_at_most_one() or constraint.has_exactly_one():
            exact = constraint.has_exactly_one()
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
    refs = list(objective.vars)
    if any(ref < 0 for ref in refs) or objective.scaling_factor not in (0.0, 1.0):
        return None
    cost = np.zeros(len(lower))
    np.add.at(cost, np.array(refs, dtype=np.int64), np.array(list(objective.coeffs), dtype=float))

    lp = highspy.HighsLp()
    lp.num_col_ = len(lower)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = cost
    lp.col_lower_ = np.array(lower, dtype=float)
    lp.col_upper_ = np.array(upper, dtype=float)
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.offset_ = float(objective.offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = len(lower)
    lp.a_matrix_.num_row_ = len(row_lower)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(lower)
    return lp


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


class _Incumbent:
    """The best solution HiGHS has reported so far, kept from its callbacks (thread-safe)."""

    def __init__(self, on_improved: Improved | None) -> None:
        self.lock = threading.Lock()
        self.values: tuple[int, ...] | None = None
        self.objective: float | None = None
        self.bound: float | None = None
        self.on_improved = on_improved

    def improved(self, event: Any) -> None:
        data = event.data_out
        values = tuple(round(v) for v in data.mip_solution)
        objective = float(round(data.objective_function_value))
        with self.lock:
            self.values, self.objective = values, objective
            self.note_bound(data.mip_dual_bound)
            bound, report = self.bound, self.on_improved
        if report is not None:
            report(values, objective, bound)

    def note_bound(self, bound: float) -> None:
        if np.isfinite(bound):
            self.bound = bound if self.bound is None else max(self.bound, bound)


def solve_mip(
    model: cp_model.CpModel,
    time_limit: float,
    *,
    seed: int = 0,
    patience: float | None = None,
    on_improved: Improved | None = None,
) -> MipRun:
    """HiGHS on the translated model within `time_limit` seconds, one thread, quiet; while it has
    no solution yet, it may go on up to `patience` seconds (a plan late beats no plan).

    HiGHS runs in a thread of its own and the caller gets its best solution and bound at the
    deadline: HiGHS checks its time limit and interrupt callbacks only between some phases (at
    4,000 teachers a round of root cuts ran 30 s past the limit). A run still busy at the
    deadline is told to stop at its next check and is left to finish in the background."""
    started = time.monotonic()
    lp = translate(model)
    if lp is None:
        return MipRun("unsupported", None, None, None, time.monotonic() - started)
    highs = _new_highs()
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", seed)
    patience = max(time_limit, patience or time_limit)
    highs.setOptionValue("time_limit", max(0.1, patience - (time.monotonic() - started)))
    # The objective is integral (whole cost units): a gap below one unit proves optimality.
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.999)
    # The built model is already tight: at 5,000 teachers HiGHS's presolve took 7-11 s for a 15 %
    # reduction, while the root LP without it takes under a second and the first good plan
    # (0.23 % above the LP bound) came at 10 s instead of 25 s.
    highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    incumbent = _Incumbent(on_improved)

    def deadline() -> float:
        return started + (time_limit if incumbent.values is not None else patience)

    def check_deadline(event: Any) -> None:
        if (
            event.data_out is not None
            and event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt
        ):
            with incumbent.lock:
                incumbent.note_bound(event.data_out.mip_dual_bound)
        if time.monotonic() > deadline():
            event.interrupt()

    highs.cbMipImprovingSolution += incumbent.improved
    highs.cbSimplexInterrupt += check_deadline
    highs.cbMipInterrupt += check_deadline
    highs.cbIpmInterrupt += check_deadline
    # Not a daemon: a process must not exit while HiGHS's C++ code still runs in the thread
    # (it aborts); it waits until HiGHS, past its deadline, stops at its next check, unless an
    # entry point leaves at once through `exit_process`.
    runner = threading.Thread(target=highs.run, name=HIGHS_THREAD)
    runner.start()
    while runner.is_alive() and time.monotonic() < deadline() + FINISH_GRACE:
        runner.join(timeout=0.1)
    with incumbent.lock:
        incumbent.on_improved = None  # what a lingering run finds later is no longer reported
    seconds = time.monotonic() - started
    if runner.is_alive():
        with incumbent.lock:
            if incumbent.values is None:
                return MipRun("no_solution", None, None, incumbent.bound, seconds)
            return MipRun("feasible", incumbent.values, incumbent.objective, incumbent.bound, seconds)
    status = highs.getModelStatus()
    info = highs.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return MipRun("infeasible", None, None, None, seconds)
    incumbent.note_bound(info.mip_dual_bound)
    if info.primal_solution_status != 2:  # 2: a feasible solution is held
        return MipRun("no_solution", None, None, incumbent.bound, seconds)
    return MipRun(
        "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible",
        tuple(round(v) for v in highs.getSolution().col_value),
        float(round(info.objective_function_value)),
        incumbent.bound,
        seconds,
    )


HIGHS_THREAD = "rotation-highs"


def exit_process(code: int) -> NoReturn:
    """End the process now, for entry points (the CLI, a job process, a benchmark row) whose work
    is done and written. Some of HiGHS's phases never check for an interrupt (at 10,000 teachers
    one ran minutes past its deadline): a normal exit would wait for that thread, and a daemon
    thread would abort the interpreter at exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    if any(thread.name == HIGHS_THREAD for thread in threading.enumerate()):
        os._exit(code)
    sys.exit(code)


FINISH_GRACE = 0.5
"""Seconds past the deadline to wait for HiGHS to notice it and return."""
