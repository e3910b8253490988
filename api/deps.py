"""What the routers share (they never import each other): settings, database sessions, the
authenticated caller, and the helpers of routes that read a job's plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, Query, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import Database, PlanJob, ScenarioRow
from api.errors import ApiError, request_lang, request_problem
from api.security import BadKeyLimiter, Caller, KeyCache, Role, authenticate
from api.tasks import SolvedJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of the workbooks the routes send (a plan's plan.xlsx, the empty template)."""
RESOLVE_SECONDS = 10.0
"""Default time budget of the re-solves behind one recommendation or explanation request."""
T = TypeVar("T")

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A key from `rotation keys create`."
)


# The dependencies that do no I/O are `async def`: FastAPI runs a plain `def` in its thread pool,
# and each such trip costs more than the work itself on a status poll under load.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_session(database: Annotated[Database, Depends(get_database)]) -> AsyncIterator[Session]:
    """The request's session, committed when the route succeeds and rolled back on any error.
    Making it does no I/O (it connects at its first query); its end does, in one thread-pool trip,
    shielded so that a client gone away does not leave its connection open."""
    session = database.sessions()
    succeeded = False
    try:
        yield session
        succeeded = True
    finally:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(end_session, session, succeeded)


def end_session(session: Session, succeeded: bool) -> None:
    """Commit (or roll back after an error), then give the connection back."""
    try:
        if succeeded:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def get_caller(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> Caller:
    """The key's caller; 401 for a missing or wrong key, 429 for any key from an address that sent
    too many wrong ones lately (refused before the key is looked up, so guessing learns nothing).
    A right key is looked up again only after KEY_CACHE_SECONDS (api.security.KeyCache)."""
    limiter: BadKeyLimiter = request.app.state.bad_keys
    address = request.client.host if request.client else ""
    wait = limiter.retry_after(address) if key else 0
    if wait:
        raise ApiError(
            429,
            "too_many_bad_keys",
            f"此地址的错误密钥过多;请 {wait} 秒后重试",
            f"too many wrong keys from this address; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    keys: KeyCache = request.app.state.keys
    caller = keys.get(key) if key else None
    if caller is None and key:
        caller = await run_in_threadpool(look_up, database, key)
        if caller is None:
            limiter.record_failure(address)
        else:
            keys.put(key, caller)
    if caller is None:
        raise ApiError(401, "unauthorized", "缺少或无效的 X-API-Key", "missing or invalid X-API-Key")
    return caller


def look_up(database: Database, key: str) -> Caller | None:
    with database.session() as session:
        return authenticate(session, key)


def require_role(caller: Caller, role: Role, zh: str, en: str) -> None:
    """403 `insufficient_role` unless the key's role is `role` or above; `zh` and `en` name what
    the caller tried (e.g. 审定方案 / approve a plan)."""
    if not caller.may(role):
        raise ApiError(
            403,
            "insufficient_role",
            f"此密钥的角色为 {caller.role}，不能{zh}；需要 {role} 或更高的角色",
            f"this key's role is {caller.role}: it may not {en}; that needs role {role} or above",
        )


async def get_planner(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller of a route that changes something: a viewer gets 403 before the request's body
    or ids are looked at."""
    require_role(caller, "planner", "修改任何数据（只读）", "change anything (read only)")
    return caller


SessionDep = Annotated[Session, Depends(get_session)]
CallerDep = Annotated[Caller, Depends(get_caller)]
PlannerDep = Annotated[Caller, Depends(get_planner)]
"""The caller of every route that changes something (viewer keys are refused)."""
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_lang(
    request: Request,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(
            description="The language of messages and problems in the answer; without it, the one "
            "Accept-Language prefers (by q), else Chinese."
        ),
    ] = None,
) -> str:
    """The answer's language, with `lang` declared so that the route's documentation lists it."""
    return lang or request_lang(request)


LangDep = Annotated[str, Depends(get_lang)]
"""zh or en: the language of messages in answers (see api.errors.request_lang)."""


def committed(session: Session, answer: T) -> T:
    """Commits before the route answers: the session's own commit runs only after the response is
    sent, and a client that lists scenarios or polls a job at once (the web page does) must find it."""
    session.commit()
    return answer


def cancel_answer(job_id: str, status: str | None, location: str) -> Response:
    """The answer to a DELETE of a job: 204 once it is deleted, else 202 with its new status and
    where to follow it."""
    if status is None:
        return Response(status_code=204)
    content = {"id": job_id, "status": status}
    return JSONResponse(status_code=202, content=content, headers={"Location": location})


def plan_result_of(job: PlanJob) -> dict[str, Any]:
    """The job's plan document, or 409 while it has none."""
    if job.result is None:
        raise ApiError(
            409,
            "no_plan",
            f"方案任务 {job.id} 尚无方案(状态 {job.status})",
            f"plan {job.id} has no plan yet (status {job.status})",
        )
    return job.result


def solved_job(session: Session, job: PlanJob) -> SolvedJob:
    """What re-solves and explanations need of a job with a plan (409 without one)."""
    result = plan_result_of(job)
    return SolvedJob(session.get_one(ScenarioRow, job.scenario_id).document, dict(job.request), result)


MEMBERS = {"teachers": ("teacher_id", "教师", "teacher"), "schools": ("school_id", "学校", "school")}
"""The tables a plan's explanations look up: their id column and their noun in zh and en."""


def require_member(solved: SolvedJob, table: str, value: str) -> None:
    """404 for a teacher or school (`table` teachers or schools) the plan's scenario does not have."""
    column, zh, en = MEMBERS[table]
    if not any(row.get(column) == value for row in solved.document.get(table, [])):
        raise ApiError(
            404, "not_found", f"方案的场景中没有{zh} {value}", f"no {en} {value} in the plan's scenario"
        )


def resolve_seconds(settings: Settings, time_limit: float | None) -> float:
    """The re-solve budget asked for, within the server's cap (422 above it)."""
    if time_limit is None:
        return min(RESOLVE_SECONDS, settings.max_time_limit)
    if time_limit > settings.max_time_limit:
        raise over_cap(settings, time_limit, "query")
    return time_limit


def over_cap(settings: Settings, time_limit: float, part: str) -> ApiError:
    """422 for a time limit over settings.max_time_limit, in the request's `part` (body or query)."""
    cap = settings.max_time_limit
    return request_problem(
        "over_cap",
        f"{time_limit:g} 秒超过本服务器的上限 {cap:g} 秒",
        f"{time_limit:g} s is over this server's cap of {cap:g} s",
        part,
        "time_limit",
    )
