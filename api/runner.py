"""The runner: solves queued plan jobs, oldest first, each in a worker process of its own, and
runs the short re-solves of explanations and recommendations in a small process pool.

A job's life: queued → running → done | failed, or cancelled (from queued, or through cancelling
when it was running: the best plan found so far is kept). Every state change is a conditional
UPDATE (`WHERE status = ...`), so the routes, the dispatcher thread and the worker processes never
overwrite each other's decision. The database is the queue: a server that dies loses nothing,
and the next one re-queues the jobs it finds running.

One runner per database: a starting runner takes over every job left running.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import func, select, update

from api.config import Settings
from api.db import Database, PlanJob, ScenarioRow, now, rows_updated
from api.documents import PROGRESS_KEYS, cancelled_result, error_text
from api.errors import ApiError
from api.worker import lower_priority, run_job
from optimizer.errors import ScenarioError

log = logging.getLogger("rotation.jobs")

STOP_SECONDS = 5.0
"""How long a terminated worker process gets to exit before it is killed."""
COMPUTE_BACKLOG = 4
"""Explanation / recommendation requests waiting per pool process before new ones get 429."""


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
                raise ApiError(
                    429,
                    "busy",
                    "正在进行的解释与推荐过多;请稍后重试",
                    "too many explanations and recommendations in progress; retry later",
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
            requeued = rows_updated(
                session, update(PlanJob).where(PlanJob.status == "running").values(status="queued")
            )
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
            code = process.exitcode
            died = self._fail_running(
                job_id,
                ApiError(
                    500,
                    "solve_process_died",
                    f"求解进程意外退出(退出码 {code})",
                    f"the solve process stopped unexpectedly (exit code {code})",
                ),
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
                zh, en = (
                    "服务器无法启动求解进程;请重新提交",
                    "the server could not start a solve process; submit it again",
                )
                self._fail_running(job_id, ApiError(503, "no_solve_process", zh, en))
                continue
            self.processes[job_id] = process
            log.info("job %s: started (pid %s)", job_id, process.pid)

    def _fail_running(self, job_id: str, error: ApiError) -> bool:
        """Fail a job this runner started but cannot finish; False when it is no longer running."""
        with self.database.session() as session:
            return bool(
                rows_updated(
                    session,
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "running")
                    .values(status="failed", error=error_text(error), finished_at=now()),
                )
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
                result = cancelled_result(job, session.get_one(ScenarioRow, job.scenario_id).document)
            except ScenarioError:
                result = None
            session.execute(
                update(PlanJob)
                .where(PlanJob.id == job_id, PlanJob.status == "cancelling")
                .values(status="cancelled", result=result, finished_at=now())
            )
        log.info("job %s: cancelled (%s)", job_id, "best plan kept" if result else "no plan found")
