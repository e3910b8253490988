"""The runner: solves queued plan jobs (and roadmaps: api.roadmaps), oldest first, each in a worker
process of its own, and runs the short re-solves of explanations and recommendations in a small
process pool.

A job's life: queued → running → done | failed, or cancelled (from queued, or through cancelling
when it was running: the best plan found so far is kept). Every state change is a conditional
UPDATE (`WHERE status = ...`, and a run's own `attempts`), so the routes, the dispatcher thread
and the worker processes never overwrite each other's decision. The database is the queue: a
server that dies loses nothing, and the server that runs the jobs next re-queues those it finds
running without a process of its own. A job whose solve process died (out of memory, killed) is
run again from its best plan so far, at most WORKER_RETRIES times, and only then fails.

One runner per database: only the server holding the runner lease (`api.lease`) starts, reaps
and re-queues jobs; any other server on the same database serves the API and queues jobs, and
takes the lease over when its holder stops renewing it.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import select, update

from api.config import Settings
from api.db import ROADMAP_KIND, Database, PlanJob, ScenarioRow, now, result_values, rows_updated
from api.documents import PROGRESS_KEYS, cancelled_result, error_text
from api.errors import ApiError
from api.lease import Lease
from api.roadmaps import cancelled_roadmap, run_roadmap
from api.worker import pool_process_started, run_job
from optimizer.errors import ScenarioError

log = logging.getLogger("rotation.jobs")

STOP_SECONDS = 5.0
"""How long a terminated worker process gets to exit before it is killed."""
COMPUTE_BACKLOG = 4
"""Explanation / recommendation requests waiting per pool process before new ones get 429."""
WORKER_RETRIES = 2
"""How many times a job whose solve process died is run again before it fails."""


@dataclass(frozen=True)
class Run:
    """A job's solve process and the run number (`attempts`) it was started as."""

    process: BaseProcess
    attempt: int


class JobRunner:
    """Solves queued jobs, oldest first, in at most settings.solve_workers worker processes (one
    "spawn" process per job, so a cancel can terminate it), and runs the short re-solves of
    explanations in a small process pool. A dispatcher thread polls the database every
    settings.poll_seconds: while this server holds the runner lease it re-queues jobs left running
    by another server, reaps finished processes, stops cancelled jobs and starts queued ones."""

    def __init__(self, database: Database, settings: Settings, cluster: str | None = None) -> None:
        """`cluster`: a Dask scheduler address where jobs solve independent regions in parallel."""
        self.database = database
        self.settings = settings
        self.cluster = cluster
        self.context = multiprocessing.get_context("spawn")
        self.lease = Lease(database, settings.lease_seconds)
        self.runs: dict[str, Run] = {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.pool: ProcessPoolExecutor | None = None
        self.pending = 0

    def start(self) -> None:
        """Take the lease if it is free and with it the jobs a previous server left behind, then
        start dispatching."""
        self.stopping.clear()
        self._pass()
        self.thread = threading.Thread(target=self._loop, name="rotation-dispatcher", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop dispatching and terminate the worker processes; their jobs go back to the queue
        (a cancelling one is cancelled with its best plan) and the lease is freed, so the next
        runner resumes them at once."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
        runs = {job_id: run.attempt for job_id, run in self.runs.items()}
        stopped = self._terminate(list(runs))
        if self.lease.held:
            for job_id in stopped:
                self._requeue(job_id, runs[job_id])
                self._finish_cancel(job_id)
            self.lease.release()
        with self.lock:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None

    def compute(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run a short solve (explanations, recommendations) in the pool, off the API process;
        429 when too many already wait."""
        with self.lock:
            workers = self.settings.solve_workers
            if self.pending >= COMPUTE_BACKLOG * workers:
                raise ApiError(
                    429,
                    "busy",
                    "正在进行的解释与推荐过多;请稍后重试",
                    "too many explanations and recommendations in progress; retry later",
                )
            if self.pool is None:
                self.pool = ProcessPoolExecutor(
                    max_workers=workers, mp_context=self.context, initializer=pool_process_started
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

    def _loop(self) -> None:
        while not self.stopping.wait(self.settings.poll_seconds):
            try:
                self._pass()
            except Exception:
                log.exception("dispatcher pass failed; retrying")

    def _pass(self) -> None:
        """One round of the dispatcher, only while this server holds the lease; a server that
        lost it (it stalled past the lease time and another took over) drops its runs."""
        if not self.lease.hold():
            if self.runs:
                log.warning("runner lease lost to another server; stopping %d solve(s)", len(self.runs))
                self._terminate(list(self.runs))
            return
        self._adopt()
        self._reap()
        self._cancel()
        self._launch()

    def _adopt(self) -> None:
        """Jobs running without a process of this runner (left by a server that died or lost
        the lease) go back to the queue, their best plan so far kept for the next run."""
        with self.database.session() as session:
            running = session.execute(
                select(PlanJob.id, PlanJob.attempts).where(
                    PlanJob.status == "running", PlanJob.id.not_in(list(self.runs))
                )
            ).all()
        requeued = sum(self._requeue(job_id, attempt) for job_id, attempt in running)
        if requeued:
            log.info("re-queued %d job(s) left running by another server", requeued)

    def _reap(self) -> None:
        """A process that exited with its job still running died without a result (killed, out
        of memory): the job runs again from its best plan, at most WORKER_RETRIES times, and then
        fails saying so (the worker logged any traceback)."""
        for job_id, run in list(self.runs.items()):
            if run.process.is_alive():
                continue
            run.process.join()
            del self.runs[job_id]
            code = run.process.exitcode
            if self._retry(job_id, run.attempt):
                log.warning("job %s: solve process died (exit code %s); run again", job_id, code)
            elif self._fail_running(job_id, run.attempt, died(code)):
                log.warning("job %s: solve process died (exit code %s); failed", job_id, code)
            self._finish_cancel(job_id)

    def _retry(self, job_id: str, attempt: int) -> bool:
        """Queue a job again whose run `attempt` died, while it has retries left."""
        with self.database.session() as session:
            return bool(
                rows_updated(
                    session,
                    update(PlanJob)
                    .where(
                        PlanJob.id == job_id,
                        PlanJob.status == "running",
                        PlanJob.attempts == attempt,
                        PlanJob.retries < WORKER_RETRIES,
                    )
                    .values(status="queued", retries=PlanJob.retries + 1),
                )
            )

    def _requeue(self, job_id: str, attempt: int) -> bool:
        """Put the run `attempt` of a job back in the queue (no retry spent: it did not fail)."""
        with self.database.session() as session:
            return bool(
                rows_updated(
                    session,
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "running", PlanJob.attempts == attempt)
                    .values(status="queued"),
                )
            )

    def _cancel(self) -> None:
        """Stop the cancelling jobs' processes (a cancelling job without one: its server died)
        and keep each job's best plan."""
        with self.database.session() as session:
            cancelling = session.scalars(select(PlanJob.id).where(PlanJob.status == "cancelling")).all()
        for job_id in cancelling:
            self._terminate([job_id])
            self._finish_cancel(job_id)

    def _launch(self) -> None:
        """Start the oldest queued jobs while worker slots are free."""
        free = self.settings.solve_workers - len(self.runs)
        if free <= 0:
            return
        with self.database.session() as session:
            queued = session.execute(
                select(PlanJob.id, PlanJob.kind)
                .where(PlanJob.status == "queued")
                .order_by(PlanJob.created_at, PlanJob.id)
                .limit(free)
            ).all()
        for job_id, kind in queued:
            with self.database.session() as session:
                claimed = rows_updated(
                    session,
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "queued")
                    .values(
                        status="running",
                        attempts=PlanJob.attempts + 1,
                        started_at=now(),
                        progress={key: None for key in PROGRESS_KEYS},
                    ),
                )
                attempt = session.scalar(select(PlanJob.attempts).where(PlanJob.id == job_id))
            if not claimed or attempt is None:
                continue
            process = self.context.Process(
                target=run_roadmap if kind == ROADMAP_KIND else run_job,
                args=(self.database.url, job_id, attempt, self.settings.cpsat_workers, self.cluster),
                name=f"rotation-job-{job_id}",
                daemon=True,
            )
            try:
                process.start()
            except OSError:
                log.exception("job %s: no solve process could be started", job_id)
                zh, en = (
                    "服务器无法启动求解进程;请重新提交",
                    "the server could not start a solve process; submit it again",
                )
                self._fail_running(job_id, attempt, ApiError(503, "no_solve_process", zh, en))
                continue
            self.runs[job_id] = Run(process, attempt)
            log.info("job %s: started (pid %s, run %d)", job_id, process.pid, attempt)

    def _fail_running(self, job_id: str, attempt: int, error: ApiError) -> bool:
        """Fail the run `attempt` of a job that cannot finish; False when it is no longer running."""
        with self.database.session() as session:
            return bool(
                rows_updated(
                    session,
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "running", PlanJob.attempts == attempt)
                    .values(status="failed", error=error_text(error), finished_at=now()),
                )
            )

    def _terminate(self, job_ids: Sequence[str]) -> list[str]:
        """Terminate these jobs' processes (kill one that lingers); returns the ids stopped."""
        stopped = [job_id for job_id in job_ids if job_id in self.runs]
        for job_id in stopped:
            self.runs[job_id].process.terminate()
        for job_id in stopped:
            process = self.runs.pop(job_id).process
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        return stopped

    def _finish_cancel(self, job_id: str) -> None:
        """A cancelling job whose process is gone becomes cancelled with its best plan so far (a
        roadmap: with the years it planned)."""
        with self.database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.status != "cancelling":
                return
            if job.kind == ROADMAP_KIND:
                result = cancelled_roadmap(session, job)
            else:
                try:
                    result = cancelled_result(job, session.get_one(ScenarioRow, job.scenario_id).document)
                except ScenarioError:
                    result = None
            session.execute(
                update(PlanJob)
                .where(PlanJob.id == job_id, PlanJob.status == "cancelling")
                .values(status="cancelled", **result_values(result), finished_at=now())
            )
        log.info("job %s: cancelled (%s)", job_id, "best plan kept" if result else "no plan found")


def died(code: int | None) -> ApiError:
    """Why a job fails whose solve process died in every one of its runs."""
    runs = WORKER_RETRIES + 1
    return ApiError(
        500,
        "solve_process_died",
        f"求解进程在全部 {runs} 次运行中均意外退出(最后退出码 {code}),被强制结束或内存不足;不再重试",
        f"the solve process stopped unexpectedly in each of its {runs} runs (last exit code {code}), "
        "killed or out of memory; the job is not run again",
    )
