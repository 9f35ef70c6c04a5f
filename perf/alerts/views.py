"""Alerts, inboxes, the department dashboard and a project's planned-vs-actual chart."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf import clock, versions
from perf.alerts import dashboard as boards
from perf.alerts import queries, services
from perf.alerts.forms import AnswerForm
from perf.alerts.models import Alert
from perf.auth.permissions import Perm, can_edit, can_review, can_view, ensure, has, loads, require
from perf.boundary import refusal, refused
from perf.forms import ticked_ids
from perf.projects.queries import budget_years, project_by_id
from perf.spending.forecast import forecast_text, shortfall_text
from perf.spending.lag import LEVEL_LABELS, LIGHT_LABELS
from perf.versions import read_version

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def unread():
    """``unread_alerts()`` for the top bar (queried only where a page asks)."""

    def unread_alerts() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {
        "unread_alerts": unread_alerts,
        "level_labels": LEVEL_LABELS,
        "light_labels": LIGHT_LABELS,
        "forecast_text": forecast_text,
        "shortfall_text": shortfall_text,
    }


def _asked_date() -> date | None:
    """The ``as_of`` the query string asks for, or None (none, or not a date)."""
    try:
        return date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        return None


def _as_of() -> date:
    try:
        return date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        return clock.today()


@bp.get("/alerts")
@require(Perm.PROJECT_VIEW)
def alerts():
    """Alerts on the projects the user may see: year, search, status and light filters, paged."""
    return _alerts_page()


@bp.post("/alerts/close")
@require(Perm.PROJECT_REVIEW)
def close_many():
    """Batch close: every ticked alert with one comment, or none (each refused one named, the ticks kept)."""
    ids = ticked_ids("alert_id")
    comment = request.form.get("comment", "")
    with refusal(flash_messages=True):
        closed = services.close_many(ids, current_user._get_current_object(), comment)
        flash(f"已关闭 {len(closed)} 条预警", "success")
        return redirect(url_for("alerts.alerts", **request.args))
    return _alerts_page(ids, comment), 422


def _alerts_page(selected=(), comment: str = ""):
    years = budget_years()
    filters = queries.AlertFilters.parse(request.args, years)
    return render_template(
        "alerts/alerts.html",
        alerts=queries.alerts_for(current_user, filters),
        filters=filters,
        years=years,
        statuses=list(queries.STATUS_FILTERS.items()),
        levels=list(LEVEL_LABELS.items()),
        may_close=has(current_user, Perm.PROJECT_REVIEW),
        selected=set(selected),
        comment=comment,
    )


def _may_see(user, alert: Alert) -> bool:
    return can_view(user, alert.project)


def _may_close_or_send_back(user, alert: Alert) -> bool:
    return can_review(user, alert.project)


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@require(Perm.PROJECT_VIEW)
@loads("alert_id", queries.alert, _may_see, "预警")
def alert(alert: Alert):
    """One alert: the owner answers it, the reviewer reads the answer and closes it."""
    form = AnswerForm(obj=alert) if request.method == "GET" else AnswerForm()
    if request.method == "POST":
        ensure(can_edit(current_user, alert.project))
        if form.validate_on_submit():  # only CSRF stops here: the service checks every field together
            with refusal(form):
                services.answer(alert, current_user, *form.typed(), form.expected_version)
                flash("说明已提交，等待财务审核查看", "success")
                return redirect(url_for("alerts.alert", alert_id=alert.id))
            if refused().kind == "stale":  # what was typed stays; saving again is now a deliberate overwrite
                form.lock_version.data = str(versions.current(alert))
    may_answer = can_edit(current_user, alert.project) and alert.kind == "lag" and alert.status != "closed"
    may_close = can_review(current_user, alert.project) and alert.status in ("answered", "resolved")
    may_send_back = can_review(current_user, alert.project) and alert.status == "answered"
    if request.method == "GET":
        services.mark_alert_read(current_user, alert)
    return render_template(
        "alerts/alert.html",
        alert=alert,
        form=form,
        may_answer=may_answer,
        may_close=may_close,
        may_send_back=may_send_back,
        conversation=services.conversation(alert),
        amounts=queries.alert_amounts(alert),
    )


@bp.post("/alerts/<int:alert_id>/send-back")
@require(Perm.PROJECT_REVIEW)
@loads("alert_id", queries.alert, _may_close_or_send_back, "预警")
def send_back(alert: Alert):
    """The reviewer sends an answer back with a comment: the owner answers again."""
    with refusal(keep="send-back-form"):
        expected = read_version(request.form.get("lock_version"))
        services.send_back(alert, current_user, request.form.get("comment", ""), expected)
        flash("说明已退回项目负责人", "success")
    return redirect(url_for("alerts.alert", alert_id=alert.id))


@bp.post("/alerts/<int:alert_id>/close")
@require(Perm.PROJECT_REVIEW)
@loads("alert_id", queries.alert, _may_close_or_send_back, "预警")
def close_alert(alert: Alert):
    """The reviewer closes an answered alert."""
    with refusal(flash_messages=True):
        services.close(alert, current_user, expected_version=read_version(request.form.get("lock_version")))
        flash("预警已关闭", "success")
    return redirect(url_for("alerts.alert", alert_id=alert.id))


@bp.get("/inbox")
@require(Perm.ACCOUNT)
def inbox():
    """The user's in-app messages: search, read/unread, paged."""
    filters = queries.InboxFilters.parse(request.args)
    return render_template(
        "alerts/inbox.html",
        items=queries.inbox_for(current_user, filters),
        filters=filters,
        reads=list(queries.READ_FILTERS.items()),
    )


@bp.post("/inbox/read")
@require(Perm.ACCOUNT)
def read():
    """Mark one message (``item``) or all as read."""
    services.mark_read(current_user, request.form.get("item", type=int))
    return redirect(url_for("alerts.inbox"))


@bp.get("/departments/<code>/<int:year>/dashboard")
@require(Perm.PROJECT_VIEW)
def dashboard(code: str, year: int):
    """Each project's light, planned vs actual percent and open alerts; sortable and filterable."""
    asked = _asked_date()
    filters = boards.DashboardFilters.parse(request.args, asked)
    board = boards.dashboard(code, year, filters, current_user, clock.today()) or abort(404)
    return render_template(
        "alerts/dashboard.html",
        board=board,
        year=board.year,
        rows=board.rows,
        as_of=board.as_of,
        filters=filters,
        sorts=boards.DASHBOARD_SORTS,
    )


@bp.get("/projects/<int:project_id>/progress")
@require(Perm.PROJECT_VIEW)
@loads("project_id", project_by_id, can_view, "项目")
def progress(project):
    """Planned vs actual cumulative percent over the year, checkpoints marked."""
    as_of = _as_of()
    return render_template("alerts/progress.html", project=project, curve=queries.curve(project, as_of), as_of=as_of)
