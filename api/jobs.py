"""Plan jobs: submitting one (validated, with a bounded queue), the document clients read, and the
runner that solves queued jobs in worker processes.

A job's life: queued → running → done | failed, or cancelled (from queued, or through cancelling
when it was running: the best plan found so far is kept). Every state change is a conditional
UPDATE (`WHERE status = ...`), so the routes, the dispatcher thread and the worker processes never
overwrite each other's decision. The database is the queue: a server that dies loses nothing,
and the next one re-queues the jobs it finds running.

One runner per database: a starting runner takes over every job left running.
"""

from __future__ import annotations

import json
import logging
import math
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from typing import Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import Database, PlanJob, ScenarioRow, now
from api.worker import (
    PLAN_KEYS,
    PROGRESS_KEYS,
    error_text,
    gap,
    job_scenario,
    lower_priority,
    plan_of,
    result_document,
    run_job,
    with_overrides,
)
from optimizer.errors import ScenarioError
from optimizer.options import ENGINES, SolveOptions
from optimizer.policy import policy_from_dict
from optimizer.report import check_plan, summarize, with_reasons
from optimizer.solve import Result

log = logging.getLogger("rotation.jobs")

REQUEST_FIELDS = ("overrides", "time_limit", "seed", "engine", "previous_plan_id", "change_weight", "label")
MAX_SEED = 2**31 - 1
MAX_LABEL = 200
MAX_OVERRIDES = 200
PLAN_STATUSES = ("optimal", "feasible")
"""Summary statuses of a plan a re-plan can start from."""
STOP_SECONDS = 5.0
"""How long a terminated worker process gets to exit before it is killed."""
COMPUTE_BACKLOG = 4
"""Explanation / recommendation requests waiting per pool process before new ones get 429."""


# --- submitting ------------------------------------------------------------------------------


def submit_job(
    session: Session, settings: Settings, scenario_row: ScenarioRow, request: dict[str, Any]
) -> PlanJob:
    """Store a queued plan job for a scenario the caller may access (checked by the caller).

    `request` keys, all optional:
    - `overrides`: list of "rule.param=value" (policy.toml's dotted names, as `rotation solve --set`);
    - `time_limit`: seconds, > 0 and at most settings.max_time_limit (default settings.default_time_limit);
    - `seed`: int, 0..2**31-1, fixes the search (default 0);
    - `engine`: `auto` (HiGHS in stages, CP-SAT finishing when HiGHS has not proven the plan) or
      `cp-sat` (CP-SAT alone);
    - `previous_plan_id`: a done job of this scenario or of another in its family (variants share a
      root scenario) to re-plan from: the solve starts from its plan and pays `change_weight` per
      changed move;
    - `change_weight`: float ≥ 0, cost of each changed move (needs previous_plan_id; default the
      library's 50);
    - `label`: free text (≤ 200 characters) shown with the job.
    Raises RequestValidationError (422, every problem) for a bad field, ScenarioError (422) for a bad
    override, HTTPException 429 when settings.queue_limit jobs are already queued.
    """
    normalized = normalized_request(settings, request)
    if normalized["overrides"]:
        with_overrides(policy_from_dict(scenario_row.document.get("policy", {})), normalized["overrides"])
    if normalized["previous_plan_id"] is not None:
        _check_previous(session, scenario_row, normalized["previous_plan_id"])
    queued = session.scalar(select(func.count()).select_from(PlanJob).where(PlanJob.status == "queued")) or 0
    if queued >= settings.queue_limit:
        raise HTTPException(
            status_code=429,
            detail=f"the solve queue is full ({queued} jobs waiting); retry later",
            headers={"Retry-After": "30"},
        )
    job = PlanJob(
        scenario_id=scenario_row.id,
        regions=list(scenario_row.regions),
        status="queued",
        request=normalized,
        progress={},
        attempts=0,
    )
    session.add(job)
    session.flush()
    return job


def normalized_request(settings: Settings, request: dict[str, Any]) -> dict[str, Any]:
    """Every request field with its default, or RequestValidationError listing each bad one."""
    problems: list[tuple[str, str]] = [
        (key, f"unknown field; expected {', '.join(REQUEST_FIELDS)}")
        for key in request
        if key not in REQUEST_FIELDS
    ]
    overrides = request.get("overrides") or []
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        problems.append(("overrides", 'expected a list of "rule.param=value" strings'))
    elif len(overrides) > MAX_OVERRIDES:
        problems.append(("overrides", f"at most {MAX_OVERRIDES} overrides"))
    time_limit = request.get("time_limit")
    if time_limit is None:
        time_limit = min(settings.default_time_limit, settings.max_time_limit)
    elif not _is_number(time_limit) or not 0 < time_limit < math.inf:
        problems.append(("time_limit", "expected a number of seconds > 0"))
    elif time_limit > settings.max_time_limit:
        problems.append(
            ("time_limit", f"{time_limit:g} s is over this server's cap of {settings.max_time_limit:g} s")
        )
    seed = request.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        problems.append(("seed", f"expected a whole number 0..{MAX_SEED}"))
    engine = request.get("engine", SolveOptions.engine)
    if engine not in ENGINES:
        problems.append(("engine", f"expected one of {', '.join(ENGINES)}"))
    previous = request.get("previous_plan_id")
    if previous is not None and not isinstance(previous, str):
        problems.append(("previous_plan_id", "expected a plan id"))
    change_weight = request.get("change_weight")
    if change_weight is not None:
        if not _is_number(change_weight) or not 0 <= change_weight < math.inf:
            problems.append(("change_weight", "expected a number ≥ 0"))
        elif previous is None:
            problems.append(("change_weight", "applies to a re-plan; give previous_plan_id too"))
    label = request.get("label", "")
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        problems.append(("label", f"expected text of at most {MAX_LABEL} characters"))
    if problems:
        raise RequestValidationError(
            [{"loc": ("body", field), "msg": message, "type": "value_error"} for field, message in problems]
        )
    return {
        "overrides": list(overrides),
        "time_limit": float(time_limit),
        "seed": seed,
        "engine": engine,
        "previous_plan_id": previous,
        "change_weight": None if change_weight is None else float(change_weight),
        "label": label,
    }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_previous(session: Session, scenario_row: ScenarioRow, job_id: str) -> None:
    """A re-plan starts from a finished plan of the same scenario family, of no other region."""
    previous = session.get(PlanJob, job_id)
    usable = (
        previous is not None
        and previous.status == "done"
        and previous.result is not None
        and previous.result["summary"]["status"] in PLAN_STATUSES
        and set(previous.regions) <= set(scenario_row.regions)
        and _family(session, previous.scenario_id) == _family(session, scenario_row.id)
    )
    if not usable:
        message = f"no finished plan {job_id} of this scenario or of a variant of the same scenario"
        raise RequestValidationError(
            [{"loc": ("body", "previous_plan_id"), "msg": message, "type": "value_error"}]
        )


def _family(session: Session, scenario_id: str) -> str:
    """The root scenario of the variant chain (parent_id links) a scenario belongs to."""
    seen: set[str] = set()
    current = scenario_id
    while current not in seen:
        seen.add(current)
        parent = session.scalar(select(ScenarioRow.parent_id).where(ScenarioRow.id == current))
        if parent is None:
            return current
        current = parent
    return current


def request_cancel(session: Session, job_id: str) -> str | None:
    """Cancel a job: a queued one is cancelled at once (no plan); a running one becomes cancelling
    and the runner stops it, keeping its best plan. Returns the new status, or None when the job
    had already finished."""
    running = update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == "running")
    if session.execute(running.values(status="cancelling")).rowcount:
        return "cancelling"
    queued = update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == "queued")
    if session.execute(queued.values(status="cancelled", finished_at=now())).rowcount:
        return "cancelled"
    status = session.scalar(select(PlanJob.status).where(PlanJob.id == job_id))
    return "cancelling" if status == "cancelling" else None


# --- documents --------------------------------------------------------------------------------


def plan_document(job: PlanJob) -> dict[str, Any]:
    """What GET /v1/plans/{id} answers: the job's state and, once it has a plan (done, or
    cancelled after a plan was found), SPEC's plan document: summary, moves, report, conflicts,
    relaxations."""
    document = job_summary(job)
    document.pop("summary")
    document["request"] = job.request
    document["error"] = job_error(job.error)
    if job.result is not None:
        document.update({key: job.result.get(key) for key in PLAN_KEYS})
    return document


def job_summary(job: PlanJob) -> dict[str, Any]:
    """A job as a list shows it: state, progress and the plan's summary, without the plan."""
    return {
        "id": job.id,
        "status": job.status,
        "scenario_id": job.scenario_id,
        "label": job.request.get("label", ""),
        "progress": {key: (job.progress or {}).get(key) for key in PROGRESS_KEYS},
        "attempts": job.attempts,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "summary": None if job.result is None else job.result.get("summary"),
    }


def job_error(text: str | None) -> dict[str, Any] | None:
    """The stored error as {"message", "problems"} (input problems with file, row, column)."""
    if text is None:
        return None
    try:
        error = json.loads(text)
    except json.JSONDecodeError:
        return {"message": text, "problems": []}
    return {"message": str(error.get("message", "")), "problems": list(error.get("problems", []))}


def _iso(value: datetime | None) -> str | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def cancelled_result(job: PlanJob, document: dict[str, Any]) -> dict[str, Any] | None:
    """The plan document of a cancelled job's best plan so far, checked by the checker so its
    report is true (None when no plan was found). Its summary says `feasible`: not proven optimal."""
    if not job.best:
        return None
    scenario = job_scenario(document, job.request)
    plan = with_reasons(scenario, plan_of(job.best["moves"]))
    report = tuple(check_plan(scenario, plan))
    progress = job.progress or {}
    objective = job.best["objective"]
    bound = progress.get("bound")
    if bound is None:
        bound = job.best.get("bound")
    summary = summarize(
        scenario,
        plan,
        report,
        status="feasible",
        objective=objective,
        bound=bound,
        gap=gap(objective, bound),
        solve_seconds=float(progress.get("elapsed") or 0.0),
        build_seconds=0.0,
    )
    return result_document(scenario, Result(plan, report, summary))


# --- the runner -------------------------------------------------------------------------------


class JobRunner:
    """Solves queued jobs, oldest first, in at most settings.solve_workers worker processes (one
    "spawn" process per job, so a cancel can terminate it), and runs the short re-solves of
    explanations in a small process pool. A dispatcher thread polls the database every
    settings.poll_seconds: it reaps finished processes, stops cancelled jobs and starts queued ones."""

    def __init__(self, database: Database, settings: Settings, cluster: str | None = None) -> None:
        """`cluster`: a Dask scheduler address where jobs solve independent regions in parallel."""
        self.database = database
        self.settings = settings
        self.cluster = cluster
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[str, BaseProcess] = {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.pool: ProcessPoolExecutor | None = None
        self.pending = 0

    def start(self) -> None:
        """Take over the jobs a previous server left behind, then start dispatching."""
        self._recover()
        self.stopping.clear()
        self.thread = threading.Thread(target=self._loop, name="rotation-dispatcher", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop dispatching and terminate the worker processes; their jobs go back to the queue
        (a cancelling one is cancelled with its best plan), so the next start resumes them."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
        stopped = self._terminate(list(self.processes))
        with self.database.session() as session:
            session.execute(
                update(PlanJob)
                .where(PlanJob.id.in_(stopped), PlanJob.status == "running")
                .values(status="queued")
            )
        for job_id in stopped:
            self._finish_cancel(job_id)
        with self.lock:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None

    def stats(self) -> dict[str, int]:
        with self.database.session() as session:
            queued = session.scalar(
                select(func.count()).select_from(PlanJob).where(PlanJob.status == "queued")
            )
        return {
            "queued": queued or 0,
            "running": len(self.processes),
            "workers": self.settings.solve_workers,
            "queue_limit": self.settings.queue_limit,
        }

    def compute(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run a short solve (explanations, recommendations) in the pool, off the API process;
        429 when too many already wait."""
        with self.lock:
            workers = self.settings.solve_workers
            if self.pending >= COMPUTE_BACKLOG * workers:
                raise HTTPException(
                    status_code=429,
                    detail="too many explanations and recommendations in progress; retry later",
                )
            if self.pool is None:
                self.pool = ProcessPoolExecutor(
                    max_workers=workers, mp_context=self.context, initializer=lower_priority
                )
            future = self.pool.submit(function, *args)
            self.pending += 1
        future.add_done_callback(self._computed)
        return future

    def _computed(self, future: Future[Any]) -> None:
        with self.lock:
            self.pending -= 1
            if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool) and self.pool:
                # A pool process died (out of memory, say): the next request gets a fresh pool.
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None

    def _recover(self) -> None:
        """Jobs left running by a server that died go back to the queue; cancels it left
        unfinished are finished now."""
        with self.database.session() as session:
            requeued = session.execute(
                update(PlanJob).where(PlanJob.status == "running").values(status="queued")
            ).rowcount
            cancelling = session.scalars(select(PlanJob.id).where(PlanJob.status == "cancelling")).all()
        if requeued:
            log.info("re-queued %d job(s) left running by the previous server", requeued)
        for job_id in cancelling:
            self._finish_cancel(job_id)

    def _loop(self) -> None:
        while not self.stopping.wait(self.settings.poll_seconds):
            try:
                self._reap()
                self._cancel()
                self._launch()
            except Exception:
                log.exception("dispatcher pass failed; retrying")

    def _reap(self) -> None:
        """A process that exited with its job still running died without a result: the job
        fails with a short reason (the worker logged any traceback)."""
        for job_id, process in list(self.processes.items()):
            if process.is_alive():
                continue
            process.join()
            del self.processes[job_id]
            died = self._fail_running(
                job_id, f"the solve process stopped unexpectedly (exit code {process.exitcode})"
            )
            if died:
                log.warning("job %s: worker exited with code %s", job_id, process.exitcode)
            self._finish_cancel(job_id)

    def _cancel(self) -> None:
        with self.database.session() as session:
            cancelling = session.scalars(select(PlanJob.id).where(PlanJob.status == "cancelling")).all()
        for job_id in cancelling:
            self._terminate([job_id])
            self._finish_cancel(job_id)

    def _launch(self) -> None:
        """Start the oldest queued jobs while worker slots are free."""
        free = self.settings.solve_workers - len(self.processes)
        if free <= 0:
            return
        with self.database.session() as session:
            queued = session.scalars(
                select(PlanJob.id)
                .where(PlanJob.status == "queued")
                .order_by(PlanJob.created_at, PlanJob.id)
                .limit(free)
            ).all()
        for job_id in queued:
            with self.database.session() as session:
                claimed = session.execute(
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "queued")
                    .values(
                        status="running",
                        attempts=PlanJob.attempts + 1,
                        started_at=now(),
                        progress={key: None for key in PROGRESS_KEYS},
                    )
                ).rowcount
            if not claimed:
                continue
            process = self.context.Process(
                target=run_job,
                args=(self.database.url, job_id, self.settings.cpsat_workers, self.cluster),
                name=f"rotation-job-{job_id}",
                daemon=True,
            )
            try:
                process.start()
            except OSError:
                log.exception("job %s: no solve process could be started", job_id)
                self._fail_running(job_id, "the server could not start a solve process; submit it again")
                continue
            self.processes[job_id] = process
            log.info("job %s: started (pid %s)", job_id, process.pid)

    def _fail_running(self, job_id: str, message: str) -> bool:
        """Fail a job this runner started but cannot finish; False when it is no longer running."""
        with self.database.session() as session:
            return bool(
                session.execute(
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "running")
                    .values(status="failed", error=error_text(message), finished_at=now())
                ).rowcount
            )

    def _terminate(self, job_ids: Sequence[str]) -> list[str]:
        """Terminate these jobs' processes (kill one that lingers); returns the ids stopped."""
        stopped = [job_id for job_id in job_ids if job_id in self.processes]
        for job_id in stopped:
            self.processes[job_id].terminate()
        for job_id in stopped:
            process = self.processes.pop(job_id)
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        return stopped

    def _finish_cancel(self, job_id: str) -> None:
        """A cancelling job whose process is gone becomes cancelled with its best plan so far."""
        with self.database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.status != "cancelling":
                return
            try:
                result = cancelled_result(job, session.get(ScenarioRow, job.scenario_id).document)
            except ScenarioError:
                result = None
            session.execute(
                update(PlanJob)
                .where(PlanJob.id == job_id, PlanJob.status == "cancelling")
                .values(status="cancelled", result=result, finished_at=now())
            )
        log.info("job %s: cancelled (%s)", job_id, "best plan kept" if result else "no plan found")
