"""Roadmap jobs (SPEC "Years, not one year"): `optimizer.roadmap.plan_roadmap` run as a job of the
plan jobs' queue, so it is admitted, leased, cancelled and retried as a plan is.

A roadmap job is a `plan_jobs` row of kind `roadmap`. Its worker process writes each year's
standings to the row's progress as soon as the year is planned; at the end it stores every
year's bundle as a scenario (the first year's is the roadmap's own scenario, unless the year was
held to other goals) and every year's plan as an ordinary done plan job of it, so the plan routes
(files, explanations, re-plans, the plan's life) serve a roadmap's years as any plan. Nothing of a
run is stored before it ends: a cancelled or retried run leaves no half roadmap behind.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import case
from sqlalchemy.orm import Session

from api.db import PLAN_KIND, ROADMAP_KIND, Database, PlanJob, ScenarioRow, now, result_values, rows_updated
from api.documents import job_scenario, result_document
from api.store import save_scenario, scenario_regions
from api.worker import job_run, owned_by
from optimizer.io.roadmap_outputs import roadmap_document
from optimizer.options import EngineSettings
from optimizer.roadmap import Roadmap, YearPlan, plan_roadmap
from optimizer.scenario import Scenario

log = logging.getLogger("rotation.roadmap")

FIRST_PASS = {"auto": "rolling", "rolling": "rolling", "path": "path"}
"""The method a roadmap's first pass plans with (auto plans rolling, then path if a target is
missed: a year planned again is the second pass)."""


class YearReporter:
    """Writes each planned year's standings to the job's progress, while this run owns it."""

    def __init__(self, database: Database, job_id: str, attempt: int, years: int, method: str) -> None:
        self.database, self.job_id, self.attempt = database, job_id, attempt
        self.years, self.method = years, FIRST_PASS[method]
        self.started = time.monotonic()
        self.planned: list[YearPlan] = []
        self.write()

    def on_year(self, year: YearPlan) -> None:
        if self.planned and year.year <= self.planned[-1].year:
            # auto planned every year rolling and missed a target: the years again, with a path.
            self.planned, self.method = [], "path"
        self.planned.append(year)
        self.write()

    def write(self) -> None:
        progress = {
            "years": self.years,
            "method": self.method,
            "elapsed": round(time.monotonic() - self.started, 3),
            "done": year_documents(self.planned),
        }
        with self.database.session() as session:
            session.execute(owned_by(self.job_id, self.attempt).values(progress=progress))


def year_documents(years: list[YearPlan]) -> list[dict[str, Any]]:
    """roadmap.json's per-year entries of these years."""
    partial = Roadmap(method="", targets=(), years=tuple(years))
    return list(roadmap_document(partial)["years"])


def run_roadmap(
    database_url: str, job_id: str, attempt: int, cpsat_workers: int, _cluster: str | None = None
) -> None:
    """A worker process's entry point for a roadmap job (the runner's arguments of `run_job`; the
    years are planned here, one after another, whatever the cluster): plan the run `attempt`,
    then store its years' scenarios and plans and the roadmap document, or fail it with the
    reason."""
    with job_run(database_url, job_id, attempt, ("路线图规划", "the roadmap"), "roadmap_failed") as database:
        with database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.kind != ROADMAP_KIND or job.status != "running" or job.attempts != attempt:
                return
            request = dict(job.request)
            document = session.get_one(ScenarioRow, job.scenario_id).document
        scenario = job_scenario(document, request)
        settings = EngineSettings(
            time_limit=float(request["time_limit"]), workers=cpsat_workers, seed=int(request["seed"])
        )
        years, method = int(request["years"]), str(request["method"])
        reporter = YearReporter(database, job_id, attempt, years, method)
        roadmap = plan_roadmap(scenario, years, settings, method, reporter.on_year)
        with database.session() as session:
            _store(session, job_id, attempt, request, scenario, roadmap, reporter)
        log.info("roadmap %s: %d years, cost %s", job_id, len(roadmap.years), roadmap.cost)


def _store(
    session: Session,
    job_id: str,
    attempt: int,
    request: dict[str, Any],
    scenario: Scenario,
    roadmap: Roadmap,
    reporter: YearReporter,
) -> None:
    """The years' scenarios and plans and the roadmap document, in one transaction: all of them,
    or none when the run no longer owns the job."""
    job = session.get_one(PlanJob, job_id)
    parent_id = job.scenario_id
    plans: list[dict[str, str]] = []
    for year in roadmap.years:
        if year.year == scenario.policy.year and year.scenario.policy == scenario.policy:
            year_scenario_id = job.scenario_id  # the first year, planned on the scenario as it is
        else:
            changes = {"roadmap_id": job_id, "year": year.year}
            year_scenario_id = save_scenario(session, year.scenario, parent_id=parent_id, changes=changes).id
        plan = _year_plan(session, job, year, year_scenario_id, request)
        plans.append({"plan_id": plan.id, "scenario_id": year_scenario_id})
        parent_id = year_scenario_id
    result = roadmap_document(roadmap)
    for entry, ids in zip(result["years"], plans, strict=True):
        entry.update(ids)
    progress = {
        "years": len(roadmap.years),
        "method": roadmap.method,
        "elapsed": round(time.monotonic() - reporter.started, 3),
        "done": result["years"],
    }
    finished = owned_by(job_id, attempt).values(
        status=case((PlanJob.status == "cancelling", "cancelled"), else_="done"),
        **result_values(result),
        progress=progress,
        finished_at=now(),
    )
    if not rows_updated(session, finished):
        session.rollback()


def _year_plan(
    session: Session, job: PlanJob, year: YearPlan, scenario_id: str, request: dict[str, Any]
) -> PlanJob:
    """The year's plan as a done plan job of the year's scenario (a plan request's fields, as
    stored for any plan, and the roadmap it belongs to)."""
    summary = year.result.summary
    plan = PlanJob(
        scenario_id=scenario_id,
        regions=scenario_regions(year.scenario),
        kind=PLAN_KIND,
        status="done",
        request={
            "overrides": [],
            "time_limit": request["time_limit"],
            "seed": request["seed"],
            "engine": "auto",
            "previous_plan_id": None,
            "change_weight": None,
            "label": f"路线图 {year.year} 年 · roadmap {year.year}",
            "roadmap_id": job.id,
        },
        progress={
            "elapsed": summary.solve_seconds,
            "objective": summary.objective,
            "bound": summary.bound,
            "gap": summary.gap,
        },
        result=result_document(year.scenario, year.result),
        attempts=1,
        started_at=job.started_at,
        finished_at=now(),
    )
    session.add(plan)
    session.flush()
    return plan
