"""API keys: made here, stored as SHA-256 digests, scoped to regions (or admin)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ApiKey

KEY_PREFIX = "rk_"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the regions their key holds, or admin (every region)."""

    key_id: str
    regions: frozenset[str]
    admin: bool

    def may_access(self, regions: Iterable[str]) -> bool:
        """A scenario belongs to the regions of its schools; the key must hold all of them."""
        return self.admin or set(regions) <= self.regions


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, regions: list[str], admin: bool = False, label: str = "") -> str:
    """A new key, returned once in clear; only its digest is stored."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
    session.add(
        ApiKey(prefix=prefix, digest=digest(key), regions=sorted(set(regions)), admin=admin, label=label)
    )
    session.flush()
    return key


def authenticate(session: Session, key: str | None) -> Caller | None:
    """The caller of a key, or None when the key is missing, malformed, unknown or revoked."""
    if not key or not key.startswith(KEY_PREFIX) or key.count("_") < 2:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    wanted = digest(key)
    for row in session.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked.is_(False))):
        if hmac.compare_digest(row.digest, wanted):
            return Caller(row.id, frozenset(row.regions), row.admin)
    return None
