"""Alerts, inboxes, the department dashboard and a project's planned-vs-actual chart."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf.alerts import queries, services
from perf.alerts.forms import AnswerForm
from perf.alerts.models import Alert
from perf.auth.permissions import Perm, can_edit, can_review, can_view, ensure, require
from perf.extensions import db
from perf.projects.queries import project_by_id
from perf.spending.lag import LEVEL_LABELS

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def unread():
    """``unread_alerts()`` for the top bar (queried only where a page asks)."""

    def unread_alerts() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_alerts": unread_alerts, "level_labels": LEVEL_LABELS}


def _as_of() -> date:
    try:
        return date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        return date.today()


@bp.get("/alerts")
@require(Perm.PROJECT_VIEW)
def alerts():
    """Alerts on the projects the user may see."""
    status = request.args.get("status") or None
    return render_template("alerts/alerts.html", alerts=queries.alerts_for(current_user, status), status=status)


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@require(Perm.PROJECT_VIEW)
def alert(alert_id: int):
    """One alert: the owner answers it, the reviewer reads the answer and closes it."""
    item = db.get_or_404(Alert, alert_id)
    ensure(can_view(current_user, item.project))
    form = AnswerForm(obj=item) if request.method == "GET" else AnswerForm()
    if request.method == "POST":
        ensure(can_edit(current_user, item.project))
        if form.validate_on_submit():
            try:
                services.answer(item, current_user, form.reason.data, form.measures.data, form.catch_up_on.data)
            except services.AlertRuleError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                flash("说明已提交，等待财务审核查看", "success")
                return redirect(url_for("alerts.alert", alert_id=alert_id))
    may_answer = can_edit(current_user, item.project) and item.kind == "lag" and item.status != "closed"
    may_close = can_review(current_user, item.project) and item.status in ("answered", "resolved")
    return render_template("alerts/alert.html", alert=item, form=form, may_answer=may_answer, may_close=may_close)


@bp.post("/alerts/<int:alert_id>/close")
@require(Perm.PROJECT_REVIEW)
def close_alert(alert_id: int):
    """The reviewer closes an answered alert."""
    item = db.get_or_404(Alert, alert_id)
    ensure(can_review(current_user, item.project))
    try:
        services.close(item, current_user)
    except services.AlertRuleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("预警已关闭", "success")
    return redirect(url_for("alerts.alert", alert_id=alert_id))


@bp.get("/inbox")
@require(Perm.ACCOUNT)
def inbox():
    """The user's in-app messages."""
    return render_template("alerts/inbox.html", items=queries.inbox_for(current_user))


@bp.post("/inbox/read")
@require(Perm.ACCOUNT)
def read():
    """Mark one message (``item``) or all as read."""
    services.mark_read(current_user, request.form.get("item", type=int))
    db.session.commit()
    return redirect(url_for("alerts.inbox"))


@bp.get("/departments/<code>/<int:year>/dashboard")
@require(Perm.PROJECT_VIEW)
def dashboard(code: str, year: int):
    """Each project's light, planned vs actual percent and open alerts; sortable and filterable."""
    as_of = _as_of()
    found = queries.dashboard(code, year, as_of, current_user) or abort(404)
    department, budget_year, rows = found
    return render_template("alerts/dashboard.html", department=department, year=budget_year, rows=rows, as_of=as_of)


@bp.get("/projects/<int:project_id>/progress")
@require(Perm.PROJECT_VIEW)
def progress(project_id: int):
    """Planned vs actual cumulative percent over the year, checkpoints marked."""
    project = project_by_id(project_id) or abort(404)
    ensure(can_view(current_user, project))
    as_of = _as_of()
    return render_template(
        "alerts/progress.html", project=project, curve=queries.curve(project, as_of), as_of=as_of
    )
