"""One plan job per worker process: solve it, report its progress, store its plan or its error.

The API process only stores jobs and reads them back; solving here keeps CP-SAT and the
model building (pure Python, holding the GIL) away from the event loop, so status polls stay fast.
A worker writes its job row in short transactions and only while it still owns the run: every
write is conditioned on the job's `attempts` (the run number), so a run left over from a dead
server can never overwrite the run that replaced it.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import case, update

from api.db import Database, PlanJob, ScenarioRow, now, result_values
from api.documents import decisions, error_text, gap, job_scenario, plan_of, result_document
from api.errors import ApiError, invalid_input
from api.logs import configure_logging
from optimizer.errors import ScenarioError
from optimizer.options import EngineSettings, Listeners, ModelEdits
from optimizer.plan import Plan
from optimizer.process_exit import exit_process
from optimizer.regional import solve_scenario
from optimizer.solve import solve

log = logging.getLogger("rotation.worker")

NICENESS = 19
"""Solves are batch work: at the lowest priority they leave the API process the CPU it needs to
answer at once. Linux weighs a thread at niceness 10 at 110 against the server's 1,024, so 8 CP-SAT
threads on a core left the server about half of it (p99 status poll 241 ms); at 19 each weighs 15."""
FLUSH_SECONDS = 0.5
"""How often a running job's progress and best plan reach the database."""
OWNED = ("running", "cancelling")
"""The statuses in which a worker still owns its job row."""


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
        best = {**decisions(plan), "objective": objective, "bound": bound}
        with self.lock:
            self.best = best
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


def run_job(
    database_url: str, job_id: str, attempt: int, cpsat_workers: int, cluster: str | None = None
) -> None:
    """A worker process's entry point: solve the job's run number `attempt` and store its plan
    document (status done, or cancelled when a cancel came in meanwhile), or fail it with the
    reason; nothing when the job has moved on to another run meanwhile. With a Dask
    `cluster`, a scenario of independent regions is solved region by region there (no live
    objective then: progress comes when every region is done)."""
    with job_run(database_url, job_id, attempt, ("求解", "the solve"), "solve_failed") as database:
        with database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.status not in OWNED or job.attempts != attempt:
                return
            request, best = dict(job.request), job.best
            document = session.get_one(ScenarioRow, job.scenario_id).document
            previous_id = request.get("previous_plan_id")
            previous = session.get(PlanJob, previous_id) if previous_id else None
            previous_result = previous.result if previous is not None else None
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
            hint=plan_of(best) if best else None,
            previous_plan=plan_of(previous_result) if previous_result else None,
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
                    **result_values(finished),
                    progress=progress,
                    finished_at=now(),
                )
            )
        log.info("job %s: %s, objective %s", job_id, result.summary.status, result.summary.objective)


@contextmanager
def job_run(
    database_url: str, job_id: str, attempt: int, what: tuple[str, str], code: str
) -> Iterator[Database]:
    """A worker process's run of a job (`what` names it in zh and en, e.g. 求解 / the solve):
    batch priority, gone with the server, and any failure stored as the job's error (an input
    error as such; anything else logged and told as `code`, status 500). The process then leaves
    rather than wait for a HiGHS run past its deadline."""
    configure_logging()
    lower_priority()
    exit_with_parent()
    database = Database(database_url)
    try:
        yield database
    except ScenarioError as error:
        _fail(database, job_id, attempt, invalid_input(error))
    except Exception as error:
        log.exception("job %s failed", job_id)
        name = type(error).__name__
        zh, en = f"{what[0]}失败({name});已记录", f"{what[1]} failed ({name}); the event is logged"
        _fail(database, job_id, attempt, ApiError(500, code, zh, en))
    finally:
        database.engine.dispose()
    exit_process(0)


def _fail(database: Database, job_id: str, attempt: int, error: ApiError) -> None:
    """The run's job failed with `error`, if the run still owns it."""
    with database.session() as session:
        session.execute(
            owned_by(job_id, attempt).values(status="failed", error=error_text(error), finished_at=now())
        )


def lower_priority() -> None:
    """Run this process at NICENESS where the system has niceness (Windows has no os.nice: there
    the process keeps its priority rather than failing every solve)."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)


def pool_process_started() -> None:
    """The initializer of the runner's explanation / recommendation pool processes: batch
    priority, and gone with the server."""
    lower_priority()
    exit_with_parent()


def exit_with_parent() -> None:
    """A server killed with -9 cannot stop its processes; each of them stops itself when its
    parent goes. A thread waits on the parent's sentinel (the pipe "spawn" leaves to the parent:
    it closes when the parent dies, whatever killed it; a handle on Windows), which works on every
    platform, unlike Linux's PR_SET_PDEATHSIG. With its last child gone the multiprocessing
    resource tracker sees its pipe close and exits too. (A restarted server re-queues the job,
    and this run's writes would be fenced off anyway.)"""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="rotation-parent-watch", daemon=True).start()
