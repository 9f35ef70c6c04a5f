"""Pages of the mid-year monitoring round (blueprint ``midyear``): the 监控表, its XLSX and the overview.

Anyone who may view a project sees its 监控表; owners of the project's unit fill it in.
A refused form is shown again with what was typed and a Chinese message at each field.
"""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_edit, can_view, loads, require
from perf.boundary import refusal, refused
from perf.midyear import lights, queries, services, xlsx
from perf.midyear.forms import MidyearForm
from perf.midyear.models import CAUSE_LABELS, LIKELIHOOD_LABELS
from perf.midyear.settings import parse_round, round_date
from perf.paging import Window
from perf.projects.queries import project_by_id
from perf.spending.lag import LEVEL_LABELS

bp = Blueprint("midyear", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.record_once
def _check_setting(state) -> None:
    """Fail at start-up on a MIDYEAR_ROUND that is not a month-day."""
    parse_round(state.app.config["MIDYEAR_ROUND"])


@bp.get("/projects/<int:project_id>/midyear")
@require(Perm.PROJECT_VIEW)
@loads("project_id", project_by_id, can_view, "项目")
def round_page(project):
    """The project's 监控表 with its lights; the owner gets the form."""
    sheet = queries.sheet(project, round_date(project.budget_year.year))
    form = None
    if can_edit(current_user, project):
        form = MidyearForm()
        form.fill(sheet.rows)
    return _page(sheet, form)


@bp.post("/projects/<int:project_id>/midyear")
@require(Perm.PROJECT_EDIT)
@loads("project_id", project_by_id, can_edit, "项目")
def save_round(project):
    """Save the owner's entries of the round (all rows or none)."""
    round_on = round_date(project.budget_year.year)
    form = MidyearForm()
    if form.validate_on_submit():
        with refusal(form):
            changed = services.save_entries(project, round_on, form.to_data(), current_user.username)
            flash(f"已保存 {changed} 个指标的监控情况" if changed else "内容没有变化", "success")
            return redirect(url_for("midyear.round_page", project_id=project.id))
    sheet = queries.sheet(project, round_on)
    if (error := refused()) is not None and error.kind == "stale":  # what was typed stays; saving again overwrites
        form.show_actuals(sheet.rows)
    return _page(sheet, form), 200


@bp.get("/projects/<int:project_id>/midyear.xlsx")
@require(Perm.PROJECT_VIEW)
@loads("project_id", project_by_id, can_view, "项目")
def round_xlsx(project):
    """The 监控表 as an XLSX workbook."""
    sheet = queries.sheet(project, round_date(project.budget_year.year))
    filename = f"{project.code}-绩效运行监控表-{sheet.round_on.isoformat()}.xlsx"
    return send_file(BytesIO(xlsx.to_bytes(sheet)), mimetype=XLSX, as_attachment=True, download_name=filename)


@bp.get("/departments/<code>/<int:year>/midyear")
@require(Perm.PROJECT_VIEW)
def department_round(code: str, year: int):
    """Every visible project of the department with its lights in the round."""
    page = queries.overview(code, year, round_date, current_user) or abort(404)
    shown = page.page(Window.parse(request.args.get("page"), request.args.get("per_page")))
    return render_template("midyear/department.html", page=page, shown=shown, **_labels())


def _labels() -> dict:
    return {
        "light_labels": lights.LABELS,
        "light_order": lights.ORDER,
        "spending_labels": LEVEL_LABELS,
        "likelihood_labels": LIKELIHOOD_LABELS,
        "likelihood_lights": lights.QUALITATIVE,
        "doubtful": lights.DOUBTFUL,
        "cause_labels": CAUSE_LABELS,
    }


def _page(sheet, form: MidyearForm | None) -> str:
    subs = form.by_indicator() if form is not None else {}
    return render_template("midyear/project.html", sheet=sheet, form=form, subs=subs, **_labels())
