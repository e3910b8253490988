"""What runs outside the API process: one plan job per worker process, and the short re-solves
behind explanations and recommendations (the runner's process pool).

The API process only stores jobs and reads them back; solving here keeps CP-SAT and the
model building (pure Python, holding the GIL) away from the event loop, so status polls stay fast.
A worker writes its job row in short transactions and only while it still owns the run: every
write is conditioned on the job's `attempts` (the run number), so a run left over from a dead
server can never overwrite the run that replaced it.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import case, update

from api.db import Database, PlanJob, ScenarioRow, now
from optimizer.errors import ScenarioError
from optimizer.explain.school import school_label
from optimizer.explain.teacher import (
    RESOLVED_ALTERNATIVES,
    WhatIf,
    explain_teacher,
    pinned_to,
    solve_what_if,
    without_pin,
)
from optimizer.io import load_document
from optimizer.model.candidates import enumerate_candidates
from optimizer.options import DiagnosisBudget, EngineSettings, Listeners, ModelEdits
from optimizer.plan import Move, Plan, Summary
from optimizer.policy import Policy
from optimizer.process_exit import exit_process
from optimizer.regional import solve_scenario
from optimizer.result import Result
from optimizer.rules import gate_rules
from optimizer.scenario import Scenario
from optimizer.solve import plan_result, solve

log = logging.getLogger("rotation.worker")

NICENESS = 10
"""Solves are batch work: at this lower priority they leave the API process the CPU it needs to
answer at once (with both cores solving, status polls otherwise wait behind 16 CP-SAT threads)."""
FLUSH_SECONDS = 0.5
"""How often a running job's progress and best plan reach the database."""
PROGRESS_KEYS = ("elapsed", "objective", "bound", "gap")
PLAN_KEYS = ("summary", "moves", "report", "conflicts", "relaxations")
OWNED = ("running", "cancelling")
"""The statuses in which a worker still owns its job row."""


# --- the job's scenario and plan documents, shared with api.jobs and the routes -----------------


def with_overrides(policy: Policy, overrides: list[str]) -> Policy:
    """Policy.with_overrides, its problems named after the request field `overrides` (not --set)."""
    try:
        return policy.with_overrides(overrides)
    except ScenarioError as error:
        raise ScenarioError([replace(p, file="overrides") for p in error.problems]) from None


def job_scenario(document: dict[str, Any], request: dict[str, Any]) -> Scenario:
    """The scenario a job solves: the stored document with the request's overrides applied."""
    scenario = load_document(document)
    overrides = list(request.get("overrides") or [])
    if not overrides:
        return scenario
    return replace(scenario, policy=with_overrides(scenario.policy, overrides))


def gap(objective: float | None, bound: float | None) -> float | None:
    """As the solver reports it: (objective − bound) / max(1, |objective|)."""
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(1.0, abs(objective))


def plan_of(moves: list[dict[str, Any]]) -> Plan:
    return Plan(tuple(Move(**move) for move in moves))


def result_document(scenario: Scenario, result: Result) -> dict[str, Any]:
    """SPEC's plan document: the summary (with scenario name and year, as summary.json), the
    moves as plan.csv rows, the rule report, conflicts and relaxations."""
    return {
        "summary": {"scenario": scenario.name, "year": scenario.policy.year, **result.summary.to_dict()},
        "moves": [asdict(move) for move in result.plan.moves],
        "report": [row.to_dict() for row in result.report],
        "conflicts": [conflict.to_dict() for conflict in result.conflicts],
        "relaxations": [relaxation.to_dict() for relaxation in result.relaxations],
    }


def summary_of(document: dict[str, Any]) -> Summary:
    """The Summary value of a stored plan document (its extra scenario and year keys dropped;
    fields added since the plan was stored take their defaults)."""
    stored = document["summary"]
    return Summary(**{f.name: stored[f.name] for f in fields(Summary) if f.name in stored})


# --- one plan job per process -----------------------------------------------------------------


class Reporter:
    """Collects CP-SAT's progress and improving plans (its callbacks must not wait on the
    database) and writes the newest of them to the job row every FLUSH_SECONDS."""

    def __init__(self, database: Database, job_id: str, attempt: int) -> None:
        self.database, self.job_id, self.attempt = database, job_id, attempt
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.objective: float | None = None
        self.bound: float | None = None
        self.best: dict[str, Any] | None = None
        self.found = self.written = 0
        """Plans found, and the number of the one last written."""
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="rotation-progress", daemon=True)
        self.thread.start()

    def progress(self, _elapsed: float, objective: float | None, bound: float | None) -> None:
        with self.lock:
            if objective is not None:
                self.objective = objective
            if bound is not None:
                self.bound = bound

    def on_solution(self, plan: Plan, objective: float, bound: float) -> None:
        moves = [asdict(move) for move in plan.moves]
        with self.lock:
            self.best = {"moves": moves, "objective": objective, "bound": bound}
            self.found += 1

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopping.wait(FLUSH_SECONDS):
            try:
                self._flush()
            except Exception:
                log.exception("job %s: progress not written", self.job_id)

    def _flush(self) -> None:
        with self.lock:
            objective, bound, best, found = self.objective, self.bound, self.best, self.found
        values: dict[str, Any] = {
            "progress": {
                "elapsed": round(time.monotonic() - self.started, 3),
                "objective": objective,
                "bound": bound,
                "gap": gap(objective, bound),
            }
        }
        if found != self.written:
            values["best"] = best
        with self.database.session() as session:
            session.execute(owned_by(self.job_id, self.attempt).values(**values))
        self.written = found


def owned_by(job_id: str, attempt: int) -> Any:
    """An UPDATE of the job row that touches it only while this run still owns it."""
    return update(PlanJob).where(PlanJob.id == job_id, PlanJob.attempts == attempt, PlanJob.status.in_(OWNED))


def run_job(database_url: str, job_id: str, cpsat_workers: int, cluster: str | None = None) -> None:
    """A worker process's entry point: solve the job and store its plan document (status done,
    or cancelled when a cancel came in meanwhile), or fail it with the reason. With a Dask
    `cluster`, a scenario of independent regions is solved region by region there (no live
    objective then: progress comes when every region is done)."""
    from api.main import configure_logging  # the server's JSON log lines; imported here, not at load

    configure_logging()
    lower_priority()
    _exit_with_parent()
    database = Database(database_url)
    attempt = 0
    try:
        with database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.status not in OWNED:
                return
            attempt, request, best = job.attempts, dict(job.request), job.best
            document = session.get(ScenarioRow, job.scenario_id).document
            previous_id = request.get("previous_plan_id")
            previous = session.get(PlanJob, previous_id) if previous_id else None
            previous_moves = previous.result["moves"] if previous is not None and previous.result else None
        scenario = job_scenario(document, request)
        reporter = Reporter(database, job_id, attempt)
        settings = EngineSettings(
            time_limit=float(request["time_limit"]),
            workers=cpsat_workers,
            seed=int(request.get("seed", 0)),
            engine=str(request.get("engine", EngineSettings.engine)),
        )
        edits = ModelEdits(
            # A job resumed after a restart starts from the best plan its last run found.
            hint=plan_of(best["moves"]) if best else None,
            previous_plan=plan_of(previous_moves) if previous_moves is not None else None,
        )
        if request.get("change_weight") is not None:
            edits = replace(edits, change_weight=float(request["change_weight"]))
        listeners = Listeners(progress=reporter.progress, on_solution=reporter.on_solution)
        try:
            result = (
                solve(scenario, settings, edits=edits, listeners=listeners)
                if cluster is None
                else solve_scenario(scenario, settings, edits=edits, listeners=listeners, cluster=cluster)
            )
        finally:
            reporter.close()
        finished = result_document(scenario, result)
        progress = {
            "elapsed": round(time.monotonic() - reporter.started, 3),
            "objective": result.summary.objective,
            "bound": result.summary.bound,
            "gap": result.summary.gap,
        }
        with database.session() as session:
            session.execute(
                owned_by(job_id, attempt).values(
                    status=case((PlanJob.status == "cancelling", "cancelled"), else_="done"),
                    result=finished,
                    progress=progress,
                    finished_at=now(),
                )
            )
        log.info("job %s: %s, objective %s", job_id, result.summary.status, result.summary.objective)
    except ScenarioError as error:
        _fail(
            database,
            job_id,
            attempt,
            "the scenario or its overrides are invalid",
            error.to_dict()["problems"],
        )
    except Exception as error:
        log.exception("job %s failed", job_id)
        _fail(database, job_id, attempt, f"the solve failed ({type(error).__name__}); the event is logged")
    finally:
        database.engine.dispose()
    # The job is stored: leave now rather than wait for a HiGHS run past its deadline.
    exit_process(0)


def error_text(message: str, problems: list[dict[str, Any]] | None = None) -> str:
    """A job's `error` column: JSON with a short message and, for input errors, every problem."""
    return json.dumps({"message": message, "problems": problems or []}, ensure_ascii=False)


def _fail(
    database: Database, job_id: str, attempt: int, message: str, problems: list[dict[str, Any]] | None = None
) -> None:
    with database.session() as session:
        session.execute(
            owned_by(job_id, attempt).values(
                status="failed", error=error_text(message, problems), finished_at=now()
            )
        )


def lower_priority() -> None:
    """Run this process at NICENESS (also the initializer of the runner's pool processes)."""
    os.nice(NICENESS)


def _exit_with_parent() -> None:
    """A server killed with -9 cannot stop its workers; each stops itself when its parent goes
    (the restarted server re-queues the job, and this run's writes would be fenced off anyway)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="rotation-parent-watch", daemon=True).start()


# --- short re-solves for explanations and recommendations (the runner's process pool) ----------


@dataclass(frozen=True)
class SolvedJob:
    """What a re-solve needs of a finished job: its scenario document, request and plan document."""

    document: dict[str, Any]
    request: dict[str, Any]
    result: dict[str, Any]

    def scenario(self) -> Scenario:
        return job_scenario(self.document, self.request)

    def base(self, scenario: Scenario) -> Result:
        """The job's plan as the base of what-ifs (its checker cost is the solver's objective).
        It counts as proven optimal only when the solver proved it so for the same objective,
        which a re-plan's change costs alter."""
        base = plan_result(scenario, plan_of(self.result["moves"]))
        if self.result["summary"]["status"] == "optimal" and not self.request.get("previous_plan_id"):
            return replace(base, summary=replace(base.summary, status="optimal"))
        return base

    def settings(self, time_limit: float, workers: int) -> EngineSettings:
        """Each re-solve within `time_limit` seconds, with the job's seed."""
        return EngineSettings(time_limit=time_limit, workers=workers, seed=int(self.request.get("seed", 0)))


def what_if_diagnosis(time_limit: float) -> DiagnosisBudget:
    """A re-solve's conflict search, when it has no plan: one set, within the re-solve's time."""
    return DiagnosisBudget(time_limit=time_limit, max_conflicts=1)


def explain_teacher_task(job: SolvedJob, teacher_id: str, time_limit: float, workers: int) -> dict[str, Any]:
    """explain_teacher's answer; `time_limit` bounds all its re-solves together."""
    scenario = job.scenario()
    limit = time_limit / RESOLVED_ALTERNATIVES
    settings, diagnosis = job.settings(limit, workers), what_if_diagnosis(limit)
    return explain_teacher(scenario, teacher_id, job.base(scenario), settings, diagnosis).to_dict()


def recommend_task(
    job: SolvedJob, teacher_id: str, k: int, time_limit: float, workers: int
) -> dict[str, Any]:
    """The k destinations for one teacher that change the plan's cost least: each candidate
    school re-solved with the teacher pinned there (explain_teacher's what-ifs), all within
    `time_limit` seconds; the teacher's current destination, if any, ranks at a change of 0."""
    scenario = job.scenario()
    base = job.base(scenario)
    teacher = scenario.teacher_by_id[teacher_id]
    current = base.plan.move_of(teacher_id)
    candidates = enumerate_candidates(without_pin(scenario, teacher_id), gate_rules())
    destinations = sorted({c.to_school for c in candidates if c.teacher_id == teacher_id})
    others = [school_id for school_id in destinations if current is None or school_id != current.to_school]
    limit = time_limit / max(1, len(others))
    settings, diagnosis = job.settings(limit, workers), what_if_diagnosis(limit)
    objective = base.summary.objective
    ranked = []
    for school_id in others:
        pinned = pinned_to(scenario, teacher_id, school_id)
        what_if = solve_what_if(pinned, base, teacher_id, settings, diagnosis)
        ranked.append(_recommendation(scenario, teacher_id, school_id, what_if, objective, current=False))
    if current is not None:
        unchanged = WhatIf(base.summary.status, objective, 0.0, (), current, "", ())
        ranked.append(_recommendation(scenario, teacher_id, current.to_school, unchanged, objective, True))
    ranked.sort(key=lambda r: (r["objective_delta"] is None, r["objective_delta"] or 0.0, not r["current"]))
    return {
        "teacher_id": teacher_id,
        "school_id": scenario.home_school(teacher),
        "current": None if current is None else {"to_school": current.to_school, "post": current.subject},
        "base_status": base.summary.status,
        "base_objective": objective,
        "evaluated": len(others),
        "recommendations": ranked[:k],
    }


def _recommendation(
    scenario: Scenario,
    teacher_id: str,
    school_id: str,
    what_if: WhatIf,
    base_objective: float | None,
    current: bool,
) -> dict[str, Any]:
    teacher = scenario.teacher_by_id[teacher_id]
    return {
        "to_school": school_id,
        "school": school_label(scenario, school_id),
        "commute_km": scenario.commute_km(teacher, school_id),
        "current": current,
        **what_if.to_dict(),
        "text_zh": what_if.text("zh", base_objective),
        "text_en": what_if.text("en", base_objective),
    }
