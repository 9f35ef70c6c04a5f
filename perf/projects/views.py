"""Project pages: the department list, the 绩效目标表, and the form to create or edit one."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from perf import tunables, versions
from perf.auth.permissions import Perm, can_create_in, can_edit, can_view, ensure, loads, require
from perf.boundary import refusal, refused
from perf.db import bounded_id
from perf.numbers import plain
from perf.paging import ListArgs, Window
from perf.projects import library, queries, services, xlsx
from perf.projects.forms import ProjectForm
from perf.projects.indicators import value_fields
from perf.projects.pages import department_panels_of, notes_of, panels_of
from perf.projects.taxonomy import taxonomy
from perf.templating import describe_value

bp = Blueprint("projects", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@require(Perm.PROJECT_VIEW)
def index():
    """Home: 待办, then the departments with projects of the chosen year (the newest by default)."""
    years = queries.budget_years()
    args = ListArgs.parse(request.args, years)
    rows = queries.department_years(current_user, args.year, args.text, args.window)
    return render_template("projects/index.html", rows=rows, years=years, args=args)


@bp.get("/departments/<code>/<int:year>")
@require(Perm.PROJECT_VIEW)
def department(code: str, year: int):
    """A department's projects for one year."""
    window = Window.parse(request.args.get("page"), request.args.get("per_page"))
    page = queries.department_page(code, year, current_user, window) or abort(404)
    panels = department_panels_of(page.department, page.year)
    return render_template("projects/department.html", page=page, notes=notes_of(page.projects), **panels)


@bp.get("/projects/<int:year>/<code>")
@require(Perm.PROJECT_VIEW)
def project(year: int, code: str):
    """One project's 绩效目标表, laid out like the published table, with its review."""
    project = queries.project_by_code(code, year) or abort(404)
    ensure(can_view(current_user, project))
    return render_template(
        "projects/project.html", project=project, table=queries.table_rows(project), **panels_of(project)
    )


@bp.get("/projects/<int:project_id>/target-table.xlsx")
@require(Perm.PROJECT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def table_xlsx(project):
    """The 绩效目标表 as an Excel workbook in its published layout (whoever may see the page)."""
    data = xlsx.to_bytes(project, queries.table_rows(project))
    name = f"{project.code}-绩效目标表-{project.budget_year.year}.xlsx"
    return send_file(BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


@bp.route("/projects/new", methods=["GET", "POST"])
@require(Perm.PROJECT_EDIT)
def new_project():
    """Start a 绩效目标表 in one of the owner's units (optionally from last year's)."""
    year = queries.year_or_latest(bounded_id(request.args.get("year"))) or abort(404)
    form = ProjectForm()
    form.configure(year.scheme, year.checkpoints, current_user.units)
    source = library.copy_source(current_user, bounded_id(request.args.get("copy")))
    if request.method == "GET" and source is not None:
        form.fill_from(source)
    if form.validate_on_submit():  # the unit is one of the owner's (its choices)
        unit = next(u for u in current_user.units if u.id == form.unit_id.data)
        ensure(can_create_in(current_user, unit))
        with refusal(form):
            created = services.create_project(year, unit, form.table(), actor=current_user.username)
            flash("项目已保存为草稿", "success")
            return redirect(url_for("projects.project", year=year.year, code=created.code))
    return _form_page(form, year, None, copy_from=library.copy_candidates(current_user, year))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@require(Perm.PROJECT_EDIT)
@loads("project_id", queries.project_by_id, can_edit, "项目")
def edit_project(project):
    """Edit a draft 绩效目标表; a stale save is refused and what was typed is kept."""
    if project.locked:
        flash(f"项目当前为“{project.status_label}”状态，不能直接修改", "error")
        return redirect(url_for("projects.project", year=project.budget_year.year, code=project.code))
    form = ProjectForm()
    form.configure(project.budget_year.scheme, project.budget_year.checkpoints, [project.unit])
    if request.method == "GET":
        form.fill_from(project)
    if form.validate_on_submit():
        with refusal(form):
            services.update_project(project, form.table(), current_user.username, form.expected_version)
            flash("修改已保存", "success")
            return redirect(url_for("projects.project", year=project.budget_year.year, code=project.code))
        if (error := refused()) is not None and error.kind == "stale":  # saving again is a deliberate overwrite
            form.lock_version.data = str(versions.current(project))
    return _form_page(form, project.budget_year, project)


def _form_page(form, year, project, copy_from=()):
    return render_template(
        "projects/form.html",
        form=form,
        year=year,
        project=project,
        tree=taxonomy(year.scheme),
        copy_from=copy_from,
    )


@bp.get("/projects/parse-value")
@require(Perm.PROJECT_VIEW)
def parse_value():
    """How perf reads a 指标值 as it is typed (JSON)."""
    args = request.args
    units = tunables.get("extra_units")
    fields = value_fields(args.get("value", ""), args.get("level1", ""), args.get("level2", ""), None, units)
    label = describe_value(fields["kind"], fields["comparator"], fields["target"], fields["unit"], fields["direction"])
    return {**fields, "target": plain(fields["target"]), "label": label}


@bp.get("/projects/suggest")
@require(Perm.PROJECT_VIEW)
def suggest():
    """Indicator library suggestions for a 二级 and what was typed (JSON)."""
    return {"suggestions": library.suggestions(request.args.get("level2", ""), request.args.get("q", ""))}
