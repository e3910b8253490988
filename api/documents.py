"""A plan job's documents: the scenario it solves, the plan document it stores, the error it
stores when it fails, and what GET /v1/plans answers about it.

The worker process writes these documents and the API process reads them back; both sides use
this module, so the stored shape is defined once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime
from typing import Any

from api.db import PlanJob
from api.errors import ApiError
from optimizer.errors import LANGS, Problem
from optimizer.instance import Change, Instance
from optimizer.io import load_document
from optimizer.plan import Hire, ItinerantAssignment, Move, Plan, RuleRow, Summary
from optimizer.report import check_plan, summarize, with_reasons
from optimizer.result import Conflict, Relaxation, Result
from optimizer.rules import Post, coverage_posts, leaders_after
from optimizer.scenario import Scenario

PROGRESS_KEYS = ("elapsed", "objective", "bound", "gap")
DECISION_KEYS = ("moves", "exchanges", "hires", "itinerant")
"""The plan's decisions as a plan document stores them (and a running job's best plan so far)."""
PLAN_KEYS = ("summary", *DECISION_KEYS, "leaders", "coverage", "report", "conflicts", "relaxations")
POST_FIGURES = ("unmet_before", "unmet_after", "still_open", "created", "filled")
"""What a coverage row adds to the Post value's fields: the figures derived from them."""


# --- the scenario a job solves ----------------------------------------------------------------


def job_scenario(document: dict[str, Any], request: dict[str, Any]) -> Scenario:
    """The scenario a job solves: the stored document with the request's overrides applied."""
    scenario = load_document(document)
    overrides = list(request.get("overrides") or [])
    if not overrides:
        return scenario
    return replace(scenario, policy=scenario.policy.with_overrides(overrides))


# --- the plan document ------------------------------------------------------------------------


def gap(objective: float | None, bound: float | None) -> float | None:
    """As the solver reports it: (objective − bound) / max(1, |objective|)."""
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(1.0, abs(objective))


def plan_of(document: dict[str, Any]) -> Plan:
    """The Plan of a stored plan document or best plan so far (their DECISION_KEYS)."""
    return Plan(
        moves=tuple(Move(**move) for move in document["moves"]),
        exchanges=tuple(Move(**move) for move in document["exchanges"]),
        hires=tuple(Hire(**hire) for hire in document["hires"]),
        itinerant=tuple(ItinerantAssignment(**assignment) for assignment in document["itinerant"]),
    )


def decisions(plan: Plan) -> dict[str, Any]:
    """The plan's decisions as stored: moves and exchanges as plan.csv rows, hires, 走教."""
    return {
        "moves": [asdict(move) for move in plan.moves],
        "exchanges": [asdict(move) for move in plan.exchanges],
        "hires": [asdict(hire) for hire in plan.hires],
        "itinerant": [asdict(assignment) for assignment in plan.itinerant],
    }


def coverage_row(post: Post) -> dict[str, Any]:
    """One school × subject of coverage: the Post's fields and the figures derived from them."""
    return asdict(post) | {name: getattr(post, name) for name in POST_FIGURES}


def result_document(scenario: Scenario, result: Result) -> dict[str, Any]:
    """SPEC's plan document: the summary (with scenario name and year, as summary.json), the
    decisions (moves, exchanges, hires, 走教), who heads each school after the plan, every school
    × subject before and after it, the rule report, conflicts and relaxations."""
    plan = result.plan
    return {
        "summary": {"scenario": scenario.name, "year": scenario.policy.year, **asdict(result.summary)},
        **decisions(plan),
        "leaders": [asdict(leader) for leader in leaders_after(scenario, plan)],
        "coverage": [coverage_row(post) for post in coverage_posts(scenario, plan)],
        "report": [asdict(row) for row in result.report],
        "conflicts": [conflict.to_dict() for conflict in result.conflicts],
        "relaxations": [relaxation.to_dict() for relaxation in result.relaxations],
    }


def summary_of(document: dict[str, Any]) -> Summary:
    """The Summary value of a stored plan document (its extra scenario and year keys dropped;
    fields added since the plan was stored take their defaults)."""
    stored = document["summary"]
    return Summary(**{f.name: stored[f.name] for f in fields(Summary) if f.name in stored})


def stored_result(document: dict[str, Any]) -> Result:
    """A stored plan document as the library's Result, for the workbook writer."""
    conflicts = tuple(
        Conflict(
            instances=tuple(
                Instance(
                    m["rule"],
                    m["scope"],
                    m["key"],
                    m["target"],
                    m["unit"],
                    m["sentence_zh"],
                    m["sentence_en"],
                )
                for m in c["members"]
            ),
            minimal=c["minimal"],
            seconds=c["seconds"],
            summary_zh=c["summary_zh"],
            summary_en=c["summary_en"],
        )
        for c in document["conflicts"]
    )
    relaxations = tuple(
        Relaxation(
            conflict=r["conflict"],
            relaxed=tuple(r["relaxed"]),
            units=r["units"],
            change=Change(
                overrides=tuple(r["overrides"]),
                school_fields=tuple(tuple(f) for f in r["school_fields"]),
                drop_pins=tuple(r["drop_pins"]),
                sentence_zh=r["sentence_zh"],
                sentence_en=r["sentence_en"],
            ),
            plan_cost=r["plan_cost"],
            unit=r.get("unit", ""),
        )
        for r in document["relaxations"]
    )
    report = tuple(RuleRow(**{**row, "involved": tuple(row["involved"])}) for row in document["report"])
    return Result(plan_of(document), report, summary_of(document), conflicts, relaxations)


def cancelled_result(job: PlanJob, document: dict[str, Any]) -> dict[str, Any] | None:
    """The plan document of a cancelled job's best plan so far, checked by the checker so its
    report is true (None when no plan was found). Its summary says `feasible`: not proven optimal."""
    if not job.best:
        return None
    scenario = job_scenario(document, job.request)
    plan = with_reasons(scenario, plan_of(job.best))
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


# --- the stored error -------------------------------------------------------------------------


def error_text(error: ApiError) -> str:
    """A failed job's `error` column: the error body in each language, as JSON, so that whoever
    reads the job gets it in theirs."""
    return json.dumps({lang: error.body(lang) for lang in LANGS}, ensure_ascii=False)


def job_error(text: str | None, lang: str) -> dict[str, Any] | None:
    """The stored error in `lang` (zh or en): {"error", "message", "problems"}, each problem
    rendered again from its stored place and texts (an error stored before a field was added
    answers with it)."""
    if text is None:
        return None
    body: dict[str, Any] = json.loads(text)[lang]
    return {**body, "problems": [Problem.from_dict(item).to_dict(lang) for item in body["problems"]]}


# --- what clients read ------------------------------------------------------------------------


def plan_document(job: PlanJob, lang: str) -> dict[str, Any]:
    """What GET /v1/plans/{id} answers: the job's state, its error in `lang` if it failed, and,
    once it has a plan (done, or cancelled after a plan was found), SPEC's plan document (PLAN_KEYS)."""
    document = job_summary(job)
    document.pop("summary")
    document["request"] = job.request
    document["error"] = job_error(job.error, lang)
    # A job has a summary exactly when it has a plan (api.db): a poll of one without reads no plan.
    plan = job.result if job.summary is not None else None
    if plan is not None:
        document.update({key: plan.get(key) for key in PLAN_KEYS})
    return document


def job_summary(job: PlanJob) -> dict[str, Any]:
    """A job as a list shows it: state, progress and the plan's summary, from the job's light
    columns (its plan is not loaded)."""
    return {
        "id": job.id,
        "status": job.status,
        "lifecycle": job.lifecycle,
        "scenario_id": job.scenario_id,
        "label": job.request.get("label", ""),
        "progress": {key: (job.progress or {}).get(key) for key in PROGRESS_KEYS},
        "attempts": job.attempts,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "summary": job.summary,
    }


def _iso(value: datetime | None) -> str | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
