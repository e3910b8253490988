"""/health: liveness and the state of the storage and the solve queue (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness, database and queue state")
def health(request: Request) -> dict[str, object]:
    with request.app.state.database.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", **request.app.state.runner.stats()}
