"""Users: the account rules, creating and changing accounts (passwords and sign-in: perf/auth/passwords.py).

Services flush, never commit: the boundary (view, CLI command) commits once. Every write
leaves an audit entry; password hashes never reach the log, only "***" markers.
"""

import re
from collections.abc import Iterable

from sqlalchemy import func, select

from perf.audit.services import record
from perf.auth.models import DEPARTMENT_ROLES, ROLE_LABELS, ROLES, User
from perf.auth.passwords import MASK, end_sessions, hash_password, password_problems, revoke_all
from perf.auth.queries import username_taken
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.org.models import Department, Unit
from perf.versions import claim

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,64}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
MAX_EMAIL = 254
#: How a user is reached: the address, e-mail on or off, a daily digest instead of each message.
NOTICE_FIELDS = ("email", "notify_email", "digest")
MAX_DISPLAY_NAME = 100
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
    user.password_hash = hash_password(password)
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
        user.password_hash = hash_password(values["password"])
        changes["password"] = [MASK, MASK]
        end_sessions(user)
        if revoke_tokens:
            revoke_all(user, actor)
    if changes:
        claim(user, None, STALE_USER)  # of two edits that read this version, the first wins
        db.session.flush()
        record(actor, "user.update", "user", user.id, f"修改用户 {user.username}", changes)
    return user


def set_notices(user: User, actor: str, email: str, notify_email: bool, digest: bool) -> User:
    """One's own address and how messages reach one (我的账户); audited like the admin's edit."""
    return update_user(user, actor, email=email, notify_email=notify_email, digest=digest)


# Helpers ---------------------------------------------------------------------------------


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
