"""Users, passwords (Argon2id), server-side sessions with CSRF tokens, login throttling.

The session cookie carries a random token; the database keeps only its SHA-256, so
a leaked database does not hand out live sessions. Each session has its own CSRF
token that every POST form must echo.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from pipeline.errors import ExitCode, SohoaError

from .db import aware, login_failures, sessions, users, utcnow

ROLES = ("clerk", "admin")
SESSION_LIFETIME = timedelta(hours=12)
FREE_FAILURES = 3  # wrong passwords allowed before the delay starts
MAX_DELAY_SECONDS = 15 * 60

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not a password of anyone")  # equal work for unknown user names


class ReviewUserError(SohoaError):
    exit_code = ExitCode.bad_args
    code = "review_user"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    token_hash: str


def add_user(engine: Engine, name: str, role: str, password: str) -> User:
    """Create a user, or set a new password and role when the name exists."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ReviewUserError("user name must be 1-100 characters", how_to_fix="choose another name")
    if role not in ROLES:
        raise ReviewUserError(f"unknown role {role!r}", how_to_fix="use --role clerk or --role admin")
    if len(password) < 8:
        raise ReviewUserError("password too short", how_to_fix="use at least 8 characters")
    hashed = _hasher.hash(password)
    with engine.begin() as conn:
        row = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
        if row:
            conn.execute(users.update().where(users.c.id == row.id).values(role=role, password_hash=hashed))
            conn.execute(sessions.delete().where(sessions.c.user_id == row.id))
            user_id = row.id
        else:
            user_id = conn.execute(
                users.insert().values(name=name, role=role, password_hash=hashed, created_at=utcnow())
            ).inserted_primary_key[0]
    return User(user_id, name, role)


def throttle_key(name: str, client: str) -> str:
    return f"{name.strip().lower()}|{client}"[:300]


def retry_after(engine: Engine, key: str) -> float:
    """Seconds to wait before this user+address may try again (0 = may try now).

    The delay doubles with every failure past the free ones: 1 s, 2 s, 4 s ... 15 min.
    """
    with engine.connect() as conn:
        row = conn.execute(sa.select(login_failures).where(login_failures.c.key == key)).first()
    if row is None or row.failures < FREE_FAILURES:
        return 0.0
    delay = min(2 ** (row.failures - FREE_FAILURES), MAX_DELAY_SECONDS)
    waited = (utcnow() - aware(row.last_at)).total_seconds()
    return max(0.0, delay - waited)


def _record_failure(engine: Engine, key: str) -> None:
    with engine.begin() as conn:
        updated = conn.execute(
            login_failures.update()
            .where(login_failures.c.key == key)
            .values(failures=login_failures.c.failures + 1, last_at=utcnow())
        ).rowcount
        if not updated:
            conn.execute(login_failures.insert().values(key=key, failures=1, last_at=utcnow()))


def authenticate(engine: Engine, name: str, password: str, client: str) -> User | None:
    """Check a password; callers must check ``retry_after`` first."""
    key = throttle_key(name, client)
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        _record_failure(engine, key)
        return None
    with engine.begin() as conn:
        conn.execute(login_failures.delete().where(login_failures.c.key == key))
        if _hasher.check_needs_rehash(row.password_hash):
            conn.execute(users.update().where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return User(row.id, row.name, row.role)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User) -> str:
    """Start a session; returns the cookie token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.expires_at < now))
        conn.execute(
            sessions.insert().values(
                token_hash=_hash_token(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                created_at=now, expires_at=now + SESSION_LIFETIME,
            )
        )
    return token


def load_session(engine: Engine, token: str | None) -> Session | None:
    if not token:
        return None
    token_hash = _hash_token(token)
    query = (
        sa.select(sessions.c.csrf, sessions.c.expires_at, users.c.id, users.c.name, users.c.role)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or aware(row.expires_at) < utcnow():
        return None
    return Session(User(row.id, row.name, row.role), row.csrf, token_hash)


def close_session(engine: Engine, session: Session) -> None:
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.token_hash == session.token_hash))


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
