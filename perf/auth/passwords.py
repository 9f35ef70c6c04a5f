"""Passwords and sign-in: the password rules and hashing, changing a password, signing in and out, and
ending a user's sessions (each session carries the account's session version, ``User.get_id``).

Services flush, never commit: the boundary commits once. Password hashes never reach the audit log,
only ``MASK``.
"""

import re
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from perf.audit.services import record
from perf.auth import throttle
from perf.auth.models import User
from perf.auth.queries import find_user
from perf.auth.tokens import revoke_token, tokens_of
from perf.db import utcnow
from perf.errors import Problems, RuleError
from perf.extensions import db
from perf.fields import CONTROL

MIN_PASSWORD_LENGTH = 8
#: What the audit log shows instead of a password or its hash.
MASK = "***"

#: Passwords people pick first (the most common in published leaks, and the usual office ones): refused.
COMMON_PASSWORDS = frozenset(
    """
    password password1 password123 passw0rd p@ssw0rd p@ssword admin123 admin1234 admin@123 administrator
    root1234 abc12345 abcd1234 a1234567 a12345678 aa123456 qwe12345 qwer1234 1qaz2wsx 1q2w3e4r 1q2w3e4r5t
    qwertyui qwerty123 zxcvbnm1 asdf1234 iloveyou1 welcome1 welcome123 letmein1 test1234 test@123 user1234
    guest123 changeme changeme1 12345678a 123456789a 123qweasd 123abc456 woaini1314 woaini520 5201314a
    88888888a 66666666a aini1314 perf1234 perf2024 perf@2024 gov12345
    """.split()  # noqa: SIM905 - a word list reads best as words
)
#: The kinds of character a password mixes: letters, digits, anything else (symbols, Chinese …).
CHARACTER_CLASSES = (re.compile(r"[A-Za-z]"), re.compile(r"\d"), re.compile(r"[^A-Za-z\d]"))


def password_problems(password: str | None) -> list[str]:
    """What is wrong with a new password: too short, one kind of character only, or one everybody tries."""
    if not password:
        return ["请输入密码"]
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if password.isdigit():
        problems.append("密码不能全部是数字")
    elif sum(1 for kind in CHARACTER_CLASSES if kind.search(password)) < 2:
        problems.append("密码须混合字母、数字、符号中的至少两类")
    if password.lower() in COMMON_PASSWORDS or len(set(password.lower())) <= 2:
        problems.append("密码过于常见或过于简单，容易被猜中，请换一个")
    return problems


def hash_password(password: str) -> str:
    """Hash with the configured scheme (werkzeug's scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def end_sessions(user: User) -> None:
    """End every session of ``user`` (sign-out, a new password): each carries the session version it
    began with (``User.get_id``), and one older than the account's is no longer signed in."""
    user.session_version = (user.session_version or 1) + 1


def set_password(user: User, new_password: str, actor: str) -> None:
    """Replace the user's password; raise RuleError when it is too weak."""
    problems = password_problems(new_password)
    if problems:
        raise RuleError({"password": problems})
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    db.session.flush()
    summary = f"修改用户 {user.username} 的密码"
    record(actor, "user.password", "user", user.id, summary, {"password": [MASK, MASK]})


def change_own_password(
    user: User, current: str, new: str, confirm: str | None = None, revoke_tokens: bool = False
) -> None:
    """A user's own change: the current password must match, the new one be strong, differ and (when
    ``confirm`` is given) be typed twice alike. RuleError with every problem at once. The user's other
    sessions end; with ``revoke_tokens`` their API tokens are revoked too."""
    problems = Problems()
    if not current:
        problems.add("current_password", "请输入当前密码")
    elif not check_password_hash(user.password_hash, current):
        problems.add("current_password", "当前密码不正确")
    if new and new == current:
        problems.add("password", "新密码不能与当前密码相同")
    else:
        problems.add("password", *password_problems(new))
    if confirm is not None and not confirm:
        problems.add("confirm", "请再次输入新密码")
    elif confirm is not None and new and confirm != new:
        problems.add("confirm", "两次输入的新密码不一致")
    problems.raise_if_any()
    set_password(user, new, actor=user.username)
    if revoke_tokens:
        revoke_all(user, user.username)


def revoke_all(user: User, actor: str) -> int:
    """Revoke every active API token of ``user`` (each audited); how many there were."""
    active = [token for token in tokens_of(user) if token.active]
    for token in active:
        revoke_token(token, actor)
    return len(active)


def authenticate(username: str, password: str, address: str = "") -> User | None:
    """The active user with these credentials (stamping last_login_at), else None.

    Both outcomes are audited for known user names; an unknown name still costs one hash
    check so response times do not reveal which names exist. Every failure is also audited under
    the address it came from; too many of either lock it (``perf.auth.throttle``: RuleError
    "throttled", 429), the right password included.
    """
    since = throttle.window_start()
    if address and throttle.failures("address", address, since) >= throttle.ADDRESS_FAILURES:
        raise RuleError(throttle.ADDRESS_LOCKED, "throttled")
    typed = (username or "").strip()
    user = None if CONTROL.search(typed) else find_user(typed)  # no user name holds a control character
    if user is not None and throttle.failures("user", str(user.id), since) >= throttle.ACCOUNT_FAILURES:
        raise RuleError(throttle.ACCOUNT_LOCKED, "throttled")
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        throttle.failed_from(address, username, since)
        return None
    if not check_password_hash(user.password_hash, password or ""):
        record(user.username, "user.login_failed", "user", user.id, "登录失败：密码错误")
        throttle.failed_from(address, user.username, since)
        throttle.lock_account_if_due(user, since)
        return None
    if not user.active:
        record(user.username, "user.login_failed", "user", user.id, "登录失败：账户已停用")
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    record(user.username, "user.login", "user", user.id, "登录")
    return user


def note_logout(user: User) -> None:
    """Audit a sign-out, and end the user's sessions: a copy of the session cookie no longer signs in."""
    end_sessions(user)
    db.session.flush()
    record(user.username, "user.logout", "user", user.id, "退出登录")


@cache
def _dummy_hash() -> str:
    """A hash to check against when the user name is unknown (made once per process)."""
    return hash_password("perf-no-such-user")
