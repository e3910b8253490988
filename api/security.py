"""API keys: made here, stored as SHA-256 digests, scoped to regions (or admin), each with a
person's name and a role; wrong keys counted per client address so that guessing is throttled."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ApiKey

KEY_PREFIX = "rk_"
DEMO_LABEL = "rotation serve --demo"
"""The label of the admin key `rotation serve --demo` prints; each start revokes the previous one."""
Role = Literal["viewer", "planner", "approver", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
"""Each role may do what the roles before it may, and more: a viewer reads; a planner changes
scenarios and plans and puts a plan on notice; an approver also approves, executes and withdraws
approved plans; an admin holds every region and reads every metric and audit line."""
KEY_CACHE_SECONDS = 5.0
"""How long a server process trusts a key it checked (KeyCache): a revoked key is refused within this."""
TRACKED_ADDRESSES = 10_000
"""Addresses the bad-key limiter remembers before it forgets those whose failures have expired."""


@dataclass(frozen=True)
class Caller:
    """Who is calling: the regions their key holds, or admin (every region); the key's role and
    the name the audit log records (the key's person, else its label, else its prefix)."""

    key_id: str
    regions: frozenset[str]
    admin: bool
    role: Role
    name: str

    def may(self, role: Role) -> bool:
        """Whether the key's role is `role` or one after it in ROLES."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def may_access(self, regions: Iterable[str]) -> bool:
        """A scenario belongs to the regions of its schools; the key must hold all of them."""
        return self.admin or set(regions) <= self.regions


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    session: Session,
    regions: list[str],
    admin: bool = False,
    label: str = "",
    role: Role = "planner",
    name: str = "",
) -> str:
    """A new key, returned once in clear; only its digest is stored. `admin` is role admin (and
    role admin is every region)."""
    if admin:
        role = "admin"
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
    session.add(
        ApiKey(
            prefix=prefix,
            digest=digest(key),
            regions=sorted(set(regions)),
            admin=role == "admin",
            label=label,
            role=role,
            name=name,
        )
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
            name = row.name or row.label or f"{KEY_PREFIX}{row.prefix}"
            return Caller(row.id, frozenset(row.regions), row.admin, cast(Role, row.role), name)
    return None


class KeyCache:
    """The callers of keys this server process checked lately, by the key's digest, each kept
    `seconds` (a status poll then needs no key lookup): only keys that were right are kept, and
    a key revoked meanwhile is refused once its entry is that old. At most `size` entries; when
    full, every entry is dropped (the keys in use come back at their next request)."""

    def __init__(self, seconds: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.size, self.clock = seconds, size, clock
        self.callers: dict[str, tuple[float, Caller]] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> Caller | None:
        """The key's caller if it was checked less than `seconds` ago, else None."""
        with self.lock:
            entry = self.callers.get(digest(key))
        if entry is None or self.clock() - entry[0] >= self.seconds:
            return None
        return entry[1]

    def put(self, key: str, caller: Caller) -> None:
        with self.lock:
            if len(self.callers) >= self.size:
                self.callers.clear()
            self.callers[digest(key)] = (self.clock(), caller)


def replace_demo_key(session: Session) -> str:
    """A new demo admin key; the previous demo keys are revoked (only digests are stored, so an
    old key cannot be shown again, and one printed at each start must not stay valid forever)."""
    for row in session.scalars(select(ApiKey).where(ApiKey.label == DEMO_LABEL, ApiKey.revoked.is_(False))):
        row.revoked = True
    return create_key(session, [], admin=True, label=DEMO_LABEL)


class BadKeyLimiter:
    """Wrong keys per client address in a sliding window: after `limit` of them within `window`
    seconds the address is refused (before its key is looked up) until the oldest of them is
    `window` seconds old. A limit of 0 turns it off. Kept in memory: one server process counts."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Whole seconds until `address` may send a key again; 0 when it may now."""
        with self.lock:
            times = self.failures.get(address)
            if self.limit <= 0 or times is None or len(times) < self.limit:
                return 0
            wait = times[0] + self.window - self.clock()
        return math.ceil(wait) if wait > 0 else 0

    def record_failure(self, address: str) -> None:
        if self.limit <= 0:
            return
        with self.lock:
            now = self.clock()
            if address not in self.failures and len(self.failures) >= TRACKED_ADDRESSES:
                self._forget_expired(now)
            self.failures.setdefault(address, deque(maxlen=self.limit)).append(now)

    def _forget_expired(self, now: float) -> None:
        expired = [address for address, times in self.failures.items() if times[-1] + self.window <= now]
        for address in expired:
            del self.failures[address]
