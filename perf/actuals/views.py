"""The 实际完成值 page (blueprint ``actuals``): every indicator's actual value as of a date.

The owner of the project's unit enters them; everyone who may see the project reads them.
A refused save keeps what was typed and shows each row's messages at its field.
"""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf import clock
from perf.actuals.forms import ActualsForm
from perf.actuals.services import latest_actuals, set_actuals, stored_versions
from perf.auth.permissions import Perm, can_edit, can_view, ensure, loads, require
from perf.boundary import refusal, refused
from perf.projects import queries
from perf.projects.models import Project
from perf.workflow import locks

bp = Blueprint("actuals", __name__)


@bp.route("/projects/<int:project_id>/actuals", methods=["GET", "POST"])
@require(Perm.PROJECT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def actuals(project: Project):
    """实际完成值 of every indicator as of a date: the owner enters them, everyone who sees the project reads them."""
    may_enter = can_edit(current_user, project)
    form = ActualsForm()
    status = 200
    if request.method == "POST":
        ensure(may_enter)
        if form.validate():
            with refusal(form):
                changed = set_actuals(project, form.as_of.data, form.entries(), current_user.username)
                flash(f"已保存 {changed} 项实际完成值" if changed else "没有修改", "success")
                return redirect(url_for("actuals.actuals", project_id=project.id, as_of=form.as_of.data))
            if refused().kind == "stale":
                form.refresh_versions(stored_versions(project, form.as_of.data))
        status = 422
    else:
        as_of = _as_of(project)
        on_the_day = {i: row for i, row in latest_actuals(project, as_of).items() if row.as_of == as_of}
        form.fill(as_of, project.indicators, on_the_day)  # earlier values are shown, not carried forward
    as_of = form.as_of.data or _as_of(project)
    context = {
        "project": project,
        "form": form,
        "may_enter": may_enter,
        "latest": latest_actuals(project, as_of),
        "locked": locks.held(project.id, "actuals") is not None,
    }
    return render_template("actuals/actuals.html", **context), status


def _as_of(project: Project) -> date:
    """The ``as_of`` argument if it lies in the budget year, else today within the year (its end after it)."""
    end = date(project.budget_year.year, 12, 31)
    start = date(end.year, 1, 1)
    wanted = request.args.get("as_of", "")
    try:
        chosen = date.fromisoformat(wanted) if wanted else None
    except ValueError:
        chosen = None
    if chosen is not None and start <= chosen <= end:
        return chosen
    return min(max(clock.today(), start), end)
