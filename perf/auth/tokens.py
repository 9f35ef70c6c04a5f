"""API tokens: create (the secret is returned once), revoke, and find the token a request presents.

A token is 32 random bytes (``secrets.token_urlsafe``), so a single SHA-256 is enough to
store it: unlike a password it cannot be guessed from a dictionary. Services flush; the
boundary commits.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from perf.audit.services import record
from perf.auth.models import ApiToken
from perf.db import utcnow
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import unsavable

#: Every secret starts with this, so a leaked one is easy to recognise (and to search for).
SECRET_PREFIX = "perf_"
#: How many characters of the secret are kept to tell tokens apart.
SHOWN = 12
#: last_used_at is written at most this often per token.
TOUCH_EVERY = timedelta(minutes=1)
MAX_NAME = 100


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of the secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user, name: str, actor: str | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret (shown once, never stored); ``actor``: who made it, if not the user."""
    name = (name or "").strip()
    if not name:
        raise RuleError({"name": ["请填写令牌名称"]})
    if len(name) > MAX_NAME:
        raise RuleError({"name": [f"令牌名称最多 {MAX_NAME} 个字"]})
    if refused := unsavable(name, "令牌名称"):
        raise RuleError({"name": [refused]})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:SHOWN])
    db.session.add(token)
    db.session.flush()
    summary = f"新建 API 令牌“{name}”（{token.prefix}…）" + (f"，用户 {user.username}" if actor else "")
    record(actor or user.username, "api_token.create", "user", user.id, summary, {})
    return token, secret


def revoke_token(token: ApiToken, actor: str) -> None:
    """Revoke a token at once; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    record(actor, "api_token.revoke", "user", token.user_id, f"吊销 API 令牌“{token.name}”（{token.prefix}…）", {})
    db.session.flush()


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def token_of(user, token_id: int) -> ApiToken | None:
    """One of the user's own tokens (None for anyone else's)."""
    token = db.session.get(ApiToken, token_id) if 1 <= token_id < 2**31 else None
    return token if token is not None and token.user_id == user.id else None


def find_active(secret: str) -> ApiToken | None:
    """The unrevoked token of an active user with this secret, or None."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or not token.active or not token.user.active:
        return None
    return token


def touch(token: ApiToken) -> bool:
    """Note the token was used (at most once per TOUCH_EVERY); True when it changed."""
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=now.tzinfo)
    if last is not None and now - last < TOUCH_EVERY:
        return False
    token.last_used_at = now
    return True
