"""Sign-in and API-token throttling, counted from the audit log (so every web worker sees the same counts).

``ACCOUNT_FAILURES`` failed sign-ins of one account, or ``ADDRESS_FAILURES`` from one address, within
``LOCK_MINUTES`` lock it (``perf.auth.passwords.authenticate`` refuses with RuleError "throttled", 429)
until the oldest of them is that old; ``TOKEN_FAILURES`` wrong API tokens from one address lock it out
of the API. Each failure is an audit entry (under the account and under the address), and the failure
that locks is followed by the lock's own entry. Services flush; the caller commits.
"""

from datetime import timedelta

from sqlalchemy import func, select

from perf.audit.models import AuditEntry
from perf.audit.services import record
from perf.db import utcnow
from perf.extensions import db
from perf.fields import CONTROL

#: Failed sign-ins within LOCK_MINUTES that lock an account, and an address (whatever names it tries).
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
LOCK_MINUTES = 15
ACCOUNT_LOCKED = f"该账户登录失败次数过多，已暂时锁定，请 {LOCK_MINUTES} 分钟后再试；忘记密码请联系系统管理员。"
ADDRESS_LOCKED = f"从这台电脑登录失败的次数过多，请 {LOCK_MINUTES} 分钟后再试。"


#: Requests with a wrong API token from one address within LOCK_MINUTES that lock the address out of the API.
TOKEN_FAILURES = 20
TOKEN_LOCKED = f"从这个地址发来的无效 API 令牌过多，请 {LOCK_MINUTES} 分钟后再试。"


def window_start():
    """Failures since this moment count."""
    return utcnow() - timedelta(minutes=LOCK_MINUTES)


def failures(object_type: str, object_id: str, since, audited: str | None = None) -> int:
    """Failures audited under an account (``user``) or an address since ``since`` (sign-ins unless ``audited``)."""
    db.session.flush()
    audited = audited or ("user.login_failed" if object_type == "user" else "address.login_failed")
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == audited,
            AuditEntry.object_type == object_type,
            AuditEntry.object_id == object_id,
            AuditEntry.at >= since,
        )
    )


def lock_account_if_due(user, since) -> None:
    """After a failed sign-in: the failure that reaches ``ACCOUNT_FAILURES`` is audited as the lock."""
    if failures("user", str(user.id), since) == ACCOUNT_FAILURES:
        summary = f"登录失败 {ACCOUNT_FAILURES} 次，账户锁定 {LOCK_MINUTES} 分钟"
        record(user.username, "user.login_locked", "user", user.id, summary)


def failed_from(address: str, username: str, since) -> None:
    """Audit a failed sign-in under its address; the failure that locks the address is audited as the lock."""
    if not address:
        return
    name = CONTROL.sub("", username or "").strip()[:100] or "（空）"  # what was typed, as audit text
    record(name, "address.login_failed", "address", address, f"登录失败：{name}")
    if failures("address", address, since) == ADDRESS_FAILURES:
        summary = f"该地址登录失败 {ADDRESS_FAILURES} 次，锁定 {LOCK_MINUTES} 分钟"
        record(name, "address.login_locked", "address", address, summary)


def token_locked(address: str) -> bool:
    """True while ``address`` has sent ``TOKEN_FAILURES`` wrong tokens within ``LOCK_MINUTES``."""
    return bool(address) and failures("address", address, window_start(), "address.token_failed") >= TOKEN_FAILURES


def note_token_failure(address: str) -> None:
    """Audit a request with a wrong token under its address (the caller commits it: the request itself
    answers 401 and rolls back); the failure that locks the address is audited as the lock."""
    if not address:
        return
    record("API", "address.token_failed", "address", address, "API 令牌无效")
    if failures("address", address, window_start(), "address.token_failed") == TOKEN_FAILURES:
        summary = f"该地址无效 API 令牌 {TOKEN_FAILURES} 次，锁定 {LOCK_MINUTES} 分钟"
        record("API", "address.token_locked", "address", address, summary)
