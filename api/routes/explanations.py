"""/v1/plans/{id}/teachers/{teacher_id} and /v1/plans/{id}/schools/{school_id}: the explanations
of `rotation explain`, over HTTP, in Chinese or English.

A teacher's explanation re-solves the scenario (the cost of the alternatives, or of forcing the
move): that runs in the runner's process pool, within a time budget under the server's cap. A
school's explanation needs no solve.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import CallerDep, SessionDep, SettingsDep, require_member, resolve_seconds, solved_job
from api.documents import plan_of
from api.errors import NO_PLAN, ROUTER_ERRORS, error_responses
from api.schemas.plans import MIN_TIME_LIMIT, SchoolExplanationOut, TeacherExplanationOut
from api.store import plan_job
from api.tasks import explain_teacher_task
from optimizer.explain import explanation_json
from optimizer.explain.school import explain_school

router = APIRouter(prefix="/plans/{job_id}", tags=["explanations"], responses=ROUTER_ERRORS)

Lang = Annotated[Literal["zh", "en"], Query(description="The language of `text`.")]


@router.get(
    "/teachers/{teacher_id}",
    response_model=TeacherExplanationOut,
    responses=error_responses(
        {
            404: ("not_found", "No such plan or teacher, or not in the key's regions."),
            **NO_PLAN,
            429: ("busy", "Too many re-solves in progress; retry later."),
        }
    ),
    summary="Why a teacher moves (rules served, alternatives and their cost) or does not",
)
def teacher_explanation(
    job_id: str,
    teacher_id: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    lang: Lang = "zh",
    time_limit: Annotated[
        float | None,
        Query(
            ge=MIN_TIME_LIMIT,
            allow_inf_nan=False,
            description=f"Seconds for all re-solves (default 10), from {MIN_TIME_LIMIT:g} to the cap.",
        ),
    ] = None,
) -> dict[str, Any]:
    solved = solved_job(session, plan_job(session, caller, job_id))
    require_member(solved, "teachers", teacher_id)
    seconds = resolve_seconds(settings, time_limit)
    session.commit()  # no database connection held while the pool solves
    future = request.app.state.runner.compute(
        explain_teacher_task, solved, teacher_id, seconds, settings.cpsat_workers
    )
    explanation = future.result()
    return {**explanation, "lang": lang, "text": explanation[f"text_{lang}"]}


@router.get(
    "/schools/{school_id}",
    response_model=SchoolExplanationOut,
    responses=error_responses(
        {404: ("not_found", "No such plan or school, or not in the key's regions."), **NO_PLAN}
    ),
    summary="A school before and after the plan: staff by subject, backbone, degrees, moves, rules",
)
def school_explanation(
    job_id: str, school_id: str, session: SessionDep, caller: CallerDep, lang: Lang = "zh"
) -> dict[str, Any]:
    solved = solved_job(session, plan_job(session, caller, job_id))
    require_member(solved, "schools", school_id)
    explanation = explanation_json(explain_school(solved.scenario(), school_id, plan_of(solved.result)))
    return {**explanation, "lang": lang, "text": explanation[f"text_{lang}"]}
