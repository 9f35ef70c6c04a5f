"""Who may do what: the role -> permission table, route decorators and object checks.

Every route declares exactly one of ``@public`` or ``@require(Perm.X)``; a test walks the
URL map to make sure. Object checks ("may this user edit this project") live here too,
so views and services ask one place.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.exceptions import NotFound

from perf.auth.models import DEPARTMENT_ROLES
from perf.db import MAX_ID
from perf.org.models import Unit


class Perm(StrEnum):
    """Permissions a role grants."""

    PROJECT_VIEW = "project.view"
    PROJECT_EDIT = "project.edit"  # create, edit, submit, ask for an adjustment
    PROJECT_REVIEW = "project.review"  # return, approve
    AUDIT_VIEW = "audit.view"
    USER_ADMIN = "user.admin"
    ORG_ADMIN = "org.admin"  # units, years, settings
    ACCOUNT = "account"  # one's own account page
    DATA_IMPORT = "data.import"  # upload a file, check it, confirm it (which kinds and rows: perf.imports.services)


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    "owner": frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_EDIT, Perm.DATA_IMPORT, Perm.ACCOUNT}),
    "reviewer": frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_REVIEW, Perm.AUDIT_VIEW, Perm.DATA_IMPORT, Perm.ACCOUNT}),
    "leader": frozenset({Perm.PROJECT_VIEW, Perm.AUDIT_VIEW, Perm.ACCOUNT}),
    "admin": frozenset(
        {Perm.PROJECT_VIEW, Perm.AUDIT_VIEW, Perm.USER_ADMIN, Perm.ORG_ADMIN, Perm.DATA_IMPORT, Perm.ACCOUNT}
    ),
}

PUBLIC = "public"


def has(user, perm: Perm) -> bool:
    """True when the user's role grants ``perm`` (never for anonymous users)."""
    return bool(user and user.is_authenticated and perm in ROLE_PERMISSIONS.get(user.role, ()))


def public(view: Callable) -> Callable:
    """Mark a route as open to everyone (the sign-in page, static assets)."""
    view.permission = PUBLIC
    return view


def require(perm: Perm) -> Callable[[Callable], Callable]:
    """Route decorator: sign-in required (redirect), then ``perm`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/") or request.method != "GET":
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path))
            if not has(current_user, perm):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = perm
        return wrapped

    return decorator


def loads(param: str, finder: Callable[[int], object], allowed: Callable, what: str, name: str | None = None):
    """Route decorator: the object whose id is in ``param``, if ``allowed(user, object)``.

    404 (naming ``what``) when ``finder`` finds nothing or the id is out of range, 403 when the
    user may not act on it; the view gets the object as ``name`` (``param`` without ``_id``).
    Put it under ``require``/``allow``, so the caller is known first.
    """
    target = name or param.removesuffix("_id")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            ident = kwargs.pop(param)
            found = finder(ident) if 1 <= ident <= MAX_ID else None
            if found is None:
                missing = NotFound()
                missing.data = {"message": f"{what}不存在"}
                raise missing
            if not allowed(current_user, found):
                abort(403)
            return view(*args, **{**kwargs, target: found})

        return wrapped

    return decorator


def unit_ids(user) -> set[int]:
    """Units an owner looks after."""
    return {unit.id for unit in user.units}


def can_view(user, project) -> bool:
    """Owners see their units' projects, reviewers and leaders their department's, admins all."""
    if not has(user, Perm.PROJECT_VIEW):
        return False
    if user.role == "admin":
        return True
    if user.role in DEPARTMENT_ROLES:
        return user.department_id == project.unit.department_id
    return project.unit_id in unit_ids(user)


def can_edit(user, project) -> bool:
    """Owners of the project's unit may edit its table (the workflow decides when)."""
    return has(user, Perm.PROJECT_EDIT) and project.unit_id in unit_ids(user)


def can_review(user, project) -> bool:
    """Reviewers of the project's department may return or approve it."""
    return has(user, Perm.PROJECT_REVIEW) and user.department_id == project.unit.department_id


def can_create_in(user, unit: Unit) -> bool:
    """Owners may start projects in their own units."""
    return has(user, Perm.PROJECT_EDIT) and unit.id in unit_ids(user)


def ensure(allowed: bool) -> None:
    """Abort with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def visible(query: Select, user, project_entity) -> Select:
    """Restrict a project query to what ``user`` may see."""
    if user.role == "admin":
        return query
    if user.role in DEPARTMENT_ROLES:
        return query.where(
            project_entity.unit_id.in_(
                Unit.__table__.select().with_only_columns(Unit.id).where(Unit.department_id == user.department_id)
            )
        )
    return query.where(project_entity.unit_id.in_(unit_ids(user) or {-1}))
