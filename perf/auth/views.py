"""Sign in and out, one's account, and the admin's user pages."""

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from perf import versions
from perf.auth import passwords, queries, services
from perf.auth.demo import is_demo_password
from perf.auth.forms import LoginForm, NoticeForm, PasswordForm, TokenForm, UserForm
from perf.auth.models import ROLE_LABELS, User
from perf.auth.permissions import Perm, has, loads, public, require
from perf.auth.session import MUST_CHANGE_PASSWORD
from perf.auth.tokens import tokens_of
from perf.boundary import refusal, refused
from perf.errors import RuleError

bp = Blueprint("auth", __name__)

#: One message for every failed sign-in, so it does not tell which part was wrong.
LOGIN_FAILED = "用户名或密码错误"
#: China Standard Time (no daylight saving), for showing stored UTC moments.
CST = timezone(timedelta(hours=8), "北京时间")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "/\evil" as "//evil" and drop tabs/newlines before parsing.
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def has_perm_user_admin(user, _account) -> bool:
    """Admins manage every account (the route already asked for the permission)."""
    return has(user, Perm.USER_ADMIN)


@bp.app_context_processor
def _permission_helpers() -> dict:
    """``has_perm(Perm.X)`` and ``Perm`` for every template (the top bar needs them)."""
    return {"has_perm": lambda perm: has(current_user, Perm(perm)), "Perm": Perm}


@bp.app_template_filter("beijing_time")
def beijing_time(moment: datetime | None) -> str:
    """'2024-03-01 09:30' in 北京时间; blank for None (SQLite hands back naive UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


@bp.get("/favicon.ico")
@public
def favicon():
    """The icon browsers ask for at the site root before any page names one (perf/static/favicon.ico)."""
    folder = current_app.static_folder
    return send_from_directory(folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The sign-in page; success goes to a same-site ``next`` or the home page."""
    target = request.values.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(target) or url_for("projects.index"))
    form, error, status = LoginForm(next=target), None, 200
    if form.validate_on_submit():
        try:  # audited on success and failure; too many failures lock the account or the address (429)
            user = passwords.authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except RuleError as locked:
            user, error, status = None, locked.headline, locked.status
        else:
            if user is not None:
                if current_app.config["FORCE_DEMO_PASSWORD_CHANGE"] and is_demo_password(
                    user.username, form.password.data
                ):
                    return _sign_in_to_change_password(user)
                return _sign_in(user, form.next.data or target)
            error = LOGIN_FAILED
    page = render_template("auth/login.html", form=form, error=error, cookie_dropped=_cookie_dropped())
    return page, status


def _cookie_dropped() -> bool:
    """The session cookie is HTTPS-only but this page came over plain HTTP: the browser will not send it
    back, so signing in cannot work (README "Plain HTTP on an intranet")."""
    over_https = request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) and not over_https


def _sign_in(user: User, target: str | None):
    """Start a fresh, permanent session (8-hour idle lifetime) and go on."""
    session.clear()
    login_user(user)
    session.permanent = True
    flash(f"欢迎，{user.label}")
    return redirect(safe_next(target) or url_for("projects.index"))


def _sign_in_to_change_password(user: User):
    """A demo account signed in with its published password (outside development): every page but the
    account page (and signing out) leads back to it until the password is changed (perf/auth/session.py)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session[MUST_CHANGE_PASSWORD] = True  # the account page says why, each time it is shown
    return redirect(url_for("auth.account"))


@bp.post("/logout")
@require(Perm.ACCOUNT)
def logout():
    """End the session."""
    passwords.note_logout(_me())
    logout_user()
    flash("已退出登录")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@require(Perm.ACCOUNT)
def account():
    """One's own account: who one is, and a password change."""
    form = PasswordForm()
    if form.validate_on_submit():  # the service checks every field, so all its problems show at once
        with refusal(form, {"password": "new_password"}):
            typed = (form.current_password.data, form.new_password.data, form.confirm.data or "")
            passwords.change_own_password(_me(), *typed, revoke_tokens=form.revoke_tokens.data)
            login_user(_me())  # this session goes on with the new session version; every other one ended
            session.pop(MUST_CHANGE_PASSWORD, None)
            flash(
                "密码已修改，其他已登录的浏览器需重新登录" + ("，API 令牌已全部吊销" if form.revoke_tokens.data else "")
            )
            return redirect(url_for("auth.account"))
    return account_page(form, TokenForm(formdata=None))


@bp.post("/account/notices")
@require(Perm.ACCOUNT)
def notices():
    """One's own e-mail address and how messages reach one."""
    notice_form = NoticeForm()
    if notice_form.validate_on_submit():
        with refusal(notice_form):
            services.set_notices(_me(), current_user.username, **notice_form.notice_fields())
            flash("消息接收设置已保存")
            return redirect(url_for("auth.account"))
    return account_page(PasswordForm(formdata=None), TokenForm(formdata=None), notice_form=notice_form), 422


def account_page(form: PasswordForm, token_form: TokenForm, secret: str | None = None, notice_form=None):
    """The account page; a new token's secret is shown in this one answer, never stored or cached."""
    me = _me()
    notice_form = notice_form or NoticeForm(formdata=None, obj=me)
    page = render_template(
        "auth/account.html",
        form=form,
        user=me,
        token_form=token_form,
        notice_form=notice_form,
        tokens=tokens_of(me),
        new_secret=secret,
        must_change_password=bool(session.get(MUST_CHANGE_PASSWORD)),
    )
    response = make_response(page)
    if secret:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/users")
@require(Perm.USER_ADMIN)
def users():
    """Every account with its role, units or department, and last sign-in: search, role and unit filters, paged."""
    filters = queries.UserFilters.parse(request.args)
    return render_template(
        "auth/users.html",
        users=queries.list_users(filters),
        filters=filters,
        roles=list(ROLE_LABELS.items()),
        units=queries.unit_filter_choices(),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require(Perm.USER_ADMIN)
def user_new():
    """Create an account."""
    form = UserForm(creating=True)
    if form.validate_on_submit():
        with refusal(form):
            user = services.create_user(form.username.data or "", actor=current_user.username, **form.fields())
            flash(f"已创建用户 {user.username}")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require(Perm.USER_ADMIN)
@loads("user_id", queries.user_by_id, has_perm_user_admin, "用户")
def user_edit(user: User):
    """Change an account's name, role, units or department, status or password."""
    form = UserForm.for_user(user)
    if form.validate_on_submit():
        with refusal(form):
            fields = form.fields()
            services.update_user(
                user, current_user.username, form.expected_version, bool(form.revoke_tokens.data), **fields
            )
            if user.id == current_user.id:
                login_user(user)  # an admin who reset their own password stays signed in here
            flash(f"已保存用户 {user.username}")
            return redirect(url_for("auth.users"))
        if (error := refused()) is not None and error.kind == "stale":  # what was typed stays
            form.lock_version.data = str(versions.current(user))
    return render_template("auth/user_form.html", form=form, user=user)


def _me() -> User:
    """The signed-in user object itself (not Flask-Login's proxy)."""
    return current_user._get_current_object()
