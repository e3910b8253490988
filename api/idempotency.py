"""`Idempotency-Key` on the POSTs that queue work (plan jobs, batches, re-plans): a client that
retries a request it got no answer to gets the first answer again instead of queueing a second
solve.

The first accepted answer is kept per API key and Idempotency-Key for KEEP_HOURS, with a
fingerprint of the request (method, path, body as validated). The same key again with the same
request: the same answer (status, body, Location); with another request: 422. An answer that was
refused is not kept: a retry of it is tried again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import IdempotencyRecord, now
from api.deps import CallerDep, SessionDep
from api.errors import ApiError, request_problem
from api.security import Caller

KEEP_HOURS = 24
"""How long an answer is kept for its Idempotency-Key."""
KEEP = timedelta(hours=KEEP_HOURS)
HEADER = "Idempotency-Key"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description=f"Any unique string (a UUID) of visible ASCII: the same request sent again with "
        f"the same key within {KEEP_HOURS} h gets the first answer (same job, same status and "
        "Location) and queues nothing; the same key with another request is refused (422).",
    ),
]
LOCATION_HEADER = {
    "Location": {"description": "The URL of the job to poll.", "schema": {"type": "string", "format": "uri"}}
}
"""The OpenAPI entry of the Location header of a 202 answer."""


def fingerprint(request: Request, body: BaseModel) -> str:
    """What makes two requests the same: method, path and the body as validated."""
    text = json.dumps(
        [request.method, request.url.path, body.model_dump(mode="json")], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(session: Session, caller: Caller, key: str | None, request_print: str) -> JSONResponse | None:
    """The kept answer to this key, if any (None without a key or a kept answer); 422 when the
    key came with another request."""
    if key is None:
        return None
    record = session.get(IdempotencyRecord, (caller.key_id, key))
    if record is None or _expired(record):
        return None
    if record.fingerprint != request_print:
        raise request_problem(
            "idempotency_key_reused",
            f"此 {HEADER} 已用于另一个请求;新请求请用新的键",
            f"this {HEADER} was used for another request; use a new key for a new request",
            "header",
            HEADER,
        )
    headers = {"Location": record.location} if record.location else None
    return JSONResponse(record.body, status_code=record.status_code, headers=headers)


class Replayed(Exception):
    """A repeated request's first answer, raised by Idempotency.check to send it at once."""

    def __init__(self, answer: Response) -> None:
        super().__init__("replayed")
        self.answer = answer


def install_replays(app: FastAPI) -> None:
    """Send each Replayed answer as it was kept."""

    async def send(_request: Request, replayed: Exception) -> Response:
        assert isinstance(replayed, Replayed)
        return replayed.answer

    app.add_exception_handler(Replayed, send)


class Idempotency:
    """The `Idempotency-Key` guard of a POST that queues or stores something, said once: the route
    takes it as a dependency (IdempotencyDep), calls `check` with its body first (a repeated
    request is answered there with its first answer, and does nothing), and answers with
    `accepted` (a queued job) or `answer`, which keep the answer for the key."""

    def __init__(
        self, request: Request, session: SessionDep, caller: CallerDep, key: IdempotencyKey = None
    ) -> None:
        self.request, self.session, self.caller, self.key = request, session, caller, key
        self.request_print = ""

    def check(self, body: BaseModel) -> None:
        """Raise Replayed with the kept answer of this key and request; 422 when the key came with
        another request; nothing without a key or a kept answer."""
        self.request_print = fingerprint(self.request, body)
        kept = _replay(self.session, self.caller, self.key, self.request_print)
        if kept is not None:
            raise Replayed(kept)

    def accepted(self, answer: BaseModel, job_id: str) -> Response:
        """The 202 of a request that queued a job, with the Location of the job to poll."""
        return self.answer(answer, str(self.request.url_for("get_plan", job_id=job_id)), 202)

    def answer(self, answer: BaseModel, location: str, status_code: int) -> Response:
        """The answer (`status_code`, `Location`) of the checked request, kept for its key and
        committed before answering: a client following the Location at once must find it."""
        return _kept_answer(
            self.session, self.caller, self.key, self.request_print, answer, location, status_code
        )


IdempotencyDep = Annotated[Idempotency, Depends()]


def _kept_answer(
    session: Session,
    caller: Caller,
    idempotency_key: str | None,
    request_print: str,
    answer: BaseModel,
    location: str,
    status_code: int,
) -> Response:
    """The answer of a request that did its work (`status_code` with `Location`), kept for its
    Idempotency-Key and committed before answering (a request with the same key that got there
    first: its answer instead)."""
    first = _remember(session, caller, idempotency_key, request_print, answer, location, status_code)
    session.commit()
    if first is not None:
        return first
    return JSONResponse(
        answer.model_dump(mode="json"), status_code=status_code, headers={"Location": location}
    )


def _remember(
    session: Session,
    caller: Caller,
    key: str | None,
    request_print: str,
    answer: BaseModel,
    location: str,
    status_code: int,
) -> JSONResponse | None:
    """Keeps the answer (202, or 201 for what a request created) for the key (and drops the
    answers kept past KEEP_HOURS), in the transaction of the work it answers. None once kept;
    when a request with the same key, sent at the same time, kept its answer first, this
    request's work is rolled back and that answer is returned instead."""
    if key is None:
        return None
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now() - KEEP))
    record = IdempotencyRecord(
        key_id=caller.key_id,
        key=key,
        fingerprint=request_print,
        status_code=status_code,
        body=answer.model_dump(mode="json"),
        location=location,
    )
    session.add(record)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        first = _replay(session, caller, key, request_print)
        if first is None:
            raise ApiError(
                409,
                "idempotency_key_in_use",
                f"另一个带相同 {HEADER} 的请求正在处理;请稍后重试",
                f"another request with the same {HEADER} is in progress; retry later",
                headers={"Retry-After": "1"},
            ) from None
        return first
    return None


def _expired(record: IdempotencyRecord) -> bool:
    created = record.created_at if record.created_at.tzinfo else record.created_at.replace(tzinfo=UTC)
    return now() - created >= KEEP
