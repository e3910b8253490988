"""Roadmap jobs (SPEC "Years, not one year"): `optimizer.roadmap.plan_roadmap` run as a job of the
plan jobs' queue, so it is admitted, leased, cancelled and retried as a plan is.

A roadmap job is a `plan_jobs` row of kind `roadmap`. As soon as its worker process has planned a
year, it stores the year's bundle as a scenario (the first year's is the roadmap's own scenario,
unless the year was held to other goals) and the year's plan as an ordinary done plan job of it,
and writes the year's standings with their ids to the row's progress, all in one transaction and
only while the run owns the job. So the plan routes (files, explanations, re-plans, the plan's
life) serve a year while the next is planned, and a cancelled roadmap keeps the years it planned.
Years that will not be the roadmap's (auto's first pass when a second one follows, or those of a
run that died) are removed again, unless someone has begun to work on them (a plan past its
draft, another plan or scenario made from them): those stay as ordinary plans.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
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


@dataclass(frozen=True)
class RoadmapRun:
    """What a run of a roadmap job needs to store its years."""

    job_id: str
    attempt: int
    scenario_id: str
    scenario: Scenario
    request: dict[str, Any]
    started_at: datetime | None


class YearReporter:
    """Stores each planned year (its scenario and plan) and writes its standings with their ids
    to the job's progress, in one transaction, while this run owns the job."""

    def __init__(self, database: Database, run: RoadmapRun, years: int, method: str) -> None:
        self.database, self.run = database, run
        self.years, self.method = years, FIRST_PASS[method]
        self.started = time.monotonic()
        self.planned: list[YearPlan] = []
        self.stored: list[dict[str, str]] = []
        """Per planned year: the ids of its plan and of its scenario."""
        self.first_pass: Pass | None = None
        """auto's rolling pass, once a path pass follows it: kept until the roadmap chooses."""
        with database.session() as session:
            self._write(session, [], [])

    def on_year(self, year: YearPlan) -> None:
        if self.planned and year.year <= self.planned[-1].year:
            # auto planned every year rolling and missed a target: the years again, with a path.
            self.first_pass = Pass(self.method, self.stored)
            self.planned, self.stored, self.method = [], [], "path"
        with self.database.session() as session:
            parent_id = self.stored[-1]["scenario_id"] if self.stored else self.run.scenario_id
            ids = _store_year(session, self.run, year, parent_id)
            planned, stored = [*self.planned, year], [*self.stored, ids]
            if self._write(session, planned, stored):
                self.planned, self.stored = planned, stored
            else:  # the run no longer owns the job: nothing of it is kept
                session.rollback()

    def finish(self, session: Session, roadmap: Roadmap) -> None:
        """The roadmap document, with the ids of the pass it was made of (the other pass's years
        removed), if the run still owns the job."""
        kept, dropped = self.stored, self.first_pass.stored if self.first_pass else []
        if self.first_pass is not None and roadmap.method == self.first_pass.method:
            kept, dropped = dropped, kept
        discard_years(session, dropped, self.run.scenario_id)
        result = with_ids(roadmap_document(roadmap), kept)
        progress = {
            "years": len(roadmap.years),
            "method": roadmap.method,
            "elapsed": round(time.monotonic() - self.started, 3),
            "done": result["years"],
            "targets": result["targets"],
            "cost": result["cost"],
        }
        finished = owned_by(self.run.job_id, self.run.attempt).values(
            status=case((PlanJob.status == "cancelling", "cancelled"), else_="done"),
            **result_values(result),
            progress=progress,
            finished_at=now(),
        )
        if not rows_updated(session, finished):
            session.rollback()

    def progress(self, planned: list[YearPlan], stored: list[dict[str, str]]) -> dict[str, Any]:
        """The years planned so far with their ids, and the roadmap they make up to here (its
        targets judged on these years: what a roadmap cancelled now keeps); `superseded`: the ids
        of auto's first pass while a second runs."""
        partial = Roadmap(self.method, self.run.scenario.policy.targets, tuple(planned))
        document = with_ids(roadmap_document(partial), stored)
        return {
            "years": self.years,
            "method": self.method,
            "elapsed": round(time.monotonic() - self.started, 3),
            "done": document["years"],
            "targets": document["targets"],
            "cost": document["cost"],
            "superseded": self.first_pass.stored if self.first_pass else [],
        }

    def _write(self, session: Session, planned: list[YearPlan], stored: list[dict[str, str]]) -> bool:
        """The progress of these years, if the run still owns the job."""
        update = owned_by(self.run.job_id, self.run.attempt).values(progress=self.progress(planned, stored))
        return rows_updated(session, update) > 0


@dataclass(frozen=True)
class Pass:
    """A finished pass over the years: its method and the ids of its stored years."""

    method: str
    stored: list[dict[str, str]]


def with_ids(document: dict[str, Any], stored: list[dict[str, str]]) -> dict[str, Any]:
    """roadmap.json with each year's ids of its plan and scenario."""
    for entry, ids in zip(document["years"], stored, strict=True):
        entry.update(ids)
    return document


def run_roadmap(
    database_url: str, job_id: str, attempt: int, cpsat_workers: int, _cluster: str | None = None
) -> None:
    """A worker process's entry point for a roadmap job (the runner's arguments of `run_job`; the
    years are planned here, one after another, whatever the cluster): plan the run `attempt`,
    storing each year as it is planned, then the roadmap document, or fail it with the reason."""
    with job_run(database_url, job_id, attempt, ("路线图规划", "the roadmap"), "roadmap_failed") as database:
        with database.session() as session:
            job = session.get(PlanJob, job_id)
            if job is None or job.kind != ROADMAP_KIND or job.status != "running" or job.attempts != attempt:
                return
            discard_left_behind(session, job_id, job.scenario_id)
            request = dict(job.request)
            document = session.get_one(ScenarioRow, job.scenario_id).document
            scenario = job_scenario(document, request)
            run = RoadmapRun(job_id, attempt, job.scenario_id, scenario, request, job.started_at)
        settings = EngineSettings(
            time_limit=float(request["time_limit"]), workers=cpsat_workers, seed=int(request["seed"])
        )
        years, method = int(request["years"]), str(request["method"])
        reporter = YearReporter(database, run, years, method)
        roadmap = plan_roadmap(scenario, years, settings, method, reporter.on_year)
        with database.session() as session:
            reporter.finish(session, roadmap)
        log.info("roadmap %s: %d years, cost %s", job_id, len(roadmap.years), roadmap.cost)


def cancelled_roadmap(session: Session, job: PlanJob) -> dict[str, Any] | None:
    """The roadmap document of a roadmap cancelled while it ran: the years of the pass under way
    (auto's first pass removed), and its targets judged on them (None when it had planned none)."""
    progress = job.progress or {}
    discard_years(session, progress.get("superseded", []), job.scenario_id)
    if not progress.get("done"):
        return None
    return {key: progress[key] for key in ("method", "cost", "targets")} | {"years": progress["done"]}


def _store_year(session: Session, run: RoadmapRun, year: YearPlan, parent_id: str) -> dict[str, str]:
    """The year's scenario (unless it is the roadmap's own) and plan; their ids."""
    if year.year == run.scenario.policy.year and year.scenario.policy == run.scenario.policy:
        scenario_id = run.scenario_id  # the first year, planned on the scenario as it is
    else:
        changes = {"roadmap_id": run.job_id, "year": year.year}
        scenario_id = save_scenario(session, year.scenario, parent_id=parent_id, changes=changes).id
    plan = _year_plan(session, run, year, scenario_id)
    return {"plan_id": plan.id, "scenario_id": scenario_id}


def discard_left_behind(session: Session, job_id: str, own_scenario_id: str) -> None:
    """The years a run of this roadmap before this one stored (it died, or its server did): they
    are not this run's."""
    scenarios = session.scalars(
        select(ScenarioRow.id)
        .where(ScenarioRow.changes["roadmap_id"].as_string() == job_id)
        .order_by(ScenarioRow.year)
    ).all()
    plans = session.scalars(
        select(PlanJob.id).where(
            PlanJob.kind == PLAN_KIND, PlanJob.request["roadmap_id"].as_string() == job_id
        )
    ).all()
    # discard_years goes last entry first: the plans, then the scenarios from the latest year.
    entries = [{"scenario_id": scenario_id} for scenario_id in scenarios]
    discard_years(session, entries + [{"plan_id": plan_id} for plan_id in plans], own_scenario_id)


def discard_years(session: Session, entries: list[dict[str, Any]], own_scenario_id: str) -> None:
    """Remove the stored years of `entries` (progress entries with their ids), last year first,
    except what someone has begun to work on: a plan past its draft stays, and so does a scenario
    with another plan or a child scenario."""
    for entry in reversed(entries):
        plan = session.get(PlanJob, entry.get("plan_id") or "")
        if plan is not None and plan.lifecycle == "draft":
            session.delete(plan)
            session.flush()
        scenario_id = entry.get("scenario_id")
        if scenario_id is None or scenario_id == own_scenario_id:
            continue
        plans = session.scalar(select(func.count()).where(PlanJob.scenario_id == scenario_id))
        children = session.scalar(select(func.count()).where(ScenarioRow.parent_id == scenario_id))
        scenario = session.get(ScenarioRow, scenario_id)
        if scenario is not None and not plans and not children:
            session.delete(scenario)
            session.flush()


def _year_plan(session: Session, run: RoadmapRun, year: YearPlan, scenario_id: str) -> PlanJob:
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
            "time_limit": run.request["time_limit"],
            "seed": run.request["seed"],
            "engine": "auto",
            "previous_plan_id": None,
            "change_weight": None,
            "label": f"路线图 {year.year} 年 · roadmap {year.year}",
            "roadmap_id": run.job_id,
        },
        progress={
            "elapsed": summary.solve_seconds,
            "objective": summary.objective,
            "bound": summary.bound,
            "gap": summary.gap,
        },
        result=result_document(year.scenario, year.result),
        attempts=1,
        started_at=run.started_at,
        finished_at=now(),
    )
    session.add(plan)
    session.flush()
    return plan
