"""Users: the account rules, password hashing and sign-in.

Services flush, never commit: the boundary (view, CLI command) commits once. Every write
leaves an audit entry; password hashes never reach the log, only "***" markers.
"""

import re
from collections.abc import Iterable
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from perf.audit.services import record
from perf.auth import throttle
from perf.auth.models import DEPARTMENT_ROLES, ROLE_LABELS, ROLES, User
from perf.auth.queries import find_user, username_taken
from perf.auth.tokens import revoke_token, tokens_of
from perf.db import utcnow
from perf.errors import Problems, RuleError
from perf.extensions import db
from perf.fields import CONTROL, unsavable
from perf.org.models import Department, Unit
from perf.versions import claim

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,64}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
MAX_EMAIL = 254
#: How a user is reached: the address, e-mail on or off, a daily digest instead of each message.
NOTICE_FIELDS = ("email", "notify_email", "digest")
MIN_PASSWORD_LENGTH = 8
MAX_DISPLAY_NAME = 100
#: What the audit log shows instead of a password or its hash.
MASK = "***"
#: Fields ``update_user`` accepts; they double as the paths of its RuleErrors.
EDITABLE = ("role", "display_name", "unit_ids", "department_id", "active", "password", *NOTICE_FIELDS)


# Pure rules ------------------------------------------------------------------------------


def username_problems(username: str) -> list[str]:
    """What is wrong with a user name's form (uniqueness is checked against the database)."""
    if not username:
        return ["请输入用户名"]
    if not 3 <= len(username) <= 64:
        return ["用户名长度应为 3–64 个字符"]
    if not USERNAME_PATTERN.fullmatch(username):
        return ["用户名只能包含英文字母、数字和 _ . -"]
    return []


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


def display_name_problems(display_name: str) -> list[str]:
    """What is wrong with a display name."""
    if len(display_name) > MAX_DISPLAY_NAME:
        return [f"显示名称不能超过 {MAX_DISPLAY_NAME} 个字符"]
    refused = unsavable(display_name, "显示名称")
    return [refused] if refused else []


def email_problems(email: str) -> list[str]:
    """What is wrong with an e-mail address (empty: in-app messages only)."""
    if not email:
        return []
    if len(email) > MAX_EMAIL:
        return [f"电子邮箱不能超过 {MAX_EMAIL} 个字符"]
    if not EMAIL_PATTERN.fullmatch(email):
        return ["请输入有效的电子邮箱，例如 zhang@example.gov.cn"]
    return []


# Writes ----------------------------------------------------------------------------------


def check_new_user(
    username: str,
    role: str,
    display_name: str = "",
    unit_ids: Iterable[int] = (),
    department_id: int | None = None,
    email: str = "",
) -> None:
    """Raise RuleError if a new account's fields, password aside, break a rule."""
    errors, _, _ = _new_user_errors(username, role, display_name, unit_ids, department_id, (email or "").strip())
    if errors:
        raise RuleError(errors)


def create_user(
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    unit_ids: Iterable[int] = (),
    department_id: int | None = None,
    actor: str = "cli",
    email: str = "",
    notify_email: bool = True,
    digest: bool = False,
) -> User:
    """Add an active account; raise RuleError listing every broken rule."""
    username, display_name, email = username.strip(), display_name.strip(), (email or "").strip()
    errors, units, department = _new_user_errors(username, role, display_name, unit_ids, department_id, email)
    _add(errors, "password", password_problems(password) if password else ["请设置初始密码"])
    if errors:
        raise RuleError(errors)
    user = User(username=username, display_name=display_name, role=role, active=True)
    user.email, user.notify_email, user.digest = email, bool(notify_email), bool(digest)
    user.units, user.department = units, department
    user.password_hash = _hash(password)
    db.session.add(user)
    db.session.flush()
    changes = {name: [None, value] for name, value in _snapshot(user).items()}
    changes["password"] = [None, MASK]
    record(actor, "user.create", "user", user.id, f"新建用户 {username}（{user.role_label}）", changes)
    return user


#: What an edit of an account from an older read is told.
STALE_USER = "该用户在您打开页面后已被他人修改，您的修改未保存；您填写的内容已保留，请核对后再保存。"


def update_user(
    user: User, actor: str, expected_version: int | None = None, revoke_tokens: bool = False, **fields
) -> User:
    """Change any of EDITABLE (an empty ``password`` keeps the old one); audit what changed.

    ``expected_version``: the account's version the edit was made from (a change since: stale). A new
    password ends the user's sessions (``end_sessions``) and, with ``revoke_tokens``, revokes the user's
    API tokens.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_user() got unexpected fields: {sorted(unknown)}")
    if expected_version is not None and expected_version != user.lock_version:
        raise RuleError(STALE_USER, "stale")
    values = _update_values(user, fields)
    before = _snapshot(user)
    user.role, user.active, user.display_name = values["role"], values["active"], values["name"]
    user.units, user.department = values["units"], values["department"]
    user.email, user.notify_email, user.digest = values["email"], values["notify_email"], values["digest"]
    changes = _diff(before, _snapshot(user))
    if values["password"] is not None:
        user.password_hash = _hash(values["password"])
        changes["password"] = [MASK, MASK]
        end_sessions(user)
        if revoke_tokens:
            revoke_all(user, actor)
    if changes:
        claim(user, None, STALE_USER)  # of two edits that read this version, the first wins
        db.session.flush()
        record(actor, "user.update", "user", user.id, f"修改用户 {user.username}", changes)
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user`` (sign-out, a new password): each carries the session version it
    began with (``User.get_id``), and one older than the account's is no longer signed in."""
    user.session_version = (user.session_version or 1) + 1


def set_notices(user: User, actor: str, email: str, notify_email: bool, digest: bool) -> User:
    """One's own address and how messages reach one (我的账户); audited like the admin's edit."""
    return update_user(user, actor, email=email, notify_email=notify_email, digest=digest)


def set_password(user: User, new_password: str, actor: str) -> None:
    """Replace the user's password; raise RuleError when it is too weak."""
    problems = password_problems(new_password)
    if problems:
        raise RuleError({"password": problems})
    user.password_hash = _hash(new_password)
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


# Helpers ---------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    """A hash to check against when the user name is unknown (made once per process)."""
    return _hash("perf-no-such-user")


def _add(errors: dict[str, list[str]], name: str, problems: list[str]) -> None:
    if problems:
        errors.setdefault(name, []).extend(problems)


def _new_user_errors(
    username: str, role: str, display_name: str, unit_ids: Iterable[int], department_id, email: str = ""
) -> tuple[dict[str, list[str]], list[Unit], Department | None]:
    """Every broken rule of a new account, password aside, with its units and department."""
    errors: dict[str, list[str]] = {}
    _add(errors, "username", username_problems(username) or _taken(username))
    _add(errors, "display_name", display_name_problems(display_name))
    _add(errors, "email", email_problems(email))
    units, department = _assignment(errors, role, unit_ids, department_id)
    return errors, units, department


def _update_values(user: User, fields: dict) -> dict:
    """The account's values after applying ``fields``; RuleError on a broken rule."""
    role = fields.get("role", user.role)
    active = bool(fields.get("active", user.active))
    name = (fields.get("display_name", user.display_name) or "").strip()
    unit_ids = fields.get("unit_ids", [unit.id for unit in user.units])
    department_id = fields.get("department_id", user.department_id)
    password = fields.get("password") or None
    email = (fields.get("email", user.email) or "").strip()
    errors: dict[str, list[str]] = {}
    _add(errors, "display_name", display_name_problems(name))
    _add(errors, "email", email_problems(email))
    units, department = _assignment(errors, role, unit_ids, department_id)
    if password is not None:
        _add(errors, "password", password_problems(password))
    _keep_an_admin(errors, user, role, active)
    if errors:
        raise RuleError(errors)
    return {
        "role": role,
        "active": active,
        "name": name,
        "units": units,
        "department": department,
        "password": password,
        "email": email,
        "notify_email": bool(fields.get("notify_email", user.notify_email)),
        "digest": bool(fields.get("digest", user.digest)),
    }


def _taken(username: str) -> list[str]:
    return ["该用户名已存在"] if username_taken(username) else []


def _assignment(
    errors: dict[str, list[str]], role: str, unit_ids: Iterable[int], department_id: int | None
) -> tuple[list[Unit], Department | None]:
    """Units and department for ``role``; a role keeps only what it uses.

    Owners need at least one unit and no department, reviewers and leaders a department and no
    units, admins neither.
    """
    if role not in ROLES:
        _add(errors, "role", ["请选择有效的角色（项目负责人、财务审核、部门领导或管理员）"])
        return [], None
    if role == "owner":
        return _units(errors, unit_ids), None
    if role in DEPARTMENT_ROLES:
        return [], _department(errors, department_id, ROLE_LABELS[role])
    return [], None


def _units(errors: dict[str, list[str]], unit_ids: Iterable[int]) -> list[Unit]:
    ids = sorted(set(unit_ids))
    if not ids:
        _add(errors, "unit_ids", ["项目负责人至少需要负责一个单位"])
        return []
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id)))
    if len(units) != len(ids):
        _add(errors, "unit_ids", ["所选单位不存在"])
    return units


def _department(errors: dict[str, list[str]], department_id: int | None, role_label: str) -> Department | None:
    if department_id is None:
        _add(errors, "department_id", [f"{role_label}需要指定所属部门"])
        return None
    department = db.session.get(Department, department_id)
    if department is None:
        _add(errors, "department_id", ["所选部门不存在"])
    return department


def _keep_an_admin(errors: dict[str, list[str]], user: User, role: str, active: bool) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could manage users."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    others = select(func.count(User.id)).where(User.role == "admin", User.active.is_(True), User.id != user.id)
    if not db.session.scalar(others):
        field = "role" if role != "admin" else "active"
        _add(errors, field, ["至少需要保留一名启用的管理员"])


def _snapshot(user: User) -> dict[str, object]:
    """The audited fields as JSON-safe values."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "units": "、".join(unit.name for unit in user.units),
        "department": user.department.code if user.department else None,
        "active": user.active,
        "email": user.email or "",
        "notify_email": user.notify_email is not False,
        "digest": bool(user.digest),
    }


def _diff(before: dict, after: dict) -> dict[str, list]:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _hash(password: str) -> str:
    """Hash with the configured scheme (werkzeug's scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
