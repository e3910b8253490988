"""Shared route dependencies: settings, database sessions, the authenticated caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import Database
from api.security import Caller, authenticate

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A key from `rotation keys create`."
)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.session() as session:
        yield session


def get_caller(
    session: Annotated[Session, Depends(get_session)],
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> Caller:
    caller = authenticate(session, key)
    if caller is None:
        raise HTTPException(status_code=401, detail="missing or invalid X-API-Key")
    return caller


SessionDep = Annotated[Session, Depends(get_session)]
CallerDep = Annotated[Caller, Depends(get_caller)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
